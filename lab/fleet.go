package lab

import (
	"fmt"
	"slices"
)

// Device is what the inventory says about one lab device.
type Device struct {
	Name     string
	Address  string
	Port     int
	Platform string
	Site     string
	Role     string
	Vendor   string
	Fault    Fault
	// Legacy devices offer only diffie-hellman-group1-sha1, aes128-cbc and
	// ssh-rsa.
	Legacy bool
}

// Tags are the inventory tags of d: "lab", then "fault-<kind>" and
// "legacy" where they apply, so tests can select misbehaving devices.
func (d Device) Tags() []string {
	tags := []string{"lab"}
	if d.Fault != FaultNone {
		tags = append(tags, "fault-"+string(d.Fault))
	}
	if d.Legacy {
		tags = append(tags, "legacy")
	}
	return tags
}

var sites = []string{"usa", "emea", "apac"}

// networkRoles is the cycle of roles network devices take: mostly leaves,
// as in a real fabric.
var networkRoles = []string{"leaf", "leaf", "spine", "leaf", "core", "leaf", "leaf", "edge", "leaf", "spine"}

// plan lays out the fleet without ports: device i gets platform
// i mod len(platforms), sites and roles rotate more slowly so that every
// platform appears in every site, and each site-role pair numbers its
// devices from 001.
func plan(o Options) []Device {
	faults := o.Faults.assign(o.Devices, o.Seed)
	counters := map[string]int{}
	devs := make([]Device, o.Devices)
	np := len(o.Platforms)
	for i := range devs {
		p := platformByName(o.Platforms[i%np])
		site := sites[(i/np)%len(sites)]
		role := "server"
		if !p.host {
			role = networkRoles[(i/(np*len(sites)))%len(networkRoles)]
		}
		key := site + "-" + role
		counters[key]++
		devs[i] = Device{
			Name:     fmt.Sprintf("%s-%03d", key, counters[key]),
			Address:  o.Listen,
			Platform: p.name,
			Site:     site,
			Role:     role,
			Vendor:   p.vendor,
			Fault:    faults[i],
			Legacy:   slices.Contains(o.Legacy, p.name),
		}
	}
	return devs
}

// plat returns the platform row of d.
func (d Device) plat() *platform { return platformByName(d.Platform) }
