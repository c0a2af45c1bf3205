package netbox

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"net/netip"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"vc/store"
)

// MarkField is the custom field that marks a device as NetBox's: its value
// is the device's page in NetBox, https://netbox.example.com/dcim/devices/42/.
// A NetBox custom field of the same name is not copied.
const MarkField = "netbox_url"

// statuses maps NetBox's device statuses to vc's. NetBox has two vc has
// not: inventory (in stock, not deployed) and decommissioning, which come
// as the nearest vc status, so that status=="active" still selects what
// NetBox calls active.
var statuses = map[string]string{
	"active":          "active",
	"planned":         "planned",
	"staged":          "staged",
	"offline":         "offline",
	"failed":          "failed",
	"inventory":       "offline",
	"decommissioning": "decommissioned",
}

// SyncOptions tune how NetBox's devices become vc's.
type SyncOptions struct {
	// Prune removes the devices vc got from this NetBox that it no longer
	// lists; without it they are only reported.
	Prune bool
	// PreferIPv6 takes primary_ip6 when a device has both primary
	// addresses; vc takes primary_ip4 otherwise.
	PreferIPv6 bool
	// TagNames takes tags by name instead of slug.
	TagNames bool
}

// PlatformMap maps a NetBox platform slug to a vc platform (a Netmiko
// device type): ios -> cisco_ios.
type PlatformMap struct {
	Slug, Platform string
}

const platformKeyPrefix = "platform/"

// MapPlatform makes devices of the NetBox platform slug come to vc as
// platform, replacing any mapping the slug had. The platform follows the
// rule of CSV import: the store has it, or vc has a driver for it; else
// the error is a *store.NoDriverError.
func MapPlatform(t *store.Tx, slug, platform string) error {
	if err := checkSlug(slug); err != nil {
		return err
	}
	if err := store.ValidName(platform); err != nil {
		return fmt.Errorf("platform: %w", err)
	}
	if err := t.CheckImpliedPlatform(platform); err != nil {
		return err
	}
	return t.Bucket(store.BucketNetBox).Put([]byte(platformKeyPrefix+slug), []byte(platform))
}

// UnmapPlatform removes the mapping of slug; ErrMappingNotFound if it had
// none.
func UnmapPlatform(t *store.Tx, slug string) error {
	if err := checkSlug(slug); err != nil {
		return err
	}
	b := t.Bucket(store.BucketNetBox)
	key := []byte(platformKeyPrefix + slug)
	if b.Get(key) == nil {
		return fmt.Errorf("NetBox platform %s: %w", slug, ErrMappingNotFound)
	}
	return b.Delete(key)
}

// PlatformMaps lists the mappings, by slug.
func PlatformMaps(t *store.Tx) ([]PlatformMap, error) {
	var out []PlatformMap
	c := t.Bucket(store.BucketNetBox).Cursor()
	prefix := []byte(platformKeyPrefix)
	for k, v := c.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix); k, v = c.Next() {
		out = append(out, PlatformMap{Slug: string(k[len(prefix):]), Platform: string(v)})
	}
	return out, nil
}

func platformMaps(t *store.Tx) (map[string]string, error) {
	list, err := PlatformMaps(t)
	if err != nil {
		return nil, err
	}
	m := make(map[string]string, len(list))
	for _, pm := range list {
		m[pm.Slug] = pm.Platform
	}
	return m, nil
}

// checkSlug holds a slug to NetBox's rule: letters, digits, - and _, at
// most 100 characters.
func checkSlug(s string) error {
	if s == "" {
		return optionf("empty NetBox platform slug")
	}
	if len(s) > 100 {
		return optionf("NetBox platform slug %s is longer than NetBox's 100 characters", quote(s))
	}
	for _, r := range s {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-' || r == '_') {
			return optionf("%s is not a NetBox slug (letters, digits, - and _)", quote(s))
		}
	}
	return nil
}

// Dropped is one value of a NetBox device that vc does not take, while
// taking the rest of the device: a custom field holding a newline, a tag
// whose slug vc cannot store.
type Dropped struct {
	Device   string
	NetBoxID int64
	// Field is where the value would have gone: fields.NAME, tags, vendor.
	Field  string
	Reason error
}

