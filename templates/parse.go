package templates

import (
	"context"
	"errors"
	"fmt"
	"time"
)

// Parse runs the template over text and returns its records. The state of
// the run lives in this call, so Parse may run concurrently on one Template.
// An Error action in the template returns a *ParseError and no records, as
// Python textfsm does; a rule whose regexp2 pattern runs for MatchTimeout
// on a line returns a *TimeoutError.
func (t *Template) Parse(text string) (*Result, error) { return t.parse(nil, text) }

// ParseContext is Parse that stops when ctx is done, with an error wrapping
// ctx.Err() (context.Canceled or context.DeadlineExceeded) and no records.
// It looks at ctx between input lines; inside a regexp2 match, which
// cannot be interrupted, the match's limit is what remains of ctx's
// deadline when that is shorter than MatchTimeout, so a deadline holds
// even there (a bare cancellation waits for the match to end, at most
// MatchTimeout).
func (t *Template) ParseContext(ctx context.Context, text string) (*Result, error) {
	return t.parse(newControl(ctx), text)
}

// control is what a context asks of a parse: to stop once done, and to
// fit regexp2 matches in the deadline. A nil *control asks nothing.
type control struct {
	ctx      context.Context
	done     <-chan struct{} // nil when ctx can never be done
	deadline time.Time       // zero when ctx has none
	// scratch, when set, holds the records of the first template parse
	// of the call (see Request.Scratch); the parses after it, of other
	// candidates or templates merged in, allocate their own, so what the
	// call returns never shares memory with another of its results.
	scratch *Scratch
}

func newControl(ctx context.Context) *control {
	c := &control{ctx: ctx, done: ctx.Done()}
	c.deadline, _ = ctx.Deadline()
	return c
}

// checkEvery is how many input lines pass between looks at the context: a
// line takes about a microsecond, so a cancelled parse stops within a
// fraction of a millisecond, and the look costs nothing measurable.
const checkEvery = 64

func (t *Template) parse(c *control, text string) (*Result, error) {
	p := run{
		t:     t,
		slots: make([]slot, len(t.values)),
		caps:  make([]int, 2*t.maxCaps),
	}
	if c != nil {
		p.ctx, p.done, p.fast.deadline = c.ctx, c.done, c.deadline
	}
	p.lastBox = make([]any, len(t.values))
	p.score.Required = len(t.Required())
	var sc *Scratch
	if c != nil && c.scratch != nil {
		sc, c.scratch = c.scratch, nil
		p.slab, p.boxes.slab, p.records = sc.cells[:0], sc.boxes[:0], sc.records[:0]
		p.lent, p.boxes.grow = true, true
	}
	err := p.lines(text)
	if sc != nil {
		// What grew is kept for the next parse.
		sc.cells, sc.boxes, sc.records = p.slab[:0], p.boxes.slab[:0], p.records[:0]
	}
	if err != nil {
		return nil, err
	}
	return p.result(), nil
}

// run is one parse: Python textfsm's mutable TextFSM object, kept out of
// the Template so the Template stays shareable.
type run struct {
	t       *Template
	ctx     context.Context // nil for Parse
	done    <-chan struct{} // ctx.Done(), looked at every checkEvery lines
	slots   []slot
	caps    []int
	fast    fastState
	slab    []any // rows are cut from here, a chunk at a time
	lastBox []any // per column, the last string cell boxed
	boxes   boxer
	records [][]any
	score   Score
	// lent says slab and the boxes are a Scratch's: they grow as one
	// piece each, so that the next parse can take them whole.
	lent bool
}

// slot holds one value during a parse.
type slot struct {
	// kind and s (or list) are Python's value.value: None, a string, or
	// (once a List value has been saved) a list.
	kind  slotKind
	s     string
	list  any
	fd    string // Filldown's remembered value (Python's _myvar)
	fdSet bool
	items []any // a List value's items so far
}

type slotKind uint8

const (
	kNone slotKind = iota
	kStr
	kList
)

func (s *slot) truthy() bool {
	switch s.kind {
	case kStr:
		return s.s != ""
	case kList:
		return listLen(s.list) > 0
	}
	return false
}

