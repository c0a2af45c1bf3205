package daemon

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"runtime"
	"slices"
	"sync"
	"time"

	"vc/history"
	"vc/run"
	"vc/store"
)

// Jobs runs saved jobs for the daemon, through the run path the console
// uses: history, captures and all.
type Jobs interface {
	// Run runs the job now. drain, when closed, stops it starting more
	// devices; ctx bounds those still running. A job that could not run
	// comes back with an error, and with the run that records why when
	// there is one.
	Run(ctx context.Context, job string, drain <-chan struct{}) (*run.Run, error)
}

// Options configure the service.
type Options struct {
	Store *store.Store
	Jobs  Jobs
	Log   *slog.Logger
	// Drain is how long running devices may go on after a stop is asked
	// (SIGTERM) before they are cancelled.
	Drain time.Duration
	// CatchUp runs, at start, each job whose fire times were missed while
	// no daemon ran, once.
	CatchUp bool
	// Now is the clock; tests set it.
	Now func() time.Time
}

// How often the daemon writes its status and looks for changed schedules.
const (
	beatEvery   = 5 * time.Second
	reloadEvery = 2 * time.Second
	// lateAfter is how far past its fire time a run may start and still
	// be on time.
	lateAfter = 2 * time.Second
)

// service is one daemon's state.
type service struct {
	o       Options
	log     *slog.Logger
	status  Status
	mu      sync.Mutex
	active  map[string]*job // by job slug: a job runs once at a time
	wg      sync.WaitGroup
	drain   chan struct{}
	version uint64
	// loaded says scheds were read at version; none left is an empty
	// list, not one still to read.
	loaded bool
	scheds []*Schedule
	// ended tells the loop a job ended, so the status says so at once
	// rather than at the next beat.
	ended chan struct{}
}

type job struct {
	Active
	cancel context.CancelFunc
}

// Serve runs due jobs until ctx ends (at once: running jobs are
// cancelled) or stop is closed (a drain: no job starts, running devices
// get Options.Drain, then the rest are cancelled). reload asks it to
// re-read the schedules now (SIGHUP); it also does when they change.
func Serve(ctx context.Context, o Options, stop, reload <-chan struct{}) error {
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.Log == nil {
		o.Log = slog.New(slog.DiscardHandler)
	}
	host, _ := os.Hostname()
	s := &service{o: o, log: o.Log, active: map[string]*job{}, drain: make(chan struct{}), ended: make(chan struct{}, 1),
		status: Status{PID: os.Getpid(), Host: host, Started: o.Now()}}
	if err := s.load(ctx, true); err != nil {
		return err
	}
	s.log.Info("daemon started", "pid", s.status.PID, "schedules", len(s.scheds))
	s.missed(ctx)
	s.beat(ctx)
	beat := time.NewTicker(beatEvery)
	defer beat.Stop()
	check := time.NewTicker(reloadEvery)
	defer check.Stop()
	for {
		next, due := s.nextFire()
		wait := time.Hour
		if !next.IsZero() {
			wait = max(0, next.Sub(o.Now()))
		}
		timer := time.NewTimer(wait)
		select {
		case <-ctx.Done():
			timer.Stop()
			s.stopAll(true)
			return s.finish(ctx)
		case <-stop:
			timer.Stop()
			s.log.Info("stopping: draining the running jobs", "drain", o.Drain.String())
			close(s.drain)
			s.stopAll(false)
			return s.finish(ctx)
		case <-reload:
			timer.Stop()
			s.log.Info("reloading schedules (SIGHUP)")
			_ = s.load(ctx, true)
		case <-check.C:
			timer.Stop()
			_ = s.load(ctx, false)
		case <-beat.C:
			timer.Stop()
			s.beat(ctx)
		case <-s.ended:
			timer.Stop()
			s.beat(ctx)
		case <-timer.C:
			for _, sc := range due {
				s.fire(ctx, sc, next)
			}
			// What runs now, and what is next, show at once.
			s.beat(ctx)
		}
	}
}

