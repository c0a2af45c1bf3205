package console

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path"
	"strings"
	"vc/records"

	"vc/inventory"
	"vc/store"
)

// kindDoc is what help says of each inventory kind.
type kindDoc struct {
	kind    store.Kind
	what    string
	example string
}

func inventoryKinds() []kindDoc {
	return []kindDoc{
		{store.KindSite, "site", "site add usa description=\"US data centres\" max-sessions=20"},
		{store.KindRole, "role", "role add leaf description=\"top of rack\""},
		{store.KindPlatform, "platform (a Netmiko device type)", "platform add cisco_asa vendor=cisco paging=\"terminal pager 0\""},
		{store.KindVendor, "vendor (manufacturer)", "vendor add nokia description=\"Nokia\""},
	}
}

func inventoryCommands() []*Command {
	cmds := deviceCommands()
	for _, k := range inventoryKinds() {
		cmds = append(cmds, kindCommands(k)...)
	}
	return cmds
}

func attrHelp(k store.Kind) string {
	var b strings.Builder
	b.WriteString("Fields:\n")
	for _, a := range store.Attrs(k) {
		fmt.Fprintf(&b, "  %-13s %s\n", a.Name, a.Help)
	}
	if k == store.KindDevice {
		fmt.Fprintf(&b, "  %-13s a custom field (an empty value removes it)\n", store.FieldPrefix+"NAME")
	}
	return b.String()
}

