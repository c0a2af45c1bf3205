// Package render turns records into text: tables fitted to a width, JSON,
// CSV, "field: value" records, and device outputs raw or folded. It writes
// to the writers it is given and never decides where they lead.
package render

import (
	"fmt"
	"io"

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
}

// Write prints s in its format, section by section, to w; the message for
// an empty set goes to errw.
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
			fmt.Fprintf(w, "## %s\n", o.text(sec.Title))
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
	if s.Record {
		return writeRecord(w, s, o)
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
