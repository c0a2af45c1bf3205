package lab

import (
	"fmt"
	"net/netip"
	"strconv"
	"strings"
	"time"
)

// iosCommands is what a cisco_ios device understands. show running-config
// needs privileged mode, as on a real switch.
var iosCommands = append(append(ciscoSessionCommands(), enableCommands()...),
	command{words: "show version", data: true, run: show(iosVersion)},
	command{words: "show clock", run: show(iosClock)},
	command{words: "show ip arp", data: true, run: static("iosARP", iosARP)},
	command{words: "show arp", data: true, run: static("iosARP", iosARP)},
	command{words: "show mac address-table", data: true, run: static("iosMAC", iosMAC)},
	command{words: "show interfaces status", data: true, run: static("iosInterfacesStatus", iosInterfacesStatus)},
	command{words: "show ip interface brief", data: true, run: static("iosIPInterfaceBrief", iosIPInterfaceBrief)},
	command{words: "show lldp neighbors", data: true, run: static("iosLLDP", iosLLDP)},
	command{words: "show lldp neighbors detail", data: true, run: static("iosLLDPDetail", iosLLDPDetail)},
	command{words: "show ip interface", data: true, run: static("iosIPInterface", iosIPInterface)},
	command{words: "show running-config", priv: true, data: true, run: show(iosRunningConfig)},
)

func iosVersion(m *model, now time.Time) string {
	image := strings.ToUpper(strings.Split(m.hw, "-")[1]) + "-UNIVERSALK9-M"
	file := strings.ToLower(strings.TrimSuffix(image, "-M")) + "-mz." + strings.NewReplacer("(", "", ")", ".", ".", "").Replace(m.version) + ".bin"
	mac := strings.ToUpper(m.baseMAC.colon())
	return lines(
		fmt.Sprintf("Cisco IOS Software, %s Software (%s), Version %s, RELEASE SOFTWARE (fc1)", strings.Split(m.hw, "-")[1], image, m.version),
		"Technical Support: http://www.cisco.com/techsupport",
		"Copyright (c) 1986-2023 by Cisco Systems, Inc.",
		"Compiled Fri 17-Mar-23 09:45 by mcpre",
		"",
		"ROM: Bootstrap program is C2960X boot loader",
		"BOOTLDR: C2960X Boot Loader (C2960X-HBOOT-M) Version 15.2(7r)E, RELEASE SOFTWARE (fc1)",
		"",
		fmt.Sprintf("%s uptime is %s", m.host, ciscoUptime(m.uptime(now))),
		"System returned to ROM by power-on",
		"System restarted at "+m.boot.UTC().Format("15:04:05 MST Mon Jan 2 2006"),
		fmt.Sprintf("System image file is \"flash:%s\"", file),
		"Last reload reason: power-on",
		"",
		"",
		"This product contains cryptographic features and is subject to United",
		"States and local country laws governing import, export, transfer and",
		"use. Delivery of Cisco cryptographic products does not imply",
		"third-party authority to import, export, distribute or use encryption.",
		"",
		fmt.Sprintf("cisco %s (APM86XXX) processor (revision A0) with 524288K bytes of memory.", m.hw),
		"Processor board ID "+m.serial,
		"Last reset from power-on",
		fmt.Sprintf("%d Virtual Ethernet interfaces", len(m.vlans)+1),
		"48 Gigabit Ethernet interfaces",
		"4 Ten Gigabit Ethernet interfaces",
		"The password-recovery mechanism is enabled.",
		"",
		"512K bytes of flash-simulated non-volatile configuration memory.",
		"Base ethernet MAC Address       : "+mac,
		"Motherboard assembly number     : 73-15899-06",
		"Model revision number           : A0",
		"Model number                    : "+m.hw,
		"System serial number            : "+m.serial,
		"",
		"Configuration register is 0xF",
	)
}

func iosClock(_ *model, now time.Time) string {
	return now.UTC().Format("15:04:05.000 MST Mon Jan 2 2006") + "\n"
}

