package capture

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"vc/store"
)

func counts(t *testing.T, s *store.Store) (blobs, hashes, versions int) {
	t.Helper()
	view(t, s, func(tx *store.Tx) error {
		blobs = tx.Bucket(store.BucketBlobs).Stats().KeyN
		hashes = tx.Bucket(store.BucketBlobHash).Stats().KeyN
		c := tx.Bucket(store.BucketVersions).Cursor()
		for k, _ := c.Seek([]byte{versionKeyMin}); k != nil; k, _ = c.Next() {
			versions++
		}
		return nil
	})
	return
}

func TestPutSameContentStoresOneBlob(t *testing.T) {
	s := newStore(t)
	cfg := config("cisco_ios", "core-1", 0, t0)
	it := Item{Device: "core-1", Platform: "cisco_ios", Command: "show running-config", Text: cfg, Run: 1, Time: t0}
	_, first := putItems(t, s, it)
	it.Run, it.Time = 2, t0.Add(time.Hour)
	_, second := putItems(t, s, it)

	if !first[0].Changed || !first[0].NewBlob || first[0].Previous != 0 {
		t.Errorf("first put: %+v", first[0])
	}
	if second[0].Changed || second[0].NewBlob || second[0].Version != first[0].Version || second[0].Hash != first[0].Hash {
		t.Errorf("second put: %+v, first %+v", second[0], first[0])
	}
	if b, h, v := counts(t, s); b != 1 || h != 1 || v != 1 {
		t.Errorf("blobs %d, hashes %d, versions %d; want 1 each", b, h, v)
	}
	view(t, s, func(tx *store.Tx) error {
		v, err := Latest(tx, "show_running-config", "core-1")
		if err != nil {
			return err
		}
		if !v.FirstSeen.Equal(t0) || !v.LastSeen.Equal(t0.Add(time.Hour)) || v.FirstRun != 1 || v.LastRun != 2 {
			t.Errorf("seen: first %s run %d, last %s run %d", v.FirstSeen, v.FirstRun, v.LastSeen, v.LastRun)
		}
		text, err := Text(tx, v)
		if err != nil {
			return err
		}
		if text != cfg {
			t.Error("text differs from what was put")
		}
		return nil
	})
}

func TestPutSharesBlobsAcrossDevices(t *testing.T) {
	s := newStore(t)
	text := arpTable("x", 50, 0)
	_, st := putItems(t, s,
		Item{Device: "a", Command: "show ip arp", Text: text},
		Item{Device: "b", Command: "show ip arp", Text: text})
	if st[0].Blob != st[1].Blob || !st[0].NewBlob || st[1].NewBlob || !st[1].Changed {
		t.Errorf("stored %+v", st)
	}
	if b, _, v := counts(t, s); b != 1 || v != 2 {
		t.Errorf("blobs %d, versions %d; want 1 and 2", b, v)
	}
}

func TestPutChurnIsNotAChange(t *testing.T) {
	for _, p := range platforms {
		t.Run(p, func(t *testing.T) {
			s := newStore(t)
			put := func(rev int, at time.Time, run uint64) Stored {
				_, st := putItems(t, s, Item{Device: "leaf-1", Platform: p, Command: "show running-config",
					Text: config(p, "leaf-1", rev, at), Run: run, Time: at})
				return st[0]
			}
			a := put(0, t0, 1)
			b := put(0, t0.Add(26*time.Hour+time.Second), 2)
			if b.Changed || b.Version != a.Version {
				t.Fatalf("churn made a version: %+v after %+v", b, a)
			}
			c := put(1, t0.Add(50*time.Hour), 3)
			if !c.Changed || c.Previous != a.Version || !c.NewBlob {
				t.Fatalf("a real change: %+v", c)
			}
			if _, _, v := counts(t, s); v != 2 {
				t.Errorf("%d versions, want 2", v)
			}
			view(t, s, func(tx *store.Tx) error {
				vs, err := Versions(tx, "show_running-config", "leaf-1")
				if err != nil {
					return err
				}
				if len(vs) != 2 || vs[0].ID != c.Version || vs[1].ID != a.Version {
					t.Fatalf("versions %+v", vs)
				}
				// The superseded version keeps its last sighting.
				if vs[1].LastRun != 2 || !vs[1].LastSeen.Equal(t0.Add(26*time.Hour+time.Second)) {
					t.Errorf("old version last seen %s run %d", vs[1].LastSeen, vs[1].LastRun)
				}
				if vs[0].FirstRun != 3 || vs[0].LastRun != 3 {
					t.Errorf("new version runs %d..%d", vs[0].FirstRun, vs[0].LastRun)
				}
				return nil
			})
		})
	}
}

func TestPutContentComingBackReusesItsBlob(t *testing.T) {
	s := newStore(t)
	a, b := arpTable("r", 20, 0), arpTable("r", 20, 1)
	var st []Stored
	for _, text := range []string{a, b, a} {
		_, out := putItems(t, s, Item{Device: "r", Command: "show ip arp", Text: text})
		st = append(st, out[0])
	}
	if !st[2].Changed || st[2].NewBlob || st[2].Blob != st[0].Blob || st[2].Previous != st[1].Version {
		t.Errorf("back to the first content: %+v", st[2])
	}
}

func TestPutSameDeviceTwiceInABatch(t *testing.T) {
	s := newStore(t)
	_, st := putItems(t, s,
		Item{Device: "r", Command: "show ip arp", Text: arpTable("r", 5, 0), Run: 1},
		Item{Device: "r", Command: "show ip arp", Text: arpTable("r", 5, 0), Run: 1},
		Item{Device: "r", Command: "show ip arp", Text: arpTable("r", 5, 1), Run: 1})
	if !st[0].Changed || st[1].Changed || !st[2].Changed || st[2].Previous != st[0].Version {
		t.Errorf("stored %+v", st)
	}
	view(t, s, func(tx *store.Tx) error {
		vs, err := Versions(tx, "show_ip_arp", "r")
		if len(vs) != 2 {
			t.Errorf("%d versions", len(vs))
		}
		return err
	})
}

