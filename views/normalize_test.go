package views

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"vc/templates"
)

func TestMAC(t *testing.T) {
	for _, in := range []string{"aabb.ccdd.eeff", "AA:BB:CC:DD:EE:FF", "aa-bb-cc-dd-ee-ff", "aabb-ccdd-eeff", "AABBCCDDEEFF"} {
		if got, ok := MAC(in); !ok || got != "aa:bb:cc:dd:ee:ff" {
			t.Errorf("MAC(%q) = %q, %v", in, got, ok)
		}
	}
	for _, in := range []string{"aabb.ccdd.ee", "aabb.ccdd.eeff.0011", "Incomplete", "10.0.0.1"} {
		if got, ok := MAC(in); ok {
			t.Errorf("MAC(%q) = %q, want no MAC", in, got)
		}
	}
}

func TestSeconds(t *testing.T) {
	cases := map[string]int{
		"00:46:46":                 46*60 + 46,
		"0:04:00":                  240,
		"1:02:03:04":               86400 + 2*3600 + 3*60 + 4,
		"1w2d":                     9 * 86400,
		"2d03h":                    2*86400 + 3*3600,
		"3 weeks, 2 days, 4 hours": 23*86400 + 4*3600,
		"66 weeks, 4 days, 22 hours and 6 minutes":         (66*7+4)*86400 + 22*3600 + 6*60,
		"1 year, 3 weeks, 2 days, 4 hours, 12 minutes":     (365+23)*86400 + 4*3600 + 12*60,
		"724 day(s), 4 hour(s), 59 minute(s), 1 second(s)": 724*86400 + 4*3600 + 59*60 + 1,
		"261 days, 23:07": 261*86400 + 23*3600 + 7*60,
		"1234567.89":      1234567,
		"120":             120,
		"0:12:41 ago":     12*60 + 41,
		"1:2":             62,
		"007":             7,
		"12:34":           12*60 + 34,
		"1234567890":      1234567890,
	}
	for in, want := range cases {
		if got, ok := Seconds(in); !ok || got != want {
			t.Errorf("Seconds(%q) = %d, %v; want %d", in, got, ok, want)
		}
	}
	for _, in := range []string{"-", "", "never", "soon", "3 fortnights", "1:02:03:04:05", ":12", "12:", "1::2"} {
		if got, ok := Seconds(in); ok {
			t.Errorf("Seconds(%q) = %d, want no value", in, got)
		}
	}
}

func TestNormalizeTypes(t *testing.T) {
	ifs, err := loadInterfaceNames()
	if err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		t        Type
		platform string
		in       string
		want     any
	}{
		{TypeInterface, "cisco_ios", "Gi1/0/1", "GigabitEthernet1/0/1"},
		{TypeInterface, "cisco_ios", "Te1/1/2", "TenGigabitEthernet1/1/2"},
		{TypeInterface, "cisco_ios", "Fa0/1", "FastEthernet0/1"},
		{TypeInterface, "cisco_ios", "Po10", "Port-channel10"},
		{TypeInterface, "cisco_ios", "Vl110", "Vlan110"},
		{TypeInterface, "cisco_ios", "Lo0", "Loopback0"},
		{TypeInterface, "cisco_ios", "Gig1/0/3", "GigabitEthernet1/0/3"},
		{TypeInterface, "cisco_xe", "Gi1/0/1", "GigabitEthernet1/0/1"},
		{TypeInterface, "arista_eos", "Et1", "Ethernet1"},
		{TypeInterface, "arista_eos", "Et49/1", "Ethernet49/1"},
		{TypeInterface, "arista_eos", "Po1", "Port-Channel1"},
		{TypeInterface, "arista_eos", "Ma1", "Management1"},
		{TypeInterface, "cisco_nxos", "Eth1/1", "Ethernet1/1"},
		{TypeInterface, "cisco_nxos", "mgmt0", "mgmt0"},
		{TypeInterface, "cisco_nxos", "Lo0", "loopback0"},
		{TypeInterface, "cisco_nxos", "Po5", "port-channel5"},
		{TypeInterface, "cisco_xr", "Te0/0/1/0", "TenGigE0/0/1/0"},
		{TypeInterface, "cisco_xr", "Gi0/0/0/1", "GigabitEthernet0/0/0/1"},
		{TypeInterface, "cisco_xr", "BE10", "Bundle-Ether10"},
		{TypeInterface, "juniper_junos", "ge-0/0/0", "ge-0/0/0"},
		{TypeInterface, "juniper_junos", "lo0", "lo0"},
		{TypeInterface, "linux", "eth0", "eth0"},
		{TypeStatus, "cisco_ios", "connected", "up"},
		{TypeStatus, "cisco_ios", "notconnect", "notconnect"},
		{TypeStatus, "cisco_ios", "administratively down", "disabled"},
		{TypeStatus, "cisco_nxos", "sfpAbsent", "notconnect"},
		{TypeStatus, "cisco_nxos", "protocol-up/link-up/admin-up", "up"},
		{TypeStatus, "cisco_nxos", "protocol-down/link-down/admin-down", "disabled"},
		{TypeStatus, "cisco_xr", "Shutdown", "disabled"},
		{TypeStatus, "juniper_junos", "Up", "up"},
		{TypePrefix, "arista_eos", "10.1.2.1/24", "10.1.2.0/24"},
		{TypeIP, "arista_eos", "10.1.2.1/24", "10.1.2.1"},
		{TypeIP, "arista_eos", "unassigned", nil},
		{TypeSpeed, "cisco_ios", "a-1000", 1000},
		{TypeSpeed, "arista_eos", "10G", 10000},
		{TypeSpeed, "juniper_junos", "1Gbps", 1000},
		{TypeSpeed, "cisco_xr", "10000Mb/s", 10000},
		{TypeSpeed, "cisco_ios", "auto", nil},
		{TypeDuplex, "cisco_ios", "a-full", "full"},
		{TypeDuplex, "cisco_xr", "Full-duplex", "full"},
		{TypeVLAN, "cisco_ios", "110", 110},
		{TypeVLAN, "cisco_ios", "trunk", "trunk"},
		{TypeSeconds, "cisco_nxos", "-", nil},
		{TypeInt, "cisco_ios", "1,500", 1500},
		{TypeMAC, "cisco_ios", "0011.2233.4455", "00:11:22:33:44:55"},
	}
	var bx templates.Boxer
	for _, c := range cases {
		// Boxed by the language or from a slab, a value is the same.
		if got := normalize(c.t, c.platform, c.in, ifs, nil); got != c.want {
			t.Errorf("%s on %s: %q gave %#v, want %#v", c.t, c.platform, c.in, got, c.want)
		}
		if got := normalize(c.t, c.platform, c.in, ifs, &bx); got != c.want {
			t.Errorf("%s on %s, slab-boxed: %q gave %#v, want %#v", c.t, c.platform, c.in, got, c.want)
		}
	}
	for _, c := range []struct{ addr, mask, want string }{
		{"10.1.2.3", "24", "10.1.2.0/24"}, {"10.1.2.3", "255.255.255.0", "10.1.2.0/24"}, {"10.255.0.1", "32", "10.255.0.1/32"},
	} {
		if got, ok := Prefix(c.addr, c.mask); !ok || got != c.want {
			t.Errorf("Prefix(%q, %q) = %q, %v", c.addr, c.mask, got, ok)
		}
	}
}

