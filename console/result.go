package console

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"fmt"
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

// render prints r in its format.
func render(w, errw io.Writer, r *Result, width int) error {
	switch r.Format {
	case "json":
		return renderJSON(w, r)
	case "csv":
		return renderCSV(w, r)
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
	}
	if width > 0 {
		opts = append(opts, tablewriter.WithMaxWidth(width), tablewriter.WithRowAutoWrap(tw.WrapNormal))
	} else {
		opts = append(opts, tablewriter.WithRowAutoWrap(tw.WrapNone), tablewriter.WithHeaderAutoWrap(tw.WrapNone))
	}
	var buf bytes.Buffer
	t := tablewriter.NewTable(&buf, opts...)
	t.Header(header)
	for _, rec := range r.Rows {
		// The table keeps the slice it is given.
		row := make([]string, ncols)
		for i := range row {
			row[i] = ""
			if i < len(rec) {
				row[i] = strings.ReplaceAll(cellString(rec[i], ", "), "\t", " ")
			}
		}
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
