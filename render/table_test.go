package render

import (
	"bytes"
	"fmt"
	"strings"
	"testing"

	"vc/records"
)

// TestTableFitsTerminal: tables fit the terminal's width, cutting the
// widest columns first, and keep every column.
func TestTableFitsTerminal(t *testing.T) {
	r := &records.Set{Columns: []string{"name", "ip", "port", "platform", "vendor", "site", "role", "status", "tags", "created", "updated"}}
	for i := range 3 {
		r.Rows = append(r.Rows, []any{fmt.Sprintf("usa-leaf-00%d", i), "127.0.0.1", 21000 + i, "arista_eos", "arista", "usa", "leaf", "active", []string{"lab", "pci"}, "2026-11-25 19:15:48", "2026-11-25 19:15:48"})
	}
	for _, width := range []int{80, 100, 120, 0} {
		var b bytes.Buffer
		if err := writeTable(&b, r, Options{Width: width}); err != nil {
			t.Fatal(err)
		}
		lines := strings.Split(strings.TrimRight(b.String(), "\n"), "\n")
		if len(lines) != 4 {
			t.Fatalf("width %d: %d lines:\n%s", width, len(lines), b.String())
		}
		for _, l := range lines {
			if width > 0 && displayWidth(l) > width {
				t.Errorf("width %d: line of %d: %q", width, displayWidth(l), l)
			}
		}
		if width == 0 && !strings.Contains(lines[1], "2026-11-25 19:15:48") {
			t.Errorf("without a terminal nothing is cut: %q", lines[1])
		}
		if width == 120 && !strings.Contains(lines[0], "PLATFORM") {
			t.Errorf("width 120 cut a header that fits: %q", lines[0])
		}
	}
}
