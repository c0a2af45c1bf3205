package records

import (
	"errors"
	"fmt"
	"reflect"
	"slices"
	"strconv"
	"strings"

	"github.com/expr-lang/expr"
	"github.com/expr-lang/expr/ast"
	"github.com/expr-lang/expr/vm"
)

// Formats are the ways a set can be printed; a format stage only changes
// which. "vertical" prints one block of field | value lines per record
// (psql's expanded display), for records too wide for a table.
var Formats = []string{"table", "json", "csv", "raw", "fold", "vertical"}

// ErrNoOutputs is a raw or fold asked of records that hold no device
// outputs.
var ErrNoOutputs = errors.New("no device output in these records: raw and fold work on exec results")

// Format returns s to be printed as format (one of Formats).
func Format(s *Set, format string) (*Set, error) {
	out := *s
	out.Format = format
	switch format {
	case "table":
		out.Format = ""
	case "raw", "fold":
		if _, ok := s.DeviceOutputs(); !ok {
			return nil, ErrNoOutputs
		}
	case "json", "csv", "vertical":
	default:
		return nil, fmt.Errorf("unknown format %q; formats are %s", format, strings.Join(Formats, ", "))
	}
	return &out, nil
}

// reshaped is the format a stage that makes new columns keeps: a set of
// counts or chosen columns is no longer device outputs, so raw and fold
// give way to a table.
func reshaped(format string) string {
	if format == "raw" || format == "fold" {
		return ""
	}
	return format
}

// Filter is a compiled where expression for records of given columns.
type Filter struct {
	columns []string
	rec     reflect.Type
	prog    *vm.Program
}

// CompileWhere compiles a where expression over columns. Every column is
// a name the expression may use; its cells are typed values (see Typed).
func CompileWhere(text string, columns []string) (*Filter, error) {
	// A struct whose fields are typed "any" lets the checker accept
	// comparisons whatever the cells turn out to hold, while still
	// refusing names that are not columns.
	fields := make([]reflect.StructField, len(columns))
	anyType := reflect.TypeFor[any]()
	for i, col := range columns {
		fields[i] = reflect.StructField{Name: fmt.Sprintf("F%d", i), Type: anyType, Tag: reflect.StructTag(`expr:"` + col + `"`)}
	}
	rec := reflect.StructOf(fields)
	prog, err := expr.Compile(text, expr.Env(reflect.New(rec).Elem().Interface()), expr.AsBool(), expr.Patch(numberLiterals{}))
	if err != nil {
		if name, ok := UnknownName(text, err); ok {
			return nil, unknownColumn(text, err, name, columns)
		}
		return nil, PositionError(text, err)
	}
	return &Filter{columns: columns, rec: rec, prog: prog}, nil
}

// unknownColumn is the error for a name in a where that is not a column:
// it keeps expr-lang's position and words ("unknown name x"), adds the
// column most likely meant, and lists the columns there are.
func unknownColumn(text string, err error, name string, columns []string) error {
	e, ok := PositionError(text, err).(*ExprError)
	if !ok {
		return err
	}
	ce := &ColumnError{Name: name, Columns: columns, Suggestions: Suggest(name, columns)}
	e.Message = "unknown name " + name + DidYouMean(ce.Suggestions)
	e.Hint = "columns are " + strings.Join(columns, ", ")
	e.Err = ce
	return e
}

// numberLiterals makes the string literals compared with something
// numbers when they read as one, so that age == "120" means age == 120.
// Cells that read as numbers are numbers (see Typed), and people quote
// values out of habit; without this, a quoted number would never equal
// the cell it was copied from. Only the operands of comparisons and the
// elements of a list written after in are changed: name startsWith "10"
// still tests text, and so does "10" in x, where x may be a list of text
// or a map, whose keys are text (fields).
type numberLiterals struct{}

func (numberLiterals) Visit(node *ast.Node) {
	b, ok := (*node).(*ast.BinaryNode)
	if !ok {
		return
	}
	switch b.Operator {
	case "==", "!=", "<", ">", "<=", ">=":
		numberLiteral(&b.Left)
		numberLiteral(&b.Right)
	case "in":
		if a, ok := b.Right.(*ast.ArrayNode); ok {
			for i := range a.Nodes {
				numberLiteral(&a.Nodes[i])
			}
		}
	}
}

func numberLiteral(node *ast.Node) {
	s, ok := (*node).(*ast.StringNode)
	if !ok {
		return
	}
	switch n, _ := number(s.Value); x := n.(type) {
	case int:
		ast.Patch(node, &ast.IntegerNode{Value: x})
	case float64:
		ast.Patch(node, &ast.FloatNode{Value: x})
	}
}

// Skipped counts the records a where could not test (age > 5 where age is
// "-"): they are left out, and the first reason kept.
type Skipped struct {
	N, Of int
	First error
}

func (s *Skipped) Error() string {
	first, _, _ := strings.Cut(s.First.Error(), "\n")
	return fmt.Sprintf("%d of %d records could not be tested and were left out (first: %s)", s.N, s.Of, first)
}

// Apply keeps the records of in for which the expression is true. in must
// have the columns the filter was compiled for.
func (f *Filter) Apply(in *Set) (*Set, *Skipped) {
	out := in.Derive()
	var skip *Skipped
	var machine vm.VM
	for _, row := range in.Rows {
		rec := reflect.New(f.rec).Elem()
		for i := range f.columns {
			if i < len(row) {
				if v := Typed(row[i]); v != nil {
					rec.Field(i).Set(reflect.ValueOf(v))
				}
			}
		}
		ok, err := machine.Run(f.prog, rec.Interface())
		if err != nil {
			if skip == nil {
				skip = &Skipped{Of: len(in.Rows), First: err}
			}
			skip.N++
			continue
		}
		if ok.(bool) {
			out.Rows = append(out.Rows, row)
		}
	}
	return out, skip
}

