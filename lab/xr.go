package lab

import (
	"fmt"
	"strings"
	"time"
)

// xrCommands is what a cisco_xr router understands. IOS XR starts most
// outputs with a timestamp line, and has no MAC table on a router.
var xrCommands = append(ciscoSessionCommands(),
	command{words: "terminal exec prompt no-timestamp", run: func(s *shell, _ []string) string { s.noTimestamp = true; return "" }},
	command{words: "terminal exec prompt timestamp", run: func(s *shell, _ []string) string { s.noTimestamp = false; return "" }},
	command{words: "show version", data: true, run: xrStamped(show(xrVersion))},
	command{words: "show clock", run: xrStamped(show(xrClock))},
	command{words: "show arp", data: true, run: xrStamped(static("xrARP", xrARP))},
	command{words: "show ipv4 interface brief", data: true, run: xrStamped(static("xrIPInterfaceBrief", xrIPInterfaceBrief))},
	command{words: "show ip interface brief", data: true, run: xrStamped(static("xrIPInterfaceBrief", xrIPInterfaceBrief))},
	command{words: "show lldp neighbors", data: true, run: xrStamped(static("xrLLDP", xrLLDP))},
	command{words: "show lldp neighbors detail", data: true, run: xrStamped(static("xrLLDPDetail", xrLLDPDetail))},
	command{words: "show running-config hostname", run: xrStamped(show(func(m *model, _ time.Time) string { return "hostname " + m.host + "\n" }))},
	command{words: "show inventory", data: true, run: xrStamped(static("xrInventory", xrInventory))},
	command{words: "show interfaces", data: true, run: xrStamped(static("xrInterfaces", xrInterfaces))},
	command{words: "show ipv4 interface", data: true, run: xrStamped(static("xrIPv4Interface", xrIPv4Interface))},
	command{words: "show running-config", data: true, run: xrStamped(static("xrRunningConfig", xrRunningConfig))},
)

// xrStamped prefixes an output with the time, as XR does unless told
// "terminal exec prompt no-timestamp" (newer clients send it). The body
// is rendered as any other platform's: once per model where it depends
// on nothing else (static), else for each command (show).
func xrStamped(body func(*shell, []string) string) func(*shell, []string) string {
	return func(s *shell, args []string) string {
		text := body(s, args)
		if s.noTimestamp {
			return text
		}
		return s.now().UTC().Format("Mon Jan _2 15:04:05.000 MST") + "\n" + text
	}
}

func xrVersion(m *model, now time.Time) string {
	return lines(
		"",
		"Cisco IOS XR Software, Version "+m.version,
		"Copyright (c) 2013-2022 by Cisco Systems, Inc.",
		"",
		"Build Information:",
		" Built By     : ingunawa",
		" Built On     : Thu Nov 24 21:02:56 PST 2022",
		" Built Host   : iox-ucs-019",
		" Workspace    : /auto/srcarchive17/prod/"+m.version+"/asr9k-x64/ws",
		" Version      : "+m.version,
		" Location     : /opt/cisco/XR/packages/",
		" Label        : "+m.version,
		"",
		fmt.Sprintf("cisco %s () processor", m.hw),
		"System uptime is "+ciscoUptime(m.uptime(now)),
	)
}

func xrClock(_ *model, now time.Time) string {
	return now.UTC().Format("15:04:05.000 MST Mon Jan 2 2006") + "\n"
}

func xrARP(m *model, _ time.Time) string {
	var b strings.Builder
	dashes := strings.Repeat("-", 79)
	fmt.Fprintf(&b, "\n%s\n0/0/CPU0\n%s\n", dashes, dashes)
	b.WriteString("Address         Age        Hardware Addr   State      Type  Interface\n")
	for i := range m.ifaces {
		if f := &m.ifaces[i]; f.kind == ifSVI {
			fmt.Fprintf(&b, "%-15s %-10s %s  %-10s ARPA  %s\n", f.ip.Addr(), "-", f.mac.dotted(), "Interface", f.name)
		}
	}
	for _, a := range m.arps {
		fmt.Fprintf(&b, "%-15s %02d:%02d:%02d   %s  %-10s ARPA  %s\n", a.ip, a.age/60, a.age%60, a.age%53, a.mac.dotted(), "Dynamic", m.ifaces[a.svi].name)
	}
	return b.String()
}

func xrIPInterfaceBrief(m *model, _ time.Time) string {
	var b strings.Builder
	b.WriteString("\nInterface                      IP-Address      Status          Protocol Vrf-Name\n")
	for i := range m.ifaces {
		f := &m.ifaces[i]
		status, proto := "Up", "Up"
		switch f.status {
		case "notconnect":
			status, proto = "Down", "Down"
		case "disabled":
			status, proto = "Shutdown", "Down"
		}
		vrf := "default"
		if f.kind == ifMgmt {
			vrf = "MGMT"
		}
		fmt.Fprintf(&b, "%-30s %-15s %-15s %-8s %s\n", f.name, f.ipOrUnassigned(), status, proto, vrf)
	}
	return b.String()
}

