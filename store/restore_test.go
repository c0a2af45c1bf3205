package store

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"sync"
	"testing"
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
