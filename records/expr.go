package records

import (
	"errors"
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/expr-lang/expr/ast"
	"github.com/expr-lang/expr/file"
	"github.com/expr-lang/expr/parser"
	"github.com/expr-lang/expr/parser/lexer"
)

// ExprError is a bad expression (a selection, a where), with the position
// of the fault.
type ExprError struct {
	Source  string
	Line    int // 1-based
	Column  int // 1-based, in characters
	Message string
	// Hint follows the source and its caret: what to write instead, or
	// the names there are. It is ours, not the user's, so it is not cut.
	Hint string
	// Err is the fault told apart by type, when there is one (a
	// *ColumnError for a name that is not a column).
	Err error
}

// Unwrap returns the typed fault, so errors.As finds a *ColumnError
// behind the position.
func (e *ExprError) Unwrap() error { return e.Err }

func (e *ExprError) Error() string {
	lines := strings.Split(e.Source, "\n")
	var b strings.Builder
	fmt.Fprintf(&b, "line %d, column %d: %s", e.Line, e.Column, clip(e.Message, messageMax))
	if e.Line >= 1 && e.Line <= len(lines) {
		src, caret := window(lines[e.Line-1], e.Column-1)
		fmt.Fprintf(&b, "\n  %s\n  %s^", src, strings.Repeat(" ", caret))
	}
	if e.Hint != "" {
		b.WriteString("\n")
		b.WriteString(e.Hint)
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
// shows where in src the fault is. A lone = (age = 5) is said to be one,
// with == suggested, wherever expr-lang stumbled: = assigns nothing in
// an expression, so it is always the mistake, and expr-lang's own words
// for it ("unexpected token Operator") do not say what to write.
func PositionError(src string, err error) error {
	if e := loneEquals(src); e != nil {
		return e
	}
	var fe *file.Error
	if errors.As(err, &fe) {
		return &ExprError{Source: src, Line: fe.Line, Column: fe.Column + 1, Message: fe.Message}
	}
	return &ExprError{Source: src, Line: 1, Column: 1, Message: err.Error()}
}

// loneEquals finds the first = that is not part of a let (let x = 1; ...)
// and returns the error that suggests ==, or nil.
func loneEquals(src string) *ExprError {
	tokens, err := lexer.Lex(file.NewSource(src))
	if err != nil {
		return nil
	}
	var at []int // rune offsets of the lone = signs
	for i, t := range tokens {
		if !t.Is(lexer.Operator, "=") {
			continue
		}
		if i >= 2 && tokens[i-2].Is(lexer.Operator, "let") && tokens[i-1].Is(lexer.Identifier) {
			continue
		}
		at = append(at, t.From)
	}
	if len(at) == 0 {
		return nil
	}
	line, col := lineColumn(src, at[0])
	e := &ExprError{Source: src, Line: line, Column: col, Message: "= does not compare; write == to test for equality"}
	if fixed := doubleEquals(src, at); utf8.RuneCountInString(fixed) <= snippetMax && !strings.Contains(fixed, "\n") {
		e.Hint = "did you mean: " + visibleLine(fixed)
	}
	return e
}

// lineColumn is the 1-based line and column of the rune at offset off.
func lineColumn(src string, off int) (int, int) {
	line, col, n := 1, 1, 0
	for _, r := range src {
		if n == off {
			break
		}
		n++
		if r == '\n' {
			line, col = line+1, 1
		} else {
			col++
		}
	}
	return line, col
}

// doubleEquals is src with the = at the given rune offsets made ==.
func doubleEquals(src string, at []int) string {
	var b strings.Builder
	n, next := 0, 0
	for _, r := range src {
		b.WriteRune(r)
		if next < len(at) && n == at[next] {
			b.WriteRune('=')
			next++
		}
		n++
	}
	return b.String()
}

// visibleLine is one line of user text with its control characters shown
// as U+FFFD, as window does, so a hint cannot reach the terminal as a
// control.
func visibleLine(s string) string {
	return strings.Map(func(r rune) rune {
		if r == '\t' {
			return ' '
		}
		if unicode.IsControl(r) {
			return utf8.RuneError
		}
		return r
	}, s)
}

// UnknownName returns the name expr-lang could not resolve when err is
// its compile error for one (nosuch == 1): the identifier at the fault's
// position. Callers know better than expr-lang what the names are
// (columns, device fields) and what was likely meant. A function that
// does not exist (foo(x)) is not reported: it is not a name to correct.
func UnknownName(src string, err error) (string, bool) {
	var fe *file.Error
	if !errors.As(err, &fe) {
		return "", false
	}
	tree, perr := parser.Parse(src)
	if perr != nil {
		return "", false
	}
	var f identAt
	f.from = fe.From
	ast.Walk(&tree.Node, &f)
	if f.found == nil || f.callees[f.found] {
		return "", false
	}
	return f.found.Value, true
}

// identAt finds the identifier that starts at rune offset from, and
// notes the identifiers that name functions.
type identAt struct {
	from    int
	found   *ast.IdentifierNode
	callees map[*ast.IdentifierNode]bool
}

func (f *identAt) Visit(node *ast.Node) {
	switch n := (*node).(type) {
	case *ast.IdentifierNode:
		if f.found == nil && n.Location().From == f.from {
			f.found = n
		}
	case *ast.CallNode:
		if id, ok := n.Callee.(*ast.IdentifierNode); ok {
			if f.callees == nil {
				f.callees = map[*ast.IdentifierNode]bool{}
			}
			f.callees[id] = true
		}
	}
}
