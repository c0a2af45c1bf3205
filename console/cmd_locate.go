package console

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"vc/records"
	"vc/run"
	"vc/store"
	"vc/views"
)

func runLocate(ctx context.Context, e *Env, c *Call) (*records.Set, error) {
	q, err := views.ParseQuery(c.Args[0])
	if err != nil {
		return nil, usagef("locate: %v", err)
	}
	cat, err := e.viewCatalog(views.LocateViews...)
	if err != nil {
		return nil, err
	}
	vs := make([]*views.View, len(views.LocateViews))
	for i, n := range views.LocateViews {
		if vs[i], err = cat.Get(n); err != nil {
			return nil, viewError(err)
		}
	}
	devs, expr, err := e.locateDevices(ctx, c.String("select", ""))
	if err != nil {
		return nil, err
	}
	// One fan-out answers every view: each platform is sent the union
	// of its commands.
	spec := run.Spec{Origin: "locate " + c.Args[0], ByPlatform: views.MergeCommands(vs...), Stages: c.StageLines(), Selection: expr}
	if err := runSpecFlags(c, &spec); err != nil {
		return nil, err
	}
	var asked []views.Device
	lacking := map[string][]string{}
	for _, d := range viewDevices(devs) {
		if _, ok := spec.ByPlatform[d.Platform]; ok {
			asked = append(asked, d)
			spec.Devices = append(spec.Devices, d.Name)
		} else {
			lacking[d.Platform] = append(lacking[d.Platform], d.Name)
		}
	}
	e.sayLacking("arp, mac or lldp", lacking)
	if len(asked) == 0 {
		return nil, errors.New("none of these devices has an ARP or MAC table view")
	}
	if err := e.confirmTargets("locate", func() int { return len(asked) }); err != nil {
		return nil, err
	}
	res, err := e.executeSpec(ctx, spec)
	if err != nil {
		return nil, err
	}
	in := views.Input{Records: res.Records, Devices: asked}
	var t views.Tables
	// An output no template read leaves a table short: said once, not
	// once for every view that looked at it.
	var unparsed views.Report
	said := map[[2]string]bool{}
	for i, v := range vs {
		set, rep := v.Apply(in)
		for _, u := range rep.Unparsed {
			if k := [2]string{u.Platform, u.Command}; !said[k] {
				said[k] = true
				unparsed.Unparsed = append(unparsed.Unparsed, u)
			}
		}
		switch views.LocateViews[i] {
		case "arp":
			t.ARP = set
		case "mac":
			t.MAC = set
		case "lldp":
			t.LLDP = set
		case "interfaces":
			t.Interfaces = set
		}
	}
	e.sayViewReport("locate", unparsed)
	l := views.Locate(q, t)
	e.sayLocated(l)
	set := l.Set()
	set.Raw = res.Records.Raw
	if c.Bool("json") {
		set.Format = "json"
	}
	return set, e.runOutcome(ctx, res.Run)
}

// locateDevices are the devices locate asks: those of --select, else the
// selection.
func (e *Env) locateDevices(ctx context.Context, expr string) ([]*store.Device, string, error) {
	if expr == "" {
		sel, err := e.Selected(ctx)
		if err != nil {
			return nil, "", err
		}
		if len(sel) == 0 {
			return nil, "", errors.New("no devices selected; choose some with select EXPR, or give --select EXPR")
		}
		return sel, e.selectionExpr, nil
	}
	sel, err := e.resolve(ctx, expr)
	if err != nil {
		return nil, "", fmt.Errorf("--select: %w", err)
	}
	if len(sel.Devices) == 0 {
		return nil, "", fmt.Errorf("--select %s selects no device", expr)
	}
	return sel.Devices, sel.Expr, nil
}

// sayLocated says the answer in a sentence, on stderr; the chain is the
// records.
func (e *Env) sayLocated(l *views.Located) {
	what := l.Query.Text
	if l.Query.IP != "" && len(l.MACs) > 0 {
		what += " (" + strings.Join(l.MACs, ", ") + ")"
	} else if l.Query.MAC != "" && len(l.IPs) > 0 {
		what += " (" + strings.Join(l.IPs, ", ") + ")"
	}
	switch {
	case len(l.Seen) == 0:
		e.saidf("%s: not found in any ARP or MAC table", l.Query.Text)
	case len(l.Attached) == 0 && len(l.MACs) == 0:
		e.saidf("%s: in the ARP tables with no MAC address (incomplete)", what)
	case len(l.Attached) == 0:
		e.saidf("%s: seen only through uplinks, no access port has it (is its switch among the devices asked?)", what)
	default:
		for _, a := range l.Attached {
			vlan := ""
			if a.VLAN != nil {
				vlan = fmt.Sprintf(" (vlan %v)", a.VLAN)
			}
			e.saidf("%s is attached to %s %s%s", what, a.Device, a.Interface, vlan)
		}
	}
}
