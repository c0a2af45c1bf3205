package console

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"strings"

	"vc/inventory/netbox"
	"vc/jobs"
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
				{Name: "save-job", Value: "SLUG", Help: "save this sync as a job, to run (run SLUG) or schedule (schedule add SLUG), instead of syncing now"},
				{Name: "replace", Help: "with --save-job: replace the job of that slug, if there is one"},
			},
			Summary: "read devices from NetBox into the inventory, all or nothing (read-only towards NetBox)",
			Help: "Devices come from /api/dcim/devices/ (NetBox 3.x and 4.x): name, primary IP, platform (its slug, or\n" +
				"a mapping set with netbox map), site, role, status, tags and custom fields. Devices\n" +
				"without a primary IP or a platform vc can drive are skipped, with the reason. A device vc got from\n" +
				"NetBox is marked (fields.netbox_url); --prune removes only those, never devices added by hand.\n" +
				"With --save-job SLUG the sync is saved as a job (its file paths made absolute) and not run: run SLUG\n" +
				"runs it, schedule add SLUG --cron ... makes the daemon run it, and each run is in history.\n" +
				"Exit status: 0, 3 when some devices were skipped, 2 for a bad option, 1 when NetBox refused or\n" +
				"could not be read.",
			Examples: []string{
				"device sync netbox --url https://netbox.example.com --token-file ~/.netbox-token --dry-run",
				"device sync netbox --url https://netbox.example.com --token-file ~/.netbox-token --filter site=ams1 --prune",
				"device sync netbox --url https://netbox.example.com --token-file /etc/vc/netbox-token --prune --save-job netbox-nightly",
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
	if err := checkSyncCall(c); err != nil {
		return nil, err
	}
	if slug := c.String("save-job", ""); slug != "" {
		return nil, e.saveSyncJob(ctx, c, slug)
	}
	plan, warnings, err := e.netboxSync(ctx, c)
	for _, w := range warnings {
		e.warnf("%s", w)
	}
	if err != nil {
		return nil, err
	}
	url := c.String("url", "")
	if c.Bool("dry-run") {
		e.saidf("dry run, nothing changed: would sync from %s: %s", url, plan.Summary())
	} else {
		e.saidf("synced from %s: %s", url, plan.Summary())
	}
	set := syncResult(plan)
	if len(plan.Skipped) > 0 {
		return set, &exitError{code: ExitPartial, err: fmt.Errorf("%d NetBox %s skipped", len(plan.Skipped), plural("device", len(plan.Skipped)))}
	}
	return set, nil
}

// checkSyncCall checks what device sync was given, before anything is
// read.
func checkSyncCall(c *Call) error {
	if c.Args[0] != "netbox" {
		return usagef("device sync: the only source is netbox (device sync netbox --url URL --token-file FILE)")
	}
	if c.String("url", "") == "" || c.String("token-file", "") == "" {
		return usagef("device sync netbox needs --url URL and --token-file FILE")
	}
	if c.Has("replace") && !c.Has("save-job") {
		return usagef("device sync: --replace goes with --save-job SLUG")
	}
	// Before the line can be saved as a job, or land in history: a URL
	// with a password in it never does.
	if err := netbox.CheckURL(c.String("url", "")); err != nil {
		return netboxErr(err)
	}
	if _, err := netbox.ParseFilters(c.Strings("filter")); err != nil {
		return netboxErr(err)
	}
	return nil
}

// netboxSync reads NetBox and syncs the inventory (or, with --dry-run,
// only plans it). The warnings are what a person should read whatever
// came of it.
func (e *Env) netboxSync(ctx context.Context, c *Call) (*netbox.Plan, []string, error) {
	var warnings []string
	tok, err := netbox.ReadTokenFile(c.String("token-file", ""))
	if err != nil {
		return nil, nil, netboxErr(err)
	}
	filters, err := netbox.ParseFilters(c.Strings("filter"))
	if err != nil {
		return nil, nil, netboxErr(err)
	}
	client, ws, err := netbox.New(netbox.Config{URL: c.String("url", ""), Token: tok, CAFile: c.String("ca-file", ""), Insecure: c.Bool("insecure")})
	if err != nil {
		return nil, nil, netboxErr(err)
	}
	for _, w := range ws {
		warnings = append(warnings, "warning: "+w)
	}
	snap, err := client.Devices(ctx, filters)
	if err != nil {
		return nil, warnings, netboxErr(err)
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
		return nil, warnings, netboxErr(err)
	}
	for _, s := range plan.Skipped {
		warnings = append(warnings, "skipped "+s.String())
	}
	for _, d := range plan.Dropped {
		warnings = append(warnings, fmt.Sprintf("left out of %s: %s: %v", d.Device, d.Field, d.Reason))
	}
	for _, k := range plan.Kept {
		warnings = append(warnings, fmt.Sprintf("kept %s: %v", k.Device, k.Reason))
	}
	if len(plan.Remove) > 0 && !plan.Prune {
		warnings = append(warnings, fmt.Sprintf("%d %s NetBox no longer lists (--prune removes them): %s",
			len(plan.Remove), plural("device", len(plan.Remove)), removals(plan.Remove)))
	}
	return plan, warnings, nil
}

