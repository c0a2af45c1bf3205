package inventory

import (
	"fmt"
	"strings"

	"github.com/expr-lang/expr"
	"github.com/expr-lang/expr/vm"

	"vc/records"
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

// Compile compiles a selection expression, which must yield true or false.
// Its errors are *records.ExprError, with the position of the fault; a
// word that is not a field is also an *UnknownFieldError behind it, and
// the error says which field was likely meant, or to quote text.
func Compile(src string) (*Filter, error) {
	if strings.TrimSpace(src) == "" {
		return nil, &records.ExprError{Source: src, Line: 1, Column: 1, Message: "empty expression; try: vendor == \"arista\" && site == \"usa\""}
	}
	prog, err := expr.Compile(src, expr.Env(&Env{}), expr.AsBool())
	if err != nil {
		if name, ok := records.UnknownName(src, err); ok {
			return nil, unknownField(src, err, name)
		}
		return nil, records.PositionError(src, err)
	}
	return &Filter{src: src, prog: prog}, nil
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
