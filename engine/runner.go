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

// DefaultHandshakes is the handshakes in progress at once: 16 per core.
func DefaultHandshakes() int { return 16 * runtime.GOMAXPROCS(0) }

// Runner runs plans and keeps sessions warm between them. It is safe for
// concurrent use; runs on the same device take turns.
type Runner struct {
	dial      *dialer
	keepalive time.Duration

	mu       sync.Mutex
	sessions map[string]*session
	// turns holds one token per device: a device runs one thing at a time.
	turns map[string]*turnToken
	// places are the group limits and the worker budget its runs share.
	places *places
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
		places: newPlaces(), stop: make(chan struct{}), dial: &dialer{jumps: newJumpPool(), pace: make(chan struct{}, n)}}
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
//
// The limits are the runner's, not the plan's: runs at the same time (jobs
// run side by side) share one place per group, sized by the smallest limit
// their plans give it, and one worker budget, sized by the largest of
// their Workers; a run alone is held to its plan as before. A limit
// lowered by a run that comes later holds for the places taken from then
// on: sessions already at work are not stopped.
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
		pl := r.places.join(&p, workers)
		defer r.places.leave(pl)
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
					// The places go back here, not in the dispatcher: after
					// a cancel nobody reads finished, and a place kept
					// would be lost to every later run of the runner.
					pl.release(t.Group)
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
		left, drained := dispatch(ctx, &p, pl, work, finished)
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
// each once its group has a place for it and the runner a worker, and
// returns the targets it never handed out because ctx ended or the plan
// was drained (then drained is set). Each target a worker is done with
// comes back on finished, its places given back. A place another run
// gives back, or grants this one, comes as a wake.
func dispatch(ctx context.Context, p *Plan, pl *runPlaces, work chan<- int, finished <-chan int) (left []int, drained bool) {
	waiting := map[string][]int{} // targets waiting for their group, in order
	var order []string            // the groups with targets waiting, oldest first
	var ready []int               // targets that may start, their group's place taken
	next, running := 0, 0
	haveWorker := false // a place in the runner's worker budget, for ready[0]
	// retry gives the waiting targets the places their groups have now.
	retry := func() {
		kept := order[:0]
		for _, g := range order {
			q := waiting[g]
			for len(q) > 0 && pl.acquire(g) {
				ready = append(ready, q[0])
				q = q[1:]
			}
			if len(q) == 0 {
				delete(waiting, g)
				continue
			}
			waiting[g] = q
			kept = append(kept, g)
		}
		order = kept
	}
	for {
		// Look ahead only as far as it takes to have something ready: the
		// queues hold indices, never goroutines.
		for len(ready) == 0 && next < len(p.Targets) {
			i := next
			next++
			g := p.Targets[i].Group
			switch {
			case !pl.limited(g):
				ready = append(ready, i)
			case len(waiting[g]) == 0 && pl.acquire(g):
				ready = append(ready, i)
			default:
				if len(waiting[g]) == 0 {
					order = append(order, g)
				}
				waiting[g] = append(waiting[g], i)
			}
		}
		if len(ready) == 0 && running == 0 && len(order) == 0 {
			return nil, false
		}
		if len(ready) > 0 && !haveWorker {
			haveWorker = pl.worker.acquire()
		}
		var offer chan<- int // nil, so never chosen, while nothing may start
		var first int
		if len(ready) > 0 && haveWorker {
			offer, first = work, ready[0]
		}
		select {
		case offer <- first:
			ready = ready[1:]
			running++
			haveWorker = false
		case <-finished:
			running--
			retry()
		case <-pl.wake:
			retry()
		case <-ctx.Done():
			return notStarted(p, pl, ready, next, waiting, haveWorker), false
		case <-p.Drain:
			return notStarted(p, pl, ready, next, waiting, haveWorker), true
		}
	}
}

// notStarted lists the targets a dispatcher never handed out, in order,
// giving back the places it took for them.
func notStarted(p *Plan, pl *runPlaces, ready []int, next int, waiting map[string][]int, haveWorker bool) []int {
	left := slices.Clone(ready)
	for _, i := range ready {
		pl.releaseGroup(p.Targets[i].Group)
	}
	if haveWorker {
		pl.worker.sem.release()
	}
	for i := next; i < len(p.Targets); i++ {
		left = append(left, i)
	}
	for _, q := range waiting {
		left = append(left, q...)
	}
	slices.Sort(left)
	return left
}

// places are the limits a runner's runs share: a fair semaphore per
// limited group (site, jump host) and one for the worker budget. A
// group's semaphore lives while some run uses it, so a site whose limit
// changed gets the new one once the runs that knew the old one end, and a
// long-lived runner keeps nothing of the sites it met.
type places struct {
	mu      sync.Mutex
	groups  map[string]*fairSem
	workers *fairSem
}

func newPlaces() *places {
	return &places{groups: map[string]*fairSem{}, workers: newFairSem(largest)}
}

