package console

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"slices"
	"sync"

	"vc/jobs"
	"vc/records"
	"vc/run"
	"vc/store"
	"vc/vault"
	"vc/views"
)

func jobRunCommands() []*Command {
	return []*Command{
		{
			Name: "run", Args: "[SLUG|PATTERN...]", Group: groupJobs, MaxArgs: -1,
			Flags: []Flag{
				{Name: "tag", Value: "T", Help: "the jobs with this tag; may be given several times", Many: true},
				{Name: "all-enabled", Help: "every enabled job"},
				{Name: "parallel", Value: "N", Help: "jobs run at once (default 1)"},
				{Name: "dry-run", Help: "show each job's devices now, their credentials, drivers and templates; connect to nothing"},
				{Name: "force-save", Help: "keep outputs that failed validation, for every job"},
				{Name: "show", Help: "print each job's records (after its |> stages) before the batch's table"},
				jsonFlag,
			},
			Summary: "run saved jobs by slug, glob pattern, tag, or all enabled: one batch",
			Help: "Each job selects its devices now, from its expression, and runs as exec would: every run is in\n" +
				"history (origin job), its outputs kept as captures, so history show, diff and changes work on it.\n" +
				"A pattern ('arista-*'), a tag or --all-enabled passes disabled jobs by; a job named by its slug runs\n" +
				"even when disabled. With --parallel N, N jobs run at once, and still their devices share one worker\n" +
				"budget and each site's max-sessions: two jobs never have more sessions at a site than it allows.\n" +
				"The batch is recorded too (job batches).\n\n" +
				"Exit status: 0 when every device of every job succeeded, 3 when some failed, 4 when all failed.",
			Examples: []string{
				"run arista-arp",
				"run 'arista-*' 'cisco-*' --parallel 3",
				"run --tag daily --dry-run",
				"run --all-enabled --parallel 4 |> where status != \"success\"",
			},
			Run: runRun,
		},
	}
}

func runRun(ctx context.Context, e *Env, c *Call) (*records.Set, error) {
	parallel, err := c.Int("parallel", 1)
	if err != nil || parallel < 1 {
		return nil, usagef("run --parallel %q is not a number of jobs at once (1 or more)", c.String("parallel", ""))
	}
	all, err := jobs.List(ctx, e.Store)
	if err != nil {
		return nil, err
	}
	chosen, passed, err := jobs.Choose(all, jobs.Choice{Names: c.Args, Tags: c.Strings("tag"), AllEnabled: c.Bool("all-enabled")})
	if err != nil {
		return nil, jobError(err)
	}
	if len(passed) > 0 {
		e.saidf("%d disabled %s passed by: %s (a job named by its slug runs all the same)", len(passed), plural("job", len(passed)), joinFew(passed, 10))
	}
	if len(chosen) == 0 {
		return nil, errors.New("nothing to run: every job chosen is disabled (see: job enable)")
	}
	if c.Bool("dry-run") {
		return e.dryRunJobs(ctx, chosen)
	}
	if err := e.confirmTargets(fmt.Sprintf("%d %s", len(chosen), plural("job", len(chosen))), func() int { return e.batchDevices(ctx, chosen) }); err != nil {
		return nil, err
	}
	deps, err := e.runDeps(false)
	if err != nil {
		return nil, err
	}
	// Unlock once, before the jobs start: jobs side by side would each ask
	// for the password.
	// A sync job needs no credential: a batch of them only needs no vault.
	if slices.ContainsFunc(chosen, func(j *jobs.Job) bool { return j.Sync == "" }) {
		if err := e.keyring.With(ctx, func(*vault.Key, *vault.Header) error { return nil }); err != nil {
			return nil, err
		}
	}
	e.last = nil
	obs := &batchProgress{e: e}
	b, err := jobs.RunBatch(ctx, deps, chosen, jobs.BatchOptions{Parallel: parallel, ForceSave: c.Bool("force-save"),
		Sink: e.recorder(), Observer: obs, Sync: e.syncJob, Prepare: e.prepareJob})
	if b == nil {
		return nil, err
	}
	if err != nil {
		e.warnf("%v", err)
	}
	e.lastRun = nil
	if len(b.Jobs) == 1 && b.Jobs[0].Result != nil {
		e.lastRun = b.Jobs[0].Result.Run
	}
	if c.Bool("show") {
		for _, r := range b.Jobs {
			if err := e.showJobRecords(ctx, r); err != nil {
				return nil, err
			}
		}
	}
	devices, ok, failed, skipped := b.Counts()
	e.saidf("batch %d: %d %s on %d %s: %d ok, %d failed, %d skipped, %s", b.ID, len(b.Jobs), plural("job", len(b.Jobs)),
		devices, plural("device", devices), ok, failed, skipped, fmtElapsed(b.End.Sub(b.Start)))
	set := batchSet(b)
	if c.Bool("json") {
		set.Format = "json"
	}
	if err := ctx.Err(); err != nil {
		return set, err
	}
	switch b.Status {
	case jobs.StatusSuccess:
		return set, nil
	case jobs.StatusFailed:
		return set, &exitError{code: ExitAllFailed, err: fmt.Errorf("every job failed (see: history, failures)")}
	}
	return set, &exitError{code: ExitPartial, err: fmt.Errorf("%d of %d devices failed or were skipped; history show RUN says why", failed+skipped, devices)}
}

