package run

import (
	"os"
	"runtime/debug"
	"testing"
)

// TestBoundHeapSideBySide: runs side by side share one memory limit, for
// their devices together, whatever order they end in; the last puts back
// the limit there was.
func TestBoundHeapSideBySide(t *testing.T) {
	if _, set := os.LookupEnv("GOMEMLIMIT"); set {
		t.Skip("GOMEMLIMIT is set: runs leave the limit alone")
	}
	before := debug.SetMemoryLimit(-1)
	endSmall := boundHeap(10)
	if got := debug.SetMemoryLimit(-1); got != heapLimit(10) {
		t.Fatalf("one run of 10 devices: limit %d, want %d", got, heapLimit(10))
	}
	endBig := boundHeap(1000)
	if got := debug.SetMemoryLimit(-1); got != heapLimit(1010) {
		t.Errorf("runs of 10 and 1000 devices: limit %d, want %d", got, heapLimit(1010))
	}
	endSmall()
	if got := debug.SetMemoryLimit(-1); got != heapLimit(1000) {
		t.Errorf("the small run ended first: limit %d, want %d", got, heapLimit(1000))
	}
	endBig()
	if got := debug.SetMemoryLimit(-1); got != before {
		t.Errorf("both ended: limit %d, want the %d there was", got, before)
	}
}
