package capture

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"time"

	bolt "go.etcd.io/bbolt"

	"vc/store"
)

// Item is one command's output on one device, to be captured.
type Item struct {
	Device   string
	Platform string // a Netmiko device type; it picks the churn and secret tables
	// Type is the capture type; empty means TypeOf(Command). A type a
	// person gave should be checked with ValidType first.
	Type    string
	Command string
	Text    string
	// Run is the run that got the output; Time when (zero: the time of
	// the transaction that stores it).
	Run  uint64
	Time time.Time
	// Scrub masks the output's secrets before it is stored.
	Scrub bool
	// Forced keeps an output that failed validation (--force-save).
	Forced bool
}

// Prepared is an Item made ready to store: its type settled, its text
// scrubbed when asked, hashed, normalized and compressed. Making it costs
// the CPU; storing it does not.
type Prepared struct {
	// Item is as given, with Type filled in and Text as it will be
	// stored (scrubbed when Scrub was set).
	Item
	// Hash is the SHA-256 of Text, hex.
	Hash  string
	Lines int

	hash, norm [sha256.Size]byte
	blob       []byte // the blobs bucket value
	err        error
}

// Err is why the item cannot be stored (an invalid type or device name);
// Put refuses a batch holding one.
func (p *Prepared) Err() error { return p.err }

// Prepare does the CPU work of storing items, on up to workers goroutines
// (zero or less: one per CPU), so that Put, inside the store's
// transaction, only looks up and writes. The result is in the order of
// items.
func Prepare(items []Item, workers int) []Prepared {
	out := make([]Prepared, len(items))
	parallel(len(items), workers, func(i int) { out[i] = prepare(items[i]) })
	return out
}

func prepare(it Item) Prepared {
	p := Prepared{Item: it}
	if err := store.ValidName(it.Device); err != nil {
		p.err = fmt.Errorf("capture %q: %w: %w", it.Device, ErrInvalidDevice, err)
		return p
	}
	if p.Type == "" {
		p.Type = TypeOf(it.Command)
	} else if err := ValidType(p.Type); err != nil {
		p.err = fmt.Errorf("capture %s: %w", it.Device, err)
		return p
	}
	if it.Scrub {
		p.Text = Scrub(it.Platform, it.Text)
	}
	raw := []byte(p.Text)
	p.hash = sha256.Sum256(raw)
	if norm := Normalize(it.Platform, p.Text); norm == p.Text {
		// Nothing churned (the same string came back): no second hash.
		p.norm = p.hash
	} else {
		p.norm = sha256.Sum256([]byte(norm))
	}
	p.Hash = hex.EncodeToString(p.hash[:])
	p.Lines = countLines(p.Text)
	p.blob, p.err = packBlob(raw, p.hash)
	return p
}

// Stored is what Put did with one output.
type Stored struct {
	Device, Type string
	// Version is the version that now holds the output: a new one, or
	// the device's latest when the output had not changed. History keeps
	// it (ByID reads it back).
	Version uint64
	// Blob holds the version's content; Hash is that content's SHA-256,
	// hex, the name run.Output.Capture keeps (TextByHash reads it back).
	// When the output had not changed, they are the latest version's,
	// whose content may differ from this output in its churn lines.
	Blob uint64
	Hash string
	// Bytes is the size of the version's content.
	Bytes int
	// Changed is set when a new version was made, including the first
	// of a device and type.
	Changed bool
	// NewBlob is set when the content was new to the store.
	NewBlob bool
	// Previous is, when Changed, the version the new one follows (zero for
	// the first); what "changes" compares against.
	Previous uint64
}

// Put stores prepared outputs in tx, in order. For each it finds the
// latest version of its device and type: an output that normalizes to the
// same is not stored again, and only that version's last-seen run and time
// move on; any other output becomes a new version, whose content is
// written as a blob unless identical content is already stored. Nothing is
// written if an item failed to prepare.
func Put(tx *store.Tx, ps []Prepared) ([]Stored, error) {
	for i := range ps {
		if ps[i].err != nil {
			return nil, ps[i].err
		}
	}
	blobs := tx.Bucket(store.BucketBlobs)
	hashes := tx.Bucket(store.BucketBlobHash)
	vb := tx.Bucket(store.BucketVersions)
	// Blob ids and version ids only grow, so new keys land at the end of
	// their run of keys: pages split full rather than half full (bbolt's
	// default, made for keys that come in any order) hold twice as many,
	// which keeps the store smaller and its trees shallower.
	blobs.FillPercent, vb.FillPercent = 0.9, 0.9
	seen := newSeenTables(vb)
	out := make([]Stored, len(ps))
	for i := range ps {
		p := &ps[i]
		at := p.Time
		if at.IsZero() {
			at = tx.Now()
		}
		s, err := putOne(blobs, hashes, vb, seen, p, at)
		if err != nil {
			return nil, fmt.Errorf("capture %s %s: %w", p.Type, p.Device, err)
		}
		out[i] = s
	}
	if err := seen.flush(); err != nil {
		return nil, fmt.Errorf("capture: %w", err)
	}
	return out, nil
}