// batchDevices counts the devices a batch's jobs select now.
func (e *Env) batchDevices(ctx context.Context, chosen []*jobs.Job) int {
	all, err := e.Devices(ctx)
	if err != nil {
		return 0
	}
	n := 0
	for _, j := range chosen {
		if j.Sync == "" {
			devs, _ := jobs.Devices(j, all)
			n += len(devs)
		}
	}
	return n
}

// batchProgress tells, on stderr, how each job of a batch went as it
// ends. Jobs end on goroutines of their own.
type batchProgress struct {
	e  *Env
	mu sync.Mutex
}

func (p *batchProgress) JobStarted(*jobs.Job, int) {}

func (p *batchProgress) JobFinished(r *jobs.JobResult) {
	p.mu.Lock()
	defer p.mu.Unlock()
	e := p.e
	for _, w := range r.Warnings {
		e.warnf("job %s: %s", r.Slug, w)
	}
	switch {
	case r.Err != nil && r.Job.Sync == "":
		e.warnf("job %s: %v", r.Slug, r.Err)
		return
	case r.Status == jobs.StatusEmpty:
		e.warnf("job %s: its selection picks no device now (%s)", r.Slug, r.Job.Select)
		return
	case r.Job.Sync != "":
		if r.Err != nil {
			e.warnf("job %s: %v (run %d)", r.Slug, r.Err, r.Run)
			return
		}
		e.saidf("job %s: synced: %s, %s (run %d)", r.Slug, r.Note, fmtElapsed(r.Elapsed), r.Run)
		return
	}
	res := r.Result
	for _, w := range res.Run.Warnings {
		e.warnf("job %s: %s", r.Slug, w)
	}
	if res.SinkErr != nil {
		e.warnf("job %s: could not record the run: %v", r.Slug, res.SinkErr)
	}
	if res.AttemptsErr != nil {
		e.warnf("job %s: could not record which credentials worked: %v", r.Slug, res.AttemptsErr)
	}
	line := fmt.Sprintf("job %s: %d ok, %d failed", r.Slug, r.OK, r.Failed)
	if r.Skipped > 0 {
		line += fmt.Sprintf(", %d skipped", r.Skipped)
	}
	e.saidf("%s, %s (run %d)", line, fmtElapsed(r.Elapsed), r.Run)
	failed := res.Run.Failed()
	for i, d := range failed {
		if i == 3 {
			e.saidf("  ... and %d more (history show %d)", len(failed)-i, r.Run)
			break
		}
		e.saidf("  %s: %s: %s", d.Name, d.Kind, d.Reason)
	}
}

// showJobRecords prints a job's records after its own stages.
func (e *Env) showJobRecords(ctx context.Context, r *jobs.JobResult) error {
	if r.Result == nil || r.Result.Records == nil {
		return nil
	}
	set := r.Result.Records
	if r.Job.View != "" {
		var err error
		if set, err = e.viewRecords(ctx, r.Job.View, r.Result.Run.Spec.Devices, set); err != nil {
			return fmt.Errorf("job %s: %w", r.Slug, err)
		}
	}
	for _, line := range r.Job.Stages {
		st, err := e.cmds.Parse(line)
		if err != nil {
			return fmt.Errorf("job %s: |> %s: %w", r.Slug, line, err)
		}
		if set, err = applyStageChain(ctx, e, st, set); err != nil {
			return fmt.Errorf("job %s: |> %s: %w", r.Slug, st.Cmd.Name, err)
		}
	}
	e.saidf("== job %s (run %d)", r.Slug, r.Run)
	return e.print(set)
}

