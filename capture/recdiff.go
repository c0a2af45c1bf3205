package capture

import (
	"slices"

	"vc/records"
)

// The change column's values in DiffRecords.
const (
	RecordAdded   = "added"
	RecordRemoved = "removed"
	RecordChanged = "changed"
)

// WasColumn is DiffRecords' column of what a changed record's fields were.
const WasColumn = "was"

// DiffRecords compares two parsed outputs (old a, new b) as records
// matched by their key columns (a template's Key values) and returns what
// differs, one row per record: a "change" column (added, removed,
// changed), the key columns, the other columns, and, for a changed
// record, a "was" column holding its changed fields' old values (a map
// from field to value); the other cells are the new values, or the old
// ones for a removed record. Cells are compared as values
// (records.Compare): "10" and 10 are the same. With no keys the whole
// record is the key, so a record only comes or goes, and there is no
// "was" column. Records with the same key are paired identical ones
// first, then in order. Only the first section of each set is compared;
// a nil set has no records. Leave out columns that differ for no reason,
// such as device when comparing two devices.
func DiffRecords(keys []string, a, b *records.Set) (*records.Set, error) {
	cols := unionColumns(a, b)
	whole := len(keys) == 0
	if whole {
		keys = cols
	}
	for _, k := range keys {
		if !slices.Contains(cols, k) {
			return nil, &records.ColumnError{Name: k, Columns: cols}
		}
	}
	order := append([]string(nil), keys...)
	for _, c := range cols {
		if !slices.Contains(order, c) {
			order = append(order, c)
		}
	}
	nk := len(keys)
	ra, rb := project(a, order), project(b, order)

	out := &records.Set{Columns: append([]string{"change"}, order...), Empty: "no differences"}
	if !whole {
		out.Columns = append(out.Columns, WasColumn)
	}
	emit := func(change string, row []any, was map[string]any) {
		r := make([]any, 0, len(out.Columns))
		r = append(r, change)
		r = append(r, row...)
		if !whole {
			if was == nil {
				r = append(r, nil)
			} else {
				r = append(r, was)
			}
		}
		out.Rows = append(out.Rows, r)
	}
	i, j := 0, 0
	for i < len(ra) || j < len(rb) {
		var c int
		switch {
		case i == len(ra):
			c = 1
		case j == len(rb):
			c = -1
		default:
			c = compareRows(ra[i].keys[:nk], rb[j].keys[:nk])
		}
		switch {
		case c < 0:
			emit(RecordRemoved, ra[i].cells, nil)
			i++
		case c > 0:
			emit(RecordAdded, rb[j].cells, nil)
			j++
		default:
			// A run of records with the same key on both sides.
			i1, j1 := i+1, j+1
			for i1 < len(ra) && compareRows(ra[i1].keys[:nk], ra[i].keys[:nk]) == 0 {
				i1++
			}
			for j1 < len(rb) && compareRows(rb[j1].keys[:nk], rb[j].keys[:nk]) == 0 {
				j1++
			}
			pairRun(ra[i:i1], rb[j:j1], nk, order, emit)
			i, j = i1, j1
		}
	}
	return out, nil
}

// pairRun matches records that share a key: identical ones first (no
// change), then the rest in order (changed), leaving the surplus of one
// side removed or added.
func pairRun(as, bs []projected, nk int, order []string, emit func(string, []any, map[string]any)) {
	usedB := make([]bool, len(bs))
	var restA []int
	for x := range as {
		hit := -1
		for y := range bs {
			if !usedB[y] && compareRows(as[x].keys, bs[y].keys) == 0 {
				hit = y
				break
			}
		}
		if hit < 0 {
			restA = append(restA, x)
			continue
		}
		usedB[hit] = true
	}
	var restB []int
	for y := range bs {
		if !usedB[y] {
			restB = append(restB, y)
		}
	}
	n := min(len(restA), len(restB))
	for p := range n {
		old, cur := as[restA[p]], bs[restB[p]]
		was := map[string]any{}
		for c := nk; c < len(order); c++ {
			if old.keys[c].Compare(cur.keys[c]) != 0 {
				was[order[c]] = old.cells[c]
			}
		}
		emit(RecordChanged, cur.cells, was)
	}
	for _, x := range restA[n:] {
		emit(RecordRemoved, as[x].cells, nil)
	}
	for _, y := range restB[n:] {
		emit(RecordAdded, bs[y].cells, nil)
	}
}

// projected is a record laid out in the diff's column order, with its
// cells made ready for comparison once.
type projected struct {
	cells []any
	keys  []records.Key
}

// project lays a set's records out in order (a column the set lacks is
// empty) and sorts them by every column, keys first.
func project(s *records.Set, order []string) []projected {
	if s == nil {
		return nil
	}
	at := make([]int, len(order))
	for c, name := range order {
		at[c] = slices.Index(s.Columns, name)
	}
	out := make([]projected, len(s.Rows))
	for r, row := range s.Rows {
		p := projected{cells: make([]any, len(order)), keys: make([]records.Key, len(order))}
		for c, i := range at {
			if i >= 0 && i < len(row) {
				p.cells[c] = row[i]
			}
			p.keys[c] = records.SortKey(p.cells[c])
		}
		out[r] = p
	}
	slices.SortStableFunc(out, func(x, y projected) int { return compareRows(x.keys, y.keys) })
	return out
}

func compareRows(x, y []records.Key) int {
	for c := range x {
		if r := x[c].Compare(y[c]); r != 0 {
			return r
		}
	}
	return 0
}

// unionColumns are a's columns, then those only b has.
func unionColumns(a, b *records.Set) []string {
	var cols []string
	for _, s := range []*records.Set{a, b} {
		if s == nil {
			continue
		}
		for _, c := range s.Columns {
			if !slices.Contains(cols, c) {
				cols = append(cols, c)
			}
		}
	}
	return cols
}
