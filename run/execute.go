package run

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/user"
	"runtime"
	"runtime/debug"
	"runtime/metrics"
	"sync"
	"time"

	"vc/engine"
	"vc/records"
	"vc/secrets"
	"vc/templates"
)

// Observer follows a run as it goes, for a progress display. It is called
// from the goroutine that called Execute.
type Observer interface {
	// Started says how many devices the run talks to.
	Started(total int)
	// Finished is told of each device as it ends, in the order they end.
	Finished(d *Device)
}

// Sink records a run: history and captures. Begin is called once the run
// is planned, Checkpoint now and then with the devices that finished since
// (so a run whose process dies keeps what it did), End once with the
// whole run. They are called from the goroutine that called Execute, in
// that order, with a context that a cancelled run does not cancel.
type Sink interface {
	Begin(ctx context.Context, r *Run) error
	Checkpoint(ctx context.Context, r *Run, finished []*Device) error
	End(ctx context.Context, r *Run) error
}

// Result is what a run leaves: the run as recorded, its records (one
// table per command, and the outputs no template parsed), and the
// templates that parsed with their lowest score.
type Result struct {
	Run       *Run
	Records   *records.Set
	Templates map[string]float64
	// Fallbacks are the templates that stood in for the index's choice.
	Fallbacks map[string]Fallback
	// Unparsed counts the outputs whose template failed on them, and
	// FirstParseErr says why the first did; they are shown raw.
	Unparsed      int
	FirstParseErr error
	// SinkErr is the first error a sink met: the run went on without it.
	SinkErr error
	// AttemptsErr says the credentials that worked could not be recorded.
	AttemptsErr error
}

// checkpointEvery is how often finished devices are handed to the sink.
const checkpointEvery = time.Second

// Execute carries out spec and hands it to sink (nil: none) while obs
// (nil: none) follows it. A device's failure is part of the result, not an
// error; the error is for a run that could not start (a bad credential
// name, a locked vault with no password). A cancelled ctx ends the run at
// once: what finished is kept and the run is recorded as cancelled.
func Execute(ctx context.Context, d Deps, spec Spec, sink Sink, obs Observer) (*Result, error) {
	if len(spec.Devices) == 0 {
		return nil, ErrNoDevices
	}
	p, err := resolve(ctx, d, spec)
	if err != nil {
		return nil, err
	}
	defer p.logins.Close()
	logs, err := openSessionLogs(spec.SessionLog, p)
	if err != nil {
		return nil, err
	}
	defer logs.close()
	if sink == nil {
		sink = nopSink{}
	}
	if obs == nil {
		obs = nopObserver{}
	}
	r := &Run{Spec: spec, User: UserName(), Start: time.Now(), Status: StatusRunning,
		Unchecked: p.unchecked, Warnings: p.warnings}
	byName := make(map[string]*Device, len(spec.Devices))
	for _, name := range spec.Devices {
		dev := &Device{Name: name, Platform: p.platform[name]}
		byName[name] = dev
		r.Devices = append(r.Devices, dev)
	}
	for _, name := range p.gone {
		dev := byName[name]
		dev.Done, dev.Kind, dev.Reason = true, KindGone, "no longer in the inventory"
	}
	res := &Result{Run: r}
	// The run's deadline bounds parsing as it bounds the devices.
	if spec.Overall > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, spec.Overall)
		defer cancel()
	}
	sinks := sinkCalls{sink: sink, ctx: context.WithoutCancel(ctx), res: res}
	sinks.note(sink.Begin(sinks.ctx, r))

	defer boundHeap(len(p.engine.Targets))()
	var pool *parsePool
	var notes []parseNote // filled on the pool's goroutine, read once it ends
	if !spec.Raw && d.Library != nil {
		pool = newParsePool(ctx, newParser(d.Library, spec.Templates, spec.MinScore), runtime.GOMAXPROCS(0), d.Shaper,
			func(pr parsed, valid bool) { notes = append(notes, noteOf(pr, valid)) })
	}
	obs.Started(len(p.engine.Targets))
	collect(ctx, d.Engine, p, byName, pool, obs, &sinks, r, logs)

	attempts := map[string][]engine.Attempt{}
	for _, dev := range r.Devices {
		if len(dev.Attempts) > 0 {
			attempts[dev.Name] = dev.Attempts
		}
	}
	// Remembering which credential worked must survive a Ctrl-C that
	// ended the run itself.
	res.AttemptsErr = secrets.RecordAttempts(context.WithoutCancel(ctx), d.Store, attempts)

	if pool != nil {
		tb := pool.wait()
		applyNotes(notes, byName, spec.MinScore)
		res.Templates, res.Fallbacks = tb.used, tb.fallbacks
		res.Unparsed, res.FirstParseErr = tb.failed, tb.firstFailed
		res.Records = assemble(tb, d.Shaper != nil)
	} else {
		var outs []records.Output
		for _, dev := range r.Devices {
			for _, o := range dev.Outputs {
				outs = append(outs, records.Output{Device: dev.Name, Command: o.Command, Text: o.Text})
			}
		}
		res.Records = records.Outputs(outs)
	}
	r.End = time.Now()
	r.Status = r.finalStatus(errors.Is(ctx.Err(), context.Canceled))
	sinks.note(sink.End(sinks.ctx, r))
	return res, nil
}

