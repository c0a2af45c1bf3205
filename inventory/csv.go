package inventory

import (
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"

	"vc/store"
)

// Columns is the CSV header vc writes, and the columns it reads. Columns
// may come in any order; all but name and ip are optional, and
// fields.NAME columns carry custom fields.
var Columns = []string{"name", "ip", "port", "platform", "site", "role", "vendor", "status", "tags"}

// FieldError is one bad cell, or a bad line, of a CSV file.
type FieldError struct {
	Line   int
	Column int // 0 when the whole line is at fault
	Field  string
	Err    error
}

func (e *FieldError) Error() string {
	switch {
	case e.Column == 0:
		return fmt.Sprintf("line %d: %v", e.Line, e.Err)
	case e.Field == "":
		return fmt.Sprintf("line %d, column %d: %v", e.Line, e.Column, e.Err)
	}
	return fmt.Sprintf("line %d, column %d (%s): %v", e.Line, e.Column, e.Field, e.Err)
}

func (e *FieldError) Unwrap() error { return e.Err }

// ImportError holds every fault found in a file; nothing was imported.
type ImportError struct {
	File   string
	Errors []*FieldError
}

func (e *ImportError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s: %d %s, nothing imported", e.File, len(e.Errors), plural("error", len(e.Errors)))
	const show = 20
	for i, fe := range e.Errors {
		if i == show {
			fmt.Fprintf(&b, "\n  ... and %d more", len(e.Errors)-show)
			break
		}
		fmt.Fprintf(&b, "\n  %s: %v", e.File, fe)
	}
	return b.String()
}

// Unwrap gives the faults, so that errors.Is and errors.As see them.
func (e *ImportError) Unwrap() []error {
	errs := make([]error, len(e.Errors))
	for i, fe := range e.Errors {
		errs[i] = fe
	}
	return errs
}

func plural(w string, n int) string {
	if n == 1 {
		return w
	}
	return w + "s"
}

// Row is one device read from a CSV file, with the columns the file had,
// so that a re-import only changes what the file speaks of.
type Row struct {
	Line   int
	Device *store.Device
	// Set lists the attributes the file gave, in header order.
	Set []string

	// file and cells say where the row came from, for the faults that
	// PlanImport finds: cells[i] is where Set[i] is.
	file  string
	cells []cell
}

// cell is a position in a file: 1-based line, and column in bytes.
type cell struct{ line, column int }

// where says where the row gave attribute key, if it did.
func (r Row) where(key string) (line, column int) {
	if i := slices.Index(r.Set, key); i >= 0 && i < len(r.cells) {
		return r.cells[i].line, r.cells[i].column
	}
	return r.Line, 0
}

// ReadCSV reads a device CSV. It checks every row and returns all faults
// at once as an *ImportError; rows are only returned when there are none.
func ReadCSV(name string, r io.Reader) ([]Row, error) {
	data, err := io.ReadAll(r)
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", name, err)
	}
	// Spreadsheets like to start files with a byte-order mark.
	data = bytes.TrimPrefix(data, []byte("\xef\xbb\xbf"))
	cr := csv.NewReader(bytes.NewReader(data))
	cr.Comment = '#'
	cr.ReuseRecord = true
	ierr := &ImportError{File: name}
	header, err := cr.Read()
	if err == io.EOF {
		ierr.Errors = append(ierr.Errors, &FieldError{Line: 1, Err: errors.New("the file is empty; the first line must be a header such as " + strings.Join(Columns, ","))})
		return nil, ierr
	}
	if err != nil {
		return nil, csvError(ierr, err, data, nil)
	}
	header = slices.Clone(header)
	cols, herrs := readHeader(cr, header)
	if len(herrs) > 0 {
		ierr.Errors = herrs
		return nil, ierr
	}
	var rows []Row
	seen := map[string]int{}
	for {
		rec, err := cr.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			var pe *csv.ParseError
			if errors.As(err, &pe) && errors.Is(err, csv.ErrFieldCount) {
				ierr.Errors = append(ierr.Errors, &FieldError{Line: pe.StartLine, Err: fmt.Errorf("%d fields, but the header has %d", len(rec), len(header))})
				continue
			}
			return nil, csvError(ierr, err, data, cols)
		}
		line, _ := cr.FieldPos(0)
		row := Row{Line: line, Device: store.NewDevice(""), Set: cols, file: name, cells: make([]cell, len(cols))}
		for i, key := range cols {
			v := strings.TrimSpace(rec[i])
			l, c := cr.FieldPos(i)
			row.cells[i] = cell{l, c}
			if key == "name" {
				if v == "" {
					ierr.Errors = append(ierr.Errors, &FieldError{Line: l, Column: c, Field: key, Err: errors.New("missing device name")})
					continue
				}
				if err := store.ValidName(v); err != nil {
					ierr.Errors = append(ierr.Errors, &FieldError{Line: l, Column: c, Field: key, Err: err})
					continue
				}
				if first, dup := seen[v]; dup {
					ierr.Errors = append(ierr.Errors, &FieldError{Line: l, Column: c, Field: key, Err: fmt.Errorf("duplicate device name %s (first on line %d)", store.Quote(v), first)})
					continue
				}
				seen[v] = l
				row.Device.Name = v
				continue
			}
			if err := store.SetAttr(row.Device, key, v); err != nil {
				// The line and column name the record and the field.
				var ae *store.AttrError
				if errors.As(err, &ae) {
					err = ae.Err
				}
				ierr.Errors = append(ierr.Errors, &FieldError{Line: l, Column: c, Field: key, Err: err})
			}
		}
		rows = append(rows, row)
	}
	if len(ierr.Errors) > 0 {
		return nil, ierr
	}
	return rows, nil
}

