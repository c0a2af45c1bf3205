package console

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"math"
	"syscall"
	"time"

	"vc/daemon"
	"vc/history"
	"vc/jobs"
	"vc/records"
	"vc/run"
	"vc/secrets"
	"vc/store"
	"vc/vault"
)

// credentialName is the systemd credential the daemon takes the vault
// password from (LoadCredential=vault-password:/etc/vc/vault-password).
const credentialName = "vault-password"

func daemonCommands() []*Command {
	return []*Command{
		{
			Name: "daemon", Group: groupSchedule,
			Flags: []Flag{
				{Name: "vault-password-file", Value: "FILE", Help: "read the vault password from FILE (else VC_VAULT_PASSWORD, else systemd's credential " + credentialName + ")"},
				{Name: "drain", Value: "DURATION", Help: "on SIGTERM, how long running devices may go on before they are cancelled (default 30s)"},
				{Name: "catch-up", Help: "at start, run once each job whose fire times passed while no daemon ran"},
				{Name: "log-format", Value: "text|json", Help: "how the log on stderr is written (default text)"},
				{Name: "log-level", Value: "LEVEL", Help: "debug, info (the default), warn or error"},
			},
			Summary: "run the schedules' jobs when they are due: a foreground service (systemd, a terminal)",
			Help: "Jobs run through the same run path as the console: history, captures and diff are the same, with\n" +
				"origin schedule. One daemon per store: a second one refuses to start and says which pid holds the\n" +
				"store; the console and vc -c keep working beside it. The vault password comes from\n" +
				"--vault-password-file, VC_VAULT_PASSWORD or $CREDENTIALS_DIRECTORY/" + credentialName + " (systemd's\n" +
				"LoadCredential=); the daemon never prompts. Schedules are re-read when they change.\n\n" +
				"Signals: SIGTERM (and Ctrl-C) drain: no job starts, running devices get --drain, the rest are\n" +
				"cancelled and recorded; a second one stops at once. SIGHUP re-reads the schedules and reads the\n" +
				"vault password anew at the next run (a rotated password file).\n" +
				"A job due while its last run still goes on is skipped; fire times missed while no daemon ran are\n" +
				"recorded as missed. vc daemon status tells what the daemon does now. contrib/vc-daemon.service is\n" +
				"a systemd unit to start from.\n\n" +
				"Exit status: 0 once stopped by a signal, 1 when another daemon holds the store, 2 for a bad flag,\n" +
				"6 when it has no vault password (it never prompts), 7 when the password is wrong.",
			Examples: []string{
				"vc daemon --vault-password-file /etc/vc/vault-password",
				"vc daemon --catch-up --drain 1m --log-format json",
			},
			Run: runDaemon,
		},
		{
			Name: "daemon status", Group: groupSchedule, Flags: []Flag{jsonFlag},
			Summary: "what the store's daemon does: its heartbeat, the jobs it runs now, the next fire times",
			Help: "Read from the store, where the daemon writes its status every few seconds; it works from any\n" +
				"process, beside the daemon. Exit status: 0 when a daemon runs, 1 when none does.",
			Examples: []string{"vc daemon status", "vc daemon status --json"},
			Run:      runDaemonStatus,
		},
	}
}