// load reads the schedules when they changed (or always, when forced).
func (s *service) load(ctx context.Context, force bool) error {
	var v uint64
	var scheds []*Schedule
	read := false
	err := s.o.Store.View(ctx, func(t *store.Tx) error {
		v = Version(t)
		if !force && s.loaded && v == s.version {
			return nil
		}
		var err error
		scheds, err = List(t)
		read = err == nil
		return err
	})
	if err != nil {
		s.log.Error("cannot read the schedules", "err", err)
		return err
	}
	if read {
		if s.loaded && v != s.version {
			s.log.Info("schedules changed", "schedules", len(scheds))
		}
		s.version, s.scheds, s.loaded = v, scheds, true
	}
	return nil
}

// nextFire is the earliest fire time to come, and the schedules due then.
func (s *service) nextFire() (time.Time, []*Schedule) {
	now := s.o.Now()
	var at time.Time
	var due []*Schedule
	for _, sc := range s.scheds {
		if !sc.Enabled {
			continue
		}
		t, ok := nextOf(sc, now)
		if !ok {
			continue
		}
		switch {
		case at.IsZero() || t.Before(at):
			at, due = t, []*Schedule{sc}
		case t.Equal(at):
			due = append(due, sc)
		}
	}
	return at, due
}

// nextOf is a schedule's next fire time: the one after the last dealt
// with (or since it was made or enabled again), so @every counts from
// there and not from whenever the loop woke up. Times that passed while
// no daemon ran were dealt with at start (missed).
func nextOf(sc *Schedule, now time.Time) (time.Time, bool) {
	ts, err := sc.Next(sc.since(), 1)
	if err != nil || len(ts) == 0 {
		return time.Time{}, false
	}
	if ts[0].Before(now.Add(-lateAfter)) {
		// Fallen behind (the clock jumped, the machine slept): go on
		// from now rather than fire each time that passed.
		if ts, err = sc.Next(now.Add(-time.Second).Truncate(time.Second), 1); err != nil || len(ts) == 0 {
			return time.Time{}, false
		}
	}
	return ts[0], true
}

// missed records the fire times that passed while no daemon ran, and with
// CatchUp runs each such job once.
func (s *service) missed(ctx context.Context) {
	now := s.o.Now()
	for _, sc := range s.scheds {
		if !sc.Enabled {
			continue
		}
		due, err := sc.Due(sc.since(), now.Add(-time.Second))
		if err != nil || len(due) == 0 {
			continue
		}
		first, last := due[0], due[len(due)-1]
		note := fmt.Sprintf("%d fire %s missed while no daemon ran, from %s to %s", len(due), plural("time", len(due)),
			first.Format(time.RFC3339), last.Format(time.RFC3339))
		spec := run.Spec{Origin: "schedule", Job: sc.Job, Note: note}
		id, err := history.Note(ctx, s.o.Store, spec, run.StatusMissed, last)
		if err != nil {
			s.log.Error("cannot record missed runs", "schedule", sc.ID, "err", err)
			continue
		}
		s.status.Missed += len(due)
		s.log.Warn("missed runs", "schedule", sc.ID, "job", sc.Job, "count", len(due), "from", first, "to", last, "run", id)
		_ = s.o.Store.Update(ctx, func(t *store.Tx) error { return noteFired(t, sc.ID, last, id, string(run.StatusMissed)) })
		sc.Fired = last
		if s.o.CatchUp {
			s.log.Info("catching up", "schedule", sc.ID, "job", sc.Job)
			s.start(ctx, sc, last)
		}
	}
}

// fire runs a schedule's job for its fire time, unless the job still runs.
func (s *service) fire(ctx context.Context, sc *Schedule, at time.Time) {
	sc.Fired = at
	s.mu.Lock()
	busy := s.active[sc.Job]
	s.mu.Unlock()
	if busy != nil {
		note := fmt.Sprintf("due at %s while its run of %s (since %s) still went on", at.Format(time.RFC3339),
			busy.Fire.Format(time.RFC3339), busy.Since.Format(time.RFC3339))
		id, err := history.Note(ctx, s.o.Store, run.Spec{Origin: "schedule", Job: sc.Job, Note: note}, run.StatusSkipped, at)
		if err == nil {
			_ = s.o.Store.Update(ctx, func(t *store.Tx) error { return noteFired(t, sc.ID, at, id, string(run.StatusSkipped)) })
		}
		s.status.Skipped++
		s.log.Warn("skipped: the job is still running", "schedule", sc.ID, "job", sc.Job, "due", at, "run", id)
		return
	}
	s.start(ctx, sc, at)
}

