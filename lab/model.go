package lab

import (
	"fmt"
	"hash/fnv"
	"math/rand/v2"
	"net/netip"
	"sync"
	"time"
)

// model is the state a device's outputs are rendered from. It is derived
// from the seed and the device name each time a command needs it, rather
// than kept, so an idle lab of thousands of devices holds none of it; every
// output of one device agrees with the others because the derivation is the
// same.
type model struct {
	host    string
	site    string
	plat    *platform
	user    string
	serial  string
	baseMAC hwAddr
	hw      string
	version string
	boot    time.Time
	net     byte // second octet of the device's 10.x addresses
	vlans   []int
	ifaces  []iface
	arps    []arpEntry
	nbrs    []neighbor
	rev     revisions

	// rendered keeps outputs built from the model alone, by renderer.
	rendered sync.Map
}

type ifKind int

const (
	ifAccess ifKind = iota
	ifUplink
	ifSVI
	ifLoopback
	ifMgmt
)

type iface struct {
	name, short string
	kind        ifKind
	desc        string
	status      string // connected, notconnect or disabled
	vlan        int    // access VLAN of a port, VLAN of an SVI
	ip          netip.Prefix
	speed       int // Mb/s
	mac         hwAddr
}

func (i *iface) up() bool { return i.status == "connected" }

type arpEntry struct {
	ip   netip.Addr
	mac  hwAddr
	svi  int // index in ifaces of the routed interface
	port int // index in ifaces of the port the MAC was learned on
	age  int // minutes
}

type neighbor struct {
	local int // index in ifaces
	name  string
	port  string
	caps  string // LLDP capability letters, e.g. "B,R"
}

// hwAddr is a MAC address with the notations devices print.
type hwAddr [6]byte

// dotted is Cisco and Arista notation: 001c.7301.0203.
func (m hwAddr) dotted() string {
	return fmt.Sprintf("%02x%02x.%02x%02x.%02x%02x", m[0], m[1], m[2], m[3], m[4], m[5])
}

// colon is Junos and Linux notation: 00:1c:73:01:02:03.
func (m hwAddr) colon() string {
	return fmt.Sprintf("%02x:%02x:%02x:%02x:%02x:%02x", m[0], m[1], m[2], m[3], m[4], m[5])
}

// vendorOUI starts each vendor's MAC addresses, so a device's own addresses
// look like its maker's.
var vendorOUI = map[string][3]byte{
	"arista": {0x00, 0x1c, 0x73}, "cisco": {0x70, 0x0f, 0x6a},
	"juniper": {0x2c, 0x6b, 0xf5}, "linux": {0x52, 0x54, 0x00},
}

// hostOUIs are what the hosts in ARP and MAC tables are made by.
var hostOUIs = [][3]byte{
	{0x00, 0x50, 0x56}, {0x3c, 0xec, 0xef}, {0xa4, 0xbf, 0x01}, {0x00, 0x25, 0x90},
	{0xf8, 0xbc, 0x12}, {0x00, 0x1b, 0x21}, {0xb8, 0x27, 0xeb}, {0x98, 0x03, 0x9b},
}

// deviceRand is the random stream of one device for one purpose.
func deviceRand(seed int64, name, purpose string) *rand.Rand {
	h := fnv.New64a()
	fmt.Fprintf(h, "%s\x00%s", name, purpose)
	return rand.New(rand.NewPCG(uint64(seed), h.Sum64()))
}

// buildModel derives the state of device d.
func buildModel(d *device, rev revisions) *model {
	r := deviceRand(d.lab.opts.Seed, d.Name, "model")
	p := d.plat
	m := &model{host: d.Name, site: d.Site, plat: p, user: d.lab.opts.User, rev: rev}
	oui := vendorOUI[p.vendor]
	m.baseMAC = hwAddr{oui[0], oui[1], oui[2], byte(r.IntN(256)), byte(r.IntN(256)), byte(r.IntN(256)) &^ 0x3f}
	m.serial = fmt.Sprintf("%s%04d%c%c%c%c", serialPrefix[p.name], r.IntN(10000), 'A'+r.IntN(26), 'A'+r.IntN(26), '0'+r.IntN(10), 'A'+r.IntN(26))
	hws := hardware[p.name]
	m.hw = hws[r.IntN(len(hws))]
	vers := versions[p.name]
	m.version = vers[r.IntN(len(vers))]
	m.boot = d.lab.started.Add(-time.Duration(1+r.IntN(900))*24*time.Hour - time.Duration(r.IntN(24*60))*time.Minute)
	m.net = byte(1 + r.IntN(250))
	if p.host {
		m.buildServer(r)
		return m
	}
	m.buildSwitch(r)
	return m
}

