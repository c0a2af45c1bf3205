package run

import (
	"fmt"
	"reflect"
	"slices"
	"strings"
	"testing"
	"unsafe"

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
	// As a parse worker does: each output laid out, then filed.
	cs := newCellStore()
	add := func(pr parsed) bool {
		a.build(&pr, cs, nil)
		return a.add(pr)
	}
	// Device 1's output arrives before device 0's; device 2 has a
	// template with another column; device 3 parsed badly.
	add(parsed{at: 2, out: records.Output{Device: "b", Command: "show arp"}, res: res("t1", []string{"ADDRESS"}, []any{"10.0.0.2"})})
	add(parsed{at: 0, out: records.Output{Device: "a", Command: "show arp"}, res: res("t1", []string{"ADDRESS"}, []any{"10.0.0.1"}, []any{"10.0.0.3"})})
	add(parsed{at: 4, out: records.Output{Device: "c", Command: "show arp"}, res: res("t2", []string{"ADDRESS", "VRF"}, []any{"10.0.0.4", "red"})})
	low := res("t1", []string{"ADDRESS"}, []any{"x"})
	low.Score.Value = 0.2
	if add(parsed{at: 6, out: records.Output{Device: "d", Command: "show arp"}, res: low}) {
		t.Error("a parse below the minimum score passed validation")
	}
	add(parsed{at: 1, out: records.Output{Device: "a", Command: "show clock", Text: "12:00"}, err: templates.ErrNoTemplate})
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
	set := assemble(tb, false)
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

// TestParsePoolDetaches: outputs parsed on one worker, which lends each
// parse the same scratch, give the rows each gives alone, with values
// that no longer point into the outputs' text.
func TestParsePoolDetaches(t *testing.T) {
	lib, err := templates.NewLibrary(templates.Options{})
	if err != nil {
		t.Fatal(err)
	}
	p := newParser(lib, nil, 0)
	pool := newParsePool(t.Context(), p, 1, nil, func(parsed, bool) {})
	sizes := []int{5, 300, 40, 900}
	var texts []string
	for i, n := range sizes {
		text := arpTable(n)
		texts = append(texts, text)
		pool.add(records.Output{Device: fmt.Sprintf("d%d", i), Command: "show ip arp", Text: text}, "cisco_ios", i)
	}
	tb := pool.wait()
	if len(tb.parsed) != 1 {
		t.Fatalf("%d tables", len(tb.parsed))
	}
	set := tb.parsed[0]
	row := 0
	for i, text := range texts {
		alone, err := lib.ParseOutput(t.Context(), templates.Request{Platform: "cisco_ios", Command: "show ip arp"}, text)
		if err != nil {
			t.Fatal(err)
		}
		lo, hi := uintptr(unsafe.Pointer(unsafe.StringData(text))), uintptr(unsafe.Pointer(unsafe.StringData(text)))+uintptr(len(text))
		for _, rec := range alone.Result.Records {
			got := set.Rows[row]
			row++
			if got[0] != fmt.Sprintf("d%d", i) || !reflect.DeepEqual(got[1:], rec) {
				t.Fatalf("output %d row %v, alone %v", i, got, rec)
			}
			for _, c := range got[1:] {
				if s, ok := c.(string); ok && s != "" {
					if at := uintptr(unsafe.Pointer(unsafe.StringData(s))); at >= lo && at < hi {
						t.Fatalf("output %d: %q points into the output's text", i, s)
					}
				}
			}
		}
	}
	if row != len(set.Rows) {
		t.Errorf("%d rows, the outputs alone %d", len(set.Rows), row)
	}
}

// arpTable is a Cisco IOS ARP table of n entries.
func arpTable(n int) string {
	var b strings.Builder
	b.WriteString("Protocol  Address          Age (min)  Hardware Addr   Type   Interface\n")
	for i := range n {
		fmt.Fprintf(&b, "Internet  %-15s %10d   %04x.%04x.%04x  ARPA   Vlan%d\n", fmt.Sprintf("10.0.%d.%d", i>>8&255, i&255), i%240,
			i*7919&0xffff, i*104729&0xffff, i&0xffff, 100+i%37)
	}
	return b.String()
}

// addrShaper keeps each record's address, in a table of its own.
type addrShaper struct{}

func (addrShaper) Columns() []string { return []string{"device", "ip"} }
func (addrShaper) Shaped() string    { return "view addr" }
func (addrShaper) Worker() func(device, platform, command string, fields []string, records [][]any) [][]any {
	return func(device, _, _ string, fields []string, records [][]any) [][]any {
		at := slices.Index(fields, "ip_address")
		if at < 0 {
			return nil
		}
		var rows [][]any
		for _, r := range records {
			rows = append(rows, []any{device, r[at]})
		}
		return rows
	}
}

// TestParsePoolShapes: with a shaper, the outputs land in its one table,
// in plan order whatever the command, with their raw outputs, and with
// values detached from the outputs' text.
func TestParsePoolShapes(t *testing.T) {
	lib, err := templates.NewLibrary(templates.Options{})
	if err != nil {
		t.Fatal(err)
	}
	pool := newParsePool(t.Context(), newParser(lib, nil, 0), 2, addrShaper{}, func(parsed, bool) {})
	texts := []string{arpTable(3), arpTable(2), arpTable(4)}
	for i := len(texts) - 1; i >= 0; i-- {
		pool.add(records.Output{Device: fmt.Sprintf("d%d", i), Command: "show ip arp", Text: texts[i]}, "cisco_ios", i)
	}
	pool.add(records.Output{Device: "d3", Command: "show clock", Text: "12:00\n"}, "cisco_ios", 3)
	tb := pool.wait()
	set := assemble(tb, true)
	if set.Title != "view addr" || !slices.Equal(set.Columns, []string{"device", "ip"}) {
		t.Fatalf("table %q %v", set.Title, set.Columns)
	}
	var devs []any
	for _, r := range set.Rows {
		devs = append(devs, r[0])
		s := r[1].(string)
		for _, text := range texts {
			lo := uintptr(unsafe.Pointer(unsafe.StringData(text)))
			if at := uintptr(unsafe.Pointer(unsafe.StringData(s))); at >= lo && at < lo+uintptr(len(text)) {
				t.Fatalf("%q points into an output's text", s)
			}
		}
	}
	if want := []any{"d0", "d0", "d0", "d1", "d1", "d2", "d2", "d2", "d2"}; !reflect.DeepEqual(devs, want) {
		t.Errorf("rows of %v, want %v", devs, want)
	}
	if len(set.Raw) != 3 || set.Next == nil || !set.Next.IsOutputs() {
		t.Errorf("%d raw outputs behind the table, then %+v", len(set.Raw), set.Next)
	}
}