func iosARP(m *model, _ time.Time) string {
	b := make([]byte, 0, 80+80*(len(m.arps)+8))
	b = append(b, "Protocol  Address          Age (min)  Hardware Addr   Type   Interface\n"...)
	line := func(ip netip.Addr, age string, mac hwAddr, name string) {
		b = append(b, "Internet  "...)
		b = appendAddr(b, ip, 16)
		b = append(b, ' ')
		b = appendRight(b, age, 9)
		b = append(b, "  "...)
		b = mac.appendDotted(b)
		b = append(b, "  ARPA   "...)
		b = append(b, name...)
		b = append(b, '\n')
	}
	for i := range m.ifaces {
		f := &m.ifaces[i]
		if f.kind == ifSVI || f.kind == ifMgmt {
			line(f.ip.Addr(), "-", f.mac, f.name)
		}
	}
	for _, a := range m.arps {
		line(a.ip, strconv.Itoa(a.age), a.mac, m.ifaces[a.svi].name)
	}
	return string(b)
}

func iosMAC(m *model, _ time.Time) string {
	var b strings.Builder
	b.WriteString("          Mac Address Table\n-------------------------------------------\n\n")
	b.WriteString("Vlan    Mac Address       Type        Ports\n----    -----------       --------    -----\n")
	fmt.Fprintf(&b, " All    0100.0ccc.cccc    STATIC      CPU\n")
	fmt.Fprintf(&b, " All    0180.c200.0000    STATIC      CPU\n")
	for _, a := range m.arps {
		fmt.Fprintf(&b, " %4d    %s    DYNAMIC     %s\n", m.ifaces[a.svi].vlan, a.mac.dotted(), m.ifaces[a.port].short)
	}
	fmt.Fprintf(&b, "Total Mac Addresses for this criterion: %d\n", len(m.arps)+2)
	return b.String()
}

func iosInterfacesStatus(m *model, _ time.Time) string {
	var b strings.Builder
	b.WriteString("Port      Name               Status       Vlan       Duplex  Speed Type\n")
	for _, i := range m.physical() {
		f := &m.ifaces[i]
		vlan, duplex, speed, typ := fmt.Sprint(f.vlan), "a-full", fmt.Sprintf("a-%d", f.speed), "10/100/1000BaseTX"
		if f.kind == ifUplink {
			vlan, duplex, speed, typ = "trunk", "full", "10G", "SFP-10GBase-SR"
		} else if !f.up() {
			duplex, speed = "auto", "auto"
		}
		fmt.Fprintf(&b, "%-9s %-18s %-12s %-10s %6s %6s %s\n", f.short, truncate(f.desc, 18), f.status, vlan, duplex, speed, typ)
	}
	return b.String()
}

func iosIPInterfaceBrief(m *model, _ time.Time) string {
	var b strings.Builder
	b.WriteString("Interface              IP-Address      OK? Method Status                Protocol\n")
	for i := range m.ifaces {
		f := &m.ifaces[i]
		status, proto := "up", "up"
		switch f.status {
		case "notconnect":
			status, proto = "down", "down"
		case "disabled":
			status, proto = "administratively down", "down"
		}
		method := "unset"
		if f.ip.IsValid() {
			method = "NVRAM"
		}
		fmt.Fprintf(&b, "%-22s %-15s YES %-6s %-21s %s\n", f.name, f.ipOrUnassigned(), method, status, proto)
	}
	return b.String()
}

func iosLLDP(m *model, _ time.Time) string {
	var b strings.Builder
	b.WriteString("Capability codes:\n")
	b.WriteString("    (R) Router, (B) Bridge, (T) Telephone, (C) DOCSIS Cable Device\n")
	b.WriteString("    (W) WLAN Access Point, (P) Repeater, (S) Station, (O) Other\n\n")
	b.WriteString("Device ID           Local Intf     Hold-time  Capability      Port ID\n")
	for _, n := range m.nbrs {
		fmt.Fprintf(&b, "%-20s%-15s%-11d%-16s%s\n", truncate(n.name, 20), m.ifaces[n.local].short, 120, n.caps, n.port)
	}
	fmt.Fprintf(&b, "\nTotal entries displayed: %d\n", len(m.nbrs))
	return b.String()
}

