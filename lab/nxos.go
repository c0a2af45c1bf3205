package lab

import (
	"fmt"
	"strings"
	"time"
)

// nxosCommands is what a cisco_nxos device understands. NX-OS spells
// "show interface" in the singular and accepts the plural too.
var nxosCommands = append(ciscoSessionCommands(),
	command{words: "show version", data: true, run: show(nxosVersion)},
	command{words: "show clock", run: show(nxosClock)},
	command{words: "show ip arp", data: true, run: static("nxosARP", nxosARP)},
	command{words: "show mac address-table", data: true, run: static("nxosMAC", nxosMAC)},
	command{words: "show interface status", data: true, run: static("nxosInterfaceStatus", nxosInterfaceStatus)},
	command{words: "show interfaces status", data: true, run: static("nxosInterfaceStatus", nxosInterfaceStatus)},
	command{words: "show ip interface brief", data: true, run: static("nxosIPInterfaceBrief", nxosIPInterfaceBrief)},
	command{words: "show lldp neighbors", data: true, run: static("nxosLLDP", nxosLLDP)},
	command{words: "show lldp neighbors detail", data: true, run: static("nxosLLDPDetail", nxosLLDPDetail)},
	command{words: "show ip interface", data: true, run: static("nxosIPInterface", nxosIPInterface(false))},
	command{words: "show ip interface vrf all", data: true, run: static("nxosIPInterfaceAll", nxosIPInterface(true))},
	command{words: "show running-config", data: true, run: show(nxosRunningConfig)},
)

func nxosVersion(m *model, now time.Time) string {
	up := m.uptime(now)
	secs := int(up.Seconds())
	image := "nxos64-cs." + m.version + ".M.bin"
	return lines(
		"Cisco Nexus Operating System (NX-OS) Software",
		"TAC support: http://www.cisco.com/tac",
		"Copyright (C) 2002-2023, Cisco and/or its affiliates.",
		"All rights reserved.",
		"",
		"Software",
		"  BIOS: version 07.69",
		"  NXOS: version "+m.version,
		"  BIOS compile time:  04/07/2021",
		"  NXOS image file is: bootflash:///"+image,
		"  NXOS compile time:  5/14/2023 12:00:00 [05/14/2023 20:30:45]",
		"",
		"",
		"Hardware",
		fmt.Sprintf("  cisco Nexus9000 %s Chassis", strings.TrimPrefix(m.hw, "N9K-")),
		"  Intel(R) Xeon(R) CPU D-1526 @ 1.80GHz with 24571432 kB of memory.",
		"  Processor Board ID "+m.serial,
		"",
		"  Device name: "+m.host,
		"  bootflash:   53298520 kB",
		fmt.Sprintf("Kernel uptime is %d day(s), %d hour(s), %d minute(s), %d second(s)", secs/86400, secs%86400/3600, secs%3600/60, secs%60),
		"",
		"Last reset",
		"  Reason: Unknown",
		"  System version: "+m.version,
		"  Service:",
		"",
		"plugin",
		"  Core Plugin, Ethernet Plugin",
		"",
		"Active Package(s):",
	)
}

func nxosClock(_ *model, now time.Time) string {
	return lines(now.UTC().Format("15:04:05.000 MST Mon Jan 2 2006"), "Time source is NTP")
}

func nxosARP(m *model, _ time.Time) string {
	var b strings.Builder
	b.WriteString("\nFlags: * - Adjacencies learnt on non-active FHRP router\n")
	b.WriteString("       + - Adjacencies synced via CFSoE\n")
	b.WriteString("       # - Adjacencies Throttled for Glean\n")
	b.WriteString("       CP - Added via L2RIB, Control plane Adjacencies\n")
	b.WriteString("       PS - Added via L2RIB, Peer Sync\n")
	b.WriteString("       RO - Re-Originated Peer Sync Entry\n")
	b.WriteString("       D - Static Adjacencies attached to down interface\n\n")
	b.WriteString("IP ARP Table for context default\n")
	fmt.Fprintf(&b, "Total number of entries: %d\n", len(m.arps))
	b.WriteString("Address         Age       MAC Address     Interface       Flags\n")
	line := make([]byte, 0, 80)
	for _, a := range m.arps {
		line = appendAddr(line[:0], a.ip, 15)
		line = append(line, ' ')
		line = append(append2(append(append2(append(append2(line, a.age/60), ':'), a.age%60), ':'), a.age%53), "  "...)
		line = a.mac.appendDotted(line)
		line = append(line, "  "...)
		line = appendLeft(line, m.ifaces[a.svi].name, 15)
		line = append(line, '\n')
		b.Write(line)
	}
	return b.String()
}

