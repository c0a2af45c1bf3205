package views_test

import (
	"bytes"
	"context"
	"net"
	"strconv"
	"strings"
	"testing"
	"time"

	"golang.org/x/crypto/ssh"

	"vc/lab"
	"vc/records"
	"vc/templates"
	"vc/views"
)

// labRun asks every device of a lab for a view's commands over SSH and
// parses the outputs as a run does (the one parse path, one table per
// command with a device column), so the view reads what it reads in vc.
func labRun(t testing.TB, l *lab.Lab, lib *templates.Library, cmds map[string][]string) views.Input {
	t.Helper()
	var in views.Input
	type table struct {
		set *records.Set
		col map[string]int
	}
	tables := map[string]*table{}
	var order []string
	var unparsed []records.Output
	for _, d := range l.Devices() {
		in.Devices = append(in.Devices, views.Device{Name: d.Name, Platform: d.Platform, Vendor: d.Vendor, Site: d.Site, Role: d.Role})
		for _, cmd := range cmds[d.Platform] {
			out := labExec(t, d, cmd)
			p, err := lib.ParseOutput(context.Background(), templates.Request{Platform: d.Platform, Command: cmd}, out)
			if err != nil {
				unparsed = append(unparsed, records.Output{Device: d.Name, Command: cmd, Text: out})
				continue
			}
			tb := tables[cmd]
			if tb == nil {
				tb = &table{set: &records.Set{Columns: []string{"device"}, Title: cmd}, col: map[string]int{"device": 0}}
				tables[cmd] = tb
				order = append(order, cmd)
			}
			fields := p.Result.Fields()
			for _, f := range fields {
				if _, ok := tb.col[f]; !ok {
					tb.col[f] = len(tb.set.Columns)
					tb.set.Columns = append(tb.set.Columns, f)
				}
			}
			for _, rec := range p.Result.Records {
				row := make([]any, 64)
				row[0] = d.Name
				for i, f := range fields {
					row[tb.col[f]] = rec[i]
				}
				tb.set.Rows = append(tb.set.Rows, row)
			}
			tb.set.Raw = append(tb.set.Raw, records.Output{Device: d.Name, Command: cmd, Text: out})
		}
	}
	var secs []*records.Set
	for _, c := range order {
		s := tables[c].set
		for i, r := range s.Rows {
			s.Rows[i] = r[:len(s.Columns)]
		}
		secs = append(secs, s)
	}
	if len(unparsed) > 0 {
		secs = append(secs, records.Outputs(unparsed))
	}
	in.Records = records.Chain(secs...)
	return in
}

func labExec(t testing.TB, d lab.Device, cmd string) string {
	t.Helper()
	addr := net.JoinHostPort(d.Address, strconv.Itoa(d.Port))
	cfg := &ssh.ClientConfig{User: "admin", Auth: []ssh.AuthMethod{ssh.Password("admin")},
		HostKeyCallback: ssh.InsecureIgnoreHostKey(), Timeout: 20 * time.Second}
	c, err := ssh.Dial("tcp", addr, cfg)
	if err != nil {
		t.Fatalf("dial %s: %v", d.Name, err)
	}
	defer c.Close()
	s, err := c.NewSession()
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	var out bytes.Buffer
	s.Stdout = &out
	if err := s.Run(cmd); err != nil {
		t.Fatalf("%s %q: %v\n%s", d.Name, cmd, err, out.String())
	}
	return strings.ReplaceAll(out.String(), "\r\n", "\n")
}

func startLab(t testing.TB, n int) *lab.Lab {
	t.Helper()
	o := lab.DefaultOptions()
	o.Devices, o.Port, o.Seed = n, 0, 3
	o.Platforms = lab.PlatformNames()
	l, err := lab.Start(t.Context(), o)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { l.Close() })
	return l
}