// iosRunningConfig renders the device's configuration, including the
// changes Touch made.
func iosRunningConfig(m *model, now time.Time) string {
	var b strings.Builder
	body := iosConfigBody(m)
	fmt.Fprintf(&b, "Building configuration...\n\nCurrent configuration : %d bytes\n", len(body))
	b.WriteString(body)
	return b.String()
}

func iosConfigBody(m *model) string {
	var b strings.Builder
	w := func(format string, a ...any) { fmt.Fprintf(&b, format+"\n", a...) }
	w("!")
	w("! Last configuration change at %s by admin", m.boot.Add(time.Duration(m.rev.Config+1)*time.Hour).UTC().Format("15:04:05 MST Mon Jan 2 2006"))
	w("!")
	w("version %s", strings.Join(strings.SplitN(m.version, ".", 3)[:2], "."))
	w("no service pad")
	w("service timestamps debug datetime msec")
	w("service timestamps log datetime msec")
	w("service password-encryption")
	w("!")
	w("hostname %s", m.host)
	w("!")
	w("boot-start-marker")
	w("boot-end-marker")
	w("!")
	w("enable secret 9 $9$lab$%s", strings.Repeat("x", 20))
	w("!")
	w("username %s privilege 15 secret 9 $9$lab$%s", m.user, strings.Repeat("y", 20))
	w("aaa new-model")
	w("!")
	w("ip domain-name lab.example")
	w("no ip domain-lookup")
	w("!")
	w("spanning-tree mode rapid-pvst")
	w("spanning-tree extend system-id")
	w("!")
	for _, v := range m.vlans {
		w("vlan %d", v)
		if v >= 3000 {
			w(" name touch-%d", v-3000)
		} else {
			w(" name users-%d", v)
		}
		w("!")
	}
	for i := range m.ifaces {
		f := &m.ifaces[i]
		if f.kind == ifLoopback || f.kind == ifSVI {
			continue
		}
		w("interface %s", f.name)
		if f.desc != "" {
			w(" description %s", f.desc)
		}
		switch f.kind {
		case ifAccess:
			w(" switchport access vlan %d", f.vlan)
			w(" switchport mode access")
			w(" spanning-tree portfast")
		case ifUplink:
			w(" switchport mode trunk")
		case ifMgmt:
			w(" vrf forwarding Mgmt-vrf")
			w(" ip address %s %s", f.ip.Addr(), netmask(f.ip.Bits()))
		}
		if f.status == "disabled" {
			w(" shutdown")
		}
		w("!")
	}
	for i := range m.ifaces {
		f := &m.ifaces[i]
		if f.kind != ifLoopback && f.kind != ifSVI {
			continue
		}
		w("interface %s", f.name)
		if f.desc != "" {
			w(" description %s", f.desc)
		}
		w(" ip address %s %s", f.ip.Addr(), netmask(f.ip.Bits()))
		w("!")
	}
	w("ip default-gateway 10.0.%d.1", m.net)
	w("ip ssh version 2")
	w("!")
	w("logging host 10.0.%d.250", m.net)
	w("snmp-server community lab-ro RO")
	w("ntp server 10.0.%d.251", m.net)
	w("!")
	w("line con 0")
	w(" exec-timeout 10 0")
	w("line vty 0 15")
	w(" exec-timeout 10 0")
	w(" transport input ssh")
	w("!")
	w("end")
	return b.String()
}

// netmask renders a prefix length as a dotted mask.
func netmask(bits int) string {
	m := uint32(0xffffffff) << (32 - bits)
	return fmt.Sprintf("%d.%d.%d.%d", m>>24, m>>16&0xff, m>>8&0xff, m&0xff)
}

