package capture

import (
	"bytes"
	"cmp"
	"context"
	"fmt"
	"slices"
	"time"

	"vc/store"
)

// Change is a new version of a device's output.
type Change struct {
	Device, Type string
	// Version is the new version, Previous the one it followed (zero when
	// it is the first capture of the device and type).
	Version, Previous uint64
	// When is when the new version was first seen, by Run.
	When time.Time
	Run  uint64
	// Added and Removed count lines against the previous version, both
	// normalized, so churn does not count; a first capture adds all its
	// lines.
	Added, Removed int
}

// Changes are the versions first seen at or after since, oldest first,
// for one capture type or every type when typ is "". The versions are
// found in one short transaction; their contents are compared after it,
// on every CPU.
func Changes(ctx context.Context, s *store.Store, since time.Time, typ string) ([]Change, error) {
	if typ != "" {
		if err := ValidType(typ); err != nil {
			return nil, err
		}
	}
	type pair struct {
		c        Change
		platform string
		new, old uint64 // blob ids; old is zero for a first capture
	}
	var pairs []pair
	packed := map[uint64][]byte{}
	err := s.View(ctx, func(tx *store.Tx) error {
		blobs := tx.Bucket(store.BucketBlobs)
		c := tx.Bucket(store.BucketVersions).Cursor()
		within := typePrefix(typ)
		start := within
		if typ == "" {
			within, start = nil, []byte{versionKeyMin}
		}
		// The versions of a device follow each other in key order, so the
		// one before a new version is the previous key of the same group.
		var prevKey []byte
		var prev record
		for k, v := c.Seek(start); k != nil && bytes.HasPrefix(k, within); k, v = c.Next() {
			r, ok := decodeRecord(v)
			t, d, id, kok := splitKey(k)
			if !ok || !kok {
				return damagedf("version key %x", k)
			}
			same := prevKey != nil && bytes.Equal(prevKey[:len(prevKey)-8], k[:len(k)-8])
			if fromNanos(r.firstSeen).Compare(since) >= 0 {
				p := pair{c: Change{Device: d, Type: t, Version: id, When: fromNanos(r.firstSeen), Run: r.firstRun},
					platform: r.platform, new: r.blob}
				if same {
					_, _, p.c.Previous, _ = splitKey(prevKey)
					p.old = prev.blob
				}
				for _, b := range []uint64{p.new, p.old} {
					if _, ok := packed[b]; b != 0 && !ok {
						raw, err := blobCopy(blobs, b)
						if err != nil {
							return err
						}
						packed[b] = raw
					}
				}
				pairs = append(pairs, p)
			}
			prevKey, prev = bytes.Clone(k), r
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("capture changes: %w", err)
	}
	errs := make([]error, len(pairs))
	parallel(len(pairs), 0, func(i int) {
		p := &pairs[i]
		newText, err := unpackBlob(p.new, packed[p.new])
		if err != nil {
			errs[i] = err
			return
		}
		oldText := ""
		if p.old != 0 {
			if oldText, err = unpackBlob(p.old, packed[p.old]); err != nil {
				errs[i] = err
				return
			}
		}
		p.c.Added, p.c.Removed = lineCounts(Normalize(p.platform, oldText), Normalize(p.platform, newText))
	})
	out := make([]Change, len(pairs))
	for i := range pairs {
		if errs[i] != nil {
			return nil, fmt.Errorf("capture changes: %w", errs[i])
		}
		out[i] = pairs[i].c
	}
	slices.SortStableFunc(out, func(a, b Change) int {
		if c := a.When.Compare(b.When); c != 0 {
			return c
		}
		return cmp.Compare(a.Version, b.Version)
	})
	return out, nil
}
