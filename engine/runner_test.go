package engine

import (
	"context"
	"fmt"
	"runtime"
	"testing"
	"time"

	"vc/lab"
)

// TestRunGoroutinesBounded: a plan of many targets costs goroutines by
// the worker, not by the target, whether the devices refuse or the run is
// canceled before it starts; every target still gets its result, and the
// turns of the devices are dropped afterwards.
func TestRunGoroutinesBounded(t *testing.T) {
	const workers = 50
	cases := []struct {
		name    string
		targets int
		cancel  bool
		kind    Kind
	}{
		{"refused", 5_000, false, KindRefused},
		{"canceled", 20_000, true, KindCanceled},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r := newTestRunner(t, 0)
			targets := make([]Target, c.targets)
			for i := range targets {
				targets[i] = Target{Name: fmt.Sprintf("d%05d", i), Address: "127.0.0.1", Port: 1, Platform: "cisco_ios",
					Creds: []Credential{labCred}}
			}
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			if c.cancel {
				cancel()
			}
			before := runtime.NumGoroutine()
			peak := 0
			got := map[string]bool{}
			for ev := range r.Run(ctx, Plan{Targets: targets, Commands: []string{"show clock"}, Timeouts: quick(), Workers: workers}) {
				if ev.Kind != EventFailed {
					continue
				}
				if ev.Err == nil || ev.Err.Kind != c.kind {
					t.Fatalf("%s: %v", ev.Target, ev.Err)
				}
				got[ev.Target] = true
				if len(got)%100 == 0 {
					peak = max(peak, runtime.NumGoroutine()-before)
				}
			}
			if len(got) != c.targets {
				t.Errorf("%d results for %d targets", len(got), c.targets)
			}
			// A worker dialling may hold a helper goroutine or two.
			if peak > 3*workers+10 {
				t.Errorf("%d goroutines for %d workers", peak, workers)
			}
			r.mu.Lock()
			left := len(r.turns)
			r.mu.Unlock()
			if left != 0 {
				t.Errorf("%d device turns kept after the run", left)
			}
		})
	}
}

// TestTurnsPruned: a device's turn is kept while a run holds it or waits
// for it, and dropped when none does.
func TestTurnsPruned(t *testing.T) {
	r := newTestRunner(t, 0)
	done, err := r.turn(context.Background(), "a")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	waited := make(chan error, 1)
	go func() {
		_, err := r.turn(ctx, "a")
		waited <- err
	}()
	cancel()
	if err := <-waited; err == nil {
		t.Fatal("a canceled wait got the turn")
	}
	second := make(chan func(), 1)
	go func() {
		d, _ := r.turn(context.Background(), "a")
		second <- d
	}()
	done()
	(<-second)()
	r.mu.Lock()
	defer r.mu.Unlock()
	if len(r.turns) != 0 {
		t.Errorf("turns kept: %v", r.turns)
	}
}

// TestNoHeadOfLineBlocking: targets waiting on their site's limit hold no
// worker, so the other site's devices are served meanwhile. Site A's first
// device never answers the handshake; with two workers, site B's two
// devices must be done before it fails.
func TestNoHeadOfLineBlocking(t *testing.T) {
	a := startLab(t, lab.Options{Platforms: []string{"arista_eos"}, Devices: 2, Faults: lab.Faults{Timeout: 0.5}})
	b := startLab(t, lab.Options{Platforms: []string{"arista_eos"}, Devices: 2})
	r := newTestRunner(t, 0)
	var targets []Target
	var stuck string
	for _, d := range a.Devices() {
		tg := targetOf(d)
		tg.Name, tg.Group = "a-"+d.Name, "a"
		if d.Fault == lab.FaultTimeout {
			stuck = tg.Name
			targets = append([]Target{tg}, targets...)
		} else {
			targets = append(targets, tg)
		}
	}
	for _, d := range b.Devices() {
		tg := targetOf(d)
		tg.Name, tg.Group = "b-"+d.Name, "b"
		targets = append(targets, tg)
	}
	to := quick()
	to.Handshake = 3 * time.Second
	var order []string
	for ev := range r.Run(context.Background(), Plan{Targets: targets, Commands: []string{"show clock"}, Timeouts: to, Workers: 2,
		GroupLimits: map[string]int{"a": 1, "b": 1}}) {
		if ev.Kind == EventDone || ev.Kind == EventFailed {
			order = append(order, ev.Target)
			if ev.Target != stuck && ev.Err != nil {
				t.Errorf("%s: %v", ev.Target, ev.Err)
			}
		}
	}
	if len(order) != 4 || order[0] == stuck || order[1] == stuck {
		t.Errorf("results in the order %v: site b waited behind %s", order, stuck)
	}
}
