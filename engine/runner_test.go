package engine

import (
	"context"
	"fmt"
	"maps"
	"runtime"
	"slices"
	"sync"
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

// runAll runs plans on r at once and fails the test on any device that
// did not succeed.
func runAll(t *testing.T, r *Runner, plans ...Plan) {
	t.Helper()
	var wg sync.WaitGroup
	errs := make(chan error, 64)
	for _, p := range plans {
		wg.Go(func() {
			for ev := range r.Run(context.Background(), p) {
				if ev.Err != nil {
					errs <- fmt.Errorf("%s: %v", ev.Target, ev.Err)
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
}

// placesLeft checks that a runner whose runs ended keeps no group and
// holds no place.
func placesLeft(t *testing.T, r *Runner) {
	t.Helper()
	ps := r.places
	ps.mu.Lock()
	defer ps.mu.Unlock()
	if len(ps.groups) != 0 {
		t.Errorf("groups kept after the runs: %v", slices.Collect(maps.Keys(ps.groups)))
	}
	w := ps.workers
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.active != 0 || len(w.queue) != 0 || len(w.asked) != 0 {
		t.Errorf("worker budget after the runs: %d active, %d queued, %d runs", w.active, len(w.queue), len(w.asked))
	}
}

// sitePlan is a plan of the lab devices of some sites, grouped by site
// as run groups them.
func sitePlan(l *lab.Lab, keep func(lab.Device) bool, limits map[string]int, workers int) Plan {
	p := Plan{Commands: []string{"show clock"}, Timeouts: quick(), GroupLimits: limits, Workers: workers}
	for _, d := range devicesOf(l, keep) {
		tg := targetOf(d)
		tg.Group = "site:" + d.Site
		p.Targets = append(p.Targets, tg)
	}
	return p
}

// TestSharedGroupLimit: two runs at once share their site's limit, so
// together they never have more sessions at work at the site than it
// allows. (TestPlacesJoin holds what happens when their plans disagree.)
func TestSharedGroupLimit(t *testing.T) {
	l := startLab(t, lab.Options{Platforms: []string{"arista_eos"}, Devices: 12, Latency: 20 * time.Millisecond})
	r := newTestRunner(t, 0)
	// usa has devices 0, 3, 6 and 9: each run takes two of them.
	var n int
	half := map[string]bool{}
	for _, d := range l.Devices() {
		if d.Site == "usa" {
			half[d.Name] = n%2 == 0
			n++
		}
	}
	limit := map[string]int{"site:usa": 1}
	a := sitePlan(l, func(d lab.Device) bool { return d.Site != "usa" || half[d.Name] }, limit, 0)
	b := sitePlan(l, func(d lab.Device) bool { return d.Site == "usa" && !half[d.Name] }, limit, 0)
	runAll(t, r, a, b)
	if p := l.Peaks(); p.Sites["usa"] > 1 {
		t.Errorf("usa, limited to 1, two runs at once: peak %d sessions at work (%v)", p.Sites["usa"], p)
	}
	placesLeft(t, r)
}

// TestPlacesJoin: runs whose plans disagree on a site's limit share the
// smallest while they are in; when the strict one leaves, the other's own
// holds; the worker budget is the largest; the last to leave takes the
// site's semaphore with it.
func TestPlacesJoin(t *testing.T) {
	ps := newPlaces()
	strict := ps.join(&Plan{GroupLimits: map[string]int{"site:usa": 1, "site:emea": 0}}, 10)
	loose := ps.join(&Plan{GroupLimits: map[string]int{"site:usa": 3}}, 1000)
	usa := ps.groups["site:usa"]
	if usa.limit != 1 || ps.workers.limit != 1000 {
		t.Errorf("plans of 1 and 3 at usa, 10 and 1000 workers: usa %d, workers %d", usa.limit, ps.workers.limit)
	}
	if strict.limited("site:emea") || ps.groups["site:emea"] != nil {
		t.Error("a group a plan gives no limit is limited")
	}
	ps.leave(strict)
	if usa.limit != 3 || ps.workers.limit != 1000 {
		t.Errorf("the strict plan left: usa %d, workers %d", usa.limit, ps.workers.limit)
	}
	ps.leave(loose)
	if len(ps.groups) != 0 || ps.workers.limit != 0 {
		t.Errorf("both left: groups %v, workers %d", ps.groups, ps.workers.limit)
	}
}

// TestSharedWorkers: runs at once share one worker budget, the largest
// of their plans' workers, and each keeps to its own.
func TestSharedWorkers(t *testing.T) {
	l := startLab(t, lab.Options{Platforms: []string{"arista_eos"}, Devices: 12, Latency: 20 * time.Millisecond})
	r := newTestRunner(t, 0)
	a := sitePlan(l, func(d lab.Device) bool { return d.Site == "usa" }, nil, 1)
	b := sitePlan(l, func(d lab.Device) bool { return d.Site != "usa" }, nil, 3)
	runAll(t, r, a, b)
	if p := l.Peaks(); p.All > 3 || p.Sites["usa"] > 1 {
		t.Errorf("runs of 1 and 3 workers at once: %v", p)
	}
	placesLeft(t, r)
}

// TestCancelledWaitGivesPlacesBack: a run cancelled while it waits for a
// place another run holds leaves nothing held: the site serves the next
// run as soon as the first is done.
func TestCancelledWaitGivesPlacesBack(t *testing.T) {
	l := startLab(t, lab.Options{Platforms: []string{"arista_eos"}, Devices: 2, Faults: lab.Faults{Timeout: 0.5}})
	r := newTestRunner(t, 0)
	var stuck, good Target
	for _, d := range l.Devices() {
		tg := targetOf(d)
		tg.Group = "dc1"
		if d.Fault == lab.FaultTimeout {
			stuck = tg
		} else {
			good = tg
		}
	}
	limit := map[string]int{"dc1": 1}
	to := quick()
	// Long enough that the second run waits for certain, however loaded
	// the machine.
	to.Connect, to.Handshake = 2*time.Second, 2*time.Second
	first := r.Run(context.Background(), Plan{Targets: []Target{stuck}, Commands: []string{"show clock"}, Timeouts: to, GroupLimits: limit})
	if ev := <-first; ev.Kind != EventStarted {
		t.Fatalf("first event %v", ev.Kind)
	}
	ctx, cancel := context.WithCancel(context.Background())
	second := r.Run(ctx, Plan{Targets: []Target{good}, Commands: []string{"show clock"}, Timeouts: to, GroupLimits: limit})
	time.AfterFunc(50*time.Millisecond, cancel)
	for ev := range second {
		if ev.Kind == EventFailed && (ev.Err == nil || ev.Err.Kind != KindCanceled) {
			t.Errorf("the waiting run: %v", ev.Err)
		}
		if ev.Kind == EventDone {
			t.Errorf("the waiting run got the place the first held")
		}
	}
	for range first {
	}
	runAll(t, r, Plan{Targets: []Target{good}, Commands: []string{"show clock"}, Timeouts: quick(), GroupLimits: limit})
	placesLeft(t, r)
}

// TestFairSem: places go to the runs in the order they asked, a place set
// aside for a run wakes it, the strictest limit holds while its run is
// in, and a run leaving gives back what was set aside for it.
func TestFairSem(t *testing.T) {
	s := newFairSem(smallest)
	wa, wb := make(chan struct{}, 1), make(chan struct{}, 1)
	a, b := s.join(wa, 1), s.join(wb, 1)
	if !a.acquire() || b.acquire() || a.acquire() {
		t.Fatal("a took the place; b, then a again, should wait")
	}
	s.release()
	select {
	case <-wb:
	default:
		t.Fatal("b was not woken: it asked first")
	}
	if len(wa) != 0 || !b.acquire() {
		t.Fatal("the place went to a, not b")
	}
	s.release()
	if len(wa) != 1 || a.granted != 1 {
		t.Fatalf("a was not given the place b gave back (granted %d)", a.granted)
	}
	c := s.join(make(chan struct{}, 1), 3)
	if s.limit != 1 {
		t.Errorf("limits 1, 1 and 3: %d, want the smallest", s.limit)
	}
	s.leave(c)
	s.leave(a) // with its place set aside and never taken
	if s.active != 0 || s.limit != 1 {
		t.Errorf("after a left: %d active, limit %d", s.active, s.limit)
	}
	if s.leave(b) != 0 || s.limit != 0 {
		t.Errorf("after every run left: limit %d", s.limit)
	}
	w := newFairSem(largest)
	w.join(nil, 1)
	w.join(nil, 5)
	if w.limit != 5 {
		t.Errorf("worker budgets 1 and 5: %d, want the largest", w.limit)
	}
}