// sinkCalls keeps the first error a sink returns: recording is worth a
// warning, not the run.
type sinkCalls struct {
	sink Sink
	ctx  context.Context
	res  *Result
}

func (s *sinkCalls) note(err error) {
	if err != nil && s.res.SinkErr == nil {
		s.res.SinkErr = err
	}
}

// collect runs the plan on the engine and files every event into the
// run's devices, queueing outputs for parsing and handing finished devices
// to the sink every checkpointEvery.
func collect(ctx context.Context, eng *engine.Runner, p *plan, byName map[string]*Device, pool *parsePool, obs Observer, sinks *sinkCalls, r *Run, logs *sessionLogs) {
	// Each output's place in the tables: its device's, then its
	// command's in what that device runs.
	index := make(map[string]int, len(p.engine.Targets))
	cmdAt := make(map[string]map[string]int, len(p.engine.Targets))
	width := len(p.engine.Commands)
	for i, t := range p.engine.Targets {
		index[t.Name] = i
		cmds := p.engine.Commands
		if len(t.Commands) > 0 {
			cmds = t.Commands
		}
		width = max(width, len(cmds))
		at := make(map[string]int, len(cmds))
		for j, c := range cmds {
			at[c] = j
		}
		cmdAt[t.Name] = at
	}
	tick := time.NewTicker(checkpointEvery)
	defer tick.Stop()
	var finished []*Device
	flush := func() {
		if len(finished) > 0 {
			sinks.note(sinks.sink.Checkpoint(sinks.ctx, r, finished))
			finished = nil
		}
	}
	events := eng.Run(ctx, p.engine)
	for {
		var ev engine.Event
		var ok bool
		select {
		case ev, ok = <-events:
		case <-tick.C:
			flush()
			continue
		}
		if !ok {
			break
		}
		dev := byName[ev.Target]
		if dev == nil {
			continue
		}
		switch ev.Kind {
		case engine.EventConnected:
			dev.Cred, dev.Reused = ev.Cred, ev.Reused
		case engine.EventOutput:
			o := Output{Command: ev.Command, Text: ev.Output}
			if ev.Err != nil {
				o.Failed = ev.Err.Reason
			}
			dev.Outputs = append(dev.Outputs, o)
			if pool != nil {
				pool.add(records.Output{Device: dev.Name, Command: ev.Command, Text: ev.Output}, dev.Platform,
					index[dev.Name]*width+cmdAt[dev.Name][ev.Command])
			}
		case engine.EventDone, engine.EventFailed:
			dev.Done, dev.Elapsed, dev.Attempts = true, ev.Elapsed, ev.Attempts
			if ev.Cred != "" {
				dev.Cred, dev.Reused = ev.Cred, ev.Reused
			}
			if ev.Err != nil {
				dev.Kind, dev.Reason = ev.Err.Kind.String(), ev.Err.Reason
			}
			if err := logs.done(dev.Name); err != nil {
				r.Warnings = append(r.Warnings, fmt.Sprintf("session log of %s: %v", dev.Name, err))
			}
			obs.Finished(dev)
			finished = append(finished, dev)
		}
	}
	flush()
}

