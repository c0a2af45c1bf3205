package inventory

import (
	"strconv"
	"strings"
	"unicode/utf8"
)

// MaxNodeSet bounds how many names a node set may expand to: more is a
// typo ([1-1000000]), and would take the memory of a fleet a hundred
// times larger than any vc runs on.
const MaxNodeSet = 100_000

// ExpandNodeSet expands device names written as clush and pdsh write
// them: names separated by commas, each with bracketed ranges that
// expand in place (usa-leaf-00[1-4], rack[1-2]-sw[01-12], a[1,3,5-7],
// b[1-9/2] every second). A range whose first number has leading zeros
// keeps their width ([01-12] gives 01 ... 12). Names come in the order
// written, each once.
//
// Text that is not a node set is a *NodeSetError saying where; one that
// expands to more than MaxNodeSet names wraps ErrTooManyNames, and is
// refused before anything is expanded.
func ExpandNodeSet(text string) ([]string, error) {
	parts, err := splitNodeSet(text)
	if err != nil {
		return nil, err
	}
	total := 0
	for _, p := range parts {
		n := p.count()
		if n > MaxNodeSet-total {
			return nil, &NodeSetError{Text: text, Column: p.column, Message: ErrTooManyNames.Error(), Err: ErrTooManyNames}
		}
		total += n
	}
	seen := make(map[string]bool, total)
	names := make([]string, 0, total)
	for _, p := range parts {
		p.expand(func(name string) {
			if !seen[name] {
				seen[name] = true
				names = append(names, name)
			}
		})
	}
	return names, nil
}

// pattern is one comma-separated element of a node set: literal text
// and ranges in turn (lits has one more element than ranges).
type pattern struct {
	lits   []string
	ranges [][]span
	column int // where it starts, for errors
}

// span is lo-hi every step, printed width wide (0: as it comes).
type span struct {
	lo, hi, step, width int
}

func (s span) count() int { return (s.hi-s.lo)/s.step + 1 }

// count is how many names p expands to, or MaxNodeSet+1 for more.
func (p pattern) count() int {
	n := 1
	for _, r := range p.ranges {
		k := 0
		for _, s := range r {
			k += s.count()
		}
		if k > MaxNodeSet || n*k > MaxNodeSet {
			return MaxNodeSet + 1
		}
		n *= k
	}
	return n
}

func (p pattern) expand(emit func(string)) {
	var walk func(i int, prefix string)
	walk = func(i int, prefix string) {
		prefix += p.lits[i]
		if i == len(p.ranges) {
			emit(prefix)
			return
		}
		for _, s := range p.ranges[i] {
			for v := s.lo; v <= s.hi; v += s.step {
				num := strconv.Itoa(v)
				if len(num) < s.width {
					num = strings.Repeat("0", s.width-len(num)) + num
				}
				walk(i+1, prefix+num)
			}
		}
	}
	walk(0, "")
}

// splitNodeSet reads text into its patterns.
func splitNodeSet(text string) ([]pattern, error) {
	bad := func(at int, msg string) error {
		return &NodeSetError{Text: text, Column: utf8.RuneCountInString(text[:at]) + 1, Message: msg}
	}
	var parts []pattern
	cur := pattern{lits: []string{""}, column: 1}
	var lit strings.Builder
	flush := func(at int) error {
		cur.lits[len(cur.lits)-1] = strings.TrimSpace(lit.String())
		lit.Reset()
		if len(cur.ranges) == 0 && cur.lits[0] == "" {
			return bad(at, "an empty name")
		}
		parts = append(parts, cur)
		return nil
	}
	for i := 0; i < len(text); i++ {
		c := text[i]
		switch {
		case c == ',':
			if err := flush(i); err != nil {
				return nil, err
			}
			cur = pattern{lits: []string{""}, column: utf8.RuneCountInString(text[:i]) + 2}
		case c == '[':
			end := strings.IndexByte(text[i:], ']')
			if end < 0 {
				return nil, bad(i, "[ is never closed")
			}
			spans, err := readRanges(text, i+1, i+end)
			if err != nil {
				return nil, err
			}
			cur.lits[len(cur.lits)-1] = lit.String()
			lit.Reset()
			cur.ranges = append(cur.ranges, spans)
			cur.lits = append(cur.lits, "")
			i += end
		case c == ']':
			return nil, bad(i, "] without [")
		case c == ' ' || c == '\t':
			// Blanks around the commas (a, b) are allowed; inside a name
			// they are not.
			rest := strings.TrimLeft(text[i:], " \t")
			if lit.Len() > 0 && rest != "" && rest[0] != ',' || len(cur.ranges) > 0 && rest != "" && rest[0] != ',' {
				return nil, bad(i, "a blank inside a name")
			}
		case nameByte(c):
			lit.WriteByte(c)
		default:
			r, _ := utf8.DecodeRuneInString(text[i:])
			return nil, bad(i, strconv.QuoteRune(r)+" cannot be in a device name")
		}
	}
	if err := flush(len(text)); err != nil {
		return nil, err
	}
	return parts, nil
}

// nameByte is a byte a device name may hold (store.ValidName), but for
// the brackets and commas of node sets.
func nameByte(c byte) bool {
	return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || strings.IndexByte("._:/+@-", c) >= 0
}

// readRanges reads the ranges between [ and ] (text[from:to]): 1-4,
// 01-12, 7, 1-9/2, separated by commas.
func readRanges(text string, from, to int) ([]span, error) {
	bad := func(at int, msg string) error {
		return &NodeSetError{Text: text, Column: utf8.RuneCountInString(text[:at]) + 1, Message: msg}
	}
	if from == to {
		return nil, bad(from-1, "empty []")
	}
	var spans []span
	at := from
	for _, item := range strings.Split(text[from:to], ",") {
		rng, step, hasStep := strings.Cut(item, "/")
		loS, hiS, isRange := strings.Cut(rng, "-")
		if !isRange {
			hiS = loS
		}
		lo, ok1 := rangeNumber(loS)
		hi, ok2 := rangeNumber(hiS)
		if !ok1 || !ok2 {
			return nil, bad(at, strconv.Quote(item)+" is not a number or a range such as 1-4 or 01-12")
		}
		if lo > hi {
			return nil, bad(at, strconv.Quote(item)+" runs backwards")
		}
		s := span{lo: lo, hi: hi, step: 1}
		if hasStep {
			n, ok := rangeNumber(step)
			if !ok || n == 0 {
				return nil, bad(at, strconv.Quote(item)+": the step after / is not a number above 0")
			}
			s.step = n
		}
		if len(loS) > 1 && loS[0] == '0' {
			s.width = len(loS)
		}
		spans = append(spans, s)
		at += len(item) + 1
	}
	return spans, nil
}

// rangeNumber reads the digits of a range bound, at most nine so that no
// arithmetic on them overflows.
func rangeNumber(s string) (int, bool) {
	if s == "" || len(s) > 9 {
		return 0, false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return 0, false
		}
	}
	n, err := strconv.Atoi(s)
	return n, err == nil
}

// nodeSetText reports whether text holds only what device names and
// node sets are written with: the characters of names, brackets, commas,
// and blanks (which only the commas may have around them). No quote or
// operator of an expression is among them.
func nodeSetText(text string) bool {
	text = strings.TrimSpace(text)
	if text == "" {
		return false
	}
	for i := 0; i < len(text); i++ {
		if c := text[i]; !nameByte(c) && strings.IndexByte("[], \t", c) < 0 {
			return false
		}
	}
	return true
}
