package lab

import (
	"fmt"
	"hash/fnv"
	"io"
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
	local    int // index in ifaces
	name     string
	port     string
	portDesc string
	caps     string // LLDP capability letters, e.g. "B,R"
	chassis  hwAddr
	descr    string // the neighbour's system description
}

// hwAddr is a MAC address with the notations devices print.
type hwAddr [6]byte

// dotted is Cisco and Arista notation: 001c.7301.0203.
func (m hwAddr) dotted() string { return string(m.appendDotted(make([]byte, 0, 14))) }

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
	_, _ = io.WriteString(h, name)
	_, _ = h.Write([]byte{0})
	_, _ = io.WriteString(h, purpose)
	return rand.New(rand.NewPCG(uint64(seed), h.Sum64()))
}

// identity is what a device is: drawn from the seed and its name alone,
// so a neighbour can describe it without building its model.
type identity struct {
	serial, hw, version string
	r                   *rand.Rand // the rest of the device's "model" stream
}

func identityOf(seed int64, name string, p *platform) identity {
	r := deviceRand(seed, name, "model")
	id := identity{r: r}
	id.serial = fmt.Sprintf("%s%04d%c%c%c%c", serialPrefix[p.name], r.IntN(10000), 'A'+r.IntN(26), 'A'+r.IntN(26), '0'+r.IntN(10), 'A'+r.IntN(26))
	hws := hardware[p.name]
	id.hw = hws[r.IntN(len(hws))]
	vers := versions[p.name]
	id.version = vers[r.IntN(len(vers))]
	return id
}

// buildModel derives the state of device d.
func buildModel(d *device, rev revisions) *model {
	seed := d.lab.opts.Seed
	p := d.plat
	id := identityOf(seed, d.Name, p)
	r := id.r
	m := &model{host: d.Name, site: d.Site, plat: p, user: d.lab.opts.User, rev: rev,
		serial: id.serial, hw: id.hw, version: id.version, baseMAC: baseMAC(seed, d.Name, p.vendor)}
	m.boot = d.lab.started.Add(-time.Duration(1+r.IntN(900))*24*time.Hour - time.Duration(r.IntN(24*60))*time.Minute)
	m.net = byte(1 + r.IntN(250))
	if p.host {
		m.buildServer(r, d.lab.fabric, seed)
		return m
	}
	m.buildSwitch(r, d.lab.fabric, seed, d.Device)
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

// buildSwitch lays out a network device: a management port and a
// loopback of its own, then what the fabric gives it (fabric.go): 48
// access ports over its pod's VLANs, four uplinks to the other members of
// its pod, a VLAN interface in each, and the pod's hosts in its tables.
func (m *model) buildSwitch(r *rand.Rand, f *fabric, seed int64, d Device) {
	p := m.plat
	m.add(iface{name: p.mgmtName, short: p.mgmtName, kind: ifMgmt, status: "connected", speed: 1000,
		ip: netip.PrefixFrom(netip.AddrFrom4([4]byte{10, 0, m.net, byte(10 + r.IntN(200))}), 24), mac: m.mac(0)})
	m.add(iface{name: p.loopName, short: p.loopName, kind: ifLoopback, status: "connected",
		ip: netip.PrefixFrom(netip.AddrFrom4([4]byte{10, 255, m.net, byte(1 + r.IntN(254))}), 32)})
	m.wire(r, seed, f, d)
	m.applyTouches()
}

// buildServer lays out a Linux host: loopback, a management NIC and two
// data NICs, and a few dozen neighbours on the management network. Its
// first data NIC is attached to a switch of its site (fabric.go), in that
// VLAN's subnet, with the switch as its gateway.
func (m *model) buildServer(r *rand.Rand, f *fabric, seed int64) {
	m.add(iface{name: "lo", short: "lo", kind: ifLoopback, status: "connected", ip: netip.MustParsePrefix("127.0.0.1/8")})
	eth0 := m.add(iface{name: "eth0", short: "eth0", kind: ifMgmt, status: "connected", speed: 10000, mac: m.mac(0),
		ip: netip.PrefixFrom(netip.AddrFrom4([4]byte{10, 0, m.net, byte(10 + r.IntN(200))}), 24)})
	var data [2]int
	for k := range 2 {
		data[k] = m.add(iface{name: fmt.Sprintf("ens%d", 3+k), short: fmt.Sprintf("ens%d", 3+k), kind: ifAccess, status: "connected", speed: 25000, mac: m.mac(1 + k),
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
			mac: hwAddr{o[0], o[1], o[2], byte(r.IntN(256)), byte(r.IntN(256)), byte(r.IntN(256))}, svi: eth0, port: eth0, age: r.IntN(20)})
	}
	s, ok := f.servers[m.host]
	if !ok {
		return
	}
	// Where the fabric attached it: the address the switch's tables give
	// it, and the switch as its gateway.
	vlans := podVLANs(seed, s.pod)
	for _, h := range homed(seed, f, s.pod, s.member, vlans) {
		if h.mac != m.ifaces[data[0]].mac {
			continue
		}
		m.ifaces[data[0]].ip = netip.PrefixFrom(h.ip, 24)
		gw := s.pod.members[s.member]
		m.arps = append(m.arps, arpEntry{ip: subnet(s.pod, h.vlan, gatewayBase+s.member), mac: sviMAC(seed, gw, h.vlan),
			svi: data[0], port: data[0], age: r.IntN(20)})
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
