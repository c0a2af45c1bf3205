package store

import (
	"encoding/binary"
	"fmt"
	"time"

	bolt "go.etcd.io/bbolt"
)

// SchemaVersion is the newest schema this vc knows; a test holds it equal to
// len(migrations).
const SchemaVersion = 4

var (
	bucketMeta = []byte("meta")
	keySchema  = []byte("schema")
	keyGen     = []byte("generation")
	keyCreated = []byte("created")
)

// migrations[i] takes a store from schema i to schema i+1. They run in
// order, inside the transaction of the operation that found the store old,
// so a crash leaves either the old schema or the new one.
var migrations = []func(tx *bolt.Tx, now time.Time) error{
	migrateInventory,
	migrateVault,
	migrateRuns,
	migrateJobs,
}

func schemaVersion(tx *bolt.Tx) (int, error) {
	meta := tx.Bucket(bucketMeta)
	if meta == nil {
		empty := true
		_ = tx.ForEach(func([]byte, *bolt.Bucket) error { empty = false; return nil })
		if empty {
			return 0, nil
		}
		return 0, fmt.Errorf("%w: it has data but no schema record", ErrNotStore)
	}
	raw := meta.Get(keySchema)
	if len(raw) != 8 {
		return 0, fmt.Errorf("%w: its schema record is damaged", ErrNotStore)
	}
	return int(binary.BigEndian.Uint64(raw)), nil
}

func migrate(tx *bolt.Tx, now time.Time) error {
	v, err := schemaVersion(tx)
	if err != nil {
		return err
	}
	if v > SchemaVersion {
		return fmt.Errorf("%w: the file has schema %d, this vc knows up to %d; use a newer vc, or restore a backup made by this one", ErrSchemaNewer, v, SchemaVersion)
	}
	if v == SchemaVersion {
		return nil
	}
	meta, err := tx.CreateBucketIfNotExists(bucketMeta)
	if err != nil {
		return fmt.Errorf("store: create meta: %w", err)
	}
	if meta.Get(keyCreated) == nil {
		if err := meta.Put(keyCreated, []byte(now.UTC().Format(time.RFC3339Nano))); err != nil {
			return err
		}
	}
	for i := v; i < SchemaVersion; i++ {
		if err := migrations[i](tx, now); err != nil {
			return fmt.Errorf("store: migrate schema %d to %d: %w", i, i+1, err)
		}
	}
	return meta.Put(keySchema, binary.BigEndian.AppendUint64(nil, uint64(SchemaVersion)))
}

// bumpGeneration counts committed changes, so a session can tell whether
// what it cached from the store is still current.
func bumpGeneration(tx *bolt.Tx) error {
	meta := tx.Bucket(bucketMeta)
	var g uint64
	if raw := meta.Get(keyGen); len(raw) == 8 {
		g = binary.BigEndian.Uint64(raw)
	}
	return meta.Put(keyGen, binary.BigEndian.AppendUint64(nil, g+1))
}

// migrateInventory creates the inventory buckets and seeds the vendors and
// platforms vc has drivers for, so a new user can add devices at once.
func migrateInventory(tx *bolt.Tx, now time.Time) error {
	for _, k := range []Kind{KindVendor, KindPlatform, KindSite, KindRole, KindDevice} {
		if _, err := tx.CreateBucketIfNotExists([]byte(k)); err != nil {
			return err
		}
	}
	t := &Tx{tx: tx, now: now, writable: true}
	for _, v := range defaultVendors {
		if err := Put(t, v); err != nil {
			return err
		}
	}
	for _, p := range defaultPlatforms {
		if err := Put(t, p); err != nil {
			return err
		}
	}
	return nil
}

// Buckets of the vault and credentials (schema 2).
var (
	bucketVault      = []byte("vault")
	bucketCred       = []byte("cred")
	bucketCredResult = []byte("credresult")
)

// migrateVault creates the buckets of the vault header, the credentials
// and what each device taught vc about them.
func migrateVault(tx *bolt.Tx, _ time.Time) error {
	for _, b := range [][]byte{bucketVault, bucketCred, bucketCredResult} {
		if _, err := tx.CreateBucketIfNotExists(b); err != nil {
			return err
		}
	}
	return nil
}

// Buckets of runs and captures (schema 3). Their contents belong to the
// history and capture packages, which reach them through Tx.Bucket.
var runBuckets = []string{
	BucketRuns, BucketRunDevices, BucketRunning,
	BucketBlobs, BucketBlobHash, BucketVersions,
}

// The buckets of schema 3.
const (
	BucketRuns       = "runs"     // run id -> the run's header
	BucketRunDevices = "rundevs"  // run id -> its devices' results
	BucketRunning    = "running"  // run id -> its owner, while it runs
	BucketBlobs      = "blobs"    // blob id -> an output, compressed
	BucketBlobHash   = "blobhash" // content hash -> blob id
	BucketVersions   = "versions" // type, device, version -> a capture version
)

// migrateRuns creates the buckets of the run history and the captures.
func migrateRuns(tx *bolt.Tx, _ time.Time) error {
	for _, b := range runBuckets {
		if _, err := tx.CreateBucketIfNotExists([]byte(b)); err != nil {
			return err
		}
	}
	return nil
}

// The buckets of schema 4: saved jobs, schedules and the daemon's state.
const (
	BucketJobs      = "jobs"      // job slug -> the job
	BucketSchedules = "schedules" // schedule id -> the schedule
	BucketDaemon    = "daemon"    // the daemon's heartbeat and what it runs
	BucketNetBox    = "netbox"    // NetBox platform mappings and sync state
)

// migrateJobs creates the buckets of jobs, schedules, the daemon and
// NetBox sync.
func migrateJobs(tx *bolt.Tx, _ time.Time) error {
	for _, b := range []string{BucketJobs, BucketSchedules, BucketDaemon, BucketNetBox} {
		if _, err := tx.CreateBucketIfNotExists([]byte(b)); err != nil {
			return err
		}
	}
	return nil
}

var defaultVendors = []*Vendor{
	{Name: "arista", Description: "Arista Networks"},
	{Name: "cisco", Description: "Cisco Systems"},
	{Name: "juniper", Description: "Juniper Networks"},
	{Name: "linux", Description: "Linux hosts"},
}

var defaultPlatforms = []*Platform{
	{Name: "arista_eos", Vendor: "arista", Paging: "terminal length 0", Description: "Arista EOS"},
	{Name: "cisco_ios", Vendor: "cisco", Paging: "terminal length 0", Description: "Cisco IOS and IOS-XE"},
	{Name: "cisco_nxos", Vendor: "cisco", Paging: "terminal length 0", Description: "Cisco NX-OS"},
	{Name: "cisco_xr", Vendor: "cisco", Paging: "terminal length 0", Description: "Cisco IOS XR"},
	{Name: "juniper_junos", Vendor: "juniper", Paging: "set cli screen-length 0", Description: "Juniper Junos"},
	{Name: "linux", Vendor: "linux", Description: "Linux shell"},
}
