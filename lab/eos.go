package lab

import (
	"fmt"
	"strconv"
	"strings"
	"time"
)

// eosCommands is what an arista_eos device understands.
var eosCommands = append(append(ciscoSessionCommands(), enableCommands()...),
	command{words: "show version", data: true, run: show(eosVersion)},
	command{words: "show clock", run: show(eosClock)},
	command{words: "show ip arp", data: true, run: static("eosARP", eosARP)},
	command{words: "show arp", data: true, run: static("eosARP", eosARP)},
	command{words: "show mac address-table", data: true, run: static("eosMAC", eosMAC)},
	command{words: "show interfaces status", data: true, run: static("eosInterfacesStatus", eosInterfacesStatus)},
	command{words: "show ip interface brief", data: true, run: static("eosIPInterfaceBrief", eosIPInterfaceBrief)},
	command{words: "show lldp neighbors", data: true, run: static("eosLLDP", eosLLDP)},
	command{words: "show lldp neighbors detail", data: true, run: static("eosLLDPDetail", eosLLDPDetail)},
	command{words: "show hostname", run: show(eosHostname)},
	command{words: "show running-config", priv: true, data: true, run: static("eosRunningConfig", eosRunningConfig)},
)

func eosVersion(m *model, now time.Time) string {
	return lines(
		"Arista "+m.hw,
		"Hardware version: 11.00",
		"Serial number: "+m.serial,
		"Hardware MAC address: "+m.baseMAC.dotted(),
		"System MAC address: "+m.baseMAC.dotted(),
		"",
		"Software image version: "+m.version,
		"Architecture: i686",
		fmt.Sprintf("Internal build version: %s-%d.%s", m.version, 28000000+int(m.net)*1000, strings.ReplaceAll(m.version, ".", "")),
		"Internal build ID: 5cc97ff0-08f5-438e-9b7c-c94dea3f44a6",
		"Image format version: 3.0",
		"Image optimization: Strata-4GB",
		"",
		"Uptime: "+aristaUptime(m.uptime(now)),
		"Total memory: 3982456 kB",
		fmt.Sprintf("Free memory: %d kB", 1800000+int(m.net)*1000),
	)
}

func eosClock(_ *model, now time.Time) string {
	return lines(now.UTC().Format("Mon Jan _2 15:04:05 2006"), "Timezone: UTC", "Clock source: NTP server (10.0.0.251)")
}

func eosARP(m *model, _ time.Time) string {
	b := make([]byte, 0, 64+80*len(m.arps))
	b = append(b, "Address         Age (sec)  Hardware Addr   Interface\n"...)
	var age []byte
	for _, a := range m.arps {
		b = appendAddr(b, a.ip, 15)
		b = append(b, ' ')
		age = strconv.AppendInt(age[:0], int64(a.age/60), 10)
		age = append(append2(append(age, ':'), a.age%60), ":00"...)
		b = appendRight(b, string(age), 9)
		b = append(b, "  "...)
		b = a.mac.appendDotted(b)
		b = append(b, "  "...)
		b = append(b, m.ifaces[a.svi].name...)
		b = append(b, ", "...)
		b = append(b, m.ifaces[a.port].name...)
		b = append(b, '\n')
	}
	return string(b)
}

func eosMAC(m *model, _ time.Time) string {
	var b strings.Builder
	b.WriteString("          Mac Address Table\n------------------------------------------------------------------\n\n")
	b.WriteString("Vlan    Mac Address       Type        Ports      Moves   Last Move\n")
	b.WriteString("----    -----------       ----        -----      -----   ---------\n")
	for _, a := range m.arps {
		fmt.Fprintf(&b, "%4d    %s    DYNAMIC     %-10s 1       %d:%02d:%02d ago\n", m.ifaces[a.svi].vlan, a.mac.dotted(),
			m.ifaces[a.port].short, a.age/60, a.age%60, a.age%53)
	}
	fmt.Fprintf(&b, "Total Mac Addresses for this criterion: %d\n\n", len(m.arps))
	b.WriteString("          Multicast Mac Address Table\n------------------------------------------------------------------\n\n")
	b.WriteString("Vlan    Mac Address       Type        Ports\n----    -----------       ----        -----\n")
	b.WriteString("Total Mac Addresses for this criterion: 0\n")
	return b.String()
}

func eosInterfacesStatus(m *model, _ time.Time) string {
	var b strings.Builder
	b.WriteString("Port       Name        Status       Vlan     Duplex Speed  Type            Flags Encapsulation\n")
	for _, i := range m.physical() {
		f := &m.ifaces[i]
		vlan, duplex, speed, typ := fmt.Sprint(f.vlan), "full", speedName(f.speed), "1000BASE-T"
		if f.kind == ifUplink {
			vlan, typ = "trunk", "10GBASE-SR"
		}
		if !f.up() {
			duplex, speed = "auto", "auto"
		}
		status := f.status
		fmt.Fprintf(&b, "%-10s %-11s %-12s %-8s %-6s %-6s %-15s\n", f.short, truncate(f.desc, 11), status, vlan, duplex, speed, typ)
	}
	return b.String()
}

