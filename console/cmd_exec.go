package console

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"os"
	"runtime"
	"runtime/debug"
	"slices"
	"strconv"
	"strings"
	"time"
	"vc/records"
	"vc/render"
	"vc/secrets"

	"vc/engine"
)

func execCommands() []*Command {
	return []*Command{
		{
			Name: "exec", Args: "COMMAND... | -- \"CMD\" \"CMD\"...", Group: groupRun, Raw: true, Verbatim: true, MinArgs: 1,
			Flags: []Flag{
				{Name: "cred", Value: "NAME", Help: "try this credential first"},
				{Name: "timeout", Value: "DURATION", Help: "time each command may take (default 30s)"},
				{Name: "connect-timeout", Value: "DURATION", Help: "time to connect and log in (default 10s)"},
				{Name: "run-timeout", Value: "DURATION", Help: "time the whole run may take; devices not done by then fail (default: no limit)"},
				{Name: "workers", Value: "N", Help: fmt.Sprintf("devices talked to at once (default %d)", engine.DefaultWorkers)},
				{Name: "raw", Help: "show the raw output, do not parse it"},
				{Name: "template", Value: "NAME", Help: "parse with this template (see templates list), not the index's choice"},
				{Name: "min-score", Value: "0..1", Help: "count an output whose parse scores below this as failed validation"},
				{Name: "dry-run", Help: "show the devices, credentials, drivers and templates, connect to nothing"},
				jsonFlag,
			},
			Summary: "run a command on every selected device at once",
			Help: "Everything after the flags (up to a |> stage) is sent to the devices exactly as typed, device\n" +
				"pipes included. Several commands run in one session with: exec -- \"show clock\" \"show version\".\n" +
				"Sessions stay open for `set keepalive` (default 5m) so the next exec on the same devices needs\n" +
				"no login. At the console, running on more than `set max-targets` devices (default 500) asks first.\n" +
				"Ctrl-C stops the run at once and keeps what finished.\n\n" +
				"Exit status: 0 when every device succeeded, 3 when some failed, 4 when all failed.",
			Examples: []string{
				"exec show clock",
				"exec show ip arp |> where age > 5 |> sort address",
				"exec show running-config | section bgp",
				`exec -- "show clock" "show version"`,
				"exec --dry-run show ip arp",
				"exec --timeout 2m --cred ops show tech-support",
			},
			Run: runExec,
		},
		{
			Name: "failures", Group: groupRun, Flags: []Flag{jsonFlag},
			Summary:  "list the devices the last exec failed on, and why",
			Examples: []string{"failures", "failures |> count by kind", "failures |> where kind == \"timeout\""},
			Run: func(ctx context.Context, e *Env, c *Call) (*records.Set, error) {
				return e.failuresResult(), nil
			},
		},
		{
			Name: "retry", Group: groupRun, Flags: []Flag{jsonFlag},
			Summary:  "run the last exec again on the devices that failed",
			Examples: []string{"retry"},
			Run: func(ctx context.Context, e *Env, c *Call) (*records.Set, error) {
				last := e.lastExec
				if last == nil {
					return nil, errors.New("nothing to retry: no exec has run in this session")
				}
				if len(last.failures) == 0 {
					e.saidf("nothing to retry: every device succeeded in the last exec")
					return nil, nil
				}
				req := *last
				req.devices, req.failures = nil, nil
				for _, f := range last.failures {
					req.devices = append(req.devices, f.device)
				}
				req.json = c.Bool("json")
				return e.execute(ctx, &req)
			},
		},
	}
}

// execRequest is one exec: what to run, where, and how.
type execRequest struct {
	commands []string
	devices  []string
	cred     string
	timeouts engine.Timeouts
	overall  time.Duration
	workers  int
	raw      bool
	json     bool
	template []string
	minScore float64
	// failures are the devices that failed, once it has run, and why.
	failures []failure
}

type failure struct{ device, kind, reason string }