func (d Dropped) String() string {
	return fmt.Sprintf("device %s (NetBox id %d) %s: %v", d.Device, d.NetBoxID, d.Field, d.Reason)
}

// want is what one NetBox device should become in vc.
type want struct {
	rd  RemoteDevice
	dev *store.Device
	// spoken are the custom fields NetBox has an opinion on, MarkField
	// among them: vc's values of these follow NetBox, null removing them;
	// the person's other fields are left alone.
	spoken  []string
	dropped []Dropped
	// platform is the slug before mapping, for messages.
	slug string

	// old is the vc device it is matched to; adopted says old had no mark.
	old     *store.Device
	adopted bool
}

// mapDevice turns a NetBox device into the vc device it should be. An
// error is why the device cannot come at all.
func mapDevice(rd RemoteDevice, platforms map[string]string, o SyncOptions, src Source) (*want, error) {
	if rd.Name == "" {
		return nil, ErrNoName
	}
	if err := store.ValidName(rd.Name); err != nil {
		return nil, fmt.Errorf("name: %w", err)
	}
	d := store.NewDevice(rd.Name)
	w := &want{rd: rd, dev: d, slug: rd.Platform}
	drop := func(field string, err error) {
		w.dropped = append(w.dropped, Dropped{Device: rd.Name, NetBoxID: rd.ID, Field: field, Reason: err})
	}

	order := []string{rd.PrimaryIP4, rd.PrimaryIP6}
	if o.PreferIPv6 {
		order = []string{rd.PrimaryIP6, rd.PrimaryIP4}
	}
	ip := ""
	for _, a := range append(order, rd.PrimaryIP) {
		if a != "" {
			ip = a
			break
		}
	}
	if ip == "" {
		return nil, ErrNoPrimaryIP
	}
	addr, err := hostAddress(ip)
	if err != nil {
		return nil, err
	}
	d.Address = addr

	if rd.Platform == "" {
		return nil, ErrNoPlatform
	}
	d.Platform = rd.Platform
	if m, ok := platforms[rd.Platform]; ok {
		d.Platform = m
	}
	d.Site, d.Role = rd.Site, rd.Role

	if rd.Manufacturer != "" {
		if err := store.ValidName(rd.Manufacturer); err != nil {
			drop("vendor", err)
		} else {
			d.Vendor = rd.Manufacturer
		}
	}

	status, ok := statuses[rd.Status]
	switch {
	case rd.Status == "":
		status = store.Statuses[0]
	case !ok:
		known := slices.Sorted(maps.Keys(statuses))
		return nil, fmt.Errorf("%w: %s (vc takes NetBox's %s)", ErrUnknownStatus, quote(rd.Status), strings.Join(known, ", "))
	}
	d.Status = status

	seen := map[string]bool{}
	for _, tg := range rd.Tags {
		name := tg.Slug
		if o.TagNames {
			name = tg.Name
		}
		if seen[name] {
			continue
		}
		if err := store.ValidName(name); err != nil {
			drop("tags", fmt.Errorf("tag %s: %w", quote(name), err))
			continue
		}
		seen[name] = true
		d.Tags = append(d.Tags, name)
	}
	// NetBox orders tags by name; sorting keeps a slug renamed in NetBox
	// from reordering every device's tags into an update.
	slices.Sort(d.Tags)
	if len(d.Tags) > store.MaxTags {
		drop("tags", fmt.Errorf("%d tags, more than the %d a device may have; kept the first %d", len(d.Tags), store.MaxTags, store.MaxTags))
		d.Tags = d.Tags[:store.MaxTags]
	}

	d.Fields = map[string]string{MarkField: src.DeviceURL(rd.ID)}
	w.spoken = []string{MarkField}
	for _, name := range slices.Sorted(maps.Keys(rd.CustomFields)) {
		key := store.FieldPrefix + name
		v, err := fieldValue(rd.CustomFields[name])
		// NetBox lists every custom field for every device; only a
		// value vc cannot take is worth a word.
		switch {
		case err == nil && v == "" && name != MarkField && store.ValidName(name) == nil:
			w.spoken = append(w.spoken, name)
			continue
		case err == nil && v == "":
			continue
		case name == MarkField:
			drop(key, fmt.Errorf("vc keeps its own %s here, the device's page in NetBox", MarkField))
			continue
		}
		if err := store.ValidName(name); err != nil {
			drop(key, fmt.Errorf("custom field name: %w", err))
			continue
		}
		w.spoken = append(w.spoken, name)
		if err != nil {
			drop(key, err)
			continue
		}
		if len(d.Fields) >= store.MaxFields {
			drop(key, fmt.Errorf("more than the %d custom fields a device may have", store.MaxFields))
			continue
		}
		if err := store.SetAttr(d, key, v); err != nil {
			var ae *store.AttrError
			if errors.As(err, &ae) {
				err = ae.Err
			}
			drop(key, err)
		}
	}
	return w, nil
}

