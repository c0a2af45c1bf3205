package engine

import (
	"context"
	"errors"
	"fmt"
	"runtime"
	"slices"
	"sort"
	"sync"
	"time"
)

// EventKind says what happened to a device during a run.
type EventKind int

// The events of a run, in the order a device goes through them.
const (
	EventStarted EventKind = iota
	EventConnected
	EventOutput
	EventDone
	EventFailed
)

// Event is one step of one device's run. Output carries one command's
// output; Done and Failed end a device's run.
type Event struct {
	Kind   EventKind
	Target string
	// Cred is the credential the session logged in with.
	Cred string
	// Reused is true when a warm session served the run.
	Reused  bool
	Command string
	Output  string
	// Err says why a device failed (Failed), or why one command did
	// (Output, for commands that report failure).
	Err *Error
	// Attempts is how each credential fared, for the caller to remember.
	Attempts []Attempt
	Elapsed  time.Duration
}

// Options configure a Runner.
type Options struct {
	// KnownHosts is the known_hosts file; empty disables host-key checks.
	KnownHosts string
	// Keepalive is how long an idle session stays open for the next run;
	// zero closes sessions after each run.
	Keepalive time.Duration
	// Handshakes caps the SSH handshakes in progress at once; zero is
	// DefaultHandshakes. A handshake costs CPU on both ends: a thousand
	// at once on a few cores each take seconds and time out, where the
	// same thousand a few dozen at a time finish as fast and none waits
	// on its deadline.
	Handshakes int
}

// DefaultHandshakes is the handshakes in progress at once, per core.
func DefaultHandshakes() int { return 16 * runtime.GOMAXPROCS(0) }

// Runner runs plans and keeps sessions warm between them. It is safe for
// concurrent use; runs on the same device take turns.
type Runner struct {
	dial      *dialer
	keepalive time.Duration

	mu       sync.Mutex
	sessions map[string]*session
	// turns holds one token per device: a device runs one thing at a time.
	turns  map[string]*turnToken
	stop   chan struct{}
	closed bool
	wg     sync.WaitGroup
}

// NewRunner returns a runner; Close it to end its sessions.
func NewRunner(o Options) (*Runner, error) {
	n := o.Handshakes
	if n <= 0 {
		n = DefaultHandshakes()
	}
	r := &Runner{keepalive: o.Keepalive, sessions: map[string]*session{}, turns: map[string]*turnToken{},
		stop: make(chan struct{}), dial: &dialer{jumps: newJumpPool(), pace: make(chan struct{}, n)}}
	if o.KnownHosts != "" {
		hk, err := LoadHostKeys(o.KnownHosts)
		if err != nil {
			return nil, err
		}
		r.dial.hostKeys = hk
	}
	r.wg.Add(1)
	go r.janitor()
	return r, nil
}

// SetKeepalive changes how long idle sessions stay open.
func (r *Runner) SetKeepalive(d time.Duration) {
	r.mu.Lock()
	r.keepalive = d
	r.mu.Unlock()
	r.expire()
}

// HostKeys is the runner's known_hosts, nil when checks are off.
func (r *Runner) HostKeys() *HostKeys { return r.dial.hostKeys }

// janitor closes sessions that stayed idle longer than the keepalive.
func (r *Runner) janitor() {
	defer r.wg.Done()
	t := time.NewTicker(time.Second)
	defer t.Stop()
	for {
		select {
		case <-r.stop:
			return
		case <-t.C:
			r.expire()
		}
	}
}

func (r *Runner) expire() {
	r.mu.Lock()
	var old []*session
	for k, s := range r.sessions {
		if time.Since(s.lastUsed) > r.keepalive || !s.alive() {
			old = append(old, s)
			delete(r.sessions, k)
		}
	}
	r.mu.Unlock()
	for _, s := range old {
		s.close()
	}
}

// Close ends every session and stops the runner.
func (r *Runner) Close() error {
	r.mu.Lock()
	if r.closed {
		r.mu.Unlock()
		return nil
	}
	r.closed = true
	close(r.stop)
	all := r.sessions
	r.sessions = map[string]*session{}
	r.mu.Unlock()
	for _, s := range all {
		s.close()
	}
	r.dial.jumps.closeAll()
	r.wg.Wait()
	return nil
}

