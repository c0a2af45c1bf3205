package netboxtest

import (
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"strings"
	"sync"

	"github.com/rogpeppe/go-internal/testscript"
)

// ScriptCommands serve a stand-in from a testscript script, in the test
// process, for a vc run by exec to sync from:
//
//	netbox start [-version 3.5|3.7|4.2] [-tls] [-token T] [-page-size N]
//	             [-max-page-size N] [-fleet N] [-faults LIST]
//	netbox rename FROM TO
//	netbox remove NAME
//	netbox add NAME [KEY=VALUE...]
//	netbox set NAME KEY=VALUE...
//	netbox faults LIST
//
// start sets $NETBOX_URL, writes the token to $WORK/netbox.token and sets
// $NETBOX_TOKEN_FILE to it, and with -tls writes the CA to
// $WORK/netbox-ca.pem and sets $NETBOX_CA. The devices are Sample(), or
// Fleet(N) with -fleet. The faults are ParseFaults's. Keys of add and set:
// name, ip4, ip6, site, role, platform, manufacturer, model, status, tags
// (comma-separated slugs) and cf.NAME (a JSON value, else text; null
// clears). The server stops with the script.
func ScriptCommands() map[string]func(ts *testscript.TestScript, neg bool, args []string) {
	var mu sync.Mutex
	servers := map[*testscript.TestScript]*Server{}
	get := func(ts *testscript.TestScript) *Server {
		mu.Lock()
		defer mu.Unlock()
		s := servers[ts]
		if s == nil {
			ts.Fatalf("netbox: no stand-in started (netbox start)")
		}
		return s
	}
	return map[string]func(ts *testscript.TestScript, neg bool, args []string){
		"netbox": func(ts *testscript.TestScript, neg bool, args []string) {
			if neg || len(args) == 0 {
				ts.Fatalf("usage: netbox start|rename|remove|add|set|faults ...")
			}
			switch args[0] {
			case "start":
				s := scriptStart(ts, args[1:])
				mu.Lock()
				servers[ts] = s
				mu.Unlock()
				ts.Defer(func() {
					s.Close()
					mu.Lock()
					delete(servers, ts)
					mu.Unlock()
				})
			case "rename":
				if len(args) != 3 {
					ts.Fatalf("usage: netbox rename FROM TO")
				}
				ts.Check(get(ts).Rename(args[1], args[2]))
			case "remove":
				if len(args) != 2 {
					ts.Fatalf("usage: netbox remove NAME")
				}
				ts.Check(get(ts).Remove(args[1]))
			case "add":
				if len(args) < 2 {
					ts.Fatalf("usage: netbox add NAME [KEY=VALUE...]")
				}
				d := Device{Name: args[1]}
				ts.Check(setKeys(&d, args[2:]))
				_, err := get(ts).Add(d)
				ts.Check(err)
			case "set":
				if len(args) < 3 {
					ts.Fatalf("usage: netbox set NAME KEY=VALUE...")
				}
				var kerr error
				ts.Check(get(ts).Update(args[1], func(d *Device) { kerr = setKeys(d, args[2:]) }))
				ts.Check(kerr)
			case "faults":
				if len(args) != 2 {
					ts.Fatalf("usage: netbox faults LIST")
				}
				f, err := ParseFaults(args[1])
				ts.Check(err)
				get(ts).SetFaults(f)
			default:
				ts.Fatalf("netbox: unknown subcommand %q", args[0])
			}
		},
	}
}

func scriptStart(ts *testscript.TestScript, args []string) *Server {
	fs := flag.NewFlagSet("netbox start", flag.ContinueOnError)
	version := fs.String("version", V4, "")
	tls := fs.Bool("tls", false, "")
	token := fs.String("token", DefaultToken, "")
	page := fs.Int("page-size", 0, "")
	maxPage := fs.Int("max-page-size", 0, "")
	fleet := fs.Int("fleet", 0, "")
	faults := fs.String("faults", "", "")
	if err := fs.Parse(args); err != nil || fs.NArg() != 0 {
		ts.Fatalf("usage: netbox start [-version V] [-tls] [-token T] [-page-size N] [-max-page-size N] [-fleet N] [-faults LIST]")
	}
	o := Options{Version: *version, TLS: *tls, Token: *token, PageSize: *page, MaxPageSize: *maxPage}
	if *fleet > 0 {
		o.Devices = Fleet(*fleet)
	}
	f, err := ParseFaults(*faults)
	ts.Check(err)
	o.Faults = f
	s, err := Start(o)
	ts.Check(err)
	ts.Setenv("NETBOX_URL", s.URL())
	tokenFile := ts.MkAbs("netbox.token")
	ts.Check(os.WriteFile(tokenFile, []byte(s.Token()+"\n"), 0o600))
	ts.Setenv("NETBOX_TOKEN_FILE", tokenFile)
	if *tls {
		ca := ts.MkAbs("netbox-ca.pem")
		ts.Check(s.WriteCAFile(ca))
		ts.Setenv("NETBOX_CA", ca)
	}
	return s
}

// setKeys applies KEY=VALUE settings to d.
func setKeys(d *Device, kvs []string) error {
	for _, kv := range kvs {
		k, v, ok := strings.Cut(kv, "=")
		if !ok {
			return fmt.Errorf("netbox: %q is not KEY=VALUE", kv)
		}
		switch {
		case k == "name":
			d.Name = v
		case k == "ip4":
			d.IP4 = v
		case k == "ip6":
			d.IP6 = v
		case k == "site":
			d.Site = v
		case k == "role":
			d.Role = v
		case k == "platform":
			d.Platform = v
		case k == "manufacturer":
			d.Manufacturer = v
		case k == "model":
			d.Model = v
		case k == "status":
			d.Status = v
		case k == "tags":
			d.Tags = nil
			for _, t := range strings.Split(v, ",") {
				if t = strings.TrimSpace(t); t != "" {
					d.Tags = append(d.Tags, t)
				}
			}
		case strings.HasPrefix(k, "cf."):
			var val any = v
			var j any
			if json.Unmarshal([]byte(v), &j) == nil {
				val = j
			}
			if d.CustomFields == nil {
				d.CustomFields = map[string]any{}
			}
			d.CustomFields[strings.TrimPrefix(k, "cf.")] = val
		default:
			return fmt.Errorf("netbox: unknown key %q (name, ip4, ip6, site, role, platform, manufacturer, model, status, tags, cf.NAME)", k)
		}
	}
	return nil
}
