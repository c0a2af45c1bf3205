package templates

import (
	"regexp"
	"strings"
	"testing"
)

func TestTranslate(t *testing.T) {
	tests := []struct {
		py        string
		goSrc     string // "" to skip the check
		needsPerl bool
		names     []string
	}{
		{`(?P<A>\S+)\s+x`, `(?P<A>[^` + pyWhitespaceGo + `]+)[` + pyWhitespaceGo + `]+x`, false, []string{"A"}},
		{`a{,4}`, `a{0,4}`, false, nil},
		{`a{2,}b{3}`, `a{2,}b{3}`, false, nil},
		{`x{ 2}y{a}z{`, `x\{ 2}y\{a}z\{`, false, nil},
		{`[[:digit:]]`, `[\[:digit:]]`, false, nil},
		{`\Z`, `\z`, false, nil},
		{`\d`, `\p{Nd}`, false, nil},
		{`(a)(?:b)(?P<c>d)`, `(a)(?:b)(?P<c>d)`, false, []string{"", "c"}},
		{`(?=x)`, "", true, nil},
		{`(?<!x)y`, "", true, nil},
		{`(\w)\1`, "", true, []string{""}},
		{`(?P<a>x)(?P=a)`, "", true, []string{"a"}},
		{`x{1001}`, "", true, nil},
		{`a++`, "", true, nil},
		{`(?i)abc`, `(?i)abc`, false, nil},
		{`(?#note)a`, `a`, false, nil},
		{`\u00e9\x41\0`, `\x{e9}A\x00`, false, nil},
		{`[\b]`, `[\x08]`, false, nil},
	}
	for _, tt := range tests {
		d, err := translate(tt.py)
		if err != nil {
			t.Errorf("translate(%q): %v", tt.py, err)
			continue
		}
		if tt.goSrc != "" && d.goSrc != tt.goSrc {
			t.Errorf("translate(%q).goSrc = %q, want %q", tt.py, d.goSrc, tt.goSrc)
		}
		if d.needsPerl != tt.needsPerl {
			t.Errorf("translate(%q).needsPerl = %v", tt.py, d.needsPerl)
		}
		if strings.Join(d.names, ",") != strings.Join(tt.names, ",") {
			t.Errorf("translate(%q).names = %q, want %q", tt.py, d.names, tt.names)
		}
		if !d.needsPerl {
			if _, err := regexp.Compile(d.goSrc); err != nil {
				t.Errorf("translate(%q) gives invalid Go: %v", tt.py, err)
			}
		}
	}
}

func TestTranslateRejectsWhatPythonRejects(t *testing.T) {
	for _, py := range []string{`\q`, `(?P<a>x)(?P<a>y)`, `x(?i)y`, `[abc`, `(?P<1a>x)`, `\`} {
		if _, err := translate(py); err == nil {
			t.Errorf("translate(%q) accepted a pattern Python refuses", py)
		}
	}
}

// TestEnginesAgree checks the backtracker against Go's regexp (same
// program, linear and well tested) on patterns of the kinds templates use.
func TestEnginesAgree(t *testing.T) {
	patterns := []string{
		`(?P<a>\S+)\s+(?P<b>\d+\.\d+\.\d+\.\d+)(\s+(?P<c>\S+))?\s*$`,
		`(?P<a>.*?)\s+(?P<b>up|down|administratively down)\s+(?P<c>\S+)\s*$`,
		`\s*(?P<a>[A-Z][a-z]+)(?P<b>\d+(/\d+)*)`,
		`(?P<a>(\w+,?)+)\s+(?P<b>x?)`,
		`(?P<a>a*)*(?P<b>b)`,
		`(?i)(?P<a>NAME|id):\s*(?P<b>.+?)\s*$`,
		`(?P<a>\d{1,3})(?:\.(?P<b>\d{1,3})){3}`,
		`(?P<a>[^,]+),(?P<b>[^,]*),?(?P<c>.*)`,
		`(?P<a>\w+)\b(?P<b>.*)`,
		`(?P<a>x|xy)(?P<b>y?)z`,
		`(?P<a>.{2,5}?)(?P<b>\d*)$`,
	}
	inputs := []string{
		"", "Internet  10.0.0.1   5  0050.56a1.0001  ARPA  Vlan10", "Gi0/1  up  up", "eth 1 2 3",
		"Gi1/0/10 trailing", "a,b,c, x", "aaab", "NAME:  value  ", "id: x", "10.20.30.40",
		"x,y,", "xyz", "xz", "ab12345", "word  rest", "  spaces  ", "Eth1/1/1",
	}
	for _, p := range patterns {
		r, err := compileRegex(p)
		if err != nil {
			t.Fatalf("%q: %v", p, err)
		}
		if r.fast == nil {
			t.Fatalf("%q: expected the backtracker to take it", p)
		}
		for _, in := range inputs {
			fastCaps := make([]int, 2*len(r.names))
			slowCaps := make([]int, 2*len(r.names))
			fm := r.fast.match(&fastState{}, in, fastCaps)
			sm := r.goRE.match(in, r.goIx, slowCaps)
			if fm != sm || (fm && !equalInts(fastCaps, slowCaps)) {
				t.Errorf("%q on %q: backtracker %v %v, regexp %v %v", p, in, fm, fastCaps, sm, slowCaps)
			}
		}
	}
}

func equalInts(a, b []int) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// TestBacktrackerBudget gives a pathological pattern a long input: the
// backtracker gives up and Go's linear engine answers.
func TestBacktrackerBudget(t *testing.T) {
	r, err := compileRegex(`(?P<a>(x+x+)+)y`)
	if err != nil {
		t.Fatal(err)
	}
	in := strings.Repeat("x", 40)
	caps := make([]int, 2)
	if mustMatch(t, r, in, caps) {
		t.Fatal("matched without a y")
	}
	if !mustMatch(t, r, in+"y", caps) || caps[0] != 0 || caps[1] != 40 {
		t.Fatalf("caps %v", caps)
	}
}

// TestBacktrackerBudgetSpentOnSuccess: the budget runs out inside a loop
// whose continuation then matches; the groups must still be the ones
// Python finds (a = 19 x's, b = the last), not the short path's.
func TestBacktrackerBudgetSpentOnSuccess(t *testing.T) {
	r, err := compileRegex(`(?P<a>(?:(?:x+x+)*z|x)*)(?P<b>x)`)
	if err != nil || r.fast == nil {
		t.Fatalf("%v, backtracker %v", err, r != nil && r.fast != nil)
	}
	caps := make([]int, 4)
	if !mustMatch(t, r, strings.Repeat("x", 20), caps) || !equalInts(caps, []int{0, 19, 19, 20}) {
		t.Fatalf("caps %v, want [0 19 19 20] as Python's re.match gives", caps)
	}
}

// mustMatch runs a pattern that cannot give up (no regexp2) on in.
func mustMatch(t *testing.T, r *pyRegex, in string, caps []int) bool {
	t.Helper()
	ok, err := r.matchWith(&fastState{}, in, caps)
	if err != nil {
		t.Fatalf("%q on %q: %v", r.src, in, err)
	}
	return ok
}
