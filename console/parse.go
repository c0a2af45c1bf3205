package console

import (
	"fmt"
	"strings"
	"unicode"
)

// token is one shell-like word of a line and where it lies in the line.
type token struct {
	text       string
	start, end int
}

// usageError is a mistake in how a command was typed.
type usageError struct{ msg string }

func (e *usageError) Error() string { return e.msg }

func usagef(format string, args ...any) error { return &usageError{fmt.Sprintf(format, args...)} }

// extraArgsError is a command given more words than it takes. The words
// may be anything, a password among them, so the line is kept out of the
// history and the words out of the message.
type extraArgsError struct{ usageError }

func (e *extraArgsError) Unwrap() error { return &e.usageError }

// words splits s the way a shell would: blanks separate words, '...' is
// literal, "..." allows \" and \\, and a backslash outside quotes escapes
// the next character.
func words(s string) ([]token, error) {
	var toks []token
	var b strings.Builder
	in := false
	start := 0
	var quote rune
	quoteAt := 0
	rs := []rune(s)
	offsets := make([]int, len(rs)+1)
	o := 0
	for i, r := range rs {
		offsets[i] = o
		o += len(string(r))
	}
	offsets[len(rs)] = o
	for i := 0; i < len(rs); i++ {
		r := rs[i]
		switch {
		case quote == '\'':
			if r == '\'' {
				quote = 0
			} else {
				b.WriteRune(r)
			}
		case quote == '"':
			switch {
			case r == '"':
				quote = 0
			case r == '\\' && i+1 < len(rs) && (rs[i+1] == '"' || rs[i+1] == '\\'):
				i++
				b.WriteRune(rs[i])
			default:
				b.WriteRune(r)
			}
		case unicode.IsSpace(r):
			if in {
				toks = append(toks, token{text: b.String(), start: start, end: offsets[i]})
				b.Reset()
				in = false
			}
		default:
			if !in {
				in, start = true, offsets[i]
			}
			switch {
			case r == '\'' || r == '"':
				quote, quoteAt = r, i
			case r == '\\' && i+1 < len(rs):
				i++
				b.WriteRune(rs[i])
			default:
				b.WriteRune(r)
			}
		}
	}
	if quote != 0 {
		return nil, usagef("column %d: unterminated %c quote; close it or escape it with a backslash", quoteAt+1, quote)
	}
	if in {
		toks = append(toks, token{text: b.String(), start: start, end: len(s)})
	}
	return toks, nil
}

// segment is a piece of a line between separators.
type segment struct {
	text   string
	offset int
}

// splitTop splits s on sep wherever sep is outside quotes. Quotes are
// ', " and ` (the last for expressions).
func splitTop(s, sep string) []segment {
	var segs []segment
	var quote byte
	last := 0
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case quote != 0:
			if c == '\\' && quote != '\'' && i+1 < len(s) {
				i++
			} else if c == quote {
				quote = 0
			}
		case c == '\\' && i+1 < len(s):
			i++
		case c == '\'' || c == '"' || c == '`':
			quote = c
		case strings.HasPrefix(s[i:], sep):
			segs = append(segs, segment{text: s[last:i], offset: last})
			i += len(sep) - 1
			last = i + 1
		}
	}
	return append(segs, segment{text: s[last:], offset: last})
}

// substitute replaces $NAME and ${NAME} outside single quotes with the
// variable's value; \$ stands for a plain dollar. A $ not followed by a
// name is left alone, so device regexps like "interface$" pass unchanged.
func substitute(s string, lookup func(string) (string, bool)) (string, error) {
	if !strings.Contains(s, "$") {
		return s, nil
	}
	var b strings.Builder
	var quote byte
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == '\\' && i+1 < len(s) && s[i+1] == '$' && quote != '\'':
			b.WriteByte('$')
			i++
			continue
		case quote == 0 && (c == '\'' || c == '"'):
			quote = c
		case quote != 0 && c == quote:
			quote = 0
		case c == '$' && quote != '\'':
			name, n := varName(s[i+1:])
			if n < 0 {
				return "", usagef("column %d: ${ without its closing }", i+1)
			}
			if n == 0 {
				break
			}
			v, ok := lookup(name)
			if !ok {
				return "", usagef("column %d: undefined variable $%s; set it with: set %s VALUE", i+1, name, name)
			}
			b.WriteString(v)
			i += n
			continue
		}
		b.WriteByte(c)
	}
	return b.String(), nil
}

// varName reads the variable name after a $: NAME, {NAME} or a digit. It
// returns the name and how many bytes it took: 0 when there is no name,
// -1 when a ${ is not closed.
func varName(s string) (string, int) {
	if strings.HasPrefix(s, "{") {
		end := strings.IndexByte(s, '}')
		if end < 0 {
			return "", -1
		}
		return s[1:end], end + 1
	}
	n := 0
	for n < len(s) && (s[n] == '_' || isAlnum(s[n])) {
		if n == 0 && s[n] >= '0' && s[n] <= '9' {
			return s[:1], 1
		}
		n++
	}
	return s[:n], n
}

func isAlnum(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9'
}

// quoteWord quotes a word so that words() reads it back unchanged.
func quoteWord(w string) string {
	if w != "" && !strings.ContainsAny(w, " \t\n'\"\\;$|`") {
		return w
	}
	return "'" + strings.ReplaceAll(w, "'", `'"'"'`) + "'"
}
