package records

import (
	"errors"
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/expr-lang/expr/file"
)

// ExprError is a bad expression (a selection, a where), with the position
// of the fault.
type ExprError struct {
	Source  string
	Line    int // 1-based
	Column  int // 1-based, in characters
	Message string
}

func (e *ExprError) Error() string {
	lines := strings.Split(e.Source, "\n")
	var b strings.Builder
	fmt.Fprintf(&b, "line %d, column %d: %s", e.Line, e.Column, clip(e.Message, messageMax))
	if e.Line >= 1 && e.Line <= len(lines) {
		src, caret := window(lines[e.Line-1], e.Column-1)
		fmt.Fprintf(&b, "\n  %s\n  %s^", src, strings.Repeat(" ", caret))
	}
	return b.String()
}

// An ExprError shows at most this much of its message (expr-lang quotes
// names and patterns in it) and of the line at fault, around the fault.
const (
	messageMax = 160
	snippetMax = 72
)

// clip cuts s after n characters, marking the cut.
func clip(s string, n int) string {
	i := 0
	for j := range s {
		if i == n {
			return s[:j] + "…"
		}
		i++
	}
	return s
}

// window returns at most snippetMax characters of line around the
// 0-based character col, and where col falls in them. Control characters
// show as one space each (tabs) or as U+FFFD, so the caret stays in line
// and nothing reaches the terminal as a control.
func window(line string, col int) (string, int) {
	col = max(col, 0)
	n := utf8.RuneCountInString(line)
	start, end := 0, n
	if n > snippetMax {
		start = max(0, min(col-snippetMax/2, n-snippetMax))
		end = start + snippetMax
	}
	var b strings.Builder
	caret := col - start
	if start > 0 {
		b.WriteString("…")
		caret++
	}
	i := 0
	for _, r := range line {
		if i >= end {
			b.WriteString("…")
			break
		}
		if i >= start {
			switch {
			case r == '\t':
				r = ' '
			case unicode.IsControl(r):
				r = utf8.RuneError
			}
			b.WriteRune(r)
		}
		i++
	}
	return b.String(), caret
}

// PositionError turns an expr-lang compile error into an *ExprError that
// shows where in src the fault is.
func PositionError(src string, err error) error {
	var fe *file.Error
	if errors.As(err, &fe) {
		return &ExprError{Source: src, Line: fe.Line, Column: fe.Column + 1, Message: fe.Message}
	}
	return &ExprError{Source: src, Line: 1, Column: 1, Message: err.Error()}
}