// quoteExample shows how a quote is written inside a field.
const quoteExample = `5" rack is written "5"" rack"`

// csvError turns a fault of the CSV reader into one of ierr's errors. data
// is the file, cols the header's columns (nil while reading the header).
func csvError(ierr *ImportError, err error, data []byte, cols []string) error {
	var pe *csv.ParseError
	if !errors.As(err, &pe) {
		return fmt.Errorf("read %s: %w", ierr.File, err)
	}
	fe := &FieldError{Line: pe.Line, Column: pe.Column, Err: pe.Err}
	switch {
	case errors.Is(pe.Err, csv.ErrQuote):
		// The reader reports a quote that is never closed where it gave
		// up, at the end of the file; what needs fixing is where it
		// opened.
		if line, col, field, ok := openQuote(data, pe.StartLine); ok {
			fe = &FieldError{Line: line, Column: col, Err: fmt.Errorf(`this " opens a quoted field that is never closed, so the rest of the file was read into it; close it, or write a " that belongs to the text as "" (%s)`, quoteExample)}
			if field < len(cols) {
				fe.Field = cols[field]
			}
		} else {
			fe.Err = fmt.Errorf(`a quoted field goes on after its closing "; write a " that belongs to the text as "" (%s)`, quoteExample)
		}
	case errors.Is(pe.Err, csv.ErrBareQuote):
		fe.Err = fmt.Errorf(`a " inside a field that is not quoted; quote the whole field and double the " (%s)`, quoteExample)
	}
	ierr.Errors = append(ierr.Errors, fe)
	return ierr
}

// openQuote finds, in the record that starts on line start of data, the
// quote that opens a field and is never closed, as encoding/csv reads
// them: where it is (1-based line, and column in bytes) and which field of
// the record it opens. ok is false if the record has no such quote.
func openQuote(data []byte, start int) (line, col, field int, ok bool) {
	i := 0
	for range start - 1 {
		j := bytes.IndexByte(data[i:], '\n')
		if j < 0 {
			return 0, 0, 0, false
		}
		i += j + 1
	}
	line, col = start, 1
	for field = 0; ; field++ {
		if i < len(data) && data[i] == '"' {
			openLine, openCol := line, col
			i, col = i+1, col+1
			closed := false
			for i < len(data) && !closed {
				c := data[i]
				i, col = i+1, col+1
				switch {
				case c == '\n':
					line, col = line+1, 1
				case c == '"' && i < len(data) && data[i] == '"':
					i, col = i+1, col+1
				case c == '"':
					closed = true
				}
			}
			if !closed {
				return openLine, openCol, field, true
			}
			if i < len(data) && data[i] == ',' {
				i, col = i+1, col+1
				continue
			}
			// The record ends here, or the field goes on after its
			// closing quote: either way not a quote left open.
			return 0, 0, 0, false
		}
		for i < len(data) && data[i] != ',' && data[i] != '\n' {
			i, col = i+1, col+1
		}
		if i < len(data) && data[i] == ',' {
			i, col = i+1, col+1
			continue
		}
		return 0, 0, 0, false
	}
}

func readHeader(cr *csv.Reader, header []string) ([]string, []*FieldError) {
	var errs []*FieldError
	cols := make([]string, len(header))
	at := map[string]int{}
	for i, h := range header {
		key := strings.ToLower(strings.TrimSpace(h))
		l, c := cr.FieldPos(i)
		switch {
		case key == "":
			errs = append(errs, &FieldError{Line: l, Column: c, Err: errors.New("empty column name")})
		case at[key] > 0:
			errs = append(errs, &FieldError{Line: l, Column: c, Field: key, Err: fmt.Errorf("column %s appears twice (first as column %d)", store.Quote(key), at[key])})
		case key == "name" || slices.Contains(Columns, key) || slices.Contains(store.AttrNames(store.KindDevice), key):
		case strings.HasPrefix(key, store.FieldPrefix) && store.ValidName(strings.TrimPrefix(key, store.FieldPrefix)) == nil:
		default:
			errs = append(errs, &FieldError{Line: l, Column: c, Err: fmt.Errorf("unknown column %s; columns are %s, and fields.NAME for custom fields", store.Quote(h), strings.Join(Columns, ","))})
		}
		at[key] = i + 1
		cols[i] = key
	}
	for _, need := range []string{"name", "ip"} {
		if at[need] == 0 && len(errs) == 0 {
			errs = append(errs, &FieldError{Line: 1, Err: fmt.Errorf("the header has no %q column; it needs at least name,ip", need)})
		}
	}
	return cols, errs
}

// WriteCSV writes devices in the import format, with a fields.NAME column
// for every custom field any device has.
func WriteCSV(w io.Writer, devices []*store.Device) error {
	extra := map[string]bool{}
	for _, d := range devices {
		for k := range d.Fields {
			extra[k] = true
		}
	}
	header := slices.Clone(Columns)
	var fieldCols []string
	for k := range extra {
		fieldCols = append(fieldCols, k)
	}
	slices.Sort(fieldCols)
	for _, k := range fieldCols {
		header = append(header, store.FieldPrefix+k)
	}
	cw := csv.NewWriter(w)
	if err := cw.Write(header); err != nil {
		return err
	}
	rec := make([]string, len(header))
	for _, d := range devices {
		for i, col := range header {
			if col == "name" {
				rec[i] = d.Name
				continue
			}
			rec[i], _ = store.GetAttr(d, col)
		}
		if err := cw.Write(rec); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}
