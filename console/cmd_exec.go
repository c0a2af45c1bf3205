package console

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"
	"vc/capture"
	"vc/records"
	"vc/render"
	"vc/run"
	"vc/store"
	"vc/views"

	"vc/engine"
)

func execCommands() []*Command {
	return []*Command{
		{
			Name: "exec", Args: "COMMAND... | -- \"CMD\" \"CMD\"...", Group: groupRun, Raw: true, Verbatim: true, MinArgs: 1,
			Flags: []Flag{
				{Name: "cred", Value: "NAME", Help: "try this credential first"},
				{Name: "timeout", Value: "DURATION", Help: "time each command may take (default 30s)"},
				{Name: "connect-timeout", Value: "DURATION", Help: "time to connect, and to log in with each credential (default 10s each)"},
				{Name: "run-timeout", Value: "DURATION", Help: "time the whole run may take; devices not done by then fail (default: no limit)"},
				{Name: "workers", Value: "N", Help: fmt.Sprintf("devices talked to at once (default %d)", engine.DefaultWorkers)},
				{Name: "raw", Help: "show the raw output, do not parse it"},
				{Name: "template", Value: "NAME", Help: "parse with this template (see templates list), not the index's choice"},
				{Name: "min-score", Value: "0..1", Help: "count an output whose parse scores below this as failed validation"},
				{Name: "dry-run", Help: "show the devices, credentials, drivers and templates, connect to nothing"},
				{Name: "all-creds", Help: "offer every credential in turn even to a device whose host key was not on record (first contact)"},
				{Name: "max-output", Value: "SIZE", Help: "fail a device whose output of one command exceeds this (default 256MB; 10MB, 1GB...)"},
				{Name: "capture-type", Value: "TYPE", Help: "keep the outputs as this capture type (default: the command's name)"},
				{Name: "force-save", Help: "keep outputs that failed validation (--min-score) too"},
				{Name: "scrub", Help: "mask secrets (enable secret, SNMP communities, keys...) in the outputs before keeping them"},
				{Name: "no-capture", Help: "keep no outputs of this run (it is still recorded in history)"},
				{Name: "session-log", Value: "DIR", Help: "write each device's transcript, secrets masked, to DIR/DEVICE.log (also: set session-log DIR)"},
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
				"exec show ip arp |> where age > 5 |> sort ip_address",
				"exec show running-config | section bgp",
				`exec -- "show clock" "show version"`,
				"exec --dry-run show ip arp",
				"exec --timeout 2m --cred ops show tech-support",
				"exec --session-log logs show version",
			},
			Run: runExec,
		},
		{
			Name: "failures", Group: groupRun, Flags: []Flag{jsonFlag},
			Summary:  "list the devices the last exec failed on, and why",
			Examples: []string{"failures", "failures |> count by kind", "failures |> where kind == \"timeout\""},
			Run: func(ctx context.Context, e *Env, c *Call) (*records.Set, error) {
				return failuresSet(e.lastRun), nil
			},
		},
		{
			Name: "retry", Args: "[ID]", Group: groupRun, MaxArgs: 1, Flags: []Flag{
				{Name: "all", Help: "also the devices whose failure a retry cannot change (a rejected command, a host key)"},
				{Name: "timeout", Value: "DURATION", Help: "time each command may take, instead of the run's"},
				{Name: "run-timeout", Value: "DURATION", Help: "time the whole retry may take, instead of the run's"},
				jsonFlag,
			},
			Summary: "run the last exec, or recorded run ID, again on the devices that failed or never finished",
			Help: "The retry keeps the exec's flags and its |> stages (unless the retry line has its own). Devices\n" +
				"whose failure cannot change by retrying (the device rejected the command, its host key changed,\n" +
				"it failed validation) are left out unless --all.",
			Examples: []string{"retry", "retry 12", "retry --all"},
			Run:      runRetry,
		},
	}
}

