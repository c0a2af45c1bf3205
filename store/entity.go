package store

import (
	"fmt"
	"time"
)

// Kind names a kind of inventory record; it is also its bucket's name.
type Kind string

// The inventory kinds.
const (
	KindVendor   Kind = "vendor"
	KindPlatform Kind = "platform"
	KindSite     Kind = "site"
	KindRole     Kind = "role"
	KindDevice   Kind = "device"
)

// Kinds lists the inventory kinds in the order they depend on each other.
var Kinds = []Kind{KindVendor, KindPlatform, KindSite, KindRole, KindDevice}

// Entity is an inventory record.
type Entity interface {
	Kind() Kind
	Key() string
	stamps() *Stamps
}

// Stamps are the times every record carries.
type Stamps struct {
	Created time.Time `json:"created"`
	Updated time.Time `json:"updated"`
}

func (s *Stamps) stamps() *Stamps { return s }

// StampsOf returns a record's created and updated times.
func StampsOf(e Entity) Stamps { return *e.stamps() }

// Vendor is a manufacturer.
type Vendor struct {
	Name        string `json:"name"`
	Description string `json:"description,omitempty"`
	Stamps
}

// Platform is a Netmiko device type such as cisco_ios, with what vc needs
// to know to drive it.
type Platform struct {
	Name   string `json:"name"`
	Vendor string `json:"vendor,omitempty"`
	// Paging is the command that turns paging off.
	Paging string `json:"paging,omitempty"`
	// Prompt overrides the learned prompt with a regular expression.
	Prompt string `json:"prompt,omitempty"`
	// Legacy allows old SSH algorithms (group1 kex, CBC, ssh-rsa).
	Legacy      bool   `json:"legacy,omitempty"`
	Description string `json:"description,omitempty"`
	Stamps
}

// Site is a place devices are in; limits and jump hosts often follow sites.
type Site struct {
	Name        string `json:"name"`
	Description string `json:"description,omitempty"`
	// MaxSessions caps concurrent sessions to the site's devices; 0 is no cap.
	MaxSessions int `json:"max_sessions,omitempty"`
	// Jump is a device name or user@host:port that connections go through.
	Jump string `json:"jump,omitempty"`
	// HostKey is the host-key policy: "" (check) or "ignore".
	HostKey string `json:"hostkey,omitempty"`
	Stamps
}

// Role is what a device does (leaf, spine, core...).
type Role struct {
	Name        string `json:"name"`
	Description string `json:"description,omitempty"`
	Stamps
}

// Device is one managed device.
type Device struct {
	Name     string            `json:"name"`
	Address  string            `json:"ip"`
	Port     int               `json:"port"`
	Platform string            `json:"platform,omitempty"`
	Site     string            `json:"site,omitempty"`
	Role     string            `json:"role,omitempty"`
	Vendor   string            `json:"vendor,omitempty"`
	Status   string            `json:"status"`
	Tags     []string          `json:"tags,omitempty"`
	Fields   map[string]string `json:"fields,omitempty"`
	// Cred is the credential to try first.
	Cred string `json:"cred,omitempty"`
	// Jump is a device name or user@host:port that connections go through.
	Jump string `json:"jump,omitempty"`
	// HostKey is the host-key policy: "" (check) or "ignore".
	HostKey string `json:"hostkey,omitempty"`
	// Legacy allows old SSH algorithms for this device alone.
	Legacy bool `json:"legacy,omitempty"`
	Stamps
}

// Kind implements Entity.
func (*Vendor) Kind() Kind { return KindVendor }

// Kind implements Entity.
func (*Platform) Kind() Kind { return KindPlatform }

// Kind implements Entity.
func (*Site) Kind() Kind { return KindSite }

// Kind implements Entity.
func (*Role) Kind() Kind { return KindRole }

// Kind implements Entity.
func (*Device) Kind() Kind { return KindDevice }

// Key implements Entity.
func (v *Vendor) Key() string { return v.Name }

// Key implements Entity.
func (p *Platform) Key() string { return p.Name }

// Key implements Entity.
func (s *Site) Key() string { return s.Name }

// Key implements Entity.
func (r *Role) Key() string { return r.Name }

// Key implements Entity.
func (d *Device) Key() string { return d.Name }

// New returns an empty record of kind k.
func New(k Kind) (Entity, error) {
	switch k {
	case KindVendor:
		return &Vendor{}, nil
	case KindPlatform:
		return &Platform{}, nil
	case KindSite:
		return &Site{}, nil
	case KindRole:
		return &Role{}, nil
	case KindDevice:
		return &Device{}, nil
	}
	return nil, invalidf("unknown kind %s", Quote(string(k)))
}

func decode(k Kind, data []byte) (Entity, error) {
	e, err := New(k)
	if err != nil {
		return nil, err
	}
	if err := unmarshal(data, e, nil); err != nil {
		return nil, fmt.Errorf("store: decode %s: %w", k, err)
	}
	return e, nil
}