var serialPrefix = map[string]string{
	"arista_eos": "JPE", "cisco_ios": "FOC", "cisco_nxos": "SAL", "cisco_xr": "FOX",
	"juniper_junos": "NX", "linux": "VM",
}

func (m *model) mac(i int) hwAddr {
	a := m.baseMAC
	a[5] += byte(i)
	return a
}

func (m *model) add(i iface) int {
	m.ifaces = append(m.ifaces, i)
	return len(m.ifaces) - 1
}

// buildSwitch lays out a network device: 48 access ports over a handful of
// VLANs, four uplinks to spines, an SVI per VLAN with hundreds of hosts in
// ARP, a loopback and a management port.
func (m *model) buildSwitch(r *rand.Rand) {
	p := m.plat
	nv := 4 + r.IntN(5)
	for k := range nv {
		m.vlans = append(m.vlans, 100+10*k)
	}
	m.add(iface{name: p.mgmtName, short: p.mgmtName, kind: ifMgmt, status: "connected", speed: 1000,
		ip: netip.PrefixFrom(netip.AddrFrom4([4]byte{10, 0, m.net, byte(10 + r.IntN(200))}), 24), mac: m.mac(0)})
	m.add(iface{name: p.loopName, short: p.loopName, kind: ifLoopback, status: "connected",
		ip: netip.PrefixFrom(netip.AddrFrom4([4]byte{10, 255, m.net, byte(1 + r.IntN(254))}), 32)})
	var byVLAN = map[int][]int{}
	for k := range 48 {
		status := "connected"
		switch x := r.IntN(10); {
		case x < 2:
			status = "notconnect"
		case x < 3:
			status = "disabled"
		}
		vlan := m.vlans[r.IntN(nv)]
		desc := ""
		if status == "connected" && r.IntN(3) > 0 {
			desc = fmt.Sprintf("host-%s-%03d", m.site, 1+r.IntN(999))
		}
		i := m.add(iface{
			name: fmt.Sprintf(p.portName, p.portBase+k), short: fmt.Sprintf(p.portShort, p.portBase+k),
			kind: ifAccess, desc: desc, status: status, vlan: vlan, speed: []int{1000, 1000, 1000, 100}[r.IntN(4)], mac: m.mac(1 + k),
		})
		if status == "connected" {
			byVLAN[vlan] = append(byVLAN[vlan], i)
		}
	}
	var uplinks []int
	for k := range 4 {
		spine := fmt.Sprintf("%s-spine-%03d", m.site, 1+k)
		uplinks = append(uplinks, m.add(iface{
			name: fmt.Sprintf(p.uplinkName, p.uplinkBase+k), short: fmt.Sprintf(p.uplinkShort, p.uplinkBase+k),
			kind: ifUplink, desc: "uplink to " + spine, status: "connected", speed: 10000, mac: m.mac(49 + k),
		}))
		m.nbrs = append(m.nbrs, neighbor{local: uplinks[k], name: spine, port: fmt.Sprintf(p.uplinkName, p.uplinkBase+8+m.hostIndex()), caps: "B,R"})
	}
	svis := map[int]int{}
	for k, v := range m.vlans {
		svis[v] = m.add(iface{
			name: fmt.Sprintf(p.sviName, v), short: fmt.Sprintf(p.sviShort, v), kind: ifSVI, status: "connected", vlan: v,
			ip: netip.PrefixFrom(netip.AddrFrom4([4]byte{10, m.net, byte(v), 1}), 24), mac: m.mac(60 + k),
			desc: fmt.Sprintf("users-%d", v),
		})
	}
	n := 200 + r.IntN(201)
	used := map[netip.Addr]bool{}
	for len(m.arps) < n {
		v := m.vlans[r.IntN(nv)]
		ip := netip.AddrFrom4([4]byte{10, m.net, byte(v), byte(2 + r.IntN(253))})
		if used[ip] {
			continue
		}
		used[ip] = true
		port := uplinks[r.IntN(len(uplinks))]
		if ports := byVLAN[v]; len(ports) > 0 && r.IntN(4) > 0 {
			port = ports[r.IntN(len(ports))]
		}
		o := hostOUIs[r.IntN(len(hostOUIs))]
		m.arps = append(m.arps, arpEntry{ip: ip, mac: hwAddr{o[0], o[1], o[2], byte(r.IntN(256)), byte(r.IntN(256)), byte(r.IntN(256))},
			svi: svis[v], port: port, age: r.IntN(240)})
	}
	for k := 0; k < 48 && len(m.nbrs) < 10; k++ {
		i := 2 + k
		if m.ifaces[i].up() && r.IntN(3) == 0 {
			m.nbrs = append(m.nbrs, neighbor{local: i, name: fmt.Sprintf("%s-server-%03d", m.site, 1+r.IntN(300)), port: "eth0", caps: "S"})
		}
	}
	m.applyTouches()
}

