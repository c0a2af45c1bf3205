package lab

import (
	"bytes"
	"errors"
	"strings"
	"testing"
)

func TestParseFaults(t *testing.T) {
	good := []struct {
		in   string
		want Faults
	}{
		{"", Faults{}},
		{"none", Faults{}},
		{"auth=1%,timeout=1%,hang=1%,drop=1%,slow=1%", Faults{Auth: 0.01, Timeout: 0.01, Hang: 0.01, Drop: 0.01, Slow: 0.01}},
		{"flood=2%", Faults{Flood: 0.02}},
		{" auth = 2.5% , slow=10% ", Faults{Auth: 0.025, Slow: 0.1}},
	}
	for _, c := range good {
		got, err := ParseFaults(c.in)
		if err != nil || got != c.want {
			t.Errorf("ParseFaults(%q) = %+v, %v; want %+v", c.in, got, err, c.want)
		}
		if again, err := ParseFaults(got.String()); err != nil || again != got {
			t.Errorf("ParseFaults(%q.String() = %q) = %+v, %v", c.in, got.String(), again, err)
		}
	}
	bad := []struct{ in, mention string }{
		{"auth", `"auth"`},
		{"auth=1", `"1"`},
		{"auth=x%", `"x%"`},
		{"auth=101%", "between 0% and 100%"},
		{"auth=1%,flaky=1%", `unknown fault "flaky"`},
		{"auth=60%,drop=60%", "more than all"},
	}
	for _, c := range bad {
		_, err := ParseFaults(c.in)
		if !errors.Is(err, ErrOptions) || !strings.Contains(err.Error(), c.mention) {
			t.Errorf("ParseFaults(%q) error %v, want ErrOptions mentioning %s", c.in, err, c.mention)
		}
	}
}

func TestOptionsValidate(t *testing.T) {
	cases := []struct {
		mod     func(*Options)
		mention string
	}{
		{func(o *Options) { o.Devices = 0 }, "devices"},
		{func(o *Options) { o.Port = 65530; o.Devices = 10 }, "past 65535"},
		{func(o *Options) { o.Platforms = []string{"cisco_asa"} }, `unknown platform "cisco_asa"`},
		{func(o *Options) { o.Legacy = []string{"ios"} }, `unknown legacy platform "ios"`},
		{func(o *Options) { o.Listen = "localhost:22" }, "listen address"},
		{func(o *Options) { o.Latency = -1 }, "negative"},
	}
	for _, c := range cases {
		o := DefaultOptions()
		c.mod(&o)
		if err := o.validate(); !errors.Is(err, ErrOptions) || !strings.Contains(err.Error(), c.mention) {
			t.Errorf("validate: %v, want ErrOptions mentioning %q", err, c.mention)
		}
	}
	if err := DefaultOptions().validate(); err != nil {
		t.Errorf("default options invalid: %v", err)
	}
}

// TestPlanNamesSitesRoles: the fleet spreads over platforms, sites and
// roles with unique names like usa-leaf-017, servers on linux.
func TestPlanNamesSitesRoles(t *testing.T) {
	o := testOptions(300)
	devs := plan(o)
	names := map[string]bool{}
	seen := map[string]map[string]bool{"platform": {}, "site": {}, "role": {}, "vendor": {}}
	for _, d := range devs {
		if names[d.Name] {
			t.Fatalf("duplicate name %s", d.Name)
		}
		names[d.Name] = true
		if !strings.HasPrefix(d.Name, d.Site+"-"+d.Role+"-") {
			t.Errorf("name %s does not follow site-role-NNN", d.Name)
		}
		if (d.Platform == "linux") != (d.Role == "server") {
			t.Errorf("%s: platform %s with role %s", d.Name, d.Platform, d.Role)
		}
		seen["platform"][d.Platform] = true
		seen["site"][d.Site] = true
		seen["role"][d.Role] = true
		seen["vendor"][d.Vendor] = true
	}
	want := map[string]int{"platform": 5, "site": 3, "role": 5, "vendor": 4}
	for k, n := range want {
		if len(seen[k]) != n {
			t.Errorf("%d distinct %ss (%v), want %d", len(seen[k]), k, seen[k], n)
		}
	}
	if !names["usa-leaf-017"] {
		t.Errorf("no usa-leaf-017 among 300 devices")
	}
}

func TestWriteInventory(t *testing.T) {
	o := testOptions(4, "cisco_ios", "linux")
	o.Faults = Faults{Drop: 0.25}
	o.Legacy = []string{"cisco_ios"}
	l := startLab(t, o)
	var b bytes.Buffer
	if err := l.WriteInventory(&b); err != nil {
		t.Fatal(err)
	}
	rows := splitLines(b.String())
	if rows[0] != "name,ip,port,platform,site,role,vendor,status,tags" || len(rows) != 5 {
		t.Fatalf("inventory:\n%s", b.String())
	}
	if !strings.HasPrefix(rows[1], "usa-leaf-001,127.0.0.1,") || !strings.HasSuffix(rows[1], ",cisco_ios,usa,leaf,cisco,active,lab;legacy") &&
		!strings.HasSuffix(rows[1], ",cisco_ios,usa,leaf,cisco,active,lab;fault-drop;legacy") {
		t.Errorf("first row %q", rows[1])
	}
	if strings.Count(b.String(), "fault-drop") != 1 {
		t.Errorf("want one fault-drop device:\n%s", b.String())
	}
}
