package console

import (
	"context"
	"errors"
	"fmt"
	"slices"

	"vc/engine"
	"vc/store"
)

// plan resolves the request's devices into engine targets: addresses,
// platform facts, site limits, jump hosts and credentials in the order to
// try them. The engine gets everything it needs and never reads the store.
// done releases what the credentials hold (an ssh-agent connection) once
// the run is over.
func (e *Env) plan(ctx context.Context, req *execRequest) (plan engine.Plan, done func(), err error) {
	plan = engine.Plan{Commands: req.commands, Timeouts: req.timeouts, Overall: req.overall, Workers: req.workers, GroupLimits: map[string]int{}}
	var devs []*store.Device
	var platforms map[string]*store.Platform
	var sites map[string]*store.Site
	jumps := map[string]*store.Device{}
	err = e.Store.View(ctx, func(t *store.Tx) error {
		for _, name := range req.devices {
			d, err := store.Get[store.Device](t, name)
			if errors.Is(err, store.ErrNotFound) {
				e.warnf("device %s is no longer in the inventory; skipped", name)
				continue
			}
			if err != nil {
				return err
			}
			devs = append(devs, d)
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
		for _, d := range devs {
			ref := jumpRef(d, sites)
			if ref == "" || jumps[ref] != nil {
				continue
			}
			j, err := store.ParseJump(ref)
			if err != nil {
				return fmt.Errorf("device %s: %w", d.Name, err)
			}
			if j.Device == "" {
				jumps[ref] = store.NewDevice(ref)
				continue
			}
			jd, err := store.Get[store.Device](t, j.Device)
			if err != nil {
				return fmt.Errorf("device %s: jump host %s: %w", d.Name, ref, err)
			}
			jumps[ref] = jd
		}
		return nil
	})
	if err != nil {
		return plan, nil, err
	}
	all := slices.Clone(devs)
	for _, jd := range jumps {
		all = append(all, jd)
	}
	lg, err := e.keyring.Logins(ctx, all)
	if err != nil {
		return plan, nil, err
	}
	for _, w := range lg.Warnings {
		e.warnf("%s", w)
	}
	done = lg.Close
	logins := lg.ByDevice
	if req.cred != "" {
		if err := preferCred(logins, req.cred); err != nil {
			done()
			return plan, nil, err
		}
	}
	for _, d := range devs {
		tg := e.target(d, platforms, sites, logins)
		if ref := jumpRef(d, sites); ref != "" {
			tg.Jump = jumpHost(ref, jumps[ref], platforms, sites, logins)
		}
		if s := sites[d.Site]; s != nil && s.MaxSessions > 0 {
			plan.GroupLimits[tg.Group] = s.MaxSessions
		}
		plan.Targets = append(plan.Targets, tg)
	}
	return plan, done, nil
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
		return fmt.Errorf("no credential %q (see: cred list)", name)
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

func (e *Env) target(d *store.Device, platforms map[string]*store.Platform, sites map[string]*store.Site, logins map[string][]engine.Credential) engine.Target {
	tg := engine.Target{Name: d.Name, Address: d.Address, Port: d.Port, Platform: d.Platform, Creds: logins[d.Name],
		Legacy: d.Legacy, IgnoreHostKey: d.HostKey == "ignore", Group: "site:" + d.Site}
	if p := platforms[d.Platform]; p != nil {
		tg.Legacy = tg.Legacy || p.Legacy
		tg.Prompt, tg.Paging = p.Prompt, p.Paging
	}
	if s := sites[d.Site]; s != nil {
		tg.IgnoreHostKey = tg.IgnoreHostKey || s.HostKey == "ignore"
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
	jh := &engine.JumpHost{Name: jd.Name, Address: jd.Address, Port: jd.Port, Creds: logins[jd.Name], Legacy: jd.Legacy, IgnoreHostKey: jd.HostKey == "ignore"}
	if p := platforms[jd.Platform]; p != nil {
		jh.Legacy = jh.Legacy || p.Legacy
	}
	if s := sites[jd.Site]; s != nil {
		jh.IgnoreHostKey = jh.IgnoreHostKey || s.HostKey == "ignore"
	}
	return jh
}
