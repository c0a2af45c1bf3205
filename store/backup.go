package store

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
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
	tmp, err := createRestoreTemp(s.dir)
	if err != nil {
		return info, fmt.Errorf("restore: %w", err)
	}
	swapped := false
	defer func() {
		if !swapped {
			tmp.Close()
			os.Remove(tmp.Name())
		}
	}()
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
	swapped, err = s.swap(db, tmp.Name(), keep)
	if swapped {
		// The copy is the store now, and its lock would hold up those
		// waiting on the old file's, which go on to open it.
		tmp.Close()
	}
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

// swap saves the store db has locked to keep and renames tmp over it. It
// reports whether it renamed.
func (s *Store) swap(db *bolt.DB, tmp, keep string) (bool, error) {
	if keep != "" {
		if err := saveCopy(db, keep); err != nil {
			return false, fmt.Errorf("restore: save the current store first: %w", err)
		}
	}
	if err := os.Rename(tmp, s.path); err != nil {
		return false, fmt.Errorf("restore: replace %s: %w", s.path, err)
	}
	if s.hooks.swapped != nil {
		s.hooks.swapped()
	}
	// The rename is only durable once the directory is.
	if err := syncDir(s.dir); err != nil {
		return true, fmt.Errorf("restore: %w", err)
	}
	return true, nil
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

// copyFile copies src into dst, to disk, and leaves dst open.
func copyFile(dst *os.File, src string) error {
	in, err := os.Open(src)
	if err != nil {
		return err
	}
	defer in.Close()
	if _, err := io.Copy(dst, in); err != nil {
		return err
	}
	if err := dst.Chmod(0o600); err != nil {
		return err
	}
	return dst.Sync()
}

// restoreTempPrefix starts the name of a restore's copy of its backup.
const restoreTempPrefix = ".restore-"

// createRestoreTemp makes the file a restore copies its backup into, in the
// home, so that the rename that puts it in place is atomic. The copy may be
// as big as the store, and a restore killed before the rename leaves it
// behind; the restore holds the copy's lock until then, so that Open can
// tell an abandoned copy (unlocked) from one in use (see
// removeAbandonedTemps).
func createRestoreTemp(dir string) (*os.File, error) {
	for range 10 {
		f, err := os.CreateTemp(dir, restoreTempPrefix+"*")
		if err != nil {
			return nil, err
		}
		if !canLock {
			return f, nil
		}
		locked, err := tryLock(f)
		if err != nil {
			f.Close()
			os.Remove(f.Name())
			return nil, fmt.Errorf("lock %s: %w", f.Name(), err)
		}
		// Between the create and the lock, an Open elsewhere may have
		// taken the new file for abandoned: it holds the lock, or has
		// removed the file already. Leave it that one and start again.
		if locked {
			live, err := isLive(f, f.Name())
			if err != nil {
				f.Close()
				return nil, err
			}
			if live {
				return f, nil
			}
		}
		f.Close()
	}
	return nil, fmt.Errorf("could not keep a copy in %s: something removes new files there", dir)
}

// removeAbandonedTemps removes the copies left by restores that were killed
// before they finished. It never takes the copy of a restore under way:
// that restore holds its lock. What it cannot remove it leaves.
func removeAbandonedTemps(dir string) {
	if !canLock {
		return
	}
	ents, err := os.ReadDir(dir)
	if err != nil {
		return
	}
	for _, e := range ents {
		if !strings.HasPrefix(e.Name(), restoreTempPrefix) || !e.Type().IsRegular() {
			continue
		}
		name := filepath.Join(dir, e.Name())
		f, err := os.Open(name)
		if err != nil {
			continue
		}
		// The lock is not enough: the restore may have renamed the file
		// into place and let go of it since we opened it.
		if locked, _ := tryLock(f); locked {
			if live, _ := isLive(f, name); live {
				os.Remove(name)
			}
		}
		f.Close()
	}
}

func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer d.Close()
	return d.Sync()
}
