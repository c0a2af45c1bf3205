package templates

// Template is a compiled TextFSM template. It is immutable after Compile,
// so one Template serves any number of goroutines parsing at once; each
// Parse keeps its state to itself.
type Template struct {
	name   string
	src    string
	values []valueDef
	header []string
	states []state // states[0] is Start
	hasEOF bool    // an (empty) EOF state was declared: no implicit record at the end
	// maxCaps is the largest number of named groups in any rule, so a
	// parse sizes its capture buffer once.
	maxCaps int
}

// Option flags of a Value, as a bit set for the hot path; valueDef.opts
// keeps their declared order, which Python textfsm's callbacks follow.
type optKind uint8

const (
	optRequired optKind = iota + 1
	optFilldown
	optFillup
	optKey
	optList
	// optBase is Python textfsm's OptionBase, which its option lookup
	// accepts by accident; it does nothing, and neither do we.
	optBase
)

type valueDef struct {
	name  string
	regex string // as written, including the outer parentheses
	line  int
	opts  []optKind
	// Flags mirror opts for quick tests.
	required, filldown, fillup, key, list bool
	// nested re-matches a List value's text when its regex has more than
	// one group, to collect the named groups into a map (textfsm 1.1).
	nested *pyRegex
}

type state struct {
	name  string
	line  int
	rules []rule
}

// Line and record operators of a rule's action.
type lineOp uint8

const (
	opNext lineOp = iota
	opContinue
	opError
)

type recordOp uint8

const (
	opNoRecord recordOp = iota
	opRecord
	opClear
	opClearall
)

// Pseudo-state targets: leaving the state list.
const (
	stayInState = -1
	toEnd       = -2
	toEOF       = -3
)

type rule struct {
	line     int
	match    string // the regex as written, before ${VAR} substitution
	re       *pyRegex
	assign   []int // value index for each named group of re, -1 when none
	lineOp   lineOp
	recordOp recordOp
	next     int    // index into Template.states, or one of the pseudo-states
	errMsg   string // the Error action's message, quotes removed
	hasMsg   bool
}

// Name is the template's name as given to Compile.
func (t *Template) Name() string { return t.name }

// Source is the template text as given to Compile.
func (t *Template) Source() string { return t.src }

// Header is the template's value names in declaration order: the columns
// of every record, upper-case as written (callers lower-case them for
// display, as ntc-templates does).
func (t *Template) Header() []string { return append([]string(nil), t.header...) }

// Keys names the values marked Key, in declaration order.
func (t *Template) Keys() []string {
	var keys []string
	for _, v := range t.values {
		if v.key {
			keys = append(keys, v.name)
		}
	}
	return keys
}

// IsList reports whether column i holds List values.
func (t *Template) IsList(i int) bool { return i >= 0 && i < len(t.values) && t.values[i].list }

// Required names the values marked Required, in declaration order.
func (t *Template) Required() []string {
	var req []string
	for _, v := range t.values {
		if v.required {
			req = append(req, v.name)
		}
	}
	return req
}
