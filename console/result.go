package console

import (
	"bufio"
	"bytes"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"github.com/mattn/go-runewidth"
	"io"
	"maps"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/olekukonko/tablewriter"
	"github.com/olekukonko/tablewriter/renderer"
	"github.com/olekukonko/tablewriter/tw"
)

// Result is what a command leaves behind: records with named columns,
// which stages transform and the renderer prints. The session keeps the
// last one so stages also work as commands.
type Result struct {
	Columns []string
	Rows    [][]any
	// Record marks a single record, shown as "field: value" lines and as
	// one JSON object.
	Record bool
	// Format is how to print it: "" (a table), "json" or "csv".
	Format string
	// Empty is said on stderr when there are no rows to print.
	Empty string
	// Brief, when above zero, is how many leading columns a table shows;
	// JSON, CSV and a chosen set of columns show them all.
	Brief int
	// Raw keeps the device outputs a parsed result came from, for raw and
	// fold.
	Raw []RawOutput
	// Title heads the result when it is one of several sections.
	Title string
	// Next is the following section: exec gives one per command, and one
	// for outputs no template parsed.
	Next *Result
}

// sections lists r and the sections chained after it.
func (r *Result) sections() []*Result {
	var out []*Result
	for s := r; s != nil; s = s.Next {
		out = append(out, s)
	}
	return out
}

// isOutputs reports whether the result's rows are device outputs rather
// than parsed records.
func (r *Result) isOutputs() bool {
	return len(r.Columns) == 3 && r.Columns[0] == "device" && r.Columns[1] == "command" && r.Columns[2] == "output"
}

