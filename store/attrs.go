package store

import (
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"
)

// Attr is a field of a record that users read and set as key=value, on the
// command line and in CSV files.
type Attr struct {
	Name string
	Help string
	Get  func(Entity) string
	Set  func(Entity, string) error
	// Typed reads the field as a number or boolean, for JSON; nil means the
	// field is text.
	Typed func(Entity) any
}

// Value reads the field a as JSON would want it.
func (a Attr) Value(e Entity) any {
	if a.Typed != nil {
		return a.Typed(e)
	}
	return a.Get(e)
}

// FieldPrefix introduces a device's custom field: fields.owner=noc.
const FieldPrefix = "fields."

// text is a field of free text.
func text(name, help string, get func(Entity) *string) Attr {
	return checked(name, help, get, func(v string) (string, error) { return v, checkText(v, MaxTextLen) })
}

func checked(name, help string, get func(Entity) *string, parse func(string) (string, error)) Attr {
	return Attr{Name: name, Help: help,
		Get: func(e Entity) string { return *get(e) },
		Set: func(e Entity, v string) error {
			p, err := parse(v)
			if err != nil {
				return err
			}
			*get(e) = p
			return nil
		}}
}

func boolAttr(name, help string, get func(Entity) *bool) Attr {
	return Attr{Name: name, Help: help,
		Get: func(e Entity) string {
			if *get(e) {
				return "yes"
			}
			return "no"
		},
		Set: func(e Entity, v string) error {
			b, err := ParseBool(v)
			if err != nil {
				return err
			}
			*get(e) = b
			return nil
		},
		Typed: func(e Entity) any { return *get(e) }}
}

func refName(v string) (string, error) {
	if v == "" {
		return "", nil
	}
	return v, ValidName(v)
}

// hostKey is a site's host-key policy: check (the default, stored as "")
// or ignore.
func hostKey(v string) (string, error) {
	if v == "check" {
		return "", nil
	}
	return v, checkHostKey(v)
}

// deviceHostKey is a device's: "" follows its site, and an explicit check
// is kept, so that it wins over a site that ignores host keys.
func deviceHostKey(v string) (string, error) { return v, checkHostKey(v) }

func jump(v string) (string, error) { return v, checkJump(v) }

func prompt(v string) (string, error) { return v, checkPrompt(v) }

var descAttr = text("description", "free text", func(e Entity) *string {
	switch v := e.(type) {
	case *Vendor:
		return &v.Description
	case *Platform:
		return &v.Description
	case *Site:
		return &v.Description
	default:
		return &e.(*Role).Description
	}
})

var attrs = map[Kind][]Attr{
	KindVendor: {descAttr},
	KindRole:   {descAttr},
	KindPlatform: {
		checked("vendor", "manufacturer", func(e Entity) *string { return &e.(*Platform).Vendor }, refName),
		text("paging", "command that turns paging off", func(e Entity) *string { return &e.(*Platform).Paging }),
		checked("prompt", "regular expression overriding the learned prompt", func(e Entity) *string { return &e.(*Platform).Prompt }, prompt),
		boolAttr("legacy", "allow legacy SSH algorithms (group1 kex, CBC, ssh-rsa)", func(e Entity) *bool { return &e.(*Platform).Legacy }),
		descAttr,
	},
	KindSite: {
		{Name: "max-sessions", Help: "concurrent sessions to the site's devices (0: no limit)",
			Get: func(e Entity) string { return strconv.Itoa(e.(*Site).MaxSessions) },
			Set: func(e Entity, v string) error {
				n, err := strconv.Atoi(v)
				if err != nil || n < 0 {
					return invalidf("max-sessions %s is not a number of 0 or more", Quote(v))
				}
				e.(*Site).MaxSessions = n
				return nil
			},
			Typed: func(e Entity) any { return e.(*Site).MaxSessions }},
		checked("jump", "jump host: a device name or user@host:port", func(e Entity) *string { return &e.(*Site).Jump }, jump),
		checked("hostkey", "host-key policy: check or ignore", func(e Entity) *string { return &e.(*Site).HostKey }, hostKey),
		descAttr,
	},
	KindDevice: {
		checked("ip", "IPv4 or IPv6 address or DNS name", func(e Entity) *string { return &e.(*Device).Address }, ParseAddress),
		{Name: "port", Help: "SSH port (default 22)",
			Get: func(e Entity) string { return strconv.Itoa(e.(*Device).Port) },
			Set: func(e Entity, v string) error {
				p, err := ParsePort(v)
				if err != nil {
					return err
				}
				e.(*Device).Port = p
				return nil
			}},
		checked("platform", "Netmiko device type, such as cisco_ios", func(e Entity) *string { return &e.(*Device).Platform }, refName),
		checked("site", "site name", func(e Entity) *string { return &e.(*Device).Site }, refName),
		checked("role", "role name", func(e Entity) *string { return &e.(*Device).Role }, refName),
		checked("vendor", "manufacturer (default: the platform's)", func(e Entity) *string { return &e.(*Device).Vendor }, refName),
		checked("status", "one of "+strings.Join(Statuses, ", "), func(e Entity) *string { return &e.(*Device).Status }, ParseStatus),
		{Name: "tags", Help: "tags separated by ; or ,",
			Get: func(e Entity) string { return strings.Join(e.(*Device).Tags, ";") },
			Set: func(e Entity, v string) error {
				t, err := ParseTags(v)
				if err != nil {
					return err
				}
				e.(*Device).Tags = t
				return nil
			}},
		checked("cred", "credential to try first", func(e Entity) *string { return &e.(*Device).Cred }, refName),
		checked("jump", "jump host: a device name or user@host:port", func(e Entity) *string { return &e.(*Device).Jump }, jump),
		checked("hostkey", "host-key policy: check or ignore (empty: the site's)", func(e Entity) *string { return &e.(*Device).HostKey }, deviceHostKey),
		boolAttr("legacy", "allow legacy SSH algorithms for this device", func(e Entity) *bool { return &e.(*Device).Legacy }),
	},
}