// hostIndex is a small number that differs between devices, used for the
// spine port facing this device.
func (m *model) hostIndex() int { return int(m.net) % 40 }

// buildServer lays out a Linux host: loopback, a management NIC and two
// data NICs, and a few dozen neighbours.
func (m *model) buildServer(r *rand.Rand) {
	m.add(iface{name: "lo", short: "lo", kind: ifLoopback, status: "connected", ip: netip.MustParsePrefix("127.0.0.1/8")})
	eth0 := m.add(iface{name: "eth0", short: "eth0", kind: ifMgmt, status: "connected", speed: 10000, mac: m.mac(0),
		ip: netip.PrefixFrom(netip.AddrFrom4([4]byte{10, 0, m.net, byte(10 + r.IntN(200))}), 24)})
	for k := range 2 {
		m.add(iface{name: fmt.Sprintf("ens%d", 3+k), short: fmt.Sprintf("ens%d", 3+k), kind: ifAccess, status: "connected", speed: 25000, mac: m.mac(1 + k),
			ip: netip.PrefixFrom(netip.AddrFrom4([4]byte{10, m.net, byte(100 + 10*k), byte(10 + r.IntN(200))}), 24)})
	}
	n := 20 + r.IntN(40)
	used := map[byte]bool{}
	for len(m.arps) < n {
		host := byte(2 + r.IntN(250))
		if used[host] {
			continue
		}
		used[host] = true
		o := hostOUIs[r.IntN(len(hostOUIs))]
		m.arps = append(m.arps, arpEntry{ip: netip.AddrFrom4([4]byte{10, 0, m.net, host}),
			mac: hwAddr{o[0], o[1], o[2], byte(r.IntN(256)), byte(r.IntN(256)), byte(r.IntN(256))}, svi: eth0, port: eth0})
	}
}

// applyTouches replays the operator changes Touch recorded: each one
// re-describes a port and adds a VLAN, so a config diff has something to
// show.
func (m *model) applyTouches() {
	for k := 1; k <= m.rev.Config; k++ {
		i := 2 + (k-1)%48
		m.ifaces[i].desc = fmt.Sprintf("changed-by-operator-r%d", k)
		m.vlans = append(m.vlans, 3000+k)
	}
}

// uptime is how long the device has been up at now.
func (m *model) uptime(now time.Time) time.Duration { return now.Sub(m.boot) }

// accessPorts yields the indexes of physical ports, access then uplinks.
func (m *model) physical() []int {
	var out []int
	for i := range m.ifaces {
		if k := m.ifaces[i].kind; k == ifAccess || k == ifUplink {
			out = append(out, i)
		}
	}
	return out
}