func runExec(ctx context.Context, e *Env, c *Call) (*records.Set, error) {
	req := &execRequest{cred: c.String("cred", ""), raw: c.Bool("raw"), json: c.Bool("json")}
	var err error
	if t := c.String("template", ""); t != "" {
		req.template = strings.Split(t, ":")
	}
	if req.minScore, err = minScoreFlag(c); err != nil {
		return nil, err
	}
	if req.timeouts.Command, err = c.Duration("timeout", 0); err != nil {
		return nil, err
	}
	if req.timeouts.Connect, err = c.Duration("connect-timeout", 0); err != nil {
		return nil, err
	}
	req.timeouts.Handshake = req.timeouts.Connect
	if req.overall, err = c.Duration("run-timeout", 0); err != nil {
		return nil, err
	}
	if req.workers, err = c.Int("workers", 0); err != nil {
		return nil, err
	}
	if req.commands, err = execCommandsOf(c); err != nil {
		return nil, err
	}
	devs, err := e.Selected(ctx)
	if err != nil {
		return nil, err
	}
	if len(devs) == 0 {
		return nil, errors.New("no devices selected; choose some with select EXPR (see: help select)")
	}
	for _, d := range devs {
		req.devices = append(req.devices, d.Name)
	}
	if c.Bool("dry-run") {
		return e.dryRun(ctx, req)
	}
	if n, limit := len(req.devices), e.maxTargets(); e.interactive && n > limit {
		answer, err := e.ask(fmt.Sprintf("run %q on %d devices (more than max-targets %d)? [y/N] ", strings.Join(req.commands, "; "), n, limit))
		if err != nil {
			return nil, err
		}
		if !strings.EqualFold(answer, "y") && !strings.EqualFold(answer, "yes") {
			return nil, errors.New("not run")
		}
	}
	return e.execute(ctx, req)
}

// execCommandsOf reads the device commands: the text as typed, or after
// `--`, several quoted commands.
func execCommandsOf(c *Call) ([]string, error) {
	if !c.DashDash {
		return []string{c.Text}, nil
	}
	toks, err := words(c.Text)
	if err != nil {
		return nil, err
	}
	var cmds []string
	for _, t := range toks {
		if strings.TrimSpace(t.text) != "" {
			cmds = append(cmds, t.text)
		}
	}
	if len(cmds) == 0 {
		return nil, usagef("exec: no command after --")
	}
	return cmds, nil
}

func (e *Env) maxTargets() int {
	n, err := parseCount(e.Setting("max-targets"))
	if err != nil {
		return 500
	}
	return n
}

// execute runs a request and renders what came back.
func (e *Env) execute(ctx context.Context, req *execRequest) (*records.Set, error) {
	plan, done, err := e.plan(ctx, req)
	if err != nil {
		return nil, err
	}
	defer done()
	runner, err := e.engineRunner()
	if err != nil {
		return nil, err
	}
	defer boundHeap(len(plan.Targets))()
	start := time.Now()
	prog := e.newProgress(len(plan.Targets))
	results := make(map[string]*engine.Result, len(plan.Targets))
	var pool *parsePool
	if !req.raw {
		lib, err := e.library()
		if err != nil {
			return nil, err
		}
		p := newParser(lib, req.template, req.minScore)
		pool = newParsePool(p, runtime.GOMAXPROCS(0))
	}
	devAt := make(map[string]int, len(plan.Targets))
	for i, t := range plan.Targets {
		devAt[t.Name] = i
	}
	platformOf := func(device string) string { return plan.Targets[devAt[device]].Platform }
	cmdAt := make(map[string]int, len(plan.Commands))
	for i, c := range plan.Commands {
		cmdAt[c] = i
	}
	failed := 0
	for ev := range runner.Run(ctx, plan) {
		res := results[ev.Target]
		if res == nil {
			res = &engine.Result{Target: ev.Target}
			results[ev.Target] = res
		}
		res.Add(ev)
		switch ev.Kind {
		case engine.EventOutput:
			if pool != nil {
				at := devAt[ev.Target]*len(plan.Commands) + cmdAt[ev.Command]
				pool.add(records.Output{Device: ev.Target, Command: ev.Command, Text: ev.Output}, platformOf(ev.Target), at)
			}
		case engine.EventDone:
			prog.step(failed)
		case engine.EventFailed:
			failed++
			prog.step(failed)
		}
	}
	prog.finish()
	elapsed := time.Since(start)
	attempts := make(map[string][]engine.Attempt, len(results))
	for name, r := range results {
		attempts[name] = r.Attempts
	}
	// Remembering which credential worked must survive a Ctrl-C that
	// ended the run itself.
	if err := secrets.RecordAttempts(context.WithoutCancel(ctx), e.Store, attempts); err != nil {
		e.warnf("could not record which credentials worked: %v", err)
	}
	ordered := make([]*engine.Result, 0, len(results))
	for _, t := range plan.Targets {
		ordered = append(ordered, results[t.Name])
	}
	var po *parsedOutputs
	if pool != nil {
		po = pool.wait()
	}
	res := e.execResult(ordered, req, po)
	req.failures = nil
	for _, r := range ordered {
		if r.Err != nil {
			req.failures = append(req.failures, failure{r.Target, r.Err.Kind.String(), r.Err.Reason})
		}
	}
	e.lastExec = req
	e.summarise(ordered, elapsed, ctx.Err() != nil)
	if req.json {
		res.Format = "json"
	}
	if ctx.Err() != nil {
		// Show what finished, then report the interruption.
		if err := e.print(res); err != nil {
			return nil, err
		}
		return nil, ctx.Err()
	}
	switch n := len(req.failures); {
	case n == 0:
		return res, nil
	case n == len(ordered):
		return res, &exitError{code: ExitAllFailed, err: fmt.Errorf("every device failed (%d)", n)}
	default:
		return res, &exitError{code: ExitPartial, err: fmt.Errorf("%d of %d devices failed; retry runs them again", n, len(ordered))}
	}
}

