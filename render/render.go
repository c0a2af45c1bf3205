// Package render turns records into text: tables fitted to a width,
// records expanded into blocks, JSON, CSV, "field: value" records, device
// outputs raw or folded, and unified diffs. It writes to the writers it
// is given and never decides where they lead, whether to page, or
// whether to use colour: Options say.
package render

import (
	"errors"
	"fmt"
	"io"
	"strings"

	"vc/records"
)

// Options say how the text will be read.
type Options struct {
	// Width is the terminal's width in columns; 0 means no terminal and
	// no limit.
	Width int
	// Terminal is set when the text goes to a terminal: control
	// characters in what devices and users wrote are then shown (^[ for
	// ESC), never executed. Text for a pipe or a file stays byte-exact.
	Terminal bool
	// Color adds colour and weight where they help reading: a bold,
	// underlined table header, bold headings of expanded records and of
	// sections, a coloured diff (see Diff). The console sets it on a terminal unless NO_COLOR
	// is set; render never decides it.
	Color bool
	// Expanded is when records print as blocks of field | value lines
	// instead of a table (psql's \x): off, on or auto. It changes tables
	// only: JSON, CSV, raw and fold print as they do, and so does a
	// single record (Set.Record), already field: value lines. The
	// vertical format (records.Format) prints expanded whatever it says.
	Expanded Expanded
	// Key names the column that identifies a record in a table, which
	// fitting never cuts. Without it, or when the records have no such
	// column, the first column is the key when it is device or name.
	Key string
}

// Expanded is when records print expanded, one block per record.
type Expanded int

const (
	// ExpandOff always prints a table (the zero value).
	ExpandOff Expanded = iota
	// ExpandOn always prints records expanded.
	ExpandOn
	// ExpandAuto prints a table when it fits Width with the key column
	// whole and no other column cut below 8 characters (or its widest
	// cell, when narrower), and expanded records otherwise: a table cut
	// further shows the first letters of everything and the whole of
	// nothing. Without a Width (not a terminal) it is always a table.
	ExpandAuto
)

// ErrExpanded is a value ParseExpanded does not know.
var ErrExpanded = errors.New("expanded display is off, on or auto")

// ParseExpanded reads off, on or auto (and the words people use for them:
// false, true, no, yes, 0, 1).
func ParseExpanded(s string) (Expanded, error) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "off", "false", "no", "0":
		return ExpandOff, nil
	case "on", "true", "yes", "1":
		return ExpandOn, nil
	case "auto":
		return ExpandAuto, nil
	}
	return ExpandOff, fmt.Errorf("%q: %w", s, ErrExpanded)
}

// String is off, on or auto.
func (e Expanded) String() string {
	switch e {
	case ExpandOn:
		return "on"
	case ExpandAuto:
		return "auto"
	}
	return "off"
}

// Write prints s in its format, section by section, to w; the message for
// an empty set goes to errw. It writes nowhere else, so a console that
// pages long results can render into a bytes.Buffer, Measure it, and
// decide.
func Write(w, errw io.Writer, s *records.Set, o Options) error {
	if s.Next == nil {
		return writeOne(w, errw, s, o)
	}
	if s.Format == "json" || s.Format == "csv" {
		return writeOne(w, errw, s.Flatten(), o)
	}
	for i, sec := range s.Sections() {
		if i > 0 {
			fmt.Fprintln(w)
		}
		if sec.Title != "" {
			fmt.Fprintln(w, o.style(bold, "## "+o.text(sec.Title)))
		}
		if err := writeOne(w, errw, sec, o); err != nil {
			return err
		}
	}
	return nil
}

func writeOne(w, errw io.Writer, s *records.Set, o Options) error {
	switch s.Format {
	case "json":
		return writeJSON(w, s)
	case "csv":
		return writeCSV(w, s, o)
	case "raw", "fold":
		if outs, ok := s.DeviceOutputs(); ok {
			if len(outs) == 0 && s.Empty != "" {
				fmt.Fprintln(errw, s.Empty)
			}
			if s.Format == "raw" {
				return writeRaw(w, outs, o)
			}
			return writeFold(w, outs, o)
		}
		// A stage reshaped the outputs into records (count, cols): they
		// print as a table.
	}
	if len(s.Rows) == 0 {
		if s.Empty != "" {
			fmt.Fprintln(errw, s.Empty)
		}
		return nil
	}
	// A single record already prints as field: value lines; vertical
	// asks for the blocks by name, expanded display only for tables.
	if s.Record && s.Format != "vertical" {
		return writeRecord(w, s, o)
	}
	if s.Format == "vertical" || o.Expanded == ExpandOn {
		return writeExpanded(w, s, o)
	}
	return writeTable(w, s, o)
}

// text is s as it may be shown: with its control characters made visible
// on a terminal.
func (o Options) text(s string) string {
	if o.Terminal {
		return Visible(s)
	}
	return s
}

// SGR sequences for the few styles render uses.
const (
	bold      = "\x1b[1m"
	boldUnder = "\x1b[1;4m"
	red       = "\x1b[31m"
	green     = "\x1b[32m"
	cyan      = "\x1b[36m"
	reset     = "\x1b[0m"
)

// style wraps s in an SGR style when colour is on. s must already be
// visible (see text): the only escapes in the result are render's own.
func (o Options) style(sgr, s string) string {
	if !o.Color || sgr == "" || s == "" {
		return s
	}
	return sgr + s + reset
}
