package console

import (
	"context"
	"fmt"
	"vc/records"

	"vc/store"
)

func sessionsCommands() []*Command {
	return []*Command{
		{
			Name: "sessions", Group: groupRun, Flags: []Flag{jsonFlag},
			Summary:  "list the SSH sessions kept open between execs",
			Help:     "exec leaves its sessions open for `set keepalive` (default 5m), so the next command on the same devices needs no login. A session a device closed is reopened when next used.",
			Examples: []string{"sessions", "sessions |> count by platform"},
			Run: func(ctx context.Context, e *Env, c *Call) (*records.Set, error) {
				res := &records.Set{Columns: []string{"device", "address", "platform", "cred", "opened", "idle"}, Empty: "no open sessions"}
				if e.runner == nil {
					return res, nil
				}
				for _, s := range e.runner.Sessions() {
					res.Rows = append(res.Rows, []any{s.Target, s.Addr, s.Platform, s.Cred, s.Opened, s.Idle.Round(1e9)})
				}
				return res, nil
			},
		},
		{
			Name: "sessions close", Args: "[EXPR]", Group: groupRun, Raw: true,
			Summary:  "close open sessions: all, or those of the devices matching EXPR",
			Examples: []string{"sessions close", `sessions close site == "usa"`},
			Run: func(ctx context.Context, e *Env, c *Call) (*records.Set, error) {
				if e.runner == nil {
					e.saidf("closed 0 sessions")
					return nil, nil
				}
				match := func(string) bool { return true }
				names, err := e.devicesMatching(ctx, c.Text)
				if err != nil {
					return nil, err
				}
				if names != nil {
					match = func(n string) bool { return names[n] }
				}
				n := e.runner.CloseSessions(match)
				e.saidf("closed %d %s", n, plural("session", n))
				return nil, nil
			},
		},
		{
			Name: "hostkey forget", Args: "DEVICE...", Group: groupRun, MinArgs: 1, MaxArgs: -1,
			Summary: "forget a device's recorded host key, so the next connection trusts the new one",
			Help: "vc records each device's SSH host key on first contact in $VC_HOME/known_hosts (OpenSSH's\n" +
				"format) and refuses a device whose key changed. When the change is expected (a replaced device),\n" +
				"forget the old key. A device or site with hostkey=ignore is never checked.",
			Examples: []string{"hostkey forget usa-leaf-001"},
			Run: func(ctx context.Context, e *Env, c *Call) (*records.Set, error) {
				r, err := e.engineRunner()
				if err != nil {
					return nil, err
				}
				for _, name := range c.Args {
					var d *store.Device
					err := e.Store.View(ctx, func(t *store.Tx) error {
						var err error
						d, err = store.Get[store.Device](t, name)
						return err
					})
					if err != nil {
						return nil, notFoundHint(err, "device list")
					}
					n, err := r.HostKeys().Forget(fmt.Sprintf("%s:%d", bracketIPv6(d.Address), d.Port))
					if err != nil {
						return nil, err
					}
					if n == 0 {
						e.saidf("no host key recorded for %s", name)
						continue
					}
					e.saidf("forgot %d host %s of %s; the next connection records the new one", n, plural("key", n), name)
				}
				return nil, nil
			},
		},
	}
}

// bracketIPv6 writes an IPv6 address so a port can follow it.
func bracketIPv6(addr string) string {
	for i := 0; i < len(addr); i++ {
		if addr[i] == ':' {
			return "[" + addr + "]"
		}
	}
	return addr
}
