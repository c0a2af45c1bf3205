package lab

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
	"unicode/utf8"
)

// What the linux host's bash does with a line beyond running a command:
// quoting, and the echo and printf builtins, as scripts and tests use them
// to have a device print exactly the bytes they want.

// errUnmatchedQuote is a line whose quote never closes.
type errUnmatchedQuote struct{ quote byte }

func (e errUnmatchedQuote) Error() string {
	return fmt.Sprintf("-bash: unexpected EOF while looking for matching `%c'", e.quote)
}

// shellWords splits a line into words as bash does before running it:
// blanks separate words, '...' keeps everything literally, "..." keeps
// everything but a backslash before $ ` " \, and a backslash outside
// quotes takes the next character literally. Expansions are not done.
func shellWords(line string) ([]string, error) {
	var words []string
	var w strings.Builder
	inWord := false
	for i := 0; i < len(line); i++ {
		c := line[i]
		switch c {
		case ' ', '\t':
			if inWord {
				words = append(words, w.String())
				w.Reset()
				inWord = false
			}
		case '\'':
			end := strings.IndexByte(line[i+1:], '\'')
			if end < 0 {
				return nil, errUnmatchedQuote{'\''}
			}
			w.WriteString(line[i+1 : i+1+end])
			i += end + 1
			inWord = true
		case '"':
			i++
			for ; i < len(line) && line[i] != '"'; i++ {
				if line[i] == '\\' && i+1 < len(line) && strings.IndexByte("$`\"\\", line[i+1]) >= 0 {
					i++
				}
				w.WriteByte(line[i])
			}
			if i == len(line) {
				return nil, errUnmatchedQuote{'"'}
			}
			inWord = true
		case '\\':
			if i+1 < len(line) {
				i++
				w.WriteByte(line[i])
			}
			inWord = true
		default:
			w.WriteByte(c)
			inWord = true
		}
	}
	if inWord {
		words = append(words, w.String())
	}
	return words, nil
}

// linuxEcho is bash's builtin echo: leading -n, -e and -E options (and
// their combinations, such as -ne) until the first other word; -e reads
// backslash escapes, \c ending the output.
func linuxEcho(_ *shell, args []string) string {
	newline, escapes := true, false
	for len(args) > 0 && isEchoOption(args[0]) {
		for _, c := range args[0][1:] {
			switch c {
			case 'n':
				newline = false
			case 'e':
				escapes = true
			case 'E':
				escapes = false
			}
		}
		args = args[1:]
	}
	var b strings.Builder
	for i, a := range args {
		if i > 0 {
			b.WriteByte(' ')
		}
		if !escapes {
			b.WriteString(a)
			continue
		}
		if stop := expandEscapes(&b, a, echoOctal); stop {
			return b.String()
		}
	}
	if newline {
		b.WriteByte('\n')
	}
	return b.String()
}

func isEchoOption(a string) bool {
	return len(a) > 1 && a[0] == '-' && strings.Trim(a[1:], "neE") == ""
}

// octalStyle says which octal escapes a context reads: echo -e takes
// only \0NNN, printf's %b also \NNN, a printf format \NNN (so \0101 is
// \010 then 1).
type octalStyle int

const (
	echoOctal octalStyle = iota
	bOctal
	formatOctal
)

// expandEscapes writes s with its backslash escapes read, and says whether
// a \c asked to stop all output.
func expandEscapes(b *strings.Builder, s string, octal octalStyle) bool {
	for i := 0; i < len(s); i++ {
		if s[i] != '\\' {
			b.WriteByte(s[i])
			continue
		}
		n, stop := escape(b, s[i:], octal)
		if stop {
			return true
		}
		i += n - 1
	}
	return false
}