func deviceCommands() []*Command {
	k := store.KindDevice
	return []*Command{
		{
			Name: "device add", Args: "NAME ip=ADDRESS [KEY=VALUE...]", Group: groupInventory, MinArgs: 1, MaxArgs: -1,
			Summary: "add a device",
			Help: "Sites, roles and vendors it names are created if new (and said so), and so is a platform vc has a\n" +
				"driver for; a platform of your own is added first with platform add. The vendor defaults to the platform's.\n" + attrHelp(k),
			Examples: []string{
				"device add usa-leaf-001 ip=10.1.0.1 platform=arista_eos site=usa role=leaf",
				"device add core1 ip=core1.example.net port=2222 platform=cisco_ios tags=pci;core fields.rack=r12",
			},
			Run: func(ctx context.Context, e *Env, c *Call) (*records.Set, error) {
				d := store.NewDevice(c.Args[0])
				if err := store.ValidName(d.Name); err != nil {
					return nil, fmt.Errorf("device name: %w", err)
				}
				if err := setAttrs(d, c.Args[1:]); err != nil {
					return nil, err
				}
				if d.Address == "" {
					return nil, usagef("device add: ip=ADDRESS is required")
				}
				return nil, e.addRecord(ctx, d)
			},
		},
		{
			Name: "device list", Args: "[EXPR]", Group: groupInventory, Raw: true, MaxArgs: 1, Flags: []Flag{jsonFlag},
			Summary:  "list devices, all or those matching an expression",
			Help:     "EXPR is the same expression select takes (see help select).",
			Examples: []string{"device list", `device list site == "usa" && role == "leaf"`, "device list --json", "device list |> count by platform"},
			Run: func(ctx context.Context, e *Env, c *Call) (*records.Set, error) {
				all, err := e.Devices(ctx)
				if err != nil {
					return nil, err
				}
				if c.Text != "" {
					f, err := inventory.Compile(c.Text)
					if err != nil {
						return nil, err
					}
					if all, err = f.Select(all); err != nil {
						return nil, err
					}
				}
				res := deviceResult(all)
				res.Empty = "no devices"
				if c.Text != "" {
					res.Empty = "no devices match"
				}
				return res, nil
			},
		},
		{
			Name: "device show", Args: "NAME", Group: groupInventory, MinArgs: 1, MaxArgs: 1, Flags: []Flag{jsonFlag},
			Summary:  "show everything about one device",
			Examples: []string{"device show usa-leaf-001", "device show usa-leaf-001 --json"},
			Run: func(ctx context.Context, e *Env, c *Call) (*records.Set, error) {
				var d *store.Device
				err := e.Store.View(ctx, func(t *store.Tx) error {
					var err error
					d, err = store.Get[store.Device](t, c.Args[0])
					return err
				})
				if err != nil {
					return nil, notFoundHint(err, "device list")
				}
				res := deviceResult([]*store.Device{d})
				res.Record = true
				return res, addCredInfo(ctx, e, res, d)
			},
		},
		{
			Name: "device edit", Args: "NAME KEY=VALUE...", Group: groupInventory, MinArgs: 2, MaxArgs: -1,
			Summary:  "change a device's fields (name=NEW renames it)",
			Help:     attrHelp(k),
			Examples: []string{"device edit sw1 status=offline", "device edit sw1 name=usa-sw-001", "device edit sw1 cred=ops tags=pci;core"},
			Run:      func(ctx context.Context, e *Env, c *Call) (*records.Set, error) { return nil, editRecord(ctx, e, k, c) },
		},
		{
			Name: "device rm", Args: "NAME...", Group: groupInventory, MinArgs: 1, MaxArgs: -1,
			Flags:    []Flag{{Name: "force", Help: "also clear references to it (as a jump host)"}},
			Summary:  "remove devices",
			Examples: []string{"device rm sw1", "device rm sw1 sw2 sw3"},
			Run: func(ctx context.Context, e *Env, c *Call) (*records.Set, error) {
				return nil, removeRecords(ctx, e, k, c.Args, c.Bool("force"))
			},
		},
		{
			Name: "device import", Args: "FILE.csv", Group: groupInventory, MinArgs: 1, MaxArgs: 1,
			Flags:   []Flag{{Name: "dry-run", Help: "say what would change, change nothing"}},
			Summary: "add or update devices from a CSV file, all or nothing",
			Help: "The header names the columns, in any order: " + strings.Join(inventory.Columns, ",") +
				" (name and ip are required; tags are separated by ;; fields.NAME columns set custom fields).\n" +
				"Unknown sites, roles and vendors are created, and platforms vc has a driver for (add your own first with\n" +
				"platform add). Devices already in the inventory are\n" +
				"updated by name, in the columns the file has. Any bad row refuses the whole file, and every\n" +
				"error names its line and column.",
			Examples: []string{"device import lab.csv --dry-run", "device import lab.csv"},
			Run:      runImport,
		},
		{
			Name: "device export", Args: "FILE.csv", Group: groupInventory, MinArgs: 1, MaxArgs: 1,
			Flags:    []Flag{{Name: "selection", Help: "export only the selected devices"}},
			Summary:  "write devices to a CSV file that device import reads back",
			Examples: []string{"device export inventory.csv", "device export usa.csv --selection", "device export -"},
			Run:      runExport,
		},
	}
}