func nxosMAC(m *model, _ time.Time) string {
	var b strings.Builder
	b.WriteString("Legend: \n")
	b.WriteString("        * - primary entry, G - Gateway MAC, (R) - Routed MAC, O - Overlay MAC\n")
	b.WriteString("        age - seconds since last seen,+ - primary entry using vPC Peer-Link,\n")
	b.WriteString("        (T) - True, (F) - False, C - ControlPlane MAC, ~ - vsan\n")
	b.WriteString("   VLAN     MAC Address      Type      age     Secure NTFY Ports\n")
	b.WriteString("---------+-----------------+--------+---------+------+----+------------------\n")
	for i := range m.ifaces {
		if f := &m.ifaces[i]; f.kind == ifSVI {
			fmt.Fprintf(&b, "G %7d     %s   static       -       F      F    sup-eth1(R)\n", f.vlan, f.mac.dotted())
		}
	}
	for _, a := range m.arps {
		fmt.Fprintf(&b, "* %7d     %s   dynamic  %-8d  F      F    %s\n", m.ifaces[a.svi].vlan, a.mac.dotted(), a.age*60%1000, m.ifaces[a.port].short)
	}
	return b.String()
}

func nxosInterfaceStatus(m *model, _ time.Time) string {
	var b strings.Builder
	dashes := strings.Repeat("-", 80)
	b.WriteString("\n" + dashes + "\n")
	b.WriteString("Port          Name               Status    Vlan      Duplex  Speed   Type\n")
	b.WriteString(dashes + "\n")
	for _, i := range m.physical() {
		f := &m.ifaces[i]
		status, vlan, speed, typ := truncate(f.status, 9), fmt.Sprint(f.vlan), fmt.Sprint(f.speed), "1000base-T"
		if f.kind == ifUplink {
			vlan, speed, typ = "trunk", "10G", "10Gbase-SR"
		}
		duplex := "full"
		if !f.up() {
			duplex, speed = "auto", "auto"
		}
		desc := f.desc
		if desc == "" {
			desc = "--"
		}
		fmt.Fprintf(&b, "%-13s %-18s %-9s %-9s %-7s %-7s %s\n", f.short, truncate(desc, 18), status, vlan, duplex, speed, typ)
	}
	return b.String()
}

func nxosIPInterfaceBrief(m *model, _ time.Time) string {
	var b strings.Builder
	b.WriteString("\nIP Interface Status for VRF \"default\"(1)\n")
	b.WriteString("Interface            IP Address      Interface Status\n")
	for i := range m.ifaces {
		f := &m.ifaces[i]
		if f.kind == ifSVI || f.kind == ifLoopback {
			fmt.Fprintf(&b, "%-20s %-15s protocol-up/link-up/admin-up       \n", f.short, f.ip.Addr())
		}
	}
	b.WriteString("\nIP Interface Status for VRF \"management\"(2)\n")
	b.WriteString("Interface            IP Address      Interface Status\n")
	for i := range m.ifaces {
		if f := &m.ifaces[i]; f.kind == ifMgmt {
			fmt.Fprintf(&b, "%-20s %-15s protocol-up/link-up/admin-up       \n", f.short, f.ip.Addr())
		}
	}
	return b.String()
}

func nxosLLDP(m *model, _ time.Time) string {
	var b strings.Builder
	b.WriteString("Capability codes:\n")
	b.WriteString("  (R) Router, (B) Bridge, (T) Telephone, (C) DOCSIS Cable Device\n")
	b.WriteString("  (W) WLAN Access Point, (P) Repeater, (S) Station, (O) Other\n")
	b.WriteString("Device ID            Local Intf      Hold-time  Capability  Port ID  \n")
	for _, n := range m.nbrs {
		fmt.Fprintf(&b, "%-20s %-15s %-10d %-11s %s\n", n.name, m.ifaces[n.local].short, 120, strings.ReplaceAll(n.caps, ",", ""), n.port)
	}
	fmt.Fprintf(&b, "\nTotal entries displayed: %d\n", len(m.nbrs))
	return b.String()
}

