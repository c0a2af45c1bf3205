package console

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/expr-lang/expr"

	"vc/inventory"
)

func stageCommands() []*Command {
	return []*Command{
		{
			Name: "where", Args: "EXPR", Raw: true, MinArgs: 1, MaxArgs: 1,
			Summary: "keep the records for which EXPR is true",
			Help: "EXPR is an expr-lang expression over the record's columns (lower-case, as in the table header).\n" +
				"Cells that read as numbers are numbers (write vlan == 10, not \"10\"); a record whose cells cannot be\n" +
				"compared as asked (age > 5 where age is \"-\") does not match.",
			Examples: []string{`where mac startsWith "00:1c"`, `where age > 5 && interface matches "^Vlan"`, `device list |> where "pci" in tags`},
			Apply:    applyWhere,
		},
		{
			Name: "sort", Args: "FIELD[,FIELD...] [desc]", MinArgs: 1, MaxArgs: 2,
			Summary:  "sort records by one or more columns (numbers and addresses in natural order)",
			Examples: []string{"sort device", "sort address", "sort age desc", "sort site,name"},
			Apply:    applySort,
		},
		{
			Name: "cols", Args: "COL[,COL...]", MinArgs: 1, MaxArgs: -1,
			Summary:  "keep only these columns, in this order",
			Examples: []string{"cols device,address,mac", "cols name ip"},
			Apply:    applyCols,
		},
		{
			Name: "count", Args: "[by FIELD]", MaxArgs: 2,
			Summary:  "count the records, or count them per value of a column",
			Examples: []string{"count", "count by interface", "device list |> count by site"},
			Apply:    applyCount,
		},
		{
			Name: "head", Args: "[N]", MaxArgs: 1,
			Summary:  "keep the first N records (default 10)",
			Examples: []string{"head", "head 3"},
			Apply:    applyHead,
		},
		{
			Name: "json", Summary: "print the records as JSON", Examples: []string{"device list |> json"},
			Apply: formatStage("json"),
		},
		{
			Name: "csv", Summary: "print the records as CSV", Examples: []string{"device list |> csv"},
			Apply: formatStage("csv"),
		},
		{
			Name: "table", Summary: "print the records as a table (the default)", Examples: []string{"selection |> table"},
			Apply: formatStage("table"),
		},
		{
			Name: "raw", Summary: "print each device's output as it came, every line prefixed with the device",
			Examples: []string{"exec show clock |> raw", "exec show version |> raw |> where device matches \"^usa\""},
			Apply:    formatStage("raw"),
		},
		{
			Name: "fold", Summary: "print each distinct output once, headed by the devices that gave it",
			Examples: []string{"exec show clock |> fold", "fold"},
			Apply:    formatStage("fold"),
		},
	}
}

// finishStages gives every stage its group and lets it run alone, on the
// session's last result.
func finishStages(cmds []*Command) []*Command {
	for _, c := range cmds {
		c.Stage, c.Group = true, groupRecords
		c.Run = func(ctx context.Context, e *Env, call *Call) (*Result, error) {
			if e.last == nil {
				return nil, errors.New("no result to work on yet; run a command that prints records first (device list, exec ...)")
			}
			return call.Cmd.Apply(ctx, e, call, e.last)
		}
	}
	return cmds
}

// applyStageChain applies a stage to every section of a result. Format
// stages change how all of it prints; record stages work on the parsed
// sections and leave sections of raw outputs as they are.
func applyStageChain(ctx context.Context, e *Env, st *Call, in *Result) (*Result, error) {
	if in.Next == nil {
		return st.Cmd.Apply(ctx, e, st, in)
	}
	format := slices.Contains([]string{"json", "csv", "table", "raw", "fold"}, st.Cmd.Name)
	var head, tail *Result
	for _, s := range in.sections() {
		out := s
		if format || !s.isOutputs() {
			var err error
			if out, err = st.Cmd.Apply(ctx, e, st, s); err != nil {
				return nil, err
			}
		}
		c := *out
		c.Next = nil
		if head == nil {
			head = &c
		} else {
			tail.Next = &c
		}
		tail = &c
	}
	return head, nil
}

// derive copies a result's framing for a stage to fill with new rows.
func derive(in *Result) *Result {
	return &Result{Columns: in.Columns, Format: in.Format, Empty: "no records", Brief: in.Brief, Raw: in.Raw, Title: in.Title}
}

func formatStage(format string) func(context.Context, *Env, *Call, *Result) (*Result, error) {
	return func(_ context.Context, _ *Env, _ *Call, in *Result) (*Result, error) {
		out := *in
		out.Format = format
		if format == "table" {
			out.Format = ""
		}
		if format == "raw" || format == "fold" {
			if _, err := out.rawOutputs(); err != nil {
				return nil, err
			}
		}
		return &out, nil
	}
}

var numberRE = regexp.MustCompile(`^-?[0-9]+(\.[0-9]+)?$`)

// typed turns a cell that reads as a number into one, for where.
func typed(v any) any {
	if m, ok := v.(map[string]string); ok {
		out := make(map[string]any, len(m))
		for k, x := range m {
			out[k] = typed(x)
		}
		return out
	}
	s, ok := v.(string)
	if !ok || !numberRE.MatchString(s) {
		return v
	}
	if n, err := strconv.ParseInt(s, 10, 64); err == nil {
		return int(n)
	}
	if f, err := strconv.ParseFloat(s, 64); err == nil {
		return f
	}
	return v
}