func (p *run) lines(text string) error {
	t := p.t
	cur := 0 // index into t.states
	stopped := false
	lineNo := 0
	for pos := 0; pos < len(text) && !stopped; {
		if p.done != nil && lineNo%checkEvery == 0 {
			select {
			case <-p.done:
				return p.stopped(lineNo+1, p.ctx.Err())
			default:
			}
		}
		var line string
		line, pos = nextLine(text, pos)
		lineNo++
		matched := false
		rules := t.states[cur].rules
		for ri := range rules {
			r := &rules[ri]
			ok, err := r.re.matchWith(&p.fast, line, p.caps)
			if err != nil {
				return p.matchFailed(err, r, "", lineNo, line)
			}
			if !ok {
				continue
			}
			matched = true
			for k, vi := range r.assign {
				if vi < 0 {
					continue
				}
				lo, hi := p.caps[2*k], p.caps[2*k+1]
				if lo < 0 {
					err = p.assign(vi, "", false)
				} else {
					err = p.assign(vi, line[lo:hi], true)
				}
				if err != nil {
					return p.matchFailed(err, r, t.values[vi].name, lineNo, line)
				}
			}
			switch r.recordOp {
			case opRecord:
				p.appendRecord()
			case opClear:
				p.clearRecord()
			case opClearall:
				p.clearAll()
			}
			if r.lineOp == opError {
				return &ParseError{Template: t.name, RuleLine: r.line, InputLine: lineNo, Input: line, Msg: r.errMsg}
			}
			if r.lineOp == opContinue {
				continue
			}
			switch r.next {
			case stayInState:
			case toEnd:
				stopped = true
				p.score.endedAt = "End"
			case toEOF:
				stopped = true
				p.score.endedAt = "EOF"
			default:
				cur = r.next
			}
			break
		}
		if !isBlank(line) {
			p.score.Lines++
			if !matched {
				p.score.Unmatched++
				if len(p.score.UnmatchedLines) < maxUnmatchedReported {
					p.score.UnmatchedLines = append(p.score.UnmatchedLines, lineNo)
				}
			}
		}
	}
	// Python textfsm records what is pending at the end unless the
	// template went to End or declared its own (empty) EOF state.
	if p.score.endedAt != "End" && !t.hasEOF {
		p.appendRecord()
	}
	return nil
}

// matchFailed turns a regex that gave up into the parse's error.
func (p *run) matchFailed(err error, r *rule, value string, lineNo int, line string) error {
	var mt *matchTimeoutError
	if !errors.As(err, &mt) {
		return err
	}
	if mt.deadline {
		// The limit was what the context's deadline left: its time ran
		// out, not the template's.
		cause := context.DeadlineExceeded
		if p.ctx != nil && p.ctx.Err() != nil {
			cause = p.ctx.Err()
		}
		return p.stopped(lineNo, cause)
	}
	return &TimeoutError{Template: p.t.name, RuleLine: r.line, Value: value, InputLine: lineNo, Input: line, Limit: mt.limit}
}

// stopped is the error of a parse whose context ended before input line n.
func (p *run) stopped(n int, cause error) error {
	return fmt.Errorf("template %s: parse stopped at input line %d: %w", p.t.name, n, cause)
}

// assign stores a matched group (set false: the group took no part, which
// Python sees as None) and runs the value's options in declared order.
// It fails only when a List value's nested regex gives up.
func (p *run) assign(vi int, s string, set bool) error {
	v := &p.t.values[vi]
	sl := &p.slots[vi]
	if set {
		sl.kind, sl.s = kStr, s
	} else {
		sl.kind, sl.s = kNone, ""
	}
	for _, o := range v.opts {
		switch o {
		case optFilldown:
			sl.fd, sl.fdSet = sl.s, set
		case optFillup:
			if set && s != "" {
				p.fillUp(vi, s)
			}
		case optList:
			item, err := listItem(&p.fast, v, s, set)
			if err != nil {
				return err
			}
			sl.items = append(sl.items, item)
		}
	}
	return nil
}

// fillUp copies a value into earlier records until one already has it.
func (p *run) fillUp(vi int, s string) {
	for i := len(p.records) - 1; i >= 0; i-- {
		if cellTruthy(p.records[i][vi]) {
			return
		}
		p.records[i][vi] = s
	}
}

