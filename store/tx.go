package store

import (
	"encoding/binary"
	"fmt"
	"sort"
	"strings"
	"time"

	bolt "go.etcd.io/bbolt"
)

// Tx is one transaction on the store.
type Tx struct {
	tx       *bolt.Tx
	now      time.Time
	writable bool
	changed  bool
	// known are the platforms with a driver: Options.KnownPlatforms.
	known []string
}

// Now is the transaction's clock reading, shared by every record it stamps.
func (t *Tx) Now() time.Time { return t.now }

// Bolt exposes the underlying transaction to other parts of this package's
// clients that keep their own buckets (credentials, history).
func (t *Tx) Bolt() *bolt.Tx { return t.tx }

// Bucket returns one of the buckets other packages keep their records in
// (BucketRuns...). Writing to it does not move the store's generation,
// which tracks the inventory.
func (t *Tx) Bucket(name string) *bolt.Bucket {
	b := t.tx.Bucket([]byte(name))
	if b == nil {
		// Migrations create every bucket; a missing one is a damaged file.
		panic(fmt.Sprintf("store: bucket %q missing", name))
	}
	return b
}

// Writable reports whether the transaction may write.
func (t *Tx) Writable() bool { return t.writable }

// MarkChanged records that the transaction changed something, which moves
// the store's generation on.
func (t *Tx) MarkChanged() { t.changed = true }

// Generation counts the committed changes to the store.
func (t *Tx) Generation() uint64 {
	raw := t.tx.Bucket(bucketMeta).Get(keyGen)
	if len(raw) != 8 {
		return 0
	}
	return binary.BigEndian.Uint64(raw)
}

func (t *Tx) bucket(k Kind) *bolt.Bucket {
	b := t.tx.Bucket([]byte(k))
	if b == nil {
		// Migrations create every bucket; a missing one is a damaged file.
		panic(fmt.Sprintf("store: bucket %q missing", k))
	}
	return b
}

type entityPtr[T any] interface {
	*T
	Entity
}

// Get returns the record of type T named name, or ErrNotFound.
func Get[T any, P entityPtr[T]](t *Tx, name string) (P, error) {
	var zero P = new(T)
	raw := t.bucket(zero.Kind()).Get([]byte(name))
	if raw == nil {
		return nil, fmt.Errorf("%s %s: %w", zero.Kind(), Quote(name), ErrNotFound)
	}
	p := P(new(T))
	if err := unmarshal(raw, p, nil); err != nil {
		return nil, fmt.Errorf("store: decode %s %s: %w", zero.Kind(), Quote(name), err)
	}
	return p, nil
}

// Has reports whether a record of kind k named name exists.
func (t *Tx) Has(k Kind, name string) bool {
	return t.bucket(k).Get([]byte(name)) != nil
}

// Count is the number of records of kind k.
func (t *Tx) Count(k Kind) int { return t.bucket(k).Stats().KeyN }

// List returns every record of type T, sorted by name.
func List[T any, P entityPtr[T]](t *Tx) ([]P, error) {
	var zero P = new(T)
	b := t.bucket(zero.Kind())
	var out []P
	in := interner{}
	err := b.ForEach(func(k, v []byte) error {
		p := P(new(T))
		if err := unmarshal(v, p, in); err != nil {
			return fmt.Errorf("store: decode %s %s: %w", zero.Kind(), Quote(string(k)), err)
		}
		out = append(out, p)
		return nil
	})
	return out, err
}

// ListKind returns every record of kind k, sorted by name.
func (t *Tx) ListKind(k Kind) ([]Entity, error) {
	var out []Entity
	err := t.bucket(k).ForEach(func(_, v []byte) error {
		e, err := decode(k, v)
		if err != nil {
			return err
		}
		out = append(out, e)
		return nil
	})
	return out, err
}

// GetKind returns the record of kind k named name, or ErrNotFound.
func (t *Tx) GetKind(k Kind, name string) (Entity, error) {
	raw := t.bucket(k).Get([]byte(name))
	if raw == nil {
		return nil, fmt.Errorf("%s %s: %w", k, Quote(name), ErrNotFound)
	}
	return decode(k, raw)
}

// Put writes e, creating or replacing the record of its name. It stamps
// Updated, and Created when the record is new to the caller.
func Put(t *Tx, e Entity) error {
	if err := Validate(e); err != nil {
		return err
	}
	st := e.stamps()
	if st.Created.IsZero() {
		st.Created = t.now
	}
	st.Updated = t.now
	raw, err := marshal(e)
	if err != nil {
		return fmt.Errorf("store: encode %s %s: %w", e.Kind(), Quote(e.Key()), err)
	}
	t.changed = true
	return t.bucket(e.Kind()).Put([]byte(e.Key()), raw)
}

// Create writes e, which must not exist yet.
func Create(t *Tx, e Entity) error {
	if t.Has(e.Kind(), e.Key()) {
		return fmt.Errorf("%s %s: %w", e.Kind(), Quote(e.Key()), ErrExists)
	}
	return Put(t, e)
}

// Ref is one record that refers to another, through a field.
type Ref struct {
	Kind  Kind
	Name  string
	Field string
}

func (r Ref) String() string { return fmt.Sprintf("%s %s (%s)", r.Kind, r.Name, r.Field) }

// refField describes a field of one kind that names a record of another.
type refField struct {
	from  Kind
	field string
	get   func(Entity) string
	set   func(Entity, string)
}