func runExec(ctx context.Context, e *Env, c *Call) (*records.Set, error) {
	spec := run.Spec{Cred: c.String("cred", ""), Raw: c.Bool("raw"), Origin: "exec", Stages: c.StageLines(),
		Selection: e.selectionExpr}
	var err error
	if t := c.String("template", ""); t != "" {
		for _, n := range strings.Split(t, ":") {
			spec.Templates = append(spec.Templates, templateFile(n))
		}
	}
	if spec.MinScore, err = minScoreFlag(c); err != nil {
		return nil, err
	}
	if spec.Timeouts.Command, err = c.Duration("timeout", 0); err != nil {
		return nil, err
	}
	if spec.Timeouts.Connect, err = c.Duration("connect-timeout", 0); err != nil {
		return nil, err
	}
	spec.Timeouts.Handshake = spec.Timeouts.Connect
	if spec.Overall, err = c.Duration("run-timeout", 0); err != nil {
		return nil, err
	}
	if spec.Workers, err = c.Int("workers", 0); err != nil {
		return nil, err
	}
	if spec.Commands, err = execCommandsOf(c); err != nil {
		return nil, err
	}
	spec.AllCreds = c.Bool("all-creds")
	spec.ForceSave, spec.Scrub, spec.NoCapture = c.Bool("force-save"), c.Bool("scrub"), c.Bool("no-capture")
	if spec.CaptureType = c.String("capture-type", ""); spec.CaptureType != "" {
		if err := capture.ValidType(spec.CaptureType); err != nil {
			return nil, usagef("--capture-type: %v", err)
		}
	}
	if v := c.String("max-output", ""); v != "" {
		if spec.MaxOutput, err = store.ParseSize(v); err != nil {
			return nil, usagef("--max-output: %v", err)
		}
	}
	spec.SessionLog = c.String("session-log", e.Setting("session-log"))
	if spec.SessionLog != "" {
		if spec.SessionLog, err = filepath.Abs(spec.SessionLog); err != nil {
			return nil, err
		}
	}
	devs, err := e.selectedToRun(ctx)
	if err != nil {
		return nil, err
	}
	for _, d := range devs {
		spec.Devices = append(spec.Devices, d.Name)
	}
	if c.Bool("dry-run") {
		return e.dryRun(ctx, spec)
	}
	if err := e.confirmTargets(fmt.Sprintf("%q", strings.Join(spec.Commands, "; ")), func() int { return len(spec.Devices) }); err != nil {
		return nil, err
	}
	return e.execute(ctx, spec, c.Bool("json"))
}

