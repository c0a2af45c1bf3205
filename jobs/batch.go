package jobs

import (
	"context"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"time"

	"vc/history"
	"vc/inventory"
	"vc/run"
	"vc/store"
)

// Status is how a job of a batch, or the batch, ended.
type Status string

// The statuses of a job in a batch and of a batch, beside run's own
// (success, partial, failed, cancelled).
const (
	StatusRunning   Status = "running"
	StatusSuccess   Status = Status(run.StatusSuccess)
	StatusPartial   Status = Status(run.StatusPartial)
	StatusFailed    Status = Status(run.StatusFailed)
	StatusCancelled Status = Status(run.StatusCancelled)
	// StatusError is a job whose run could not start (a credential gone,
	// the vault locked); Error says why.
	StatusError Status = "error"
	// StatusEmpty is a job whose selection picks no device now.
	StatusEmpty Status = "empty"
)

// JobResult is how one job of a batch went.
type JobResult struct {
	Slug string `json:"slug"`
	// Run is the run history recorded (0: none, the job did not run).
	Run     uint64        `json:"run,omitempty"`
	Status  Status        `json:"status"`
	Devices int           `json:"devices"`
	OK      int           `json:"ok"`
	Failed  int           `json:"failed"`
	Skipped int           `json:"skipped"`
	Elapsed time.Duration `json:"elapsed"`
	Error   string        `json:"error,omitempty"`
	// Note is what a sync job changed (its plan's summary), Warnings
	// what a person should read about it.
	Note     string   `json:"note,omitempty"`
	Warnings []string `json:"warnings,omitempty"`

	// Job is the job as it ran, Result what run.Execute gave (nil when
	// it did not run) and Err why it could not start; none is recorded.
	Job    *Job        `json:"-"`
	Result *run.Result `json:"-"`
	Err    error       `json:"-"`
}

// Batch is one batch of jobs as recorded: its own id, when, and each
// job's outcome with its run.
type Batch struct {
	ID        uint64       `json:"id"`
	User      string       `json:"user,omitempty"`
	Start     time.Time    `json:"start"`
	End       time.Time    `json:"end,omitzero"`
	Status    Status       `json:"status"`
	Parallel  int          `json:"parallel"`
	ForceSave bool         `json:"force_save,omitempty"`
	Jobs      []*JobResult `json:"jobs"`
}

// Counts add up the devices of a batch's jobs.
func (b *Batch) Counts() (devices, ok, failed, skipped int) {
	for _, r := range b.Jobs {
		devices, ok, failed, skipped = devices+r.Devices, ok+r.OK, failed+r.Failed, skipped+r.Skipped
	}
	return
}

// Observer follows a batch. Jobs run side by side, so its calls come
// from several goroutines at once: it must be safe for concurrent use.
type Observer interface {
	// JobStarted is told of a job about to run on so many devices.
	JobStarted(j *Job, devices int)
	// JobFinished is told of each job as it ends, in the order they end.
	JobFinished(r *JobResult)
}

// BatchOptions say how a batch runs.
type BatchOptions struct {
	// Parallel is how many jobs run at once (at least one). Their devices
	// share the engine's worker budget and site limits all the same.
	Parallel int
	// ForceSave keeps the outputs that failed validation, for every job.
	ForceSave bool
	// Sink records each job's run (history and captures); nil: none.
	Sink run.Sink
	// Observer follows the batch; nil: nobody.
	Observer Observer
	// Sync runs sync jobs (Job.Sync); nil: a sync job is an error.
	Sync Syncer
	// Prepare completes a view job's spec from outside the store (each
	// platform's commands, from the view) and keeps the devices the view
	// can ask, saying what it left out; nil: a view job is an error.
	Prepare Preparer
}

// Preparer completes a job's spec for the devices it selected now.
type Preparer func(ctx context.Context, j *Job, spec *run.Spec, devs []*store.Device) (kept []*store.Device, warnings []string, err error)

// Syncer runs a sync job: the inventory sync its Sync line says, as
// device sync does, all or nothing.
type Syncer func(ctx context.Context, j *Job) (SyncResult, error)

// SyncResult is what a sync did.
type SyncResult struct {
	// Summary says what changed ("3 created, 1 updated, 40 unchanged").
	Summary string
	// Devices counts the source's devices, Synced those in the
	// inventory as the source has them now (created, updated or
	// unchanged), Skipped those left out (no address, no platform): the
	// run is partial then.
	Devices, Synced, Skipped int
	// Warnings are what a person should read about it.
	Warnings []string
}