// parseNote is what a device keeps of an output's parse: a few figures,
// not the records (they went into the tables).
type parseNote struct {
	device, command string
	template        string
	score           float64
	records         int
	err             error
	valid           bool
}

func noteOf(pr parsed, valid bool) parseNote {
	n := parseNote{device: pr.out.Device, command: pr.out.Command, err: pr.err, valid: valid}
	if pr.res != nil {
		n.template, n.score, n.records = pr.res.Template, pr.res.Score.Value, pr.records
	}
	return n
}

// applyNotes files the parses into the devices' outputs; a device with an
// output below the minimum score fails validation.
func applyNotes(notes []parseNote, byName map[string]*Device, minScore float64) {
	for _, n := range notes {
		dev := byName[n.device]
		if dev == nil {
			continue
		}
		var o *Output
		for i := range dev.Outputs {
			if dev.Outputs[i].Command == n.command {
				o = &dev.Outputs[i]
				break
			}
		}
		if o == nil {
			continue
		}
		if n.err != nil {
			if !errors.Is(n.err, templates.ErrNoTemplate) {
				o.ParseError = n.err.Error()
			}
			continue
		}
		o.Template, o.Score, o.Records = n.template, n.score, n.records
		if !n.valid {
			o.Invalid = true
			if dev.Kind == "" {
				dev.Kind = KindValidation
				dev.Reason = (&ValidationError{Score: n.score, Min: minScore, Template: n.template}).Error()
			}
		}
	}
}

// assemble chains the parsed tables and, after them, the outputs no
// template read (and those that failed validation), folded.
//
// A shaped table keeps its title, by which its reader knows it.
func assemble(tb *tables, shaped bool) *records.Set {
	secs := tb.parsed
	if len(tb.unparsed) > 0 {
		outs := make([]records.Output, len(tb.unparsed))
		for i, u := range tb.unparsed {
			outs[i] = u.Output
		}
		raw := records.Outputs(outs)
		if len(secs) > 0 {
			raw.Title = "raw output (no template, or failed validation)"
		}
		secs = append(secs, raw)
	}
	if len(secs) == 0 {
		return records.Outputs(nil)
	}
	head := records.Chain(secs...)
	if head.Next == nil && !shaped {
		head.Title = ""
	}
	return head
}

// boundHeap keeps the process's memory near what the runs in progress
// hold, unless the user set GOGC, and returns the undo. A run's live
// memory (sessions, outputs, parsed records) grows with its devices, and
// a thousand ARP tables arrive within a second: left to GOGC's default,
// the heap would grow to twice what is live before each collection.
//
// The heap may grow to the larger of a floor for the devices of every
// run in progress (room early on, while little is live) and what the
// last collection found live plus a half (see heapGoal); a watcher
// sets GOGC to that after each collection while runs are in progress.
// A memory limit would be a trap: once a fleet's records outgrow it, the
// collector runs back to back (with 96 MB + 160 KB per device, 10,000 ARP
// tables spent half the run's CPU there), and the limit counts the
// runtime's fragmentation and stacks against the room left.
//
// Runs may go side by side (a batch of jobs): the floor is for the
// devices of every run in progress together, and the last run to end
// puts back the GOGC there was.
func boundHeap(devices int) func() {
	if _, set := os.LookupEnv("GOGC"); set {
		return func() {}
	}
	heapBound.mu.Lock()
	defer heapBound.mu.Unlock()
	if heapBound.runs == 0 {
		heapBound.before = debug.SetGCPercent(100)
		heapBound.stop = make(chan struct{})
		go watchHeap(heapBound.stop)
	}
	heapBound.runs++
	heapBound.devices += devices
	setGCPercent()
	return func() {
		heapBound.mu.Lock()
		defer heapBound.mu.Unlock()
		heapBound.runs--
		heapBound.devices -= devices
		if heapBound.runs == 0 {
			close(heapBound.stop)
			debug.SetGCPercent(heapBound.before)
			return
		}
		setGCPercent()
	}
}

