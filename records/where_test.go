package records

import (
	"errors"
	"slices"
	"strings"
	"testing"
)

// TestWhereUnknownColumn: a name that is not a column says which columns
// there are, and the one most likely meant.
func TestWhereUnknownColumn(t *testing.T) {
	_, _, err := Where(arp(), `adress == "10.0.0.1"`)
	var ce *ColumnError
	if !errors.As(err, &ce) || ce.Name != "adress" || !slices.Equal(ce.Suggestions, []string{"address"}) {
		t.Fatalf("want a ColumnError suggesting address, got %v", err)
	}
	var ee *ExprError
	if !errors.As(err, &ee) || ee.Line != 1 || ee.Column != 1 {
		t.Fatalf("the position is kept: %v", err)
	}
	msg := err.Error()
	for _, want := range []string{
		"line 1, column 1: unknown name adress (did you mean address?)",
		"columns are device, address, age, interface",
	} {
		if !strings.Contains(msg, want) {
			t.Errorf("%q not in:\n%s", want, msg)
		}
	}
	_, _, err = Where(arp(), `age > 1 && nosuch == 1`)
	if !errors.As(err, &ee) || ee.Column != 12 || !strings.Contains(err.Error(), "unknown name nosuch\n") {
		t.Errorf("a name with no likely column: %v", err)
	}
	// An unknown function is not a column to correct.
	_, _, err = Where(arp(), `foo(age)`)
	if errors.As(err, &ce) {
		t.Errorf("foo() taken for a column: %v", err)
	}
}

// TestWhereSingleEquals: = where == was meant says so, where it is.
func TestWhereSingleEquals(t *testing.T) {
	for _, tc := range []struct {
		src       string
		line, col int
		hint      string
	}{
		{`age = 5`, 1, 5, "did you mean: age == 5"},
		{`age > 1 && device = "sw1"`, 1, 19, `did you mean: age > 1 && device == "sw1"`},
		{"age > 1 &&\n  device = \"sw1\"", 2, 10, ""},
		{`device = "ä" || age = 1`, 1, 8, `did you mean: device == "ä" || age == 1`},
	} {
		_, _, err := Where(arp(), tc.src)
		var ee *ExprError
		if !errors.As(err, &ee) {
			t.Fatalf("%s: %v", tc.src, err)
		}
		if ee.Line != tc.line || ee.Column != tc.col || !strings.Contains(ee.Message, "write ==") || ee.Hint != tc.hint {
			t.Errorf("%s: line %d column %d %q hint %q", tc.src, ee.Line, ee.Column, ee.Message, ee.Hint)
		}
	}
	if _, _, err := Where(arp(), `let x = 5; age == x`); err != nil {
		t.Errorf("the = of a let is not a mistake: %v", err)
	}
}

// TestWhereQuotedNumbers: a value compares the same whether it is written
// 120 or "120", in every comparison and in in.
func TestWhereQuotedNumbers(t *testing.T) {
	for _, tc := range []struct {
		src  string
		want []any
	}{
		{`age == 120`, []any{"10.0.0.9"}},
		{`age == "120"`, []any{"10.0.0.9"}},
		{`"120" == age`, []any{"10.0.0.9"}},
		{`age != "120" && age != "-"`, []any{"10.0.0.10", "10.0.0.1"}},
		{`age < "45"`, []any{"10.0.0.10"}},
		{`age > "44.5"`, []any{"10.0.0.9", "10.0.0.1"}},
		{`age <= "45" && age >= 45`, []any{"10.0.0.1"}},
		{`age in ["5", "45"]`, []any{"10.0.0.10", "10.0.0.1"}},
		{`age in [5, "45"]`, []any{"10.0.0.10", "10.0.0.1"}},
		{`age not in ["5", "45", "-"]`, []any{"10.0.0.9"}},
		// A list's elements and a map's keys are text.
		{`"10" in vlans`, []any{"10.0.0.10", "10.0.0.9"}},
		{`"10" in fields`, []any{"10.0.0.2"}},
		// Text stays text where text is tested.
		{`address startsWith "10.0.0.1"`, []any{"10.0.0.10", "10.0.0.1"}},
		{`interface == "Vlan10"`, []any{"10.0.0.1"}},
		{`age == "-"`, []any{"10.0.0.2"}},
	} {
		in := arp()
		in.Columns = append(in.Columns, "vlans", "fields")
		for i := range in.Rows {
			in.Rows[i] = append(in.Rows[i], [][]string{{"10", "20"}, {"10"}, nil, {"30"}}[i], map[string]string{})
		}
		in.Rows[2][5] = map[string]string{"10": "x"}
		out, _, err := Where(in, tc.src)
		if err != nil {
			t.Errorf("%s: %v", tc.src, err)
			continue
		}
		if got := column(out, "address"); !slices.Equal(got, tc.want) {
			t.Errorf("%s: %v, want %v", tc.src, got, tc.want)
		}
	}
}

func TestSuggest(t *testing.T) {
	cols := []string{"device", "mac_address", "mac_type", "address", "age", "interface", "Vlan"}
	for name, want := range map[string][]string{
		"adress":   {"address"},
		"mac":      {"mac_address", "mac_type"},
		"DEVICE":   {"device"},
		"vlan":     {"Vlan"},
		"nme":      nil,
		"intrface": {"interface"},
		"ag":       {"age"},
		"xyz":      nil,
		"":         nil,
		"device":   nil,
	} {
		if got := Suggest(name, cols); !slices.Equal(got, want) {
			t.Errorf("Suggest(%q) = %v, want %v", name, got, want)
		}
	}
	if got := Suggest("nme", []string{"name", "ip"}); !slices.Equal(got, []string{"name"}) {
		t.Errorf("nme: %v", got)
	}
}

// TestColumnErrorSuggests: the stages that name columns say which was
// meant too.
func TestColumnErrorSuggests(t *testing.T) {
	_, err := Sort(arp(), []string{"devcie"}, false)
	if err == nil || err.Error() != `no column "devcie" (did you mean device?); columns are device, address, age, interface` {
		t.Errorf("sort: %v", err)
	}
}
