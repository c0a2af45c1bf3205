package store

import (
	"context"
	"fmt"
	"io"
	"os"
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
// current store is saved there first. Saving and swapping happen under the
// store's write lock: a write that committed before is in keep, and one
// that was waiting for the lock finds the new file (see open), so no write
// that reported success is lost.
func (s *Store) Restore(ctx context.Context, path, keep string) (BackupInfo, error) {
	info, err := Inspect(path)
	if err != nil {
		return info, err
	}
	tmp, err := os.CreateTemp(s.dir, ".restore-*")
	if err != nil {
		return info, fmt.Errorf("restore: %w", err)
	}
	// Once renamed into place the name is gone and this does nothing.
	defer os.Remove(tmp.Name())
	if err := copyFile(tmp, path); err != nil {
		return info, fmt.Errorf("restore: copy %s: %w", path, err)
	}
	if s.hooks.beforeLock != nil {
		s.hooks.beforeLock()
	}
	db, err := s.open(ctx, false)
	if err != nil {
		return info, fmt.Errorf("restore: %w", err)
	}
	err = s.swap(db, tmp.Name(), keep)
	if cerr := db.Close(); err == nil && cerr != nil {
		err = fmt.Errorf("restore: close %s: %w", s.path, cerr)
	}
	if err != nil {
		return info, err
	}
	// Bring an older backup up to this vc's schema now, not at first use.
	if err := s.Update(ctx, func(*Tx) error { return nil }); err != nil {
		return info, fmt.Errorf("restore: migrate: %w", err)
	}
	return info, nil
}

// swap saves the store db has locked to keep and renames tmp over it.
func (s *Store) swap(db *bolt.DB, tmp, keep string) error {
	if keep != "" {
		if err := saveCopy(db, keep); err != nil {
			return fmt.Errorf("restore: save the current store first: %w", err)
		}
	}
	if err := os.Rename(tmp, s.path); err != nil {
		return fmt.Errorf("restore: replace %s: %w", s.path, err)
	}
	// The rename is only durable once the directory is.
	if err := syncDir(s.dir); err != nil {
		return fmt.Errorf("restore: %w", err)
	}
	if s.hooks.swapped != nil {
		s.hooks.swapped()
	}
	return nil
}

// saveCopy writes what db holds to path, unless it holds nothing: open
// made the file just now, and there was no store to save.
func saveCopy(db *bolt.DB, path string) error {
	return db.View(func(tx *bolt.Tx) error {
		if first, _ := tx.Cursor().First(); first == nil {
			return nil
		}
		f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o600)
		if err != nil {
			return err
		}
		_, err = tx.WriteTo(f)
		if err == nil {
			err = f.Chmod(0o600)
		}
		// The copy must be on disk before the store it saves is replaced.
		if err == nil {
			err = f.Sync()
		}
		if cerr := f.Close(); err == nil {
			err = cerr
		}
		return err
	})
}

func copyFile(dst *os.File, src string) error {
	in, err := os.Open(src)
	if err != nil {
		dst.Close()
		return err
	}
	defer in.Close()
	_, err = io.Copy(dst, in)
	if err == nil {
		err = dst.Chmod(0o600)
	}
	if err == nil {
		err = dst.Sync()
	}
	if cerr := dst.Close(); err == nil {
		err = cerr
	}
	return err
}

func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer d.Close()
	return d.Sync()
}
