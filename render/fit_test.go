package render

import (
	"bytes"
	"fmt"
	"strings"
	"testing"

	"vc/records"
)

// showVersion is a wide result over many vendors: 23 columns, most of
// them empty for most platforms, as a show version across a fleet is.
func showVersion(n int) *records.Set {
	s := &records.Set{Columns: []string{"device"}}
	for i := 1; i < 23; i++ {
		s.Columns = append(s.Columns, fmt.Sprintf("field_%02d", i))
	}
	for r := range n {
		row := []any{fmt.Sprintf("apac-core-%03d", r)}
		for i := 1; i < 23; i++ {
			row = append(row, fmt.Sprintf("value-%02d-of-record-%d", i, r))
		}
		s.Rows = append(s.Rows, row)
	}
	return s
}

func render(t *testing.T, s *records.Set, o Options) string {
	t.Helper()
	var out, msg bytes.Buffer
	if err := Write(&out, &msg, s, o); err != nil {
		t.Fatal(err)
	}
	return out.String()
}

// TestKeyColumnNeverCut: the column that tells records apart stays whole
// however narrow the terminal; the others give way.
func TestKeyColumnNeverCut(t *testing.T) {
	for _, n := range []int{3, bigTable + 1} {
		out := render(t, showVersion(n), Options{Width: 120})
		lines := strings.Split(strings.TrimSuffix(out, "\n"), "\n")
		if len(lines) != n+1 {
			t.Fatalf("%d rows: %d lines", n, len(lines))
		}
		for r, l := range lines[1:4] {
			if name := fmt.Sprintf("apac-core-%03d ", r); !strings.HasPrefix(l, name) {
				t.Errorf("%d rows: device cut: %q", n, l)
			}
		}
		if !strings.Contains(lines[1], "valu…") {
			t.Errorf("%d rows: the other columns are not cut: %q", n, lines[1])
		}
	}

	// A key named in Options, anywhere in the table.
	s := &records.Set{Columns: []string{"description", "interface", "status"}, Rows: [][]any{
		{strings.Repeat("uplink to the core ", 5), "TenGigabitEthernet1/0/48", "up"},
	}}
	out := render(t, s, Options{Width: 50, Key: "interface"})
	if !strings.Contains(out, "  TenGigabitEthernet1/0/48  up") {
		t.Errorf("key interface cut:\n%s", out)
	}
	out = render(t, s, Options{Width: 50})
	if strings.Contains(out, "TenGigabitEthernet1/0/48") {
		t.Errorf("without a key the widest columns are cut alike:\n%s", out)
	}
	// The first column is the key only when it is device or name.
	if got := keyColumn([]string{"name", "ip"}, ""); got != 0 {
		t.Errorf("name: %d", got)
	}
	if got := keyColumn([]string{"address", "device"}, ""); got != -1 {
		t.Errorf("device second: %d", got)
	}
	if got := keyColumn([]string{"device", "address"}, "nosuch"); got != 0 {
		t.Errorf("a key that is not a column: %d", got)
	}
}

// TestEmptyColumnsLeftOut: a column empty in every record says nothing in
// a table; JSON and CSV keep every column, and columns a person picked
// show even empty.
func TestEmptyColumnsLeftOut(t *testing.T) {
	s := &records.Set{Columns: []string{"device", "role", "site", "tags"}, Rows: [][]any{
		{"sw1", "", "usa", []string{}},
		{"sw2", nil, "emea", nil},
	}}
	if got := render(t, s, Options{}); got != "DEVICE  SITE\nsw1     usa\nsw2     emea\n" {
		t.Errorf("table:\n%s", got)
	}
	csv := *s
	csv.Format = "csv"
	if got := render(t, &csv, Options{}); !strings.HasPrefix(got, "device,role,site,tags\n") {
		t.Errorf("csv:\n%s", got)
	}
	js := *s
	js.Format = "json"
	if got := render(t, &js, Options{}); !strings.Contains(got, `"role": ""`) {
		t.Errorf("json:\n%s", got)
	}
	picked, err := records.Cols(s, []string{"device", "role"})
	if err != nil {
		t.Fatal(err)
	}
	if got := render(t, picked, Options{}); got != "DEVICE  ROLE\nsw1\nsw2\n" {
		t.Errorf("picked:\n%s", got)
	}
	blank := &records.Set{Columns: []string{"a", "b"}, Rows: [][]any{{"", ""}, {"", ""}}}
	if got := render(t, blank, Options{}); got != "A\n\n\n" {
		t.Errorf("nothing but empty cells: %q", got)
	}
	// Brief columns first, then the empty ones go.
	brief := &records.Set{Columns: []string{"name", "role", "created"}, Brief: 2, Rows: [][]any{{"sw1", "", "2026"}}}
	if got := render(t, brief, Options{}); got != "NAME\nsw1\n" {
		t.Errorf("brief: %q", got)
	}
}

