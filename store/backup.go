package store

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"time"

	bolt "go.etcd.io/bbolt"
)

// Backup writes a consistent copy of the store to w. It runs in a read
// transaction, so other processes may go on reading meanwhile.
func (s *Store) Backup(ctx context.Context, w io.Writer) (int64, error) {
	var n int64
	err := s.View(ctx, func(t *Tx) error {
		var err error
		n, err = t.tx.WriteTo(w)
		return err
	})
	if err != nil {
		return n, fmt.Errorf("backup: %w", err)
	}
	return n, nil
}

func (s *Store) backupTo(ctx context.Context, path string) error {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o600)
	if err != nil {
		return err
	}
	_, err = s.Backup(ctx, f)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	return err
}

// BackupInfo describes a backup file.
type BackupInfo struct {
	Schema  int
	Created time.Time
	Counts  map[Kind]int
}

// Inspect checks that path is a vc store this vc can read and describes it.
func Inspect(path string) (BackupInfo, error) {
	info := BackupInfo{Counts: map[Kind]int{}}
	if _, err := os.Stat(path); err != nil {
		return info, fmt.Errorf("inspect %s: %w", path, err)
	}
	db, err := bolt.Open(path, 0o600, &bolt.Options{ReadOnly: true, Timeout: time.Second})
	if err != nil {
		return info, fmt.Errorf("%s: %w (%v)", path, ErrNotStore, err)
	}
	defer db.Close()
	err = db.View(func(tx *bolt.Tx) error {
		v, err := schemaVersion(tx)
		if err != nil {
			return err
		}
		if tx.Bucket(bucketMeta) == nil {
			return fmt.Errorf("%w: the file is empty", ErrNotStore)
		}
		if v > SchemaVersion {
			return fmt.Errorf("%w: the file has schema %d, this vc knows up to %d", ErrSchemaNewer, v, SchemaVersion)
		}
		info.Schema = v
		if raw := tx.Bucket(bucketMeta).Get(keyCreated); raw != nil {
			info.Created, _ = time.Parse(time.RFC3339Nano, string(raw))
		}
		for _, k := range Kinds {
			if b := tx.Bucket([]byte(k)); b != nil {
				info.Counts[k] = b.Stats().KeyN
			}
		}
		return nil
	})
	if err != nil {
		return info, fmt.Errorf("%s: %w", path, err)
	}
	return info, nil
}

// Restore replaces the store with the backup at path, after checking that
// it is a vc store of a schema this vc knows. If keep is not empty, the
// current store is saved there first. It holds the store's write lock while
// it swaps the files, so no other process sees half of either.
func (s *Store) Restore(ctx context.Context, path, keep string) (BackupInfo, error) {
	info, err := Inspect(path)
	if err != nil {
		return info, err
	}
	tmp, err := os.CreateTemp(s.dir, ".restore-*")
	if err != nil {
		return info, fmt.Errorf("restore: %w", err)
	}
	defer os.Remove(tmp.Name())
	if err := copyFile(tmp, path); err != nil {
		return info, fmt.Errorf("restore: copy %s: %w", path, err)
	}
	if err := os.Chmod(tmp.Name(), 0o600); err != nil {
		return info, fmt.Errorf("restore: %w", err)
	}
	if _, err := os.Stat(s.path); keep != "" && err == nil {
		if err := s.backupTo(ctx, keep); err != nil {
			return info, fmt.Errorf("restore: save the current store first: %w", err)
		}
	}
	db, err := s.open(ctx, false)
	if err != nil && !errors.Is(err, ErrNotStore) {
		return info, err
	}
	if err := os.Rename(tmp.Name(), s.path); err != nil {
		if db != nil {
			db.Close()
		}
		return info, fmt.Errorf("restore: replace %s: %w", s.path, err)
	}
	if db != nil {
		db.Close()
	}
	// Bring an older backup up to this vc's schema now, not at first use.
	if err := s.Update(ctx, func(*Tx) error { return nil }); err != nil {
		return info, fmt.Errorf("restore: migrate: %w", err)
	}
	return info, nil
}

func copyFile(dst *os.File, src string) error {
	in, err := os.Open(src)
	if err != nil {
		return err
	}
	defer in.Close()
	if _, err := io.Copy(dst, in); err != nil {
		dst.Close()
		return err
	}
	if err := dst.Sync(); err != nil {
		dst.Close()
		return err
	}
	if err := dst.Close(); err != nil {
		return err
	}
	// Make the rename that follows durable along with the data.
	d, err := os.Open(filepath.Dir(dst.Name()))
	if err != nil {
		return err
	}
	defer d.Close()
	return d.Sync()
}
