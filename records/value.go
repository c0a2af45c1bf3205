package records

import (
	"fmt"
	"maps"
	"net/netip"
	"slices"
	"strconv"
	"strings"
	"time"
)

// Text is a cell's value as plain text: what sorting falls back to, what
// count groups by and what raw and fold print. It is not how a table shows
// the cell (render decides that).
func Text(v any) string {
	switch x := v.(type) {
	case nil:
		return ""
	case string:
		return x
	case []string:
		return strings.Join(x, ",")
	case []any:
		parts := make([]string, len(x))
		for i, v := range x {
			parts[i] = Text(v)
		}
		return strings.Join(parts, ",")
	case map[string]string:
		var parts []string
		for _, k := range slices.Sorted(maps.Keys(x)) {
			parts = append(parts, k+"="+x[k])
		}
		return strings.Join(parts, ",")
	case map[string]any:
		var parts []string
		for _, k := range slices.Sorted(maps.Keys(x)) {
			parts = append(parts, k+"="+Text(x[k]))
		}
		return strings.Join(parts, ",")
	case int:
		return strconv.Itoa(x)
	case int64:
		return strconv.FormatInt(x, 10)
	case float64:
		return strconv.FormatFloat(x, 'f', -1, 64)
	case bool:
		return strconv.FormatBool(x)
	case time.Time:
		if x.IsZero() {
			return ""
		}
		return x.UTC().Format(time.RFC3339)
	case time.Duration:
		return x.String()
	case fmt.Stringer:
		return x.String()
	}
	return fmt.Sprint(v)
}

// Typed turns a cell that is text into the value it stands for, so that
// stages compare values rather than text: a whole number becomes an int,
// a decimal a float64; maps of text (custom fields) are typed inside.
// Anything else is returned as it is: lists too, whose elements in tests
// as text ("10" in vlans), as a map's keys must.
func Typed(v any) any {
	switch x := v.(type) {
	case string:
		if n, ok := number(x); ok {
			return n
		}
	case map[string]string:
		out := make(map[string]any, len(x))
		for k, s := range x {
			out[k] = Typed(s)
		}
		return out
	}
	return v
}

// number reads s as a whole or decimal number, strictly: "10", "-3",
// "2.5"; not "1e3", "0x10", " 4" or "10.0.0.1".
func number(s string) (any, bool) {
	if s == "" || len(s) > 24 {
		return nil, false
	}
	digits, dot := 0, false
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c >= '0' && c <= '9':
			digits++
		case c == '-' && i == 0:
		case c == '.' && !dot && digits > 0 && i < len(s)-1:
			dot = true
		default:
			return nil, false
		}
	}
	if digits == 0 {
		return nil, false
	}
	if !dot {
		if n, err := strconv.ParseInt(s, 10, 64); err == nil {
			return int(n), true
		}
		return nil, false
	}
	f, err := strconv.ParseFloat(s, 64)
	return f, err == nil
}

// Compare orders two cells by value: numbers as numbers (whether they
// came as numbers or as text), times and durations in time order, IP
// addresses by address, anything else as text with its digit runs
// compared as numbers (Gi1/0/2 before Gi1/0/10). Empty cells come first.
func Compare(a, b any) int { return SortKey(a).Compare(SortKey(b)) }

// Key is a cell made ready for comparison, so that sorting many records
// reads each cell once rather than at every comparison.
type Key struct {
	rank int // keyEmpty... : values of different ranks order by rank
	f    float64
	t    time.Time
	addr netip.Addr
	s    string
}

const (
	keyEmpty = iota
	keyNumber
	keyTime
	keyAddr
	keyText
)

// SortKey prepares a cell for comparison.
func SortKey(v any) Key {
	v = Typed(v)
	switch x := v.(type) {
	case nil:
		return Key{rank: keyEmpty}
	case int:
		return Key{rank: keyNumber, f: float64(x)}
	case int64:
		return Key{rank: keyNumber, f: float64(x)}
	case float64:
		return Key{rank: keyNumber, f: x}
	case time.Duration:
		return Key{rank: keyNumber, f: float64(x)}
	case bool:
		return Key{rank: keyNumber, f: float64(boolInt(x))}
	case time.Time:
		if x.IsZero() {
			return Key{rank: keyEmpty}
		}
		return Key{rank: keyTime, t: x}
	}
	s := Text(v)
	if s == "" {
		return Key{rank: keyEmpty}
	}
	if a, err := netip.ParseAddr(s); err == nil {
		return Key{rank: keyAddr, addr: a}
	}
	return Key{rank: keyText, s: s}
}

// Compare orders two keys: by kind of value first (empty, numbers, times,
// addresses, text), then by value.
func (k Key) Compare(o Key) int {
	if k.rank != o.rank {
		return k.rank - o.rank
	}
	switch k.rank {
	case keyNumber:
		switch {
		case k.f < o.f:
			return -1
		case k.f > o.f:
			return 1
		}
		return 0
	case keyTime:
		return k.t.Compare(o.t)
	case keyAddr:
		return k.addr.Compare(o.addr)
	case keyText:
		return NaturalCompare(k.s, o.s)
	}
	return 0
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

// NaturalCompare orders strings with their digit runs compared as
// numbers, so 10.0.0.9 < 10.0.0.10 and Gi1/0/2 < Gi1/0/10.
func NaturalCompare(a, b string) int {
	for a != "" && b != "" {
		da, db := isDigit(a[0]), isDigit(b[0])
		if da && db {
			na, ra := digitRun(a)
			nb, rb := digitRun(b)
			ta, tb := strings.TrimLeft(na, "0"), strings.TrimLeft(nb, "0")
			if len(ta) != len(tb) {
				return len(ta) - len(tb)
			}
			if r := strings.Compare(ta, tb); r != 0 {
				return r
			}
			a, b = ra, rb
			continue
		}
		if a[0] != b[0] {
			return int(a[0]) - int(b[0])
		}
		a, b = a[1:], b[1:]
	}
	return len(a) - len(b)
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }

func digitRun(s string) (string, string) {
	i := 0
	for i < len(s) && isDigit(s[i]) {
		i++
	}
	return s[:i], s[i:]
}

// quote quotes user text for a message, cut so a huge value cannot flood
// the screen.
func quote(s string) string {
	const most = 60
	if len(s) > most {
		return strconv.Quote(s[:most]) + fmt.Sprintf("… (%d bytes)", len(s))
	}
	return strconv.Quote(s)
}