func kindCommands(kd kindDoc) []*Command {
	k := kd.kind
	name := string(k)
	return []*Command{
		{
			Name: name + " add", Args: "NAME [KEY=VALUE...]", Group: groupInventory, MinArgs: 1, MaxArgs: -1,
			Summary: "add a " + kd.what, Help: attrHelp(k), Examples: []string{kd.example},
			Run: func(ctx context.Context, e *Env, c *Call) (*records.Set, error) {
				rec, err := store.Named(k, c.Args[0])
				if err != nil {
					return nil, err
				}
				if err := setAttrs(rec, c.Args[1:]); err != nil {
					return nil, err
				}
				return nil, e.addRecord(ctx, rec)
			},
		},
		{
			Name: name + " list", Args: "[PATTERN]", Group: groupInventory, MaxArgs: 1, Flags: []Flag{jsonFlag},
			Summary:  "list " + name + "s, with how many devices each has",
			Help:     "PATTERN matches names as a glob (usa-*) or, without wildcards, as a substring.",
			Examples: []string{name + " list", name + " list --json"},
			Run: func(ctx context.Context, e *Env, c *Call) (*records.Set, error) {
				pattern := ""
				if len(c.Args) > 0 {
					pattern = c.Args[0]
				}
				return listKind(ctx, e, k, pattern, false)
			},
		},
		{
			Name: name + " show", Args: "NAME", Group: groupInventory, MinArgs: 1, MaxArgs: 1, Flags: []Flag{jsonFlag},
			Summary:  "show one " + name,
			Examples: []string{name + " show " + strings.Fields(kd.example)[2]},
			Run: func(ctx context.Context, e *Env, c *Call) (*records.Set, error) {
				return listKind(ctx, e, k, c.Args[0], true)
			},
		},
		{
			Name: name + " edit", Args: "NAME KEY=VALUE...", Group: groupInventory, MinArgs: 2, MaxArgs: -1,
			Summary: "change a " + name + " (name=NEW renames it and its devices follow)", Help: attrHelp(k),
			Examples: []string{name + " edit " + strings.Fields(kd.example)[2] + " description=\"...\""},
			Run:      func(ctx context.Context, e *Env, c *Call) (*records.Set, error) { return nil, editRecord(ctx, e, k, c) },
		},
		{
			Name: name + " rm", Args: "NAME", Group: groupInventory, MinArgs: 1, MaxArgs: -1,
			Flags:    []Flag{{Name: "force", Help: "remove it even if devices use it, detaching them"}},
			Summary:  "remove a " + name + "; refused while devices use it, unless --force",
			Examples: []string{name + " rm " + strings.Fields(kd.example)[2], name + " rm " + strings.Fields(kd.example)[2] + " --force"},
			Run: func(ctx context.Context, e *Env, c *Call) (*records.Set, error) {
				return nil, removeRecords(ctx, e, k, c.Args, c.Bool("force"))
			},
		},
	}
}

// setAttrs applies KEY=VALUE arguments to a record.
func setAttrs(rec store.Entity, args []string) error {
	for _, a := range args {
		key, val, ok := strings.Cut(a, "=")
		if !ok || key == "" {
			return usagef("expected KEY=VALUE, got %s; fields: %s", store.Quote(a), strings.Join(store.AttrNames(rec.Kind()), ", "))
		}
		if key == "name" {
			return usagef("name cannot be set here; use %s edit NAME name=NEW to rename", rec.Kind())
		}
		if err := store.SetAttr(rec, key, val); err != nil {
			return err
		}
	}
	return nil
}

// addRecord creates a new record, and the sites, roles, platforms and
// vendors it names that do not exist yet, saying what it made.
func (e *Env) addRecord(ctx context.Context, rec store.Entity) error {
	k, name := rec.Kind(), rec.Key()
	return e.Store.Update(ctx, func(t *store.Tx) error {
		if t.Has(k, name) {
			return fmt.Errorf("%s %s already exists; change it with %s edit", k, store.Quote(name), k)
		}
		created, err := store.Ensure(t, rec)
		if err != nil {
			return err
		}
		if err := store.Put(t, rec); err != nil {
			return err
		}
		e.sayCreated(created)
		e.saidf("added %s %s", k, name)
		return e.sayHostKeyPolicy(t, rec)
	})
}

// sayHostKeyPolicy warns when a record turns host-key checking off: with
// hostkey=ignore, whoever answers on a device's address is trusted.
func (e *Env) sayHostKeyPolicy(t *store.Tx, rec store.Entity) error {
	switch r := rec.(type) {
	case *store.Device:
		if r.HostKey == "ignore" {
			e.warnf("warning: hostkey=ignore: the host key of %s is not checked, so whoever answers on %s is trusted with its credentials", r.Name, r.Address)
		}
	case *store.Site:
		if r.HostKey != "ignore" {
			return nil
		}
		devs, err := store.List[store.Device](t)
		if err != nil {
			return err
		}
		n := 0
		for _, d := range devs {
			if d.Site == r.Name && d.HostKey == "" {
				n++
			}
		}
		e.warnf("warning: hostkey=ignore: the host keys of site %s's devices (%d now) are not checked, so whoever answers on their addresses is trusted with their credentials; hostkey=check on a device still checks it", r.Name, n)
	}
	return nil
}

