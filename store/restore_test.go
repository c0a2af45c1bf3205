package store

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"
)

// The tests below use two Store handles on one home. Each operation opens
// the file anew, and flock belongs to the open file, so the two handles
// lock each other out as two vc processes would.

func twoHandles(t *testing.T) (a, b *Store) {
	t.Helper()
	dir := t.TempDir()
	a, err := Open(dir, Options{})
	if err != nil {
		t.Fatal(err)
	}
	b, err = Open(dir, Options{})
	if err != nil {
		t.Fatal(err)
	}
	return a, b
}

func addDevice(t *testing.T, s *Store, name string) {
	t.Helper()
	update(t, s, func(tx *Tx) error {
		return Put(tx, &Device{Name: name, Address: "10.0.0.1", Port: 22, Status: "active"})
	})
}

func deviceNames(t *testing.T, s *Store) []string {
	t.Helper()
	var out []string
	err := s.View(context.Background(), func(tx *Tx) error {
		ds, err := List[Device](tx)
		for _, d := range ds {
			out = append(out, d.Name)
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// backupOf writes s to a file and returns its path.
func backupOf(t *testing.T, s *Store) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "pre.bak")
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if _, err := s.Backup(context.Background(), f); err != nil {
		t.Fatal(err)
	}
	return path
}

// TestRestoreDoesNotLoseBlockedOperations stops an operation of b after it
// has opened the store file and before it waits for the file's lock; a's
// restore then swaps the file. Once b gets its lock it must work on the
// restored file: a write must land there, a read must see it.
func TestRestoreDoesNotLoseBlockedOperations(t *testing.T) {
	ctx := context.Background()
	for _, tc := range []struct {
		name string
		op   func(b *Store) ([]string, error)
		want []string // devices b's operation leaves or sees
	}{
		{"write", func(b *Store) ([]string, error) {
			return nil, b.Update(ctx, func(tx *Tx) error {
				return Put(tx, &Device{Name: "late", Address: "10.0.0.9", Port: 22, Status: "active"})
			})
		}, []string{"before", "late"}},
		{"read", func(b *Store) ([]string, error) {
			var seen []string
			err := b.View(ctx, func(tx *Tx) error {
				ds, err := List[Device](tx)
				for _, d := range ds {
					seen = append(seen, d.Name)
				}
				return err
			})
			return seen, err
		}, []string{"before"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			a, b := twoHandles(t)
			addDevice(t, a, "before")
			bak := backupOf(t, a)
			addDevice(t, a, "after-backup")

			opened, swapped := make(chan struct{}), make(chan struct{})
			var once sync.Once
			b.hooks.opened = func() {
				once.Do(func() {
					close(opened)
					<-swapped
				})
			}
			a.hooks.swapped = func() { close(swapped) }

			type result struct {
				seen []string
				err  error
			}
			done := make(chan result, 1)
			go func() {
				seen, err := tc.op(b)
				done <- result{seen, err}
			}()
			<-opened
			keep := filepath.Join(a.Dir(), "vc.db.before-restore")
			if _, err := a.Restore(ctx, bak, keep); err != nil {
				t.Fatal(err)
			}
			r := <-done
			if r.err != nil {
				t.Fatal(r.err)
			}
			got := r.seen
			if got == nil {
				got = deviceNames(t, a)
			}
			if !slices.Equal(got, tc.want) {
				t.Errorf("devices %v, want %v", got, tc.want)
			}
		})
	}
}

// TestRestoreKeepsWhatWasWrittenBeforeIt: a write that commits while a
// restore prepares its copy, before the restore has the lock, is in the
// store the restore saves aside.
func TestRestoreKeepsWhatWasWrittenBeforeIt(t *testing.T) {
	ctx := context.Background()
	a, b := twoHandles(t)
	addDevice(t, a, "before")
	bak := backupOf(t, a)
	a.hooks.beforeLock = func() { addDevice(t, b, "late") }
	keep := filepath.Join(a.Dir(), "vc.db.before-restore")
	if _, err := a.Restore(ctx, bak, keep); err != nil {
		t.Fatal(err)
	}
	if got := deviceNames(t, a); !slices.Equal(got, []string{"before"}) {
		t.Errorf("restored devices %v, want [before]", got)
	}
	kept, err := Open(t.TempDir(), Options{})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := kept.Restore(ctx, keep, ""); err != nil {
		t.Fatal(err)
	}
	if got := deviceNames(t, kept); !slices.Equal(got, []string{"before", "late"}) {
		t.Errorf("kept devices %v, want [before late]", got)
	}
}

func restoreTemps(t *testing.T, dir string) []string {
	t.Helper()
	ents, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, e := range ents {
		if strings.HasPrefix(e.Name(), restoreTempPrefix) {
			out = append(out, e.Name())
		}
	}
	return out
}

// TestOpenRemovesAbandonedRestoreCopies: a restore killed before its
// rename leaves its copy of the backup in the home; the next Open removes
// it, but not the copy of a restore that is running now.
func TestOpenRemovesAbandonedRestoreCopies(t *testing.T) {
	if !canLock {
		t.Skip("no flock here: Open leaves restore copies alone")
	}
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, ".restore-1234567"), []byte("half a backup"), 0o600); err != nil {
		t.Fatal(err)
	}
	running, err := os.Create(filepath.Join(dir, ".restore-7654321"))
	if err != nil {
		t.Fatal(err)
	}
	defer running.Close()
	if ok, err := tryLock(running); !ok || err != nil {
		t.Fatalf("lock: %v %v", ok, err)
	}
	if _, err := Open(dir, Options{}); err != nil {
		t.Fatal(err)
	}
	if got := restoreTemps(t, dir); !slices.Equal(got, []string{".restore-7654321"}) {
		t.Errorf("left %v, want only the running restore's copy", got)
	}
}