// boundHeap gives the garbage collector a soft memory limit in proportion
// to a run's devices, unless the user set GOMEMLIMIT. A run's live memory
// (sessions, outputs, parsed records) grows with its devices, and a
// thousand ARP tables arrive within a second: left to GOGC alone, the heap
// would double before the first collection. It returns the undo.
func boundHeap(devices int) func() {
	if _, set := os.LookupEnv("GOMEMLIMIT"); set {
		return func() {}
	}
	old := debug.SetMemoryLimit(96<<20 + int64(devices)*(160<<10))
	return func() { debug.SetMemoryLimit(old) }
}

// summarise prints the one-line summary and the failures, on stderr: each
// failed device with its reason, or when there are many, how many failed
// for each reason (the failures command lists them all).
func (e *Env) summarise(results []*engine.Result, elapsed time.Duration, interrupted bool) {
	ok := 0
	byReason := map[string][]string{}
	var reasons []string
	for _, r := range results {
		if r.Err == nil {
			ok++
			continue
		}
		if _, seen := byReason[r.Err.Reason]; !seen {
			reasons = append(reasons, r.Err.Reason)
		}
		byReason[r.Err.Reason] = append(byReason[r.Err.Reason], r.Target)
	}
	failed := len(results) - ok
	line := fmt.Sprintf("%d ok, %d failed, %s", ok, failed, fmtElapsed(elapsed))
	if interrupted {
		line += " (interrupted)"
	}
	e.saidf("%s", line)
	if failed == 0 {
		return
	}
	var fail *records.Set
	if failed <= maxListedFailures {
		fail = e.failuresResult()
	} else {
		fail = &records.Set{Columns: []string{"reason", "devices", "for example"}}
		for _, r := range reasons {
			names := byReason[r]
			fail.Rows = append(fail.Rows, []any{r, len(names), strings.Join(names[:min(3, len(names))], ", ")})
		}
		defer e.saidf("(the failures command lists every device)")
	}
	if err := render.Write(e.Err, e.Err, fail, e.renderOptions(e.ErrTTY)); err != nil {
		e.warnf("%v", err)
	}
}

// maxListedFailures is how many failed devices the summary names one by
// one; beyond it, it counts them by reason.
const maxListedFailures = 20

// failuresResult lists the last run's failed devices with their reasons.
func (e *Env) failuresResult() *records.Set {
	res := &records.Set{Columns: []string{"device", "kind", "reason"}, Empty: "no failures in the last exec"}
	if e.lastExec == nil {
		res.Empty = "no exec has run in this session"
		return res
	}
	for _, f := range e.lastExec.failures {
		res.Rows = append(res.Rows, []any{f.device, f.kind, f.reason})
	}
	return res
}

func fmtElapsed(d time.Duration) string {
	switch {
	case d < time.Second:
		return fmt.Sprintf("%d ms", d.Milliseconds())
	case d < time.Minute:
		return fmt.Sprintf("%.1f s", d.Seconds())
	}
	return d.Round(time.Second).String()
}

