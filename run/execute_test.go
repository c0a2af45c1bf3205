package run

import (
	"os"
	"runtime/debug"
	"testing"
)

// TestBoundHeapSideBySide: runs side by side share one GOGC, whatever
// order they end in; the last puts back the GOGC there was.
func TestBoundHeapSideBySide(t *testing.T) {
	if _, set := os.LookupEnv("GOGC"); set {
		t.Skip("GOGC is set: runs leave it alone")
	}
	before := debug.SetGCPercent(100)
	debug.SetGCPercent(before)
	endSmall := boundHeap(10)
	endBig := boundHeap(10000)
	endSmall()
	endBig()
	if got := debug.SetGCPercent(before); got != before {
		t.Errorf("both ended: GOGC %d, want the %d there was", got, before)
	}
}

// TestHeapGoal: the floor while little is live; past it, the live heap
// and half as much again, never less than headroomMin; and the GOGC that
// gives that room.
func TestHeapGoal(t *testing.T) {
	floor := heapGoal(1000, 0)
	if got := heapGoal(1000, 10<<20); got != floor {
		t.Errorf("little live: %d, want the floor %d", got, floor)
	}
	if got, want := heapGoal(1000, 1<<30), int64(1<<30+1<<29); got != want {
		t.Errorf("1 GiB live: %d, want %d", got, want)
	}
	if got, want := heapGoal(0, 20<<20), max(heapGoal(0, 0), 20<<20+headroomMin); got != want {
		t.Errorf("20 MiB live, no devices: %d, want %d", got, want)
	}
	if got := gcPercent(1<<30+1<<28, 1<<30, 0); got != 25 {
		t.Errorf("a quarter more than 1 GiB, no roots: GOGC %d, want 25", got)
	}
	if got := gcPercent(200<<20, 100<<20, 100<<20); got != 50 {
		t.Errorf("100 MiB of room over 100 MiB live and 100 MiB of stacks: GOGC %d, want 50", got)
	}
	if got := gcPercent(1<<30, 1<<20, 0); got != 1000 {
		t.Errorf("a floor far above what is live: GOGC %d, want the cap 1000", got)
	}
	if got := gcPercent(1<<20, 1<<30, 0); got != 10 {
		t.Errorf("a goal below what is live: GOGC %d, want the least, 10", got)
	}
}
