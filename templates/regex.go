package templates

import (
	"fmt"
	"regexp"
	"regexp/syntax"
	"sync"
	"sync/atomic"
	"time"
	"unicode/utf8"

	"github.com/dlclark/regexp2"
)

// MatchTimeout bounds one regexp2 match: a template's rule against one
// input line. regexp2 backtracks without limit, so a pattern such as
// ^(?=a)(a+)+$ on a line of a's and a b would otherwise run for ever. A
// sane rule on a device's line takes microseconds; a second is a pattern
// gone exponential. A parse with a context deadline gives each match at
// most what remains of it.
const MatchTimeout = time.Second

func init() {
	// regexp2 checks its limits against a clock that a goroutine of its
	// own advances, by default every 100 ms, and adds one such period to
	// every limit: a context deadline would be overrun by up to 0.2 s. At
	// 10 ms the overrun is a few hundredths, for a wake-up that only runs
	// while matches with limits are under way. Nothing else in vc uses
	// regexp2, and init runs before its clock can start.
	regexp2.SetTimeoutCheckPeriod(10 * time.Millisecond)
}

// pyRegex is a Python pattern compiled for matching at the start of a string,
// as Python's re.match does. It reports only named groups: they are all a
// template reads.
type pyRegex struct {
	src   string   // the Python pattern as written
	names []string // named groups, in group order
	// groups is the number of capture groups, named or not (Python's
	// pattern.groups), which decides whether a List value is re-matched.
	groups int

	fast *fastRegex  // the backtracker, when the pattern fits it
	goRE *lazyRegexp // Go's engine: the fallback for fast, or the only one
	goIx []int       // Go submatch index of each named group
	perl *perlRegex
}

// perlRegex is a pattern for regexp2, whose limit on a match is a field of
// the compiled pattern: a match that must end sooner than MatchTimeout (a
// deadline is near) runs on a copy compiled with a shorter limit. The
// copies are made on first need, one per step of shortLimit, so a shared
// pattern is never written to while another parse reads it.
type perlRegex struct {
	src     string
	full    *regexp2.Regexp // MatchTimeout
	shorter [numShortLimits]atomic.Pointer[regexp2.Regexp]
}

// The shorter limits: 5 ms steps below 100 ms, 50 ms steps up to a second.
// Rounding a deadline's remainder down to a step keeps every match within
// it while making at most numShortLimits copies of a pattern.
const numShortLimits = 19 + 18

func shortLimit(i int) time.Duration {
	if i < 19 {
		return time.Duration(i+1) * 5 * time.Millisecond
	}
	return 100*time.Millisecond + time.Duration(i-19)*50*time.Millisecond
}

func newPerlRegex(src string) (*perlRegex, error) {
	re, err := regexp2.Compile(src, regexp2.None)
	if err != nil {
		return nil, err
	}
	re.MatchTimeout = MatchTimeout
	return &perlRegex{src: src, full: re}, nil
}

// within returns the pattern to run when remaining is what the deadline
// leaves, with its limit; nil when remaining is below the shortest step.
func (p *perlRegex) within(remaining time.Duration) (*regexp2.Regexp, time.Duration) {
	if remaining >= MatchTimeout {
		return p.full, MatchTimeout
	}
	i := numShortLimits - 1
	for i >= 0 && shortLimit(i) > remaining {
		i--
	}
	if i < 0 {
		return nil, remaining
	}
	if re := p.shorter[i].Load(); re != nil {
		return re, shortLimit(i)
	}
	// The source compiled once already, so it compiles again.
	re := regexp2.MustCompile(p.src, regexp2.None)
	re.MatchTimeout = shortLimit(i)
	if !p.shorter[i].CompareAndSwap(nil, re) {
		re = p.shorter[i].Load()
	}
	return re, shortLimit(i)
}

// matchTimeoutError is a regexp2 match that hit its limit. deadline says
// the limit was a context deadline's remainder rather than MatchTimeout:
// then the caller's time ran out, not the template's.
type matchTimeoutError struct {
	limit    time.Duration
	deadline bool
}

func (e *matchTimeoutError) Error() string {
	return fmt.Sprintf("regexp match gave up after %v", e.limit)
}

func (e *matchTimeoutError) Unwrap() error { return ErrTimeout }

// compileRegex compiles a Python pattern, choosing Go's regexp when it can
// express the pattern and regexp2 when it needs Perl features.
func compileRegex(pat string) (*pyRegex, error) {
	d, err := translate(pat)
	if err != nil {
		return nil, err
	}
	r := &pyRegex{src: pat, groups: len(d.names)}
	for _, n := range d.names {
		if n != "" {
			r.names = append(r.names, n)
		}
	}
	if !d.needsPerl {
		src := `^(?:` + d.goSrc + `)`
		tree, err := syntax.Parse(src, syntax.Perl)
		if err == nil {
			r.goRE = &lazyRegexp{src: src}
			r.goIx = goGroupIndexes(tree, r.names)
			r.fast = newFastRegex(tree, r.goRE, r.goIx)
			if r.fast == nil {
				// Only Go's engine can run it: compile now, so errors
				// surface at template compile time.
				if _, err := r.goRE.get(); err != nil {
					return nil, err
				}
			}
			return r, nil
		}
		// Fall through: Go refused something regexp2 may accept (for
		// example a construct Go reads differently); regexp2's verdict
		// decides.
	}
	re2, err := newPerlRegex(`\A(?:` + d.perlSrc + `)`)
	if err != nil {
		return nil, fmt.Errorf("%w", err)
	}
	r.perl = re2
	return r, nil
}