// execResult turns the outputs into records: parsed into one table per
// command where a template matches, raw (and folded) where none does. An
// output that fails validation fails its device. po holds the outputs
// parsed as they arrived (nil with --raw).
func (e *Env) execResult(results []*engine.Result, req *execRequest, po *parsedOutputs) *records.Set {
	if req.raw {
		var outs []records.Output
		for _, r := range results {
			for _, o := range r.Outputs {
				outs = append(outs, records.Output{Device: r.Target, Command: o.Command, Text: o.Text})
			}
		}
		return records.Outputs(outs)
	}
	for _, r := range results {
		if verr, bad := po.invalid[r.Target]; bad && r.Err == nil {
			r.Err = &engine.Error{Kind: engine.KindCommand, Reason: verr.Error(), Err: verr}
		}
	}
	e.sayTemplates(po.used)
	var head, tail *records.Set
	link := func(s *records.Set) {
		if head == nil {
			head = s
		} else {
			tail.Next = s
		}
		tail = s
	}
	for _, t := range po.tables {
		link(t)
	}
	if len(po.unparsed) > 0 {
		outs := make([]records.Output, len(po.unparsed))
		for i, u := range po.unparsed {
			outs[i] = u.Output
		}
		raw := records.Outputs(outs)
		if head != nil {
			raw.Title = "raw output (no template, or failed validation)"
		}
		link(raw)
	}
	if head == nil {
		return records.Outputs(nil)
	}
	if head.Next == nil {
		head.Title = ""
	}
	return head
}

// sayTemplates notes on stderr which templates parsed the outputs.
func (e *Env) sayTemplates(used map[string]float64) {
	if len(used) == 0 {
		return
	}
	var parts []string
	for _, name := range slices.Sorted(maps.Keys(used)) {
		parts = append(parts, fmt.Sprintf("%s (lowest score %.2f)", strings.TrimSuffix(name, ".textfsm"), used[name]))
	}
	e.saidf("parsed with %s", strings.Join(parts, ", "))
}

func minScoreFlag(c *Call) (float64, error) {
	v := c.String("min-score", "")
	if v == "" {
		return 0, nil
	}
	f, err := strconv.ParseFloat(v, 64)
	if err != nil || f < 0 || f > 1 {
		return 0, usagef("--min-score %q is not a number from 0 to 1", v)
	}
	return f, nil
}

// engineRunner returns the session's runner, starting it on first use.
func (e *Env) engineRunner() (*engine.Runner, error) {
	keep := e.keepalive()
	if e.runner != nil {
		e.runner.SetKeepalive(keep)
		return e.runner, nil
	}
	r, err := engine.NewRunner(engine.Options{KnownHosts: e.knownHostsPath(), Keepalive: keep})
	if err != nil {
		return nil, err
	}
	e.runner = r
	return r, nil
}

func (e *Env) keepalive() time.Duration {
	d, err := time.ParseDuration(e.Setting("keepalive"))
	if err != nil {
		return 5 * time.Minute
	}
	return d
}

func (e *Env) knownHostsPath() string { return e.Home + "/known_hosts" }

// closeRunner ends the session's SSH sessions; the session is over.
func (e *Env) closeRunner() {
	if e.runner != nil {
		e.runner.Close()
		e.runner = nil
	}
}

// dryRun shows what an exec would do without connecting.
func (e *Env) dryRun(ctx context.Context, req *execRequest) (*records.Set, error) {
	plan, done, err := e.plan(ctx, req)
	if err != nil {
		return nil, err
	}
	done()
	lib, err := e.library()
	if err != nil {
		return nil, err
	}
	// One parser for all targets: it chooses each platform's templates once.
	p := newParser(lib, req.template, 0)
	res := &records.Set{Columns: []string{"device", "address", "platform", "driver", "cred", "via", "template"}}
	for _, t := range plan.Targets {
		cred := "(none: add one with cred add)"
		if len(t.Creds) > 0 {
			names := make([]string, len(t.Creds))
			for i, c := range t.Creds {
				names[i] = c.Name
			}
			cred = strings.Join(names, " > ")
		}
		via := "direct"
		if t.Jump != nil {
			via = "jump " + t.Jump.Name
		}
		tmpl := "(raw)"
		if !req.raw {
			tmpl = p.templateNames(t.Platform, req.commands)
		}
		res.Rows = append(res.Rows, []any{t.Name, t.Addr(), t.Platform, engine.PlatformFor(t.Platform).Name, cred, via, tmpl})
	}
	e.saidf("dry run: %q on %d %s; nothing was connected", strings.Join(req.commands, "; "), len(plan.Targets), plural("device", len(plan.Targets)))
	return res, nil
}
