package templates

import (
	"fmt"
	"regexp"
	"regexp/syntax"
	"sync"
	"unicode/utf8"

	"github.com/dlclark/regexp2"
)

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
	perl *regexp2.Regexp
}

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
	re2, err := regexp2.Compile(`\A(?:`+d.perlSrc+`)`, regexp2.None)
	if err != nil {
		return nil, fmt.Errorf("%w", err)
	}
	r.perl = re2
	return r, nil
}

// match matches at the start of s and stores the byte offsets of each named
// group in caps (2 per group, -1 when the group did not take part).
func (r *pyRegex) match(s string, caps []int) bool {
	return r.matchWith(nil, s, caps)
}

// matchWith is match with scratch space for the backtracker, so a parse
// allocates it once rather than per line. st may be nil.
func (r *pyRegex) matchWith(st *fastState, s string, caps []int) bool {
	if caps == nil {
		caps = make([]int, 2*len(r.names))
	}
	switch {
	case r.fast != nil:
		if st == nil {
			st = &fastState{}
		}
		return r.fast.match(st, s, caps)
	case r.goRE != nil:
		return r.goRE.match(s, r.goIx, caps)
	default:
		return r.matchPerl(s, caps)
	}
}

func (r *pyRegex) matchPerl(s string, caps []int) bool {
	m, err := r.perl.FindStringMatch(s)
	if err != nil || m == nil {
		return false
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
	return true
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
