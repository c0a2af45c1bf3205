package records

import (
	"slices"
	"testing"
)

// TestDistinct: the distinct values of columns, in the order first seen.
func TestDistinct(t *testing.T) {
	out, err := Distinct(arp(), []string{"device"})
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(out.Columns, []string{"device"}) || !out.Picked {
		t.Errorf("columns %v picked %v", out.Columns, out.Picked)
	}
	if got := column(out, "device"); !slices.Equal(got, []any{"sw2", "sw1"}) {
		t.Errorf("devices in first-seen order: %v", got)
	}
	out, _ = Distinct(arp(), []string{"device", "interface"})
	if len(out.Rows) != 3 || !slices.Equal(out.Rows[2], []any{"sw2", "Vlan10"}) {
		t.Errorf("combinations: %v", out.Rows)
	}
	in := arp()
	in.Rows = append(in.Rows, slices.Clone(in.Rows[1]), []any{"sw1", "10.0.0.9", 120, "Gi1/0/2"})
	out, _ = Distinct(in, nil)
	if len(out.Rows) != 4 || !slices.Equal(out.Columns, in.Columns) {
		t.Errorf("whole records, 120 and \"120\" one value: %v", out.Rows)
	}
	// Values are kept apart however they are written.
	odd := &Set{Columns: []string{"a", "b"}, Rows: [][]any{{"x\x00", "y"}, {"x", "\x00y"}}}
	if out, _ := Distinct(odd, nil); len(out.Rows) != 2 {
		t.Errorf("two records taken for one: %v", out.Rows)
	}
	if _, err := Distinct(arp(), []string{"devce"}); err == nil {
		t.Error("an unknown column")
	}
	sorted, _ := Sort(arp(), []string{"device"}, false)
	out, _ = Distinct(sorted, []string{"device"})
	if got := column(out, "device"); !slices.Equal(got, []any{"sw1", "sw2"}) {
		t.Errorf("a sort before distinct is kept: %v", got)
	}
}

func TestFormatVertical(t *testing.T) {
	out, err := Format(arp(), "vertical")
	if err != nil || out.Format != "vertical" {
		t.Fatalf("vertical: %v %v", out, err)
	}
	if !slices.Contains(Formats, "vertical") {
		t.Error("vertical is not among the formats")
	}
	n, _ := Count(out, []string{"device"})
	if n.Format != "vertical" {
		t.Errorf("a count keeps the vertical format: %q", n.Format)
	}
}