func TestBadViewFileNamesItsLine(t *testing.T) {
	cases := []struct{ text, want string }{
		{"help: x\nfields:\n  - {name: ip, type: ipv4}\nplatforms:\n  linux:\n    commands: [{command: ip a}]\n",
			`bad.yaml:3: fields[0].type: unknown type "ipv4"`},
		{"help: x\nfields:\n  - {name: ip, type: ip}\nplatforms:\n  linux:\n    commands:\n      - command: ip a\n        fields:\n          adress: ip_addresses\n",
			`bad.yaml:9: platforms.linux.commands[0].fields.adress: no such field in view bad (fields are ip)`},
		{"help: x\nfields:\n  - {name: ip, type: ip}\nplatforms:\n  linux:\n    commands:\n      - command: ip a\n        fields:\n          ip: {from: x, regex: '('}\n",
			`bad.yaml:9: platforms.linux.commands[0].fields.ip.regex: error parsing regexp`},
		{"help: x\nfields: [\n", "bad.yaml:2: "},
		{"help: x\nfields:\n  - {name: ip}\nplatforms:\n  ios: {same_as: nxos}\n", `bad.yaml:5: platforms.ios.same_as: "nxos" is not a platform`},
		{"help: x\nfieldz: []\n", "bad.yaml:2: fieldz: unknown key"},
		{"help: x\nfields:\n  - {name: up, type: seconds}\nplatforms:\n  linux:\n    commands:\n      - command: uptime\n        fields:\n          up: {from: x, text: maybe}\n",
			`bad.yaml:9: platforms.linux.commands[0].fields.up.text: text is true or false`},
	}
	for _, c := range cases {
		_, err := Parse("bad", "bad.yaml", []byte(c.text))
		var fe *FileError
		if !errors.As(err, &fe) || !strings.HasPrefix(err.Error(), c.want) {
			t.Errorf("%q:\n got  %v\n want %s...", c.text, err, c.want)
		}
	}
}

// TestUnreadableViewFile: a view file that cannot be read is broken on
// its own; the others, built-in ones too, stay.
func TestUnreadableViewFile(t *testing.T) {
	dir := t.TempDir()
	if err := os.Mkdir(filepath.Join(dir, "odd.yaml"), 0o700); err != nil {
		t.Fatal(err)
	}
	c, err := Load(dir)
	if err != nil {
		t.Fatal(err)
	}
	if c.Broken["odd"] == nil || !strings.HasPrefix(c.Broken["odd"].Error(), filepath.Join(dir, "odd.yaml")+": ") {
		t.Errorf("broken: %v", c.Broken)
	}
	if _, err := c.Get("arp"); err != nil {
		t.Errorf("a built-in view went with it: %v", err)
	}
}

func TestEmpty(t *testing.T) {
	for _, s := range []string{"", "-", "--", "N/A", "none", "Unassigned", "unknown", "Not Advertised", "never"} {
		if !empty(s) {
			t.Errorf("empty(%q) = false", s)
		}
	}
	for _, s := range []string{"10.0.0.1", "nonexistent", "up", "Ethernet1", "not advertised at all"} {
		if empty(s) {
			t.Errorf("empty(%q) = true", s)
		}
	}
}