func nxosRunningConfig(m *model, now time.Time) string {
	var b strings.Builder
	w := func(format string, a ...any) { fmt.Fprintf(&b, format+"\n", a...) }
	w("")
	w("!Command: show running-config")
	w("!Running configuration last done at: %s", m.boot.Add(time.Duration(m.rev.Config+1)*time.Hour).UTC().Format("Mon Jan _2 15:04:05 2006"))
	w("!Time: %s", now.UTC().Format("Mon Jan _2 15:04:05 2006"))
	w("")
	w("version %s Bios:version 07.69 ", m.version)
	w("hostname %s", m.host)
	w("feature interface-vlan")
	w("feature lldp")
	w("")
	w("username %s password 5 $5$lab$%s  role network-admin", m.user, strings.Repeat("q", 20))
	w("ip domain-lookup")
	w("")
	for _, v := range m.vlans {
		w("vlan %d", v)
		if v >= 3000 {
			w("  name touch-%d", v-3000)
		} else {
			w("  name users-%d", v)
		}
	}
	w("")
	w("vrf context management")
	w("  ip route 0.0.0.0/0 10.0.%d.1", m.net)
	w("")
	for i := range m.ifaces {
		f := &m.ifaces[i]
		w("interface %s", f.name)
		if f.desc != "" {
			w("  description %s", f.desc)
		}
		switch f.kind {
		case ifAccess:
			w("  switchport access vlan %d", f.vlan)
		case ifUplink:
			w("  switchport mode trunk")
		case ifMgmt:
			w("  vrf member management")
			w("  ip address %s", f.ip)
		case ifSVI, ifLoopback:
			w("  ip address %s", f.ip)
		}
		if f.status == "disabled" {
			w("  shutdown")
		} else if f.kind != ifMgmt {
			w("  no shutdown")
		}
		w("")
	}
	w("line console")
	w("line vty")
	w("  exec-timeout 10")
	return b.String()
}

func nxosLLDPDetail(m *model, _ time.Time) string {
	var b strings.Builder
	b.WriteString("Capability codes:\n")
	b.WriteString("  (R) Router, (B) Bridge, (T) Telephone, (C) DOCSIS Cable Device\n")
	b.WriteString("  (W) WLAN Access Point, (P) Repeater, (S) Station, (O) Other\n")
	b.WriteString("Device ID            Local Intf      Hold-time  Capability  Port ID  \n\n")
	for _, n := range m.nbrs {
		fmt.Fprintf(&b, "Chassis id: %s\n", n.chassis.dotted())
		fmt.Fprintf(&b, "Port id: %s\n", n.port)
		fmt.Fprintf(&b, "Local Port id: %s\n", m.ifaces[n.local].short)
		fmt.Fprintf(&b, "Port Description: %s\n", n.portDesc)
		fmt.Fprintf(&b, "System Name: %s\n", n.name)
		fmt.Fprintf(&b, "System Description: %s\n", n.descr)
		b.WriteString("Time remaining: 95 seconds\n")
		fmt.Fprintf(&b, "System Capabilities: %s\n", strings.ReplaceAll(n.caps, ",", ", "))
		fmt.Fprintf(&b, "Enabled Capabilities: %s\n", strings.ReplaceAll(n.caps, ",", ", "))
		b.WriteString("Management Address: not advertised\n")
		b.WriteString("Management Address IPV6: not advertised\n")
		b.WriteString("Vlan ID: not advertised\n\n")
	}
	fmt.Fprintf(&b, "\nTotal entries displayed: %d\n", len(m.nbrs))
	return b.String()
}

// nxosIPInterface is show ip interface: the default VRF's routed
// interfaces, and with vrf all the management VRF's too.
func nxosIPInterface(all bool) func(m *model, _ time.Time) string {
	return func(m *model, _ time.Time) string {
		var b strings.Builder
		block := func(f *iface, iod int) {
			fmt.Fprintf(&b, "%s, Interface status: protocol-up/link-up/admin-up, iod: %d,\n", f.name, iod)
			fmt.Fprintf(&b, "  IP address: %s, IP subnet: %s route-preference: 0, tag: 0 \n", f.ip.Addr(), f.ip.Masked())
			b.WriteString("  IP broadcast address: 255.255.255.255\n")
			b.WriteString("  IP multicast groups locally joined: none\n")
			b.WriteString("  IP MTU: 1500 bytes (using link MTU)\n")
			b.WriteString("  IP primary address route-preference: 0, tag: 0\n")
			b.WriteString("  IP proxy ARP : disabled\n")
			b.WriteString("  IP Local Proxy ARP : disabled\n")
			b.WriteString("  IP multicast routing: disabled\n")
			b.WriteString("  IP icmp redirects: enabled\n")
			b.WriteString("  IP directed-broadcast: disabled \n")
			b.WriteString("  IP Forwarding: disabled \n")
			b.WriteString("  IP icmp unreachables (except port): disabled\n")
			b.WriteString("  IP icmp port-unreachable: enabled\n")
			b.WriteString("  IP unicast reverse path forwarding: none\n")
			b.WriteString("  IP load sharing: none \n")
			b.WriteString("  IP interface statistics last reset: never\n")
		}
		b.WriteString("IP Interface Status for VRF \"default\"(1)\n")
		for i := range m.ifaces {
			if f := &m.ifaces[i]; f.kind == ifSVI || f.kind == ifLoopback {
				block(f, 4+i)
			}
		}
		if all {
			b.WriteString("\nIP Interface Status for VRF \"management\"(2)\n")
			for i := range m.ifaces {
				if f := &m.ifaces[i]; f.kind == ifMgmt {
					block(f, 2)
				}
			}
		}
		return b.String()
	}
}