// dryRunJobs shows what each job would do now: its devices, their
// credentials, drivers and templates.
func (e *Env) dryRunJobs(ctx context.Context, chosen []*jobs.Job) (*records.Set, error) {
	all, err := e.Devices(ctx)
	if err != nil {
		return nil, err
	}
	var out *records.Set
	for _, j := range chosen {
		if j.Sync != "" {
			e.saidf("job %s: device sync %s (a dry run does not read the source)", j.Slug, j.Sync)
			continue
		}
		devs, err := jobs.Devices(j, all)
		if err != nil {
			return nil, err
		}
		if len(devs) == 0 {
			e.warnf("job %s: its selection picks no device now (%s)", j.Slug, j.Select)
			continue
		}
		spec := j.Spec()
		if j.View != "" {
			// As the run will: the view's commands, and only the devices
			// whose platform it can ask.
			var warnings []string
			if devs, warnings, err = e.prepareJob(ctx, j, &spec, devs); err != nil {
				return nil, fmt.Errorf("job %s: %w", j.Slug, err)
			}
			for _, w := range warnings {
				e.warnf("job %s: %s", j.Slug, w)
			}
			if len(devs) == 0 {
				continue
			}
		}
		for _, d := range devs {
			spec.Devices = append(spec.Devices, d.Name)
		}
		deps, err := e.runDeps(spec.Raw)
		if err != nil {
			return nil, err
		}
		dr, err := run.Plan(ctx, deps, spec)
		if err != nil {
			if errors.Is(err, run.ErrNoCred) {
				return nil, usagef("job %s: %v", j.Slug, err)
			}
			return nil, fmt.Errorf("job %s: %w", j.Slug, err)
		}
		for _, w := range dr.Warnings {
			e.warnf("job %s: %s", j.Slug, w)
		}
		e.saidf("job %s: %q on %d %s", j.Slug, jobWhat(j), dr.Targets, plural("device", dr.Targets))
		if out == nil {
			out = &records.Set{Columns: append([]string{"job"}, dr.Records.Columns...)}
		}
		for _, row := range dr.Records.Rows {
			out.Rows = append(out.Rows, append([]any{j.Slug}, row...))
		}
	}
	e.saidf("dry run: nothing was connected")
	if out == nil {
		out = &records.Set{Columns: []string{"job", "device"}, Empty: "no job picks a device now"}
	}
	return out, nil
}

// prepareJob completes a view job's spec: each platform's commands from
// the view, and only the devices whose platform it can ask.
func (e *Env) prepareJob(ctx context.Context, j *jobs.Job, spec *run.Spec, devs []*store.Device) ([]*store.Device, []string, error) {
	v, err := e.view(j.View)
	if err != nil {
		return nil, nil, err
	}
	spec.ByPlatform = v.ByPlatform()
	var kept []*store.Device
	lacking := map[string]int{}
	for _, d := range devs {
		if v.Platforms[d.Platform] != nil {
			kept = append(kept, d)
		} else {
			lacking[d.Platform]++
		}
	}
	var warnings []string
	for _, p := range slices.Sorted(maps.Keys(lacking)) {
		warnings = append(warnings, fmt.Sprintf("no %s view for %s: %d %s (not run)", j.View, p, lacking[p], plural("device", lacking[p])))
	}
	return kept, warnings, nil
}

// viewRecords reads a view run's parsed tables through the view.
func (e *Env) viewRecords(ctx context.Context, view string, names []string, set *records.Set) (*records.Set, error) {
	v, err := e.view(view)
	if err != nil {
		return nil, err
	}
	devs, err := e.viewDevicesNamed(ctx, names)
	if err != nil {
		return nil, err
	}
	out, rep := v.Apply(views.Input{Records: set, Devices: devs})
	e.sayViewReport(view, rep)
	return out, nil
}

// viewDevicesNamed are the inventory's devices of these names, as a view
// knows them.
func (e *Env) viewDevicesNamed(ctx context.Context, names []string) ([]views.Device, error) {
	all, err := e.Devices(ctx)
	if err != nil {
		return nil, err
	}
	want := make(map[string]bool, len(names))
	for _, n := range names {
		want[n] = true
	}
	var devs []views.Device
	for _, d := range viewDevices(all) {
		if want[d.Name] {
			devs = append(devs, d)
		}
	}
	return devs, nil
}