// escape writes the escape at the start of s (a backslash and what
// follows), returns its length and whether it was a \c that stops all
// output (never in a printf format, where \c is not an escape). An
// escape it does not know stays as written.
func escape(b *strings.Builder, s string, octal octalStyle) (int, bool) {
	if len(s) < 2 {
		b.WriteString(s)
		return len(s), false
	}
	c := s[1]
	if simple, ok := simpleEscapes[c]; ok {
		b.WriteByte(simple)
		return 2, false
	}
	switch {
	case c == 'c' && octal != formatOctal:
		return 2, true
	case c == '"' && octal == formatOctal:
		b.WriteByte('"')
		return 2, false
	case c == '0' && octal != formatOctal:
		v, n := digits(s[2:], 8, 3)
		b.WriteByte(byte(v))
		return 2 + n, false
	case c >= '0' && c <= '7' && octal != echoOctal:
		v, n := digits(s[1:], 8, 3)
		b.WriteByte(byte(v))
		return 1 + n, false
	case c == 'x' || c == 'u' || c == 'U':
		most := map[byte]int{'x': 2, 'u': 4, 'U': 8}[c]
		v, n := digits(s[2:], 16, most)
		switch {
		case n == 0:
			b.WriteString(s[:2])
		case c == 'x':
			b.WriteByte(byte(v))
		default:
			b.WriteRune(rune(v))
		}
		return 2 + n, false
	}
	b.WriteString(s[:2])
	return 2, false
}

var simpleEscapes = map[byte]byte{
	'a': '\a', 'b': '\b', 'e': 0x1b, 'E': 0x1b, 'f': '\f', 'n': '\n', 'r': '\r', 't': '\t', 'v': '\v', '\\': '\\',
}

// digits reads up to most digits of base at the start of s.
func digits(s string, base, most int) (int, int) {
	v, n := 0, 0
	for n < most && n < len(s) {
		d, err := strconv.ParseUint(s[n:n+1], base, 8)
		if err != nil {
			break
		}
		v = v*base + int(d)
		n++
	}
	return v, n
}

// linuxPrintf is bash's builtin printf: the format's escapes, %s %b %q
// %c %d %i %o %u %x %X %e %f %g with flags, width and precision, the
// format reused while arguments remain; bad numbers are reported and
// count as what they start with, as bash does.
func linuxPrintf(_ *shell, args []string) (string, int) {
	if len(args) > 0 && args[0] == "--" {
		args = args[1:]
	}
	if len(args) == 0 {
		return "-bash: printf: usage: printf [-v var] format [arguments]\n", 2
	}
	p := printer{format: args[0], args: args[1:]}
	for {
		before := len(p.args)
		if !p.once() {
			break
		}
		if len(p.args) == 0 || len(p.args) == before {
			break
		}
	}
	return p.errs.String() + p.out.String(), p.status
}

// printer is one printf call: what it wrote, what it complained about.
type printer struct {
	format    string
	args      []string
	out, errs strings.Builder
	status    int
}

// once runs the format over the arguments once, and says whether to go on.
func (p *printer) once() bool {
	f := p.format
	for i := 0; i < len(f); i++ {
		switch {
		case f[i] == '\\':
			n, _ := escape(&p.out, f[i:], formatOctal)
			i += n - 1
		case f[i] != '%':
			p.out.WriteByte(f[i])
		case i+1 < len(f) && f[i+1] == '%':
			p.out.WriteByte('%')
			i++
		default:
			n, ok := p.conversion(f[i:])
			if !ok {
				return false
			}
			i += n - 1
		}
	}
	return true
}

// conversion writes one %-conversion from the start of f, and returns how
// much of f it took; false stops the printf, as an unknown one does.
func (p *printer) conversion(f string) (int, bool) {
	i := 1
	for i < len(f) && strings.IndexByte("-+ #0", f[i]) >= 0 {
		i++
	}
	spec := f[:i]
	i, spec = p.number(f, i, spec)
	if i < len(f) && f[i] == '.' {
		spec += "."
		i, spec = p.number(f, i+1, spec)
	}
	if i == len(f) {
		p.errs.WriteString("-bash: printf: `" + f[len(f)-1:] + "': missing format character\n")
		p.status = 1
		return i, false
	}
	verb := f[i]
	if strings.IndexByte("sqbcdiouxXeEfFgG", verb) < 0 {
		_, size := utf8.DecodeRuneInString(f[i:])
		p.errs.WriteString("-bash: printf: `" + f[i:i+size] + "': invalid format character\n")
		p.status = 1
		return i + size, false
	}
	arg := ""
	if len(p.args) > 0 {
		arg, p.args = p.args[0], p.args[1:]
	}
	switch verb {
	case 's':
		fmt.Fprintf(&p.out, spec+"s", arg)
	case 'q':
		fmt.Fprintf(&p.out, spec+"s", shellQuote(arg))
	case 'b':
		var b strings.Builder
		stop := expandEscapes(&b, arg, bOctal)
		fmt.Fprintf(&p.out, spec+"s", b.String())
		if stop {
			return i + 1, false
		}
	case 'c':
		if arg != "" {
			arg = arg[:1]
		}
		fmt.Fprintf(&p.out, spec+"s", arg)
	case 'd', 'i':
		fmt.Fprintf(&p.out, spec+"d", p.integer(arg))
	case 'o', 'u', 'x', 'X':
		v := map[byte]string{'o': "o", 'u': "d", 'x': "x", 'X': "X"}[verb]
		fmt.Fprintf(&p.out, spec+v, uint64(p.integer(arg)))
	case 'e', 'E', 'f', 'F', 'g', 'G':
		if verb == 'g' || verb == 'G' {
			if !strings.Contains(spec, ".") {
				spec += ".6" // C's %g keeps six digits; Go's would keep them all
			}
		}
		fmt.Fprintf(&p.out, spec+string(verb), p.float(arg))
	}
	return i + 1, true
}

