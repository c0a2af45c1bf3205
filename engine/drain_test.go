package engine

import (
	"context"
	"strings"
	"testing"
	"time"

	"vc/lab"
)

// TestDrain: a drained run starts no more devices; those already talking
// to theirs finish, the others fail as not started.
func TestDrain(t *testing.T) {
	l := startLab(t, lab.Options{Devices: 8, Platforms: []string{"cisco_nxos"}, Latency: 300 * time.Millisecond})
	r := newTestRunner(t, 0)
	var targets []Target
	for _, d := range l.Devices() {
		tg := targetOf(d)
		tg.IgnoreHostKey = true
		targets = append(targets, tg)
	}
	drain := make(chan struct{})
	p := Plan{Targets: targets, Commands: []string{"show clock"}, Workers: 2, Drain: drain}
	started := 0
	results := map[string]*Result{}
	for ev := range r.Run(context.Background(), p) {
		res := results[ev.Target]
		if res == nil {
			res = &Result{Target: ev.Target}
			results[ev.Target] = res
		}
		res.Add(ev)
		if ev.Kind == EventStarted {
			if started++; started == 2 {
				close(drain)
			}
		}
	}
	ok, notStarted := 0, 0
	for _, res := range results {
		switch {
		case res.Err == nil:
			ok++
		case res.Err.Kind == KindCanceled && strings.Contains(res.Err.Reason, "not started"):
			notStarted++
		default:
			t.Errorf("%s: %v", res.Target, res.Err)
		}
	}
	if ok != 2 || notStarted != 6 {
		t.Fatalf("after the drain: %d finished, %d not started; want 2 and 6", ok, notStarted)
	}
}
