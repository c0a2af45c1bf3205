package daemon

import (
	"context"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"vc/history"
	"vc/run"
	"vc/store"
)

func TestParseNamesTheField(t *testing.T) {
	for _, tc := range []struct {
		expr, tz, want string
		field          int
	}{
		{"0 2 * * *", "", "", 0},
		{"*/15 * * * 1-5", "Europe/Paris", "", 0},
		{"@daily", "", "", 0},
		{"@every 15m", "", "", 0},
		{"0 25 * * *", "", "field 2 (hour)", 2},
		{"61 * * * *", "", "field 1 (minute)", 1},
		{"0 0 * 13 *", "", "field 4 (month)", 4},
		{"0 0 * * mon-xyz", "", "field 5 (day of week)", 5},
		{"0 2 * *", "", "4 fields; a cron expression has 5", 0},
		{"@sometimes", "", "not one of @yearly", 0},
		{"0 2 * * *", "Mars/Olympus", "unknown time zone", 0},
	} {
		_, err := Parse(tc.expr, tc.tz)
		if tc.want == "" {
			if err != nil {
				t.Errorf("%q: %v", tc.expr, err)
			}
			continue
		}
		var ce *CronError
		if !errors.As(err, &ce) || !strings.Contains(err.Error(), tc.want) || ce.Field != tc.field || !errors.Is(err, ErrCron) {
			t.Errorf("%q: %v (field %v), want %q", tc.expr, err, ce, tc.want)
		}
	}
}

func TestNextInZone(t *testing.T) {
	sc := &Schedule{Cron: "0 2 * * *", TZ: "Europe/Paris"}
	from := time.Date(2026, 12, 1, 12, 0, 0, 0, time.UTC)
	ts, err := sc.Next(from, 3)
	if err != nil || len(ts) != 3 {
		t.Fatalf("%v %v", ts, err)
	}
	// 02:00 in Paris is 01:00 UTC in winter.
	if got := ts[0].UTC(); got != time.Date(2026, 12, 2, 1, 0, 0, 0, time.UTC) {
		t.Errorf("next %v", got)
	}
}

// fakeJobs records the runs asked and lets a test hold them.
type fakeJobs struct {
	mu      sync.Mutex
	runs    []string
	hold    chan struct{}
	drained bool
	st      *store.Store
}

func (f *fakeJobs) Run(ctx context.Context, job string, drain <-chan struct{}) (*run.Run, error) {
	f.mu.Lock()
	f.runs = append(f.runs, job)
	f.mu.Unlock()
	if f.hold != nil {
		select {
		case <-f.hold:
		case <-drain:
			f.mu.Lock()
			f.drained = true
			f.mu.Unlock()
		case <-ctx.Done():
		}
	}
	r := &run.Run{Spec: run.Spec{Origin: "schedule", Job: job}, Start: time.Now(), End: time.Now(), Status: run.StatusSuccess}
	rec := history.NewRecorder(f.st, nil)
	if err := rec.Begin(ctx, r); err != nil {
		return nil, err
	}
	return r, rec.End(ctx, r)
}

func (f *fakeJobs) count() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return len(f.runs)
}

