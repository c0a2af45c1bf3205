package capture

import (
	"context"
	"errors"
	"testing"
	"time"

	"vc/store"
)

func TestPruneKeepsTheLatest(t *testing.T) {
	s, runs := history(t)
	blobs0, _, versions0 := counts(t, s)
	var res Pruned
	err := s.Update(context.Background(), func(tx *store.Tx) error {
		var err error
		res, err = Prune(tx, t0.Add(90*time.Minute))
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	// Gone: the first two ARP versions of a and a-b (last seen at 0h and
	// 1h) and b's first config (last seen at 1h); the clock's only
	// version and every latest stay.
	if res.Versions != 5 || res.Blobs != 5 || res.Bytes == 0 {
		t.Errorf("pruned %+v", res)
	}
	blobs, hashes, versions := counts(t, s)
	if versions != versions0-5 || blobs != blobs0-5 || hashes != blobs {
		t.Errorf("left %d versions of %d, %d blobs of %d, %d hashes", versions, versions0, blobs, blobs0, hashes)
	}
	view(t, s, func(tx *store.Tx) error {
		for _, st := range runs[2] {
			v, err := Latest(tx, st.Type, st.Device)
			if err != nil || v.ID != st.Version {
				t.Errorf("latest %s %s: %d %v", st.Type, st.Device, v.ID, err)
			}
			if _, err := Text(tx, v); err != nil {
				t.Errorf("latest text: %v", err)
			}
		}
		if _, err := ByID(tx, runs[0][0].Version); !errors.Is(err, ErrNotFound) {
			t.Errorf("pruned version by id: %v", err)
		}
		if _, err := TextByHash(tx, runs[0][0].Hash); !errors.Is(err, ErrNotFound) {
			t.Errorf("pruned blob by hash: %v", err)
		}
		return nil
	})

	// Far in the future: only the latest versions remain, whatever their age.
	err = s.Update(context.Background(), func(tx *store.Tx) error {
		var err error
		res, err = Prune(tx, t0.Add(1000*time.Hour))
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	if _, _, v := counts(t, s); v != 4 {
		t.Errorf("%d versions left, want the 4 latest", v)
	}
}

func TestPruneKeepsSharedBlobs(t *testing.T) {
	s := newStore(t)
	text := arpTable("x", 5, 0)
	putItems(t, s, Item{Device: "a", Command: "arp", Text: text, Time: t0})
	putItems(t, s, Item{Device: "a", Command: "arp", Text: "other\n", Time: t0.Add(time.Hour)})
	putItems(t, s, Item{Device: "b", Command: "arp", Text: text, Time: t0.Add(time.Hour)})
	var res Pruned
	err := s.Update(context.Background(), func(tx *store.Tx) error {
		var err error
		res, err = Prune(tx, t0.Add(2*time.Hour))
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	if res.Versions != 1 || res.Blobs != 0 {
		t.Errorf("pruned %+v", res)
	}
	view(t, s, func(tx *store.Tx) error {
		v, err := Latest(tx, "arp", "b")
		if err == nil {
			_, err = Text(tx, v)
		}
		return err
	})
}
