package lab

import (
	"fmt"
	"math/rand/v2"
	"net/netip"
	"slices"
	"strconv"
	"strings"
	"sync"
)

// The fabric is how the lab's devices are wired to each other, so that
// their tables agree: a host's MAC address is learned on one access port
// of one switch and through the uplinks of the other switches of its pod,
// its IP address is in the ARP tables of the pod's gateways, and the LLDP
// neighbours on the uplinks are the lab devices at their other end.
//
// Each site's network devices are grouped, in plan order, into pods of
// up to podSize: the members of a pod share their VLANs and subnets (every
// member routes each VLAN, at an address of its own) and are wired in a
// full mesh, uplink k of a member facing the k-th of the others. Hosts
// hang off the access ports of the pod's switches; a router (a platform
// without a MAC table) homes none while its pod has a switch. The lab's
// servers are hosts too: each is attached to an access port of a switch
// of a pod at its site, in turn.
//
// The fabric is laid out once from the plan; every model derives its
// share from it and the seed, so models stay derived on demand.

// podSize is the most members a pod has: one per uplink, plus itself.
const podSize = 5

// hostsPerMember bounds the hosts a member homes in one VLAN: the host
// numbers of a VLAN's subnet are split between the members, above them
// the servers', then the members' own addresses.
const (
	hostsPerMember = 45
	serverBase     = 230 // servers are .230-.249
	gatewayBase    = 250 // member i routes the VLAN at .250+i
)

type fabric struct {
	pods []*pod
	// slot says where each network device is: its pod and place in it.
	slot map[string]podSlot
	// servers says where each server is attached.
	servers map[string]serverSlot
}

type pod struct {
	id      int
	members []Device
	// plats are the members' platforms.
	plats []*platform
	// homes are the members that home hosts: its switches, or all of
	// them in a pod of routers alone.
	homes []int
	// servers attached to the pod, in plan order, by the member each is
	// attached to.
	servers map[int][]string

	// hosts keeps each member's homed hosts while the pod's models are
	// being built: every member's model lists the whole pod's hosts, so
	// each member's are drawn once rather than once per member. A
	// member's are let go once every member has read them.
	hostsMu sync.Mutex
	hosts   map[int]*podHosts
}

type podHosts struct {
	hosts []host
	reads int
}

// homedOnce is homed for member at, drawn once for the pod's members.
func (p *pod) homedOnce(seed int64, f *fabric, at int, vlans []int) []host {
	p.hostsMu.Lock()
	defer p.hostsMu.Unlock()
	if p.hosts == nil {
		p.hosts = map[int]*podHosts{}
	}
	h := p.hosts[at]
	if h == nil {
		h = &podHosts{hosts: homed(seed, f, p, at, vlans)}
		p.hosts[at] = h
	}
	if h.reads++; h.reads >= len(p.members) {
		delete(p.hosts, at)
	}
	return h.hosts
}

type podSlot struct {
	pod *pod
	at  int
}

type serverSlot struct {
	pod    *pod
	member int // the member it is attached to
	nth    int // its place among the pod's servers
}

// switches reports whether a platform keeps a MAC table the lab serves.
func (p *platform) switches() bool { return !p.host && p.name != "cisco_xr" }

// layFabric groups the plan's network devices into pods and attaches the
// servers.
func layFabric(devs []Device) *fabric {
	f := &fabric{slot: map[string]podSlot{}, servers: map[string]serverSlot{}}
	open := map[string]*pod{}
	bySite := map[string][]*pod{}
	for _, d := range devs {
		if d.plat().host {
			continue
		}
		p := open[d.Site]
		if p == nil || len(p.members) == podSize {
			p = &pod{id: len(f.pods), servers: map[int][]string{}}
			f.pods = append(f.pods, p)
			open[d.Site] = p
			bySite[d.Site] = append(bySite[d.Site], p)
		}
		f.slot[d.Name] = podSlot{pod: p, at: len(p.members)}
		p.members = append(p.members, d)
		p.plats = append(p.plats, d.plat())
	}
	for _, p := range f.pods {
		for i, pl := range p.plats {
			if pl.switches() {
				p.homes = append(p.homes, i)
			}
		}
		if len(p.homes) == 0 {
			for i := range p.members {
				p.homes = append(p.homes, i)
			}
		}
	}
	count := map[string]int{}
	for _, d := range devs {
		pods := bySite[d.Site]
		if !d.plat().host || len(pods) == 0 {
			continue
		}
		k := count[d.Site]
		count[d.Site]++
		p := pods[k%len(pods)]
		member := p.homes[(k/len(pods))%len(p.homes)]
		nth := 0
		for _, s := range p.servers {
			nth += len(s)
		}
		if nth >= gatewayBase-serverBase {
			continue
		}
		p.servers[member] = append(p.servers[member], d.Name)
		f.servers[d.Name] = serverSlot{pod: p, member: member, nth: nth}
	}
	return f
}

