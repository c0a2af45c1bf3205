package console

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"vc/engine"
	"vc/records"
	"vc/run"
	"vc/views"
)

// runFlags are the flags get and locate share with exec: how the run
// goes, not what it asks.
var runFlags = []Flag{
	{Name: "cred", Value: "NAME", Help: "try this credential first"},
	{Name: "timeout", Value: "DURATION", Help: "time each command may take (default 30s)"},
	{Name: "connect-timeout", Value: "DURATION", Help: "time to connect, and to log in with each credential (default 10s each)"},
	{Name: "run-timeout", Value: "DURATION", Help: "time the whole run may take; devices not done by then fail (default: no limit)"},
	{Name: "workers", Value: "N", Help: fmt.Sprintf("devices talked to at once (default %d)", engine.DefaultWorkers)},
	{Name: "no-capture", Help: "keep no outputs of this run (it is still recorded in history)"},
}

func getCommands() []*Command {
	return []*Command{
		{
			Name: "get", Args: "VIEW", Group: groupRun, MinArgs: 1, MaxArgs: 1,
			Flags: append(slices.Clone(runFlags),
				Flag{Name: "raw", Help: "show the template fields the view reads, unmapped (one table per command)"},
				jsonFlag),
			Summary: "ask every selected device one vendor-neutral question (a view: facts, arp, mac, interfaces, lldp, ip)",
			Help: "Each platform is sent its own commands for the view, and the parsed answers are read into one\n" +
				"table with the same columns and units on every platform: MAC addresses as aa:bb:cc:dd:ee:ff,\n" +
				"durations in seconds, interface names in their long form, port states as up, down, disabled or\n" +
				"notconnect. In JSON, numbers are numbers. Devices whose platform has no such view are named\n" +
				"once and not run. The run is recorded like an exec's, its outputs kept with the view's name as\n" +
				"their capture type; retry runs it again through the view. See views list and views show.\n\n" +
				"Exit status: 0 when every device answered, 3 when some failed, 4 when all failed.",
			Examples: []string{
				"get facts",
				"get arp |> where age > 300",
				"get interfaces |> where status == \"notconnect\" |> count by device",
				"get facts --raw",
				"get lldp --json",
			},
			Run: runGet,
		},
		{
			Name: "locate", Args: "IP|MAC", Group: groupRun, MinArgs: 1, MaxArgs: 1,
			Flags: append(slices.Clone(runFlags),
				Flag{Name: "select", Value: "EXPR", Help: "ask these devices instead of the selection (a select expression)"},
				jsonFlag),
			Summary: "find the switch port a host is attached to, from its IP or MAC address",
			Help: "One run asks every device for its ARP, MAC, LLDP and port tables (the arp, mac, lldp and\n" +
				"interfaces views). The IP address gives MAC addresses by the ARP tables; each MAC address is\n" +
				"looked up in the MAC tables, and the ports that lead to other switches (an LLDP neighbour at\n" +
				"the other end, or a trunk) are left out: what remains is where the host is attached. Every\n" +
				"sighting is listed, the answer first, so the chain shows which device saw it where.",
			Examples: []string{"locate 10.1.110.23", "locate 0050.56a4.1b2c --select site == \"usa\"", "locate 10.1.110.23 --json"},
			Run:      runLocate,
		},
	}
}

// runSpecFlags reads the run flags into a spec.
func runSpecFlags(c *Call, spec *run.Spec) error {
	var err error
	spec.Cred = c.String("cred", "")
	if spec.Timeouts.Command, err = c.Duration("timeout", 0); err != nil {
		return err
	}
	if spec.Timeouts.Connect, err = c.Duration("connect-timeout", 0); err != nil {
		return err
	}
	spec.Timeouts.Handshake = spec.Timeouts.Connect
	if spec.Overall, err = c.Duration("run-timeout", 0); err != nil {
		return err
	}
	if spec.Workers, err = c.Int("workers", 0); err != nil {
		return err
	}
	spec.NoCapture = c.Bool("no-capture")
	return nil
}

func runGet(ctx context.Context, e *Env, c *Call) (*records.Set, error) {
	name := c.Args[0]
	v, err := e.view(name)
	if err != nil {
		return nil, err
	}
	spec := run.Spec{Origin: "get " + name, View: name, CaptureType: name, ByPlatform: v.ByPlatform(),
		Stages: c.StageLines(), Selection: e.selectionExpr}
	if err := runSpecFlags(c, &spec); err != nil {
		return nil, err
	}
	sel, err := e.selectedToRun(ctx)
	if err != nil {
		return nil, err
	}
	has, lacking := v.Split(viewDevices(sel))
	e.sayLacking(name, lacking)
	if len(has) == 0 {
		return nil, fmt.Errorf("no selected device has a %s view; its platforms are %s", name, strings.Join(v.PlatformNames(), ", "))
	}
	if err := e.confirmTargets("get "+name, func() int { return len(has) }); err != nil {
		return nil, err
	}
	for _, d := range has {
		spec.Devices = append(spec.Devices, d.Name)
	}
	return e.getRun(ctx, v, spec, has, c.Bool("raw"), c.Bool("json"))
}

// sayLacking names, once per platform, the devices a view cannot ask.
func (e *Env) sayLacking(view string, lacking map[string][]string) {
	plats := make([]string, 0, len(lacking))
	for p := range lacking {
		plats = append(plats, p)
	}
	slices.Sort(plats)
	for _, p := range plats {
		n := len(lacking[p])
		if p == "" {
			p = "devices without a platform"
		}
		e.saidf("no %s view for %s: %d %s (not run)", view, p, n, plural("device", n))
	}
}

// getRun runs a view's spec as exec runs its own, then reads the parsed
// tables through the view.
func (e *Env) getRun(ctx context.Context, v *views.View, spec run.Spec, devs []views.Device, raw, asJSON bool) (*records.Set, error) {
	var shaper *views.Shaper
	if !raw {
		shaper = v.Shaper(devs)
	}
	res, err := e.executeShaped(ctx, spec, shaper)
	if err != nil {
		return nil, err
	}
	set := res.Records
	if !raw {
		var rep views.Report
		set, rep = v.Apply(views.Input{Records: res.Records, Devices: devs})
		e.sayViewReport(v.Name, rep)
	}
	if asJSON {
		set.Format = "json"
	}
	return set, e.runOutcome(ctx, res.Run)
}

// sayViewReport says what a view could not read.
func (e *Env) sayViewReport(view string, rep views.Report) {
	for _, u := range rep.Unparsed {
		n := len(u.Devices)
		e.warnf("%s: no template parsed %q on %s (%d %s): the fields it gives are empty (see: templates match %s %q)",
			view, u.Command, u.Platform, n, plural("device", n), u.Platform, u.Command)
	}
	if n := len(rep.NoRows); n > 0 {
		e.saidf("%s: no records from %d %s: %s", view, n, plural("device", n), joinFew(rep.NoRows, 5))
	}
}

// executeAgain runs a recorded spec again (retry): a view's run is read
// through its view once more.
func (e *Env) executeAgain(ctx context.Context, spec run.Spec, asJSON bool) (*records.Set, error) {
	if spec.View == "" {
		return e.execute(ctx, spec, asJSON)
	}
	v, err := e.view(spec.View)
	if err != nil {
		return nil, err
	}
	devs, err := e.viewDevicesNamed(ctx, spec.Devices)
	if err != nil {
		return nil, err
	}
	return e.getRun(ctx, v, spec, devs, false, asJSON)
}