// RunBatch runs jobs, Parallel at a time, each through run.Execute with
// the Sink, on the devices its selection picks now, and records the batch
// in the store: its id is in every run's spec (Spec.Batch). A job's
// failure is part of the result, not an error; the error is for a batch
// that could not be recorded. A cancelled ctx ends the running jobs as
// run.Execute does and starts no more.
func RunBatch(ctx context.Context, d run.Deps, jobs []*Job, o BatchOptions) (*Batch, error) {
	b := &Batch{User: run.UserName(), Start: time.Now(), Status: StatusRunning, Parallel: max(1, o.Parallel), ForceSave: o.ForceSave}
	for _, j := range jobs {
		b.Jobs = append(b.Jobs, &JobResult{Slug: j.Slug, Job: j, Status: StatusCancelled})
	}
	// The devices first: a batch recorded as running is one that runs.
	var all []*store.Device
	if err := d.Store.View(ctx, func(t *store.Tx) error {
		var err error
		all, err = store.List[store.Device](t)
		return err
	}); err != nil {
		return nil, err
	}
	rec := context.WithoutCancel(ctx)
	if err := d.Store.Update(rec, func(t *store.Tx) error {
		id, err := t.Bucket(store.BucketJobs).NextSequence()
		if err != nil {
			return err
		}
		b.ID = id
		return putBatch(t, b)
	}); err != nil {
		return nil, fmt.Errorf("jobs: record the batch: %w", err)
	}
	next := make(chan int)
	var wg sync.WaitGroup
	for range min(b.Parallel, len(jobs)) {
		wg.Go(func() {
			for i := range next {
				runJob(ctx, d, b.ID, "job", b.Jobs[i], all, o)
			}
		})
	}
feed:
	for i := range jobs {
		select {
		case next <- i:
		case <-ctx.Done():
			break feed
		}
	}
	close(next)
	wg.Wait()
	b.End, b.Status = time.Now(), batchStatus(ctx, b.Jobs)
	if err := d.Store.Update(rec, func(t *store.Tx) error { return putBatch(t, b) }); err != nil {
		return b, fmt.Errorf("jobs: record the batch: %w", err)
	}
	return b, nil
}

// RunOne runs a job by itself, outside a batch, as a schedule does:
// origin says what started it ("schedule"). Unlike a batch's job, one
// that cannot start, or selects no device, is recorded in history too
// (failed, or skipped, its note saying why), so a run nobody watched
// still leaves its trace.
func RunOne(ctx context.Context, d run.Deps, j *Job, origin string, o BatchOptions) *JobResult {
	res := &JobResult{Slug: j.Slug, Job: j, Status: StatusCancelled}
	start := time.Now()
	var all []*store.Device
	err := d.Store.View(ctx, func(t *store.Tx) error {
		var err error
		all, err = store.List[store.Device](t)
		return err
	})
	if err != nil {
		res.Status, res.Err, res.Error = StatusError, err, err.Error()
	} else {
		runJob(ctx, d, 0, origin, res, all, o)
	}
	var status run.Status
	note := ""
	switch res.Status {
	case StatusError:
		status, note = run.StatusFailed, "could not run: "+res.Error
	case StatusEmpty:
		status, note = run.StatusSkipped, "its selection picks no device now ("+j.Select+")"
	default:
		return res
	}
	spec := run.Spec{Origin: origin, Job: j.Slug, Selection: j.Select, Commands: j.Commands, Note: note}
	if id, err := history.NoteSpan(context.WithoutCancel(ctx), d.Store, spec, status, start, time.Now()); err == nil {
		res.Run = id
	}
	return res
}

// runJob runs one job, of a batch (batch > 0) or alone, and fills in its
// result.
func runJob(ctx context.Context, d run.Deps, batch uint64, origin string, res *JobResult, all []*store.Device, o BatchOptions) {
	start := time.Now()
	j := res.Job
	if j.Sync != "" {
		runSync(ctx, d, batch, origin, res, o)
		return
	}
	spec := j.Spec()
	spec.Batch, spec.Origin = batch, origin
	spec.ForceSave = spec.ForceSave || o.ForceSave
	devs, err := Devices(j, all)
	if err == nil && len(devs) > 0 && j.View != "" {
		if o.Prepare == nil {
			err = fmt.Errorf("job %s asks the view %s: view jobs are run by the console (vc run, vc daemon)", j.Slug, j.View)
		} else {
			var warnings []string
			devs, warnings, err = o.Prepare(ctx, j, &spec, devs)
			res.Warnings = append(res.Warnings, warnings...)
		}
	}
	if err == nil && len(devs) == 0 {
		res.Status = StatusEmpty
		if o.Observer != nil {
			o.Observer.JobFinished(res)
		}
		return
	}
	for _, dev := range devs {
		spec.Devices = append(spec.Devices, dev.Name)
	}
	res.Devices = len(spec.Devices)
	if err == nil {
		if o.Observer != nil {
			o.Observer.JobStarted(j, res.Devices)
		}
		res.Result, err = run.Execute(ctx, d, spec, o.Sink, nil)
	}
	res.Elapsed = time.Since(start)
	if err != nil {
		res.Status, res.Err, res.Error = StatusError, err, err.Error()
		res.Failed = res.Devices
	} else {
		r := res.Result.Run
		res.Run, res.Status, res.Elapsed = r.ID, Status(r.Status), r.End.Sub(r.Start)
		for _, dev := range r.Devices {
			switch {
			case !dev.Done, dev.Kind == run.KindGone:
				res.Skipped++
			case dev.OK():
				res.OK++
			default:
				res.Failed++
			}
		}
	}
	if o.Observer != nil {
		o.Observer.JobFinished(res)
	}
}

