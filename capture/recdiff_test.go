package capture

import (
	"errors"
	"slices"
	"testing"

	"vc/records"
)

func set(cols []string, rows ...[]any) *records.Set { return &records.Set{Columns: cols, Rows: rows} }

func TestDiffRecords(t *testing.T) {
	cols := []string{"device", "interface", "status", "speed"}
	a := set(cols,
		[]any{"sw1", "Gi1/0/1", "up", 1000},
		[]any{"sw1", "Gi1/0/2", "up", 1000},
		[]any{"sw1", "Gi1/0/10", "down", 100},
		[]any{"sw1", "Gi1/0/3", "up", "100"},
	)
	b := set(cols,
		[]any{"sw1", "Gi1/0/3", "up", 100}, // "100" and 100 are the same value
		[]any{"sw1", "Gi1/0/10", "up", 1000},
		[]any{"sw1", "Gi1/0/1", "up", 1000},
		[]any{"sw1", "Gi1/0/4", "up", 1000},
	)
	d, err := DiffRecords([]string{"interface"}, a, b)
	if err != nil {
		t.Fatal(err)
	}
	if want := []string{"change", "interface", "device", "status", "speed", "was"}; !slices.Equal(d.Columns, want) {
		t.Fatalf("columns %v, want %v", d.Columns, want)
	}
	if len(d.Rows) != 3 {
		t.Fatalf("rows %v", d.Rows)
	}
	// In key order, digits as numbers: Gi1/0/2, Gi1/0/4, Gi1/0/10.
	want := [][]any{
		{"removed", "Gi1/0/2", "sw1", "up", 1000, nil},
		{"added", "Gi1/0/4", "sw1", "up", 1000, nil},
		{"changed", "Gi1/0/10", "sw1", "up", 1000, map[string]any{"status": "down", "speed": 100}},
	}
	for i, row := range d.Rows {
		if records.Text(row) != records.Text(want[i]) {
			t.Errorf("row %d: %v, want %v", i, row, want[i])
		}
	}
	was := d.Rows[2][5].(map[string]any)
	if was["speed"] != 100 || len(was) != 2 {
		t.Errorf("was %v", was)
	}
}

func TestDiffRecordsWholeRecord(t *testing.T) {
	cols := []string{"ip", "mac"}
	a := set(cols, []any{"10.0.0.1", "aa"}, []any{"10.0.0.2", "bb"}, []any{"10.0.0.2", "bb"})
	b := set(cols, []any{"10.0.0.2", "bb"}, []any{"10.0.0.1", "cc"})
	d, err := DiffRecords(nil, a, b)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(d.Columns, []string{"change", "ip", "mac"}) {
		t.Fatalf("columns %v", d.Columns)
	}
	got := []string{}
	for _, r := range d.Rows {
		got = append(got, records.Text(r))
	}
	want := []string{"removed,10.0.0.1,aa", "added,10.0.0.1,cc", "removed,10.0.0.2,bb"}
	if !slices.Equal(got, want) {
		t.Errorf("rows %v, want %v", got, want)
	}
}

func TestDiffRecordsDuplicateKeysAndColumns(t *testing.T) {
	// Two records share a key: the identical one pairs, the other changes.
	a := set([]string{"vlan", "port"}, []any{10, "Gi1"}, []any{10, "Gi2"})
	b := set([]string{"vlan", "port", "mode"}, []any{10, "Gi2", nil}, []any{"10", "Gi3", "access"})
	d, err := DiffRecords([]string{"vlan"}, a, b)
	if err != nil {
		t.Fatal(err)
	}
	if len(d.Rows) != 1 || d.Rows[0][0] != "changed" || d.Rows[0][2] != "Gi3" {
		t.Fatalf("rows %v", d.Rows)
	}
	if was := d.Rows[0][4].(map[string]any); was["port"] != "Gi1" || !hasKey(was, "mode") {
		t.Errorf("was %v", was)
	}
	if d, err := DiffRecords([]string{"vlan"}, a, a); err != nil || len(d.Rows) != 0 {
		t.Errorf("no change: %v %v", d.Rows, err)
	}
	if d, err := DiffRecords([]string{"vlan"}, nil, a); err != nil || len(d.Rows) != 2 || d.Rows[0][0] != "added" {
		t.Errorf("from nothing: %v %v", d, err)
	}
	_, err = DiffRecords([]string{"nope"}, a, b)
	var ce *records.ColumnError
	if !errors.As(err, &ce) || ce.Name != "nope" {
		t.Errorf("unknown key: %v", err)
	}
}

func hasKey(m map[string]any, k string) bool { _, ok := m[k]; return ok }