// SessionInfo describes a warm session.
type SessionInfo struct {
	Target   string
	Addr     string
	Cred     string
	Platform string
	Opened   time.Time
	Idle     time.Duration
}

// Sessions lists the warm sessions, by target name.
func (r *Runner) Sessions() []SessionInfo {
	r.mu.Lock()
	defer r.mu.Unlock()
	out := make([]SessionInfo, 0, len(r.sessions))
	for _, s := range r.sessions {
		if !s.alive() {
			continue
		}
		out = append(out, SessionInfo{Target: s.target, Addr: s.addr, Cred: s.cred.Name, Platform: s.platform.Name,
			Opened: s.opened, Idle: time.Since(s.lastUsed)})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Target < out[j].Target })
	return out
}

// CloseSessions ends the warm sessions whose target match accepts, and
// says how many live ones it closed.
func (r *Runner) CloseSessions(match func(target string) bool) int {
	r.mu.Lock()
	var gone []*session
	n := 0
	for k, s := range r.sessions {
		if match(s.target) {
			if s.alive() {
				n++
			}
			gone = append(gone, s)
			delete(r.sessions, k)
		}
	}
	r.mu.Unlock()
	for _, s := range gone {
		s.close()
	}
	return n
}

func sessionKey(t *Target) string { return t.Name + "\x00" + t.Addr() }

// turn waits for the device's token, so one device runs one thing at a
// time. The token lives while a run holds it or waits for it, and no
// longer: a long-lived runner that met a hundred thousand devices keeps
// none of their tokens.
func (r *Runner) turn(ctx context.Context, key string) (func(), error) {
	r.mu.Lock()
	tk, ok := r.turns[key]
	if !ok {
		tk = &turnToken{ch: make(chan struct{}, 1)}
		r.turns[key] = tk
	}
	tk.users++
	r.mu.Unlock()
	leave := func() {
		r.mu.Lock()
		if tk.users--; tk.users == 0 {
			delete(r.turns, key)
		}
		r.mu.Unlock()
	}
	select {
	case tk.ch <- struct{}{}:
		return func() {
			<-tk.ch
			leave()
		}, nil
	case <-ctx.Done():
		leave()
		return nil, ctx.Err()
	}
}

// turnToken is one device's token and how many runs hold or wait for it.
type turnToken struct {
	ch    chan struct{}
	users int
}

// Run runs the plan and streams its events. The channel closes when every
// target has finished; the caller must read it to the end. Cancelling ctx
// ends the run at once: devices not yet done fail as canceled.
//
// A dispatcher hands targets to at most Plan.Workers workers, so a plan of
// a hundred thousand targets costs goroutines by the worker, not by the
// target. A target whose group (site) is at its limit waits in the
// dispatcher's queue, holding no worker, so the other groups' targets go
// ahead of it.
func (r *Runner) Run(ctx context.Context, p Plan) <-chan Event {
	events := make(chan Event, 256)
	go func() {
		defer close(events)
		var cancel context.CancelFunc = func() {}
		if p.Overall > 0 {
			ctx, cancel = context.WithTimeout(ctx, p.Overall)
		}
		defer cancel()
		workers := p.Workers
		if workers <= 0 {
			workers = DefaultWorkers
		}
		workers = min(workers, len(p.Targets))
		to, maxOutput := p.Timeouts.withDefaults(), p.maxOutput()
		work := make(chan int)
		finished := make(chan int)
		// dispatched is closed once the dispatcher has returned, so a
		// worker finishing after a drain does not wait for it.
		dispatched := make(chan struct{})
		var wg sync.WaitGroup
		for range workers {
			wg.Go(func() {
				for i := range work {
					t := &p.Targets[i]
					cmds := p.Commands
					if len(t.Commands) > 0 {
						cmds = t.Commands
					}
					r.runOne(ctx, t, cmds, to, maxOutput, events)
					select {
					case finished <- i:
					case <-ctx.Done():
						// The dispatcher is leaving, or has left: it hands
						// out nothing more.
					case <-dispatched:
					}
				}
			})
		}
		left, drained := dispatch(ctx, &p, work, finished)
		close(dispatched)
		for _, i := range left {
			t := &p.Targets[i]
			err := classify(ctx, "queue", 0, ctx.Err())
			if drained {
				err = failure(KindCanceled, nil, "not started: the run was stopped before this device's turn")
			}
			events <- Event{Kind: EventFailed, Target: t.Name, Err: err}
		}
		close(work)
		wg.Wait()
	}()
	return events
}