// runSync runs a sync job and records it in history as a run without
// devices, its note saying what changed.
func runSync(ctx context.Context, d run.Deps, batch uint64, origin string, res *JobResult, o BatchOptions) {
	start := time.Now()
	j := res.Job
	if o.Observer != nil {
		o.Observer.JobStarted(j, 0)
	}
	var r SyncResult
	err := errors.New("sync jobs are run by the console (vc run, vc daemon)")
	if o.Sync != nil {
		r, err = o.Sync(ctx, j)
	}
	status, note := run.StatusSuccess, "sync "+j.Sync+": "+r.Summary
	switch {
	case err != nil && errors.Is(ctx.Err(), context.Canceled):
		status, note = run.StatusCancelled, "sync "+j.Sync+": "+err.Error()
	case err != nil:
		status, note = run.StatusFailed, "sync "+j.Sync+": "+err.Error()
	case r.Skipped > 0:
		status = run.StatusPartial
	}
	if len(r.Warnings) > 0 {
		note += "; " + strings.Join(r.Warnings, "; ")
	}
	res.Status, res.Note, res.Elapsed = Status(status), r.Summary, time.Since(start)
	res.Devices, res.OK, res.Skipped, res.Warnings = r.Devices, r.Synced, r.Skipped, r.Warnings
	if err != nil {
		res.Err, res.Error = err, err.Error()
	}
	spec := run.Spec{Origin: origin, Job: j.Slug, Batch: batch, Note: note}
	id, rerr := history.NoteSpan(context.WithoutCancel(ctx), d.Store, spec, status, start, time.Now())
	if rerr == nil {
		res.Run = id
	} else if res.Err == nil {
		res.Err, res.Error = rerr, rerr.Error()
	}
	if o.Observer != nil {
		o.Observer.JobFinished(res)
	}
}

// Devices are the inventory devices a job's selection picks among all.
func Devices(j *Job, all []*store.Device) ([]*store.Device, error) {
	f, err := inventory.Compile(j.Select)
	if err != nil {
		return nil, &FieldError{Job: j.Slug, Field: FieldSelect, Err: err}
	}
	return f.Select(all)
}

// batchStatus sums up the jobs: success when none failed (a job that
// picked no device did not fail), failed when every one that ran failed.
func batchStatus(ctx context.Context, jobs []*JobResult) Status {
	var ran, bad int
	for _, r := range jobs {
		if r.Status == StatusEmpty {
			continue
		}
		ran++
		if r.Status != StatusSuccess {
			bad++
		}
	}
	switch {
	case errors.Is(ctx.Err(), context.Canceled):
		return StatusCancelled
	case bad == 0:
		return StatusSuccess
	case bad == ran && !slices.ContainsFunc(jobs, func(r *JobResult) bool { return r.OK > 0 }):
		return StatusFailed
	}
	return StatusPartial
}

func putBatch(t *store.Tx, b *Batch) error {
	raw, err := json.Marshal(b)
	if err != nil {
		return err
	}
	return t.Bucket(store.BucketJobs).Put(batchKey(b.ID), raw)
}

// Batches returns the recorded batches, newest first; limit > 0 keeps
// the newest so many.
func Batches(ctx context.Context, st *store.Store, limit int) ([]*Batch, error) {
	var out []*Batch
	err := st.View(ctx, func(t *store.Tx) error {
		c := t.Bucket(store.BucketJobs).Cursor()
		end := batchKey(^uint64(0))
		k, v := c.Seek(end)
		if k == nil || string(k) > string(end) {
			k, v = c.Prev()
		}
		for ; k != nil && len(k) == len(end) && string(k[:2]) == string(batchPrefix); k, v = c.Prev() {
			var b Batch
			if err := json.Unmarshal(v, &b); err != nil {
				return fmt.Errorf("jobs: decode batch %d: %w", binary.BigEndian.Uint64(k[2:]), err)
			}
			out = append(out, &b)
			if limit > 0 && len(out) == limit {
				break
			}
		}
		return nil
	})
	return out, err
}

// LastRuns are the newest recorded run of each job, by slug: the runs a
// batch or run SLUG made (retries of them are not the job's own).
func LastRuns(ctx context.Context, st *store.Store) (map[string]history.Summary, error) {
	runs, err := history.List(ctx, st, history.Filter{})
	if err != nil {
		return nil, err
	}
	out := map[string]history.Summary{}
	for _, r := range runs {
		if r.Spec.Job == "" || (r.Spec.Origin != "job" && r.Spec.Origin != "schedule") {
			continue
		}
		if _, seen := out[r.Spec.Job]; !seen {
			out[r.Spec.Job] = r
		}
	}
	return out, nil
}

// Runs are a job's recorded runs, newest first; limit > 0 keeps the
// newest so many.
func Runs(ctx context.Context, st *store.Store, slug string, limit int) ([]history.Summary, error) {
	runs, err := history.List(ctx, st, history.Filter{})
	if err != nil {
		return nil, err
	}
	var out []history.Summary
	for _, r := range runs {
		if r.Spec.Job == slug && (limit <= 0 || len(out) < limit) {
			out = append(out, r)
		}
	}
	return out, nil
}
