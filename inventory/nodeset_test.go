package inventory

import (
	"errors"
	"fmt"
	"strings"
	"testing"
)

func TestExpandNodeSet(t *testing.T) {
	for text, want := range map[string]string{
		"usa-leaf-00[1-4]":           "usa-leaf-001 usa-leaf-002 usa-leaf-003 usa-leaf-004",
		"sw[01-03]":                  "sw01 sw02 sw03",
		"sw[08-10]":                  "sw08 sw09 sw10",
		"sw[1-3]":                    "sw1 sw2 sw3",
		"sw[9-11]":                   "sw9 sw10 sw11",
		"n[1,3,5-7]":                 "n1 n3 n5 n6 n7",
		"n[1-9/3]":                   "n1 n4 n7",
		"usa-leaf-001,usa-spine-002": "usa-leaf-001 usa-spine-002",
		"a[1-2],b":                   "a1 a2 b",
		"a, b ,c":                    "a b c",
		"r[1-2]-sw[1-2]":             "r1-sw1 r1-sw2 r2-sw1 r2-sw2",
		"a[1-2],a[2-3]":              "a1 a2 a3",
		"core1.example.net":          "core1.example.net",
		"[1-2]x":                     "1x 2x",
		"x[001-100]":                 "",
	} {
		got, err := ExpandNodeSet(text)
		if err != nil {
			t.Errorf("%s: %v", text, err)
			continue
		}
		if want == "" {
			if len(got) != 100 || got[0] != "x001" || got[99] != "x100" {
				t.Errorf("%s: %d names %v…", text, len(got), got[:3])
			}
			continue
		}
		if strings.Join(got, " ") != want {
			t.Errorf("%s: %v, want %s", text, got, want)
		}
	}
}

func TestExpandNodeSetErrors(t *testing.T) {
	for text, col := range map[string]int{
		"a[1-":     2,
		"a1-2]":    5,
		"a[]":      2,
		"a[x]":     3,
		"a[3-1]":   3,
		"a[1-2,z]": 7,
		"a[1/0]":   3,
		"a,,b":     3,
		"a b":      2,
		"a[1-2] b": 7,
		"a=b":      2,
		"ä":        1,
	} {
		_, err := ExpandNodeSet(text)
		var ne *NodeSetError
		if !errors.As(err, &ne) || ne.Column != col {
			t.Errorf("%s: %v, want an error at character %d", text, err, col)
		}
	}
	for _, text := range []string{"x[1-100001]", "x[1-1000]y[1-1000]", "a[1-60000],b[1-60000]", "x[0-999999999]"} {
		_, err := ExpandNodeSet(text)
		if !errors.Is(err, ErrTooManyNames) {
			t.Errorf("%s: %v", text, err)
		}
	}
	if got, err := ExpandNodeSet(fmt.Sprintf("x[1-%d]", MaxNodeSet)); err != nil || len(got) != MaxNodeSet {
		t.Errorf("exactly the most: %d, %v", len(got), err)
	}
}

func TestNodeSetText(t *testing.T) {
	for text, want := range map[string]bool{
		"usa-leaf-00[1-4]":    true,
		"a,b":                 true,
		"usa":                 true,
		"a[1-":                true,
		" a, b ":              true,
		`site == "usa"`:       false,
		"":                    false,
		"name matches \"^a\"": false,
		"a|b":                 false,
	} {
		if got := nodeSetText(text); got != want {
			t.Errorf("%q: %v", text, got)
		}
	}
}
