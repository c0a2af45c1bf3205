package lab

import (
	"fmt"
	"strings"
	"time"
)

// junosCommands is what a juniper_junos switch understands in operational
// mode, including the cli settings Netmiko sends to prepare a session.
var junosCommands = []command{
	{words: "set cli screen-length <word>", run: junosScreenLength},
	{words: "set cli screen-width <word>", run: func(_ *shell, a []string) string { return "Screen width set to " + a[0] + "\n" }},
	{words: "set cli complete-on-space <word>", run: func(_ *shell, a []string) string { return "Disabling complete-on-space\n" }},
	{words: "set cli terminal <word>", run: nothing},
	{words: "exit", run: nothing},
	{words: "quit", run: nothing},
	{words: "show version", data: true, run: static("junosVersion", junosVersion)},
	{words: "show system uptime", run: show(junosUptime)},
	{words: "show arp", data: true, run: show(junosARP(true))},
	{words: "show arp no-resolve", data: true, run: show(junosARP(false))},
	{words: "show ethernet-switching table", data: true, run: static("junosSwitchingTable", junosSwitchingTable)},
	{words: "show interfaces terse", data: true, run: static("junosInterfacesTerse", junosInterfacesTerse)},
	{words: "show lldp neighbors", data: true, run: static("junosLLDP", junosLLDP)},
	{words: "show chassis hardware", data: true, run: static("junosChassisHardware", junosChassisHardware)},
	{words: "show interfaces", data: true, run: static("junosInterfaces", junosInterfaces)},
	{words: "show configuration", data: true, run: static("junosConfiguration", junosConfiguration)},
}

func junosScreenLength(s *shell, a []string) string {
	if out := setLength(s, a); out != "" {
		return out
	}
	return "Screen length set to " + a[0] + "\n"
}

func junosVersion(m *model, _ time.Time) string {
	build := "[20230120.7a2a3c2_builder_stable_12_214]"
	v := "[" + m.version + "]"
	return lines(
		"fpc0:",
		strings.Repeat("-", 74),
		"Hostname: "+m.host,
		"Model: "+m.hw,
		"Junos: "+m.version,
		"JUNOS OS Kernel 64-bit  "+build,
		"JUNOS OS libs "+build,
		"JUNOS OS runtime "+build,
		"JUNOS OS time zone information "+build,
		"JUNOS network stack and utilities [20230131.141709_builder_junos_214_r3]",
		"JUNOS libs [20230131.141709_builder_junos_214_r3]",
		"JUNOS OS libs compat32 "+build,
		"JUNOS EX  Software Suite "+v,
		"JUNOS Online Documentation "+v,
		"JUNOS EX Switching Platform Support "+v,
		"JUNOS Routing Software Suite "+v,
		"JUNOS Packet Forwarding Engine Support (EX Common) "+v,
		"JUNOS Web Management Platform Package "+v,
	)
}

func junosUptime(m *model, now time.Time) string {
	up := m.uptime(now)
	days, hours, mins := int(up.Hours())/24, int(up.Hours())%24, int(up.Minutes())%60
	return lines(
		"fpc0:",
		strings.Repeat("-", 74),
		"Current time: "+now.UTC().Format("2006-01-02 15:04:05 MST"),
		"Time Source:  NTP CLOCK ",
		fmt.Sprintf("System booted: %s (%dw%dd %02d:%02d ago)", m.boot.UTC().Format("2006-01-02 15:04:05 MST"), days/7, days%7, hours, mins),
		fmt.Sprintf("Protocols started: %s (%dw%dd %02d:%02d ago)", m.boot.Add(2*time.Minute).UTC().Format("2006-01-02 15:04:05 MST"), days/7, days%7, hours, max(0, mins-2)),
		fmt.Sprintf("Last configured: %s by %s", m.boot.Add(time.Duration(m.rev.Config+1)*time.Hour).UTC().Format("2006-01-02 15:04:05 MST"), m.user),
		fmt.Sprintf("%s  up %d days, %d:%02d, 1 user, load averages: 0.21, 0.18, 0.15", now.UTC().Format("3:04PM"), days, hours, mins),
	)
}

func junosARP(resolve bool) func(m *model, _ time.Time) string {
	return func(m *model, _ time.Time) string {
		var b strings.Builder
		if resolve {
			b.WriteString("MAC Address       Address         Name                      Interface               Flags\n")
		} else {
			b.WriteString("MAC Address       Address         Interface                Flags\n")
		}
		for _, a := range m.arps {
			intf := fmt.Sprintf("%s [%s.0]", m.ifaces[a.svi].name, m.ifaces[a.port].name)
			if resolve {
				fmt.Fprintf(&b, "%s %-15s %-25s %-23s none\n", a.mac.colon(), a.ip, a.ip, intf)
			} else {
				fmt.Fprintf(&b, "%s %-15s %-24s none\n", a.mac.colon(), a.ip, m.ifaces[a.svi].name)
			}
		}
		fmt.Fprintf(&b, "Total entries: %d\n", len(m.arps))
		return b.String()
	}
}