func TestPutScrubsAndFlags(t *testing.T) {
	s := newStore(t)
	cfg := config("cisco_ios", "core-1", 0, t0)
	ps, st := putItems(t, s, Item{Device: "core-1", Platform: "cisco_ios", Type: "config", Command: "show run",
		Text: cfg, Scrub: true, Forced: true})
	if strings.Contains(ps[0].Text, "$9$") || ps[0].Text == cfg {
		t.Error("prepared text not scrubbed")
	}
	if st[0].Type != "config" {
		t.Errorf("type %q", st[0].Type)
	}
	view(t, s, func(tx *store.Tx) error {
		v, err := Latest(tx, "config", "core-1")
		if err != nil {
			return err
		}
		if !v.Scrubbed || !v.Forced || v.Command != "show run" || v.Platform != "cisco_ios" || v.Lines != countLines(cfg) {
			t.Errorf("version %+v", v)
		}
		text, err := Text(tx, v)
		if strings.Contains(text, "$9$") {
			t.Error("stored text holds a secret")
		}
		return err
	})
}

func TestPutRefusesBadNames(t *testing.T) {
	s := newStore(t)
	for _, c := range []struct {
		it   Item
		want error
	}{
		{Item{Device: "a", Type: "../x", Text: "x"}, ErrInvalidType},
		{Item{Device: "", Command: "show clock", Text: "x"}, ErrInvalidDevice},
		{Item{Device: "a\x00b", Command: "show clock", Text: "x"}, ErrInvalidDevice},
	} {
		ps := Prepare([]Item{{Device: "good", Command: "show clock", Text: "x"}, c.it}, 1)
		if !errors.Is(ps[1].Err(), c.want) {
			t.Errorf("%+v: prepare error %v, want %v", c.it, ps[1].Err(), c.want)
		}
		err := s.Update(context.Background(), func(tx *store.Tx) error {
			_, err := Put(tx, ps)
			return err
		})
		if !errors.Is(err, c.want) {
			t.Errorf("%+v: put error %v, want %v", c.it, err, c.want)
		}
	}
	if b, _, v := counts(t, s); b != 0 || v != 0 {
		t.Errorf("a refused batch stored %d blobs, %d versions", b, v)
	}
}

func TestPutEmptyOutput(t *testing.T) {
	s := newStore(t)
	putItems(t, s, Item{Device: "a", Command: "show clock", Text: ""})
	view(t, s, func(tx *store.Tx) error {
		v, err := Latest(tx, "show_clock", "a")
		if err != nil {
			return err
		}
		text, err := Text(tx, v)
		if text != "" || v.Lines != 0 || v.Bytes != 0 {
			t.Errorf("empty output: %q %+v", text, v)
		}
		return err
	})
}

// TestPutSightingsNeverGoBack holds that an output recorded late does not
// make the latest version look older than it is.
func TestPutSightingsNeverGoBack(t *testing.T) {
	s := newStore(t)
	text := arpTable("a", 3, 0)
	for _, x := range []struct {
		run uint64
		at  time.Time
	}{{1, t0}, {3, t0.Add(2 * time.Hour)}, {2, t0.Add(time.Hour)}} {
		putItems(t, s, Item{Device: "a", Command: "arp", Text: text, Run: x.run, Time: x.at})
	}
	view(t, s, func(tx *store.Tx) error {
		v, err := Latest(tx, "arp", "a")
		if v.LastRun != 3 || !v.LastSeen.Equal(t0.Add(2*time.Hour)) {
			t.Errorf("last seen %s run %d", v.LastSeen, v.LastRun)
		}
		return err
	})
}

func TestPutZeroTimeIsTheTransactions(t *testing.T) {
	s := newStore(t)
	putItems(t, s, Item{Device: "a", Command: "arp", Text: "x"})
	view(t, s, func(tx *store.Tx) error {
		v, err := Latest(tx, "arp", "a")
		if !v.FirstSeen.Equal(t0) {
			t.Errorf("first seen %s", v.FirstSeen)
		}
		return err
	})
}

func TestSightingsCodec(t *testing.T) {
	in := sightings{1: {run: 7, ms: 1000}, 5: {run: 7, ms: 1500}, 9: {run: 8, ms: 900}, 1 << 40: {run: 0, ms: -5}}
	out, ok := decodeSightings(in.encode())
	if !ok || len(out) != len(in) {
		t.Fatalf("decoded %v, %v", out, ok)
	}
	for id, x := range in {
		if out[id] != x {
			t.Errorf("%d: %+v, want %+v", id, out[id], x)
		}
	}
	if _, ok := decodeSightings([]byte{seenCodecV1, 1, 2, 200}); ok {
		t.Error("a truncated table decoded")
	}
}

func TestRecordCodec(t *testing.T) {
	r := record{command: "show run", platform: "cisco_ios", blob: 42, firstSeen: 1, lastSeen: -1,
		firstRun: 3, lastRun: 1 << 50, lines: 7, bytes: 70, forced: true}
	r.hash[0], r.norm[31] = 1, 2
	got, ok := decodeRecord(r.encode())
	if !ok || got != r {
		t.Errorf("decoded %+v (%v), want %+v", got, ok, r)
	}
	enc := r.encode()
	for n := range len(enc) {
		if _, ok := decodeRecord(enc[:n]); ok {
			t.Errorf("a record cut to %d bytes decoded", n)
		}
	}
}