func runRetry(ctx context.Context, e *Env, c *Call) (*records.Set, error) {
	arg := ""
	if len(c.Args) == 1 {
		arg = c.Args[0]
	}
	last, err := e.retrySource(ctx, arg)
	if err != nil {
		return nil, err
	}
	spec := last.Spec
	spec.Devices, spec.Origin = nil, "retry"
	if c.Has("timeout") {
		if spec.Timeouts.Command, err = c.Duration("timeout", 0); err != nil {
			return nil, err
		}
	}
	if c.Has("run-timeout") {
		if spec.Overall, err = c.Duration("run-timeout", 0); err != nil {
			return nil, err
		}
	}
	left := 0
	for _, d := range last.Devices {
		switch {
		case d.OK():
		case !d.Done, run.Retryable(d.Kind), c.Bool("all"):
			// A device an interrupted run never finished is run too.
			spec.Devices = append(spec.Devices, d.Name)
		default:
			left++
		}
	}
	if left > 0 {
		e.saidf("%d failed %s left out: retrying cannot change their failure (retry --all runs them too)", left, plural("device", left))
	}
	if len(spec.Devices) == 0 {
		if left == 0 {
			e.saidf("nothing to retry: every device succeeded in run %d", last.ID)
		}
		return nil, nil
	}
	res, err := e.executeAgain(ctx, spec, c.Bool("json"))
	if res == nil || len(c.Stages) > 0 {
		return res, err
	}
	// The exec's own stages, as typed with it.
	for _, line := range spec.Stages {
		st, perr := e.cmds.Parse(line)
		if perr != nil {
			return res, err
		}
		if res, perr = applyStageChain(ctx, e, st, res); perr != nil {
			return nil, fmt.Errorf("|> %s: %w", st.Cmd.Name, perr)
		}
	}
	return res, err
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

// confirmTargets asks, at the console, before what runs on more devices
// than max-targets (n counts them, only at the console); "not run" when
// the answer is no. Scripts, -c and the daemon never ask.
func (e *Env) confirmTargets(what string, n func() int) error {
	if !e.interactive {
		return nil
	}
	count, limit := n(), e.maxTargets()
	if count <= limit {
		return nil
	}
	answer, err := e.ask(fmt.Sprintf("run %s on %d devices (more than max-targets %d)? [y/N] ", what, count, limit))
	if err != nil {
		return err
	}
	if !strings.EqualFold(answer, "y") && !strings.EqualFold(answer, "yes") {
		return errors.New("not run")
	}
	return nil
}

func (e *Env) maxTargets() int {
	n, err := parseCount(e.Setting("max-targets"))
	if err != nil {
		return 500
	}
	return n
}

// runDeps are what a run needs from the session: the warm sessions, the
// keyring, and the templates unless the run is raw.
func (e *Env) runDeps(raw bool) (run.Deps, error) {
	d := run.Deps{Store: e.Store, Keyring: e.keyring}
	var err error
	if d.Engine, err = e.engineRunner(); err != nil {
		return d, err
	}
	if !raw {
		if d.Library, err = e.library(); err != nil {
			return d, err
		}
	}
	return d, nil
}

// execute runs a spec with a progress bar, then says how it went. The
// records come back even when devices failed or the run was interrupted,
// so the stages typed with it apply to what finished.
func (e *Env) execute(ctx context.Context, spec run.Spec, asJSON bool) (*records.Set, error) {
	res, err := e.executeSpec(ctx, spec)
	if err != nil {
		return nil, err
	}
	set := res.Records
	if asJSON {
		set.Format = "json"
	}
	return set, e.runOutcome(ctx, res.Run)
}

// executeSpec is the one way a command runs a spec: with a progress bar
// and the session's history recorder, saying on stderr how it went
// (warnings, templates, the summary and the failures). The run becomes
// the session's last, for failures and retry. exec, get and locate all
// come here; what they make of the result is theirs.
func (e *Env) executeSpec(ctx context.Context, spec run.Spec) (*run.Result, error) {
	return e.executeShaped(ctx, spec, nil)
}

// executeShaped is executeSpec with the parsed outputs laid out by a
// view's shaper on the parse workers, as they are parsed, when there is
// one (a view of one row per device has none).
func (e *Env) executeShaped(ctx context.Context, spec run.Spec, shaper *views.Shaper) (*run.Result, error) {
	deps, err := e.runDeps(spec.Raw)
	if err != nil {
		return nil, err
	}
	// A nil *views.Shaper in the interface field would not be nil.
	if shaper != nil && !spec.Raw {
		deps.Shaper = shaper
	}
	// The previous result may hold a whole fleet's tables; let it go
	// before this run fills the heap again.
	e.last = nil
	prog := e.newProgress()
	res, err := run.Execute(ctx, deps, spec, e.recorder(), prog)
	prog.finish()
	e.profile.heap()
	if err != nil {
		if errors.Is(err, run.ErrNoCred) {
			return nil, usagef("%v", err)
		}
		return nil, err
	}
	r := res.Run
	for _, w := range r.Warnings {
		e.warnf("%s", w)
	}
	if res.AttemptsErr != nil {
		e.warnf("could not record which credentials worked: %v", res.AttemptsErr)
	}
	if res.SinkErr != nil {
		e.warnf("could not record the run: %v", res.SinkErr)
	}
	e.sayTemplates(res.Templates)
	if res.Unparsed > 0 {
		e.warnf("%d %s could not be parsed and %s shown raw: %v", res.Unparsed, plural("output", res.Unparsed),
			map[bool]string{true: "is", false: "are"}[res.Unparsed == 1], res.FirstParseErr)
	}
	for _, name := range slices.Sorted(maps.Keys(res.Fallbacks)) {
		f := res.Fallbacks[name]
		e.saidf("%s stood in on %d %s: %s", strings.TrimSuffix(name, ".textfsm"), f.Outputs, plural("output", f.Outputs), f.Why)
	}
	// The session keeps the run for failures and retry, not its outputs:
	// the records (and their raw outputs) are the result's to keep.
	e.lastRun = r.WithoutOutputs()
	e.summarise(r)
	return res, nil
}

// runOutcome is what a finished run says to the exit status: the
// context's error when it was interrupted, else whether some or all of
// its devices failed.
func (e *Env) runOutcome(ctx context.Context, r *run.Run) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	failed := len(r.Failed())
	switch {
	case failed == 0:
		return nil
	case failed == len(r.Devices):
		return &exitError{code: ExitAllFailed, err: fmt.Errorf("every device failed (%d)", failed)}
	default:
		return &exitError{code: ExitPartial, err: fmt.Errorf("%d of %d devices failed; retry runs them again", failed, len(r.Devices))}
	}
}

