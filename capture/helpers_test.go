package capture

import (
	"context"
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"
	"time"

	"vc/store"
)

func newStore(t testing.TB) *store.Store {
	t.Helper()
	s, err := store.Open(t.TempDir(), store.Options{Now: func() time.Time { return t0 }})
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// putItems prepares and stores items in one transaction.
func putItems(t testing.TB, s *store.Store, items ...Item) ([]Prepared, []Stored) {
	t.Helper()
	ps := Prepare(items, 0)
	var out []Stored
	err := s.Update(context.Background(), func(tx *store.Tx) error {
		var err error
		out, err = Put(tx, ps)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return ps, out
}

func view(t testing.TB, s *store.Store, fn func(tx *store.Tx) error) {
	t.Helper()
	if err := s.View(context.Background(), fn); err != nil {
		t.Fatal(err)
	}
}

// configRun is one show running-config run over n devices at a time.
func configRun(n int, run uint64, at time.Time, rev func(i int) int) []Item {
	items := make([]Item, n)
	for i := range items {
		p := platforms[i%len(platforms)]
		dev := fmt.Sprintf("dev-%04d", i)
		items[i] = Item{Device: dev, Platform: p, Command: "show running-config",
			Text: config(p, dev, rev(i), at.Add(time.Duration(i)*time.Millisecond)), Run: run, Time: at.Add(time.Duration(i) * time.Millisecond)}
	}
	return items
}

func noRev(int) int { return 0 }

// arpTable renders an IOS ARP table of n entries whose ages follow gen, so
// every generation is a real change.
func arpTable(device string, n, gen int) string {
	r := rand.New(rand.NewPCG(uint64(n), hashString(device)))
	var b strings.Builder
	b.WriteString("Protocol  Address          Age (min)  Hardware Addr   Type   Interface\n")
	for i := range n {
		fmt.Fprintf(&b, "Internet  10.%d.%d.%-9d %9d  %04x.%04x.%04x  ARPA   Vlan%d\n",
			r.IntN(250), 100+i%8*10, 2+i%250, (r.IntN(240)+gen)%240, r.IntN(1<<16), r.IntN(1<<16), r.IntN(1<<16), 100+i%8*10)
	}
	return b.String()
}
