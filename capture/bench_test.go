package capture

import (
	"context"
	"fmt"
	"os"
	"testing"
	"time"

	"vc/store"
)

// storeSize is the store's high-water mark (the pages bbolt has handed
// out, which is what grows) and the file's size (which bbolt grows in
// steps, doubling up to 1 GiB).
func storeSize(t testing.TB, s *store.Store) (used, file int64) {
	t.Helper()
	view(t, s, func(tx *store.Tx) error {
		used = tx.Bolt().Size()
		return nil
	})
	fi, err := os.Stat(s.Path())
	if err != nil {
		t.Fatal(err)
	}
	return used, fi.Size()
}

// TestUnchangedRunGrowth is the lead's figure: a second show
// running-config run over 1,000 devices in which nothing but churn
// changed must cost next to nothing. What it costs is one table of
// sightings, a few bytes a device, rewritten; bbolt copies on write, so
// that takes a fresh page for the table's leaf and each page above it
// plus one for the freelist, and a store that has freed no pages yet
// (this one, which has only ever seen the first run) grows by those
// once. The run after reuses them and grows by nothing.
func TestUnchangedRunGrowth(t *testing.T) {
	if testing.Short() {
		t.Skip("1,000 devices")
	}
	const n = 1000
	s := newStore(t)
	view(t, s, func(*store.Tx) error { return nil })
	used0, file0 := storeSize(t, s)

	putItems(t, s, configRun(n, 1, t0, noRev)...)
	used1, file1 := storeSize(t, s)
	_, st := putItems(t, s, configRun(n, 2, t0.Add(26*time.Hour+7*time.Second), noRev)...)
	used2, file2 := storeSize(t, s)
	for _, x := range st {
		if x.Changed {
			t.Fatalf("%s changed in the unchanged run", x.Device)
		}
	}
	putItems(t, s, configRun(n, 3, t0.Add(50*time.Hour), noRev)...)
	used3, file3 := storeSize(t, s)

	var table, depth int
	view(t, s, func(tx *store.Tx) error {
		vb := tx.Bucket(store.BucketVersions)
		table, depth = len(vb.Get(seenKey("show_running-config"))), vb.Stats().Depth
		v, err := Latest(tx, "show_running-config", "dev-0999")
		if v.LastRun != 3 {
			t.Errorf("last run %d", v.LastRun)
		}
		return err
	})
	first, second, third := used1-used0, used2-used1, used3-used2
	pct := func(x int64) float64 { return 100 * float64(x) / float64(first) }
	t.Logf("first run: +%d bytes used, file %d -> %d", first, file0, file1)
	t.Logf("second, unchanged run: +%d bytes used (%.2f%% of the first), file %d -> %d (%.2f%%)",
		second, pct(second), file1, file2, pct(file2-file1))
	t.Logf("third, unchanged run: +%d bytes used, file %d -> %d", third, file2, file3)
	t.Logf("the sightings table: %d bytes, %.1f a device; versions tree depth %d", table, float64(table)/n, depth)

	const page = 4096
	if floor := int64(depth+2) * page; second > floor {
		t.Errorf("an unchanged run grew the store by %d bytes, more than a commit's %d", second, floor)
	}
	if third != 0 || file3 != file2 {
		t.Errorf("a later unchanged run grew the store by %d bytes (file %d)", third, file3-file2)
	}
	if float64(table)/n > 8 {
		t.Errorf("an unchanged device costs %.1f bytes", float64(table)/n)
	}
	if file2 != file1 {
		t.Errorf("an unchanged run grew the file by %d bytes", file2-file1)
	}
}

func arpItems(n, gen int) []Item {
	items := make([]Item, n)
	for i := range items {
		dev := fmt.Sprintf("dev-%04d", i)
		items[i] = Item{Device: dev, Platform: "cisco_ios", Command: "show ip arp", Text: arpTable(dev, 300, gen), Run: uint64(gen + 1)}
	}
	return items
}

// BenchmarkPrepare is the CPU work of recording 1,000 devices' 300-line
// ARP tables (hash, normalize, compress), on every CPU.
func BenchmarkPrepare(b *testing.B) {
	items := arpItems(1000, 1)
	var size int
	for _, it := range items {
		size += len(it.Text)
	}
	b.SetBytes(int64(size))
	for b.Loop() {
		Prepare(items, 0)
	}
}

// BenchmarkPut records 1,000 devices' ARP tables, all changed since the
// last run: put is the time inside the transaction spent in Put, commit
// the rest of the Update (bbolt's write and fsync).
func BenchmarkPut(b *testing.B) {
	s := newStore(b)
	gen := 0
	prepared := func() []Prepared {
		gen++
		return Prepare(arpItems(1000, gen), 0)
	}
	putAll := func(ps []Prepared) (put, total time.Duration) {
		start := time.Now()
		err := s.Update(context.Background(), func(tx *store.Tx) error {
			t := time.Now()
			st, err := Put(tx, ps)
			put = time.Since(t)
			if err == nil && !st[len(st)-1].Changed {
				err = fmt.Errorf("not changed")
			}
			return err
		})
		if err != nil {
			b.Fatal(err)
		}
		return put, time.Since(start)
	}
	putAll(prepared()) // the devices' first versions
	var put, total time.Duration
	for b.Loop() {
		b.StopTimer()
		ps := prepared()
		b.StartTimer()
		p, t := putAll(ps)
		put += p
		total += t
	}
	b.ReportMetric(float64(put.Microseconds())/1000/float64(b.N), "put-ms/op")
	b.ReportMetric(float64((total-put).Microseconds())/1000/float64(b.N), "commit-ms/op")
}

// BenchmarkPutUnchanged records 1,000 devices' configurations in which
// only churn changed since the last run: lookups and one table rewritten.
func BenchmarkPutUnchanged(b *testing.B) {
	s := newStore(b)
	putItems(b, s, configRun(1000, 1, t0, noRev)...)
	ps := Prepare(configRun(1000, 2, t0.Add(time.Hour), noRev), 0)
	var put time.Duration
	for b.Loop() {
		err := s.Update(context.Background(), func(tx *store.Tx) error {
			t := time.Now()
			_, err := Put(tx, ps)
			put += time.Since(t)
			return err
		})
		if err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(put.Microseconds())/1000/float64(b.N), "put-ms/op")
}
