package console

import (
	"os/exec"
	"strings"
	"testing"
)

// TestLayering holds the data flow of DESIGN.md: console on top; engine
// never reads the store (it is handed what it needs); store and vault know
// nothing of the engine; nothing below console reaches up to it.
func TestLayering(t *testing.T) {
	forbidden := map[string][]string{
		"vc/engine":    {"vc/console", "vc/store", "vc/vault", "vc/inventory", "vc/templates"},
		"vc/store":     {"vc/console", "vc/engine", "vc/templates", "vc/lab"},
		"vc/vault":     {"vc/console", "vc/engine", "vc/store", "vc/templates", "vc/lab"},
		"vc/templates": {"vc/console", "vc/engine", "vc/store", "vc/vault", "vc/lab"},
		"vc/inventory": {"vc/console", "vc/engine", "vc/vault", "vc/lab"},
		"vc/records":   {"vc/console", "vc/engine", "vc/store", "vc/vault", "vc/templates", "vc/lab", "vc/inventory", "vc/render"},
		"vc/render":    {"vc/console", "vc/engine", "vc/store", "vc/vault", "vc/templates", "vc/lab", "vc/inventory"},
		"vc/lab":       {"vc/console", "vc/engine", "vc/store", "vc/vault", "vc/templates"},
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