// peers are the other members of the pod of member at, in the order of
// its uplinks.
func (p *pod) peers(at int) []int {
	var out []int
	for i := range p.members {
		if i != at {
			out = append(out, i)
		}
	}
	return out
}

// uplinkTo is the uplink of member at that faces member other.
func (p *pod) uplinkTo(at, other int) int { return slices.Index(p.peers(at), other) }

// podVLANs are the VLANs of a pod.
func podVLANs(seed int64, p *pod) []int {
	r := deviceRand(seed, fmt.Sprintf("pod-%d", p.id), "vlans")
	nv := 4 + r.IntN(5)
	vlans := make([]int, nv)
	for k := range nv {
		vlans[k] = 100 + 10*k
	}
	return vlans
}

// subnet is the /24 of a pod's k-th VLAN, with host number h.
func subnet(p *pod, k int, h int) netip.Addr {
	s := p.id*9 + k
	return netip.AddrFrom4([4]byte{10, byte(1 + s/256), byte(s % 256), byte(h)})
}

// port is an access port as a member's own layout has it.
type port struct {
	status string
	vlan   int
	speed  int
	desc   string
}

// portSpeeds are the speeds an access port is drawn from.
var portSpeeds = [4]int{1000, 1000, 1000, 100}

// accessPorts lays out a member's 48 access ports over the pod's VLANs.
func accessPorts(seed int64, d Device, vlans []int) []port {
	r := deviceRand(seed, d.Name, "ports")
	ports := make([]port, 48)
	for k := range ports {
		status := "connected"
		switch x := r.IntN(10); {
		case x < 2:
			status = "notconnect"
		case x < 3:
			status = "disabled"
		}
		p := port{status: status, vlan: vlans[r.IntN(len(vlans))], speed: portSpeeds[r.IntN(4)]}
		if status == "connected" && r.IntN(3) > 0 {
			n := 1 + r.IntN(999)
			p.desc = "host-" + d.Site + "-" + string([]byte{byte('0' + n/100), byte('0' + n/10%10), byte('0' + n%10)})
		}
		ports[k] = p
	}
	return ports
}

// host is a MAC address behind an access port of a member.
type host struct {
	ip   netip.Addr
	mac  hwAddr
	vlan int // index in the pod's VLANs
	port int // access port, 0-47
}

// homed are the hosts behind member at's access ports: a share of the
// pod's, and the servers attached there.
func homed(seed int64, f *fabric, p *pod, at int, vlans []int) []host {
	if !slices.Contains(p.homes, at) {
		return nil
	}
	d := p.members[at]
	ports := accessPorts(seed, d, vlans)
	var up []int
	for k, pt := range ports {
		if pt.status == "connected" {
			up = append(up, k)
		}
	}
	if len(up) == 0 {
		return nil
	}
	vlanIndex := func(v int) int { return slices.Index(vlans, v) }
	total := 200 + deviceRand(seed, "pod-"+strconv.Itoa(p.id), "hosts").IntN(201)
	n := total / len(p.homes)
	r := deviceRand(seed, d.Name, "hosts")
	used := make([]int, len(vlans)) // hosts placed per VLAN
	out := make([]host, 0, n+len(p.servers[at]))
	for range n {
		k := up[r.IntN(len(up))]
		vi := vlanIndex(ports[k].vlan)
		o := hostOUIs[r.IntN(len(hostOUIs))]
		mac := hwAddr{o[0], o[1], o[2], byte(r.IntN(256)), byte(r.IntN(256)), byte(r.IntN(256))}
		if used[vi] == hostsPerMember {
			continue
		}
		h := 2 + at*hostsPerMember + used[vi]
		used[vi]++
		out = append(out, host{ip: subnet(p, vi, h), mac: mac, vlan: vi, port: k})
	}
	for _, name := range p.servers[at] {
		s := f.servers[name]
		k := up[deviceRand(seed, name, "attach").IntN(len(up))]
		vi := vlanIndex(ports[k].vlan)
		out = append(out, host{ip: subnet(p, vi, serverBase+s.nth), mac: serverNIC(seed, name), vlan: vi, port: k})
	}
	return out
}