func applyWhere(_ context.Context, e *Env, c *Call, in *Result) (*Result, error) {
	// A struct whose fields are typed "any" lets the checker accept
	// comparisons whatever the cells turn out to hold, while still
	// refusing names that are not columns.
	fields := make([]reflect.StructField, len(in.Columns))
	anyType := reflect.TypeFor[any]()
	for i, col := range in.Columns {
		fields[i] = reflect.StructField{Name: fmt.Sprintf("F%d", i), Type: anyType, Tag: reflect.StructTag(`expr:"` + col + `"`)}
	}
	recType := reflect.StructOf(fields)
	prog, err := expr.Compile(c.Text, expr.Env(reflect.New(recType).Elem().Interface()), expr.AsBool())
	if err != nil {
		return nil, inventory.PositionError(c.Text, err)
	}
	out := derive(in)
	failed := 0
	var firstErr error
	for _, row := range in.Rows {
		rec := reflect.New(recType).Elem()
		for i := range in.Columns {
			if v := typed(row[i]); v != nil {
				rec.Field(i).Set(reflect.ValueOf(v))
			}
		}
		ok, err := expr.Run(prog, rec.Interface())
		if err != nil {
			failed++
			if firstErr == nil {
				firstErr = err
			}
			continue
		}
		if ok.(bool) {
			out.Rows = append(out.Rows, row)
		}
	}
	if failed > 0 {
		e.warnf("where: %d of %d records could not be tested and were left out (first: %v)", failed, len(in.Rows), firstLine(firstErr))
	}
	return out, nil
}

func firstLine(err error) string {
	s, _, _ := strings.Cut(err.Error(), "\n")
	return s
}

func applySort(_ context.Context, _ *Env, c *Call, in *Result) (*Result, error) {
	var idx []int
	for _, f := range strings.Split(c.Args[0], ",") {
		i, err := in.column(strings.TrimSpace(f))
		if err != nil {
			return nil, err
		}
		idx = append(idx, i)
	}
	desc := false
	if len(c.Args) == 2 {
		switch strings.ToLower(c.Args[1]) {
		case "desc":
			desc = true
		case "asc":
		default:
			return nil, usagef("sort: %q should be asc or desc", c.Args[1])
		}
	}
	out := derive(in)
	out.Rows = slices.Clone(in.Rows)
	slices.SortStableFunc(out.Rows, func(a, b []any) int {
		for _, i := range idx {
			if r := naturalCompare(cellString(a[i], ","), cellString(b[i], ",")); r != 0 {
				if desc {
					return -r
				}
				return r
			}
		}
		return 0
	})
	return out, nil
}

func applyCols(_ context.Context, _ *Env, c *Call, in *Result) (*Result, error) {
	var names []string
	for _, a := range c.Args {
		for _, n := range strings.Split(a, ",") {
			if n = strings.TrimSpace(n); n != "" {
				names = append(names, n)
			}
		}
	}
	idx := make([]int, len(names))
	for j, n := range names {
		i, err := in.column(n)
		if err != nil {
			return nil, err
		}
		idx[j] = i
	}
	out := derive(in)
	out.Columns, out.Brief, out.Record, out.Title = names, 0, in.Record, in.Title
	for _, row := range in.Rows {
		nr := make([]any, len(idx))
		for j, i := range idx {
			nr[j] = row[i]
		}
		out.Rows = append(out.Rows, nr)
	}
	return out, nil
}

func applyCount(_ context.Context, _ *Env, c *Call, in *Result) (*Result, error) {
	out := &Result{Format: in.Format, Title: in.Title}
	if len(c.Args) == 0 {
		out.Columns = []string{"count"}
		out.Rows = [][]any{{len(in.Rows)}}
		return out, nil
	}
	if len(c.Args) != 2 || c.Args[0] != "by" {
		return nil, usagef("count: usage: count [by FIELD]")
	}
	i, err := in.column(c.Args[1])
	if err != nil {
		return nil, err
	}
	counts := map[string]int{}
	var order []string
	for _, row := range in.Rows {
		k := cellString(row[i], ",")
		if counts[k] == 0 {
			order = append(order, k)
		}
		counts[k]++
	}
	slices.SortFunc(order, func(a, b string) int {
		if counts[a] != counts[b] {
			return counts[b] - counts[a]
		}
		return naturalCompare(a, b)
	})
	out.Columns = []string{c.Args[1], "count"}
	for _, k := range order {
		out.Rows = append(out.Rows, []any{k, counts[k]})
	}
	return out, nil
}

func applyHead(_ context.Context, _ *Env, c *Call, in *Result) (*Result, error) {
	n := 10
	if len(c.Args) == 1 {
		var err error
		if n, err = strconv.Atoi(c.Args[0]); err != nil || n < 0 {
			return nil, usagef("head: %q is not a number of records", c.Args[0])
		}
	}
	out := derive(in)
	out.Record = in.Record
	out.Rows = in.Rows[:min(n, len(in.Rows))]
	return out, nil
}

// naturalCompare orders strings with their digit runs compared as numbers,
// so 10.0.0.9 < 10.0.0.10 and Gi1/0/2 < Gi1/0/10.
func naturalCompare(a, b string) int {
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