func junosSwitchingTable(m *model, _ time.Time) string {
	var b strings.Builder
	b.WriteString("\nMAC flags (S - static MAC, D - dynamic MAC, L - locally learned, P - Persistent static\n")
	b.WriteString("           SE - statistics enabled, NM - non configured MAC, R - remote PE MAC, O - ovsdb MAC)\n\n\n")
	fmt.Fprintf(&b, "Ethernet switching table : %d entries, %d learned\n", len(m.arps), len(m.arps))
	b.WriteString("Routing instance : default-switch\n")
	b.WriteString("    Vlan                MAC                 MAC         Age    Logical                NH        RTR \n")
	b.WriteString("    name                address             flags              interface              Index     ID\n")
	for _, a := range m.arps {
		fmt.Fprintf(&b, "    %-19s %s   %-10s %5s   %-22s 0         0\n", fmt.Sprintf("Vlan%d", m.ifaces[a.svi].vlan), a.mac.colon(), "D", "-", m.ifaces[a.port].name+".0")
	}
	return b.String()
}

// junosInterfacesTerse lists physical interfaces with their unit 0, then
// the irb units, which Junos shows under one irb interface rather than as
// an interface per VLAN.
func junosInterfacesTerse(m *model, _ time.Time) string {
	var b strings.Builder
	b.WriteString("Interface               Admin Link Proto    Local                 Remote\n")
	for i := range m.ifaces {
		f := &m.ifaces[i]
		if f.kind == ifSVI {
			continue
		}
		admin, link := "up", "up"
		switch f.status {
		case "notconnect":
			link = "down"
		case "disabled":
			admin, link = "down", "down"
		}
		fmt.Fprintf(&b, "%-23s %-5s %s\n", f.name, admin, link)
		if f.ip.IsValid() {
			fmt.Fprintf(&b, "%-23s %-5s %-4s inet     %s\n", f.name+".0", admin, link, f.ip)
		} else {
			fmt.Fprintf(&b, "%-23s %-5s %-4s eth-switch\n", f.name+".0", admin, link)
		}
	}
	b.WriteString("irb                     up    up\n")
	for i := range m.ifaces {
		if f := &m.ifaces[i]; f.kind == ifSVI {
			fmt.Fprintf(&b, "%-23s %-5s %-4s inet     %s\n", f.name, "up", "up", f.ip)
		}
	}
	return b.String()
}

func junosLLDP(m *model, _ time.Time) string {
	var b strings.Builder
	b.WriteString("Local Interface    Parent Interface    Chassis Id          Port info          System Name\n")
	for k, n := range m.nbrs {
		chassis := m.baseMAC
		chassis[3] ^= byte(17 * (k + 1))
		fmt.Fprintf(&b, "%-18s %-19s %s   %-18s %s\n", m.ifaces[n.local].name, "-", chassis.colon(), n.port, n.name)
	}
	return b.String()
}

func junosConfiguration(m *model, _ time.Time) string {
	var b strings.Builder
	w := func(format string, a ...any) { fmt.Fprintf(&b, format+"\n", a...) }
	w("## Last commit: %s by %s", m.boot.Add(time.Duration(m.rev.Config+1)*time.Hour).UTC().Format("2006-01-02 15:04:05 MST"), m.user)
	w("version %s;", m.version)
	w("system {")
	w("    host-name %s;", m.host)
	w("    domain-name lab.example;")
	w("    root-authentication {")
	w("        encrypted-password \"$6$lab$%s\"; ## SECRET-DATA", strings.Repeat("j", 20))
	w("    }")
	w("    login {")
	w("        user %s {", m.user)
	w("            class super-user;")
	w("        }")
	w("    }")
	w("    services {")
	w("        ssh;")
	w("    }")
	w("    ntp {")
	w("        server 10.0.%d.251;", m.net)
	w("    }")
	w("}")
	w("interfaces {")
	for i := range m.ifaces {
		f := &m.ifaces[i]
		if f.kind == ifSVI {
			continue
		}
		w("    %s {", f.name)
		if f.desc != "" {
			w("        description \"%s\";", f.desc)
		}
		if f.status == "disabled" {
			w("        disable;")
		}
		w("        unit 0 {")
		switch f.kind {
		case ifAccess:
			w("            family ethernet-switching {")
			w("                vlan {")
			w("                    members Vlan%d;", f.vlan)
			w("                }")
			w("            }")
		case ifUplink:
			w("            family ethernet-switching {")
			w("                interface-mode trunk;")
			w("                vlan {")
			w("                    members all;")
			w("                }")
			w("            }")
		default:
			w("            family inet {")
			w("                address %s;", f.ip)
			w("            }")
		}
		w("        }")
		w("    }")
	}
	w("    irb {")
	for i := range m.ifaces {
		if f := &m.ifaces[i]; f.kind == ifSVI {
			w("        unit %d {", f.vlan)
			w("            family inet {")
			w("                address %s;", f.ip)
			w("            }")
			w("        }")
		}
	}
	w("    }")
	w("}")
	w("protocols {")
	w("    lldp {")
	w("        interface all;")
	w("    }")
	w("}")
	w("vlans {")
	for _, v := range m.vlans {
		w("    Vlan%d {", v)
		if v >= 3000 {
			w("        description touch-%d;", v-3000)
		}
		w("        vlan-id %d;", v)
		if v < 3000 {
			w("        l3-interface irb.%d;", v)
		}
		w("    }")
	}
	w("}")
	return b.String()
}

