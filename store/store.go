// Package store keeps everything vc persists in one bbolt file,
// $VC_HOME/vc.db. No handle stays open between operations: every View or
// Update opens the file, runs one transaction and closes it again, so a REPL
// left open in one terminal never blocks a script in another.
package store

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"

	bolt "go.etcd.io/bbolt"
	berrors "go.etcd.io/bbolt/errors"
)

// FileName is the store's file inside the vc home directory.
const FileName = "vc.db"

// DefaultLockTimeout bounds how long an operation waits for another process
// to release the file.
const DefaultLockTimeout = 5 * time.Second

// LockTimeoutEnv is the environment variable that sets Options.LockTimeout.
const LockTimeoutEnv = "VC_LOCK_TIMEOUT"

// ParseLockTimeout reads the value of VC_LOCK_TIMEOUT: a Go duration above
// zero, such as 10s, 500ms or 1m30s; empty (unset) is DefaultLockTimeout.
// A bare number is refused rather than guessed at: 1 could be meant as a
// second or a millisecond, and a wrong guess shows only as a wait too
// short or too long. The error is ErrInvalid and names the variable.
func ParseLockTimeout(s string) (time.Duration, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return DefaultLockTimeout, nil
	}
	if _, err := strconv.ParseFloat(s, 64); err == nil {
		if _, err := time.ParseDuration(s + "s"); err == nil {
			return 0, invalidf("%s=%s has no unit; write %ss if you mean seconds (units: ms, s, m, h)", LockTimeoutEnv, Quote(s), s)
		}
		return 0, invalidf("%s=%s has no unit; give a duration such as 10s, 500ms or 2m", LockTimeoutEnv, Quote(s))
	}
	d, err := time.ParseDuration(s)
	if err != nil {
		return 0, invalidf("%s=%s is not a duration; give a number and a unit, such as 10s, 500ms or 2m", LockTimeoutEnv, Quote(s))
	}
	if d <= 0 {
		return 0, invalidf("%s=%s must be more than zero; unset it for the default of %s", LockTimeoutEnv, Quote(s), DefaultLockTimeout)
	}
	return d, nil
}

// Store is a handle on the store file; it holds no open file.
type Store struct {
	dir         string
	path        string
	lockTimeout time.Duration
	now         func() time.Time
	known       []string
	hooks       hooks
}

// hooks stop an operation where another process could come between its
// steps, so tests can put one there.
type hooks struct {
	// opened runs when the store file is open and its lock not yet taken.
	opened func()
	// beforeLock runs when a restore has its copy ready and is about to
	// take the lock.
	beforeLock func()
	// swapped runs when a restore has put the new file in place and still
	// holds the old file's lock.
	swapped func()
}

// Options tune Open.
type Options struct {
	// LockTimeout bounds the wait for another process's lock; zero means
	// DefaultLockTimeout.
	LockTimeout time.Duration
	// Now overrides the clock, for tests.
	Now func() time.Time
	// KnownPlatforms lists the platforms vc has a driver for; the console
	// passes engine.PlatformNames(), which the store cannot import. A
	// device may name a platform the store does not have yet only if it
	// is one of these (see Tx.CheckImpliedPlatform); nil lets it name any.
	KnownPlatforms []string
}

// Open prepares the vc home directory (mode 0700) and returns a handle on
// the store inside it. The file itself is created by the first operation.
func Open(dir string, o Options) (*Store, error) {
	if dir == "" {
		return nil, fmt.Errorf("store: no home directory given")
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, fmt.Errorf("store: create home %s: %w", dir, err)
	}
	// The home holds the vault's ciphertext and the history: it is nobody
	// else's business, even if it was created by hand.
	if err := os.Chmod(dir, 0o700); err != nil {
		return nil, fmt.Errorf("store: restrict home %s: %w", dir, err)
	}
	removeAbandonedTemps(dir)
	s := &Store{dir: dir, path: filepath.Join(dir, FileName), lockTimeout: o.LockTimeout, now: o.Now, known: slices.Clone(o.KnownPlatforms)}
	if s.lockTimeout <= 0 {
		s.lockTimeout = DefaultLockTimeout
	}
	if s.now == nil {
		s.now = time.Now
	}
	return s, nil
}

// Path is the store file's path.
func (s *Store) Path() string { return s.path }

// Dir is the vc home directory.
func (s *Store) Dir() string { return s.dir }

// View runs fn in a read-only transaction. Several processes may view at
// once; a writer waits for them.
func (s *Store) View(ctx context.Context, fn func(*Tx) error) error {
	if _, err := os.Stat(s.path); errors.Is(err, fs.ErrNotExist) {
		// A read-only open cannot create the file; make it first.
		if err := s.Update(ctx, func(*Tx) error { return nil }); err != nil {
			return err
		}
	}
	for attempt := 0; ; attempt++ {
		db, err := s.open(ctx, true)
		if err != nil {
			return err
		}
		err = db.View(func(btx *bolt.Tx) error {
			v, err := schemaVersion(btx)
			if err != nil {
				return err
			}
			if v != SchemaVersion {
				return errNeedsMigration
			}
			return fn(&Tx{tx: btx, now: s.now(), known: s.known})
		})
		cerr := db.Close()
		if errors.Is(err, errNeedsMigration) && attempt == 0 {
			if err := s.Update(ctx, func(*Tx) error { return nil }); err != nil {
				return err
			}
			continue
		}
		if err != nil {
			return err
		}
		if cerr != nil {
			return fmt.Errorf("store: close %s: %w", s.path, cerr)
		}
		return nil
	}
}

