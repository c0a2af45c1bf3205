package run

import (
	"os"
	"runtime/debug"
	"testing"
)

// TestBoundHeapSideBySide: runs side by side share one memory limit, at
// least the floor for their devices together, whatever order they end
// in; the last puts back the limit there was.
func TestBoundHeapSideBySide(t *testing.T) {
	if _, set := os.LookupEnv("GOMEMLIMIT"); set {
		t.Skip("GOMEMLIMIT is set: runs leave the limit alone")
	}
	floor := func(devices int) int64 { return heapLimit(devices, 0, 0) }
	before := debug.SetMemoryLimit(-1)
	endSmall := boundHeap(10)
	if got := debug.SetMemoryLimit(-1); got < floor(10) {
		t.Fatalf("one run of 10 devices: limit %d, below the floor %d", got, floor(10))
	}
	endBig := boundHeap(10000)
	if got := debug.SetMemoryLimit(-1); got < floor(10010) {
		t.Errorf("runs of 10 and 10,000 devices: limit %d, below the floor %d", got, floor(10010))
	}
	endSmall()
	if got := debug.SetMemoryLimit(-1); got < floor(10000) {
		t.Errorf("the small run ended first: limit %d, below the floor %d", got, floor(10000))
	}
	endBig()
	if got := debug.SetMemoryLimit(-1); got != before {
		t.Errorf("both ended: limit %d, want the %d there was", got, before)
	}
}

// TestHeapLimit: the floor while little is live; past it, what is held
// and a quarter of the live heap more, never less than headroomMin.
func TestHeapLimit(t *testing.T) {
	floor := heapLimit(1000, 0, 0)
	if got := heapLimit(1000, 10<<20, 8<<20); got != floor {
		t.Errorf("little live: %d, want the floor %d", got, floor)
	}
	if got, want := heapLimit(1000, 1<<30, 100<<20), int64(100<<20+1<<30+1<<28); got != want {
		t.Errorf("1 GiB live: %d, want %d", got, want)
	}
	if got, want := heapLimit(0, 40<<20, 0), max(floor-int64(1000)*(96<<10), 40<<20+headroomMin); got != want {
		t.Errorf("40 MiB live, no devices: %d, want %d", got, want)
	}
}
