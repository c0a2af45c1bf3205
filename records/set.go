// Package records is vc's record model: results with named columns and
// typed cells, the raw device outputs they came from, and the |> stages
// as pure functions over them. It prints nothing; render turns records
// into text.
package records

import "strings"

// Set is what a command leaves behind: records with named columns, which
// stages transform and render prints. Cells hold typed values (strings,
// ints, floats, times, durations, lists, maps); strings for display are
// made by render only.
type Set struct {
	Columns []string
	Rows    [][]any
	// Record marks a single record, shown as "field: value" lines and as
	// one JSON object.
	Record bool
	// Format is how to print it: "" (a table), "json", "csv", "raw",
	// "fold" or "vertical" (a block per record).
	Format string
	// Empty is said when there are no rows to print.
	Empty string
	// Brief, when above zero, is how many leading columns a table shows;
	// JSON, CSV and a chosen set of columns show them all.
	Brief int
	// Picked is set when a person named the columns (cols, count by,
	// distinct): a table then shows them even when every cell is empty,
	// where it would otherwise leave such columns out, since a column
	// asked for and missing reads as a wrong name.
	Picked bool
	// Raw keeps the device outputs a parsed set came from, for raw and
	// fold.
	Raw []Output
	// Title heads the set when it is one of several sections.
	Title string
	// Next is the following section: exec gives one per command, and one
	// for outputs no template parsed.
	Next *Set
}

// Output is one command's output on one device, as the device said it.
type Output struct {
	Device, Command, Text string
}

// OutputColumns are the columns of a set whose rows are device outputs.
var OutputColumns = []string{"device", "command", "output"}

// Outputs makes a set of device outputs, printed folded.
func Outputs(outs []Output) *Set {
	s := &Set{Columns: OutputColumns, Format: "fold", Empty: "no output"}
	for _, o := range outs {
		s.Rows = append(s.Rows, []any{o.Device, o.Command, o.Text})
	}
	return s
}

// Sections lists s and the sections chained after it.
func (s *Set) Sections() []*Set {
	var out []*Set
	for x := s; x != nil; x = x.Next {
		out = append(out, x)
	}
	return out
}

// Chain links sections one after the other and returns the first; nil
// sections are skipped.
func Chain(secs ...*Set) *Set {
	var head, tail *Set
	for _, s := range secs {
		if s == nil {
			continue
		}
		c := *s
		c.Next = nil
		if head == nil {
			head = &c
		} else {
			tail.Next = &c
		}
		tail = &c
	}
	return head
}

// IsOutputs reports whether the set's rows are device outputs rather than
// parsed records.
func (s *Set) IsOutputs() bool {
	return len(s.Columns) == 3 && s.Columns[0] == "device" && s.Columns[1] == "command" && s.Columns[2] == "output"
}

// Derive copies a set's framing for a stage to fill with new rows.
func (s *Set) Derive() *Set {
	return &Set{Columns: s.Columns, Format: s.Format, Empty: "no records", Brief: s.Brief, Picked: s.Picked, Raw: s.Raw, Title: s.Title}
}

// Column returns the index of the named column, or a *ColumnError naming
// the columns there are.
func (s *Set) Column(name string) (int, error) {
	for i, c := range s.Columns {
		if c == name {
			return i, nil
		}
	}
	return 0, &ColumnError{Name: name, Columns: s.Columns, Suggestions: Suggest(name, s.Columns)}
}

// ColumnIndexes returns the index of each named column, or the
// *ColumnError of the first that is not there.
func (s *Set) ColumnIndexes(names []string) ([]int, error) {
	idx := make([]int, len(names))
	for j, n := range names {
		i, err := s.Column(n)
		if err != nil {
			return nil, err
		}
		idx[j] = i
	}
	return idx, nil
}

// Maps returns each row as a map from column to value, as JSON shows a
// record.
func (s *Set) Maps() []map[string]any {
	out := make([]map[string]any, 0, len(s.Rows))
	for _, row := range s.Rows {
		m := make(map[string]any, len(s.Columns))
		for i, col := range s.Columns {
			if i < len(row) {
				m[col] = row[i]
			}
		}
		out = append(out, m)
	}
	return out
}

// DeviceOutputs are the outputs raw and fold print: the rows themselves
// when the set is outputs (exec --raw, or nothing parsed them), else the
// outputs a parsed set came from. A set with neither has none, which is
// not an error: a command can print no output at all.
func (s *Set) DeviceOutputs() ([]Output, bool) {
	d, c, o := -1, -1, -1
	for i, col := range s.Columns {
		switch col {
		case "device":
			d = i
		case "command":
			c = i
		case "output":
			o = i
		}
	}
	if d >= 0 && c >= 0 && o >= 0 {
		out := make([]Output, len(s.Rows))
		for i, row := range s.Rows {
			out[i] = Output{Device: Text(row[d]), Command: Text(row[c]), Text: Text(row[o])}
		}
		return out, true
	}
	if s.Raw != nil {
		return s.Raw, true
	}
	return nil, false
}

// Flatten joins a set's sections into one, for JSON and CSV: one list of
// records, with a command column when the sections ran several commands.
func (s *Set) Flatten() *Set {
	secs := s.Sections()
	if len(secs) == 1 {
		return s
	}
	cmds := map[string]bool{}
	for _, x := range secs {
		if x.IsOutputs() {
			for _, row := range x.Rows {
				cmds[Text(row[1])] = true
			}
		} else {
			cmds[x.Title] = true
		}
	}
	withCmd := len(cmds) > 1
	out := &Set{Format: s.Format, Empty: s.Empty}
	index := map[string]int{}
	add := func(c string) int {
		if i, ok := index[c]; ok {
			return i
		}
		index[c] = len(out.Columns)
		out.Columns = append(out.Columns, c)
		return index[c]
	}
	add("device")
	if withCmd {
		add("command")
	}
	for _, x := range secs {
		at := make([]int, len(x.Columns))
		for i, c := range x.Columns {
			at[i] = add(c)
		}
		for _, row := range x.Rows {
			nr := make([]any, len(out.Columns))
			for i, cell := range row {
				nr[at[i]] = cell
			}
			if withCmd && !x.IsOutputs() {
				nr[index["command"]] = x.Title
			}
			out.Rows = append(out.Rows, nr)
		}
	}
	for i, row := range out.Rows {
		if len(row) < len(out.Columns) {
			out.Rows[i] = append(row, make([]any, len(out.Columns)-len(row))...)
		}
	}
	return out
}

// ColumnError is a column a stage named that the records do not have.
type ColumnError struct {
	Name    string
	Columns []string
	// Suggestions are the columns most likely meant, best first (see
	// Suggest); often none.
	Suggestions []string
}

func (e *ColumnError) Error() string {
	return "no column " + quote(e.Name) + DidYouMean(e.Suggestions) + "; columns are " + strings.Join(e.Columns, ", ")
}
