package views

import (
	"errors"
	"fmt"
	"net/netip"
	"slices"
	"strings"

	"vc/records"
)

// ErrNotAddress is a locate query that is neither an IP nor a MAC address.
var ErrNotAddress = errors.New("not an IP or MAC address")

// LocateViews are the views locate reads, in the order it asks them: the
// ARP table turns an IP address into a MAC address, the MAC table says
// where that was learned, LLDP and the ports tell uplinks from access
// ports.
var LocateViews = []string{"arp", "mac", "lldp", "interfaces"}

// Query is what locate looks for.
type Query struct {
	// Text is the query as typed; IP or MAC is set.
	Text    string
	IP, MAC string
}

// ParseQuery reads an IP or MAC address.
func ParseQuery(s string) (Query, error) {
	q := Query{Text: s}
	if a, err := netip.ParseAddr(s); err == nil {
		q.IP = a.String()
		return q, nil
	}
	if m, ok := MAC(s); ok {
		q.MAC = m
		return q, nil
	}
	return q, fmt.Errorf("%q: %w", s, ErrNotAddress)
}

// Tables are the view tables a fleet gave for locate; any may be nil.
type Tables struct {
	ARP, MAC, LLDP, Interfaces *records.Set
}

// Sighting is one device's record of the host: an ARP entry, or the MAC
// address learned on a port.
type Sighting struct {
	Device    string
	Interface string
	VLAN      any
	MAC, IP   string
	// Seen is arp or mac.
	Seen string
	// Uplink says why a port does not lead to the host itself: the LLDP
	// neighbour at its other end, or that it is a trunk. Empty for an
	// access port.
	Uplink string
}

// Located is where a host is attached, and the chain of devices that saw
// it on the way.
type Located struct {
	Query Query
	// MACs are the host's MAC addresses: the query's, or those the ARP
	// tables give its IP address.
	MACs []string
	// IPs are its addresses in the ARP tables.
	IPs []string
	// Attached are the access ports its MAC address was learned on: the
	// answer.
	Attached []Sighting
	// Seen is every sighting: ARP entries and MAC table entries, uplinks
	// included.
	Seen []Sighting
}

// Locate follows a host through the tables: its IP address to MAC
// addresses by the ARP tables, each MAC address to the ports that learned
// it by the MAC tables, leaving out ports that lead to other switches (an
// LLDP neighbour on them, or a trunk).
func Locate(q Query, t Tables) *Located {
	l := &Located{Query: q}
	arp := columns(t.ARP, "device", "ip", "mac", "interface")
	if q.IP != "" {
		for _, r := range arp.rows {
			if arp.text(r, "ip") != q.IP {
				continue
			}
			mac := arp.text(r, "mac")
			l.Seen = append(l.Seen, Sighting{Device: arp.text(r, "device"), Interface: arp.text(r, "interface"), MAC: mac, IP: q.IP, Seen: "arp"})
			if mac != "" && !slices.Contains(l.MACs, mac) {
				l.MACs = append(l.MACs, mac)
			}
		}
		l.IPs = []string{q.IP}
	} else {
		l.MACs = []string{q.MAC}
		for _, r := range arp.rows {
			if arp.text(r, "mac") == q.MAC {
				ip := arp.text(r, "ip")
				l.Seen = append(l.Seen, Sighting{Device: arp.text(r, "device"), Interface: arp.text(r, "interface"), MAC: q.MAC, IP: ip, Seen: "arp"})
				if !slices.Contains(l.IPs, ip) {
					l.IPs = append(l.IPs, ip)
				}
			}
		}
	}
	uplinks := uplinkPorts(t)
	mac := columns(t.MAC, "device", "mac", "vlan", "interface")
	ip := strings.Join(l.IPs, ",")
	for _, r := range mac.rows {
		m := mac.text(r, "mac")
		if !slices.Contains(l.MACs, m) {
			continue
		}
		dev, port := mac.text(r, "device"), mac.text(r, "interface")
		s := Sighting{Device: dev, Interface: port, VLAN: mac.cell(r, "vlan"), MAC: m, IP: ip, Seen: "mac",
			Uplink: uplinks[[2]string{dev, port}]}
		l.Seen = append(l.Seen, s)
		if s.Uplink == "" {
			l.Attached = append(l.Attached, s)
		}
	}
	return l
}

// uplinkPorts says, for each device and port that leads to another
// switch, why: its LLDP neighbour, or that it is a trunk.
func uplinkPorts(t Tables) map[[2]string]string {
	out := map[[2]string]string{}
	ifs := columns(t.Interfaces, "device", "name", "vlan")
	for _, r := range ifs.rows {
		if strings.EqualFold(ifs.text(r, "vlan"), "trunk") {
			out[[2]string{ifs.text(r, "device"), ifs.text(r, "name")}] = "trunk"
		}
	}
	lldp := columns(t.LLDP, "device", "local_interface", "neighbor", "neighbor_interface")
	for _, r := range lldp.rows {
		why := "uplink to " + lldp.text(r, "neighbor")
		if p := lldp.text(r, "neighbor_interface"); p != "" {
			why += " " + p
		}
		out[[2]string{lldp.text(r, "device"), lldp.text(r, "local_interface")}] = why
	}
	return out
}

// Set is the chain as records: the access ports first (the answer), then
// every other sighting, MAC tables before ARP tables.
func (l *Located) Set() *records.Set {
	s := &records.Set{Columns: []string{"device", "interface", "vlan", "mac", "ip", "seen", "port"},
		Empty: "not found: no ARP or MAC table of the devices asked has " + l.Query.Text}
	rank := func(x Sighting) int {
		switch {
		case x.Seen == "mac" && x.Uplink == "":
			return 0
		case x.Seen == "mac":
			return 1
		}
		return 2
	}
	seen := slices.Clone(l.Seen)
	slices.SortStableFunc(seen, func(a, b Sighting) int { return rank(a) - rank(b) })
	for _, x := range seen {
		port := x.Uplink
		switch {
		case x.Seen == "arp":
			port = "routed (gateway)"
		case port == "":
			port = "access: attached here"
		}
		s.Rows = append(s.Rows, []any{x.Device, x.Interface, x.VLAN, x.MAC, nilIfEmpty(x.IP), x.Seen, port})
	}
	return s
}

func nilIfEmpty(s string) any {
	if s == "" {
		return nil
	}
	return s
}

// table reads a view's set by column name.
type table struct {
	rows [][]any
	at   map[string]int
}

func columns(s *records.Set, names ...string) table {
	t := table{at: map[string]int{}}
	if s == nil {
		return t
	}
	for _, n := range names {
		if i := slices.Index(s.Columns, n); i >= 0 {
			t.at[n] = i
		}
	}
	t.rows = s.Rows
	return t
}

func (t table) cell(r []any, name string) any {
	if i, ok := t.at[name]; ok && i < len(r) {
		return r[i]
	}
	return nil
}

func (t table) text(r []any, name string) string { return records.Text(t.cell(r, name)) }