// summarise prints the one-line summary and the failures, on stderr: each
// failed device with its reason, or when there are many, how many failed
// for each reason (the failures command lists them all).
func (e *Env) summarise(r *run.Run) {
	c := r.Counts()
	line := fmt.Sprintf("%d ok, %d failed, %s", c.OK, c.Failed, fmtElapsed(r.End.Sub(r.Start)))
	if r.Status == run.StatusCancelled {
		line += " (interrupted)"
	}
	if r.Unchecked > 0 {
		line += fmt.Sprintf("; %d %s not host-key checked (hostkey=ignore)", r.Unchecked, plural("device", r.Unchecked))
	}
	e.saidf("%s", line)
	failed := r.Failed()
	if len(failed) == 0 {
		return
	}
	var fail *records.Set
	if len(failed) <= maxListedFailures {
		fail = failuresSet(r)
	} else {
		byReason := map[string][]string{}
		var reasons []string
		for _, d := range failed {
			if _, seen := byReason[d.Reason]; !seen {
				reasons = append(reasons, d.Reason)
			}
			byReason[d.Reason] = append(byReason[d.Reason], d.Name)
		}
		fail = &records.Set{Columns: []string{"reason", "devices", "for example"}}
		for _, reason := range reasons {
			names := byReason[reason]
			fail.Rows = append(fail.Rows, []any{reason, len(names), strings.Join(names[:min(3, len(names))], ", ")})
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

// failuresSet lists a run's failed devices with their reasons.
func failuresSet(r *run.Run) *records.Set {
	set := &records.Set{Columns: []string{"device", "kind", "reason"}, Empty: "no failures in the last exec"}
	if r == nil {
		set.Empty = "no exec has run in this session"
		return set
	}
	for _, d := range r.Failed() {
		set.Rows = append(set.Rows, []any{d.Name, d.Kind, d.Reason})
	}
	return set
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
func (e *Env) dryRun(ctx context.Context, spec run.Spec) (*records.Set, error) {
	deps, err := e.runDeps(spec.Raw)
	if err != nil {
		return nil, err
	}
	dr, err := run.Plan(ctx, deps, spec)
	if err != nil {
		if errors.Is(err, run.ErrNoCred) {
			return nil, usagef("%v", err)
		}
		return nil, err
	}
	for _, w := range dr.Warnings {
		e.warnf("%s", w)
	}
	line := fmt.Sprintf("dry run: %q on %d %s; nothing was connected", strings.Join(spec.Commands, "; "), dr.Targets, plural("device", dr.Targets))
	if dr.Unchecked > 0 {
		line += fmt.Sprintf("; %d %s not host-key checked (hostkey=ignore)", dr.Unchecked, plural("device", dr.Unchecked))
	}
	e.saidf("%s", line)
	return dr.Records, nil
}