// runPlaces are one run's claims on its runner's places.
type runPlaces struct {
	// wake tells the dispatcher a place was granted to it; its claims
	// share it, and it holds one signal at most.
	wake   chan struct{}
	groups map[string]*claim // the groups this run's plan limits
	worker *claim
}

// join enters a plan's limits into the runner's places: its group limits
// and its worker count.
func (ps *places) join(p *Plan, workers int) *runPlaces {
	pl := &runPlaces{wake: make(chan struct{}, 1), groups: map[string]*claim{}}
	ps.mu.Lock()
	defer ps.mu.Unlock()
	for g, n := range p.GroupLimits {
		if n <= 0 {
			continue
		}
		s := ps.groups[g]
		if s == nil {
			s = newFairSem(smallest)
			ps.groups[g] = s
		}
		pl.groups[g] = s.join(pl.wake, n)
	}
	pl.worker = ps.workers.join(pl.wake, workers)
	return pl
}

// leave takes a finished run's claims out, handing back places granted to
// it that it never used.
func (ps *places) leave(pl *runPlaces) {
	ps.mu.Lock()
	defer ps.mu.Unlock()
	for g, c := range pl.groups {
		if c.sem.leave(c) == 0 {
			delete(ps.groups, g)
		}
	}
	pl.worker.sem.leave(pl.worker)
}

// limited reports whether the run counts its targets of group g.
func (pl *runPlaces) limited(g string) bool { return pl.groups[g] != nil }

// acquire takes a place in group g for one target, or queues the run for
// one.
func (pl *runPlaces) acquire(g string) bool { return pl.groups[g].acquire() }

// releaseGroup gives back a place in group g, when the run counts it.
func (pl *runPlaces) releaseGroup(g string) {
	if c := pl.groups[g]; c != nil {
		c.sem.release()
	}
}

// release gives back a target's places: its group's and its worker's.
func (pl *runPlaces) release(g string) {
	pl.releaseGroup(g)
	pl.worker.sem.release()
}

// fairSem is a counting semaphore that runs share without ever blocking
// in it: a run that finds no place is queued, first come first served, and
// told on its wake channel once a place was set aside for it. So two jobs
// at one site take turns, and a run waiting for one site never holds up
// its targets at another.
type fairSem struct {
	// size settles the limit from the limits the runs in it asked for.
	size func(asked map[*claim]int) int

	mu     sync.Mutex
	limit  int // 0: none
	active int
	queue  []*claim
	asked  map[*claim]int
}

// Sizes of a shared limit: a site's sessions are held to the strictest
// plan, the worker budget to the largest (each run keeps to its own count
// with its own workers).
func smallest(asked map[*claim]int) int {
	n := 0
	for _, v := range asked {
		if n == 0 || v < n {
			n = v
		}
	}
	return n
}

func largest(asked map[*claim]int) int {
	n := 0
	for _, v := range asked {
		n = max(n, v)
	}
	return n
}

func newFairSem(size func(map[*claim]int) int) *fairSem {
	return &fairSem{size: size, asked: map[*claim]int{}}
}

// claim is one run's stake in one semaphore.
type claim struct {
	sem     *fairSem
	wake    chan struct{}
	queued  bool
	granted int // places set aside for the run while it was queued
}

func (s *fairSem) join(wake chan struct{}, limit int) *claim {
	c := &claim{sem: s, wake: wake}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.asked[c] = limit
	s.limit = s.size(s.asked)
	s.serve()
	return c
}

// leave takes c out and says how many runs are still in.
func (s *fairSem) leave(c *claim) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	if c.queued {
		s.queue = slices.DeleteFunc(s.queue, func(q *claim) bool { return q == c })
	}
	s.active -= c.granted
	c.granted, c.queued = 0, false
	delete(s.asked, c)
	s.limit = s.size(s.asked)
	s.serve()
	return len(s.asked)
}

func (s *fairSem) free() bool { return s.limit <= 0 || s.active < s.limit }

// acquire takes a place set aside for the claim's run, or a free one when
// no other run waits, or else queues the run.
func (c *claim) acquire() bool {
	s := c.sem
	s.mu.Lock()
	defer s.mu.Unlock()
	if c.granted > 0 {
		c.granted--
		return true
	}
	if s.free() && len(s.queue) == 0 {
		s.active++
		return true
	}
	if !c.queued {
		c.queued = true
		s.queue = append(s.queue, c)
	}
	return false
}

func (s *fairSem) release() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.active--
	s.serve()
}

// serve sets free places aside for the queued runs, in turn, and wakes
// them.
func (s *fairSem) serve() {
	for len(s.queue) > 0 && s.free() {
		c := s.queue[0]
		s.queue = s.queue[1:]
		c.queued = false
		c.granted++
		s.active++
		select {
		case c.wake <- struct{}{}:
		default: // a wake is pending already
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