// TestExpandedAuto: auto prints a table when it fits and blocks when a
// table would cut its columns past reading.
func TestExpandedAuto(t *testing.T) {
	out := render(t, showVersion(2), Options{Width: 120, Expanded: ExpandAuto})
	if !strings.HasPrefix(out, "-[ RECORD 1 ]") || !strings.Contains(out, "field_22 | value-22-of-record-1\n") {
		t.Errorf("23 columns in 120: not expanded:\n%s", out)
	}
	if out := render(t, showVersion(2), Options{Expanded: ExpandAuto}); strings.Contains(out, "RECORD") {
		t.Errorf("without a terminal's width a table always fits:\n%s", out)
	}
	narrow := &records.Set{Columns: []string{"device", "address", "age"}, Rows: [][]any{{"sw1", "10.0.0.1", 5}}}
	if out := render(t, narrow, Options{Width: 80, Expanded: ExpandAuto}); out != "DEVICE  ADDRESS   AGE\nsw1     10.0.0.1  5\n" {
		t.Errorf("a table that fits:\n%s", out)
	}
	// Cut a little (to autoFloor) is still a table; more is not.
	wide := &records.Set{Columns: []string{"device", "a", "b"}, Rows: [][]any{{"sw1", "0123456789", "0123456789"}}}
	if out := render(t, wide, Options{Width: 6 + 2 + 8 + 2 + 8, Expanded: ExpandAuto}); !strings.HasPrefix(out, "DEVICE") || !strings.Contains(out, "0123456…") {
		t.Errorf("cut to the floor:\n%s", out)
	}
	if out := render(t, wide, Options{Width: 6 + 2 + 8 + 2 + 7, Expanded: ExpandAuto}); !strings.HasPrefix(out, "-[ RECORD 1 ]") {
		t.Errorf("cut below the floor:\n%s", out)
	}
	if out := render(t, wide, Options{Width: 6 + 2 + 8 + 2 + 7}); !strings.HasPrefix(out, "DEVICE") {
		t.Errorf("off is always a table:\n%s", out)
	}
}

// TestHeaderColour: the header line is bold and underlined when colour
// is on, in both of writeTable's paths, and nothing is when it is off.
func TestHeaderColour(t *testing.T) {
	for _, n := range []int{2, bigTable + 1} {
		out := render(t, showVersion(n), Options{Color: true})
		first, rest, _ := strings.Cut(out, "\n")
		if !strings.HasPrefix(first, "\x1b[1;4mDEVICE ") || !strings.HasSuffix(first, "FIELD_22\x1b[0m") {
			t.Errorf("%d rows: header %q", n, first)
		}
		if strings.Contains(rest, "\x1b") {
			t.Errorf("%d rows: colour past the header", n)
		}
		if out := render(t, showVersion(n), Options{}); strings.Contains(out, "\x1b") {
			t.Errorf("%d rows: colour when it is off", n)
		}
	}
}

// TestStreamedTableMatches: the streamed path prints what tablewriter
// prints, so a result does not change look at 2,001 rows.
func TestStreamedTableMatches(t *testing.T) {
	small, big := showVersion(3), showVersion(3)
	for len(big.Rows) <= bigTable {
		big.Rows = append(big.Rows, big.Rows[len(big.Rows)%3])
	}
	for _, o := range []Options{{Width: 100}, {Width: 0}, {Width: 300, Color: true}} {
		a := render(t, small, o)
		b := render(t, big, o)
		if !strings.HasPrefix(b, a) {
			t.Errorf("width %d: streamed\n%s\ntablewriter\n%s", o.Width, b[:len(a)], a)
		}
	}
}