// baseMAC is the first of a device's own MAC addresses.
func baseMAC(seed int64, name, vendor string) hwAddr {
	r := deviceRand(seed, name, "mac")
	oui := vendorOUI[vendor]
	return hwAddr{oui[0], oui[1], oui[2], byte(r.IntN(256)), byte(r.IntN(256)), byte(r.IntN(256)) &^ 0x3f}
}

// serverNIC is the MAC address of a server's data NIC (ens3).
func serverNIC(seed int64, name string) hwAddr {
	m := baseMAC(seed, name, "linux")
	m[5]++
	return m
}

// sviMAC is the MAC address of member d's interface in its pod's k-th
// VLAN.
func sviMAC(seed int64, d Device, k int) hwAddr {
	m := baseMAC(seed, d.Name, d.Vendor)
	m[5] += byte(60 + k)
	return m
}

// wire lays out a network device's uplinks, VLAN interfaces and tables
// from the fabric: its ports, the pod's hosts in its ARP and MAC tables,
// its neighbours.
func (m *model) wire(r *rand.Rand, seed int64, f *fabric, d Device) {
	p := m.plat
	slot := f.slot[d.Name]
	pd, at := slot.pod, slot.at
	vlans := podVLANs(seed, pd)
	m.vlans = slices.Clone(vlans)
	for k, pt := range accessPorts(seed, d, vlans) {
		m.add(iface{
			name: fmt.Sprintf(p.portName, p.portBase+k), short: fmt.Sprintf(p.portShort, p.portBase+k),
			kind: ifAccess, desc: pt.desc, status: pt.status, vlan: pt.vlan, speed: pt.speed, mac: m.mac(1 + k),
		})
	}
	peers := pd.peers(at)
	uplinks := make([]int, 4)
	for k := range uplinks {
		up := iface{name: fmt.Sprintf(p.uplinkName, p.uplinkBase+k), short: fmt.Sprintf(p.uplinkShort, p.uplinkBase+k),
			kind: ifUplink, status: "notconnect", speed: 10000, mac: m.mac(49 + k)}
		if k < len(peers) {
			peer, pp := pd.members[peers[k]], pd.plats[peers[k]]
			far := pd.uplinkTo(peers[k], at)
			up.status, up.desc = "connected", "uplink to "+peer.Name
			uplinks[k] = m.add(up)
			id := identityOf(seed, peer.Name, pp)
			m.nbrs = append(m.nbrs, neighbor{local: uplinks[k], name: peer.Name, port: fmt.Sprintf(pp.uplinkName, pp.uplinkBase+far),
				portDesc: "uplink to " + d.Name, caps: "B,R", chassis: baseMAC(seed, peer.Name, peer.Vendor),
				descr: strings.NewReplacer("{hw}", id.hw, "{version}", id.version).Replace(pp.sysDescr)})
			continue
		}
		uplinks[k] = m.add(up)
	}
	svis := make([]int, len(vlans))
	for k, v := range vlans {
		svis[k] = m.add(iface{
			name: fmt.Sprintf(p.sviName, v), short: fmt.Sprintf(p.sviShort, v), kind: ifSVI, status: "connected", vlan: v,
			ip: netip.PrefixFrom(subnet(pd, k, gatewayBase+at), 24), mac: sviMAC(seed, d, k), desc: fmt.Sprintf("users-%d", v),
		})
	}
	firstPort := len(m.ifaces) - len(vlans) - 4 - 48
	for j := range pd.members {
		for _, h := range pd.homedOnce(seed, f, j, vlans) {
			port := firstPort + h.port
			if j != at {
				port = uplinks[pd.uplinkTo(at, j)]
			}
			m.arps = append(m.arps, arpEntry{ip: h.ip, mac: h.mac, svi: svis[h.vlan], port: port, age: r.IntN(240)})
		}
	}
}
