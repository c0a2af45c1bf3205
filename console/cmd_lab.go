package console

import (
	"context"
	"strings"
	"vc/records"

	"vc/lab"
)

func labCommands() []*Command {
	d := lab.DefaultOptions()
	return []*Command{
		{
			Name: "lab", Group: groupLab,
			Flags: []Flag{
				{Name: "devices", Value: "N", Help: "how many devices to serve (default 10)"},
				{Name: "listen", Value: "ADDR", Help: "address to listen on (default " + d.Listen + ")"},
				{Name: "port", Value: "PORT", Help: "first port; devices take consecutive ports (default 10000)"},
				{Name: "platforms", Value: "LIST", Help: "platforms to spread the devices over (default " + strings.Join(lab.DefaultPlatforms, ",") + ")"},
				{Name: "user", Value: "USER", Help: "login user (default " + d.User + ")"},
				{Name: "password", Value: "PASSWORD", Help: "login password of the simulated devices (default " + d.Password + "; not a real secret)"},
				{Name: "enable-secret", Value: "SECRET", Help: "enable secret of cisco_ios devices (default: the password)"},
				{Name: "latency", Value: "DURATION", Help: "added delay per round trip, such as 20ms"},
				{Name: "seed", Value: "N", Help: "seed for names, outputs, keys and faults (default 1)"},
				{Name: "faults", Value: "LIST", Help: "shares of faulty devices: auth=1%,timeout=1%,hang=1%,drop=1%,slow=1%"},
				{Name: "legacy", Value: "LIST", Help: "platforms whose devices offer only legacy algorithms (group1 kex, aes128-cbc, ssh-rsa)"},
				{Name: "inventory", Value: "FILE", Help: "write the fleet as a device import CSV"},
			},
			Summary: "serve a simulated fleet of network devices over SSH, until interrupted",
			Help: "Each device answers on its own port with its platform's prompt, paging, privilege levels,\n" +
				"errors and outputs (show version, show ip arp, show interfaces status, show running-config...),\n" +
				"generated from the seed. When every device listens, vc writes the inventory and prints a line\n" +
				"with \"ready\". Faulty devices are tagged fault-auth, fault-timeout... in the inventory.",
			Examples: []string{
				"lab --devices 1000 --inventory lab.csv",
				"lab --devices 50 --faults auth=2%,timeout=2% --latency 20ms --inventory lab.csv",
			},
			Run: runLab,
		},
		{
			Name: "lab touch", Group: groupLab, MaxArgs: 0,
			Flags: []Flag{
				{Name: "inventory", Value: "FILE", Help: "the inventory a running lab wrote"},
				{Name: "device", Value: "NAME", Help: "the device to change"},
				{Name: "host-key", Help: "rotate the device's host key instead of changing its configuration"},
			},
			Summary:  "change a lab device's running configuration (or host key), as an operator would",
			Examples: []string{"lab touch --inventory lab.csv --device usa-leaf-001", "lab touch --inventory lab.csv --device usa-leaf-001 --host-key"},
			Run: func(ctx context.Context, e *Env, c *Call) (*records.Set, error) {
				inv, dev := c.String("inventory", ""), c.String("device", "")
				if inv == "" || dev == "" {
					return nil, usagef("lab touch: --inventory FILE and --device NAME are both needed")
				}
				if err := lab.Touch(inv, dev, lab.TouchOptions{HostKey: c.Bool("host-key")}); err != nil {
					return nil, err
				}
				what := "running configuration"
				if c.Bool("host-key") {
					what = "host key"
				}
				e.saidf("changed the %s of %s", what, dev)
				return nil, nil
			},
		},
	}
}

func runLab(ctx context.Context, e *Env, c *Call) (*records.Set, error) {
	o := lab.DefaultOptions()
	var err error
	if o.Devices, err = c.Int("devices", o.Devices); err != nil {
		return nil, err
	}
	if o.Port, err = c.Int("port", o.Port); err != nil {
		return nil, err
	}
	seed, err := c.Int("seed", int(o.Seed))
	if err != nil {
		return nil, err
	}
	o.Seed = int64(seed)
	if o.Latency, err = c.Duration("latency", o.Latency); err != nil {
		return nil, err
	}
	o.Listen = c.String("listen", o.Listen)
	o.User = c.String("user", o.User)
	o.Password = c.String("password", o.Password)
	o.EnableSecret = c.String("enable-secret", o.EnableSecret)
	o.Inventory = c.String("inventory", "")
	if v := c.String("platforms", ""); v != "" {
		o.Platforms = splitList(v)
	}
	if v := c.String("legacy", ""); v != "" {
		o.Legacy = splitList(v)
	}
	if v := c.String("faults", ""); v != "" {
		if o.Faults, err = lab.ParseFaults(v); err != nil {
			return nil, usagef("lab: --faults: %v", err)
		}
	}
	return nil, lab.Run(ctx, o, e.Err)
}

// splitList reads a comma-separated list, dropping blanks.
func splitList(s string) []string {
	var out []string
	for _, p := range strings.Split(s, ",") {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}
