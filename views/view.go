// Package views asks vendor-neutral questions of a fleet: a view (facts,
// arp, mac, interfaces, lldp, ip) says, per platform, which commands to
// send and how each of its fields comes from the fields of the template
// that parsed the answer, with a type that normalizes the values (MACs in
// one notation, durations in seconds, interface names in their long form,
// port states in one vocabulary). Views are data: the built-in ones are
// YAML files embedded here, and $VC_HOME/views/*.yaml adds or overrides
// them.
//
// A view does not run anything. It gives the commands for a run
// (ByPlatform), and reads what the run's parse left (Apply) into one
// table with typed cells. Locate follows a host from its IP address to
// the port it is attached to over the tables of several views. The
// package prints nothing and asks nothing.
package views

import (
	"regexp"
	"slices"
	"sort"
	"strings"
)

// View is one vendor-neutral question.
type View struct {
	Name string
	Help string
	// Fields are the columns, after the device column, in order.
	Fields []Field
	// PerDevice views give one row per device, merged from the first
	// record of each command; the others give a row per record.
	PerDevice bool
	// Require names fields a row must have: a record without them (an
	// interface with no address in the ip view) is no row.
	Require []string
	// Platforms say how each platform answers.
	Platforms map[string]*Platform
	// Source is where the view was read: "built-in" or a file.
	Source string
}

// Field is one column of a view.
type Field struct {
	Name string
	Type Type
	Help string
	// Default is how the field is filled where a platform does not map
	// it (vendor from the inventory).
	Default *Mapping
}

// Platform is how one platform answers a view.
type Platform struct {
	Name     string
	Commands []*Source
	// Missing names the fields this platform cannot give, and why.
	Missing map[string]string
}

// Source is one command a platform runs for a view, and what of its
// records goes where.
type Source struct {
	Command string
	// Where keeps the records whose template field matches each regexp
	// (the Chassis line of an inventory).
	Where map[string]*regexp.Regexp
	// Fields maps view fields to template fields.
	Fields map[string]*Mapping
}

// Mapping says how one view field is read from a template's record.
type Mapping struct {
	// From lists template fields (lower case); the first that is not
	// empty gives the value. "$device", "$platform", "$vendor", "$site"
	// and "$role" are the device's own facts from the inventory.
	From []string
	// Value is used when none of From has a value.
	Value string
	// Regexp keeps the first group of its match (or the whole match).
	Regexp *regexp.Regexp
	// Map replaces whole values (case-insensitively): "D: dynamic".
	Map map[string]string
	// Unit is what a bare number means for a seconds field: seconds
	// (the default), minutes, hours or ms.
	Unit string
	// Mask names a template field holding the prefix length or mask of
	// an address, for ip and prefix fields.
	Mask string
	// Admin names a template field with the administrative state: a port
	// shut down is disabled whatever its link says.
	Admin string
	// AdminDown are further words of the Admin field that mean shut
	// down, where the platform's column says only up or down.
	AdminDown []string
	// Since and At are fields joined into two timestamps; the value is
	// the seconds from Since to At (a boot time and the current time).
	Since, At []string
	// Text formats a seconds value as text ("3 weeks, 2 days").
	Text bool
}

// Field returns the named field.
func (v *View) Field(name string) (Field, bool) {
	for _, f := range v.Fields {
		if f.Name == name {
			return f, true
		}
	}
	return Field{}, false
}

// Columns are the view's columns: device, then its fields.
func (v *View) Columns() []string {
	cols := []string{"device"}
	for _, f := range v.Fields {
		cols = append(cols, f.Name)
	}
	return cols
}

// PlatformNames lists the platforms that have the view, sorted.
func (v *View) PlatformNames() []string {
	names := make([]string, 0, len(v.Platforms))
	for n := range v.Platforms {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

// Commands are what a platform sends for the view; nil when the platform
// does not have it.
func (v *View) Commands(platform string) []string {
	p := v.Platforms[platform]
	if p == nil {
		return nil
	}
	out := make([]string, len(p.Commands))
	for i, s := range p.Commands {
		out[i] = s.Command
	}
	return out
}

// ByPlatform is the commands of every platform that has the view, as a
// run.Spec carries them.
func (v *View) ByPlatform() map[string][]string {
	m := make(map[string][]string, len(v.Platforms))
	for name := range v.Platforms {
		m[name] = v.Commands(name)
	}
	return m
}

// Device is what a view knows of a device: its name and the inventory
// facts a mapping may read ($platform, $vendor, $site, $role).
type Device struct {
	Name, Platform, Vendor, Site, Role string
}

// Split separates devices whose platform has the view from those whose
// platform has not, grouped by platform.
func (v *View) Split(devs []Device) (has []Device, lacking map[string][]string) {
	lacking = map[string][]string{}
	for _, d := range devs {
		if v.Platforms[d.Platform] != nil {
			has = append(has, d)
			continue
		}
		lacking[d.Platform] = append(lacking[d.Platform], d.Name)
	}
	return has, lacking
}

// MergeCommands unites the commands of several views per platform, each
// command once, in the order the views ask for them: one run answers
// them all.
func MergeCommands(vs ...*View) map[string][]string {
	m := map[string][]string{}
	for _, v := range vs {
		for name, cmds := range v.ByPlatform() {
			for _, c := range cmds {
				if !slices.ContainsFunc(m[name], func(x string) bool { return sameCommand(x, c) }) {
					m[name] = append(m[name], c)
				}
			}
		}
	}
	return m
}

// sameCommand compares commands as a device reads them: spacing aside.
func sameCommand(a, b string) bool {
	return strings.Join(strings.Fields(a), " ") == strings.Join(strings.Fields(b), " ")
}

// Describe says in a few words where a mapping takes its value from.
func (m *Mapping) Describe() string {
	var parts []string
	switch len(m.From) {
	case 0:
	case 1:
		parts = append(parts, m.From[0])
	default:
		parts = append(parts, "first of "+strings.Join(m.From, ", "))
	}
	if m.Since != nil {
		parts = append(parts, "else the time from "+strings.Join(m.Since, " ")+" to "+strings.Join(m.At, " "))
	}
	if m.Value != "" {
		parts = append(parts, "else "+strconvQuote(m.Value))
	}
	if m.Regexp != nil {
		parts = append(parts, "regex "+m.Regexp.String())
	}
	if len(m.Map) > 0 {
		keys := make([]string, 0, len(m.Map))
		for k := range m.Map {
			keys = append(keys, k+"="+m.Map[k])
		}
		sort.Strings(keys)
		parts = append(parts, "map "+strings.Join(keys, " "))
	}
	if m.Unit != "" {
		parts = append(parts, "in "+m.Unit)
	}
	if m.Mask != "" {
		parts = append(parts, "mask "+m.Mask)
	}
	if m.Admin != "" {
		parts = append(parts, "disabled when "+m.Admin+" is down")
	}
	if m.Text {
		parts = append(parts, "as text")
	}
	return strings.Join(parts, "; ")
}

func strconvQuote(s string) string { return `"` + s + `"` }