// Where keeps the records for which text is true.
func Where(in *Set, text string) (*Set, *Skipped, error) {
	f, err := CompileWhere(text, in.Columns)
	if err != nil {
		return nil, nil, err
	}
	out, skip := f.Apply(in)
	return out, skip, nil
}

// Sort orders records by the columns given, each compared by value (see
// Compare), descending when desc is set. The sort is stable.
func Sort(in *Set, columns []string, desc bool) (*Set, error) {
	idx, err := in.ColumnIndexes(columns)
	if err != nil {
		return nil, err
	}
	type keyed struct {
		keys []Key
		row  []any
	}
	rows := make([]keyed, len(in.Rows))
	keys := make([]Key, len(in.Rows)*len(idx))
	for r, row := range in.Rows {
		k := keys[r*len(idx) : (r+1)*len(idx)]
		for j, i := range idx {
			k[j] = SortKey(row[i])
		}
		rows[r] = keyed{k, row}
	}
	slices.SortStableFunc(rows, func(a, b keyed) int {
		for j := range idx {
			if c := a.keys[j].Compare(b.keys[j]); c != 0 {
				if desc {
					return -c
				}
				return c
			}
		}
		return 0
	})
	out := in.Derive()
	out.Rows = make([][]any, len(rows))
	for i, k := range rows {
		out.Rows[i] = k.row
	}
	return out, nil
}

// Cols keeps only the named columns, in that order.
func Cols(in *Set, names []string) (*Set, error) {
	idx := make([]int, len(names))
	for j, n := range names {
		i, err := in.Column(n)
		if err != nil {
			return nil, err
		}
		idx[j] = i
	}
	out := in.Derive()
	out.Columns, out.Brief, out.Record, out.Picked = names, 0, in.Record, true
	out.Format = reshaped(in.Format)
	if slices.Equal(names, OutputColumns) {
		out.Format = in.Format
	}
	for _, row := range in.Rows {
		nr := make([]any, len(idx))
		for j, i := range idx {
			nr[j] = row[i]
		}
		out.Rows = append(out.Rows, nr)
	}
	return out, nil
}

// Count counts the records, or with columns given, the records per
// distinct combination of their values, most frequent first.
func Count(in *Set, by []string) (*Set, error) {
	out := &Set{Format: reshaped(in.Format), Title: in.Title, Picked: true}
	if len(by) == 0 {
		out.Columns = []string{"count"}
		out.Rows = [][]any{{len(in.Rows)}}
		return out, nil
	}
	idx, err := in.ColumnIndexes(by)
	if err != nil {
		return nil, err
	}
	type group struct {
		values []any
		n      int
	}
	groups := map[string]*group{}
	var order []*group
	var key strings.Builder
	for _, row := range in.Rows {
		key.Reset()
		for _, i := range idx {
			key.WriteString(Text(row[i]))
			key.WriteByte(0)
		}
		g := groups[key.String()]
		if g == nil {
			g = &group{values: make([]any, len(idx))}
			for j, i := range idx {
				g.values[j] = row[i]
			}
			groups[key.String()] = g
			order = append(order, g)
		}
		g.n++
	}
	slices.SortStableFunc(order, func(a, b *group) int {
		if a.n != b.n {
			return b.n - a.n
		}
		for j := range a.values {
			if c := Compare(a.values[j], b.values[j]); c != 0 {
				return c
			}
		}
		return 0
	})
	out.Columns = append(slices.Clone(by), "count")
	for _, g := range order {
		out.Rows = append(out.Rows, append(slices.Clone(g.values), g.n))
	}
	return out, nil
}

// Head keeps the first n records.
func Head(in *Set, n int) *Set {
	out := in.Derive()
	out.Record = in.Record
	out.Rows = in.Rows[:min(n, len(in.Rows))]
	return out
}

// Distinct keeps one record per distinct value of the columns given (or
// combination of values, with several), with only those columns; with
// none, one record per distinct record. Values are told apart as count
// tells them apart (by their text: "120" and 120 are one value).
//
// Records come in the order their value was first seen, not sorted: a
// sort before distinct is then kept (sort site |> distinct site), and a
// sort after it orders the values (distinct site |> sort site), so
// either order can be had without Distinct choosing one.
func Distinct(in *Set, columns []string) (*Set, error) {
	idx, err := in.ColumnIndexes(columns)
	if err != nil {
		return nil, err
	}
	out := in.Derive()
	out.Record = false
	if len(columns) > 0 {
		out.Columns, out.Brief, out.Picked = slices.Clone(columns), 0, true
		if !slices.Equal(columns, OutputColumns) {
			out.Format = reshaped(in.Format)
		}
	} else {
		idx = make([]int, len(in.Columns))
		for i := range idx {
			idx[i] = i
		}
	}
	seen := map[string]bool{}
	var key strings.Builder
	for _, row := range in.Rows {
		key.Reset()
		for _, i := range idx {
			var t string
			if i < len(row) {
				t = Text(row[i])
			}
			// Each value led by its length, so no text can pass for
			// two values.
			key.WriteString(strconv.Itoa(len(t)))
			key.WriteByte(':')
			key.WriteString(t)
		}
		if seen[key.String()] {
			continue
		}
		seen[key.String()] = true
		if len(columns) == 0 {
			out.Rows = append(out.Rows, row)
			continue
		}
		nr := make([]any, len(idx))
		for j, i := range idx {
			if i < len(row) {
				nr[j] = row[i]
			}
		}
		out.Rows = append(out.Rows, nr)
	}
	return out, nil
}