func runDaemon(ctx context.Context, e *Env, c *Call) (*records.Set, error) {
	if !e.daemonOK {
		return nil, usagef("vc daemon runs as a process of its own, from a shell or systemd (vc daemon): not inside the console, vc -c or a script")
	}
	drain := 30 * time.Second
	if c.Has("drain") {
		d, err := time.ParseDuration(c.String("drain", ""))
		if err != nil || d < 0 {
			return nil, usagef("daemon --drain %s is not a duration such as 30s or 2m", store.Quote(c.String("drain", "")))
		}
		drain = d
	}
	log, err := daemonLogger(e, c.String("log-format", "text"), c.String("log-level", "info"))
	if err != nil {
		return nil, err
	}
	release, err := daemon.Lock(e.Home)
	if err != nil {
		return nil, err
	}
	defer release()

	// The daemon never prompts: its password comes from a file, the
	// environment or systemd, and when none has one it does not start.
	e.askSecret = nil
	var sources []secrets.PasswordSource
	if f := c.String("vault-password-file", e.passwordFile); f != "" {
		sources = append(sources, secrets.File{Path: f, Warn: func(m string) { log.Warn(m) }})
	}
	sources = append(sources, secrets.Environ{}, secrets.SystemdCredential{Name: credentialName})
	e.keyring = secrets.NewKeyring(e.Store, secrets.Options{Sources: sources, Idle: e.vaultTimeout(), Notify: func(m string) { log.Warn(m) }})
	defer e.keyring.Lock()
	switch err := e.keyring.With(ctx, func(*vault.Key, *vault.Header) error { return nil }); {
	case errors.Is(err, vault.ErrNotInitialized):
		log.Warn("the store has no vault: jobs that need a credential will fail (vault init)")
	case err != nil:
		return nil, fmt.Errorf("daemon: %w", err)
	}
	deps, err := e.runDeps(false)
	if err != nil {
		return nil, fmt.Errorf("daemon: %w", err)
	}
	jobsRunner := &daemonJobs{e: e, deps: deps, sink: e.recorder(), log: log}

	sctx, cancel := context.WithCancel(ctx)
	defer cancel()
	stop, reload := make(chan struct{}), make(chan struct{}, 1)
	go daemonSignals(sctx, e, log, stop, reload, cancel)
	err = daemon.Serve(sctx, daemon.Options{Store: e.Store, Jobs: jobsRunner, Log: log, Drain: drain, CatchUp: c.Bool("catch-up")}, stop, reload)
	return nil, err
}

// daemonSignals turns signals into the service's stop and reload: the
// first SIGTERM or Ctrl-C drains, the next cancels; SIGHUP reloads.
func daemonSignals(ctx context.Context, e *Env, log *slog.Logger, stop, reload chan struct{}, cancel context.CancelFunc) {
	if e.Interrupt == nil {
		return
	}
	stopping := false
	for {
		select {
		case <-ctx.Done():
			return
		case sig := <-e.Interrupt:
			switch {
			case sig == syscall.SIGHUP:
				// The password is read anew when next needed: a
				// rotated password file is taken without a restart.
				e.keyring.Lock()
				select {
				case reload <- struct{}{}:
				default:
				}
			case !stopping:
				stopping = true
				log.Info("signal: stopping", "signal", sig.String())
				close(stop)
			default:
				log.Warn("second signal: cancelling the running jobs now", "signal", sig.String())
				cancel()
			}
		}
	}
}

// daemonLogger is the daemon's structured log on stderr.
func daemonLogger(e *Env, format, level string) (*slog.Logger, error) {
	var lv slog.Level
	if err := lv.UnmarshalText([]byte(level)); err != nil {
		return nil, usagef("daemon --log-level %s: one of debug, info, warn, error", store.Quote(level))
	}
	o := &slog.HandlerOptions{Level: lv}
	switch format {
	case "text":
		return slog.New(slog.NewTextHandler(e.Err, o)), nil
	case "json":
		return slog.New(slog.NewJSONHandler(e.Err, o)), nil
	}
	return nil, usagef("daemon --log-format %s: text or json", store.Quote(format))
}

// daemonJobs runs the schedules' jobs through the run path the console
// uses, with the session's runner, recorder and template library. Jobs
// run side by side: nothing here touches the Env's per-command state.
type daemonJobs struct {
	e    *Env
	deps run.Deps
	sink run.Sink
	log  *slog.Logger
}