// flatten joins a result's sections into one, for JSON and CSV: one array
// of records, with a command column when the sections ran several.
func (r *Result) flatten() *Result {
	secs := r.sections()
	if len(secs) == 1 {
		return r
	}
	cmds := map[string]bool{}
	for _, s := range secs {
		if s.isOutputs() {
			for _, row := range s.Rows {
				cmds[cellString(row[1], "")] = true
			}
		} else {
			cmds[s.Title] = true
		}
	}
	withCmd := len(cmds) > 1
	out := &Result{Format: r.Format, Empty: r.Empty, Record: false}
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
	for _, s := range secs {
		at := make([]int, len(s.Columns))
		for i, c := range s.Columns {
			at[i] = add(c)
		}
		for _, row := range s.Rows {
			nr := make([]any, len(out.Columns))
			for i, cell := range row {
				nr[at[i]] = cell
			}
			if withCmd && !s.isOutputs() {
				nr[index["command"]] = s.Title
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

// RawOutput is one command's output on one device, as the device said it.
type RawOutput struct {
	Device, Command, Text string
}

// rawOutputs are the outputs raw and fold print: the rows themselves when
// the result is outputs (exec --raw, or nothing parsed them), else the
// outputs a parsed result came from.
func (r *Result) rawOutputs() ([]RawOutput, error) {
	d, c, o := -1, -1, -1
	for i, col := range r.Columns {
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
		out := make([]RawOutput, len(r.Rows))
		for i, row := range r.Rows {
			out[i] = RawOutput{Device: cellString(row[d], ","), Command: cellString(row[c], ","), Text: cellString(row[o], ",")}
		}
		return out, nil
	}
	if r.Raw != nil {
		return r.Raw, nil
	}
	return nil, errors.New("no device output in this result: raw and fold work on exec results")
}

// column returns the index of the named column, or an error naming the
// columns there are.
func (r *Result) column(name string) (int, error) {
	for i, c := range r.Columns {
		if c == name {
			return i, nil
		}
	}
	return 0, usagef("no column %q; columns are %s", name, strings.Join(r.Columns, ", "))
}

// render prints r in its format, section by section.
func render(w, errw io.Writer, r *Result, width int) error {
	if r.Next == nil {
		return renderOne(w, errw, r, width)
	}
	if r.Format == "json" || r.Format == "csv" {
		return renderOne(w, errw, r.flatten(), width)
	}
	for i, s := range r.sections() {
		if i > 0 {
			fmt.Fprintln(w)
		}
		if s.Title != "" {
			fmt.Fprintf(w, "## %s\n", s.Title)
		}
		if err := renderOne(w, errw, s, width); err != nil {
			return err
		}
	}
	return nil
}

func renderOne(w, errw io.Writer, r *Result, width int) error {
	switch r.Format {
	case "json":
		return renderJSON(w, r)
	case "csv":
		return renderCSV(w, r)
	case "raw", "fold":
		outs, err := r.rawOutputs()
		if err != nil {
			return err
		}
		if len(outs) == 0 && r.Empty != "" {
			fmt.Fprintln(errw, r.Empty)
		}
		if r.Format == "raw" {
			return renderRaw(w, outs)
		}
		return renderFold(w, outs)
	}
	if len(r.Rows) == 0 {
		if r.Empty != "" {
			fmt.Fprintln(errw, r.Empty)
		}
		return nil
	}
	if r.Record {
		return renderRecord(w, r)
	}
	return renderTable(w, r, width)
}

// cellString is how a cell reads in a table or CSV file.
func cellString(v any, listSep string) string {
	switch x := v.(type) {
	case nil:
		return ""
	case string:
		return x
	case []string:
		return strings.Join(x, listSep)
	case []any:
		parts := make([]string, len(x))
		for i, v := range x {
			if v == nil {
				parts[i] = "None"
			} else {
				parts[i] = cellString(v, listSep)
			}
		}
		return strings.Join(parts, listSep)
	case map[string]any:
		var parts []string
		for _, k := range slices.Sorted(maps.Keys(x)) {
			parts = append(parts, k+"="+cellString(x[k], listSep))
		}
		return "{" + strings.Join(parts, " ") + "}"
	case int:
		return strconv.Itoa(x)
	case int64:
		return strconv.FormatInt(x, 10)
	case float64:
		return strconv.FormatFloat(x, 'f', -1, 64)
	case bool:
		if x {
			return "yes"
		}
		return "no"
	case time.Time:
		if x.IsZero() {
			return ""
		}
		return x.Local().Format("2006-01-02 15:04:05")
	case time.Duration:
		return x.String()
	case map[string]string:
		var parts []string
		for _, k := range slices.Sorted(maps.Keys(x)) {
			parts = append(parts, k+"="+x[k])
		}
		return strings.Join(parts, listSep)
	}
	return fmt.Sprint(v)
}

func renderTable(w io.Writer, r *Result, width int) error {
	ncols := len(r.Columns)
	if r.Brief > 0 && r.Brief < ncols {
		ncols = r.Brief
	}
	header := make([]string, ncols)
	for i, c := range r.Columns[:ncols] {
		header[i] = strings.ToUpper(c)
	}
	cells := layout(header, r.Rows, width)
	if len(r.Rows) > bigTable {
		return streamTable(w, cells)
	}
	opts := []tablewriter.Option{
		tablewriter.WithRenderer(renderer.NewBlueprint(tw.Rendition{
			Borders: tw.BorderNone,
			Symbols: tw.NewSymbols(tw.StyleNone),
			Settings: tw.Settings{
				Separators: tw.Separators{BetweenColumns: tw.Off, BetweenRows: tw.Off, ShowHeader: tw.Off},
				Lines:      tw.Lines{ShowHeaderLine: tw.Off},
			},
		})),
		tablewriter.WithHeaderAutoFormat(tw.Off),
		tablewriter.WithHeaderAlignment(tw.AlignLeft),
		tablewriter.WithRowAlignment(tw.AlignLeft),
		tablewriter.WithTrimSpace(tw.Off),
		tablewriter.WithPadding(tw.Padding{Left: "", Right: "  ", Overwrite: true}),
		// layout already fitted the cells to the terminal.
		tablewriter.WithRowAutoWrap(tw.WrapNone),
		tablewriter.WithHeaderAutoWrap(tw.WrapNone),
	}
	var buf bytes.Buffer
	t := tablewriter.NewTable(&buf, opts...)
	t.Header(cells[0])
	for _, row := range cells[1:] {
		if err := t.Append(row); err != nil {
			return fmt.Errorf("table: %w", err)
		}
	}
	if err := t.Render(); err != nil {
		return fmt.Errorf("table: %w", err)
	}
	// Padding leaves blanks at the ends of lines; they only get in the way
	// of copying and diffing.
	for _, line := range strings.SplitAfter(buf.String(), "\n") {
		trimmed := strings.TrimRight(line, " \n")
		if trimmed == "" && line == "" {
			continue
		}
		if _, err := io.WriteString(w, trimmed+"\n"); err != nil {
			return err
		}
	}
	return nil
}

func renderRecord(w io.Writer, r *Result) error {
	for _, rec := range r.Rows {
		wide := 0
		for _, c := range r.Columns {
			wide = max(wide, len(c))
		}
		for i, c := range r.Columns {
			v := cellString(rec[i], ", ")
			if v == "" {
				continue
			}
			fmt.Fprintf(w, "%-*s  %s\n", wide+1, c+":", v)
		}
	}
	return nil
}

func renderCSV(w io.Writer, r *Result) error {
	cw := csv.NewWriter(w)
	if err := cw.Write(r.Columns); err != nil {
		return err
	}
	row := make([]string, len(r.Columns))
	for _, rec := range r.Rows {
		for i := range row {
			row[i] = cellString(rec[i], ";")
		}
		if err := cw.Write(row); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}

// renderJSON writes records as objects whose keys keep the column order.
func renderJSON(w io.Writer, r *Result) error {
	var b strings.Builder
	if !r.Record {
		b.WriteString("[")
	}
	for i, rec := range r.Rows {
		if i > 0 {
			b.WriteString(",")
		}
		if !r.Record {
			b.WriteString("\n  ")
		}
		b.WriteString("{")
		for j, c := range r.Columns {
			if j > 0 {
				b.WriteString(", ")
			}
			k, _ := json.Marshal(c)
			v, err := json.Marshal(jsonValue(rec[j]))
			if err != nil {
				return fmt.Errorf("json: column %s: %w", c, err)
			}
			b.Write(k)
			b.WriteString(": ")
			b.Write(v)
		}
		b.WriteString("}")
	}
	if !r.Record {
		if len(r.Rows) > 0 {
			b.WriteString("\n")
		}
		b.WriteString("]")
	}
	if r.Record && len(r.Rows) == 0 {
		b.WriteString("null")
	}
	b.WriteString("\n")
	_, err := io.WriteString(w, b.String())
	return err
}

func jsonValue(v any) any {
	switch x := v.(type) {
	case time.Time:
		if x.IsZero() {
			return nil
		}
		return x.UTC().Format(time.RFC3339)
	case time.Duration:
		return x.Seconds()
	case []string:
		if x == nil {
			return []string{}
		}
	case map[string]string:
		if x == nil {
			return map[string]string{}
		}
	}
	return v
}

// renderRaw prints every output line prefixed with its device, as clush
// does: easy to grep, sort and cut.
func renderRaw(w io.Writer, outs []RawOutput) error {
	multi := distinctCommands(outs) > 1
	b := bufio.NewWriterSize(w, 64*1024)
	for _, o := range outs {
		prefix := o.Device + ": "
		if multi {
			prefix = o.Device + " (" + o.Command + "): "
		}
		text := strings.TrimRight(o.Text, "\n")
		for text != "" {
			line, rest, _ := strings.Cut(text, "\n")
			b.WriteString(prefix)
			b.WriteString(line)
			b.WriteByte('\n')
			text = rest
		}
	}
	return b.Flush()
}

// renderFold prints each distinct output once, headed by the devices that
// gave it, as clush -b does: a thousand identical answers read as one.
func renderFold(w io.Writer, outs []RawOutput) error {
	type group struct {
		command, text string
		devices       []string
	}
	var groups []*group
	index := map[[2]string]*group{}
	for _, o := range outs {
		k := [2]string{o.Command, o.Text}
		g := index[k]
		if g == nil {
			g = &group{command: o.Command, text: o.Text}
			index[k] = g
			groups = append(groups, g)
		}
		g.devices = append(g.devices, o.Device)
	}
	multi := distinctCommands(outs) > 1
	b := bufio.NewWriterSize(w, 64*1024)
	for i, g := range groups {
		if i > 0 {
			b.WriteByte('\n')
		}
		fmt.Fprintf(b, "=== %s", strings.Join(g.devices, ", "))
		if len(g.devices) > 1 {
			fmt.Fprintf(b, " (%d)", len(g.devices))
		}
		if multi {
			fmt.Fprintf(b, ": %s", g.command)
		}
		b.WriteByte('\n')
		b.WriteString(strings.TrimRight(g.text, "\n"))
		b.WriteByte('\n')
	}
	return b.Flush()
}

func distinctCommands(outs []RawOutput) int {
	seen := map[string]bool{}
	for _, o := range outs {
		seen[o.Command] = true
	}
	return len(seen)
}

// bigTable is the row count above which tables skip tablewriter: it
// lays a table out in memory many times over (seconds and gigabytes for
// the 300,000 ARP entries of a thousand switches), where the same columns
// can be streamed once their widths are known.
const bigTable = 2000

// layout turns a header and rows into the text of each cell, one line per
// cell, fitted to the terminal's width (0: no terminal, no limit): the
// widest columns are narrowed first and their cells cut with an ellipsis.
// The first row of the result is the header.
func layout(header []string, rows [][]any, width int) [][]string {
	n := len(header)
	cells := make([][]string, 0, len(rows)+1)
	cells = append(cells, header)
	widths := make([]int, n)
	for i, h := range header {
		widths[i] = displayWidth(h)
	}
	for _, row := range rows {
		line := make([]string, n)
		for j := range n {
			if j < len(row) {
				line[j] = strings.Map(flatSpace, cellString(row[j], ", "))
				widths[j] = max(widths[j], displayWidth(line[j]))
			}
		}
		cells = append(cells, line)
	}
	natural := slices.Clone(widths)
	fitWidths(widths, width)
	for j := range n {
		if widths[j] == natural[j] {
			continue
		}
		for _, line := range cells {
			if displayWidth(line[j]) > widths[j] {
				line[j] = runewidth.Truncate(line[j], widths[j], "…")
			}
		}
	}
	return cells
}

// streamTable prints laid-out cells in renderTable's style: columns two
// spaces apart, no borders, no trailing blanks.
func streamTable(w io.Writer, cells [][]string) error {
	if len(cells) == 0 {
		return nil
	}
	widths := make([]int, len(cells[0]))
	for _, line := range cells {
		for j, c := range line {
			widths[j] = max(widths[j], displayWidth(c))
		}
	}
	b := bufio.NewWriterSize(w, 64*1024)
	var out strings.Builder
	for _, line := range cells {
		out.Reset()
		for j, c := range line {
			out.WriteString(c)
			if j < len(line)-1 {
				out.WriteString(strings.Repeat(" ", widths[j]-displayWidth(c)+2))
			}
		}
		b.WriteString(strings.TrimRight(out.String(), " "))
		b.WriteByte('\n')
	}
	return b.Flush()
}

// flatSpace keeps a cell on one line.
func flatSpace(r rune) rune {
	if r == '\n' || r == '\t' || r == '\r' {
		return ' '
	}
	return r
}

// fitWidths narrows the widest columns until the table fits the terminal
// (width 0: no terminal, no limit). A column keeps at least 5 characters,
// so a table with very many columns may still be wider.
func fitWidths(widths []int, width int) {
	if width <= 0 {
		return
	}
	total := func() int {
		t := 0
		for _, w := range widths {
			t += w + 2
		}
		return t - 2
	}
	for total() > width {
		widest := 0
		for i, w := range widths {
			if w > widths[widest] {
				widest = i
			}
		}
		if widths[widest] <= 5 {
			return
		}
		widths[widest]--
	}
}

// displayWidth is how many terminal columns s takes; most cells are ASCII,
// whose width is their length.
func displayWidth(s string) int {
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 {
			return runewidth.StringWidth(s)
		}
	}
	return len(s)
}
