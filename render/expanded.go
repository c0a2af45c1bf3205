package render

import (
	"bufio"
	"io"
	"strconv"
	"strings"

	"vc/records"
)

// writeExpanded prints each record as a block, as psql's expanded display
// does: a -[ RECORD n ]- heading, then one field | value line per field
// that has a value. Every column shows, not only a table's brief ones:
// the room a table lacks is what this display has. Values are not cut;
// one of several lines (a device's output) continues on lines of its
// own under the first.
func writeExpanded(w io.Writer, s *records.Set, o Options) error {
	labels := make([]string, len(s.Columns))
	for i, c := range s.Columns {
		labels[i] = o.text(strings.Map(flatSpace, c))
	}
	value := func(row []any, i int) string {
		if i >= len(row) {
			return ""
		}
		return o.text(strings.TrimRight(Cell(row[i], ", "), "\n"))
	}
	// Names line up on the widest that shows (a field empty in every
	// record never does), and the heading's rule runs as wide as the
	// widest line, as psql's does, and no wider than the terminal.
	fieldW, valueW := 0, 0
	for _, row := range s.Rows {
		for i := range s.Columns {
			v := value(row, i)
			if v == "" {
				continue
			}
			fieldW = max(fieldW, displayWidth(labels[i]))
			for _, line := range strings.Split(v, "\n") {
				valueW = max(valueW, displayWidth(line))
			}
		}
	}
	ruleW := fieldW + 3 + valueW
	if o.Width > 0 {
		ruleW = min(ruleW, o.Width)
	}
	pad := strings.Repeat(" ", fieldW)
	b := bufio.NewWriterSize(w, 64*1024)
	for n, row := range s.Rows {
		b.WriteString(o.style(bold, heading(n+1, fieldW, ruleW)))
		b.WriteByte('\n')
		for i, label := range labels {
			v := value(row, i)
			if v == "" {
				continue
			}
			for k, line := range strings.Split(v, "\n") {
				if k == 0 {
					b.WriteString(label)
					b.WriteString(pad[:fieldW-displayWidth(label)])
				} else {
					b.WriteString(pad)
				}
				b.WriteString(strings.TrimRight(" | "+line, " "))
				b.WriteByte('\n')
			}
		}
	}
	return b.Flush()
}

// heading is a record's heading: -[ RECORD n ]- ruled to width, with a +
// over the bar between fields and values when it falls in the rule.
func heading(n, fieldW, width int) string {
	h := "-[ RECORD " + strconv.Itoa(n) + " ]"
	if len(h) <= fieldW {
		h += strings.Repeat("-", fieldW+1-len(h)) + "+"
	}
	if len(h) < width {
		h += strings.Repeat("-", width-len(h))
	} else {
		h += "-"
	}
	return h
}