// refFields says, for each kind, which fields of which kinds point at it.
var refFields = map[Kind][]refField{
	KindVendor: {
		{KindPlatform, "vendor", func(e Entity) string { return e.(*Platform).Vendor }, func(e Entity, v string) { e.(*Platform).Vendor = v }},
		{KindDevice, "vendor", func(e Entity) string { return e.(*Device).Vendor }, func(e Entity, v string) { e.(*Device).Vendor = v }},
	},
	KindPlatform: {
		{KindDevice, "platform", func(e Entity) string { return e.(*Device).Platform }, func(e Entity, v string) { e.(*Device).Platform = v }},
	},
	KindSite: {
		{KindDevice, "site", func(e Entity) string { return e.(*Device).Site }, func(e Entity, v string) { e.(*Device).Site = v }},
	},
	KindRole: {
		{KindDevice, "role", func(e Entity) string { return e.(*Device).Role }, func(e Entity, v string) { e.(*Device).Role = v }},
	},
	KindDevice: {
		{KindDevice, "jump", func(e Entity) string { return e.(*Device).Jump }, func(e Entity, v string) { e.(*Device).Jump = v }},
		{KindSite, "jump", func(e Entity) string { return e.(*Site).Jump }, func(e Entity, v string) { e.(*Site).Jump = v }},
	},
}

// Referrers lists the records that refer to the record of kind k named name.
func (t *Tx) Referrers(k Kind, name string) ([]Ref, error) {
	var refs []Ref
	err := t.eachReferrer(k, name, func(e Entity, f refField) error {
		refs = append(refs, Ref{Kind: f.from, Name: e.Key(), Field: f.field})
		return nil
	})
	return refs, err
}

func (t *Tx) eachReferrer(k Kind, name string, fn func(Entity, refField) error) error {
	for _, f := range refFields[k] {
		err := t.bucket(f.from).ForEach(func(_, v []byte) error {
			e, err := decode(f.from, v)
			if err != nil {
				return err
			}
			if f.get(e) != name || (f.from == k && e.Key() == name) {
				return nil
			}
			return fn(e, f)
		})
		if err != nil {
			return err
		}
	}
	return nil
}

// Remove deletes the record of kind k named name. If other records refer to
// it, Remove refuses with ErrInUse unless force is set, in which case it
// clears their references and returns them.
func (t *Tx) Remove(k Kind, name string, force bool) ([]Ref, error) {
	if !t.Has(k, name) {
		return nil, fmt.Errorf("%s %s: %w", k, Quote(name), ErrNotFound)
	}
	refs, err := t.Referrers(k, name)
	if err != nil {
		return nil, err
	}
	if len(refs) > 0 && !force {
		return refs, fmt.Errorf("%s %s is used by %s: %w; --force detaches them", k, Quote(name), describeRefs(refs), ErrInUse)
	}
	err = t.eachReferrer(k, name, func(e Entity, f refField) error {
		f.set(e, "")
		return Put(t, e)
	})
	if err != nil {
		return nil, err
	}
	if k == KindDevice {
		if err := t.moveCredResults(name, ""); err != nil {
			return nil, err
		}
	}
	t.changed = true
	return refs, t.bucket(k).Delete([]byte(name))
}

// Rename gives the record of kind k named from the name to, and points
// every reference at the new name.
func (t *Tx) Rename(k Kind, from, to string) error {
	e, err := t.GetKind(k, from)
	if err != nil {
		return err
	}
	if t.Has(k, to) {
		return fmt.Errorf("cannot rename %s %s to %s: %w", k, Quote(from), Quote(to), ErrExists)
	}
	if err := setName(e, to); err != nil {
		return err
	}
	if err := Put(t, e); err != nil {
		return err
	}
	if err := t.bucket(k).Delete([]byte(from)); err != nil {
		return err
	}
	if k == KindDevice {
		if err := t.moveCredResults(from, to); err != nil {
			return err
		}
	}
	return t.eachReferrer(k, from, func(r Entity, f refField) error {
		f.set(r, to)
		return Put(t, r)
	})
}

func setName(e Entity, name string) error {
	switch v := e.(type) {
	case *Vendor:
		v.Name = name
	case *Platform:
		v.Name = name
	case *Site:
		v.Name = name
	case *Role:
		v.Name = name
	case *Device:
		v.Name = name
	default:
		return invalidf("cannot rename a %s", e.Kind())
	}
	return nil
}

func describeRefs(refs []Ref) string {
	byKind := map[Kind][]string{}
	for _, r := range refs {
		byKind[r.Kind] = append(byKind[r.Kind], r.Name)
	}
	kinds := make([]string, 0, len(byKind))
	for k := range byKind {
		kinds = append(kinds, string(k))
	}
	sort.Strings(kinds)
	var s string
	for i, k := range kinds {
		names := byKind[Kind(k)]
		if i > 0 {
			s += " and "
		}
		s += fmt.Sprintf("%d %s", len(names), plural(k, len(names)))
		const show = 3
		if len(names) <= show {
			s += " (" + strings.Join(names, ", ") + ")"
		} else {
			s += fmt.Sprintf(" (%s and %d more)", strings.Join(names[:show], ", "), len(names)-show)
		}
	}
	return s
}

func plural(word string, n int) string {
	if n == 1 {
		return word
	}
	return word + "s"
}
