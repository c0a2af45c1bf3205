package templates

import (
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
)

// Import copies an ntc-templates collection (its index and *.textfsm
// files; src may be the templates folder or a checkout) into dest, the
// folder under $VC_HOME that NTCDir then finds. It checks the index reads
// and every template compiles before copying, so a broken collection is
// refused whole, and returns how many templates it copied.
func Import(src, dest string) (int, error) {
	dir := ntcTemplatesFolder(src)
	index, err := os.ReadFile(filepath.Join(dir, "index"))
	if err != nil {
		return 0, fmt.Errorf("import %s: %w", src, err)
	}
	if _, err := ParseIndex(dir+"/index", string(index)); err != nil {
		return 0, fmt.Errorf("import %s: %w", src, err)
	}
	names, err := fs.Glob(os.DirFS(dir), "*.textfsm")
	if err != nil {
		return 0, fmt.Errorf("import %s: %w", src, err)
	}
	texts := make(map[string][]byte, len(names))
	for _, n := range names {
		b, err := os.ReadFile(filepath.Join(dir, n))
		if err != nil {
			return 0, fmt.Errorf("import %s: %w", src, err)
		}
		if _, err := CompileString(n, string(b)); err != nil {
			return 0, fmt.Errorf("import %s: %w", src, err)
		}
		texts[n] = b
	}
	// Write into a fresh folder, then swap it in: a failed import leaves
	// the previous collection as it was.
	tmp := dest + ".importing"
	if err := os.RemoveAll(tmp); err != nil {
		return 0, fmt.Errorf("import: %w", err)
	}
	if err := os.MkdirAll(tmp, 0o755); err != nil {
		return 0, fmt.Errorf("import: %w", err)
	}
	texts["index"] = index
	for n, b := range texts {
		if err := os.WriteFile(filepath.Join(tmp, n), b, 0o644); err != nil {
			return 0, fmt.Errorf("import: %w", err)
		}
	}
	if err := os.RemoveAll(dest); err != nil {
		return 0, fmt.Errorf("import: %w", err)
	}
	if err := os.Rename(tmp, dest); err != nil {
		return 0, fmt.Errorf("import: %w", err)
	}
	return len(names), nil
}
