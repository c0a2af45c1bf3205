package store

import (
	"encoding/binary"
	"os"
	"path/filepath"

	bolt "go.etcd.io/bbolt"
)

// WriteSchemaForTest stamps the store file at path with schema version v,
// creating it if needed. Tests use it to stand in for a store written by
// another vc.
func WriteSchemaForTest(path string, v int) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return err
	}
	db, err := bolt.Open(path, 0o600, nil)
	if err != nil {
		return err
	}
	defer db.Close()
	return db.Update(func(tx *bolt.Tx) error {
		meta, err := tx.CreateBucketIfNotExists(bucketMeta)
		if err != nil {
			return err
		}
		return meta.Put(keySchema, binary.BigEndian.AppendUint64(nil, uint64(v)))
	})
}
