package templates

import (
	"regexp/syntax"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

// fastRegex is a backtracking matcher compiled from Go's parse of a
// pattern. Python's re is a backtracker too, so for the patterns templates
// use it finds the same match with the same groups; and unlike Go's regexp
// it pays nothing per call for machinery a one-line match does not need,
// which is most of the cost of parsing (see the ARP benchmark).
//
// Its weakness is the backtracker's: some patterns take exponential time.
// A step budget catches them, and the match is then redone by Go's regexp,
// which is linear.
type fastRegex struct {
	root    matcher
	ncap    int // Go capture groups, including group 0
	nloops  int // loop position slots
	first   byteSet
	prefilt bool // first is usable: the pattern cannot match empty
	goIx    []int
	slow    *lazyRegexp
}

// fastState is one match attempt's scratch space.
type fastState struct {
	// deadline is the parse's, for regexp2's limits (zero: none); it
	// rides here because this is the scratch every match of a parse gets.
	deadline time.Time

	s       string
	caps    []int
	loops   []int
	steps   int
	budget  int
	aborted bool
}

// matcher tries to match from position i, then calls its continuation.
type matcher func(st *fastState, i int) bool

type byteSet [4]uint64

func (b *byteSet) has(c byte) bool { return b[c>>6]&(1<<(c&63)) != 0 }
func (b *byteSet) add(c byte)      { b[c>>6] |= 1 << (c & 63) }
func (b *byteSet) addAll(o byteSet) {
	for i := range b {
		b[i] |= o[i]
	}
}

// newFastRegex builds the matcher, or returns nil when the pattern uses
// something it does not handle (Go's regexp then matches alone).
func newFastRegex(tree *syntax.Regexp, slow *lazyRegexp, goIx []int) *fastRegex {
	f := &fastRegex{ncap: tree.MaxCap() + 1, goIx: goIx, slow: slow}
	c := fastCompiler{f: f}
	anything := follow{end: true}
	for i := range anything.set {
		anything.set[i] = ^uint64(0)
	}
	root := c.compile(tree, func(st *fastState, i int) bool { return true }, anything)
	if c.unsupported {
		return nil
	}
	f.root = root
	first, empty := firstBytes(tree)
	f.first, f.prefilt = first, !empty
	return f
}

// match runs the backtracker with st as scratch; caps receives the named
// groups' offsets in goIx order.
func (f *fastRegex) match(st *fastState, s string, caps []int) bool {
	if f.prefilt && (len(s) == 0 || !f.first.has(s[0])) {
		return false
	}
	st.reset(s, f.ncap, f.nloops)
	ok := f.root(st, 0)
	if st.aborted {
		// A loop that ran out of budget may still have tried its
		// continuation and matched, but not with the groups a full
		// search would find first: only Go's engine can say.
		return f.slow.match(s, f.goIx, caps)
	}
	if !ok {
		return false
	}
	for k, ix := range f.goIx {
		caps[2*k], caps[2*k+1] = st.caps[2*ix], st.caps[2*ix+1]
	}
	return true
}

func (st *fastState) reset(s string, ncap, nloops int) {
	st.s = s
	if cap(st.caps) < 2*ncap {
		st.caps = make([]int, 2*ncap)
	}
	st.caps = st.caps[:2*ncap]
	for i := range st.caps {
		st.caps[i] = -1
	}
	if cap(st.loops) < nloops {
		st.loops = make([]int, nloops)
	}
	st.loops = st.loops[:nloops]
	st.steps = 0
	// Generous for any sane pattern on a line, small enough to give up
	// on a pathological one within microseconds.
	st.budget = 20000 + 200*len(s)
	st.aborted = false
}

// spend counts backtracking work and reports when the budget is gone.
func (st *fastState) spend() bool {
	st.steps++
	if st.steps > st.budget {
		st.aborted = true
		return true
	}
	return st.aborted
}

type fastCompiler struct {
	f           *fastRegex
	unsupported bool
}

// follow describes what can come after a point of the pattern: the bytes
// the rest can start with, and whether the rest can match at the end of
// the input. A loop uses it to skip backing off to positions where the
// rest cannot start, which is most of the cost of a failing ^\s+Word.
type follow struct {
	set byteSet
	end bool
}

func (f follow) allows(s string, j int) bool {
	if j >= len(s) {
		return f.end
	}
	return f.set.has(s[j])
}

// lead is what a node needs at its start: the bytes it can consume first,
// whether it can match empty at the end of input (atEnd), and whether it
// can match empty elsewhere (transparent: then what follows it decides).
type lead struct {
	set         byteSet
	atEnd       bool
	transparent bool
}

// then is the follow of a point followed by a node with lead l and then f.
func (l lead) then(f follow) follow {
	out := follow{set: l.set, end: l.atEnd && f.end}
	if l.transparent {
		out.set.addAll(f.set)
	}
	return out
}

func leadOf(re *syntax.Regexp) lead {
	var all byteSet
	for i := range all {
		all[i] = ^uint64(0)
	}
	switch re.Op {
	case syntax.OpLiteral:
		if len(re.Rune) == 0 {
			return lead{atEnd: true, transparent: true}
		}
		rs := newRuneSet(&syntax.Regexp{Op: syntax.OpLiteral, Rune: re.Rune[:1], Flags: re.Flags})
		return lead{set: rs.firstByteSet()}
	case syntax.OpCharClass, syntax.OpAnyChar, syntax.OpAnyCharNotNL:
		return lead{set: newRuneSet(re).firstByteSet()}
	case syntax.OpNoMatch:
		return lead{}
	case syntax.OpEndText:
		return lead{atEnd: true}
	case syntax.OpCapture:
		return leadOf(re.Sub[0])
	case syntax.OpConcat:
		out := lead{atEnd: true, transparent: true}
		for _, sub := range re.Sub {
			l := leadOf(sub)
			if out.transparent {
				out.set.addAll(l.set)
			}
			out.atEnd = out.atEnd && l.atEnd
			out.transparent = out.transparent && l.transparent
		}
		return out
	case syntax.OpAlternate:
		var out lead
		for _, sub := range re.Sub {
			l := leadOf(sub)
			out.set.addAll(l.set)
			out.atEnd = out.atEnd || l.atEnd
			out.transparent = out.transparent || l.transparent
		}
		return out
	case syntax.OpPlus:
		return leadOf(re.Sub[0])
	case syntax.OpRepeat:
		l := leadOf(re.Sub[0])
		if re.Min == 0 {
			l.atEnd, l.transparent = true, true
		}
		return l
	case syntax.OpStar, syntax.OpQuest:
		l := leadOf(re.Sub[0])
		l.atEnd, l.transparent = true, true
		return l
	}
	// Empty matches and zero-width assertions we do not reason about:
	// claim everything, so no filter ever rejects wrongly.
	return lead{set: all, atEnd: true, transparent: true}
}

// compile turns re into a matcher that continues with k; f says what k
// can start with.
func (c *fastCompiler) compile(re *syntax.Regexp, k matcher, f follow) matcher {
	switch re.Op {
	case syntax.OpNoMatch:
		return func(*fastState, int) bool { return false }
	case syntax.OpEmptyMatch:
		return k
	case syntax.OpLiteral:
		return c.literal(re, k)
	case syntax.OpCharClass, syntax.OpAnyCharNotNL, syntax.OpAnyChar:
		set := newRuneSet(re)
		return func(st *fastState, i int) bool {
			if n := set.matchAt(st.s, i); n > 0 {
				return k(st, i+n)
			}
			return false
		}
	case syntax.OpBeginText:
		return func(st *fastState, i int) bool { return i == 0 && k(st, i) }
	case syntax.OpEndText:
		return func(st *fastState, i int) bool { return i == len(st.s) && k(st, i) }
	case syntax.OpBeginLine:
		return func(st *fastState, i int) bool { return (i == 0 || st.s[i-1] == '\n') && k(st, i) }
	case syntax.OpEndLine:
		return func(st *fastState, i int) bool { return (i == len(st.s) || st.s[i] == '\n') && k(st, i) }
	case syntax.OpWordBoundary:
		return func(st *fastState, i int) bool { return atWordBoundary(st.s, i) && k(st, i) }
	case syntax.OpNoWordBoundary:
		return func(st *fastState, i int) bool { return !atWordBoundary(st.s, i) && k(st, i) }
	case syntax.OpCapture:
		return c.capture(re, k, f)
	case syntax.OpConcat:
		m := k
		after := f
		for j := len(re.Sub) - 1; j >= 0; j-- {
			m = c.compile(re.Sub[j], m, after)
			after = leadOf(re.Sub[j]).then(after)
		}
		return m
	case syntax.OpAlternate:
		type alt struct {
			m matcher
			f follow // where this branch (and what follows) can start
		}
		alts := make([]alt, len(re.Sub))
		for j, sub := range re.Sub {
			alts[j] = alt{c.compile(sub, k, f), leadOf(sub).then(f)}
		}
		return func(st *fastState, i int) bool {
			for _, a := range alts {
				if !a.f.allows(st.s, i) {
					continue
				}
				if a.m(st, i) {
					return true
				}
				if st.spend() {
					return false
				}
			}
			return false
		}
	case syntax.OpStar:
		return c.repeat(re.Sub[0], 0, -1, re.Flags&syntax.NonGreedy == 0, k, f)
	case syntax.OpPlus:
		return c.repeat(re.Sub[0], 1, -1, re.Flags&syntax.NonGreedy == 0, k, f)
	case syntax.OpQuest:
		return c.repeat(re.Sub[0], 0, 1, re.Flags&syntax.NonGreedy == 0, k, f)
	case syntax.OpRepeat:
		return c.repeat(re.Sub[0], re.Min, re.Max, re.Flags&syntax.NonGreedy == 0, k, f)
	}
	c.unsupported = true
	return k
}

func (c *fastCompiler) literal(re *syntax.Regexp, k matcher) matcher {
	if re.Flags&syntax.FoldCase == 0 {
		lit := string(re.Rune)
		return func(st *fastState, i int) bool {
			return strings.HasPrefix(st.s[i:], lit) && k(st, i+len(lit))
		}
	}
	runes := append([]rune(nil), re.Rune...)
	return func(st *fastState, i int) bool {
		j := i
		for _, want := range runes {
			if j >= len(st.s) {
				return false
			}
			r, n := utf8.DecodeRuneInString(st.s[j:])
			if !foldEqual(r, want) {
				return false
			}
			j += n
		}
		return k(st, j)
	}
}

func foldEqual(a, b rune) bool {
	if a == b {
		return true
	}
	for f := unicode.SimpleFold(b); f != b; f = unicode.SimpleFold(f) {
		if f == a {
			return true
		}
	}
	return false
}

func (c *fastCompiler) capture(re *syntax.Regexp, k matcher, f follow) matcher {
	n := re.Cap
	// (\S+), (\d+), (.*?): most template groups are one character loop,
	// which then records the group itself rather than through two more
	// calls per match.
	if set, min, max, greedy, ok := singleCharLoop(re.Sub[0]); ok {
		return capturedCharLoop(set, min, max, greedy, k, f, n)
	}
	end := func(st *fastState, j int) bool {
		old := st.caps[2*n+1]
		st.caps[2*n+1] = j
		if k(st, j) {
			return true
		}
		st.caps[2*n+1] = old
		return false
	}
	body := c.compile(re.Sub[0], end, f)
	return func(st *fastState, i int) bool {
		old := st.caps[2*n]
		st.caps[2*n] = i
		if body(st, i) {
			return true
		}
		st.caps[2*n] = old
		return false
	}
}

// repeat compiles body{min,max} (max -1: unbounded).
func (c *fastCompiler) repeat(body *syntax.Regexp, min, max int, greedy bool, k matcher, f follow) matcher {
	if isSingleChar(body) {
		return charLoop(newRuneSet(body), min, max, greedy, k, f)
	}
	// Mandatory copies first, then the optional tail. Inside the loop,
	// what follows one copy is another copy or the rest.
	bl := leadOf(body)
	inLoop := bl.then(f)
	inLoop.set.addAll(f.set)
	inLoop.end = inLoop.end || f.end
	tail := k
	switch {
	case max < 0:
		tail = c.star(body, greedy, k, inLoop)
	default:
		for j := 0; j < max-min; j++ {
			tail = c.optional(body, greedy, tail, inLoop)
		}
	}
	m := tail
	for j := 0; j < min; j++ {
		m = c.compile(body, m, inLoop)
	}
	return m
}

func (c *fastCompiler) optional(body *syntax.Regexp, greedy bool, k matcher, f follow) matcher {
	b := c.compile(body, k, f)
	if greedy {
		return func(st *fastState, i int) bool {
			if b(st, i) {
				return true
			}
			return !st.spend() && k(st, i)
		}
	}
	return func(st *fastState, i int) bool {
		if k(st, i) {
			return true
		}
		return !st.spend() && b(st, i)
	}
}

// star loops over a general body. An iteration that consumes nothing ends
// the loop, as in Python's engine, so (a*)* cannot spin.
func (c *fastCompiler) star(body *syntax.Regexp, greedy bool, k matcher, f follow) matcher {
	id := c.f.nloops
	c.f.nloops++
	var loop matcher
	again := func(st *fastState, j int) bool {
		if j == st.loops[id] {
			return false
		}
		return loop(st, j)
	}
	b := c.compile(body, again, f)
	loop = func(st *fastState, i int) bool {
		if st.spend() {
			return false
		}
		saved := st.loops[id]
		st.loops[id] = i
		if greedy {
			if b(st, i) {
				return true
			}
			st.loops[id] = saved
			return k(st, i)
		}
		if k(st, i) {
			return true
		}
		if b(st, i) {
			return true
		}
		st.loops[id] = saved
		return false
	}
	return loop
}

func isSingleChar(re *syntax.Regexp) bool {
	switch re.Op {
	case syntax.OpCharClass, syntax.OpAnyChar, syntax.OpAnyCharNotNL:
		return true
	case syntax.OpLiteral:
		return len(re.Rune) == 1
	}
	return false
}

// singleCharLoop recognises x*, x+, x?, x{n,m} over one character.
func singleCharLoop(re *syntax.Regexp) (set *runeSet, min, max int, greedy, ok bool) {
	greedy = re.Flags&syntax.NonGreedy == 0
	switch re.Op {
	case syntax.OpStar:
		min, max = 0, -1
	case syntax.OpPlus:
		min, max = 1, -1
	case syntax.OpQuest:
		min, max = 0, 1
	case syntax.OpRepeat:
		min, max = re.Min, re.Max
	default:
		return nil, 0, 0, false, false
	}
	if !isSingleChar(re.Sub[0]) {
		return nil, 0, 0, false, false
	}
	return newRuneSet(re.Sub[0]), min, max, greedy, true
}

// capturedCharLoop is charLoop inside capture group n.
func capturedCharLoop(set *runeSet, min, max int, greedy bool, k matcher, f follow, n int) matcher {
	end := func(st *fastState, j int) bool {
		st.caps[2*n+1] = j
		return k(st, j)
	}
	loop := charLoop(set, min, max, greedy, end, f)
	return func(st *fastState, i int) bool {
		oldLo, oldHi := st.caps[2*n], st.caps[2*n+1]
		st.caps[2*n] = i
		if loop(st, i) {
			return true
		}
		st.caps[2*n], st.caps[2*n+1] = oldLo, oldHi
		return false
	}
}

// charLoop matches set{min,max} iteratively: the common \S+ and \d{1,3}
// cost a scan and a walk back, not a call per character.
func charLoop(set *runeSet, min, max int, greedy bool, k matcher, f follow) matcher {
	if greedy {
		return func(st *fastState, i int) bool {
			s := st.s
			j, n := i, 0
			// ASCII run first, without a call per byte.
			for j < len(s) && (max < 0 || n < max) {
				c := s[j]
				if c >= utf8.RuneSelf {
					w := set.matchAt(s, j)
					if w == 0 {
						break
					}
					j += w
				} else {
					if set.ascii[c>>6]&(1<<(c&63)) == 0 {
						break
					}
					j++
				}
				n++
			}
			if n < min {
				return false
			}
			// The position after min characters, where backing off stops.
			lo := i
			if min > 0 {
				lo = i
				for m := 0; m < min; m++ {
					lo += set.matchAt(s, lo)
				}
			}
			for {
				if f.allows(s, j) && k(st, j) {
					return true
				}
				if j <= lo || st.spend() {
					return false
				}
				j--
				for j > lo && !utf8.RuneStart(s[j]) {
					j--
				}
			}
		}
	}
	return func(st *fastState, i int) bool {
		s := st.s
		j, n := i, 0
		for ; n < min; n++ {
			w := set.matchAt(s, j)
			if w == 0 {
				return false
			}
			j += w
		}
		for {
			if f.allows(s, j) && k(st, j) {
				return true
			}
			if (max >= 0 && n >= max) || st.spend() {
				return false
			}
			w := set.matchAt(s, j)
			if w == 0 {
				return false
			}
			j += w
			n++
		}
	}
}

// runeSet is a single-character matcher: an ASCII bitmap plus the rune
// ranges for the rest.
type runeSet struct {
	ascii  byteSet
	ranges []rune // pairs, for runes >= 0x80
}

func newRuneSet(re *syntax.Regexp) *runeSet {
	rs := &runeSet{}
	var ranges []rune
	switch re.Op {
	case syntax.OpAnyChar:
		ranges = []rune{0, unicode.MaxRune}
	case syntax.OpAnyCharNotNL:
		ranges = []rune{0, '\n' - 1, '\n' + 1, unicode.MaxRune}
	case syntax.OpCharClass:
		ranges = re.Rune
	case syntax.OpLiteral:
		r := re.Rune[0]
		ranges = []rune{r, r}
		if re.Flags&syntax.FoldCase != 0 {
			for f := unicode.SimpleFold(r); f != r; f = unicode.SimpleFold(f) {
				ranges = append(ranges, f, f)
			}
		}
	}
	for j := 0; j+1 < len(ranges); j += 2 {
		lo, hi := ranges[j], ranges[j+1]
		for r := lo; r <= hi && r < utf8.RuneSelf; r++ {
			rs.ascii.add(byte(r))
		}
		if hi >= utf8.RuneSelf {
			rs.ranges = append(rs.ranges, max(lo, utf8.RuneSelf), hi)
		}
	}
	return rs
}

// matchAt returns the width of the character at i when the set holds it,
// else 0.
func (rs *runeSet) matchAt(s string, i int) int {
	if i >= len(s) {
		return 0
	}
	if c := s[i]; c < utf8.RuneSelf {
		if rs.ascii.has(c) {
			return 1
		}
		return 0
	}
	r, n := utf8.DecodeRuneInString(s[i:])
	for j := 0; j+1 < len(rs.ranges); j += 2 {
		if r >= rs.ranges[j] && r <= rs.ranges[j+1] {
			return n
		}
	}
	return 0
}

// atWordBoundary is Python's Unicode \b.
func atWordBoundary(s string, i int) bool {
	before, after := false, false
	if i > 0 {
		r, _ := utf8.DecodeLastRuneInString(s[:i])
		before = isPyWord(r)
	}
	if i < len(s) {
		r, _ := utf8.DecodeRuneInString(s[i:])
		after = isPyWord(r)
	}
	return before != after
}

// firstBytes returns the bytes a match can start with, and whether the
// pattern can match the empty string (then no byte test applies).
func firstBytes(re *syntax.Regexp) (byteSet, bool) {
	var set byteSet
	switch re.Op {
	case syntax.OpLiteral:
		if len(re.Rune) == 0 {
			return set, true
		}
		rs := newRuneSet(&syntax.Regexp{Op: syntax.OpLiteral, Rune: re.Rune[:1], Flags: re.Flags})
		return rs.firstByteSet(), false
	case syntax.OpCharClass, syntax.OpAnyChar, syntax.OpAnyCharNotNL:
		return newRuneSet(re).firstByteSet(), false
	case syntax.OpCapture:
		return firstBytes(re.Sub[0])
	case syntax.OpConcat:
		for _, sub := range re.Sub {
			s, empty := firstBytes(sub)
			set.addAll(s)
			if !empty {
				return set, false
			}
		}
		return set, true
	case syntax.OpAlternate:
		anyEmpty := false
		for _, sub := range re.Sub {
			s, empty := firstBytes(sub)
			set.addAll(s)
			anyEmpty = anyEmpty || empty
		}
		return set, anyEmpty
	case syntax.OpPlus:
		return firstBytes(re.Sub[0])
	case syntax.OpRepeat:
		s, empty := firstBytes(re.Sub[0])
		return s, empty || re.Min == 0
	case syntax.OpStar, syntax.OpQuest:
		s, _ := firstBytes(re.Sub[0])
		return s, true
	case syntax.OpBeginText, syntax.OpBeginLine, syntax.OpEmptyMatch:
		return set, true
	}
	// End anchors, word boundaries: zero width, conditions we do not
	// track; claim every byte so the filter never rejects wrongly.
	for i := range set {
		set[i] = ^uint64(0)
	}
	return set, true
}

// firstByteSet is the set of first UTF-8 bytes of the set's runes.
func (rs *runeSet) firstByteSet() byteSet {
	set := rs.ascii
	if len(rs.ranges) > 0 {
		for c := 0xc0; c < 0x100; c++ {
			set.add(byte(c))
		}
	}
	return set
}
