package capture

import (
	"encoding/binary"
	"slices"
	"time"

	bolt "go.etcd.io/bbolt"
)

// When a device's output has not changed, all that changes is when its
// latest version was last seen. Rewriting the versions themselves would
// touch every page they sit on: a thousand unchanged configs would cost a
// hundred kilobytes of new pages a run, a tenth of what storing them did.
// So each type keeps one small table of "last seen" for its latest
// versions, grouped by run, a few bytes a device (the id as a delta from
// the previous one, the time as milliseconds after the run's first), and
// an unchanged run rewrites that one value. A version's own record keeps
// the times it was made with; the table, when it has the version, is
// newer. When a version stops being the latest, its last sighting is
// written into its record and leaves the table, so the table holds at
// most one entry per device.

// sighting is the last time a version was found unchanged.
type sighting struct {
	run uint64
	ms  int64 // unix milliseconds
}

func (s sighting) time() time.Time { return time.UnixMilli(s.ms).UTC() }

// sightings are one type's table, by version id.
type sightings map[uint64]sighting

const seenCodecV1 = 1

// encode writes the table as groups of one run: run, the group's earliest
// time, the count, then each version id as the step from the previous one
// and its time as the step from the earliest.
func (s sightings) encode() []byte {
	byRun := map[uint64][]uint64{}
	for id, v := range s {
		byRun[v.run] = append(byRun[v.run], id)
	}
	runs := make([]uint64, 0, len(byRun))
	for r := range byRun {
		runs = append(runs, r)
	}
	slices.Sort(runs)
	b := make([]byte, 0, 16+5*len(s))
	b = append(b, seenCodecV1)
	for _, r := range runs {
		ids := byRun[r]
		slices.Sort(ids)
		base := s[ids[0]].ms
		for _, id := range ids {
			base = min(base, s[id].ms)
		}
		b = binary.AppendUvarint(b, r)
		b = binary.AppendVarint(b, base)
		b = binary.AppendUvarint(b, uint64(len(ids)))
		prev := uint64(0)
		for _, id := range ids {
			b = binary.AppendUvarint(b, id-prev)
			b = binary.AppendUvarint(b, uint64(s[id].ms-base))
			prev = id
		}
	}
	return b
}

func decodeSightings(v []byte) (sightings, bool) {
	s := sightings{}
	if len(v) == 0 {
		return s, true
	}
	if v[0] != seenCodecV1 {
		return nil, false
	}
	d := reader{b: v[1:]}
	for len(d.b) > 0 && !d.bad {
		run, base, n := d.uvarint(), d.varint(), d.uvarint()
		if n > uint64(len(d.b)) {
			return nil, false
		}
		id := uint64(0)
		for range n {
			id += d.uvarint()
			s[id] = sighting{run: run, ms: base + int64(d.uvarint())}
		}
	}
	return s, !d.bad
}

// seenTables reads and keeps the tables of the types a transaction needs.
type seenTables struct {
	b      *bolt.Bucket
	tables map[string]sightings
	dirty  map[string]bool
}

func newSeenTables(b *bolt.Bucket) *seenTables {
	return &seenTables{b: b, tables: map[string]sightings{}, dirty: map[string]bool{}}
}

func (t *seenTables) get(typ string) (sightings, error) {
	if s, ok := t.tables[typ]; ok {
		return s, nil
	}
	s, ok := decodeSightings(t.b.Get(seenKey(typ)))
	if !ok {
		return nil, damagedf("last-seen table of %s", typ)
	}
	t.tables[typ] = s
	return s, nil
}

// apply brings v's last sighting up to date from its type's table.
func (t *seenTables) apply(v *Version) error {
	s, err := t.get(v.Type)
	if err != nil {
		return err
	}
	if x, ok := s[v.ID]; ok {
		v.LastRun, v.LastSeen = x.run, x.time()
	}
	return nil
}

// flush writes the tables that changed.
func (t *seenTables) flush() error {
	for typ := range t.dirty {
		s := t.tables[typ]
		var err error
		if len(s) == 0 {
			err = t.b.Delete(seenKey(typ))
		} else {
			err = t.b.Put(seenKey(typ), s.encode())
		}
		if err != nil {
			return err
		}
	}
	clear(t.dirty)
	return nil
}