func (e *Env) sayCreated(created []string) {
	for _, c := range created {
		e.saidf("created %s", c)
	}
}

func editRecord(ctx context.Context, e *Env, k store.Kind, c *Call) error {
	name := c.Args[0]
	var rename string
	var rest []string
	for _, a := range c.Args[1:] {
		if v, ok := strings.CutPrefix(a, "name="); ok {
			rename = v
			continue
		}
		rest = append(rest, a)
	}
	return e.Store.Update(ctx, func(t *store.Tx) error {
		rec, err := t.GetKind(k, name)
		if err != nil {
			return notFoundHint(err, string(k)+" list")
		}
		if err := setAttrs(rec, rest); err != nil {
			return err
		}
		created, err := store.Ensure(t, rec)
		if err != nil {
			return err
		}
		if err := store.Put(t, rec); err != nil {
			return err
		}
		if rename != "" && rename != name {
			if err := store.ValidName(rename); err != nil {
				return fmt.Errorf("new name: %w", err)
			}
			if err := t.Rename(k, name, rename); err != nil {
				return err
			}
			e.renameSelected(k, name, rename)
			e.saidf("renamed %s %s to %s", k, name, rename)
		}
		e.sayCreated(created)
		if len(rest) > 0 {
			e.saidf("updated %s %s", k, rec.Key())
		}
		return e.sayHostKeyPolicy(t, rec)
	})
}

// renameSelected keeps a renamed device in the selection.
func (e *Env) renameSelected(k store.Kind, from, to string) {
	if k != store.KindDevice {
		return
	}
	for i, n := range e.selection {
		if n == from {
			e.selection = append(e.selection[:i], e.selection[i+1:]...)
			e.selection = mergeSorted(e.selection, []string{to})
			return
		}
	}
}

func removeRecords(ctx context.Context, e *Env, k store.Kind, names []string, force bool) error {
	return e.Store.Update(ctx, func(t *store.Tx) error {
		for _, name := range names {
			refs, err := t.Remove(k, name, force)
			if err != nil {
				return notFoundHint(err, string(k)+" list")
			}
			for _, r := range refs {
				e.saidf("detached %s %s from its %s", r.Kind, r.Name, r.Field)
			}
			e.saidf("removed %s %s", k, name)
		}
		return nil
	})
}

func notFoundHint(err error, list string) error {
	if errors.Is(err, store.ErrNotFound) {
		return fmt.Errorf("%w (see: %s)", err, list)
	}
	return err
}