// dispatch hands the plan's targets to the workers through work, in order,
// each once its group is under its limit, and returns the targets it never
// handed out because ctx ended or the plan was drained (then drained is
// set). Each target a worker is done with comes back on finished.
// notStarted lists the targets a dispatcher never handed out, in order.
func notStarted(p *Plan, ready []int, next int, waiting map[string][]int) []int {
	left := slices.Clone(ready)
	for i := next; i < len(p.Targets); i++ {
		left = append(left, i)
	}
	for _, q := range waiting {
		left = append(left, q...)
	}
	slices.Sort(left)
	return left
}

func dispatch(ctx context.Context, p *Plan, work chan<- int, finished <-chan int) (left []int, drained bool) {
	limit := func(g string) int { return p.GroupLimits[g] }
	active := map[string]int{}    // targets running, per limited group
	waiting := map[string][]int{} // targets waiting for their group, in order
	var ready []int               // targets that may start, their group's place taken
	next, running := 0, 0
	for {
		// Look ahead only as far as it takes to have something ready: the
		// queues hold indices, never goroutines.
		for len(ready) == 0 && next < len(p.Targets) {
			i := next
			next++
			g := p.Targets[i].Group
			switch {
			case limit(g) <= 0:
				ready = append(ready, i)
			case active[g] < limit(g):
				active[g]++
				ready = append(ready, i)
			default:
				waiting[g] = append(waiting[g], i)
			}
		}
		if len(ready) == 0 && running == 0 {
			return nil, false // nothing waits for a place that nobody holds
		}
		var offer chan<- int // nil, so never chosen, while nothing is ready
		var first int
		if len(ready) > 0 {
			offer, first = work, ready[0]
		}
		select {
		case offer <- first:
			ready = ready[1:]
			running++
		case i := <-finished:
			running--
			g := p.Targets[i].Group
			if limit(g) <= 0 {
				break
			}
			if q := waiting[g]; len(q) > 0 {
				ready = append(ready, q[0])
				if waiting[g] = q[1:]; len(waiting[g]) == 0 {
					delete(waiting, g)
				}
			} else {
				active[g]--
			}
		case <-ctx.Done():
			return notStarted(p, ready, next, waiting), false
		case <-p.Drain:
			return notStarted(p, ready, next, waiting), true
		}
	}
}

// runOne runs the commands on one target and reports how it went.
// Its time, Elapsed, starts when its turn comes: a worker took it and no
// other run holds the device.
func (r *Runner) runOne(ctx context.Context, t *Target, cmds []string, to Timeouts, maxOutput int64, events chan<- Event) {
	start := time.Now()
	log := newTranscript(t.SessionLog, t.Creds)
	// The last event tells the caller it may close the session log: the
	// transcript is complete before it.
	end := func(ev Event) {
		log.close()
		ev.Target, ev.Elapsed = t.Name, time.Since(start)
		events <- ev
	}
	fail := func(err error, attempts []Attempt) {
		end(Event{Kind: EventFailed, Err: classify(ctx, "run", 0, err), Attempts: attempts})
	}
	events <- Event{Kind: EventStarted, Target: t.Name}
	key := sessionKey(t)
	done, err := r.turn(ctx, key)
	if err != nil {
		fail(err, nil)
		return
	}
	defer done()
	start = time.Now()
	s, reused, attempts, err := r.session(ctx, t, to, maxOutput, log)
	if err != nil {
		fail(err, attempts)
		return
	}
	events <- Event{Kind: EventConnected, Target: t.Name, Cred: s.cred.Name, Reused: reused}
	var cmdErr *Error
	for i, cmd := range cmds {
		out, err := s.run(ctx, cmd, to.Command)
		if err != nil && reused && i == 0 && isKind(err, KindClosed) {
			// The device closed a warm session while it sat idle; log in
			// again, once, without troubling the user.
			s.close()
			s, reused, attempts, err = r.session(ctx, t, to, maxOutput, log)
			if err != nil {
				fail(err, attempts)
				return
			}
			out, err = s.run(ctx, cmd, to.Command)
		}
		var e *Error
		if errors.As(err, &e) && e.Kind == KindCommand {
			// The device ran the command and said it failed: the output
			// stands, the session too.
			events <- Event{Kind: EventOutput, Target: t.Name, Command: cmd, Output: out, Err: e}
			cmdErr = e
			continue
		}
		if err != nil {
			s.close()
			fail(err, attempts)
			return
		}
		events <- Event{Kind: EventOutput, Target: t.Name, Command: cmd, Output: out}
	}
	// A parked session writes to no run's transcript.
	s.setLog(nil)
	r.park(key, s)
	if cmdErr != nil {
		end(Event{Kind: EventFailed, Cred: s.cred.Name, Reused: reused, Err: cmdErr, Attempts: attempts})
		return
	}
	end(Event{Kind: EventDone, Cred: s.cred.Name, Reused: reused, Attempts: attempts})
}

