package netbox

import (
	"bytes"
	"encoding/json"
	"fmt"
)

// RemoteDevice is one device as NetBox lists it, reduced to what vc maps.
// Empty strings stand for NetBox's nulls.
type RemoteDevice struct {
	ID   int64
	Name string
	// Site, Role, Platform and Manufacturer are slugs.
	Site, Role, Platform, Manufacturer string
	// Status is the status's value (active, offline...), not its label.
	Status string
	// PrimaryIP, PrimaryIP4 and PrimaryIP6 are addresses with their prefix
	// length, as NetBox writes them: 10.0.0.1/24.
	PrimaryIP, PrimaryIP4, PrimaryIP6 string
	Tags                              []Tag
	// CustomFields are NetBox's custom_fields, undecoded: every custom
	// field of devices appears, null when the device has no value.
	CustomFields map[string]json.RawMessage
}

// Tag is a NetBox tag.
type Tag struct {
	Name, Slug string
}

// The shapes below follow NetBox's OpenAPI schema for GET
// /api/dcim/devices/ in 3.x and 4.x; only the fields vc reads are decoded,
// so the fields each version adds or drops do not matter.

// apiPage is one page of a NetBox list.
type apiPage struct {
	Count *int64  `json:"count"`
	Next  *string `json:"next"`
	// Results is a pointer so that a JSON object without it, which is not a
	// NetBox list, can be told from an empty page.
	Results *[]json.RawMessage `json:"results"`
}

// apiRef is a nested object: site, role, platform, manufacturer.
type apiRef struct {
	ID   int64  `json:"id"`
	Name string `json:"name"`
	Slug string `json:"slug"`
}

type apiDeviceType struct {
	Manufacturer *apiRef `json:"manufacturer"`
}

type apiIP struct {
	Address string `json:"address"`
}

type apiChoice struct {
	Value string `json:"value"`
}

type apiDevice struct {
	ID         int64          `json:"id"`
	Name       *string        `json:"name"`
	DeviceType *apiDeviceType `json:"device_type"`
	// Role is NetBox 3.6 and later's name; DeviceRole is 3.5 and
	// earlier's, which 3.6 and 3.7 still send beside role.
	Role       *apiRef    `json:"role"`
	DeviceRole *apiRef    `json:"device_role"`
	Platform   *apiRef    `json:"platform"`
	Site       *apiRef    `json:"site"`
	Status     *apiChoice `json:"status"`
	PrimaryIP  *apiIP     `json:"primary_ip"`
	PrimaryIP4 *apiIP     `json:"primary_ip4"`
	PrimaryIP6 *apiIP     `json:"primary_ip6"`
	Tags       []struct {
		Name string `json:"name"`
		Slug string `json:"slug"`
	} `json:"tags"`
	CustomFields map[string]json.RawMessage `json:"custom_fields"`
}

// decodeDevice reads one element of a page's results.
func decodeDevice(raw json.RawMessage) (RemoteDevice, error) {
	if t := bytes.TrimSpace(raw); len(t) == 0 || t[0] != '{' {
		return RemoteDevice{}, fmt.Errorf("not a JSON object")
	}
	var a apiDevice
	if err := json.Unmarshal(raw, &a); err != nil {
		return RemoteDevice{}, err
	}
	if a.ID <= 0 {
		return RemoteDevice{}, fmt.Errorf("no id")
	}
	d := RemoteDevice{ID: a.ID, CustomFields: a.CustomFields}
	if a.Name != nil {
		d.Name = *a.Name
	}
	if a.DeviceType != nil && a.DeviceType.Manufacturer != nil {
		d.Manufacturer = a.DeviceType.Manufacturer.Slug
	}
	switch {
	case a.Role != nil:
		d.Role = a.Role.Slug
	case a.DeviceRole != nil:
		d.Role = a.DeviceRole.Slug
	}
	if a.Platform != nil {
		d.Platform = a.Platform.Slug
	}
	if a.Site != nil {
		d.Site = a.Site.Slug
	}
	if a.Status != nil {
		d.Status = a.Status.Value
	}
	d.PrimaryIP, d.PrimaryIP4, d.PrimaryIP6 = address(a.PrimaryIP), address(a.PrimaryIP4), address(a.PrimaryIP6)
	for _, t := range a.Tags {
		d.Tags = append(d.Tags, Tag{Name: t.Name, Slug: t.Slug})
	}
	return d, nil
}

func address(ip *apiIP) string {
	if ip == nil {
		return ""
	}
	return ip.Address
}