func newStore(t *testing.T) *store.Store {
	st, err := store.Open(t.TempDir(), store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	return st
}

func addSchedule(t *testing.T, st *store.Store, job, expr string, fired time.Time) *Schedule {
	var sc *Schedule
	err := st.Update(context.Background(), func(tx *store.Tx) error {
		var err error
		if sc, err = Add(tx, job, expr, ""); err != nil {
			return err
		}
		if !fired.IsZero() {
			sc.Fired = fired
			sc.Created = fired
			return put(tx, sc)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return sc
}

func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("never: %s", what)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// TestServeFiresSkipsAndDrains: a schedule every second fires; while its
// job runs, a fire time is skipped and recorded; a stop drains the run.
func TestServeFiresSkipsAndDrains(t *testing.T) {
	st := newStore(t)
	jobs := &fakeJobs{st: st, hold: make(chan struct{})}
	addSchedule(t, st, "backup", "@every 1s", time.Time{})
	stop, reload := make(chan struct{}), make(chan struct{})
	done := make(chan error, 1)
	go func() {
		done <- Serve(context.Background(), Options{Store: st, Jobs: jobs, Drain: 5 * time.Second}, stop, reload)
	}()
	waitFor(t, "a first run", func() bool { return jobs.count() >= 1 })
	// The job is held: the next fire times are skipped, and said so.
	waitFor(t, "a skipped fire time in history", func() bool {
		runs, _ := history.List(context.Background(), st, history.Filter{Status: []run.Status{run.StatusSkipped}})
		return len(runs) > 0 && runs[0].Spec.Job == "backup" && strings.Contains(runs[0].Spec.Note, "still went on")
	})
	close(stop)
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	jobs.mu.Lock()
	drained := jobs.drained
	jobs.mu.Unlock()
	if !drained {
		t.Error("the running job was not drained")
	}
	var s *Status
	_ = st.View(context.Background(), func(tx *store.Tx) error { s, _ = ReadStatus(tx); return nil })
	if s == nil || s.Stopped.IsZero() || s.Skipped == 0 || s.Fired == 0 {
		t.Errorf("status %+v", s)
	}
}

// TestMissedAndCatchUp: fire times that passed while no daemon ran are
// recorded as missed; with CatchUp the job runs once at start.
func TestMissedAndCatchUp(t *testing.T) {
	st := newStore(t)
	jobs := &fakeJobs{st: st}
	addSchedule(t, st, "nightly", "0 * * * *", time.Now().Add(-5*time.Hour))
	stop := make(chan struct{})
	done := make(chan error, 1)
	go func() {
		done <- Serve(context.Background(), Options{Store: st, Jobs: jobs, CatchUp: true}, stop, nil)
	}()
	waitFor(t, "the catch-up run", func() bool { return jobs.count() == 1 })
	close(stop)
	<-done
	runs, err := history.List(context.Background(), st, history.Filter{Status: []run.Status{run.StatusMissed}})
	if err != nil || len(runs) != 1 || !strings.Contains(runs[0].Spec.Note, "missed while no daemon ran") {
		t.Fatalf("missed: %+v %v", runs, err)
	}
	if !strings.HasPrefix(runs[0].Spec.Note, "5 fire times") && !strings.HasPrefix(runs[0].Spec.Note, "4 fire times") {
		t.Errorf("note %q", runs[0].Spec.Note)
	}
}

// TestReloadsChangedSchedules: a schedule added while the daemon runs is
// picked up without a restart.
func TestReloadsChangedSchedules(t *testing.T) {
	st := newStore(t)
	jobs := &fakeJobs{st: st}
	stop := make(chan struct{})
	done := make(chan error, 1)
	go func() { done <- Serve(context.Background(), Options{Store: st, Jobs: jobs}, stop, nil) }()
	time.Sleep(100 * time.Millisecond)
	addSchedule(t, st, "late", "@every 1s", time.Time{})
	waitFor(t, "the new schedule's run", func() bool { return jobs.count() >= 1 })
	close(stop)
	<-done
}

// TestRemovedLastSchedule: with its last schedule removed, the daemon
// fires nothing more (an empty list is a list, not one still to read).
func TestRemovedLastSchedule(t *testing.T) {
	st := newStore(t)
	jobs := &fakeJobs{st: st}
	sc := addSchedule(t, st, "only", "@every 1s", time.Time{})
	stop := make(chan struct{})
	done := make(chan error, 1)
	go func() { done <- Serve(context.Background(), Options{Store: st, Jobs: jobs}, stop, nil) }()
	waitFor(t, "the schedule's first run", func() bool { return jobs.count() >= 1 })
	if err := st.Update(context.Background(), func(tx *store.Tx) error { return Remove(tx, sc.ID) }); err != nil {
		t.Fatal(err)
	}
	// The daemon looks again within reloadEvery; a run may have started.
	time.Sleep(reloadEvery + time.Second)
	n := jobs.count()
	time.Sleep(3 * time.Second)
	if got := jobs.count(); got != n {
		t.Errorf("%d runs after the last schedule was removed", got-n)
	}
	close(stop)
	<-done
}

func TestOneDaemonPerStore(t *testing.T) {
	dir := t.TempDir()
	release, err := Lock(dir)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := Lock(dir); !errors.Is(err, ErrRunning) || !strings.Contains(err.Error(), "pid ") {
		t.Fatalf("a second daemon: %v", err)
	}
	release()
	again, err := Lock(dir)
	if err != nil {
		t.Fatalf("after release: %v", err)
	}
	again()
}
