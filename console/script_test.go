package console

import (
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"testing"

	"github.com/rogpeppe/go-internal/testscript"

	"vc/inventory/netbox/netboxtest"
	"vc/store"
)

// TestMain lets the test binary act as vc itself, so scripts run the real
// command line end to end.
func TestMain(m *testing.M) {
	// Plain Go tests start the test binary itself as vc this way.
	if os.Getenv("VC_TEST_AS_VC") == "1" {
		os.Exit(Main("test"))
	}
	testscript.Main(m, map[string]func(){
		"vc":       func() { os.Exit(Main("test")) },
		"vc-crash": func() { os.Exit(crashingMain()) },
	})
}

// TestScripts runs testdata/script/*.txtar. Each script gets its own
// VC_HOME.
func TestScripts(t *testing.T) {
	testscript.Run(t, scriptParams(t, "testdata/script"))
}

func scriptParams(t *testing.T, dir string) testscript.Params {
	return testscript.Params{
		Dir:                 dir,
		RequireExplicitExec: true,
		RequireUniqueNames:  true,
		UpdateScripts:       os.Getenv("VC_UPDATE_SCRIPTS") != "",
		Setup: func(env *testscript.Env) error {
			env.Setenv("VC_HOME", filepath.Join(env.WorkDir, ".vc"))
			env.Setenv("NO_COLOR", "1")
			// Scripts that need ntc-templates opt in with
			// env NTC_TEMPLATES_DIR=$NTC_DIR, behind [ntc].
			env.Setenv("NTC_DIR", ntcCollection())
			return nil
		},
		Condition: func(cond string) (bool, error) {
			if cond == "ntc" {
				return ntcCollection() != "", nil
			}
			return false, fmt.Errorf("unknown condition %q", cond)
		},
		Cmds: scriptCommands(),
	}
}

// scriptCommands are the extra commands scripts may use.
func scriptCommands() map[string]func(ts *testscript.TestScript, neg bool, args []string) {
	cmds := map[string]func(ts *testscript.TestScript, neg bool, args []string){
		// newerstore FILE writes a store of a schema newer than this vc's.
		"newerstore": func(ts *testscript.TestScript, neg bool, args []string) {
			if len(args) != 1 {
				ts.Fatalf("usage: newerstore FILE")
			}
			ts.Check(store.WriteSchemaForTest(ts.MkAbs(args[0]), 99))
		},
		// mode FILE PERM checks a file's permission bits.
		"mode": func(ts *testscript.TestScript, neg bool, args []string) {
			if len(args) != 2 {
				ts.Fatalf("usage: mode FILE PERM")
			}
			fi, err := os.Stat(ts.MkAbs(args[0]))
			ts.Check(err)
			got := fmt.Sprintf("%04o", fi.Mode().Perm())
			if (got == args[1]) == neg {
				ts.Fatalf("%s has mode %s, want %s%s", args[0], got, map[bool]string{true: "not ", false: ""}[neg], args[1])
			}
		},
	}
	maps.Copy(cmds, vaultScriptCommands())
	maps.Copy(cmds, labScriptCommands())
	maps.Copy(cmds, storeScriptCommands())
	maps.Copy(cmds, daemonScriptCommands())
	maps.Copy(cmds, ptyScriptCommands())
	maps.Copy(cmds, netboxtest.ScriptCommands())
	return cmds
}

// ntcCollection is the ntc-templates collection the tests read:
// $NTC_TEMPLATES_DIR, else ../shared/ntc-templates beside the repository;
// "" when there is none.
func ntcCollection() string {
	for _, dir := range []string{os.Getenv("NTC_TEMPLATES_DIR"), "../../shared/ntc-templates"} {
		if dir == "" {
			continue
		}
		for _, idx := range []string{filepath.Join(dir, "index"), filepath.Join(dir, "ntc_templates", "templates", "index")} {
			if _, err := os.Stat(idx); err == nil {
				abs, err := filepath.Abs(dir)
				if err == nil {
					return abs
				}
			}
		}
	}
	return ""
}
