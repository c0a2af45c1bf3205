package inventory

import (
	"errors"
	"strconv"
	"strings"

	"vc/records"
	"vc/store"
)

// Selection is what a selection picked.
type Selection struct {
	// Devices are the devices picked, in the order they were given.
	Devices []*store.Device
	// Missing are the names of a node set no device has, in the order
	// written (usa-leaf-009 of usa-leaf-00[1-9]).
	Missing []string
	// Expr is an expression that picks the same devices, for a selection
	// kept or saved: the text itself, or for names name in [...] with the
	// missing ones too, so a device added later under one of those names
	// is picked then.
	Expr string
	// Hint says why nothing was picked, when nothing was and something
	// can be said (see Explain); else "".
	Hint string
}

// Resolve picks devices by a selection as people write it: "*" for every
// device, an expression (site == "usa"), or device names and node sets
// (usa-leaf-00[1-4],usa-spine-001). Text is read as names only when it
// is not a valid expression and holds nothing but names, brackets and
// commas, so no expression changes meaning.
//
// Errors: a *records.ExprError for an expression that does not compile;
// when the fault is a word that is not a field, an *UnknownFieldError is
// behind it, and when that word is a value of some device's field (usa)
// the error suggests the comparison meant (site == "usa"). A node set too
// large or badly bracketed is a *NodeSetError. A selection that picks
// nothing is not an error: its Hint says why.
func Resolve(src string, devices []*store.Device) (*Selection, error) {
	src = strings.TrimSpace(src)
	if src == "*" {
		return &Selection{Devices: devices, Expr: "true"}, nil
	}
	f, err := Compile(src)
	if err == nil {
		picked, err := f.Select(devices)
		if err != nil {
			return nil, err
		}
		sel := &Selection{Devices: picked, Expr: src}
		if len(picked) == 0 {
			sel.Hint = Explain(src, devices)
		}
		return sel, nil
	}
	if !nodeSetText(src) {
		return nil, withComparisons(err, devices)
	}
	names, nerr := ExpandNodeSet(src)
	if nerr != nil {
		// Brackets or commas were meant as a node set (a[1-, a,,b);
		// words with blanks between (usa leaf) were not.
		if strings.ContainsAny(src, "[],") {
			return nil, nerr
		}
		return nil, withComparisons(err, devices)
	}
	sel := byName(names, devices)
	if len(sel.Devices) == 0 && !strings.ContainsAny(src, "[],") {
		// One word that names no device was more likely meant as a
		// field or a value: say what expr-lang said, and what to write.
		return nil, withComparisons(err, devices)
	}
	if len(sel.Devices) == 0 {
		// Words among the names may be values (usa,emea); a thousand
		// names that are not deserve no thousand lines.
		var hints []string
		index := newValueIndex(devices)
		for _, n := range sel.Missing {
			if c := index.comparisons(n); len(c) > 0 && len(hints) < hintMost {
				hints = append(hints, "no device "+n+"; did you mean "+strings.Join(c, " or ")+"?")
			}
		}
		sel.Hint = strings.Join(hints, "\n")
	}
	return sel, nil
}

// hintMost bounds the lines of a hint about names that are values.
const hintMost = 5

// byName picks the devices named, and notes the names no device has.
func byName(names []string, devices []*store.Device) *Selection {
	want := make(map[string]bool, len(names))
	for _, n := range names {
		want[n] = true
	}
	sel := &Selection{}
	found := make(map[string]bool, len(names))
	for _, d := range devices {
		if want[d.Name] {
			sel.Devices = append(sel.Devices, d)
			found[d.Name] = true
		}
	}
	for _, n := range names {
		if !found[n] {
			sel.Missing = append(sel.Missing, n)
		}
	}
	if len(names) == 1 {
		sel.Expr = "name == " + strconv.Quote(names[0])
	} else {
		quoted := make([]string, len(names))
		for i, n := range names {
			quoted[i] = strconv.Quote(n)
		}
		sel.Expr = "name in [" + strings.Join(quoted, ", ") + "]"
	}
	return sel
}

// withComparisons adds to an unknown-field error the comparisons the
// word was likely meant in, when it is a value some device has.
func withComparisons(err error, devices []*store.Device) error {
	e, fe, ok := asUnknownField(err)
	if !ok {
		return err
	}
	c := newValueIndex(devices).comparisons(fe.Name)
	if len(c) == 0 {
		return err
	}
	ne, nfe := *e, *fe
	nfe.Comparisons = c
	ne.Err = &nfe
	describeUnknown(&ne, &nfe)
	return &ne
}

// valueIndex knows, for every value of a device field but name, the
// comparisons that test for it, so that many words are looked up at the
// cost of one pass over the devices.
type valueIndex struct {
	exact  map[string][]string
	folded map[string][]string
}

func newValueIndex(devices []*store.Device) *valueIndex {
	x := &valueIndex{exact: map[string][]string{}, folded: map[string][]string{}}
	for _, f := range valueFields {
		// A word that is a device's name was selected as one.
		if f.name == "name" {
			continue
		}
		for _, v := range f.distinctValues(devices) {
			c := f.name + " == " + strconv.Quote(v)
			if f.name == "tags" {
				c = strconv.Quote(v) + " in tags"
			}
			x.exact[v] = append(x.exact[v], c)
			lower := strings.ToLower(v)
			x.folded[lower] = append(x.folded[lower], c)
		}
	}
	return x
}

// comparisons are the comparisons that test a field for word, when some
// device has it as a value: exactly, or else in another case (USA for
// usa).
func (x *valueIndex) comparisons(word string) []string {
	if c := x.exact[word]; len(c) > 0 {
		return c
	}
	return x.folded[strings.ToLower(word)]
}

// asUnknownField finds the ExprError and UnknownFieldError of err.
func asUnknownField(err error) (*records.ExprError, *UnknownFieldError, bool) {
	var e *records.ExprError
	var fe *UnknownFieldError
	if errors.As(err, &e) && errors.As(err, &fe) {
		return e, fe, true
	}
	return nil, nil, false
}
