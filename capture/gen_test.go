package capture

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"time"
)

// t0 is when the tests' first run happens.
var t0 = time.Date(2026, 12, 1, 10, 12, 13, 0, time.UTC)

// config renders a lab-sized running configuration of a device of the
// platform: the same device and rev always give the same configuration,
// and its churn lines (clocks, "last change" stamps) follow at.
func config(platform, device string, rev int, at time.Time) string {
	r := rand.New(rand.NewPCG(uint64(len(device)), hashString(device)))
	var b strings.Builder
	w := func(format string, a ...any) { fmt.Fprintf(&b, format+"\n", a...) }
	vlans := 4 + r.IntN(5)
	type port struct {
		desc string
		vlan int
		shut bool
	}
	ports := make([]port, 48)
	for i := range ports {
		ports[i] = port{vlan: 100 + 10*r.IntN(vlans), shut: r.IntN(10) == 0}
		if r.IntN(3) > 0 {
			ports[i].desc = fmt.Sprintf("host-%s-%03d", device[:min(4, len(device))], 1+r.IntN(999))
		}
	}
	for k := 1; k <= rev; k++ {
		ports[(k-1)%48].desc = fmt.Sprintf("changed-by-operator-r%d", k)
	}
	net := 1 + r.IntN(250)
	stamp := at.Format("15:04:05 MST Mon Jan 2 2006")
	switch family(platform) {
	case "arista_eos":
		w("! Command: show running-config")
		w("! device: %s (DCS-7050TX-64, EOS-4.30.1F, built %s)", device, at.Format("2006-01-02"))
		w("!")
		w("username admin privilege 15 role network-admin secret sha512 $6$lab$%s", strings.Repeat("z", 20))
		w("hostname %s", device)
		for v := range vlans {
			w("vlan %d\n   name users-%d\n!", 100+10*v, 100+10*v)
		}
		for i, p := range ports {
			w("interface Ethernet%d", i+1)
			if p.desc != "" {
				w("   description %s", p.desc)
			}
			w("   switchport access vlan %d", p.vlan)
			if p.shut {
				w("   shutdown")
			}
			w("!")
		}
		w("ip route vrf MGMT 0.0.0.0/0 10.0.%d.1\n!\nend", net)
	case "cisco_nxos":
		w("")
		w("!Command: show running-config")
		w("!Running configuration last done at: %s", at.Add(-time.Hour).Format("Mon Jan _2 15:04:05 2006"))
		w("!Time: %s", at.Format("Mon Jan _2 15:04:05 2006"))
		w("")
		w("version 10.2(5) Bios:version 07.69 ")
		w("hostname %s", device)
		w("username admin password 5 $5$lab$%s  role network-admin", strings.Repeat("q", 20))
		for v := range vlans {
			w("vlan %d\n  name users-%d", 100+10*v, 100+10*v)
		}
		for i, p := range ports {
			w("interface Ethernet1/%d", i+1)
			if p.desc != "" {
				w("  description %s", p.desc)
			}
			w("  switchport access vlan %d", p.vlan)
			if p.shut {
				w("  shutdown")
			} else {
				w("  no shutdown")
			}
			w("")
		}
	case "cisco_xr":
		w("%s", at.Format("Mon Jan _2 15:04:05.000 MST"))
		w("Building configuration...")
		w("!! IOS XR Configuration 7.9.2")
		w("!! Last configuration change at %s by admin", at.Add(-time.Hour).Format("Mon Jan _2 15:04:05 2006"))
		w("!\nhostname %s\nusername admin\n group root-lr\n secret 10 $6$lab$%s\n!", device, strings.Repeat("r", 20))
		for i, p := range ports {
			w("interface GigabitEthernet0/0/0/%d", i)
			if p.desc != "" {
				w(" description %s", p.desc)
			}
			if p.shut {
				w(" shutdown")
			}
			w("!")
		}
		w("end")
	case "juniper_junos":
		w("## Last commit: %s by admin", at.Add(-time.Hour).Format("2006-01-02 15:04:05 MST"))
		w("version 21.4R3;\nsystem {\n    host-name %s;", device)
		w("    root-authentication {\n        encrypted-password \"$6$lab$%s\"; ## SECRET-DATA\n    }\n}", strings.Repeat("j", 20))
		w("interfaces {")
		for i, p := range ports {
			w("    ge-0/0/%d {", i)
			if p.desc != "" {
				w("        description \"%s\";", p.desc)
			}
			w("        unit 0 {\n            family ethernet-switching {\n                vlan {\n                    members Vlan%d;\n                }\n            }\n        }\n    }", p.vlan)
		}
		w("}")
	default: // cisco_ios
		var body strings.Builder
		bw := func(format string, a ...any) { fmt.Fprintf(&body, format+"\n", a...) }
		bw("!\n! Last configuration change at %s by admin\n!", stamp)
		bw("version 15.2\nservice password-encryption\n!\nhostname %s\n!", device)
		bw("enable secret 9 $9$lab$%s\n!", strings.Repeat("x", 20))
		bw("username admin privilege 15 secret 9 $9$lab$%s", strings.Repeat("y", 20))
		for v := range vlans {
			bw("vlan %d\n name users-%d\n!", 100+10*v, 100+10*v)
		}
		for i, p := range ports {
			bw("interface GigabitEthernet1/0/%d", i+1)
			if p.desc != "" {
				bw(" description %s", p.desc)
			}
			bw(" switchport access vlan %d\n switchport mode access\n spanning-tree portfast", p.vlan)
			if p.shut {
				bw(" shutdown")
			}
			bw("!")
		}
		bw("ip default-gateway 10.0.%d.1\nsnmp-server community lab-ro RO\nntp server 10.0.%d.251", net, net)
		bw("ntp clock-period %d", 17179869+at.Second())
		bw("!\nline vty 0 15\n transport input ssh\n!\nend")
		fmt.Fprintf(&b, "Building configuration...\n\nCurrent configuration : %d bytes\n%s", body.Len(), body.String())
	}
	return b.String()
}

func hashString(s string) uint64 {
	h := uint64(14695981039346656037)
	for i := 0; i < len(s); i++ {
		h = (h ^ uint64(s[i])) * 1099511628211
	}
	return h
}

// platforms are the lab's platforms, one device in five each.
var platforms = []string{"cisco_ios", "arista_eos", "cisco_nxos", "cisco_xr", "juniper_junos"}