func (d *daemonJobs) Run(ctx context.Context, slug string, drain <-chan struct{}) (*run.Run, error) {
	start := time.Now()
	j, err := jobs.Get(ctx, d.e.Store, slug)
	if err != nil {
		// Recorded, so history says why a schedule's run did not happen.
		spec := run.Spec{Origin: "schedule", Job: slug, Note: "could not run: " + err.Error()}
		id, _ := history.NoteSpan(context.WithoutCancel(ctx), d.e.Store, spec, run.StatusFailed, start, time.Now())
		return &run.Run{ID: id, Status: run.StatusFailed, Start: start, End: time.Now()}, err
	}
	deps := d.deps
	deps.Drain = drain
	res := jobs.RunOne(ctx, deps, j, "schedule", jobs.BatchOptions{Sink: d.sink, Sync: d.e.syncJob, Prepare: d.e.prepareJob})
	for _, w := range res.Warnings {
		d.log.Warn(w, "job", slug, "run", res.Run)
	}
	if res.Result != nil {
		for _, w := range res.Result.Run.Warnings {
			d.log.Warn(w, "job", slug, "run", res.Run)
		}
		if res.Result.SinkErr != nil {
			d.log.Error("could not record the run", "job", slug, "run", res.Run, "err", res.Result.SinkErr)
		}
		if res.Result.AttemptsErr != nil {
			d.log.Warn("could not record which credentials worked", "job", slug, "run", res.Run, "err", res.Result.AttemptsErr)
		}
		return res.Result.Run, nil
	}
	status := run.Status(res.Status)
	switch res.Status {
	case jobs.StatusError:
		status = run.StatusFailed
	case jobs.StatusEmpty:
		status = run.StatusSkipped
		d.log.Warn("its selection picks no device now", "job", slug, "select", j.Select, "run", res.Run)
	}
	if j.Sync != "" && res.Err == nil {
		d.log.Info("synced", "job", slug, "run", res.Run, "changes", res.Note)
	}
	return &run.Run{ID: res.Run, Status: status, Start: start, End: time.Now()}, res.Err
}

func runDaemonStatus(ctx context.Context, e *Env, c *Call) (*records.Set, error) {
	st, err := e.daemonStatus(ctx)
	if err != nil {
		return nil, err
	}
	if st == nil {
		return nil, &exitError{code: ExitFailure, err: errors.New("no daemon has run for this store (vc daemon starts one)")}
	}
	now := time.Now()
	state := "running"
	switch {
	case !st.Stopped.IsZero():
		state = "stopped"
	case !st.Alive(now):
		state = "gone" // killed, or its machine went down: it beats no more
	}
	var running, next []string
	for _, a := range st.Running {
		running = append(running, fmt.Sprintf("%s (schedule %d, since %s)", a.Job, a.Schedule, a.Since.Local().Format(time.TimeOnly)))
	}
	for _, d := range st.Next {
		next = append(next, fmt.Sprintf("%s at %s (schedule %d)", d.Job, d.At.Local().Format("2006-01-02 15:04:05"), d.Schedule))
	}
	var stopped any
	if !st.Stopped.IsZero() {
		stopped = st.Stopped
	}
	set := &records.Set{Record: true,
		Columns: []string{"state", "pid", "host", "started", "beat", "beat_age", "stopped", "running", "next", "fired", "late", "skipped", "missed", "goroutines", "rss_mib"},
		Rows: [][]any{{state, st.PID, st.Host, st.Started, st.Beat, now.Sub(st.Beat).Round(time.Second), stopped, running, next,
			st.Fired, st.Late, st.Skipped, st.Missed, st.Goroutines, math.Round(float64(st.RSS)/(1<<20)*10) / 10}}}
	if c.Bool("json") {
		set.Format = "json"
	}
	if state != "running" {
		if err := e.print(set); err != nil {
			return nil, err
		}
		what := "stopped at " + st.Stopped.Local().Format(time.DateTime)
		if state == "gone" {
			what = fmt.Sprintf("gone: pid %d last beat %s ago", st.PID, now.Sub(st.Beat).Round(time.Second))
		}
		return nil, &exitError{code: ExitFailure, err: fmt.Errorf("no daemon runs for this store: the last one %s", what)}
	}
	return set, nil
}
