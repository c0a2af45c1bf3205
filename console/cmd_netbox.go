package console

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"vc/inventory/netbox"
	"vc/records"
	"vc/store"
)

func netboxCommands() []*Command {
	return []*Command{
		{
			Name: "device sync", Args: "netbox", Group: groupInventory, MinArgs: 1, MaxArgs: 1,
			Flags: []Flag{
				{Name: "url", Value: "URL", Help: "NetBox's address, as in a browser (https://netbox.example.com)"},
				{Name: "token-file", Value: "FILE", Help: "a file holding the API token (never give the token itself)"},
				{Name: "filter", Value: "KEY=VALUE", Many: true, Help: "a NetBox device filter (site=ams1, role=leaf, tag=core, status=active...)"},
				{Name: "dry-run", Help: "say what would change, change nothing"},
				{Name: "prune", Help: "remove devices vc got from this NetBox that it no longer lists"},
				{Name: "ca-file", Value: "FILE", Help: "trust these CA certificates (PEM) for NetBox's TLS"},
				{Name: "insecure", Help: "do not verify NetBox's certificate (anyone on the path can read the token)"},
				{Name: "ipv6", Help: "take primary_ip6 when a device has both primary addresses"},
			},
			Summary: "read devices from NetBox into the inventory, all or nothing (read-only towards NetBox)",
			Help: "Devices come from /api/dcim/devices/ (NetBox 3.x and 4.x): name, primary IP, platform (its slug, or\n" +
				"a mapping set with netbox map), site, role, status, tags and custom fields. Devices\n" +
				"without a primary IP or a platform vc can drive are skipped, with the reason. A device vc got from\n" +
				"NetBox is marked (fields.netbox_url); --prune removes only those, never devices added by hand.\n" +
				"Exit status: 0, 3 when some devices were skipped, 2 for a bad option, 1 when NetBox refused or\n" +
				"could not be read.",
			Examples: []string{
				"device sync netbox --url https://netbox.example.com --token-file ~/.netbox-token --dry-run",
				"device sync netbox --url https://netbox.example.com --token-file ~/.netbox-token --filter site=ams1 --prune",
			},
			Run: runNetBoxSync,
		},
		{
			Name: "netbox map", Args: "SLUG TYPE", Group: groupInventory, MinArgs: 2, MaxArgs: 2,
			Summary:  "sync NetBox's platform SLUG as vc's platform TYPE (a Netmiko device type)",
			Examples: []string{"netbox map ios cisco_ios", "netbox map junos juniper_junos"},
			Run: func(ctx context.Context, e *Env, c *Call) (*records.Set, error) {
				err := e.Store.Update(ctx, func(t *store.Tx) error { return netbox.MapPlatform(t, c.Args[0], c.Args[1]) })
				if err != nil {
					return nil, err
				}
				e.saidf("NetBox platform %s syncs as %s", c.Args[0], c.Args[1])
				return nil, nil
			},
		},
		{
			Name: "netbox unmap", Args: "SLUG", Group: groupInventory, MinArgs: 1, MaxArgs: 1,
			Summary:  "forget the mapping of a NetBox platform",
			Examples: []string{"netbox unmap ios"},
			Run: func(ctx context.Context, e *Env, c *Call) (*records.Set, error) {
				return nil, e.Store.Update(ctx, func(t *store.Tx) error { return netbox.UnmapPlatform(t, c.Args[0]) })
			},
		},
		{
			Name: "netbox maps", Group: groupInventory, Flags: []Flag{jsonFlag},
			Summary:  "list the NetBox platform mappings",
			Examples: []string{"netbox maps"},
			Run: func(ctx context.Context, e *Env, c *Call) (*records.Set, error) {
				var maps []netbox.PlatformMap
				err := e.Store.View(ctx, func(t *store.Tx) error {
					var err error
					maps, err = netbox.PlatformMaps(t)
					return err
				})
				if err != nil {
					return nil, err
				}
				set := &records.Set{Columns: []string{"netbox", "platform"}, Empty: "no mappings: NetBox platform slugs are used as they are"}
				for _, m := range maps {
					set.Rows = append(set.Rows, []any{m.Slug, m.Platform})
				}
				return set, nil
			},
		},
	}
}

