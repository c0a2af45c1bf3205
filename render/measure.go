package render

import (
	"bytes"
	"regexp"
)

// Size is how much room rendered text takes on a terminal.
type Size struct {
	// Lines counts the lines, the last one whether or not it ends in a
	// newline.
	Lines int
	// Width is the widest line in terminal columns, render's colour
	// escapes not counted and tabs taken to the next multiple of 8.
	Width int
}

// sgrRE matches the colour escapes render writes. Nothing else in
// rendered text for a terminal is an escape: devices' control characters
// were made visible.
var sgrRE = regexp.MustCompile("\x1b\\[[0-9;]*m")

// Measure returns the room text rendered by Write or Diff takes, for a
// console deciding whether to page it: more lines than the terminal has,
// or lines wider than it (a table that could not fit, expanded values).
func Measure(text []byte) Size {
	var s Size
	for len(text) > 0 {
		line := text
		if i := bytes.IndexByte(text, '\n'); i >= 0 {
			line, text = text[:i], text[i+1:]
		} else {
			text = nil
		}
		s.Lines++
		s.Width = max(s.Width, lineWidth(line))
	}
	return s
}

func lineWidth(line []byte) int {
	if bytes.IndexByte(line, 0x1b) >= 0 {
		line = sgrRE.ReplaceAll(line, nil)
	}
	if bytes.IndexByte(line, '\t') < 0 {
		return displayWidth(string(line))
	}
	w := 0
	for _, part := range bytes.SplitAfter(line, []byte("\t")) {
		if bytes.HasSuffix(part, []byte("\t")) {
			w += displayWidth(string(part[:len(part)-1]))
			w += 8 - w%8
		} else {
			w += displayWidth(string(part))
		}
	}
	return w
}