// match matches at the start of s and stores the byte offsets of each named
// group in caps (2 per group, -1 when the group did not take part). Only a
// regexp2 pattern can fail, with a *matchTimeoutError once it has run for
// MatchTimeout; the other engines always answer in bounded time.
func (r *pyRegex) match(s string, caps []int) (bool, error) {
	return r.matchWith(nil, s, caps)
}

// matchWith is match with one parse's scratch space: the backtracker's,
// allocated once rather than per line, and the parse's deadline, which
// shortens a regexp2 match's limit. st may be nil.
func (r *pyRegex) matchWith(st *fastState, s string, caps []int) (bool, error) {
	if caps == nil {
		caps = make([]int, 2*len(r.names))
	}
	switch {
	case r.fast != nil:
		if st == nil {
			st = &fastState{}
		}
		return r.fast.match(st, s, caps), nil
	case r.goRE != nil:
		return r.goRE.match(s, r.goIx, caps), nil
	default:
		var deadline time.Time
		if st != nil {
			deadline = st.deadline
		}
		return r.matchPerl(deadline, s, caps)
	}
}

func (r *pyRegex) matchPerl(deadline time.Time, s string, caps []int) (bool, error) {
	re, limit, bound := r.perl.full, MatchTimeout, false
	if !deadline.IsZero() {
		if remaining := time.Until(deadline); remaining < MatchTimeout {
			re, limit = r.perl.within(remaining)
			bound = true
			if re == nil {
				return false, &matchTimeoutError{limit: max(remaining, 0), deadline: true}
			}
		}
	}
	m, err := re.FindStringMatch(s)
	if err != nil {
		// A timeout is the only error regexp2 returns from a match.
		return false, &matchTimeoutError{limit: limit, deadline: bound}
	}
	if m == nil {
		return false, nil
	}
	// regexp2 counts in runes; templates want byte offsets.
	var byteAt []int
	if !isASCII(s) {
		byteAt = make([]int, 0, len(s)+1)
		for i := range s {
			byteAt = append(byteAt, i)
		}
		byteAt = append(byteAt, len(s))
	}
	for k, n := range r.names {
		g := m.GroupByName(n)
		if g == nil || len(g.Captures) == 0 {
			caps[2*k], caps[2*k+1] = -1, -1
			continue
		}
		lo, hi := g.Index, g.Index+g.Length
		if byteAt != nil {
			lo, hi = byteAt[lo], byteAt[hi]
		}
		caps[2*k], caps[2*k+1] = lo, hi
	}
	return true, nil
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return false
		}
	}
	return true
}

// engine names the matcher behind a pattern, for explanations and tests.
func (r *pyRegex) engine() string {
	switch {
	case r.fast != nil:
		return "fast"
	case r.goRE != nil:
		return "regexp"
	default:
		return "regexp2"
	}
}

// lazyRegexp compiles a Go regexp on first use: when the backtracker runs
// a pattern, Go's engine is only its fallback for pathological inputs, and
// compiling both would double the cost of loading a template.
type lazyRegexp struct {
	src  string
	once sync.Once
	re   *regexp.Regexp
	err  error
}

func (l *lazyRegexp) get() (*regexp.Regexp, error) {
	l.once.Do(func() { l.re, l.err = regexp.Compile(l.src) })
	return l.re, l.err
}

// match runs Go's engine and copies the named groups' offsets into caps.
func (l *lazyRegexp) match(s string, goIx, caps []int) bool {
	re, err := l.get()
	if err != nil {
		return false
	}
	m := re.FindStringSubmatchIndex(s)
	if m == nil {
		return false
	}
	for k, ix := range goIx {
		caps[2*k], caps[2*k+1] = m[2*ix], m[2*ix+1]
	}
	return true
}

// goGroupIndexes finds each named group's number in Go's parse tree.
func goGroupIndexes(tree *syntax.Regexp, names []string) []int {
	byName := map[string]int{}
	var walk func(re *syntax.Regexp)
	walk = func(re *syntax.Regexp) {
		if re.Op == syntax.OpCapture && re.Name != "" {
			if _, dup := byName[re.Name]; !dup {
				byName[re.Name] = re.Cap
			}
		}
		for _, sub := range re.Sub {
			walk(sub)
		}
	}
	walk(tree)
	ix := make([]int, len(names))
	for i, n := range names {
		ix[i] = byName[n]
	}
	return ix
}
