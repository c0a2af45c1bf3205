package render

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"strings"

	"github.com/mattn/go-runewidth"
	"github.com/olekukonko/tablewriter"
	"github.com/olekukonko/tablewriter/renderer"
	"github.com/olekukonko/tablewriter/tw"

	"vc/records"
)

// writeTable prints s as a table fitted to o.Width, or expanded when
// o.Expanded is ExpandAuto and the table would not fit without cutting a
// column below min(its widest cell, autoFloor) characters or the key
// column at all.
func writeTable(w io.Writer, s *records.Set, o Options) error {
	t := layout(s, o)
	if o.Expanded == ExpandAuto && o.Width > 0 && !fitWidths(clone(t.widths), o.Width, t.key, autoFloor) {
		return writeExpanded(w, s, o)
	}
	t.fit(o.Width)
	if len(t.cells) > bigTable {
		return streamTable(w, t.cells, o)
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
	tab := tablewriter.NewTable(&buf, opts...)
	tab.Header(t.cells[0])
	for _, row := range t.cells[1:] {
		if err := tab.Append(row); err != nil {
			return fmt.Errorf("table: %w", err)
		}
	}
	if err := tab.Render(); err != nil {
		return fmt.Errorf("table: %w", err)
	}
	// Padding leaves blanks at the ends of lines; they only get in the way
	// of copying and diffing.
	for i, line := range strings.SplitAfter(buf.String(), "\n") {
		trimmed := strings.TrimRight(line, " \n")
		if trimmed == "" && line == "" {
			continue
		}
		if i == 0 {
			trimmed = o.style(boldUnder, trimmed)
		}
		if _, err := io.WriteString(w, trimmed+"\n"); err != nil {
			return err
		}
	}
	return nil
}

// bigTable is the row count above which tables skip tablewriter: it
// lays a table out in memory many times over (seconds and gigabytes for
// the 300,000 ARP entries of a thousand switches), where the same columns
// can be streamed once their widths are known.
const bigTable = 2000

// minCell is the fewest characters fitting cuts a column to, so a table
// with very many columns may still be wider than the terminal.
// autoFloor is the fewest below which ExpandAuto gives up on a table:
// under eight characters, names, addresses and versions stop being
// recognisable (usa-… for every device).
const (
	minCell   = 5
	autoFloor = 8
)

// laidOut is a table's text before fitting: the header first, one line
// per cell, and each column's natural width.
type laidOut struct {
	cells  [][]string
	widths []int
	key    int // the column fitting never cuts, or -1
}

// layout turns a set into the text of its table's cells: the columns a
// table shows (Brief), less those empty in every record unless a person
// picked them, with control characters made visible on a terminal.
func layout(s *records.Set, o Options) *laidOut {
	ncols := len(s.Columns)
	if s.Brief > 0 && s.Brief < ncols {
		ncols = s.Brief
	}
	text := make([][]string, len(s.Rows))
	widths := make([]int, ncols)
	for r, row := range s.Rows {
		line := make([]string, ncols)
		for j := range ncols {
			if j < len(row) {
				line[j] = o.text(strings.Map(flatSpace, Cell(row[j], ", ")))
				widths[j] = max(widths[j], displayWidth(line[j]))
			}
		}
		text[r] = line
	}
	key := keyColumn(s.Columns[:ncols], o.Key)
	keep := make([]int, 0, ncols)
	for j := range ncols {
		if widths[j] > 0 || s.Picked || j == key {
			keep = append(keep, j)
		}
	}
	if len(keep) == 0 {
		// Every cell of every record is empty: the first column still
		// shows that there are records, and how many.
		keep = append(keep, 0)
	}
	t := &laidOut{cells: make([][]string, 0, len(s.Rows)+1), widths: make([]int, len(keep)), key: -1}
	header := make([]string, len(keep))
	for i, j := range keep {
		header[i] = o.text(strings.Map(flatSpace, strings.ToUpper(s.Columns[j])))
		t.widths[i] = max(widths[j], displayWidth(header[i]))
		if j == key {
			t.key = i
		}
	}
	t.cells = append(t.cells, header)
	for _, line := range text {
		if len(keep) < ncols {
			kept := make([]string, len(keep))
			for i, j := range keep {
				kept[i] = line[j]
			}
			line = kept
		}
		t.cells = append(t.cells, line)
	}
	return t
}

// keyColumn is the index of the column that identifies a record: the one
// named, or else the first when it is device or name; -1 for none.
func keyColumn(columns []string, named string) int {
	if named != "" {
		for i, c := range columns {
			if c == named {
				return i
			}
		}
	}
	if len(columns) > 0 && (columns[0] == "device" || columns[0] == "name") {
		return 0
	}
	return -1
}

// fit cuts the cells of the columns that must narrow to fit width (0: no
// terminal, no limit), with an ellipsis.
func (t *laidOut) fit(width int) {
	natural := clone(t.widths)
	fitWidths(t.widths, width, t.key, minCell)
	for j := range t.widths {
		if t.widths[j] == natural[j] {
			continue
		}
		for _, line := range t.cells {
			if displayWidth(line[j]) > t.widths[j] {
				line[j] = runewidth.Truncate(line[j], t.widths[j], "…")
			}
		}
	}
}

func clone(s []int) []int { return append([]int(nil), s...) }

// streamTable prints laid-out cells in writeTable's style: columns two
// spaces apart, no borders, no trailing blanks.
func streamTable(w io.Writer, cells [][]string, o Options) error {
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
	for i, line := range cells {
		out.Reset()
		for j, c := range line {
			out.WriteString(c)
			if j < len(line)-1 {
				out.WriteString(strings.Repeat(" ", widths[j]-displayWidth(c)+2))
			}
		}
		text := strings.TrimRight(out.String(), " ")
		if i == 0 {
			text = o.style(boldUnder, text)
		}
		b.WriteString(text)
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

// fitWidths narrows the widest columns until the table fits width (0: no
// terminal, no limit), never the key column (-1: none) and none below
// floor characters, and reports whether the table fits. The key is what
// tells one record from the next: a table of apac-… is no use whatever
// else it shows.
func fitWidths(widths []int, width, key, floor int) bool {
	if width <= 0 {
		return true
	}
	total := 0
	for _, w := range widths {
		total += w + 2
	}
	total -= 2
	for total > width {
		widest := -1
		for i, w := range widths {
			if i != key && w > floor && (widest < 0 || w > widths[widest]) {
				widest = i
			}
		}
		if widest < 0 {
			return false
		}
		widths[widest]--
		total--
	}
	return true
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