// start runs a job in the background.
func (s *service) start(ctx context.Context, sc *Schedule, at time.Time) {
	now := s.o.Now()
	s.status.Fired++
	if now.Sub(at) > lateAfter {
		s.status.Late++
	}
	jctx, cancel := context.WithCancel(context.WithoutCancel(ctx))
	j := &job{Active: Active{Schedule: sc.ID, Job: sc.Job, Since: now, Fire: at}, cancel: cancel}
	s.mu.Lock()
	s.active[sc.Job] = j
	s.mu.Unlock()
	_ = s.o.Store.Update(ctx, func(t *store.Tx) error { return noteFired(t, sc.ID, at, 0, "running") })
	s.log.Info("running", "schedule", sc.ID, "job", sc.Job, "due", at)
	s.wg.Go(func() {
		defer cancel()
		r, err := s.o.Jobs.Run(jctx, sc.Job, s.drain)
		s.mu.Lock()
		delete(s.active, sc.Job)
		s.mu.Unlock()
		status, id := "failed", uint64(0)
		if r != nil {
			id = r.ID
		}
		switch {
		case err != nil:
			s.log.Error("the job did not run", "schedule", sc.ID, "job", sc.Job, "run", id, "err", err)
		case r != nil:
			status, id = string(r.Status), r.ID
			c := r.Counts()
			s.log.Info("done", "schedule", sc.ID, "job", sc.Job, "run", r.ID, "status", r.Status, "ok", c.OK, "failed", c.Failed,
				"took", r.End.Sub(r.Start).Round(time.Millisecond).String())
		}
		_ = s.o.Store.Update(context.WithoutCancel(ctx), func(t *store.Tx) error { return noteFired(t, sc.ID, at, id, status) })
		select {
		case s.ended <- struct{}{}:
		default:
		}
	})
}

// stopAll ends the running jobs: at once, or after the drain time.
func (s *service) stopAll(now bool) {
	done := make(chan struct{})
	go func() {
		s.wg.Wait()
		close(done)
	}()
	if !now {
		select {
		case <-done:
			return
		case <-time.After(s.o.Drain):
			s.log.Warn("drain time over: cancelling what still runs")
		}
	}
	s.mu.Lock()
	for _, j := range s.active {
		j.cancel()
	}
	s.mu.Unlock()
	<-done
}

// beat writes the daemon's status.
func (s *service) beat(ctx context.Context) {
	s.mu.Lock()
	s.status.Running = s.status.Running[:0]
	for _, j := range s.active {
		s.status.Running = append(s.status.Running, j.Active)
	}
	s.mu.Unlock()
	slices.SortFunc(s.status.Running, func(a, b Active) int { return int(a.Schedule) - int(b.Schedule) })
	s.status.Next = s.status.Next[:0]
	for _, sc := range s.scheds {
		if !sc.Enabled {
			continue
		}
		if t, ok := nextOf(sc, s.o.Now()); ok {
			s.status.Next = append(s.status.Next, Due{Schedule: sc.ID, Job: sc.Job, At: t})
		}
	}
	s.status.Beat = s.o.Now()
	s.status.Goroutines = runtime.NumGoroutine()
	s.status.RSS = rss()
	st := s.status
	if err := s.o.Store.Update(ctx, func(t *store.Tx) error { return writeStatus(t, &st) }); err != nil && !errors.Is(err, context.Canceled) {
		s.log.Error("cannot write the daemon's status", "err", err)
	}
}

// finish says the daemon stopped.
func (s *service) finish(ctx context.Context) error {
	s.status.Stopped = s.o.Now()
	// A stopped daemon fires nothing: its status lists no next times.
	s.scheds = nil
	s.beat(context.WithoutCancel(ctx))
	s.log.Info("daemon stopped")
	return nil
}

func plural(w string, n int) string {
	if n == 1 {
		return w
	}
	return w + "s"
}

// Upcoming lists the next n times the schedule fires, as a running daemon
// reckons them (from its last fire time, for @every).
func (s *Schedule) Upcoming(now time.Time, n int) []time.Time {
	t, ok := nextOf(s, now)
	if !ok || n < 1 {
		return nil
	}
	rest, _ := s.Next(t, n-1)
	return append([]time.Time{t}, rest...)
}