func junosChassisHardware(m *model, _ time.Time) string {
	model := strings.ToUpper(m.hw)
	return lines(
		"Hardware inventory:",
		"Item             Version  Part number  Serial number     Description",
		fmt.Sprintf("%-16s %-8s %-12s %-17s %s", "Chassis", "", "", m.serial, model),
		fmt.Sprintf("%-16s %-8s %-12s %-17s %s", "Routing Engine 0", "REV 10", "650-044931", "PE"+m.serial[2:], model),
		fmt.Sprintf("%-16s %-8s %-12s %-17s %s", "FPC 0", "REV 10", "650-044931", "PE"+m.serial[2:], model),
		fmt.Sprintf("  %-14s %-8s %-12s %-17s %s", "CPU", "BUILTIN", "BUILTIN", "", "FPC CPU"),
		fmt.Sprintf("  %-14s %-8s %-12s %-17s %s", "PIC 0", "REV 10", "BUILTIN", "PE"+m.serial[2:], "48x10/100/1000 Base-T"),
		fmt.Sprintf("%-16s %-8s %-12s %-17s %s", "Power Supply 0", "REV 01", "740-046873", "1EDE"+m.serial[2:], "JPSU-350-AC-AFO-A"),
		fmt.Sprintf("%-16s %-8s %-12s %-17s %s", "Fan Tray 0", "", "", "", "Fan Module, Airflow Out (AFO)"),
	)
}

// junosInterfaces is show interfaces: a block per physical interface,
// with its logical unit.
func junosInterfaces(m *model, _ time.Time) string {
	var b strings.Builder
	for i := range m.ifaces {
		f := &m.ifaces[i]
		if f.kind == ifSVI {
			continue
		}
		admin, link := "Enabled", "Up"
		switch f.status {
		case "notconnect":
			link = "Down"
		case "disabled":
			admin, link = "Administratively down", "Down"
		}
		fmt.Fprintf(&b, "Physical interface: %s, %s, Physical link is %s\n", f.name, admin, link)
		fmt.Fprintf(&b, "  Interface index: %d, SNMP ifIndex: %d\n", 128+i, 500+i)
		if f.desc != "" {
			fmt.Fprintf(&b, "  Description: %s\n", f.desc)
		}
		if f.kind == ifLoopback {
			b.WriteString("  Type: Loopback, MTU: Unlimited\n")
		} else {
			speed := fmt.Sprintf("%dmbps", f.speed)
			if f.speed >= 1000 {
				speed = fmt.Sprintf("%dGbps", f.speed/1000)
			}
			duplex := "Full-Duplex"
			if !f.up() {
				speed, duplex = "Auto", "Auto"
			}
			fmt.Fprintf(&b, "  Link-level type: Ethernet, MTU: 1514, Speed: %s, Duplex: %s, BPDU Error: None, Loop Detect PDU Error: None, MAC-REWRITE Error: None, Loopback: Disabled, Source filtering: Disabled, Flow control: Disabled, Auto-negotiation: Enabled, Remote fault: Online\n", speed, duplex)
		}
		b.WriteString("  Device flags   : Present Running\n")
		b.WriteString("  Interface flags: SNMP-Traps Internal: 0x4000\n")
		b.WriteString("  Link flags     : None\n")
		if f.kind != ifLoopback {
			b.WriteString("  CoS queues     : 12 supported, 12 maximum usable queues\n")
			fmt.Fprintf(&b, "  Current address: %s, Hardware address: %s\n", f.mac.colon(), f.mac.colon())
		}
		b.WriteString("  Last flapped   : Never\n")
		b.WriteString("  Input rate     : 0 bps (0 pps)\n")
		b.WriteString("  Output rate    : 0 bps (0 pps)\n\n")
		fmt.Fprintf(&b, "  Logical interface %s.0 (Index %d) (SNMP ifIndex %d)\n", f.name, 600+i, 700+i)
		fmt.Fprintf(&b, "    Flags: %s SNMP-Traps 0x0 Encapsulation: ENET2\n", link)
		b.WriteString("    Input packets : 0\n")
		b.WriteString("    Output packets: 0\n")
		if f.ip.IsValid() {
			b.WriteString("    Protocol inet, MTU: 1500\n")
			fmt.Fprintf(&b, "      Addresses, Flags: Is-Preferred Is-Primary\n        Destination: %s, Local: %s\n", f.ip.Masked(), f.ip.Addr())
		} else {
			b.WriteString("    Protocol eth-switch, MTU: 1514\n")
		}
		b.WriteString("\n")
	}
	return b.String()
}
