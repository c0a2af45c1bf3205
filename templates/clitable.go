package templates

import (
	"fmt"
	"strings"
	"unicode"
)

// asClitable converts list cells the way clitable's TextTable stores them:
// every list item goes through Python's str(), so None becomes "None" and a
// nested-group dict becomes its repr. This is what ntc-templates'
// parse_output and Netmiko return, and what ntc's expected YAML holds.
func asClitable(res *Result, t *Template) {
	for _, rec := range res.Records {
		for i, c := range rec {
			items, ok := c.([]any)
			if !ok {
				continue
			}
			var order []string
			if i < len(t.values) && t.values[i].nested != nil {
				order = t.values[i].nested.names
			}
			strs := make([]string, len(items))
			for j, it := range items {
				strs[j] = pyStr(it, order)
			}
			rec[i] = strs
		}
	}
}

// pyStr is Python's str() for the values a List item can hold.
func pyStr(v any, order []string) string {
	switch x := v.(type) {
	case nil:
		return "None"
	case string:
		return x
	case map[string]any:
		parts := make([]string, 0, len(x))
		for _, k := range order {
			val, ok := x[k]
			if !ok {
				continue
			}
			vs := "None"
			if s, ok := val.(string); ok {
				vs = pyRepr(s)
			}
			parts = append(parts, pyRepr(k)+": "+vs)
		}
		return "{" + strings.Join(parts, ", ") + "}"
	}
	return fmt.Sprint(v)
}

// pyRepr is Python's repr() of a str: single quotes unless the text holds
// a single quote and no double one.
func pyRepr(s string) string {
	q := byte('\'')
	if strings.IndexByte(s, '\'') >= 0 && strings.IndexByte(s, '"') < 0 {
		q = '"'
	}
	var b strings.Builder
	b.WriteByte(q)
	for _, r := range s {
		switch {
		case r == rune(q) || r == '\\':
			b.WriteByte('\\')
			b.WriteRune(r)
		case r == '\n':
			b.WriteString(`\n`)
		case r == '\r':
			b.WriteString(`\r`)
		case r == '\t':
			b.WriteString(`\t`)
		case r < 0x20 || r == 0x7f:
			fmt.Fprintf(&b, `\x%02x`, r)
		case r < 0x100 && !unicode.IsPrint(r):
			fmt.Fprintf(&b, `\x%02x`, r)
		case !unicode.IsPrint(r) && r != ' ':
			if r > 0xffff {
				fmt.Fprintf(&b, `\U%08x`, r)
			} else {
				fmt.Fprintf(&b, `\u%04x`, r)
			}
		default:
			b.WriteRune(r)
		}
	}
	b.WriteByte(q)
	return b.String()
}