// Update runs fn in a read-write transaction, migrating the schema first
// if the file is older than this vc. Nothing fn did persists if it returns
// an error.
func (s *Store) Update(ctx context.Context, fn func(*Tx) error) error {
	db, err := s.open(ctx, false)
	if err != nil {
		return err
	}
	err = db.Update(func(btx *bolt.Tx) error {
		if err := migrate(btx, s.now()); err != nil {
			return err
		}
		tx := &Tx{tx: btx, now: s.now(), writable: true, known: s.known}
		if err := fn(tx); err != nil {
			return err
		}
		if tx.changed {
			return bumpGeneration(btx)
		}
		return nil
	})
	if cerr := db.Close(); err == nil && cerr != nil {
		err = fmt.Errorf("store: close %s: %w", s.path, cerr)
	}
	return err
}

var errNeedsMigration = errors.New("store needs migration")

// open opens the store file and takes its lock: shared to read, exclusive
// to write. bbolt opens the file by name and then waits for the lock; if a
// restore renamed another file over the path meanwhile, the lock it gets
// is that of a file nobody will see again, and what it wrote there would
// be lost. So once locked, open checks that the file is still the one at
// the path, and starts again on the new one if not. A restore swaps files
// only while it holds the exclusive lock of the live one, so a file found
// live under a lock stays live until the lock goes.
func (s *Store) open(ctx context.Context, readOnly bool) (*bolt.DB, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	wait := s.lockTimeout
	if dl, ok := ctx.Deadline(); ok {
		wait = min(wait, time.Until(dl))
	}
	wait = max(wait, time.Millisecond)
	deadline := time.Now().Add(wait)
	for {
		var f *os.File
		openFile := func(name string, flag int, perm os.FileMode) (*os.File, error) {
			var err error
			f, err = os.OpenFile(name, flag, perm)
			if err == nil && s.hooks.opened != nil {
				s.hooks.opened()
			}
			return f, err
		}
		// bbolt treats a zero timeout as "wait forever".
		timeout := max(time.Until(deadline), time.Millisecond)
		db, err := bolt.Open(s.path, 0o600, &bolt.Options{Timeout: timeout, ReadOnly: readOnly, OpenFile: openFile})
		if errors.Is(err, berrors.ErrTimeout) {
			return nil, fmt.Errorf("%w: another vc process held %s for %s; try again when it finishes (%s raises the wait)", ErrBusy, s.path, wait.Round(time.Millisecond), LockTimeoutEnv)
		}
		if err != nil {
			return nil, fmt.Errorf("store: open %s: %w", s.path, err)
		}
		live, err := isLive(f, s.path)
		if err != nil {
			db.Close()
			return nil, fmt.Errorf("store: open %s: %w", s.path, err)
		}
		if !live {
			db.Close()
			if err := ctx.Err(); err != nil {
				return nil, err
			}
			if time.Now().After(deadline) {
				return nil, fmt.Errorf("%w: %s was replaced again and again for %s; try again when the restores finish", ErrBusy, s.path, wait.Round(time.Millisecond))
			}
			continue
		}
		if !readOnly {
			if err := os.Chmod(s.path, 0o600); err != nil {
				db.Close()
				return nil, fmt.Errorf("store: restrict %s: %w", s.path, err)
			}
		}
		return db, nil
	}
}

// isLive reports whether f is the file now at path. An open file keeps its
// inode from being reused, so equal identities mean the same file.
func isLive(f *os.File, path string) (bool, error) {
	fi, err := f.Stat()
	if err != nil {
		return false, err
	}
	pi, err := os.Stat(path)
	if errors.Is(err, fs.ErrNotExist) {
		return false, nil
	}
	if err != nil {
		return false, err
	}
	return os.SameFile(fi, pi), nil
}

// Usage is how much room the store takes.
type Usage struct {
	// File is the file's size; InUse the bytes its records and the
	// structure holding them take (the rest is room bbolt freed, or
	// grew ahead, and will fill).
	File, InUse int64
}

// Usage measures the store. It walks every bucket's pages, so it costs
// a read of the file's structure: a command asks for it, runs do not.
func (s *Store) Usage(ctx context.Context) (Usage, error) {
	var u Usage
	err := s.View(ctx, func(t *Tx) error {
		u.File = t.tx.Size()
		return t.tx.ForEach(func(_ []byte, b *bolt.Bucket) error {
			st := b.Stats()
			u.InUse += int64(st.LeafInuse + st.BranchInuse)
			return nil
		})
	})
	return u, err
}