func iosLLDPDetail(m *model, _ time.Time) string {
	var b strings.Builder
	for _, n := range m.nbrs {
		b.WriteString("------------------------------------------------\n")
		fmt.Fprintf(&b, "Local Intf: %s\n", m.ifaces[n.local].short)
		fmt.Fprintf(&b, "Chassis id: %s\n", n.chassis.dotted())
		fmt.Fprintf(&b, "Port id: %s\n", n.port)
		fmt.Fprintf(&b, "Port Description: %s\n", n.portDesc)
		fmt.Fprintf(&b, "System Name: %s\n\n", n.name)
		fmt.Fprintf(&b, "System Description: \n%s\n\n", n.descr)
		b.WriteString("Time remaining: 101 seconds\n")
		fmt.Fprintf(&b, "System Capabilities: %s\nEnabled Capabilities: %s\n", n.caps, n.caps)
		b.WriteString("Management Addresses - not advertised\n")
		b.WriteString("Auto Negotiation - not supported\n")
		b.WriteString("Physical media capabilities - not advertised\n")
		b.WriteString("Media Attachment Unit type - not advertised\n")
		b.WriteString("Vlan ID: - not advertised\n\n")
	}
	fmt.Fprintf(&b, "\nTotal entries displayed: %d\n", len(m.nbrs))
	return b.String()
}

// iosIPInterface is show ip interface: a block per interface, the
// switch ports saying they do no IP.
func iosIPInterface(m *model, _ time.Time) string {
	var b strings.Builder
	for i := range m.ifaces {
		f := &m.ifaces[i]
		status, proto := "up", "up"
		switch f.status {
		case "notconnect":
			status, proto = "down", "down"
		case "disabled":
			status, proto = "administratively down", "down"
		}
		fmt.Fprintf(&b, "%s is %s, line protocol is %s\n", f.name, status, proto)
		if !f.ip.IsValid() {
			b.WriteString("  Internet protocol processing disabled\n")
			continue
		}
		fmt.Fprintf(&b, "  Internet address is %s\n", f.ip)
		b.WriteString("  Broadcast address is 255.255.255.255\n")
		b.WriteString("  Address determined by non-volatile memory\n")
		b.WriteString("  MTU is 1500 bytes\n")
		b.WriteString("  Helper address is not set\n")
		b.WriteString("  Directed broadcast forwarding is disabled\n")
		b.WriteString("  Outgoing Common access list is not set \n")
		b.WriteString("  Outgoing access list is not set\n")
		b.WriteString("  Inbound Common access list is not set \n")
		b.WriteString("  Inbound  access list is not set\n")
		b.WriteString("  Proxy ARP is enabled\n")
		b.WriteString("  Local Proxy ARP is disabled\n")
		b.WriteString("  Security level is default\n")
		b.WriteString("  Split horizon is enabled\n")
		b.WriteString("  ICMP redirects are always sent\n")
		b.WriteString("  ICMP unreachables are always sent\n")
		b.WriteString("  ICMP mask replies are never sent\n")
		b.WriteString("  IP fast switching is enabled\n")
		b.WriteString("  IP CEF switching is enabled\n")
		b.WriteString("  IP multicast fast switching is enabled\n")
		b.WriteString("  Router Discovery is disabled\n")
		b.WriteString("  IP output packet accounting is disabled\n")
		b.WriteString("  IP access violation accounting is disabled\n")
		b.WriteString("  TCP/IP header compression is disabled\n")
		b.WriteString("  RTP/IP header compression is disabled\n")
		b.WriteString("  Probe proxy name replies are disabled\n")
		b.WriteString("  Policy routing is disabled\n")
		b.WriteString("  Network address translation is disabled\n")
		b.WriteString("  BGP Policy Mapping is disabled\n")
		b.WriteString("  Input features: MCI Check\n")
	}
	return b.String()
}
