package run

import (
	"slices"
	"testing"

	"vc/records"
	"vc/templates"
)

// TestAssemblerOrdersAndPads: outputs parsed in any order land in one
// table per command, in plan order, with the union of the templates'
// columns and rows padded to it.
func TestAssemblerOrdersAndPads(t *testing.T) {
	a := newAssembler(0.5)
	res := func(tmpl string, header []string, recs ...[]any) *templates.Result {
		return &templates.Result{Template: tmpl, Header: header, Records: recs, Score: templates.Score{Value: 1}}
	}
	// Device 1's output arrives before device 0's; device 2 has a
	// template with another column; device 3 parsed badly.
	a.add(parsed{at: 2, out: records.Output{Device: "b", Command: "show arp"}, res: res("t1", []string{"ADDRESS"}, []any{"10.0.0.2"})})
	a.add(parsed{at: 0, out: records.Output{Device: "a", Command: "show arp"}, res: res("t1", []string{"ADDRESS"}, []any{"10.0.0.1"}, []any{"10.0.0.3"})})
	a.add(parsed{at: 4, out: records.Output{Device: "c", Command: "show arp"}, res: res("t2", []string{"ADDRESS", "VRF"}, []any{"10.0.0.4", "red"})})
	low := res("t1", []string{"ADDRESS"}, []any{"x"})
	low.Score.Value = 0.2
	if a.add(parsed{at: 6, out: records.Output{Device: "d", Command: "show arp"}, res: low}) {
		t.Error("a parse below the minimum score passed validation")
	}
	a.add(parsed{at: 1, out: records.Output{Device: "a", Command: "show clock", Text: "12:00"}, err: templates.ErrNoTemplate})
	tb := a.finish()
	if len(tb.parsed) != 1 {
		t.Fatalf("%d tables", len(tb.parsed))
	}
	arp := tb.parsed[0]
	if !slices.Equal(arp.Columns, []string{"device", "address", "vrf"}) {
		t.Fatalf("columns %v", arp.Columns)
	}
	var devices []any
	for _, r := range arp.Rows {
		if len(r) != 3 {
			t.Errorf("row not padded: %v", r)
		}
		devices = append(devices, r[0])
	}
	if !slices.Equal(devices, []any{"a", "a", "b", "c"}) {
		t.Errorf("rows in plan order: %v", devices)
	}
	if len(arp.Raw) != 3 {
		t.Errorf("the raw outputs behind the table: %d", len(arp.Raw))
	}
	if len(tb.unparsed) != 2 || tb.unparsed[0].Device != "a" || tb.unparsed[1].Device != "d" {
		t.Errorf("unparsed %+v", tb.unparsed)
	}
	if tb.used["t1"] != 0.2 || tb.used["t2"] != 1 {
		t.Errorf("lowest scores %v", tb.used)
	}
	set := assemble(tb)
	if len(set.Sections()) != 2 || set.Next.Title == "" {
		t.Errorf("a table then the raw outputs: %d sections", len(set.Sections()))
	}
}

func TestApplyNotes(t *testing.T) {
	devs := map[string]*Device{"a": {Name: "a", Done: true, Outputs: []Output{{Command: "show arp"}}}}
	applyNotes([]parseNote{{device: "a", command: "show arp", template: "t1", score: 0.2, records: 3, valid: false}}, devs, 0.5)
	d := devs["a"]
	if d.Kind != KindValidation || !d.Outputs[0].Invalid || d.Outputs[0].Records != 3 {
		t.Errorf("device after a parse below the minimum: %+v", d)
	}
	if d.OK() {
		t.Error("a device that failed validation is ok")
	}
}