// heapBound is what boundHeap keeps of the runs in progress: GOGC is the
// process's own, one for all of them.
var heapBound struct {
	mu      sync.Mutex
	runs    int
	devices int
	before  int
	stop    chan struct{} // ends the watcher
}

// watchHeap sets GOGC again after each collection, until stop.
func watchHeap(stop <-chan struct{}) {
	t := time.NewTicker(10 * time.Millisecond)
	defer t.Stop()
	sample := []metrics.Sample{{Name: "/gc/cycles/total:gc-cycles"}}
	var seen uint64
	for {
		select {
		case <-stop:
			return
		case <-t.C:
		}
		metrics.Read(sample)
		if n := sample[0].Value.Uint64(); n != seen {
			seen = n
			heapBound.mu.Lock()
			if heapBound.runs > 0 {
				setGCPercent()
			}
			heapBound.mu.Unlock()
		}
	}
}

// gcSamples are what GOGC is worked out from: the heap the last
// collection marked live, and the stacks and globals it scanned, which
// GOGC's room counts as well.
var gcSamples = []metrics.Sample{
	{Name: "/gc/heap/live:bytes"},
	{Name: "/gc/scan/stack:bytes"},
	{Name: "/gc/scan/globals:bytes"},
}

// setGCPercent sets GOGC for the runs in progress and the heap as the
// last collection left it; heapBound.mu is held.
func setGCPercent() {
	metrics.Read(gcSamples)
	live := int64(gcSamples[0].Value.Uint64())
	roots := int64(gcSamples[1].Value.Uint64() + gcSamples[2].Value.Uint64())
	debug.SetGCPercent(gcPercent(heapGoal(heapBound.devices, live), live, roots))
}

// heapGoal is how far the heap may grow for runs of so many devices,
// with live bytes marked live: the floor for the devices, or the live
// heap and half as much again (at least headroomMin), whichever is
// larger. Half, not a quarter: at 10,000 ARP tables a quarter cost 13%
// more CPU and 0.4 s more on each exec, for 280 MB less at the peak; at
// 1,000 it saved 22 MB of 227.
func heapGoal(devices int, live int64) int64 {
	floor := 48<<20 + int64(devices)*(64<<10)
	return max(floor, live+max(live/2, headroomMin))
}

// headroomMin is the least room the heap gets above what is live.
const headroomMin = 16 << 20

// gcPercent is the GOGC that lets a heap with live bytes live and roots
// bytes of stacks and globals grow to goal: GOGC's room is its percent of
// the live heap and the roots together. It stays within 10 and 1000.
func gcPercent(goal, live, roots int64) int {
	p := 100 * (goal - live) / max(live+roots, 1)
	return int(min(max(p, 10), 1000))
}

// userName is the OS user the run is recorded under.
// UserName is who runs vc, as a run (and a batch, a note) records it.
func UserName() string {
	if u, err := user.Current(); err == nil {
		return u.Username
	}
	return os.Getenv("USER")
}

type nopSink struct{}

func (nopSink) Begin(context.Context, *Run) error                 { return nil }
func (nopSink) Checkpoint(context.Context, *Run, []*Device) error { return nil }
func (nopSink) End(context.Context, *Run) error                   { return nil }

type nopObserver struct{}

func (nopObserver) Started(int)      {}
func (nopObserver) Finished(*Device) {}