// TestOpenDuringRestoreKeepsItsCopy: a vc that starts while a restore
// prepares its copy leaves the copy be, and the restore succeeds.
func TestOpenDuringRestoreKeepsItsCopy(t *testing.T) {
	ctx := context.Background()
	a, _ := twoHandles(t)
	addDevice(t, a, "before")
	bak := backupOf(t, a)
	addDevice(t, a, "after-backup")
	var during []string
	a.hooks.beforeLock = func() {
		if _, err := Open(a.Dir(), Options{}); err != nil {
			t.Error(err)
		}
		during = restoreTemps(t, a.Dir())
	}
	if _, err := a.Restore(ctx, bak, ""); err != nil {
		t.Fatal(err)
	}
	if len(during) != 1 {
		t.Errorf("restore copies during the restore: %v, want one", during)
	}
	if got := restoreTemps(t, a.Dir()); len(got) != 0 {
		t.Errorf("restore left %v", got)
	}
	if got := deviceNames(t, a); !slices.Equal(got, []string{"before"}) {
		t.Errorf("restored %v", got)
	}
}

// TestRestoreBusyLeavesNothing: a restore that cannot get the lock fails
// with ErrBusy and takes its copy away with it.
func TestRestoreBusyLeavesNothing(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	a, err := Open(dir, Options{LockTimeout: 20 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	b, err := Open(dir, Options{})
	if err != nil {
		t.Fatal(err)
	}
	addDevice(t, a, "before")
	bak := backupOf(t, a)
	holding, release, done := make(chan struct{}), make(chan struct{}), make(chan error)
	go func() {
		done <- b.Update(ctx, func(*Tx) error {
			close(holding)
			<-release
			return nil
		})
	}()
	<-holding
	_, err = a.Restore(ctx, bak, filepath.Join(dir, "keep"))
	close(release)
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	if !errors.Is(err, ErrBusy) {
		t.Fatalf("restore under a held lock: %v, want ErrBusy", err)
	}
	if got := restoreTemps(t, dir); len(got) != 0 {
		t.Errorf("restore left %v", got)
	}
}
