package render

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/mattn/go-runewidth"
	"github.com/olekukonko/tablewriter"
	"github.com/olekukonko/tablewriter/renderer"
	"github.com/olekukonko/tablewriter/tw"

	"vc/records"
)

func writeTable(w io.Writer, s *records.Set, o Options) error {
	ncols := len(s.Columns)
	if s.Brief > 0 && s.Brief < ncols {
		ncols = s.Brief
	}
	header := make([]string, ncols)
	for i, c := range s.Columns[:ncols] {
		header[i] = strings.ToUpper(c)
	}
	cells := layout(header, s.Rows, o)
	if len(s.Rows) > bigTable {
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

// bigTable is the row count above which tables skip tablewriter: it
// lays a table out in memory many times over (seconds and gigabytes for
// the 300,000 ARP entries of a thousand switches), where the same columns
// can be streamed once their widths are known.
const bigTable = 2000

// layout turns a header and rows into the text of each cell, one line per
// cell, fitted to the terminal's width (0: no terminal, no limit): the
// widest columns are narrowed first and their cells cut with an ellipsis.
// The first row of the result is the header.
func layout(header []string, rows [][]any, o Options) [][]string {
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
				line[j] = o.text(strings.Map(flatSpace, Cell(row[j], ", ")))
				widths[j] = max(widths[j], displayWidth(line[j]))
			}
		}
		cells = append(cells, line)
	}
	natural := slices.Clone(widths)
	fitWidths(widths, o.Width)
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

// streamTable prints laid-out cells in writeTable's style: columns two
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
