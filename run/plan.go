package run

import (
	"context"
	"errors"
	"fmt"
	"slices"

	"vc/engine"
	"vc/secrets"
	"vc/store"
	"vc/templates"
)

// Deps are what a run works with. The caller owns them: the engine keeps
// sessions warm from run to run, the keyring holds the unlocked vault.
type Deps struct {
	Store   *store.Store
	Engine  *engine.Runner
	Keyring *secrets.Keyring
	Library *templates.Library
	// Drain, when closed, stops the run from starting more devices (a
	// service asked to stop); nil never does.
	Drain <-chan struct{}
	// Shaper, when set, lays out the parsed outputs' rows as they are
	// parsed, in one table of its own columns (a view's); nil keeps a
	// table per command in the templates' columns.
	Shaper Shaper
}

// Shaper lays out a run's parsed outputs on the parse workers: a view
// (views.View.Shaper) maps each template record to its own columns as
// the output is parsed, on every core, and the templates' tables are
// never built. Columns are the one table's columns, the device first;
// its Title is Shaped's. Worker gives each parse worker a function of its
// own, called with each output that parsed (its device, platform,
// command, the template's fields and records), which returns the rows
// for the table, nil for none; cells may be pieces of the records'
// strings, which the run detaches from the output's text.
type Shaper interface {
	Columns() []string
	Shaped() string
	Worker() ShapeFunc
}

// ShapeFunc lays out one parsed output's records in a shaper's columns:
// one worker's, as Shaper.Worker gives it. An alias, so that a shaper
// outside run (views) need not name it.
type ShapeFunc = func(device, platform, command string, fields []string, records [][]any) [][]any

// plan is a spec resolved for the engine.
type plan struct {
	engine engine.Plan
	// platform is each target's platform, by name.
	platform map[string]string
	// gone are devices no longer in the inventory.
	gone []string
	// unchecked counts targets whose host key is not checked.
	unchecked int
	warnings  []string
	logins    *secrets.Logins
}