// syncLine is a device sync call as a sync job keeps it: the source and
// its flags in a fixed order, file paths absolute (the daemon runs from
// another directory), without --save-job.
func syncLine(c *Call) (string, error) {
	parts := []string{c.Args[0]}
	for _, name := range []string{"url", "token-file", "ca-file"} {
		v := c.String(name, "")
		if v == "" {
			continue
		}
		if name != "url" {
			abs, err := filepath.Abs(v)
			if err != nil {
				return "", fmt.Errorf("--%s %s: %w", name, v, err)
			}
			v = abs
		}
		parts = append(parts, "--"+name, quoteWord(v))
	}
	for _, f := range c.Strings("filter") {
		parts = append(parts, "--filter", quoteWord(f))
	}
	for _, name := range []string{"prune", "insecure", "ipv6", "dry-run"} {
		if c.Bool(name) {
			parts = append(parts, "--"+name)
		}
	}
	return strings.Join(parts, " "), nil
}

// saveSyncJob saves a device sync as a job.
func (e *Env) saveSyncJob(ctx context.Context, c *Call, slug string) error {
	if err := jobs.ValidSlug(slug); err != nil {
		return jobError(err)
	}
	line, err := syncLine(c)
	if err != nil {
		return usagef("device sync: %v", err)
	}
	j := &jobs.Job{Slug: slug, Sync: line, From: "device sync"}
	if err := e.checkJob(ctx, j); err != nil {
		return err
	}
	if _, err := jobs.Save(ctx, e.Store, []*jobs.Job{j}, jobs.SaveOptions{Replace: c.Bool("replace")}); err != nil {
		return jobError(err)
	}
	e.saidf("saved job %s: device sync %s (run it with: run %s; schedule it with: schedule add %s --cron ...)", slug, line, slug, slug)
	return nil
}

// checkSyncJob checks a sync job's line as device sync would take it.
func (e *Env) checkSyncJob(line string) error {
	c, err := e.cmds.Parse("device sync " + line)
	if err != nil {
		return err
	}
	if c.Cmd.Name != "device sync" || len(c.Stages) > 0 {
		return fmt.Errorf("not the arguments of device sync (netbox --url URL --token-file FILE ...)")
	}
	if c.Has("save-job") || c.Has("replace") {
		return fmt.Errorf("--save-job and --replace are not for a job's own sync")
	}
	if err := checkSyncCall(c); err != nil {
		return err
	}
	for _, name := range []string{"token-file", "ca-file"} {
		if v := c.String(name, ""); v != "" && !filepath.IsAbs(v) {
			return fmt.Errorf("--%s %s: give an absolute path: a job runs from wherever vc or the daemon was started", name, v)
		}
	}
	return nil
}

// syncJob runs a sync job's line, for run and the daemon.
func (e *Env) syncJob(ctx context.Context, j *jobs.Job) (jobs.SyncResult, error) {
	if err := e.checkSyncJob(j.Sync); err != nil {
		return jobs.SyncResult{}, fmt.Errorf("job %s: sync: %w", j.Slug, err)
	}
	c, err := e.cmds.Parse("device sync " + j.Sync)
	if err != nil {
		return jobs.SyncResult{}, err
	}
	plan, warnings, err := e.netboxSync(ctx, c)
	if err != nil {
		return jobs.SyncResult{Warnings: warnings}, err
	}
	synced := len(plan.Create) + len(plan.Update) + plan.Unchanged
	r := jobs.SyncResult{Summary: plan.Summary(), Devices: synced + len(plan.Skipped), Synced: synced, Skipped: len(plan.Skipped), Warnings: warnings}
	if c.Bool("dry-run") {
		r.Summary = "dry run, nothing changed: would be " + r.Summary
	}
	return r, nil
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
	set := changesSet(p.NewRefs, p.Create)
	set.Empty = "nothing to change"
	for _, u := range p.Update {
		parts := fieldChanges(u.Fields)
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
