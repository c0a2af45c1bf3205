package capture

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"testing"
	"time"

	"vc/store"
)

func writeFiles(t *testing.T, s *store.Store, ps []Prepared, st []Stored) Files {
	t.Helper()
	res, err := WriteFiles(context.Background(), s.Dir(), s, ps, st)
	if err != nil {
		t.Fatal(err)
	}
	return res
}

func TestWriteFiles(t *testing.T) {
	s := newStore(t)
	home := s.Dir()
	cfg := func(at time.Time, rev int) Item {
		return Item{Device: "core-1", Platform: "cisco_ios", Command: "show running-config", Text: config("cisco_ios", "core-1", rev, at), Time: at}
	}
	arp := Item{Device: "core-1", Command: "show ip arp", Text: arpTable("core-1", 5, 0)}

	ps, st := putItems(t, s, cfg(t0, 0), arp)
	res := writeFiles(t, s, ps, st)
	path := filepath.Join(home, "collections", "show_running-config", "core-1.txt")
	if len(res.Written) != 2 || res.Written[0] != path || res.Current != 0 {
		t.Fatalf("first write: %+v", res)
	}
	want := config("cisco_ios", "core-1", 0, t0)
	if got, err := os.ReadFile(path); err != nil || string(got) != want {
		t.Fatalf("file holds %q (%v)", got, err)
	}
	for _, p := range []string{path, filepath.Dir(path), filepath.Join(home, "collections")} {
		fi, err := os.Stat(p)
		if err != nil {
			t.Fatal(err)
		}
		want := os.FileMode(0o600)
		if fi.IsDir() {
			want = 0o700
		}
		if fi.Mode().Perm() != want {
			t.Errorf("%s has mode %v, want %v", p, fi.Mode().Perm(), want)
		}
	}
	before, _ := os.Stat(path)

	// Churn only: the file keeps the latest version and is not touched.
	ps, st = putItems(t, s, cfg(t0.Add(time.Hour), 0), arp)
	res = writeFiles(t, s, ps, st)
	if len(res.Written) != 0 || res.Current != 2 {
		t.Fatalf("unchanged run wrote %+v", res)
	}
	after, _ := os.Stat(path)
	if !os.SameFile(before, after) || !after.ModTime().Equal(before.ModTime()) {
		t.Error("an unchanged file was rewritten")
	}

	// A missing file comes back from the store, as the latest version.
	if err := os.Remove(path); err != nil {
		t.Fatal(err)
	}
	res = writeFiles(t, s, ps, st)
	if len(res.Written) != 1 || res.Written[0] != path {
		t.Fatalf("missing file: %+v", res)
	}
	if got, _ := os.ReadFile(path); string(got) != want {
		t.Error("restored file is not the latest version")
	}

	// A real change replaces the file, atomically: no temporary is left.
	ps, st = putItems(t, s, cfg(t0.Add(2*time.Hour), 1), arp)
	res = writeFiles(t, s, ps, st)
	if len(res.Written) != 1 {
		t.Fatalf("changed run: %+v", res)
	}
	if got, _ := os.ReadFile(path); string(got) != config("cisco_ios", "core-1", 1, t0.Add(2*time.Hour)) {
		t.Error("file not updated")
	}
	entries, _ := os.ReadDir(filepath.Dir(path))
	if len(entries) != 1 {
		t.Errorf("folder holds %v", entries)
	}
}

func TestWriteFilesRefusesPathsOutOfTheFolder(t *testing.T) {
	s := newStore(t)
	// store.ValidName allows "/" in a device name.
	ps, st := putItems(t, s,
		Item{Device: "site/../../escape", Command: "show clock", Text: "x\n"},
		Item{Device: "ok", Command: "show clock", Text: "y\n"})
	res, err := WriteFiles(context.Background(), s.Dir(), s, ps, st)
	var fe *FileError
	if !errors.As(err, &fe) || !errors.Is(err, ErrInvalidDevice) || fe.Device != "site/../../escape" {
		t.Fatalf("error %v", err)
	}
	if len(res.Written) != 1 || filepath.Base(res.Written[0]) != "ok.txt" {
		t.Errorf("written %v", res.Written)
	}
	if _, err := os.Stat(filepath.Join(s.Dir(), "escape.txt")); err == nil {
		t.Error("a file escaped")
	}
	if _, err := FilePath(s.Dir(), "../x", "ok"); !errors.Is(err, ErrInvalidType) {
		t.Errorf("bad type: %v", err)
	}
}

func TestWriteFilesRewritesAFileEditedByHand(t *testing.T) {
	s := newStore(t)
	it := Item{Device: "r", Command: "show clock", Text: "12:00\n"}
	ps, st := putItems(t, s, it)
	writeFiles(t, s, ps, st)
	path, _ := FilePath(s.Dir(), "show_clock", "r")
	if err := os.WriteFile(path, []byte("edited, longer\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	ps, st = putItems(t, s, it)
	if res := writeFiles(t, s, ps, st); len(res.Written) != 1 {
		t.Errorf("edited file left: %+v", res)
	}
	if got, _ := os.ReadFile(path); string(got) != "12:00\n" {
		t.Errorf("file holds %q", got)
	}
}

// TestWriteFilesBatchWithRepeats holds that when a batch stores a device's
// output twice, the file gets the version the batch ended with.
func TestWriteFilesBatchWithRepeats(t *testing.T) {
	s := newStore(t)
	old := Item{Device: "r", Platform: "cisco_ios", Command: "show clock", Text: "before\n"}
	ps, st := putItems(t, s, old)
	writeFiles(t, s, ps, st)
	// The new content, then the same again with only churn added: the
	// second is unchanged against the first.
	ps, st = putItems(t, s,
		Item{Device: "r", Platform: "cisco_ios", Command: "show clock", Text: "after!\n"},
		Item{Device: "r", Platform: "cisco_ios", Command: "show clock", Text: "after!\n10:12:13.123 UTC Tue Dec 1 2026\n"})
	if !st[0].Changed || st[1].Changed {
		t.Fatalf("stored %+v", st)
	}
	if res := writeFiles(t, s, ps, st); len(res.Written) != 1 {
		t.Fatalf("wrote %+v", res)
	}
	path, _ := FilePath(s.Dir(), "show_clock", "r")
	if got, _ := os.ReadFile(path); string(got) != "after!\n" {
		t.Errorf("file holds %q", got)
	}
}