// Attrs lists the settable fields of kind k, in display order.
func Attrs(k Kind) []Attr { return attrs[k] }

// AttrNames lists the settable field names of kind k.
func AttrNames(k Kind) []string {
	names := make([]string, 0, len(attrs[k]))
	for _, a := range attrs[k] {
		names = append(names, a.Name)
	}
	if k == KindDevice {
		names = append(names, FieldPrefix+"NAME")
	}
	return names
}

// SetAttr sets the field key of e to value; for devices, fields.NAME sets
// a custom field and an empty value removes it. A bad value is an
// *AttrError, and leaves e as it was.
func SetAttr(e Entity, key, value string) error {
	bad := func(err error) error { return &AttrError{Kind: e.Kind(), Name: e.Key(), Attr: key, Err: err} }
	if d, ok := e.(*Device); ok && strings.HasPrefix(key, FieldPrefix) {
		name := strings.TrimPrefix(key, FieldPrefix)
		if err := ValidName(name); err != nil {
			return bad(fmt.Errorf("custom field name: %w", err))
		}
		if value == "" {
			delete(d.Fields, name)
			return nil
		}
		if err := checkText(value, MaxTextLen); err != nil {
			return bad(err)
		}
		if _, ok := d.Fields[name]; !ok && len(d.Fields) >= MaxFields {
			return bad(tooManyFields())
		}
		if d.Fields == nil {
			d.Fields = map[string]string{}
		}
		d.Fields[name] = value
		return nil
	}
	for _, a := range attrs[e.Kind()] {
		if a.Name == key {
			if err := a.Set(e, value); err != nil {
				return bad(err)
			}
			return nil
		}
	}
	return invalidf("a %s has no field %s (fields: %s)", e.Kind(), Quote(key), strings.Join(AttrNames(e.Kind()), ", "))
}

// GetAttr reads the field key of e.
func GetAttr(e Entity, key string) (string, bool) {
	if d, ok := e.(*Device); ok && strings.HasPrefix(key, FieldPrefix) {
		v, ok := d.Fields[strings.TrimPrefix(key, FieldPrefix)]
		return v, ok
	}
	for _, a := range attrs[e.Kind()] {
		if a.Name == key {
			return a.Get(e), true
		}
	}
	return "", false
}

// FieldNames lists a device's custom field names in order.
func (d *Device) FieldNames() []string { return slices.Sorted(maps.Keys(d.Fields)) }

// References lists the records e names, by kind, so callers can create
// the ones that do not exist yet.
func References(e Entity) map[Kind]string {
	refs := map[Kind]string{}
	switch v := e.(type) {
	case *Platform:
		refs[KindVendor] = v.Vendor
	case *Device:
		refs[KindPlatform] = v.Platform
		refs[KindSite] = v.Site
		refs[KindRole] = v.Role
		refs[KindVendor] = v.Vendor
	}
	for k, v := range refs {
		if v == "" {
			delete(refs, k)
		}
	}
	return refs
}

// Named returns a new record of kind k called name, after checking the name.
func Named(k Kind, name string) (Entity, error) {
	if err := ValidName(name); err != nil {
		return nil, fmt.Errorf("%s name: %w", k, err)
	}
	e, err := New(k)
	if err != nil {
		return nil, err
	}
	if k == KindDevice {
		e = NewDevice(name)
	}
	return e, setName(e, name)
}

// NewDevice returns a device with the defaults a new one gets.
func NewDevice(name string) *Device {
	return &Device{Name: name, Port: 22, Status: Statuses[0]}
}

// CheckImpliedPlatform checks a platform that a device names, before the
// platform is created for it: the store must have it already, or vc must
// have a driver for it (Options.KnownPlatforms), or else it is a
// *NoDriverError that suggests the driver meant. A platform without a
// driver is still added on purpose, with platform add; a device then uses
// the generic driver.
func (t *Tx) CheckImpliedPlatform(name string) error {
	if name == "" || t.known == nil || t.Has(KindPlatform, name) || slices.Contains(t.known, name) {
		return nil
	}
	return &NoDriverError{Platform: name, Suggestions: Suggest(name, t.known), Known: t.known}
}

// Ensure creates the records e refers to that do not exist yet, and returns
// what it created ("site usa"). A device without a vendor takes its
// platform's. A platform a device implies must pass CheckImpliedPlatform.
func Ensure(t *Tx, e Entity) ([]string, error) {
	if d, ok := e.(*Device); ok {
		if err := t.CheckImpliedPlatform(d.Platform); err != nil {
			return nil, err
		}
		if d.Vendor == "" && d.Platform != "" {
			if p, err := Get[Platform](t, d.Platform); err == nil {
				d.Vendor = p.Vendor
			}
		}
	}
	var created []string
	refs := References(e)
	for _, k := range Kinds {
		name, ok := refs[k]
		if !ok || t.Has(k, name) {
			continue
		}
		n, err := Named(k, name)
		if err != nil {
			return nil, err
		}
		if p, ok := n.(*Platform); ok {
			if d, ok := e.(*Device); ok {
				p.Vendor = d.Vendor
			}
			if _, err := Ensure(t, p); err != nil {
				return nil, err
			}
		}
		if err := Put(t, n); err != nil {
			return nil, fmt.Errorf("create %s %s: %w", k, Quote(name), err)
		}
		created = append(created, fmt.Sprintf("%s %s", k, name))
	}
	return created, nil
}
