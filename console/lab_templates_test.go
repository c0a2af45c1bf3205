package console

import (
	"context"
	"path/filepath"
	"testing"
	"time"

	"vc/engine"
	"vc/lab"
	"vc/templates"
)

// labServed are the commands the lab serves, by platform, but for the
// configurations: every one has a built-in template. (Routers running XR
// have no MAC table or switch-port status; Junos asks for its clock with
// show system uptime and its interfaces with show interfaces terse.)
var labServed = map[string][]string{
	"arista_eos":    {"show version", "show ip arp", "show mac address-table", "show interfaces status", "show ip interface brief", "show lldp neighbors", "show clock"},
	"cisco_ios":     {"show version", "show ip arp", "show mac address-table", "show interfaces status", "show ip interface brief", "show lldp neighbors", "show clock"},
	"cisco_nxos":    {"show version", "show ip arp", "show mac address-table", "show interface status", "show interfaces status", "show ip interface brief", "show lldp neighbors", "show clock"},
	"cisco_xr":      {"show version", "show arp", "show ip interface brief", "show ipv4 interface brief", "show lldp neighbors", "show clock"},
	"juniper_junos": {"show version", "show arp", "show arp no-resolve", "show ethernet-switching table", "show lldp neighbors", "show system uptime", "show interfaces terse"},
	"linux":         {"uname -a", "arp -a", "arp -an", "ip address show", "ip addr", "ip a"},
}

// TestBuiltinTemplatesReadLabOutput: every built-in template reads what the
// lab's devices say, every line of it, through the real engine.
func TestBuiltinTemplatesReadLabOutput(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	l, err := lab.Start(ctx, lab.Options{Devices: len(lab.PlatformNames()), Listen: "127.0.0.1", Port: 0,
		Platforms: lab.PlatformNames(), User: "admin", Password: "admin", Seed: 7})
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	lib, err := templates.NewLibrary(templates.Options{})
	if err != nil {
		t.Fatal(err)
	}
	r, err := engine.NewRunner(engine.Options{KnownHosts: filepath.Join(t.TempDir(), "known_hosts"), Keepalive: time.Minute})
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	for _, d := range l.Devices() {
		cmds := labServed[d.Platform]
		tg := engine.Target{Name: d.Name, Address: d.Address, Port: d.Port, Platform: d.Platform,
			Creds: []engine.Credential{{Name: "lab", User: "admin", Password: "admin"}}}
		res := r.Collect(ctx, engine.Plan{Targets: []engine.Target{tg}, Commands: cmds})[d.Name]
		if res.Err != nil {
			t.Errorf("%s (%s): %v", d.Name, d.Platform, res.Err)
			continue
		}
		for _, o := range res.Outputs {
			parsed, sel, err := lib.Parse(d.Platform, o.Command, o.Text)
			if err != nil {
				t.Errorf("%s %q: %v", d.Platform, o.Command, err)
				continue
			}
			if sel.Layer != "built-in" {
				t.Errorf("%s %q: chosen from %s, want built-in", d.Platform, o.Command, sel.Layer)
			}
			if parsed.Score.Records == 0 || parsed.Score.Unmatched > 0 {
				t.Errorf("%s %q with %s: %d records, %d lines unmatched (%v) in:\n%s", d.Platform, o.Command, parsed.Template,
					parsed.Score.Records, parsed.Score.Unmatched, parsed.Score.UnmatchedLines, o.Text)
			}
		}
	}
}