// TestEveryFieldFilled asks a lab of every platform for every built-in
// view with the built-in templates (what a fresh install has), and holds
// that each field of each view has a value on every platform that has
// the view, unless the view says the platform cannot give it; for a view
// of one row per device, on every device.
func TestEveryFieldFilled(t *testing.T) {
	l := startLab(t, 12)
	lib, err := templates.NewLibrary(templates.Options{})
	if err != nil {
		t.Fatal(err)
	}
	cat, err := views.Load("")
	if err != nil {
		t.Fatal(err)
	}
	for _, v := range cat.List() {
		t.Run(v.Name, func(t *testing.T) {
			in := labRun(t, l, lib, v.ByPlatform())
			set, rep := v.Apply(in)
			for _, u := range rep.Unparsed {
				t.Errorf("no template parsed %q on %s", u.Command, u.Platform)
			}
			for _, d := range in.Devices {
				p := v.Platforms[d.Platform]
				if p == nil {
					continue
				}
				var rows [][]any
				for _, r := range set.Rows {
					if r[0] == d.Name {
						rows = append(rows, r)
					}
				}
				if len(rows) == 0 {
					t.Errorf("%s (%s): no rows", d.Name, d.Platform)
					continue
				}
				if v.PerDevice && len(rows) != 1 {
					t.Errorf("%s: %d rows, want one", d.Name, len(rows))
				}
				for fi, f := range v.Fields {
					if _, missing := p.Missing[f.Name]; missing {
						continue
					}
					filled := 0
					for _, r := range rows {
						if r[fi+1] != nil && r[fi+1] != "" {
							filled++
						}
					}
					if filled == 0 || (v.PerDevice && filled != len(rows)) {
						t.Errorf("%s (%s): field %s empty in %d of %d rows", d.Name, d.Platform, f.Name, len(rows)-filled, len(rows))
					}
				}
			}
		})
	}
}

// TestViewsOnLab checks what each view reads on each lab platform: the
// values of a few rows, typed and normalized alike whatever the platform
// printed.
func TestViewsOnLab(t *testing.T) {
	l := startLab(t, 6)
	lib, err := templates.NewLibrary(templates.Options{})
	if err != nil {
		t.Fatal(err)
	}
	cat, err := views.Load("")
	if err != nil {
		t.Fatal(err)
	}
	get := func(name string) (*views.View, *records.Set) {
		v, err := cat.Get(name)
		if err != nil {
			t.Fatal(err)
		}
		set, _ := v.Apply(labRun(t, l, lib, v.ByPlatform()))
		return v, set
	}
	col := func(s *records.Set, name string) int {
		i, err := s.Column(name)
		if err != nil {
			t.Fatal(err)
		}
		return i
	}
	platformOf := map[string]string{}
	for _, d := range l.Devices() {
		platformOf[d.Name] = d.Platform
	}
	_, facts := get("facts")
	if len(facts.Rows) != 6 {
		t.Errorf("facts: %d rows, want one per device (6)", len(facts.Rows))
	}
	for _, r := range facts.Rows {
		if _, ok := r[col(facts, "uptime")].(int); !ok {
			t.Errorf("facts %v: uptime %T, want seconds as an int", r[0], r[col(facts, "uptime")])
		}
		if r[col(facts, "hostname")] != r[0] {
			t.Errorf("facts: %v says its hostname is %v", r[0], r[col(facts, "hostname")])
		}
	}
	_, arp := get("arp")
	seenAge := map[string]bool{}
	for _, r := range arp.Rows {
		mac := records.Text(r[col(arp, "mac")])
		if _, ok := views.MAC(mac); mac != "" && (!ok || len(mac) != 17 || strings.ToLower(mac) != mac) {
			t.Errorf("arp %v: mac %q not in aa:bb:cc:dd:ee:ff form", r[0], mac)
		}
		if a, ok := r[col(arp, "age")].(int); ok && a >= 0 {
			seenAge[platformOf[records.Text(r[0])]] = true
		}
	}
	for _, p := range []string{"arista_eos", "cisco_ios", "cisco_nxos", "cisco_xr", "linux"} {
		if !seenAge[p] {
			t.Errorf("arp: no age in seconds on %s", p)
		}
	}
	_, ifs := get("interfaces")
	for _, r := range ifs.Rows {
		name := records.Text(r[col(ifs, "name")])
		switch p := platformOf[records.Text(r[0])]; {
		case p == "cisco_ios" && !strings.HasPrefix(name, "GigabitEthernet") && !strings.HasPrefix(name, "TenGigabitEthernet"):
			t.Errorf("interfaces: IOS port %q not in its long form", name)
		case p == "arista_eos" && !strings.HasPrefix(name, "Ethernet"):
			t.Errorf("interfaces: EOS port %q not in its long form", name)
		}
		switch s := r[col(ifs, "status")]; s {
		case "up", "down", "disabled", "notconnect":
		default:
			t.Errorf("interfaces %v %s: status %v outside the vocabulary", r[0], name, s)
		}
	}
	_, ip := get("ip")
	for _, r := range ip.Rows {
		p := records.Text(r[col(ip, "prefix")])
		if !strings.Contains(p, "/") {
			t.Errorf("ip %v: prefix %q not CIDR", r[0], p)
		}
	}
}
