package vault

import (
	"go/parser"
	"go/token"
	"os"
	"strings"
	"testing"
)

// TestImportsOnlyCrypto holds the layering: vault knows nothing of vc's
// other packages (the store keeps its output, the console asks for
// passwords), only the standard library and x/crypto.
func TestImportsOnlyCrypto(t *testing.T) {
	entries, err := os.ReadDir(".")
	if err != nil {
		t.Fatal(err)
	}
	fset := token.NewFileSet()
	for _, e := range entries {
		name := e.Name()
		if !strings.HasSuffix(name, ".go") || strings.HasSuffix(name, "_test.go") {
			continue
		}
		f, err := parser.ParseFile(fset, name, nil, parser.ImportsOnly)
		if err != nil {
			t.Fatal(err)
		}
		for _, imp := range f.Imports {
			path := strings.Trim(imp.Path.Value, `"`)
			first, _, _ := strings.Cut(path, "/")
			if strings.Contains(first, ".") && !strings.HasPrefix(path, "golang.org/x/crypto/") {
				t.Errorf("%s imports %s", name, path)
			}
			if first == "vc" {
				t.Errorf("%s imports %s: vault must not depend on the rest of vc", name, path)
			}
		}
	}
}
