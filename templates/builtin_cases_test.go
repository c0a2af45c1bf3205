package templates

import (
	"encoding/json"
	"net/url"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

// builtinCase is a saved output in testdata/builtin/PLATFORM/COMMAND/,
// with the records Python textfsm gives for it (builtin_expected.py).
type builtinCase struct {
	raw, platform, command string
}

func builtinCases(t *testing.T) []builtinCase {
	t.Helper()
	raws, err := filepath.Glob("testdata/builtin/*/*/*.raw")
	if err != nil {
		t.Fatal(err)
	}
	var cases []builtinCase
	for _, r := range raws {
		parts := strings.Split(filepath.ToSlash(r), "/")
		// A command's folder spells its spaces as _ and its slashes as
		// %2F (cat_%2Fproc%2Fuptime).
		dir, err := url.PathUnescape(parts[3])
		if err != nil {
			t.Fatal(err)
		}
		cases = append(cases, builtinCase{raw: r, platform: parts[2], command: strings.ReplaceAll(dir, "_", " ")})
	}
	return cases
}

// TestBuiltinCases parses the lab-format samples of the commands that
// ntc-templates has no test case for, and compares with Python textfsm.
func TestBuiltinCases(t *testing.T) {
	lib, err := NewLibrary(Options{})
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range builtinCases(t) {
		t.Run(strings.TrimPrefix(c.raw, "testdata/builtin/"), func(t *testing.T) {
			raw, err := os.ReadFile(c.raw)
			if err != nil {
				t.Fatal(err)
			}
			sel, err := lib.Match(c.platform, c.command)
			if err != nil {
				t.Fatal(err)
			}
			res, err := clitableParseWith(lib, sel.Templates, string(raw))
			if err != nil {
				t.Fatal(err)
			}
			if sel.Layer != LayerBuiltin {
				t.Fatalf("selected from %s, want the built-in index", sel.Layer)
			}
			b, err := os.ReadFile(strings.TrimSuffix(c.raw, ".raw") + ".json")
			if err != nil {
				t.Fatal(err)
			}
			var want []any
			if err := json.Unmarshal(b, &want); err != nil {
				t.Fatal(err)
			}
			got := normalize(res.Maps())
			if !reflect.DeepEqual(got, normalize(want)) {
				t.Errorf("records differ from Python textfsm's\n got  %v\n want %v", got, want)
			}
			if res.Score.Unmatched != 0 || res.Score.Records == 0 {
				t.Errorf("score %+v: want records and every line read", res.Score)
			}
		})
	}
}
