package console

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"vc/records"

	"vc/inventory"
	"vc/store"
)

func selectCommands() []*Command {
	fields := strings.Join(inventory.EnvFields, ", ")
	return []*Command{
		{
			Name: "select", Args: "[+|-]EXPR", Group: groupSelect, Raw: true, MinArgs: 1, MaxArgs: 1,
			Summary: "choose the devices later commands run on",
			Help: "EXPR is an expr-lang expression (https://expr-lang.org) over each device's fields: " + fields + ".\n" +
				"tags is a list and fields a map of custom fields. Text is quoted; numbers are not (port == 22).\n" +
				"  comparisons   == != < > <= >=, and in [...]:   platform in [\"cisco_ios\", \"arista_eos\"]\n" +
				"  text          matches (a regular expression), startsWith, endsWith, contains\n" +
				"  lists, maps   \"pci\" in tags, fields.rack == \"r12\", \"rack\" in fields\n" +
				"  logic         && || ! and parentheses\n" +
				"Device names select directly, with clush-style ranges: select usa-leaf-00[1-4],usa-spine-001.\n" +
				"`select EXPR` replaces the selection, `select +EXPR` adds the devices that match, `select -EXPR` removes\n" +
				"them, and `select *` takes every device. A comparison with a value no device has says which values\n" +
				"there are. The selection lasts for the session: the REPL, one -c string or one script.",
			Examples: []string{
				`select vendor == "arista" && site == "usa"`,
				`select name matches "^core-" && "pci" in tags`,
				`select +role == "leaf"`,
				`select -status != "active"`,
				`select fields.rack == "r12"`,
				`select usa-leaf-00[1-4]`,
			},
			Run: runSelect,
		},
		{
			Name: "selection", Group: groupSelect, Flags: []Flag{jsonFlag},
			Summary:  "show the selected devices and their count",
			Examples: []string{"selection", "selection --json", "selection |> count by site"},
			Run: func(ctx context.Context, e *Env, c *Call) (*records.Set, error) {
				ds, err := e.Selected(ctx)
				if err != nil {
					return nil, err
				}
				res := deviceResult(ds)
				res.Empty = "no devices selected; choose some with select EXPR"
				if len(ds) > 0 && !c.Bool("json") {
					e.saidf("%d %s selected", len(ds), plural("device", len(ds)))
				}
				return res, nil
			},
		},
		{
			Name: "selection clear", Group: groupSelect,
			Summary:  "select no devices",
			Examples: []string{"selection clear"},
			Run: func(ctx context.Context, e *Env, c *Call) (*records.Set, error) {
				e.selection, e.selectionExpr = nil, ""
				return nil, nil
			},
		},
	}
}

func runSelect(ctx context.Context, e *Env, c *Call) (*records.Set, error) {
	src := c.Text
	mode := byte('=')
	if src[0] == '+' || src[0] == '-' {
		mode, src = src[0], strings.TrimSpace(src[1:])
	}
	sel, err := e.resolve(ctx, src)
	if err != nil {
		return nil, err
	}
	src = sel.Expr
	names := make([]string, len(sel.Devices))
	for i, d := range sel.Devices {
		names[i] = d.Name
	}
	slices.Sort(names)
	before := len(e.selection)
	switch mode {
	case '=':
		e.selection = names
		e.selectionExpr = src
	case '+':
		e.selection = mergeSorted(e.selection, names)
		e.selectionExpr = combineSelection(e.selectionExpr, "||", src)
	case '-':
		e.selectionExpr = combineSelection(e.selectionExpr, "&& !", src)
		drop := make(map[string]bool, len(names))
		for _, n := range names {
			drop[n] = true
		}
		e.selection = slices.DeleteFunc(e.selection, func(n string) bool { return drop[n] })
	}
	n := len(e.selection)
	switch mode {
	case '=':
		e.saidf("%d %s selected", n, plural("device", n))
	case '+':
		e.saidf("%d %s selected (%d added)", n, plural("device", n), n-before)
	case '-':
		e.saidf("%d %s selected (%d removed)", n, plural("device", n), before-n)
	}
	return nil, nil
}

// combineSelection is the expression of a selection grown or cut by
// another, so that a saved run picks up devices added since.
func combineSelection(cur, op, src string) string {
	if cur == "" {
		if op == "||" {
			return src
		}
		return "false"
	}
	return "(" + cur + ") " + op + "(" + src + ")"
}

// mergeSorted unites two sorted name lists.
func mergeSorted(a, b []string) []string {
	out := make([]string, 0, len(a)+len(b))
	i, j := 0, 0
	for i < len(a) && j < len(b) {
		switch {
		case a[i] < b[j]:
			out = append(out, a[i])
			i++
		case a[i] > b[j]:
			out = append(out, b[j])
			j++
		default:
			out = append(out, a[i])
			i, j = i+1, j+1
		}
	}
	out = append(out, a[i:]...)
	return append(out, b[j:]...)
}

func plural(w string, n int) string {
	if n == 1 {
		return w
	}
	return w + "s"
}

// deviceColumns are every column of a device; the first briefColumns are
// what a table shows unless the user picks columns.
var deviceColumns = []string{"name", "ip", "port", "platform", "vendor", "site", "role", "status", "tags",
	"fields", "cred", "jump", "hostkey", "legacy", "created", "updated"}

const briefColumns = 9

func deviceRow(d *store.Device) []any {
	return []any{d.Name, d.Address, d.Port, d.Platform, d.Vendor, d.Site, d.Role, d.Status, d.Tags,
		d.Fields, d.Cred, d.Jump, d.HostKey, d.Legacy, d.Created, d.Updated}
}

func deviceResult(ds []*store.Device) *records.Set {
	res := &records.Set{Columns: deviceColumns, Brief: briefColumns, Rows: make([][]any, len(ds))}
	for i, d := range ds {
		res.Rows[i] = deviceRow(d)
	}
	return res
}

// joinFew names a few items and counts the rest.
func joinFew(items []string, n int) string {
	if len(items) <= n {
		return strings.Join(items, ", ")
	}
	return fmt.Sprintf("%s and %d more", strings.Join(items[:n], ", "), len(items)-n)
}

// resolve reads a selection as select does (an expression, *, names and
// ranges) over the whole inventory, saying the names that are no device
// and why nothing was picked.
func (e *Env) resolve(ctx context.Context, src string) (*inventory.Selection, error) {
	all, err := e.Devices(ctx)
	if err != nil {
		return nil, err
	}
	sel, err := inventory.Resolve(src, all)
	if err != nil {
		return nil, err
	}
	if n := len(sel.Missing); n > 0 {
		e.warnf("no %s %s", plural("device", n), joinFew(sel.Missing, 10))
	}
	if sel.Hint != "" {
		e.warnf("%s", sel.Hint)
	}
	return sel, nil
}
