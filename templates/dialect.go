package templates

import (
	"fmt"
	"sort"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Python's re module and Go's regexp disagree on more than syntax: Python's
// \s, \d and \w are Unicode-aware (\s matches a non-breaking space), `{,n}`
// is a repeat, and `[[:alpha:]]` is not a POSIX class. Templates are written
// for Python, so every pattern is rewritten here before either engine sees it.

// Python's whitespace for str patterns: Py_UNICODE_ISSPACE, which is
// [\t-\r\x1c-\x1f\x85] plus the Unicode separators (category Z).
const (
	pyWhitespaceGo   = `\t-\r\x1c-\x1f\x{85}\p{Z}`
	pyWordGo         = `\p{L}\p{N}_`
	pyDigitGo        = `\p{Nd}`
	pyNotDigitGo     = `\P{Nd}`
	repeatLimitForGo = 1000
)

// dialect is a Python pattern rewritten for the two engines.
type dialect struct {
	goSrc     string   // for Go's regexp (RE2 syntax, Python semantics)
	perlSrc   string   // for regexp2 (.NET syntax)
	needsPerl bool     // lookaround, backreferences, atomic groups, huge repeats
	names     []string // capture group names in group order; "" for unnamed
}

// translate rewrites a Python re pattern. It rejects what Python rejects
// where the difference would otherwise pass silently (unknown escapes, a
// group name defined twice, global flags after the start).
func translate(pat string) (dialect, error) {
	t := translator{src: pat}
	if err := t.run(); err != nil {
		return dialect{}, err
	}
	return dialect{
		goSrc:     t.goOut.String(),
		perlSrc:   t.perlOut.String(),
		needsPerl: t.needsPerl,
		names:     t.names,
	}, nil
}

type translator struct {
	src            string
	i              int
	goOut, perlOut strings.Builder
	needsPerl      bool
	names          []string
	inClass        bool
	classFirst     bool
	flagsEnd       int // where the leading run of global flag groups ends
}

func (t *translator) emit(goS, perlS string) {
	t.goOut.WriteString(goS)
	t.perlOut.WriteString(perlS)
}

func (t *translator) both(s string) { t.emit(s, s) }

func (t *translator) run() error {
	for t.i < len(t.src) {
		c := t.src[t.i]
		if t.inClass {
			if err := t.classChar(); err != nil {
				return err
			}
			continue
		}
		switch c {
		case '\\':
			if err := t.escape(); err != nil {
				return err
			}
		case '[':
			t.i++
			t.inClass = true
			t.classFirst = true
			t.both("[")
			if t.i < len(t.src) && t.src[t.i] == '^' {
				t.i++
				t.both("^")
			}
		case '(':
			if err := t.group(); err != nil {
				return err
			}
		case '{':
			t.brace()
		case '*', '+', '?':
			t.i++
			t.both(string(c))
			t.possessive()
		default:
			r, n := utf8.DecodeRuneInString(t.src[t.i:])
			t.i += n
			t.both(string(r))
		}
	}
	if t.inClass {
		return fmt.Errorf("unterminated character set")
	}
	return nil
}

// possessive spots Python 3.11's possessive quantifiers (x*+), which only
// regexp2 can express, as an atomic group; they are rare enough in templates
// that routing the whole pattern there is fine.
func (t *translator) possessive() {
	if t.i < len(t.src) && t.src[t.i] == '+' {
		t.needsPerl = true
	}
}

// brace handles `{`: a repeat when it looks like one to Python, else a literal.
func (t *translator) brace() {
	end := strings.IndexByte(t.src[t.i:], '}')
	if end < 0 {
		t.i++
		t.both(`\{`)
		return
	}
	body := t.src[t.i+1 : t.i+end]
	lo, hi, isRange := strings.Cut(body, ",")
	if !isDigits(lo) || !isDigits(hi) || (!isRange && lo == "") {
		t.i++
		t.both(`\{`)
		return
	}
	t.i += end + 1
	if lo == "" {
		lo = "0"
	}
	for _, n := range []string{lo, hi} {
		if v, err := strconv.Atoi(n); err == nil && v > repeatLimitForGo {
			t.needsPerl = true
		}
	}
	rep := "{" + lo + "}"
	if isRange {
		rep = "{" + lo + "," + hi + "}"
	}
	t.both(rep)
	if t.i < len(t.src) && t.src[t.i] == '?' {
		t.i++
		t.both("?")
	}
	t.possessive()
}

func isDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

func (t *translator) group() error {
	rest := t.src[t.i:]
	switch {
	case strings.HasPrefix(rest, "(?P<"):
		end := strings.IndexByte(rest, '>')
		if end < 0 {
			return fmt.Errorf("missing >, unterminated name")
		}
		name := rest[4:end]
		if !isPyIdentifier(name) {
			return fmt.Errorf("bad character in group name '%s'", name)
		}
		for _, n := range t.names {
			if n == name {
				return fmt.Errorf("redefinition of group name '%s'", name)
			}
		}
		t.names = append(t.names, name)
		t.i += end + 1
		t.emit("(?P<"+name+">", "(?<"+name+">")
	case strings.HasPrefix(rest, "(?P="):
		end := strings.IndexByte(rest, ')')
		if end < 0 {
			return fmt.Errorf("missing ), unterminated name")
		}
		t.needsPerl = true
		t.i += end + 1
		t.emit("", `\k<`+rest[4:end]+`>`)
	case strings.HasPrefix(rest, "(?#"):
		end := strings.IndexByte(rest, ')')
		if end < 0 {
			return fmt.Errorf("missing ), unterminated comment")
		}
		t.i += end + 1
	case strings.HasPrefix(rest, "(?="), strings.HasPrefix(rest, "(?!"),
		strings.HasPrefix(rest, "(?<="), strings.HasPrefix(rest, "(?<!"),
		strings.HasPrefix(rest, "(?>"), strings.HasPrefix(rest, "(?("):
		t.needsPerl = true
		t.i += 2
		t.both("(?")
	case strings.HasPrefix(rest, "(?:"):
		t.i += 3
		t.both("(?:")
	case strings.HasPrefix(rest, "(?"):
		return t.flags()
	default:
		t.names = append(t.names, "")
		t.i++
		t.both("(")
	}
	return nil
}

// flags handles (?aiLmsux) and (?flags:...) groups. Python 3.11 refuses
// global flags anywhere but at the start of the pattern.
func (t *translator) flags() error {
	j := t.i + 2
	for j < len(t.src) && strings.IndexByte("aiLmsux-", t.src[j]) >= 0 {
		j++
	}
	if j >= len(t.src) || (t.src[j] != ')' && t.src[j] != ':') {
		return fmt.Errorf("unknown extension ?%s at position %d", t.src[t.i+2:min(j+1, len(t.src))], t.i+1)
	}
	flags := t.src[t.i+2 : j]
	global := t.src[j] == ')'
	if global && t.i != t.flagsEnd {
		return fmt.Errorf("global flags not at the start of the expression at position %d", t.i)
	}
	var keep strings.Builder
	for _, f := range flags {
		switch f {
		case 'i', 'm', 's', '-':
			keep.WriteRune(f)
		case 'x':
			t.needsPerl = true
			keep.WriteRune(f)
		case 'u': // Unicode is already the default for str patterns
		default:
			return fmt.Errorf("flag %q is not supported", f)
		}
	}
	t.i = j + 1
	if global {
		t.flagsEnd = t.i
	}
	k := strings.TrimSuffix(keep.String(), "-")
	switch {
	case global && k == "":
		// nothing left to say
	case global:
		t.both("(?" + k + ")")
	case k == "":
		t.both("(?:")
	default:
		t.both("(?" + k + ":")
	}
	return nil
}

// isPyIdentifier mirrors str.isidentifier() closely enough for group names.
func isPyIdentifier(s string) bool {
	if s == "" {
		return false
	}
	for i, r := range s {
		if r == '_' || unicode.IsLetter(r) || (i > 0 && unicode.IsDigit(r)) {
			continue
		}
		return false
	}
	return true
}

// escape handles a backslash outside a character class.
func (t *translator) escape() error {
	if t.i+1 >= len(t.src) {
		return fmt.Errorf("bad escape (end of pattern)")
	}
	c := t.src[t.i+1]
	switch c {
	case 'd':
		t.i += 2
		t.emit(pyDigitGo, `\d`)
	case 'D':
		t.i += 2
		t.emit(pyNotDigitGo, `\D`)
	case 's':
		t.i += 2
		t.emit("["+pyWhitespaceGo+"]", `\s`)
	case 'S':
		t.i += 2
		t.emit("[^"+pyWhitespaceGo+"]", `\S`)
	case 'w':
		t.i += 2
		t.emit("["+pyWordGo+"]", `\w`)
	case 'W':
		t.i += 2
		t.emit("[^"+pyWordGo+"]", `\W`)
	case 'b', 'B', 'A':
		t.i += 2
		t.both(`\` + string(c))
	case 'Z':
		t.i += 2
		t.both(`\z`)
	default:
		if c >= '1' && c <= '9' {
			// Back reference: \1..\99 (three octal digits would be octal,
			// but no template spells a character that way).
			j := t.i + 2
			if j < len(t.src) && t.src[j] >= '0' && t.src[j] <= '9' {
				j++
			}
			t.needsPerl = true
			t.emit("", t.src[t.i:j])
			t.i = j
			return nil
		}
		r, err := t.charEscape()
		if err != nil {
			return err
		}
		t.emit(quoteRune(r, false), quoteRune(r, true))
	}
	return nil
}

// charEscape decodes an escape that stands for one character (\n, \x41,
// \u00a0, \0, \., ...), advancing past it.
func (t *translator) charEscape() (rune, error) {
	c := t.src[t.i+1]
	hex := func(n int) (rune, error) {
		if t.i+2+n > len(t.src) {
			return 0, fmt.Errorf("incomplete escape \\%c", c)
		}
		v, err := strconv.ParseUint(t.src[t.i+2:t.i+2+n], 16, 32)
		if err != nil {
			return 0, fmt.Errorf("incomplete escape \\%c%s", c, t.src[t.i+2:t.i+2+n])
		}
		t.i += 2 + n
		return rune(v), nil
	}
	switch c {
	case 'x':
		return hex(2)
	case 'u':
		return hex(4)
	case 'U':
		return hex(8)
	case 'a':
		t.i += 2
		return '\a', nil
	case 'f':
		t.i += 2
		return '\f', nil
	case 'n':
		t.i += 2
		return '\n', nil
	case 'r':
		t.i += 2
		return '\r', nil
	case 't':
		t.i += 2
		return '\t', nil
	case 'v':
		t.i += 2
		return '\v', nil
	case '0':
		j := t.i + 2
		v := 0
		for j < len(t.src) && j < t.i+4 && t.src[j] >= '0' && t.src[j] <= '7' {
			v = v*8 + int(t.src[j]-'0')
			j++
		}
		t.i = j
		return rune(v), nil
	}
	if c < utf8.RuneSelf && (c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9') {
		return 0, fmt.Errorf("bad escape \\%c at position %d", c, t.i)
	}
	r, n := utf8.DecodeRuneInString(t.src[t.i+1:])
	t.i += 1 + n
	return r, nil
}

// quoteRune writes one literal character so that neither engine reads it as
// syntax. .NET has no \x{...}, Go has no \uXXXX.
func quoteRune(r rune, perl bool) string {
	switch {
	case r < 0x20 || r == 0x7f:
		return fmt.Sprintf(`\x%02x`, r)
	case r < utf8.RuneSelf:
		if strings.ContainsRune(`\.+*?()|[]{}^$#&-~ `, r) {
			return `\` + string(r)
		}
		return string(r)
	case perl && r > 0xffff:
		return string(r)
	case perl:
		return fmt.Sprintf(`\u%04x`, r)
	default:
		return fmt.Sprintf(`\x{%x}`, r)
	}
}

// classChar translates one item inside [...].
func (t *translator) classChar() error {
	c := t.src[t.i]
	first := t.classFirst
	t.classFirst = false
	switch {
	case c == ']' && !first:
		t.i++
		t.inClass = false
		t.both("]")
		return nil
	case c == ']':
		t.i++
		t.both(`\]`)
		return nil
	case c == '[':
		// Python has no POSIX classes: '[' is just a character here.
		t.i++
		t.both(`\[`)
		return nil
	case c == '\\':
		return t.classEscape()
	case c == '-':
		t.i++
		t.both("-")
		return nil
	}
	r, n := utf8.DecodeRuneInString(t.src[t.i:])
	t.i += n
	if r == '^' || r == '&' || r == '~' || r == ' ' || r == '#' {
		t.both(`\` + string(r))
		return nil
	}
	t.emit(classRune(r, false), classRune(r, true))
	return nil
}

func classRune(r rune, perl bool) string {
	if r < 0x20 || r == 0x7f || (r >= utf8.RuneSelf && !perl) {
		return quoteRune(r, perl)
	}
	return string(r)
}

func (t *translator) classEscape() error {
	if t.i+1 >= len(t.src) {
		return fmt.Errorf("bad escape (end of pattern)")
	}
	c := t.src[t.i+1]
	switch c {
	case 'd':
		t.i += 2
		t.emit(pyDigitGo, `\d`)
	case 'D':
		t.i += 2
		t.emit(pyNotDigitGo, `\D`)
	case 's':
		t.i += 2
		t.emit(pyWhitespaceGo, `\s`)
	case 'w':
		t.i += 2
		t.emit(pyWordGo, `\w`)
	case 'S':
		t.i += 2
		t.emit(complementRanges(isPySpace), `\S`)
	case 'W':
		t.i += 2
		t.emit(complementRanges(isPyWord), `\W`)
	case 'b':
		t.i += 2
		t.both(`\x08`)
	default:
		if c >= '1' && c <= '9' {
			return fmt.Errorf("bad escape \\%c in character class", c)
		}
		r, err := t.charEscape()
		if err != nil {
			return err
		}
		t.emit(quoteRune(r, false), quoteRune(r, true))
	}
	return nil
}

func isPySpace(r rune) bool {
	return (r >= '\t' && r <= '\r') || (r >= 0x1c && r <= 0x1f) || r == 0x85 || unicode.Is(unicode.Z, r)
}

func isPyWord(r rune) bool {
	return r == '_' || unicode.IsLetter(r) || unicode.IsNumber(r)
}

// complementRanges spells the runes not in a set as Go class ranges, for
// \S and \W inside a class, where Go has no way to negate a union.
func complementRanges(in func(rune) bool) string {
	// Walk the candidate boundaries only: the set is a union of Unicode
	// tables plus a few ASCII runs, so membership changes only at their
	// edges.
	var edges []rune
	addTable := func(t *unicode.RangeTable) {
		for _, r := range t.R16 {
			for c := rune(r.Lo); c <= rune(r.Hi); c += rune(r.Stride) {
				edges = append(edges, c, c+1)
			}
		}
		for _, r := range t.R32 {
			for c := rune(r.Lo); c <= rune(r.Hi); c += rune(r.Stride) {
				edges = append(edges, c, c+1)
			}
		}
	}
	addTable(unicode.Z)
	addTable(unicode.L)
	addTable(unicode.N)
	for r := rune(0); r <= 0x100; r++ {
		edges = append(edges, r)
	}
	sort.Slice(edges, func(i, j int) bool { return edges[i] < edges[j] })
	var b strings.Builder
	start := rune(-1)
	prev := rune(-1)
	for _, e := range edges {
		if e == prev || e > unicode.MaxRune {
			continue
		}
		prev = e
		if !in(e) {
			if start < 0 {
				start = e
			}
			continue
		}
		if start >= 0 {
			fmt.Fprintf(&b, `\x{%x}-\x{%x}`, start, e-1)
			start = -1
		}
	}
	if start >= 0 {
		fmt.Fprintf(&b, `\x{%x}-\x{%x}`, start, unicode.MaxRune)
	}
	return b.String()
}
