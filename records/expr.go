package records

import (
	"errors"
	"fmt"
	"strings"

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
	fmt.Fprintf(&b, "line %d, column %d: %s", e.Line, e.Column, e.Message)
	if e.Line >= 1 && e.Line <= len(lines) {
		src := strings.ReplaceAll(lines[e.Line-1], "\t", " ")
		fmt.Fprintf(&b, "\n  %s\n  %s^", src, strings.Repeat(" ", max(e.Column-1, 0)))
	}
	return b.String()
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
