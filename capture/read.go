package capture

import (
	"bytes"
	"encoding/hex"
	"fmt"
	"slices"
	"time"

	bolt "go.etcd.io/bbolt"

	"vc/store"
)

// Latest is the newest version of device's output for a capture type, or
// ErrNotFound.
func Latest(tx *store.Tx, typ, device string) (Version, error) {
	vb := tx.Bucket(store.BucketVersions)
	k, r, found, err := latestRecord(vb, typ, device)
	if err != nil {
		return Version{}, err
	}
	if !found {
		return Version{}, fmt.Errorf("%s of %s: %w", typ, device, ErrNotFound)
	}
	_, _, id, _ := splitKey(k)
	v := r.version(typ, device, id)
	return v, newSeenTables(vb).apply(&v)
}

// Versions are every version of device's output for a capture type, newest
// first; none is ErrNotFound.
func Versions(tx *store.Tx, typ, device string) ([]Version, error) {
	vb := tx.Bucket(store.BucketVersions)
	prefix := groupPrefix(typ, device)
	var out []Version
	c := vb.Cursor()
	for k, v := c.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix); k, v = c.Next() {
		x, err := decodeVersion(k, v)
		if err != nil {
			return nil, err
		}
		out = append(out, x)
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("%s of %s: %w", typ, device, ErrNotFound)
	}
	slices.Reverse(out)
	return out, newSeenTables(vb).apply(&out[0])
}

// LatestAll is the latest version of every device for a capture type, or
// for every type when typ is "", ordered by type and device. The caller
// picks the devices it wants (captures EXPR).
func LatestAll(tx *store.Tx, typ string) ([]Version, error) {
	vb := tx.Bucket(store.BucketVersions)
	seen := newSeenTables(vb)
	var out []Version
	err := eachLatest(vb, typ, func(k, v []byte) error {
		x, err := decodeVersion(k, v)
		if err != nil {
			return err
		}
		if err := seen.apply(&x); err != nil {
			return err
		}
		out = append(out, x)
		return nil
	})
	return out, err
}

// eachLatest calls fn with the key and value of the newest version of each
// device of a type (every type when typ is ""), jumping from device to
// device rather than reading every version.
func eachLatest(vb *bolt.Bucket, typ string, fn func(k, v []byte) error) error {
	var within []byte
	start := []byte{versionKeyMin}
	if typ != "" {
		within = typePrefix(typ)
		start = within
	}
	c := vb.Cursor()
	k, _ := c.Seek(start)
	for k != nil && bytes.HasPrefix(k, within) {
		t, d, _, ok := splitKey(k)
		if !ok {
			return damagedf("version key %x", k)
		}
		// Just past this device's versions; one step back is its newest,
		// and one step on from there the next device's oldest.
		lk, lv := seekLast(c, groupPrefix(t, d))
		if err := fn(lk, lv); err != nil {
			return err
		}
		k, _ = c.Next()
	}
	return nil
}

// At is the version of device's output for a capture type that was the
// latest at t: the newest first seen at or before it. ErrNotFound when the
// first capture came later.
func At(tx *store.Tx, typ, device string, t time.Time) (Version, error) {
	vb := tx.Bucket(store.BucketVersions)
	prefix := groupPrefix(typ, device)
	c := vb.Cursor()
	k, v := seekLast(c, prefix)
	for latest := true; k != nil && bytes.HasPrefix(k, prefix); k, v = c.Prev() {
		x, err := decodeVersion(k, v)
		if err != nil {
			return Version{}, err
		}
		if !x.FirstSeen.After(t) {
			if latest {
				err = newSeenTables(vb).apply(&x)
			}
			return x, err
		}
		latest = false
	}
	return Version{}, fmt.Errorf("%s of %s at %s: %w", typ, device, t.UTC().Format(time.RFC3339), ErrNotFound)
}

// ByID is the version numbered id, or ErrNotFound.
func ByID(tx *store.Tx, id uint64) (Version, error) {
	vb := tx.Bucket(store.BucketVersions)
	k := vb.Get(indexKey(id))
	if k == nil {
		return Version{}, fmt.Errorf("version %d: %w", id, ErrNotFound)
	}
	v := vb.Get(k)
	if v == nil {
		return Version{}, damagedf("version %d: index points at nothing", id)
	}
	x, err := decodeVersion(k, v)
	if err != nil {
		return Version{}, err
	}
	return x, newSeenTables(vb).apply(&x)
}

// Types are the capture types that have versions, in order.
func Types(tx *store.Tx) ([]string, error) {
	c := tx.Bucket(store.BucketVersions).Cursor()
	var out []string
	for k, _ := c.Seek([]byte{versionKeyMin}); k != nil; {
		i := bytes.IndexByte(k, keySep)
		if i <= 0 {
			return nil, damagedf("version key %x", k)
		}
		out = append(out, string(k[:i]))
		k, _ = c.Seek(after(k[:i+1]))
	}
	return out, nil
}

// Text is the content of a version.
func Text(tx *store.Tx, v Version) (string, error) {
	return blobText(tx.Bucket(store.BucketBlobs), v.Blob)
}

// TextByHash is the content stored under its SHA-256 (hex), as
// Stored.Hash and Version.Hash name it, or ErrNotFound.
func TextByHash(tx *store.Tx, hash string) (string, error) {
	sum, err := hex.DecodeString(hash)
	if err != nil || len(sum) != 32 {
		return "", fmt.Errorf("capture %q: %w", hash, ErrNotFound)
	}
	id := tx.Bucket(store.BucketBlobHash).Get(sum)
	if len(id) != 8 {
		return "", fmt.Errorf("capture %s: %w", hash, ErrNotFound)
	}
	return blobText(tx.Bucket(store.BucketBlobs), beUint64(id))
}

func blobText(blobs *bolt.Bucket, id uint64) (string, error) {
	v := blobs.Get(u64(id))
	if v == nil {
		return "", damagedf("blob %d is missing", id)
	}
	return unpackBlob(id, v)
}

// blobCopy is a blob's stored value, copied out of the transaction so it
// can be decompressed after it ends.
func blobCopy(blobs *bolt.Bucket, id uint64) ([]byte, error) {
	v := blobs.Get(u64(id))
	if v == nil {
		return nil, damagedf("blob %d is missing", id)
	}
	return bytes.Clone(v), nil
}

func decodeVersion(k, v []byte) (Version, error) {
	t, d, id, ok := splitKey(k)
	if !ok {
		return Version{}, damagedf("version key %x", k)
	}
	r, ok := decodeRecord(v)
	if !ok {
		return Version{}, damagedf("version %d (%s of %s)", id, t, d)
	}
	return r.version(t, d, id), nil
}
