package render

import (
	"bufio"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"maps"
	"slices"
	"strconv"
	"strings"
	"time"

	"vc/records"
)

// Cell is how a cell reads in a table, a record or CSV: lists joined with
// listSep, times in local time, yes/no for booleans.
func Cell(v any, listSep string) string {
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
				parts[i] = Cell(v, listSep)
			}
		}
		return strings.Join(parts, listSep)
	case map[string]any:
		var parts []string
		for _, k := range slices.Sorted(maps.Keys(x)) {
			parts = append(parts, k+"="+Cell(x[k], listSep))
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

func writeRecord(w io.Writer, s *records.Set, o Options) error {
	wide := 0
	for _, c := range s.Columns {
		wide = max(wide, len(c))
	}
	b := bufio.NewWriter(w)
	for _, rec := range s.Rows {
		for i, c := range s.Columns {
			v := o.text(Cell(rec[i], ", "))
			if v == "" {
				continue
			}
			fmt.Fprintf(b, "%-*s  %s\n", wide+1, c+":", v)
		}
	}
	return b.Flush()
}

// writeCSV writes the records as CSV, byte-exact for a pipe or a file.
func writeCSV(w io.Writer, s *records.Set, o Options) error {
	cw := csv.NewWriter(w)
	if err := cw.Write(s.Columns); err != nil {
		return err
	}
	row := make([]string, len(s.Columns))
	for _, rec := range s.Rows {
		for i := range row {
			row[i] = o.text(Cell(rec[i], ";"))
		}
		if err := cw.Write(row); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}

// writeJSON writes records as objects whose keys keep the column order.
// JSON escapes control characters itself, so it is safe on a terminal.
func writeJSON(w io.Writer, s *records.Set) error {
	var b strings.Builder
	if !s.Record {
		b.WriteString("[")
	}
	for i, rec := range s.Rows {
		if i > 0 {
			b.WriteString(",")
		}
		if !s.Record {
			b.WriteString("\n  ")
		}
		b.WriteString("{")
		for j, c := range s.Columns {
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
	if !s.Record {
		if len(s.Rows) > 0 {
			b.WriteString("\n")
		}
		b.WriteString("]")
	}
	if s.Record && len(s.Rows) == 0 {
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

// writeRaw prints every output line prefixed with its device, as clush
// does: easy to grep, sort and cut.
func writeRaw(w io.Writer, outs []records.Output, o Options) error {
	multi := distinctCommands(outs) > 1
	b := bufio.NewWriterSize(w, 64*1024)
	for _, out := range outs {
		prefix := out.Device + ": "
		if multi {
			prefix = out.Device + " (" + out.Command + "): "
		}
		prefix = o.text(prefix)
		text := strings.TrimRight(out.Text, "\n")
		for text != "" {
			line, rest, _ := strings.Cut(text, "\n")
			b.WriteString(prefix)
			b.WriteString(o.text(line))
			b.WriteByte('\n')
			text = rest
		}
	}
	return b.Flush()
}

// writeFold prints each distinct output once, headed by the devices that
// gave it, as clush -b does: a thousand identical answers read as one.
func writeFold(w io.Writer, outs []records.Output, o Options) error {
	type group struct {
		command, text string
		devices       []string
	}
	var groups []*group
	index := map[[2]string]*group{}
	for _, out := range outs {
		k := [2]string{out.Command, out.Text}
		g := index[k]
		if g == nil {
			g = &group{command: out.Command, text: out.Text}
			index[k] = g
			groups = append(groups, g)
		}
		g.devices = append(g.devices, out.Device)
	}
	multi := distinctCommands(outs) > 1
	b := bufio.NewWriterSize(w, 64*1024)
	for i, g := range groups {
		if i > 0 {
			b.WriteByte('\n')
		}
		head := "=== " + strings.Join(g.devices, ", ")
		if len(g.devices) > 1 {
			head += fmt.Sprintf(" (%d)", len(g.devices))
		}
		if multi {
			head += ": " + g.command
		}
		b.WriteString(o.text(head))
		b.WriteByte('\n')
		b.WriteString(o.text(strings.TrimRight(g.text, "\n")))
		b.WriteByte('\n')
	}
	return b.Flush()
}

func distinctCommands(outs []records.Output) int {
	seen := map[string]bool{}
	for _, o := range outs {
		seen[o.Command] = true
	}
	return len(seen)
}