func xrLLDP(m *model, _ time.Time) string {
	var b strings.Builder
	b.WriteString("Capability codes:\n")
	b.WriteString("        (R) Router, (B) Bridge, (T) Telephone, (C) DOCSIS Cable Device\n")
	b.WriteString("        (W) WLAN Access Point, (P) Repeater, (S) Station, (O) Other\n\n")
	b.WriteString("Device ID       Local Intf          Hold-time  Capability     Port ID\n")
	for _, n := range m.nbrs {
		fmt.Fprintf(&b, "%-15s %-19s %-10d %-15s %s\n", n.name, m.ifaces[n.local].short, 120, n.caps, n.port)
	}
	fmt.Fprintf(&b, "\nTotal entries displayed: %d\n", len(m.nbrs))
	return b.String()
}

func xrRunningConfig(m *model, _ time.Time) string {
	var b strings.Builder
	w := func(format string, a ...any) { fmt.Fprintf(&b, format+"\n", a...) }
	w("Building configuration...")
	w("!! IOS XR Configuration %s", m.version)
	w("!! Last configuration change at %s by %s", m.boot.Add(time.Duration(m.rev.Config+1)*time.Hour).UTC().Format("Mon Jan _2 15:04:05 2006"), m.user)
	w("!")
	w("hostname %s", m.host)
	w("domain name lab.example")
	w("username %s", m.user)
	w(" group root-lr")
	w(" group cisco-support")
	w(" secret 10 $6$lab$%s", strings.Repeat("r", 20))
	w("!")
	w("vrf MGMT")
	w(" address-family ipv4 unicast")
	w(" !")
	w("!")
	for _, v := range m.vlans {
		if v >= 3000 {
			w("l2vpn bridge group touch bridge-domain touch-%d", v-3000)
			w("!")
		}
	}
	for i := range m.ifaces {
		f := &m.ifaces[i]
		w("interface %s", f.name)
		if f.desc != "" {
			w(" description %s", f.desc)
		}
		if f.kind == ifMgmt {
			w(" vrf MGMT")
		}
		if f.ip.IsValid() {
			w(" ipv4 address %s %s", f.ip.Addr(), netmask(f.ip.Bits()))
		}
		if f.status == "disabled" {
			w(" shutdown")
		}
		w("!")
	}
	w("router static")
	w(" vrf MGMT")
	w("  address-family ipv4 unicast")
	w("   0.0.0.0/0 10.0.%d.1", m.net)
	w("  !")
	w(" !")
	w("!")
	w("lldp")
	w("!")
	w("ssh server v2")
	w("ssh server vrf MGMT")
	w("end")
	return b.String()
}

func xrLLDPDetail(m *model, _ time.Time) string {
	var b strings.Builder
	b.WriteString("Capability codes:\n")
	b.WriteString("        (R) Router, (B) Bridge, (T) Telephone, (C) DOCSIS Cable Device\n")
	b.WriteString("        (W) WLAN Access Point, (P) Repeater, (S) Station, (O) Other\n\n")
	for _, n := range m.nbrs {
		b.WriteString("------------------------------------------------\n")
		fmt.Fprintf(&b, "Local Interface: %s\n", m.ifaces[n.local].name)
		fmt.Fprintf(&b, "Chassis id: %s\n", n.chassis.dotted())
		fmt.Fprintf(&b, "Port id: %s\n", n.port)
		fmt.Fprintf(&b, "Port Description: %s\n", n.portDesc)
		fmt.Fprintf(&b, "System Name: %s\n\n", n.name)
		fmt.Fprintf(&b, "System Description: \n%s\n\n", n.descr)
		b.WriteString("Time remaining: 102 seconds\n")
		b.WriteString("Hold Time: 120 seconds\n")
		fmt.Fprintf(&b, "System Capabilities: %s\n", n.caps)
		fmt.Fprintf(&b, "Enabled Capabilities: %s\n", n.caps)
		b.WriteString("Management Addresses:\n  not advertised\n\n")
		fmt.Fprintf(&b, "Peer MAC Address: %s\n\n", n.chassis.colon())
	}
	fmt.Fprintf(&b, "\nTotal entries displayed: %d\n", len(m.nbrs))
	return b.String()
}