func eosIPInterfaceBrief(m *model, _ time.Time) string {
	var b strings.Builder
	b.WriteString("                                                                              Address\n")
	b.WriteString("Interface         IP Address          Status       Protocol          MTU    Owner  \n")
	b.WriteString("----------------- ------------------- ------------ ----------------- ------ -------\n")
	for i := range m.ifaces {
		f := &m.ifaces[i]
		if f.kind != ifSVI && f.kind != ifLoopback && f.kind != ifMgmt {
			continue
		}
		ip, mtu := "unassigned", 1500
		if f.ip.IsValid() {
			ip = f.ip.String()
		}
		if f.kind == ifLoopback {
			mtu = 65535
		}
		fmt.Fprintf(&b, "%-17s %-19s %-12s %-17s %-6d\n", f.name, ip, "up", "up", mtu)
	}
	return b.String()
}

func eosLLDP(m *model, _ time.Time) string {
	var b strings.Builder
	b.WriteString("Last table change time   : 0:12:41 ago\n")
	fmt.Fprintf(&b, "Number of table inserts  : %d\n", len(m.nbrs))
	b.WriteString("Number of table deletes  : 0\nNumber of table drops    : 0\nNumber of table age-outs : 0\n\n")
	b.WriteString("Port          Neighbor Device ID       Neighbor Port ID    TTL\n")
	b.WriteString("------------- ------------------------ ------------------- ---\n")
	for _, n := range m.nbrs {
		fmt.Fprintf(&b, "%-13s %-24s %-19s 120\n", m.ifaces[n.local].short, n.name, n.port)
	}
	return b.String()
}

func eosRunningConfig(m *model, _ time.Time) string {
	var b strings.Builder
	w := func(format string, a ...any) { fmt.Fprintf(&b, format+"\n", a...) }
	w("! Command: show running-config")
	w("! device: %s (%s, EOS-%s)", m.host, m.hw, m.version)
	w("!")
	w("! boot system flash:/EOS-%s.swi", m.version)
	w("!")
	w("no aaa root")
	w("!")
	w("username %s privilege 15 role network-admin secret sha512 $6$lab$%s", m.user, strings.Repeat("z", 20))
	w("!")
	w("transceiver qsfp default-mode 4x10G")
	w("!")
	w("service routing protocols model multi-agent")
	w("!")
	w("hostname %s", m.host)
	w("ip name-server vrf MGMT 10.0.%d.53", m.net)
	w("dns domain lab.example")
	w("!")
	w("ntp server vrf MGMT 10.0.%d.251", m.net)
	w("!")
	w("spanning-tree mode mstp")
	w("!")
	for _, v := range m.vlans {
		w("vlan %d", v)
		if v >= 3000 {
			w("   name touch-%d", v-3000)
		} else {
			w("   name users-%d", v)
		}
		w("!")
	}
	w("vrf instance MGMT")
	w("!")
	for i := range m.ifaces {
		f := &m.ifaces[i]
		w("interface %s", f.name)
		if f.desc != "" {
			w("   description %s", f.desc)
		}
		switch f.kind {
		case ifAccess:
			w("   switchport access vlan %d", f.vlan)
		case ifUplink:
			w("   switchport mode trunk")
		case ifMgmt:
			w("   vrf MGMT")
			w("   ip address %s", f.ip)
		case ifSVI, ifLoopback:
			w("   ip address %s", f.ip)
		}
		if f.status == "disabled" {
			w("   shutdown")
		}
		w("!")
	}
	w("ip routing")
	w("no ip routing vrf MGMT")
	w("!")
	w("ip route vrf MGMT 0.0.0.0/0 10.0.%d.1", m.net)
	w("!")
	w("management api http-commands")
	w("   no shutdown")
	w("!")
	w("end")
	return b.String()
}

func eosHostname(m *model, _ time.Time) string {
	return lines("Hostname: "+m.host, "FQDN:     "+m.host+".lab.example")
}

func eosLLDPDetail(m *model, _ time.Time) string {
	var b strings.Builder
	for _, n := range m.nbrs {
		f := &m.ifaces[n.local]
		fmt.Fprintf(&b, "Interface %s detected 1 LLDP neighbors:\n\n", f.name)
		fmt.Fprintf(&b, "  Neighbor %s/\"%s\", age 12 seconds\n", n.chassis.dotted(), n.port)
		b.WriteString("  Discovered 2 days, 3:04:05 ago; Last changed 2 days, 3:04:05 ago\n")
		b.WriteString("  - Chassis ID type: MAC address (4)\n")
		fmt.Fprintf(&b, "    Chassis ID     : %s\n", n.chassis.dotted())
		b.WriteString("  - Port ID type: Interface name (5)\n")
		fmt.Fprintf(&b, "    Port ID        : \"%s\"\n", n.port)
		b.WriteString("  - Time To Live: 120 seconds\n")
		fmt.Fprintf(&b, "  - Port Description: \"%s\"\n", n.portDesc)
		fmt.Fprintf(&b, "  - System Name: \"%s\"\n", n.name)
		fmt.Fprintf(&b, "  - System Description: \"%s\"\n", n.descr)
		b.WriteString("  - System Capabilities : Bridge, Router\n    Enabled Capabilities: Bridge, Router\n\n")
	}
	return b.String()
}