// hostAddress takes the address out of NetBox's 10.0.0.1/24.
func hostAddress(s string) (string, error) {
	if p, err := netip.ParsePrefix(s); err == nil {
		return p.Addr().String(), nil
	}
	if a, err := netip.ParseAddr(s); err == nil {
		return a.String(), nil
	}
	return "", fmt.Errorf("primary IP %s is not an IP address", quote(s))
}

// fieldValue turns a custom field's JSON into the text vc keeps: scalars
// as written, a related object (an object or multi-object custom field) as
// its display name, a list of scalars or objects joined with commas, other
// JSON compacted. null and empty come back as "".
func fieldValue(raw json.RawMessage) (string, error) {
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return "", fmt.Errorf("not JSON: %w", err)
	}
	if s, ok := scalar(v); ok {
		return s, nil
	}
	if s, ok := display(v); ok {
		return s, nil
	}
	if list, ok := v.([]any); ok {
		parts := make([]string, 0, len(list))
		for _, e := range list {
			s, ok := scalar(e)
			if !ok {
				s, ok = display(e)
			}
			if !ok {
				parts = nil
				break
			}
			parts = append(parts, s)
		}
		if parts != nil || len(list) == 0 {
			return strings.Join(parts, ","), nil
		}
	}
	var b bytes.Buffer
	if err := json.Compact(&b, raw); err != nil {
		return "", err
	}
	return b.String(), nil
}

func scalar(v any) (string, bool) {
	switch v := v.(type) {
	case nil:
		return "", true
	case string:
		return v, true
	case json.Number:
		return v.String(), true
	case bool:
		return strconv.FormatBool(v), true
	}
	return "", false
}

// display reads a related object as NetBox nests it: {id, url, display...}.
func display(v any) (string, bool) {
	m, ok := v.(map[string]any)
	if !ok {
		return "", false
	}
	if _, ok := m["id"]; !ok {
		return "", false
	}
	s, ok := m["display"].(string)
	return s, ok
}

// DeviceURL is the device's page in NetBox, the value of MarkField.
func (s Source) DeviceURL(id int64) string {
	return s.URL + "/dcim/devices/" + strconv.FormatInt(id, 10) + "/"
}

// instance names a NetBox by host and path, not scheme, so that moving
// from http to https keeps the devices it gave.
func instanceOf(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return ""
	}
	return normalHost(u) + strings.TrimRight(u.Path, "/")
}

// mark is what a device's MarkField says.
type mark struct {
	instance string
	id       int64
}

// parseMark reads a MarkField value; ok is false for anything else, which
// counts as no mark.
func parseMark(v string) (mark, bool) {
	u, err := url.Parse(v)
	if err != nil || u.Host == "" {
		return mark{}, false
	}
	const seg = "/dcim/devices/"
	i := strings.LastIndex(u.Path, seg)
	if i < 0 {
		return mark{}, false
	}
	id, err := strconv.ParseInt(strings.Trim(u.Path[i+len(seg):], "/"), 10, 64)
	if err != nil || id <= 0 {
		return mark{}, false
	}
	return mark{instance: normalHost(u) + u.Path[:i], id: id}, true
}