// listItem is what a List value appends: the text, None, or, when the
// value's regex has nested named groups, a map of those groups.
func listItem(st *fastState, v *valueDef, s string, set bool) (any, error) {
	if !set {
		return nil, nil
	}
	if v.nested != nil && len(v.nested.names) > 0 {
		caps := make([]int, 2*len(v.nested.names))
		ok, err := v.nested.matchWith(st, s, caps)
		if err != nil {
			return nil, err
		}
		if ok {
			m := make(map[string]any, len(v.nested.names))
			for k, n := range v.nested.names {
				if caps[2*k] < 0 {
					m[n] = nil
				} else {
					m[n] = s[caps[2*k]:caps[2*k+1]]
				}
			}
			return m, nil
		}
	}
	return s, nil
}

func (p *run) clearRecord() {
	for vi := range p.t.values {
		p.clearVar(vi)
	}
}

func (p *run) clearVar(vi int) {
	v := &p.t.values[vi]
	sl := &p.slots[vi]
	sl.kind, sl.s, sl.list = kNone, "", nil
	for _, o := range v.opts {
		switch o {
		case optFilldown:
			if sl.fdSet {
				sl.kind, sl.s = kStr, sl.fd
			}
		case optList:
			if !v.filldown {
				sl.items = nil
			}
		}
	}
}

func (p *run) clearAll() {
	for vi := range p.t.values {
		sl := &p.slots[vi]
		*sl = slot{}
	}
}

// appendRecord is Python textfsm's _AppendRecord: Required values veto
// the record (and clear it), an all-empty record is dropped (and kept),
// None becomes "".
func (p *run) appendRecord() {
	t := p.t
	if len(t.values) == 0 {
		return
	}
	rec := p.newRecord()
	empty := true
	for vi := range t.values {
		v := &t.values[vi]
		sl := &p.slots[vi]
		for _, o := range v.opts {
			switch o {
			case optRequired:
				if !sl.truthy() {
					p.score.Dropped++
					p.clearRecord()
					return
				}
			case optList:
				sl.kind, sl.list = kList, snapshot(sl.items)
			}
		}
		switch sl.kind {
		case kStr:
			// Columns repeat themselves (type, protocol, VLAN): reuse the
			// previous record's boxed string when equal, saving an
			// allocation per cell.
			if last, ok := p.lastBox[vi].(string); ok && last == sl.s {
				rec[vi] = p.lastBox[vi]
			} else {
				rec[vi] = p.boxes.box(sl.s)
				p.lastBox[vi] = rec[vi]
			}
			empty = false
		case kList:
			rec[vi] = sl.list
			if listLen(sl.list) > 0 {
				empty = false
			}
		default:
			rec[vi] = ""
		}
	}
	if empty {
		p.slab = p.slab[:len(p.slab)-len(rec)] // give the row back
		return
	}
	p.records = append(p.records, rec)
	p.clearRecord()
}

// newRecord cuts a row from the slab: one allocation per chunk of rows
// rather than one per record.
func (p *run) newRecord() []any {
	n := len(p.t.values)
	if cap(p.slab)-len(p.slab) < n {
		if p.lent {
			// Rows already cut keep the old slab; the next parse takes the
			// new one, twice as big, whole.
			p.slab = make([]any, 0, max(2*cap(p.slab), 64*n))
		} else {
			p.slab = make([]any, 0, n*max(64, min(len(p.records), 4096)))
		}
	}
	p.slab = p.slab[:len(p.slab)+n]
	rec := p.slab[len(p.slab)-n : len(p.slab) : len(p.slab)]
	for i := range rec {
		rec[i] = nil
	}
	return rec
}

// snapshot copies a List value's items into a record cell: []string in the
// usual case, []any when an item is None or a map of nested groups.
func snapshot(items []any) any {
	strs := make([]string, len(items))
	for i, it := range items {
		s, ok := it.(string)
		if !ok {
			return append([]any{}, items...)
		}
		strs[i] = s
	}
	return strs
}

func listLen(v any) int {
	switch l := v.(type) {
	case []string:
		return len(l)
	case []any:
		return len(l)
	}
	return 0
}

func cellTruthy(c any) bool {
	switch v := c.(type) {
	case string:
		return v != ""
	case nil:
		return false
	}
	return listLen(c) > 0
}
