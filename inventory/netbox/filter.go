package netbox

import (
	"slices"
	"strconv"
	"strings"
)

// Filter is one query parameter of NetBox's device list, such as site=ams1.
// Repeating a key asks for any of its values, as NetBox does.
type Filter struct {
	Key, Value string
}

func (f Filter) String() string { return f.Key + "=" + f.Value }

// reservedFilters are parameters vc sets itself, or that change the shape
// of NetBox's answer.
var reservedFilters = []string{"limit", "offset", "start", "brief", "fields", "omit", "exclude", "include", "format", "ordering"}

// ParseFilter reads KEY=VALUE. The key is a NetBox filter name, optionally
// with a lookup (site, role, tag, status, name__ic, site_id...): letters,
// digits and underscores. The value may not be empty or hold control
// characters.
func ParseFilter(s string) (Filter, error) {
	key, value, ok := strings.Cut(s, "=")
	if !ok {
		return Filter{}, optionf("filter %s is not KEY=VALUE, such as site=ams1", quote(s))
	}
	key = strings.TrimSpace(key)
	if key == "" {
		return Filter{}, optionf("filter %s has no key; write KEY=VALUE, such as site=ams1", quote(s))
	}
	for _, r := range key {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '_') {
			return Filter{}, optionf("filter key %s is not a NetBox filter name (letters, digits and _, such as site or name__ic)", quote(key))
		}
	}
	if slices.Contains(reservedFilters, strings.ToLower(key)) {
		return Filter{}, optionf("filter %s is not allowed: vc sets %s itself or it would change the shape of NetBox's answer", quote(key), strings.Join(reservedFilters, ", "))
	}
	if value == "" {
		return Filter{}, optionf("filter %s has no value", quote(key))
	}
	for _, r := range value {
		if r < ' ' || r == 0x7f {
			return Filter{}, optionf("filter %s: the value holds the control character %s", quote(key), strconv.QuoteRune(r))
		}
	}
	return Filter{Key: key, Value: value}, nil
}

// ParseFilters reads every KEY=VALUE, stopping at the first bad one.
func ParseFilters(ss []string) ([]Filter, error) {
	fs := make([]Filter, 0, len(ss))
	for _, s := range ss {
		f, err := ParseFilter(s)
		if err != nil {
			return nil, err
		}
		fs = append(fs, f)
	}
	return fs, nil
}

// canonical orders filters so that the same set, given in any order, names
// the same sync scope.
func canonical(fs []Filter) []Filter {
	out := slices.Clone(fs)
	slices.SortFunc(out, func(a, b Filter) int {
		if c := strings.Compare(a.Key, b.Key); c != 0 {
			return c
		}
		return strings.Compare(a.Value, b.Value)
	})
	return slices.Compact(out)
}

// quoteMax bounds how much of a value a message echoes.
const quoteMax = 80

// quote quotes s for a message, as %q does, showing at most quoteMax
// characters: control characters come out escaped, and a huge value makes
// no huge message.
func quote(s string) string {
	n := 0
	for i := range s {
		if n == quoteMax {
			return strconv.Quote(s[:i]) + "…"
		}
		n++
	}
	return strconv.Quote(s)
}