// number reads a width or precision at f[i:], digits or a '*' taking the
// next argument, onto spec.
func (p *printer) number(f string, i int, spec string) (int, string) {
	if i < len(f) && f[i] == '*' {
		arg := ""
		if len(p.args) > 0 {
			arg, p.args = p.args[0], p.args[1:]
		}
		return i + 1, spec + strconv.FormatInt(p.integer(arg), 10)
	}
	start := i
	for i < len(f) && f[i] >= '0' && f[i] <= '9' {
		i++
	}
	return i, spec + f[start:i]
}

// integer reads a printf number argument: decimal, 0x hex, 0 octal, or
// 'c for a character's code. A bad one is reported and counts as the
// number it starts with.
func (p *printer) integer(arg string) int64 {
	if arg == "" {
		return 0
	}
	if arg[0] == '\'' || arg[0] == '"' {
		if len(arg) == 1 {
			return 0
		}
		r, _ := utf8.DecodeRuneInString(arg[1:])
		return int64(r)
	}
	s := strings.TrimLeft(arg, " \t")
	if v, err := parseCInt(s); err == nil {
		return v
	}
	p.errs.WriteString("-bash: printf: " + arg + ": invalid number\n")
	p.status = 1
	for n := len(s) - 1; n > 0; n-- {
		if v, err := parseCInt(s[:n]); err == nil {
			return v
		}
	}
	return 0
}

var errNotInteger = errors.New("not an integer")

// parseCInt reads an integer as C's strtol with base 0 does.
func parseCInt(s string) (int64, error) {
	digits := strings.TrimLeft(s, "+-")
	if strings.Contains(s, "_") || len(s)-len(digits) > 1 {
		return 0, errNotInteger
	}
	if len(digits) > 1 && digits[0] == '0' {
		switch digits[1] {
		case 'x', 'X':
		case 'o', 'O', 'b', 'B':
			return 0, errNotInteger // Go's prefixes, not C's
		default:
			s = strings.Replace(s, "0", "0o", 1)
		}
	}
	return strconv.ParseInt(s, 0, 64)
}

func (p *printer) float(arg string) float64 {
	if arg == "" {
		return 0
	}
	if arg[0] == '\'' || arg[0] == '"' {
		return float64(p.integer(arg))
	}
	v, err := strconv.ParseFloat(strings.TrimSpace(arg), 64)
	if err != nil {
		p.errs.WriteString("-bash: printf: " + arg + ": invalid number\n")
		p.status = 1
	}
	return v
}

// shellQuote is printf %q: the word escaped so that bash reads it back.
func shellQuote(s string) string {
	if s == "" {
		return "''"
	}
	var b strings.Builder
	for _, r := range s {
		if !(r == '-' || r == '_' || r == '.' || r == '/' || r == ',' || r == ':' || r == '=' || r == '@' || r == '%' || r == '+' ||
			(r >= '0' && r <= '9') || (r >= 'a' && r <= 'z') || (r >= 'A' && r <= 'Z') || r >= utf8.RuneSelf) {
			b.WriteByte('\\')
		}
		b.WriteRune(r)
	}
	return b.String()
}