func xrInventory(m *model, _ time.Time) string {
	model := strings.ReplaceAll(m.hw, "-", " ")
	return lines(
		fmt.Sprintf(`NAME: "Rack 0", DESCR: "%s"`, model),
		fmt.Sprintf("PID: %s, VID: V01, SN: %s", m.hw, m.serial),
		"",
		fmt.Sprintf(`NAME: "0/RP0/CPU0", DESCR: "%s Route Processor"`, model),
		fmt.Sprintf("PID: %s-RP, VID: V01, SN: FOC%s", m.hw, m.serial[3:]),
		"",
		`NAME: "0/PM0", DESCR: "Power Module"`,
		fmt.Sprintf("PID: PWR-2KW-AC-V2, VID: V02, SN: POG%s", m.serial[3:]),
	)
}

// xrState is how show interfaces words a port's state.
func xrState(f *iface) (link, proto string) {
	switch f.status {
	case "notconnect":
		return "down", "down"
	case "disabled":
		return "administratively down", "administratively down"
	}
	return "up", "up"
}

func xrInterfaces(m *model, _ time.Time) string {
	var b strings.Builder
	for i := range m.ifaces {
		f := &m.ifaces[i]
		link, proto := xrState(f)
		fmt.Fprintf(&b, "%s is %s, line protocol is %s \n", f.name, link, proto)
		b.WriteString("  Interface state transitions: 1\n")
		hw := "GigabitEthernet"
		switch f.kind {
		case ifLoopback:
			hw = "Loopback interface(s)"
		case ifSVI:
			hw = "Bridge-Group Virtual Interface"
		case ifUplink:
			hw = "TenGigE"
		case ifMgmt:
			hw = "Management Ethernet"
		}
		if f.kind == ifLoopback {
			fmt.Fprintf(&b, "  Hardware is %s\n", hw)
		} else {
			fmt.Fprintf(&b, "  Hardware is %s, address is %s (bia %s)\n", hw, f.mac.dotted(), f.mac.dotted())
		}
		if f.desc != "" {
			fmt.Fprintf(&b, "  Description: %s\n", f.desc)
		}
		if f.ip.IsValid() {
			fmt.Fprintf(&b, "  Internet address is %s\n", f.ip)
		} else {
			b.WriteString("  Internet address is Unknown\n")
		}
		bw := f.speed * 1000
		if bw == 0 {
			bw = 10000000
		}
		fmt.Fprintf(&b, "  MTU 1514 bytes, BW %d Kbit (Max: %d Kbit)\n", bw, bw)
		b.WriteString("     reliability 255/255, txload 0/255, rxload 0/255\n")
		b.WriteString("  Encapsulation ARPA,\n")
		if f.kind == ifAccess || f.kind == ifUplink || f.kind == ifMgmt {
			duplex, speed := "Full-duplex", fmt.Sprintf("%dMb/s", f.speed)
			if !f.up() {
				duplex, speed = "Duplex unknown", "Speed unknown"
			}
			fmt.Fprintf(&b, "  %s, %s, link type is force-up\n", duplex, speed)
			b.WriteString("  output flow control is off, input flow control is off\n")
		}
		b.WriteString("  Last input 00:00:00, output 00:00:00\n")
		b.WriteString("  Last clearing of \"show interface\" counters never\n")
		b.WriteString("  5 minute input rate 0 bits/sec, 0 packets/sec\n")
		b.WriteString("  5 minute output rate 0 bits/sec, 0 packets/sec\n")
		b.WriteString("\n")
	}
	return b.String()
}

func xrIPv4Interface(m *model, _ time.Time) string {
	var b strings.Builder
	for i := range m.ifaces {
		f := &m.ifaces[i]
		link, proto := "Up", "Up"
		switch f.status {
		case "notconnect":
			link, proto = "Down", "Down"
		case "disabled":
			link, proto = "Shutdown", "Down"
		}
		fmt.Fprintf(&b, "%s is %s, ipv4 protocol is %s \n", f.name, link, proto)
		vrf := "default"
		if f.kind == ifMgmt {
			vrf = "MGMT"
		}
		fmt.Fprintf(&b, "  Vrf is %s (vrfid 0x60000000)\n", vrf)
		if !f.ip.IsValid() {
			b.WriteString("  Internet protocol processing disabled\n")
			continue
		}
		fmt.Fprintf(&b, "  Internet address is %s\n", f.ip)
		b.WriteString("  MTU is 1514 (1500 is available to IP)\n")
		b.WriteString("  Helper address is not set\n")
		b.WriteString("  Directed broadcast forwarding is disabled\n")
		b.WriteString("  Outgoing access list is not set\n")
		b.WriteString("  Inbound  common access list is not set, access list is not set\n")
		b.WriteString("  Proxy ARP is disabled\n")
		b.WriteString("  ICMP redirects are never sent\n")
		b.WriteString("  ICMP unreachables are always sent\n")
		b.WriteString("  ICMP mask replies are never sent\n")
		b.WriteString("  Table Id is 0xe0000000\n")
	}
	return b.String()
}