// resolve turns the spec's devices into engine targets: addresses,
// platform facts, site limits, jump hosts and credentials in the order to
// try them. The engine gets everything it needs and never reads the store.
// The logins must be closed once the run is over.
func resolve(ctx context.Context, d Deps, spec Spec) (*plan, error) {
	p := &plan{platform: map[string]string{},
		engine: engine.Plan{Commands: spec.Commands, Timeouts: spec.Timeouts, Overall: spec.Overall, Workers: spec.Workers,
			MaxOutput: spec.MaxOutput, Drain: d.Drain, GroupLimits: map[string]int{}}}
	var devs []*store.Device
	var platforms map[string]*store.Platform
	var sites map[string]*store.Site
	jumps := map[string]*store.Device{}
	err := d.Store.View(ctx, func(t *store.Tx) error {
		for _, name := range spec.Devices {
			dev, err := store.Get[store.Device](t, name)
			if errors.Is(err, store.ErrNotFound) {
				p.gone = append(p.gone, name)
				continue
			}
			if err != nil {
				return err
			}
			devs = append(devs, dev)
		}
		var err error
		if platforms, err = byName[store.Platform](t); err != nil {
			return err
		}
		if sites, err = byName[store.Site](t); err != nil {
			return err
		}
		// Jump hosts log in with credentials too: the device's own, or for
		// user@host:port the usual order with that user.
		for _, dev := range devs {
			ref := jumpRef(dev, sites)
			if ref == "" || jumps[ref] != nil {
				continue
			}
			j, err := store.ParseJump(ref)
			if err != nil {
				return fmt.Errorf("device %s: %w", dev.Name, err)
			}
			if j.Device == "" {
				jumps[ref] = store.NewDevice(ref)
				continue
			}
			jd, err := store.Get[store.Device](t, j.Device)
			if err != nil {
				return fmt.Errorf("device %s: jump host %s: %w", dev.Name, ref, err)
			}
			jumps[ref] = jd
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	if len(p.gone) > 0 {
		p.warnings = append(p.warnings, fmt.Sprintf("no longer in the inventory, skipped: %s", joinShort(p.gone)))
	}
	all := slices.Clone(devs)
	for _, jd := range jumps {
		all = append(all, jd)
	}
	lg, err := d.Keyring.Logins(ctx, all)
	if err != nil {
		return nil, err
	}
	p.logins = lg
	p.warnings = append(p.warnings, lg.Warnings...)
	if spec.Cred != "" {
		if err := preferCred(lg.ByDevice, spec.Cred); err != nil {
			lg.Close()
			return nil, err
		}
	}
	for _, dev := range devs {
		tg := target(dev, platforms, sites, lg.ByDevice)
		tg.OfferAllCreds = spec.AllCreds
		if cmds, ok := spec.ByPlatform[dev.Platform]; ok {
			tg.Commands = cmds
		}
		if ref := jumpRef(dev, sites); ref != "" {
			tg.Jump = jumpHost(ref, jumps[ref], platforms, sites, lg.ByDevice)
			tg.Jump.OfferAllCreds = spec.AllCreds
		}
		if s := sites[dev.Site]; s != nil && s.MaxSessions > 0 {
			p.engine.GroupLimits[tg.Group] = s.MaxSessions
		}
		if tg.IgnoreHostKey {
			p.unchecked++
		}
		p.platform[tg.Name] = tg.Platform
		p.engine.Targets = append(p.engine.Targets, tg)
	}
	return p, nil
}

// joinShort names a few items and counts the rest.
func joinShort(names []string) string {
	const show = 5
	if len(names) <= show {
		return fmt.Sprint(names)
	}
	return fmt.Sprintf("%v and %d more", names[:show], len(names)-show)
}

// preferCred moves the named credential to the front of every device's
// list (exec --cred).
func preferCred(logins map[string][]engine.Credential, name string) error {
	found := false
	for dev, cs := range logins {
		i := slices.IndexFunc(cs, func(c engine.Credential) bool { return c.Name == name })
		if i < 0 {
			continue
		}
		found = true
		c := cs[i]
		logins[dev] = append([]engine.Credential{c}, slices.Delete(slices.Clone(cs), i, i+1)...)
	}
	if !found {
		return fmt.Errorf("%w %q (see: cred list)", ErrNoCred, name)
	}
	return nil
}

// byName lists every record of a kind, by name.
func byName[T any, P interface {
	*T
	store.Entity
}](t *store.Tx) (map[string]P, error) {
	all, err := store.List[T, P](t)
	if err != nil {
		return nil, err
	}
	m := make(map[string]P, len(all))
	for _, r := range all {
		m[r.Key()] = r
	}
	return m, nil
}

// jumpRef is the jump host a device goes through: its own, or its site's.
func jumpRef(d *store.Device, sites map[string]*store.Site) string {
	ref := d.Jump
	if s := sites[d.Site]; ref == "" && s != nil {
		ref = s.Jump
	}
	if ref == d.Name {
		return ""
	}
	return ref
}

// ignoreHostKey is a device's host-key policy: its own setting when it
// has one (check or ignore), else its site's.
func ignoreHostKey(policy, site string, sites map[string]*store.Site) bool {
	if policy != "" {
		return policy == "ignore"
	}
	s := sites[site]
	return s != nil && s.HostKey == "ignore"
}

func target(d *store.Device, platforms map[string]*store.Platform, sites map[string]*store.Site, logins map[string][]engine.Credential) engine.Target {
	tg := engine.Target{Name: d.Name, Address: d.Address, Port: d.Port, Platform: d.Platform, Creds: logins[d.Name],
		Legacy: d.Legacy, IgnoreHostKey: ignoreHostKey(d.HostKey, d.Site, sites), Group: "site:" + d.Site}
	if p := platforms[d.Platform]; p != nil {
		tg.Legacy = tg.Legacy || p.Legacy
		tg.Prompt, tg.Paging = p.Prompt, p.Paging
	}
	return tg
}

// jumpHost describes the host a device connects through: an inventory
// device with its own settings, or user@host:port with the usual
// credentials under that user.
func jumpHost(ref string, jd *store.Device, platforms map[string]*store.Platform, sites map[string]*store.Site, logins map[string][]engine.Credential) *engine.JumpHost {
	j, _ := store.ParseJump(ref)
	if j.Device == "" {
		cs := slices.Clone(logins[jd.Name])
		if j.User != "" {
			for i := range cs {
				cs[i].User = j.User
			}
		}
		return &engine.JumpHost{Name: ref, Address: j.Host, Port: j.Port, Creds: cs}
	}
	jh := &engine.JumpHost{Name: jd.Name, Address: jd.Address, Port: jd.Port, Creds: logins[jd.Name], Legacy: jd.Legacy,
		IgnoreHostKey: ignoreHostKey(jd.HostKey, jd.Site, sites)}
	if p := platforms[jd.Platform]; p != nil {
		jh.Legacy = jh.Legacy || p.Legacy
	}
	return jh
}
