package templates

import (
	"context"
	"fmt"
	"reflect"
	"strings"
)

// ParseMerged parses text with each template and merges the tables the way
// Python textfsm's clitable does for an index line naming several
// templates: the first table is the base; each later one adds its new
// columns to the base rows whose Key values equal its rows' (by position
// when no template declares a Key), and rows it cannot pair get "".
// The Score is the first template's, recomputed over the merged records.
//
// Like clitable (and so ntc-templates' parse_output and Netmiko), list
// items come back as strings: None as "None", nested-group maps as their
// Python repr. Template.Parse keeps them as nil and maps.
func ParseMerged(ts []*Template, text string) (*Result, error) { return parseMerged(nil, ts, text) }

// ParseMergedContext is ParseMerged that stops when ctx is done, as
// Template.ParseContext does.
func ParseMergedContext(ctx context.Context, ts []*Template, text string) (*Result, error) {
	return parseMerged(newControl(ctx), ts, text)
}

func parseMerged(c *control, ts []*Template, text string) (*Result, error) {
	if len(ts) == 0 {
		return nil, fmt.Errorf("parse: %w", ErrNoTemplate)
	}
	base, err := ts[0].parse(c, text)
	if err != nil {
		return nil, err
	}
	asClitable(base, ts[0])
	if len(ts) == 1 {
		return base, nil
	}
	keys := ts[0].Keys()
	names := []string{ts[0].name}
	for _, t := range ts[1:] {
		next, err := t.parse(c, text)
		if err != nil {
			return nil, err
		}
		asClitable(next, t)
		// clitable takes the keys from the first template that has any.
		if len(keys) == 0 {
			keys = t.Keys()
		}
		if err := extend(c, base, next, keys); err != nil {
			return nil, fmt.Errorf("merge %s into %s: %w", t.name, strings.Join(names, ":"), err)
		}
		names = append(names, t.name)
	}
	base.Template = strings.Join(names, ":")
	base.Score.finish(base.Records)
	return base, nil
}

// Pairing rows by key compares every base row with every row of next: for
// big tables that is the slow part of a merge, so it looks at the context
// as a parse does.
func extend(c *control, base, next *Result, keys []string) error {
	col := func(h []string, name string) int {
		for i, x := range h {
			if x == name {
				return i
			}
		}
		return -1
	}
	for _, k := range keys {
		if col(base.Header, k) < 0 {
			return fmt.Errorf("unknown key %q", k)
		}
	}
	var add []int // columns of next to add
	for i, h := range next.Header {
		if col(base.Header, h) < 0 {
			add = append(add, i)
		}
	}
	if len(add) == 0 {
		return nil
	}
	width := len(base.Header)
	for _, i := range add {
		base.Header = append(base.Header, next.Header[i])
	}
	for r, rec := range base.Records {
		for range add {
			rec = append(rec, "")
		}
		base.Records[r] = rec
	}
	copyRow := func(dst []any, src []any) {
		for j, i := range add {
			dst[width+j] = src[i]
		}
	}
	if len(keys) == 0 {
		for r := 0; r < len(base.Records) && r < len(next.Records); r++ {
			copyRow(base.Records[r], next.Records[r])
		}
		return nil
	}
	for r, rec := range base.Records {
		if c != nil && c.done != nil && r%checkEvery == 0 {
			select {
			case <-c.done:
				return fmt.Errorf("pairing rows by key, at row %d: %w", r+1, c.ctx.Err())
			default:
			}
		}
		for _, other := range next.Records {
			same := true
			for _, k := range keys {
				nk := col(next.Header, k)
				if nk < 0 || !reflect.DeepEqual(rec[col(base.Header, k)], other[nk]) {
					same = false
					break
				}
			}
			if same {
				copyRow(rec, other)
				break
			}
		}
	}
	return nil
}
