package records

import (
	"slices"
	"testing"
)

func arp() *Set {
	return &Set{Columns: []string{"device", "address", "age", "interface"}, Rows: [][]any{
		{"sw2", "10.0.0.10", "5", "Gi1/0/10"},
		{"sw1", "10.0.0.9", "120", "Gi1/0/2"},
		{"sw1", "10.0.0.2", "-", "Gi1/0/2"},
		{"sw2", "10.0.0.1", "45", "Vlan10"},
	}}
}

func column(s *Set, name string) []any {
	i, _ := s.Column(name)
	var out []any
	for _, r := range s.Rows {
		out = append(out, r[i])
	}
	return out
}

func TestWhereComparesValues(t *testing.T) {
	out, skip, err := Where(arp(), `age > 10`)
	if err != nil {
		t.Fatal(err)
	}
	if got := column(out, "address"); !slices.Equal(got, []any{"10.0.0.9", "10.0.0.1"}) {
		t.Errorf("age > 10 kept %v", got)
	}
	if skip == nil || skip.N != 1 || skip.Of != 4 {
		t.Errorf("the record whose age is - is left out and counted: %+v", skip)
	}
	if _, _, err := Where(arp(), `mac == "x"`); err == nil {
		t.Error("an unknown column compiled")
	}
	var ee *ExprError
	if _, _, err := Where(arp(), `age >`); err == nil || !asExprError(err, &ee) || ee.Column == 0 {
		t.Errorf("a bad expression has no position: %v", err)
	}
}

func asExprError(err error, ee **ExprError) bool {
	e, ok := err.(*ExprError)
	*ee = e
	return ok
}

func TestSortByValue(t *testing.T) {
	out, err := Sort(arp(), []string{"address"}, false)
	if err != nil {
		t.Fatal(err)
	}
	if got := column(out, "address"); !slices.Equal(got, []any{"10.0.0.1", "10.0.0.2", "10.0.0.9", "10.0.0.10"}) {
		t.Errorf("addresses in address order: %v", got)
	}
	out, _ = Sort(arp(), []string{"age"}, true)
	if got := column(out, "age"); !slices.Equal(got, []any{"-", "120", "45", "5"}) {
		t.Errorf("ages as numbers, descending, text after numbers: %v", got)
	}
	out, _ = Sort(arp(), []string{"device", "interface"}, false)
	if got := column(out, "interface"); !slices.Equal(got, []any{"Gi1/0/2", "Gi1/0/2", "Gi1/0/10", "Vlan10"}) {
		t.Errorf("two keys: %v", got)
	}
	if _, err := Sort(arp(), []string{"nope"}, false); err == nil {
		t.Error("sort by an unknown column")
	}
}

func TestCountByColumns(t *testing.T) {
	out, err := Count(arp(), []string{"device", "interface"})
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(out.Columns, []string{"device", "interface", "count"}) || len(out.Rows) != 3 {
		t.Fatalf("count by two columns: %v %v", out.Columns, out.Rows)
	}
	if out.Rows[0][0] != "sw1" || out.Rows[0][2] != 2 {
		t.Errorf("most frequent first: %v", out.Rows[0])
	}
	all, _ := Count(arp(), nil)
	if all.Rows[0][0] != 4 {
		t.Errorf("count: %v", all.Rows)
	}
}

// TestReshapedOutputsPrintAsTables: counting device outputs (exec id |>
// count) is a table, not a fold of outputs that are no longer there.
func TestReshapedOutputsPrintAsTables(t *testing.T) {
	outs := Outputs([]Output{{"sw1", "id", "uid=0"}, {"sw2", "id", "uid=0"}})
	n, err := Count(outs, nil)
	if err != nil || n.Format != "" {
		t.Fatalf("count of outputs: format %q, %v", n.Format, err)
	}
	if _, err := Format(n, "fold"); err == nil {
		t.Error("fold of counts accepted")
	}
	c, _ := Cols(outs, []string{"device", "command", "output"})
	if c.Format != "fold" {
		t.Errorf("the output columns themselves stay outputs: %q", c.Format)
	}
}

func TestHeadAndChain(t *testing.T) {
	if h := Head(arp(), 2); len(h.Rows) != 2 {
		t.Errorf("head 2: %d rows", len(h.Rows))
	}
	a, b := arp(), Outputs(nil)
	ch := Chain(a, nil, b)
	if len(ch.Sections()) != 2 || ch.Next.IsOutputs() != true {
		t.Errorf("chain: %d sections", len(ch.Sections()))
	}
	flat := ch.Flatten()
	if flat.Columns[0] != "device" {
		t.Errorf("flattened: %v", flat.Columns)
	}
}
