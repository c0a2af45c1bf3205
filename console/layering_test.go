package console

import (
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// TestLayering holds the data flow of DESIGN.md: console on top; engine
// never reads the store (it is handed what it needs); store, vault,
// templates, engine and records know no other vc package; nothing below
// console reaches up to it.
func TestLayering(t *testing.T) {
	leaf := []string{"vc/console", "vc/engine", "vc/store", "vc/vault", "vc/templates", "vc/lab", "vc/inventory",
		"vc/records", "vc/render", "vc/run", "vc/secrets", "vc/history"}
	without := func(self string, also ...string) []string {
		var out []string
		for _, p := range leaf {
			if p != self {
				out = append(out, p)
			}
		}
		return append(out, also...)
	}
	forbidden := map[string][]string{
		"vc/engine":           without("vc/engine"),
		"vc/store":            without("vc/store"),
		"vc/vault":            without("vc/vault"),
		"vc/templates":        without("vc/templates"),
		"vc/records":          without("vc/records"),
		"vc/lab":              without("vc/lab"),
		"vc/render":           {"vc/console", "vc/engine", "vc/store", "vc/vault", "vc/templates", "vc/lab", "vc/inventory", "vc/run", "vc/secrets"},
		"vc/inventory":        {"vc/console", "vc/engine", "vc/vault", "vc/lab", "vc/run", "vc/secrets", "vc/render"},
		"vc/inventory/netbox": {"vc/console", "vc/engine", "vc/vault", "vc/lab", "vc/run", "vc/secrets", "vc/render", "vc/history", "golang.org/x/term"},
		"vc/capture":          {"vc/console", "vc/engine", "vc/vault", "vc/lab", "vc/run", "vc/secrets", "vc/render", "vc/history", "vc/templates", "golang.org/x/term"},
		"vc/secrets":          {"vc/console", "vc/lab", "vc/run", "vc/render", "vc/templates", "golang.org/x/term"},
		"vc/run":              {"vc/console", "vc/lab", "vc/render", "vc/history", "golang.org/x/term"},
		"vc/history":          {"vc/console", "vc/lab", "vc/render", "golang.org/x/term"},
		"vc/jobs":             {"vc/console", "vc/lab", "vc/render", "golang.org/x/term"},
		"vc/daemon":           {"vc/console", "vc/lab", "vc/render", "vc/jobs", "golang.org/x/term"},
		"vc/views":            {"vc/console", "vc/engine", "vc/store", "vc/vault", "vc/lab", "vc/run", "vc/secrets", "vc/render", "vc/history", "golang.org/x/term"},
	}
	for pkg, bad := range forbidden {
		out, err := exec.Command("go", "list", "-deps", pkg).Output()
		if err != nil {
			t.Skipf("go list not available here: %v", err)
		}
		deps := map[string]bool{}
		for _, d := range strings.Fields(string(out)) {
			deps[d] = true
		}
		for _, b := range bad {
			if deps[b] {
				t.Errorf("%s imports %s", pkg, b)
			}
		}
	}
}

// TestDomainNeverTalksToThePerson: below console, nothing prints to the
// process's terminal or reads from it; what a person should know travels
// back as values, warnings and observer calls.
func TestDomainNeverTalksToThePerson(t *testing.T) {
	talk := regexp.MustCompile(`\bos\.(Stdout|Stderr|Stdin)\b|\bfmt\.Print(f|ln)?\(|\bterm\.ReadPassword\b`)
	for _, dir := range []string{"../run", "../history", "../daemon", "../jobs", "../views", "../capture", "../inventory/netbox", "../secrets", "../records", "../render", "../inventory", "../store", "../vault", "../templates", "../engine"} {
		files, err := filepath.Glob(filepath.Join(dir, "*.go"))
		if err != nil {
			t.Fatal(err)
		}
		for _, f := range files {
			if strings.HasSuffix(f, "_test.go") {
				continue
			}
			b, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			for i, line := range strings.Split(string(b), "\n") {
				if talk.MatchString(line) && !strings.HasPrefix(strings.TrimSpace(line), "//") {
					t.Errorf("%s:%d talks to the terminal: %s", f, i+1, strings.TrimSpace(line))
				}
			}
		}
	}
}