func isKind(err error, k Kind) bool {
	var e *Error
	return errors.As(err, &e) && e.Kind == k
}

// session returns a warm session for t, or opens one.
func (r *Runner) session(ctx context.Context, t *Target, to Timeouts, maxOutput int64, log *transcript) (*session, bool, []Attempt, error) {
	key := sessionKey(t)
	r.mu.Lock()
	s := r.sessions[key]
	delete(r.sessions, key)
	r.mu.Unlock()
	if s != nil && s.alive() {
		s.setMaxOutput(maxOutput)
		s.setLog(log)
		return s, true, nil, nil
	}
	if s != nil {
		s.close()
	}
	s, attempts, err := open(ctx, r.dial, to, t, maxOutput, log)
	if err != nil {
		return nil, false, attempts, err
	}
	return s, false, attempts, nil
}

// park keeps a session for the next run, or closes it.
func (r *Runner) park(key string, s *session) {
	s.lastUsed = time.Now()
	r.mu.Lock()
	keep := r.keepalive > 0 && !r.closed
	if keep {
		if old := r.sessions[key]; old != nil && old != s {
			defer old.close()
		}
		r.sessions[key] = s
	}
	r.mu.Unlock()
	if !keep {
		s.close()
	}
}

// Collect runs a plan and gathers its results by target, for callers that
// do not render as events arrive.
func (r *Runner) Collect(ctx context.Context, p Plan) map[string]*Result {
	out := map[string]*Result{}
	for ev := range r.Run(ctx, p) {
		res := out[ev.Target]
		if res == nil {
			res = &Result{Target: ev.Target}
			out[ev.Target] = res
		}
		res.Add(ev)
	}
	return out
}

// Result is everything a run produced for one target.
type Result struct {
	Target   string
	Cred     string
	Reused   bool
	Outputs  []Output
	Err      *Error
	Attempts []Attempt
	Elapsed  time.Duration
}

// Output is one command's output.
type Output struct {
	Command string
	Text    string
	Err     *Error
}

// Add folds an event into the result; callers that consume events use it
// to build results as they go.
func (res *Result) Add(ev Event) {
	switch ev.Kind {
	case EventConnected:
		res.Cred, res.Reused = ev.Cred, ev.Reused
	case EventOutput:
		res.Outputs = append(res.Outputs, Output{Command: ev.Command, Text: ev.Output, Err: ev.Err})
	case EventDone, EventFailed:
		res.Err, res.Attempts, res.Elapsed = ev.Err, ev.Attempts, ev.Elapsed
	}
}

// String summarises the result in one line.
func (res *Result) String() string {
	if res.Err != nil {
		return fmt.Sprintf("%s: failed: %s", res.Target, res.Err.Reason)
	}
	return fmt.Sprintf("%s: ok (%d outputs, %s)", res.Target, len(res.Outputs), res.Elapsed.Round(time.Millisecond))
}
