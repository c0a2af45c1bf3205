package capture

import (
	"bytes"
	"fmt"
	"time"

	"vc/store"
)

// Pruned says what Prune removed.
type Pruned struct {
	Versions int
	Blobs    int
	// Bytes counts the keys and values removed. The store file does not
	// shrink: bbolt reuses the freed pages for what is written next.
	Bytes int64
}

// Prune removes the versions last seen before a time, except the latest
// version of every device and type, which stays whatever its age, and
// then the blobs no version refers to any more.
func Prune(tx *store.Tx, before time.Time) (Pruned, error) {
	var res Pruned
	vb := tx.Bucket(store.BucketVersions)
	blobs := tx.Bucket(store.BucketBlobs)
	hashes := tx.Bucket(store.BucketBlobHash)
	limit := nanos(before)

	// Read first, delete after: deleting under a moving cursor can skip
	// the key that follows.
	var drop [][]byte
	keep := map[uint64]bool{}
	c := vb.Cursor()
	k, v := c.Seek([]byte{versionKeyMin})
	for k != nil {
		nk, nv := c.Next()
		r, ok := decodeRecord(v)
		if !ok {
			return res, damagedf("version key %x", k)
		}
		// The last key of a group is its latest version; the latest is
		// the only one the last-seen table may speak for, so the record's
		// own last-seen is the truth for every version dropped here.
		latest := nk == nil || !bytes.Equal(nk[:max(0, len(nk)-8)], k[:len(k)-8])
		if !latest && r.lastSeen < limit {
			drop = append(drop, bytes.Clone(k))
			res.Bytes += int64(len(k) + len(v))
		} else {
			keep[r.blob] = true
		}
		k, v = nk, nv
	}
	for _, k := range drop {
		_, _, id, _ := splitKey(k)
		if err := vb.Delete(k); err != nil {
			return res, err
		}
		ik := indexKey(id)
		res.Bytes += int64(len(ik) + len(k))
		if err := vb.Delete(ik); err != nil {
			return res, err
		}
		res.Versions++
	}

	var orphans, orphanHashes [][]byte
	bc := blobs.Cursor()
	for k, v := bc.First(); k != nil; k, v = bc.Next() {
		if len(k) != 8 {
			return res, damagedf("blob key %x", k)
		}
		if keep[beUint64(k)] {
			continue
		}
		orphans = append(orphans, bytes.Clone(k))
		res.Bytes += int64(len(k) + len(v))
		// Only the hash entry that points at this blob goes.
		if h, ok := blobHash(v); ok && bytes.Equal(hashes.Get(h), k) {
			orphanHashes = append(orphanHashes, bytes.Clone(h))
			res.Bytes += int64(len(h) + len(k))
		}
	}
	for _, k := range orphans {
		if err := blobs.Delete(k); err != nil {
			return res, fmt.Errorf("capture prune: %w", err)
		}
		res.Blobs++
	}
	for _, h := range orphanHashes {
		if err := hashes.Delete(h); err != nil {
			return res, fmt.Errorf("capture prune: %w", err)
		}
	}
	return res, nil
}