// listKind lists sites, roles, platforms or vendors with device counts; with
// one set, it shows the single record named pattern.
func listKind(ctx context.Context, e *Env, k store.Kind, pattern string, one bool) (*records.Set, error) {
	attrs := store.Attrs(k)
	res := &records.Set{Columns: []string{"name"}}
	for _, a := range attrs {
		res.Columns = append(res.Columns, a.Name)
	}
	res.Columns = append(res.Columns, "devices", "created", "updated")
	res.Brief = len(res.Columns) - 2
	err := e.Store.View(ctx, func(t *store.Tx) error {
		var recs []store.Entity
		if one {
			rec, err := t.GetKind(k, pattern)
			if err != nil {
				return notFoundHint(err, string(k)+" list")
			}
			recs = []store.Entity{rec}
		} else {
			all, err := t.ListKind(k)
			if err != nil {
				return err
			}
			for _, r := range all {
				if matchName(pattern, r.Key()) {
					recs = append(recs, r)
				}
			}
		}
		counts, err := deviceCounts(t, k)
		if err != nil {
			return err
		}
		for _, r := range recs {
			row := []any{r.Key()}
			for _, a := range attrs {
				row = append(row, a.Value(r))
			}
			st := store.StampsOf(r)
			row = append(row, counts[r.Key()], st.Created, st.Updated)
			res.Rows = append(res.Rows, row)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	res.Record = one
	res.Empty = "no " + string(k) + "s"
	return res, nil
}

func matchName(pattern, name string) bool {
	if pattern == "" {
		return true
	}
	if strings.ContainsAny(pattern, "*?[") {
		ok, _ := path.Match(pattern, name)
		return ok
	}
	return strings.Contains(name, pattern)
}

// deviceCounts counts devices per site, role, platform or vendor.
func deviceCounts(t *store.Tx, k store.Kind) (map[string]int, error) {
	counts := map[string]int{}
	ds, err := store.List[store.Device](t)
	if err != nil {
		return nil, err
	}
	for _, d := range ds {
		if n, ok := store.References(d)[k]; ok {
			counts[n]++
		}
	}
	return counts, nil
}

func runImport(ctx context.Context, e *Env, c *Call) (*records.Set, error) {
	file := c.Args[0]
	f, err := os.Open(file)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	rows, err := inventory.ReadCSV(file, f)
	if err != nil {
		return nil, err
	}
	var plan *inventory.Plan
	if c.Bool("dry-run") {
		err = e.Store.View(ctx, func(t *store.Tx) error {
			plan, err = inventory.PlanImport(t, rows)
			return err
		})
		if err != nil {
			return nil, err
		}
		e.saidf("dry run, nothing changed: would import %s: %s", file, plan.Summary())
		return planResult(plan), nil
	}
	err = e.Store.Update(ctx, func(t *store.Tx) error {
		plan, err = inventory.PlanImport(t, rows)
		if err != nil {
			return err
		}
		return plan.Apply(t)
	})
	if err != nil {
		return nil, err
	}
	e.saidf("imported %s: %s", file, plan.Summary())
	return nil, nil
}

// planResult lists what an import would do, one line per change.
func planResult(p *inventory.Plan) *records.Set {
	res := changesSet(p.NewRefs, p.Create)
	for _, u := range p.Update {
		res.Rows = append(res.Rows, []any{"update device", u.Device, strings.Join(fieldChanges(u.Fields), "; ")})
	}
	return res
}

// changesSet starts the table of what an import or a sync changes: the
// references it creates ("site usa"), then the devices.
func changesSet(newRefs []string, create []*store.Device) *records.Set {
	res := &records.Set{Columns: []string{"action", "name", "changes"}}
	for _, r := range newRefs {
		kind, name, _ := strings.Cut(r, " ")
		res.Rows = append(res.Rows, []any{"create " + kind, name, ""})
	}
	for _, d := range create {
		res.Rows = append(res.Rows, []any{"create device", d.Name, d.Address})
	}
	return res
}

// fieldChanges says each change as "field: old -> new".
func fieldChanges(fields []inventory.FieldChange) []string {
	parts := make([]string, 0, len(fields))
	for _, f := range fields {
		parts = append(parts, fmt.Sprintf("%s: %s -> %s", f.Field, store.Quote(f.Old), store.Quote(f.New)))
	}
	return parts
}

func runExport(ctx context.Context, e *Env, c *Call) (*records.Set, error) {
	var ds []*store.Device
	var err error
	if c.Bool("selection") {
		ds, err = e.Selected(ctx)
	} else {
		ds, err = e.Devices(ctx)
	}
	if err != nil {
		return nil, err
	}
	file := c.Args[0]
	if file == "-" {
		return nil, inventory.WriteCSV(e.Out, ds)
	}
	tmp := file + ".tmp"
	f, err := os.OpenFile(tmp, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o644)
	if err != nil {
		return nil, err
	}
	err = inventory.WriteCSV(f, ds)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(tmp, file)
	}
	if err != nil {
		os.Remove(tmp)
		return nil, err
	}
	e.saidf("exported %d %s to %s", len(ds), plural("device", len(ds)), file)
	return nil, nil
}
