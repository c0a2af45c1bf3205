package inventory

import (
	"errors"
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/expr-lang/expr"
	"github.com/expr-lang/expr/file"
	"github.com/expr-lang/expr/vm"

	"vc/store"
)

// Env is what a selection expression sees of a device. The names are the
// ones DESIGN.md promises users.
type Env struct {
	Name     string            `expr:"name"`
	IP       string            `expr:"ip"`
	Port     int               `expr:"port"`
	Vendor   string            `expr:"vendor"`
	Platform string            `expr:"platform"`
	Site     string            `expr:"site"`
	Role     string            `expr:"role"`
	Status   string            `expr:"status"`
	Tags     []string          `expr:"tags"`
	Fields   map[string]string `expr:"fields"`
	Cred     string            `expr:"cred"`
}

// EnvFields lists the names an expression can use, for help and completion.
var EnvFields = []string{"name", "ip", "port", "vendor", "platform", "site", "role", "status", "tags", "fields", "cred"}

func (e *Env) set(d *store.Device) {
	*e = Env{Name: d.Name, IP: d.Address, Port: d.Port, Vendor: d.Vendor, Platform: d.Platform,
		Site: d.Site, Role: d.Role, Status: d.Status, Tags: d.Tags, Fields: d.Fields, Cred: d.Cred}
	if e.Tags == nil {
		e.Tags = []string{}
	}
	if e.Fields == nil {
		e.Fields = map[string]string{}
	}
}

// Filter is a compiled selection expression. It is not safe for concurrent
// use: it reuses one environment to avoid an allocation per device.
type Filter struct {
	src  string
	prog *vm.Program
	env  Env
	vm   vm.VM
}

// ExprError is a bad expression, with the position of the fault.
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

// Compile compiles a selection expression, which must yield true or false.
func Compile(src string) (*Filter, error) {
	if strings.TrimSpace(src) == "" {
		return nil, &ExprError{Source: src, Line: 1, Column: 1, Message: "empty expression; try: vendor == \"arista\" && site == \"usa\""}
	}
	prog, err := expr.Compile(src, expr.Env(&Env{}), expr.AsBool())
	if err != nil {
		return nil, PositionError(src, err)
	}
	return &Filter{src: src, prog: prog}, nil
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

// String is the expression's source.
func (f *Filter) String() string { return f.src }

// Match reports whether d satisfies the expression.
func (f *Filter) Match(d *store.Device) (bool, error) {
	f.env.set(d)
	out, err := f.vm.Run(f.prog, &f.env)
	if err != nil {
		return false, fmt.Errorf("device %s: %w", d.Name, err)
	}
	return out.(bool), nil
}

// Select returns the devices that satisfy the expression, in order.
func (f *Filter) Select(devices []*store.Device) ([]*store.Device, error) {
	var out []*store.Device
	for _, d := range devices {
		ok, err := f.Match(d)
		if err != nil {
			return nil, err
		}
		if ok {
			out = append(out, d)
		}
	}
	return out, nil
}