func putOne(blobs, hashes, vb *bolt.Bucket, seen *seenTables, p *Prepared, at time.Time) (Stored, error) {
	st := Stored{Device: p.Device, Type: p.Type}
	lkey, latest, found, err := latestRecord(vb, p.Type, p.Device)
	if err != nil {
		return st, err
	}
	table, err := seen.get(p.Type)
	if err != nil {
		return st, err
	}
	var latestID uint64
	if found {
		_, _, latestID, _ = splitKey(lkey)
	}
	if found && latest.norm == p.norm {
		// Unchanged: only the sighting moves, and never backwards, so an
		// output recorded late cannot make a version look older.
		last := sighting{run: latest.lastRun, ms: latest.lastSeen / int64(time.Millisecond)}
		if x, ok := table[latestID]; ok {
			last = x
		}
		if now := at.UnixMilli(); now >= last.ms {
			table[latestID] = sighting{run: p.Run, ms: now}
			seen.dirty[p.Type] = true
		}
		st.Version, st.Blob, st.Bytes = latestID, latest.blob, int(latest.bytes)
		st.Hash = hex.EncodeToString(latest.hash[:])
		return st, nil
	}

	blobID, newBlob := uint64(0), false
	if v := hashes.Get(p.hash[:]); len(v) == 8 {
		blobID = beUint64(v)
	} else {
		if blobID, err = blobs.NextSequence(); err != nil {
			return st, err
		}
		if err := blobs.Put(u64(blobID), p.blob); err != nil {
			return st, err
		}
		if err := hashes.Put(bytes.Clone(p.hash[:]), u64(blobID)); err != nil {
			return st, err
		}
		newBlob = true
	}
	id, err := vb.NextSequence()
	if err != nil {
		return st, err
	}
	rec := record{
		command: p.Command, platform: p.Platform, blob: blobID, hash: p.hash, norm: p.norm,
		firstSeen: nanos(at), lastSeen: nanos(at), firstRun: p.Run, lastRun: p.Run,
		lines: uint64(p.Lines), bytes: uint64(len(p.Text)), forced: p.Forced, scrubbed: p.Scrub,
	}
	key := versionKey(p.Type, p.Device, id)
	if err := vb.Put(key, rec.encode()); err != nil {
		return st, err
	}
	if err := vb.Put(indexKey(id), key); err != nil {
		return st, err
	}
	if found {
		// The old latest is done changing: its last sighting goes into its
		// record and out of the table.
		if x, ok := table[latestID]; ok {
			latest.lastRun, latest.lastSeen = x.run, x.ms*int64(time.Millisecond)
			if err := vb.Put(lkey, latest.encode()); err != nil {
				return st, err
			}
			delete(table, latestID)
			seen.dirty[p.Type] = true
		}
	}
	st.Version, st.Blob, st.Hash, st.Bytes = id, blobID, p.Hash, len(p.Text)
	st.Changed, st.NewBlob, st.Previous = true, newBlob, latestID
	return st, nil
}

// latestRecord finds the newest version of a device and type with one
// seek: just past the group's keys, then one step back.
func latestRecord(vb *bolt.Bucket, typ, device string) (key []byte, r record, found bool, err error) {
	prefix := groupPrefix(typ, device)
	c := vb.Cursor()
	k, v := seekLast(c, prefix)
	if k == nil || !bytes.HasPrefix(k, prefix) || len(k) != len(prefix)+8 {
		return nil, r, false, nil
	}
	r, ok := decodeRecord(v)
	if !ok {
		return nil, r, false, damagedf("version %x", k)
	}
	return bytes.Clone(k), r, true, nil
}

// seekLast puts c on the last key that starts with prefix, if there is
// one, and otherwise on the key before where it would be (or nil).
func seekLast(c *bolt.Cursor, prefix []byte) (k, v []byte) {
	if k, _ := c.Seek(after(prefix)); k == nil {
		return c.Last()
	}
	return c.Prev()
}
