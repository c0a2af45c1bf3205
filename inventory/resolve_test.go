package inventory

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"

	"vc/records"
	"vc/store"
)

func names(ds []*store.Device) string {
	var out []string
	for _, d := range ds {
		out = append(out, d.Name)
	}
	return strings.Join(out, ",")
}

// TestResolveExpression: an expression picks as Compile does, and an
// empty pick says why.
func TestResolveExpression(t *testing.T) {
	sel, err := Resolve(`site == "usa" && role == "spine"`, fleet())
	if err != nil || names(sel.Devices) != "usa-spine-001,usa-spine-002" || sel.Expr != `site == "usa" && role == "spine"` || sel.Hint != "" {
		t.Fatalf("%+v %v", sel, err)
	}
	sel, err = Resolve(`site == "USA"`, fleet())
	if err != nil || len(sel.Devices) != 0 || sel.Hint != `no site "USA" (did you mean usa?); sites: apac, emea, usa` {
		t.Errorf("%+v %v", sel, err)
	}
	if sel, _ := Resolve(" * ", fleet()); len(sel.Devices) != 8 || sel.Expr != "true" {
		t.Errorf("*: %+v", sel)
	}
}

// TestResolveNames: device names and node sets pick devices directly,
// and the names no device has are returned to say so.
func TestResolveNames(t *testing.T) {
	for src, want := range map[string][2]string{
		"usa-leaf-00[1-4]":               {"usa-leaf-001,usa-leaf-002,usa-leaf-003,usa-leaf-004", ""},
		"usa-leaf-00[3-9]":               {"usa-leaf-003,usa-leaf-004", "usa-leaf-005,usa-leaf-006,usa-leaf-007,usa-leaf-008,usa-leaf-009"},
		"usa-spine-002,usa-leaf-001":     {"usa-leaf-001,usa-spine-002", ""},
		"usa-spine-00[1-2],apac-core-01": {"usa-spine-001,usa-spine-002,apac-core-01", ""},
		"apac-core-01":                   {"apac-core-01", ""},
		"apac-core-0[1-2]":               {"apac-core-01", "apac-core-02"},
	} {
		sel, err := Resolve(src, fleet())
		if err != nil {
			t.Errorf("%s: %v", src, err)
			continue
		}
		if names(sel.Devices) != want[0] || strings.Join(sel.Missing, ",") != want[1] {
			t.Errorf("%s: %s missing %v", src, names(sel.Devices), sel.Missing)
		}
		// The expression kept picks the same devices.
		again, err := Resolve(sel.Expr, fleet())
		if err != nil || names(again.Devices) != names(sel.Devices) {
			t.Errorf("%s: %s picks %v, %v", src, sel.Expr, again, err)
		}
	}
	sel, _ := Resolve("apac-core-01", fleet())
	if sel.Expr != `name == "apac-core-01"` {
		t.Errorf("one name: %s", sel.Expr)
	}
	sel, err := Resolve("nosuch-[1-2]", fleet())
	if err != nil || len(sel.Devices) != 0 || !slices.Equal(sel.Missing, []string{"nosuch-1", "nosuch-2"}) {
		t.Errorf("names no device has: %+v %v", sel, err)
	}
	sel, err = Resolve("usa,nosuch", fleet())
	if err != nil || sel.Hint != `no device usa; did you mean site == "usa"?` {
		t.Errorf("a value among names: %+v %v", sel, err)
	}
	sel, err = Resolve("usa,emea,apac,lab,leaf,spine,core", fleet())
	if err != nil || strings.Count(sel.Hint, "\n") != hintMost-1 || !strings.HasPrefix(sel.Hint, `no device usa; did you mean site == "usa"?`) {
		t.Errorf("values among names, a few said: %+v %v", sel, err)
	}
	sel, err = Resolve(fmt.Sprintf("nosuch[1-%d]", MaxNodeSet), fleet())
	if err != nil || len(sel.Missing) != MaxNodeSet || sel.Hint != "" {
		t.Errorf("the most names, none a device: %d missing, %v", len(sel.Missing), err)
	}
	if _, err := Resolve("x[1-200000]", fleet()); !errors.Is(err, ErrTooManyNames) {
		t.Errorf("too many: %v", err)
	}
	var ne *NodeSetError
	if _, err := Resolve("usa-leaf-00[1-", fleet()); !errors.As(err, &ne) || ne.Column != 12 {
		t.Errorf("a bracket never closed: %v", err)
	}
	var ee *records.ExprError
	if _, err := Resolve("usa leaf", fleet()); !errors.As(err, &ee) {
		t.Errorf("words with a blank are an expression's error: %v", err)
	}
	// An expression is never read as names, even when it could be.
	ds := append(fleet(), &store.Device{Name: "true"})
	if sel, _ := Resolve("true", ds); len(sel.Devices) != len(ds) {
		t.Errorf("true is an expression: %s", names(sel.Devices))
	}
}

// TestResolveBareWord: a word that is no field and no device says what
// was likely meant.
func TestResolveBareWord(t *testing.T) {
	for src, want := range map[string]string{
		"usa":                     `line 1, column 1: unknown name usa (not a field or a device; did you mean site == "usa"?)`,
		"USA":                     `line 1, column 1: unknown name USA (not a field or a device; did you mean site == "usa"?)`,
		"leaf && site == \"usa\"": `line 1, column 1: unknown name leaf (not a field or a device; did you mean role == "leaf"?)`,
		"lab":                     `line 1, column 1: unknown name lab (not a field or a device; did you mean "lab" in tags?)`,
		"nowhere":                 `line 1, column 1: unknown name nowhere (not a field; text to compare with is quoted: name == "nowhere")`,
		`vendr == "arista"`:       `line 1, column 1: unknown name vendr (did you mean vendor?)`,
	} {
		_, err := Resolve(src, fleet())
		var fe *UnknownFieldError
		var ee *records.ExprError
		if !errors.As(err, &fe) || !errors.As(err, &ee) {
			t.Errorf("%s: %v", src, err)
			continue
		}
		first, _, _ := strings.Cut(err.Error(), "\n")
		if first != want {
			t.Errorf("%s:\n got %s\nwant %s", src, first, want)
		}
		if !strings.HasSuffix(err.Error(), "\nfields are "+strings.Join(EnvFields, ", ")) {
			t.Errorf("%s: the fields are not listed:\n%s", src, err)
		}
	}
	// Other errors are expr-lang's, positioned.
	_, err := Resolve("name", fleet())
	if err == nil || !strings.Contains(err.Error(), "expected bool") {
		t.Errorf("name: %v", err)
	}
	_, err = Resolve(`site = "usa"`, fleet())
	var ee *records.ExprError
	if !errors.As(err, &ee) || ee.Column != 6 || ee.Hint != `did you mean: site == "usa"` {
		t.Errorf("=: %v", err)
	}
}