func runNetBoxSync(ctx context.Context, e *Env, c *Call) (*records.Set, error) {
	if c.Args[0] != "netbox" {
		return nil, usagef("device sync: the only source is netbox (device sync netbox --url URL --token-file FILE)")
	}
	url, file := c.String("url", ""), c.String("token-file", "")
	if url == "" || file == "" {
		return nil, usagef("device sync netbox needs --url URL and --token-file FILE")
	}
	tok, err := netbox.ReadTokenFile(file)
	if err != nil {
		return nil, netboxErr(err)
	}
	filters, err := netbox.ParseFilters(c.Strings("filter"))
	if err != nil {
		return nil, netboxErr(err)
	}
	client, warnings, err := netbox.New(netbox.Config{URL: url, Token: tok, CAFile: c.String("ca-file", ""), Insecure: c.Bool("insecure")})
	if err != nil {
		return nil, netboxErr(err)
	}
	for _, w := range warnings {
		e.warnf("warning: %s", w)
	}
	snap, err := client.Devices(ctx, filters)
	if err != nil {
		return nil, netboxErr(err)
	}
	o := netbox.SyncOptions{Prune: c.Bool("prune"), PreferIPv6: c.Bool("ipv6")}
	var plan *netbox.Plan
	if c.Bool("dry-run") {
		err = e.Store.View(ctx, func(t *store.Tx) error {
			var err error
			plan, err = netbox.PlanSync(t, snap, o)
			return err
		})
	} else {
		err = e.Store.Update(ctx, func(t *store.Tx) error {
			var err error
			if plan, err = netbox.PlanSync(t, snap, o); err != nil {
				return err
			}
			return plan.Apply(t)
		})
	}
	if err != nil {
		return nil, netboxErr(err)
	}
	for _, s := range plan.Skipped {
		e.warnf("skipped %s", s.String())
	}
	for _, d := range plan.Dropped {
		e.warnf("left out of %s: %s: %v", d.Device, d.Field, d.Reason)
	}
	for _, k := range plan.Kept {
		e.warnf("kept %s: %v", k.Device, k.Reason)
	}
	if len(plan.Remove) > 0 && !plan.Prune {
		e.warnf("%d %s NetBox no longer lists (--prune removes them): %s", len(plan.Remove), plural("device", len(plan.Remove)), removals(plan.Remove))
	}
	if c.Bool("dry-run") {
		e.saidf("dry run, nothing changed: would sync from %s: %s", url, plan.Summary())
	} else {
		e.saidf("synced from %s: %s", url, plan.Summary())
		e.devices = deviceCache{}
	}
	set := syncResult(plan)
	if len(plan.Skipped) > 0 {
		return set, &exitError{code: ExitPartial, err: fmt.Errorf("%d NetBox %s skipped", len(plan.Skipped), plural("device", len(plan.Skipped)))}
	}
	return set, nil
}

func removals(rs []netbox.Removal) string {
	names := make([]string, len(rs))
	for i, r := range rs {
		names[i] = r.Device
	}
	return joinFew(names, 10)
}

// syncResult is the plan as records, in the shape of an import's.
func syncResult(p *netbox.Plan) *records.Set {
	set := &records.Set{Columns: []string{"action", "name", "changes"}, Empty: "nothing to change"}
	for _, r := range p.NewRefs {
		kind, name, _ := strings.Cut(r, " ")
		set.Rows = append(set.Rows, []any{"create " + kind, name, ""})
	}
	for _, d := range p.Create {
		set.Rows = append(set.Rows, []any{"create device", d.Name, d.Address})
	}
	for _, u := range p.Update {
		var parts []string
		for _, f := range u.Fields {
			parts = append(parts, fmt.Sprintf("%s: %s -> %s", f.Field, store.Quote(f.Old), store.Quote(f.New)))
		}
		action := "update device"
		if u.Rename != "" {
			action = "rename device"
		}
		if u.Adopted {
			parts = append(parts, "(from now on NetBox's)")
		}
		set.Rows = append(set.Rows, []any{action, u.Device, strings.Join(parts, "; ")})
	}
	if p.Prune {
		for _, r := range p.Remove {
			set.Rows = append(set.Rows, []any{"remove device", r.Device, ""})
		}
	}
	return set
}

// netboxErr gives a NetBox failure its exit status: a bad option is a
// usage error.
func netboxErr(err error) error {
	if errors.Is(err, netbox.ErrInvalidOption) {
		return &usageError{msg: err.Error()}
	}
	return err
}
