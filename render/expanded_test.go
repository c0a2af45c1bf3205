package render

import (
	"errors"
	"strings"
	"testing"

	"vc/records"
)

func interfaces() *records.Set {
	return &records.Set{Columns: []string{"device", "interface", "description", "vlan"}, Rows: [][]any{
		{"sw1", "Gi1/0/1", "to core\x1b]0;owned\x07", 10},
		{"sw2", "Gi1/0/2", "", []string{"10", "20"}},
	}}
}

// TestExpandedOn: one block per record, psql's way, empty fields left
// out and device text visible on a terminal.
func TestExpandedOn(t *testing.T) {
	want := "" +
		"-[ RECORD 1 ]--------------------\n" +
		"device      | sw1\n" +
		"interface   | Gi1/0/1\n" +
		"description | to core^[]0;owned^G\n" +
		"vlan        | 10\n" +
		"-[ RECORD 2 ]--------------------\n" +
		"device      | sw2\n" +
		"interface   | Gi1/0/2\n" +
		"vlan        | 10, 20\n"
	if got := render(t, interfaces(), Options{Expanded: ExpandOn, Terminal: true}); got != want {
		t.Errorf("got\n%s\nwant\n%s", got, want)
	}
	// The rule stops at the terminal's edge, and a + marks the bar when
	// the field names are wider than the heading.
	s := &records.Set{Columns: []string{"a_rather_long_field_name", "b"}, Rows: [][]any{{"x", "y"}}}
	want = "" +
		"-[ RECORD 1 ]------------+--\n" +
		"a_rather_long_field_name | x\n" +
		"b                        | y\n"
	if got := render(t, s, Options{Expanded: ExpandOn, Width: 30}); got != want {
		t.Errorf("got\n%s\nwant\n%s", got, want)
	}
	// A field empty in every record takes no room.
	s = &records.Set{Columns: []string{"a", "a_long_field_never_set"}, Rows: [][]any{{"x", ""}}}
	if got := render(t, s, Options{Expanded: ExpandOn}); got != "-[ RECORD 1 ]-\na | x\n" {
		t.Errorf("got %q", got)
	}
}

// TestExpandedLines: a value of many lines (a device's output) goes on
// under its first line; every column shows, not only a table's brief.
func TestExpandedLines(t *testing.T) {
	s := records.Outputs([]records.Output{{Device: "sw1", Command: "show clock", Text: "12:00:00\n\nUTC\n"}})
	s.Brief = 1
	v, err := records.Format(s, "vertical")
	if err != nil {
		t.Fatal(err)
	}
	want := "" +
		"-[ RECORD 1 ]-------\n" +
		"device  | sw1\n" +
		"command | show clock\n" +
		"output  | 12:00:00\n" +
		"        |\n" +
		"        | UTC\n"
	if got := render(t, v, Options{}); got != want {
		t.Errorf("got\n%s\nwant\n%s", got, want)
	}
}

// TestVerticalFormat: the vertical format prints expanded whatever the
// option, a single record too; expanded display alone leaves a single
// record as field: value lines.
func TestVerticalFormat(t *testing.T) {
	v, _ := records.Format(interfaces(), "vertical")
	if got := render(t, v, Options{}); !strings.HasPrefix(got, "-[ RECORD 1 ]") {
		t.Errorf("vertical:\n%s", got)
	}
	rec := &records.Set{Columns: []string{"name", "site"}, Record: true, Rows: [][]any{{"sw1", "usa"}}}
	if got := render(t, rec, Options{Expanded: ExpandOn}); got != "name:  sw1\nsite:  usa\n" {
		t.Errorf("record: %q", got)
	}
	rv, _ := records.Format(rec, "vertical")
	if got := render(t, rv, Options{}); !strings.HasPrefix(got, "-[ RECORD 1 ]") {
		t.Errorf("vertical record:\n%s", got)
	}
	// Colour: the headings are bold, nothing else is coloured.
	got := render(t, v, Options{Color: true})
	if !strings.HasPrefix(got, "\x1b[1m-[ RECORD 1 ]") || strings.Count(got, "\x1b[1m") != 2 {
		t.Errorf("colour:\n%q", got)
	}
}

func TestParseExpanded(t *testing.T) {
	for in, want := range map[string]Expanded{"on": ExpandOn, "OFF": ExpandOff, " auto": ExpandAuto, "true": ExpandOn, "0": ExpandOff} {
		got, err := ParseExpanded(in)
		if err != nil || got != want {
			t.Errorf("%q: %v %v", in, got, err)
		}
	}
	if _, err := ParseExpanded("sometimes"); !errors.Is(err, ErrExpanded) {
		t.Errorf("sometimes: %v", err)
	}
	for _, e := range []Expanded{ExpandOff, ExpandOn, ExpandAuto} {
		if back, _ := ParseExpanded(e.String()); back != e {
			t.Errorf("%v does not read back", e)
		}
	}
}
