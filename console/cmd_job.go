package console

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"

	"vc/daemon"
	"vc/engine"
	"vc/jobs"
	"vc/records"
	"vc/store"
)

// jobCommands are the commands of saved jobs: saving, editing, moving
// them in and out of files, running them; and coverage, which says what
// the runs have kept.
func jobCommands() []*Command {
	cmds := []*Command{
		{
			Name: "save job", Args: "SLUG", Group: groupJobs, MinArgs: 1, MaxArgs: 1,
			Flags: []Flag{
				{Name: "name", Value: "TEXT", Help: "a name for people (default: none)"},
				{Name: "description", Value: "TEXT", Help: "what the job is for"},
				{Name: "tag", Value: "T", Help: "a tag to run it by (run --tag T); may be given several times", Many: true},
				{Name: "capture-type", Value: "TYPE", Help: "keep the outputs as this capture type (default: the exec's)"},
				{Name: "replace", Help: "replace the job of that slug, if there is one"},
			},
			Summary: "save the session's last exec (or retry) as a job",
			Help: "The job keeps the commands, the selection expression (not the devices: a device added later is\n" +
				"picked up when the job runs), the flags (timeouts, workers, cred, template, min-score, force-save,\n" +
				"scrub, capture type, raw, max-output) and the |> stages. A session-log folder and --all-creds are not\n" +
				"kept. It works the same in a script (vc -f) as at the console.\n\n" + slugHelp,
			Examples: []string{
				"save job arista-arp --tag daily --name \"Arista ARP tables\"",
				"save job core-configs --capture-type configs --replace",
			},
			Run: runSaveJob,
		},
		{
			Name: "job create", Args: "SLUG", Group: groupJobs, MinArgs: 1, MaxArgs: 1,
			Flags: []Flag{
				{Name: "command", Value: "CMD", Help: "a command to send (several: in one session, in order)", Many: true},
				{Name: "view", Value: "VIEW", Help: "instead of commands: ask a view, as get does (facts, arp, interfaces...: views list)"},
				{Name: "sync", Value: "ARGS", Help: "instead of commands: an inventory sync, device sync's arguments (netbox --url URL --token-file FILE ...)"},
				{Name: "select", Value: "EXPR", Help: "the devices, as select takes them (site == \"usa\"; * for all)"},
				{Name: "capture-type", Value: "TYPE", Help: "keep the outputs as this capture type"},
				{Name: "timeout", Value: "DURATION", Help: "time each command may take (default 30s)"},
				{Name: "connect-timeout", Value: "DURATION", Help: "time to connect and log in (default 10s each)"},
				{Name: "run-timeout", Value: "DURATION", Help: "time the whole run may take (default: no limit)"},
				{Name: "workers", Value: "N", Help: fmt.Sprintf("devices talked to at once (default %d)", engine.DefaultWorkers)},
				{Name: "cred", Value: "NAME", Help: "try this credential first"},
				{Name: "template", Value: "NAME", Help: "parse with this template (see templates list); may be given several times", Many: true},
				{Name: "min-score", Value: "0..1", Help: "count an output whose parse scores below this as failed validation"},
				{Name: "stage", Value: "STAGE", Help: "a |> stage to apply to its records (where age > 5); may be given several times", Many: true},
				{Name: "force-save", Help: "keep outputs that failed validation too"},
				{Name: "scrub", Help: "mask secrets in the outputs before keeping them"},
				{Name: "tag", Value: "T", Help: "a tag to run it by; may be given several times", Many: true},
				{Name: "name", Value: "TEXT", Help: "a name for people"},
				{Name: "description", Value: "TEXT", Help: "what the job is for"},
			},
			Summary: "create a job without running it",
			Help: "Every value is checked before anything is saved: the expression compiles (its fault is shown with\n" +
				"its position), the templates are in the library, the durations read, the credential exists.\n\n" + slugHelp,
			Examples: []string{
				`job create arista-arp --command "show ip arp" --select 'vendor == "arista"' --tag daily`,
				`job create configs --command "show running-config" --command "show version" --select '*' --capture-type configs --scrub`,
				`job create facts-daily --view facts --select '*' --tag daily`,
				`job create netbox-nightly --sync "netbox --url https://netbox.example.com --token-file /etc/vc/netbox-token --prune"`,
			},
			Run: runJobCreate,
		},
		{
			Name: "job list", Group: groupJobs,
			Flags:    []Flag{{Name: "tag", Value: "T", Help: "only jobs with this tag"}, jsonFlag},
			Summary:  "list the jobs, with their last run's status and time",
			Examples: []string{"job list", "job list --tag daily", `job list |> where last_status != "success"`},
			Run:      runJobList,
		},
		{
			Name: "job show", Args: "SLUG", Group: groupJobs, MinArgs: 1, MaxArgs: 1, Flags: []Flag{jsonFlag},
			Summary:  "show a job, the devices it selects now, and its last runs",
			Examples: []string{"job show arista-arp"},
			Run:      runJobShow,
		},
		{
			Name: "job edit", Args: "SLUG FIELD=VALUE...", Group: groupJobs, MinArgs: 2, MaxArgs: -1,
			Summary: "change fields of a job",
			Help: "Fields: " + strings.Join(editableFields(), ", ") + ".\n" +
				"A list field takes every value given for it: command=\"show clock\" command=\"show version\"; tags=a,b and\n" +
				"template=a:b split on commas and colons. An empty value clears a field (stages=). Durations are such as\n" +
				"30s or 5m; booleans yes or no. Nothing is saved unless every value is good.",
			Examples: []string{
				`job edit arista-arp 'select=vendor == "arista" && site == "usa"'`,
				`job edit arista-arp timeout=2m workers=50 force_save=yes`,
				`job edit arista-arp command="show ip arp" command="show mac address-table"`,
			},
			Run: runJobEdit,
		},
		{
			Name: "job rm", Args: "SLUG|PATTERN...", Group: groupJobs, MinArgs: 1, MaxArgs: -1,
			Summary:  "remove jobs (their runs stay in history); a job a schedule runs is kept until the schedule goes",
			Examples: []string{"job rm arista-arp", "job rm 'test-*'"},
			Run: func(ctx context.Context, e *Env, c *Call) (*records.Set, error) {
				slugs, err := e.jobSlugs(ctx, c.Args)
				if err != nil {
					return nil, err
				}
				if err := jobs.Remove(ctx, e.Store, slugs, unscheduled); err != nil {
					return nil, jobError(err)
				}
				e.saidf("removed %s %s", plural("job", len(slugs)), strings.Join(slugs, ", "))
				return nil, nil
			},
		},
		{
			Name: "job enable", Args: "SLUG|PATTERN...", Group: groupJobs, MinArgs: 1, MaxArgs: -1,
			Summary:  "let jobs run in batches again (run PATTERN, --tag, --all-enabled)",
			Examples: []string{"job enable arista-arp", "job enable 'cisco-*'"},
			Run: func(ctx context.Context, e *Env, c *Call) (*records.Set, error) {
				return nil, e.setEnabled(ctx, c.Args, true)
			},
		},
		{
			Name: "job disable", Args: "SLUG|PATTERN...", Group: groupJobs, MinArgs: 1, MaxArgs: -1,
			Summary:  "keep jobs out of batches: they run only when named",
			Examples: []string{"job disable arista-arp"},
			Run: func(ctx context.Context, e *Env, c *Call) (*records.Set, error) {
				return nil, e.setEnabled(ctx, c.Args, false)
			},
		},
		{
			Name: "job tag", Args: "SLUG +TAG|-TAG...", Group: groupJobs, MinArgs: 2, MaxArgs: -1,
			Summary:  "add (+T, or T) and remove (-T) tags of a job",
			Examples: []string{"job tag arista-arp +daily -weekly"},
			Run:      runJobTag,
		},
		{
			Name: "job rename", Args: "OLD NEW", Group: groupJobs, MinArgs: 2, MaxArgs: 2,
			Summary:  "give a job a new slug (its schedules follow; its past runs keep the old one in history)",
			Examples: []string{"job rename arista-arp arista-arp-daily"},
			Run: func(ctx context.Context, e *Env, c *Call) (*records.Set, error) {
				if err := jobs.Rename(ctx, e.Store, c.Args[0], c.Args[1], daemon.RenameJob); err != nil {
					return nil, jobError(err)
				}
				e.saidf("renamed job %s to %s", c.Args[0], c.Args[1])
				return nil, nil
			},
		},
		{
			Name: "job export", Args: "FILE [SLUG|PATTERN...]", Group: groupJobs, MinArgs: 1, MaxArgs: -1,
			Summary: "write jobs (all, or those named) to a YAML file for git; - is stdout",
			Help: "The file is meant to be read and edited by people and kept in git: one entry per job, its fields in\n" +
				"a fixed order, defaults left out. job import reads it back.",
			Examples: []string{"job export jobs.yaml", "job export - 'arista-*'"},
			Run:      runJobExport,
		},
		{
			Name: "job import", Args: "FILE", Group: groupJobs, MinArgs: 1, MaxArgs: 1,
			Flags:   []Flag{{Name: "dry-run", Help: "say what would be created and updated, change nothing"}},
			Summary: "create and update jobs from a YAML file, all or nothing",
			Help: "Every job of the file is checked (fields, expressions, templates, credentials, stages) before any\n" +
				"is saved; each fault is reported with the file's line, the job and the field, and then nothing is.\n" +
				"Jobs of the file that exist are updated to what it says; others are left alone.",
			Examples: []string{"job import jobs.yaml --dry-run", "job import jobs.yaml"},
			Run:      runJobImport,
		},
		{
			Name: "job batches", Args: "[ID]", Group: groupJobs, MaxArgs: 1,
			Flags:    []Flag{{Name: "limit", Value: "N", Help: "the newest N batches (default 20; 0 lists all)"}, jsonFlag},
			Summary:  "list the batches run has run, or the jobs of batch ID",
			Examples: []string{"job batches", "job batches 3"},
			Run:      runJobBatches,
		},
	}
	cmds = append(cmds, jobRunCommands()...)
	cmds = append(cmds, jobMigrateCommands()...)
	return append(cmds, coverageCommands()...)
}

// unscheduled refuses to remove a job that a schedule runs: the daemon
// would fail it at every fire time.
func unscheduled(t *store.Tx, slug string) error {
	scheds, err := daemon.OfJob(t, slug)
	if err != nil || len(scheds) == 0 {
		return err
	}
	ids := make([]string, len(scheds))
	for i, s := range scheds {
		ids[i] = strconv.FormatUint(s.ID, 10)
	}
	return &inputError{fmt.Errorf("job %s is run by %s %s: remove %s first (schedule rm %s)", slug,
		plural("schedule", len(ids)), strings.Join(ids, ", "), map[bool]string{true: "it", false: "them"}[len(ids) == 1], strings.Join(ids, " "))}
}

const slugHelp = "A job's SLUG is lowercase words of letters and digits joined by - or _ (arista-arp, core_configs)."

// inputError is bad input to a job command: a usage error to the exit
// status (2), and still the error it was to errors.As.
type inputError struct{ err error }

func (e *inputError) Error() string   { return e.err.Error() }
func (e *inputError) Unwrap() []error { return []error{e.err, &usageError{e.err.Error()}} }

// jobError makes what the user got wrong a usage error: a bad slug, a bad
// field, a job or pattern that is not there.
func jobError(err error) error {
	switch {
	case err == nil:
		return nil
	case errors.Is(err, jobs.ErrBadSlug), errors.Is(err, jobs.ErrInvalid), errors.Is(err, jobs.ErrNoJob),
		errors.Is(err, jobs.ErrNoMatch), errors.Is(err, jobs.ErrNoChoice), errors.Is(err, jobs.ErrExists):
		return &inputError{err}
	}
	return err
}

// jobChecks check a job's fields against the store, the templates and
// the stages.
func (e *Env) jobChecks(ctx context.Context) jobs.Checks {
	return jobs.Checks{
		Cred: func(name string) error {
			return e.Store.View(ctx, func(t *store.Tx) error {
				creds, err := t.Creds()
				if err != nil {
					return err
				}
				var names []string
				for _, c := range creds {
					if c.Name == name {
						return nil
					}
					names = append(names, c.Name)
				}
				return fmt.Errorf("no credential %s%s (see: cred list)", store.Quote(name), records.DidYouMean(records.Suggest(name, names)))
			})
		},
		Template: func(name string) error {
			lib, err := e.library()
			if err != nil {
				return err
			}
			if _, _, err := lib.Source(templateFile(name)); err != nil {
				return fmt.Errorf("%w (see: templates list)", err)
			}
			return nil
		},
		Sync: e.checkSyncJob,
		View: func(name string) error {
			_, err := e.view(name)
			return err
		},
		Stage: func(line string) error {
			st, err := e.cmds.Parse(line)
			if err != nil {
				return err
			}
			if !st.Cmd.Stage {
				return fmt.Errorf("%s is not a record stage; stages are %s", st.Cmd.Name, strings.Join(e.cmds.stageNames(), ", "))
			}
			return nil
		},
	}
}

// checkJob checks a job and gives all its faults as one input error.
func (e *Env) checkJob(ctx context.Context, j *jobs.Job) error {
	if errs := j.Check(e.jobChecks(ctx)); len(errs) > 0 {
		return &inputError{errors.Join(errs...)}
	}
	return nil
}

func runSaveJob(ctx context.Context, e *Env, c *Call) (*records.Set, error) {
	slug := c.Args[0]
	if err := jobs.ValidSlug(slug); err != nil {
		return nil, jobError(err)
	}
	if e.lastRun == nil {
		return nil, usagef("save job: nothing to save: no exec has run in this session (run one first, or see: job create)")
	}
	j, notes := jobs.FromSpec(slug, e.lastRun.Spec)
	j.From = fmt.Sprintf("run %d", e.lastRun.ID)
	if e.lastRun.ID == 0 {
		j.From = "save"
	}
	if err := setJobFlags(j, c); err != nil {
		return nil, err
	}
	if err := e.checkJob(ctx, j); err != nil {
		return nil, err
	}
	if c.Bool("replace") {
		if _, err := jobs.Save(ctx, e.Store, []*jobs.Job{j}, jobs.SaveOptions{Replace: true}); err != nil {
			return nil, err
		}
	} else if err := jobs.Create(ctx, e.Store, j); err != nil {
		return nil, jobError(err)
	}
	for _, n := range notes {
		e.warnf("%s", n)
	}
	e.saidf("saved job %s: %s on %s (run it with: run %s)", slug, jobWhat(j), j.Select, slug)
	return nil, nil
}

// setJobFlags gives a job the values of the flags save job and job
// create share.
func setJobFlags(j *jobs.Job, c *Call) error {
	set := func(field string, values ...string) error { return jobError(j.Set(field, values...)) }
	for _, f := range [][2]string{{"name", jobs.FieldName}, {"description", jobs.FieldDescription}, {"capture-type", jobs.FieldCaptureType}} {
		if c.Has(f[0]) {
			if err := set(f[1], c.String(f[0], "")); err != nil {
				return err
			}
		}
	}
	if tags := c.Strings("tag"); len(tags) > 0 {
		if err := set(jobs.FieldTags, append(slices.Clone(j.Tags), tags...)...); err != nil {
			return err
		}
	}
	return nil
}

func runJobCreate(ctx context.Context, e *Env, c *Call) (*records.Set, error) {
	j := &jobs.Job{Slug: c.Args[0], From: "create"}
	if err := jobs.ValidSlug(j.Slug); err != nil {
		return nil, jobError(err)
	}
	if c.Has("sync") {
		return nil, e.createSyncJob(ctx, j, c)
	}
	switch {
	case c.Has("view") && c.Has("command"):
		return nil, usagef("job create: --view asks the view's own commands: give --view or --command, not both")
	case !c.Has("view") && len(c.Strings("command")) == 0:
		return nil, usagef("job create: give the commands with --command \"CMD\" (or --view VIEW, or --sync ARGS for an inventory sync)")
	}
	if !c.Has("select") {
		return nil, usagef("job create: give the devices with --select EXPR (* for all)")
	}
	set := func(field string, values ...string) error { return jobError(j.Set(field, values...)) }
	if c.Has("view") {
		if err := set(jobs.FieldView, c.String("view", "")); err != nil {
			return nil, err
		}
	} else if err := set(jobs.FieldCommands, c.Strings("command")...); err != nil {
		return nil, err
	}
	if err := set(jobs.FieldSelect, c.String("select", "")); err != nil {
		return nil, err
	}
	// In the order help lists the flags, so the first fault said is the
	// same every time.
	for _, f := range [][2]string{{"timeout", jobs.FieldTimeout}, {"connect-timeout", jobs.FieldConnectTimeout},
		{"run-timeout", jobs.FieldRunTimeout}, {"workers", jobs.FieldWorkers}, {"cred", jobs.FieldCred}, {"min-score", jobs.FieldMinScore}} {
		if c.Has(f[0]) {
			if err := set(f[1], c.String(f[0], "")); err != nil {
				return nil, err
			}
		}
	}
	for _, f := range [][2]string{{"force-save", jobs.FieldForceSave}, {"scrub", jobs.FieldScrub}} {
		if c.Bool(f[0]) {
			if err := set(f[1], "yes"); err != nil {
				return nil, err
			}
		}
	}
	var tmpls []string
	for _, t := range c.Strings("template") {
		tmpls = append(tmpls, strings.Split(t, ":")...)
	}
	if err := set(jobs.FieldTemplates, tmpls...); err != nil {
		return nil, err
	}
	if err := set(jobs.FieldStages, c.Strings("stage")...); err != nil {
		return nil, err
	}
	if err := setJobFlags(j, c); err != nil {
		return nil, err
	}
	if err := e.checkJob(ctx, j); err != nil {
		return nil, err
	}
	if err := jobs.Create(ctx, e.Store, j); err != nil {
		return nil, jobError(err)
	}
	e.saidf("created job %s: %s on %s", j.Slug, jobWhat(j), j.Select)
	return nil, nil
}

// createSyncJob creates a job that syncs the inventory.
func (e *Env) createSyncJob(ctx context.Context, j *jobs.Job, c *Call) error {
	for _, f := range []string{"command", "select", "template", "stage", "capture-type", "timeout", "connect-timeout",
		"run-timeout", "workers", "cred", "min-score", "force-save", "scrub", "view"} {
		if c.Has(f) {
			return usagef("job create --sync: --%s is for jobs that send commands to devices", f)
		}
	}
	if err := jobError(j.Set(jobs.FieldSync, c.String("sync", ""))); err != nil {
		return err
	}
	if err := setJobFlags(j, c); err != nil {
		return err
	}
	if err := e.checkJob(ctx, j); err != nil {
		return err
	}
	if err := jobs.Create(ctx, e.Store, j); err != nil {
		return jobError(err)
	}
	e.saidf("created job %s: device sync %s", j.Slug, j.Sync)
	return nil
}

// jobWhat is what a job does, in a line: its commands, or its sync.
func jobWhat(j *jobs.Job) string {
	switch {
	case j.Sync != "":
		return "device sync " + j.Sync
	case j.View != "":
		return "get " + j.View
	}
	return strings.Join(j.Commands, "; ")
}

var jobListColumns = []string{"slug", "enabled", "tags", "commands", "select", "last_run", "last_status", "last_time", "name"}

func runJobList(ctx context.Context, e *Env, c *Call) (*records.Set, error) {
	all, err := jobs.List(ctx, e.Store)
	if err != nil {
		return nil, err
	}
	last, err := jobs.LastRuns(ctx, e.Store)
	if err != nil {
		return nil, err
	}
	set := &records.Set{Columns: jobListColumns, Empty: "no jobs yet: save job SLUG after an exec, or job create"}
	tag := c.String("tag", "")
	for _, j := range all {
		if tag != "" && !j.HasTag(tag) {
			continue
		}
		var id, status, when any
		if r, ok := last[j.Slug]; ok {
			id, status, when = int(r.ID), string(r.Status), r.Start
		}
		set.Rows = append(set.Rows, []any{j.Slug, j.Enabled(), j.Tags, jobWhat(j), j.Select, id, status, when, j.Name})
	}
	if tag != "" && len(set.Rows) == 0 {
		set.Empty = "no job has the tag " + store.Quote(tag)
	}
	return set, nil
}

func runJobShow(ctx context.Context, e *Env, c *Call) (*records.Set, error) {
	j, err := jobs.Get(ctx, e.Store, c.Args[0])
	if err != nil {
		return nil, jobError(err)
	}
	all, err := e.Devices(ctx)
	if err != nil {
		return nil, err
	}
	var devsNow any
	if j.Sync == "" {
		devs, err := jobs.Devices(j, all)
		if err != nil {
			return nil, err
		}
		devsNow = len(devs)
	}
	// A field left at its default shows as nothing.
	dur := func(d time.Duration) any {
		if d == 0 {
			return nil
		}
		return d
	}

	head := &records.Set{Record: true,
		Columns: []string{"slug", "name", "description", "enabled", "tags", "sync", "view", "select", "devices_now", "commands", "stages", "capture_type",
			"timeout", "connect_timeout", "run_timeout", "workers", "cred", "templates", "min_score", "force_save", "scrub", "raw",
			"no_capture", "max_output", "from", "created", "updated"},
		Rows: [][]any{{j.Slug, j.Name, j.Description, j.Enabled(), j.Tags, j.Sync, j.View, j.Select, devsNow, j.Commands, strings.Join(j.Stages, " |> "),
			j.CaptureType, dur(j.Timeout), dur(j.ConnectTimeout), dur(j.RunTimeout), orNil(j.Workers), j.Cred, j.Templates,
			orNil(j.MinScore), orNil(j.ForceSave), orNil(j.Scrub), orNil(j.Raw), orNil(j.NoCapture), orNil(j.MaxOutput), j.From, j.Created, j.Updated}}}
	runs, err := jobs.Runs(ctx, e.Store, j.Slug, 10)
	if err != nil {
		return nil, err
	}
	set := &records.Set{Columns: []string{"run", "start", "status", "origin", "batch", "devices", "ok", "failed", "duration", "note"},
		Empty: "no runs of this job yet (run " + j.Slug + ")"}
	for _, r := range runs {
		var d any
		if !r.End.IsZero() {
			d = r.End.Sub(r.Start).Round(time.Millisecond)
		}
		set.Rows = append(set.Rows, []any{int(r.ID), r.Start, string(r.Status), r.Spec.Origin, orNil(int(r.Spec.Batch)), r.Total, r.OK, r.Failed, d, r.Spec.Note})
	}
	if c.Bool("json") {
		return nestedJSON(head, "runs", set), nil
	}
	if err := e.print(head); err != nil {
		return nil, err
	}
	return set, nil
}

// orNil is a value left at its default as nothing, which a record does
// not show.
func orNil[T comparable](v T) any {
	var zero T
	if v == zero {
		return nil
	}
	return v
}

// editableFields are the fields job edit takes.
func editableFields() []string {
	return slices.DeleteFunc(slices.Clone(jobs.Fields), func(f string) bool { return f == jobs.FieldSlug })
}

// editAliases are the names job edit also takes for a field: the one a
// flag gives it, and the singular of a list.
var editAliases = map[string]string{
	"command": jobs.FieldCommands, "tag": jobs.FieldTags, "template": jobs.FieldTemplates, "stage": jobs.FieldStages,
	"capture-type": jobs.FieldCaptureType, "connect-timeout": jobs.FieldConnectTimeout, "run-timeout": jobs.FieldRunTimeout,
	"min-score": jobs.FieldMinScore, "force-save": jobs.FieldForceSave, "no-capture": jobs.FieldNoCapture, "max-output": jobs.FieldMaxOutput,
}

func runJobEdit(ctx context.Context, e *Env, c *Call) (*records.Set, error) {
	slug := c.Args[0]
	var order []string
	values := map[string][]string{}
	for _, kv := range c.Args[1:] {
		k, v, ok := strings.Cut(kv, "=")
		if !ok {
			return nil, usagef("job edit: %s is not FIELD=VALUE; fields are %s", store.Quote(kv), strings.Join(editableFields(), ", "))
		}
		k = strings.TrimSpace(k)
		if a, ok := editAliases[k]; ok {
			k = a
		}
		if k == jobs.FieldSlug {
			return nil, usagef("job edit: the slug changes with job rename %s NEW", slug)
		}
		if _, seen := values[k]; !seen {
			order = append(order, k)
		}
		switch k {
		case jobs.FieldTags:
			values[k] = append(values[k], strings.Split(v, ",")...)
		case jobs.FieldTemplates:
			values[k] = append(values[k], strings.FieldsFunc(v, func(r rune) bool { return r == ',' || r == ':' })...)
		default:
			values[k] = append(values[k], v)
		}
	}
	checks := e.jobChecks(ctx)
	saved, err := jobs.Update(ctx, e.Store, []string{slug}, func(j *jobs.Job) error {
		for _, k := range order {
			vs := values[k]
			if jobs.IsList(k) && len(vs) == 1 && vs[0] == "" {
				vs = nil
			}
			if err := j.Set(k, vs...); err != nil {
				return err
			}
		}
		if errs := j.Check(checks); len(errs) > 0 {
			return errors.Join(errs...)
		}
		return nil
	})
	if err != nil {
		return nil, jobError(err)
	}
	e.saidf("job %s: changed %s", saved[0].Slug, strings.Join(order, ", "))
	return nil, nil
}

// jobSlugs are the slugs of jobs named by slug or glob pattern, enabled
// or not (the choice is for a change, not a run); a slug no job has, or
// a pattern none matches, is an error.
func (e *Env) jobSlugs(ctx context.Context, args []string) ([]string, error) {
	all, err := jobs.List(ctx, e.Store)
	if err != nil {
		return nil, err
	}
	var out []string
	for _, a := range args {
		if _, _, err := jobs.Choose(all, jobs.Choice{Names: []string{a}}); err != nil {
			return nil, jobError(err)
		}
		for _, j := range all {
			if ok, _ := path.Match(a, j.Slug); ok && !slices.Contains(out, j.Slug) {
				out = append(out, j.Slug)
			}
		}
	}
	return out, nil
}

func (e *Env) setEnabled(ctx context.Context, args []string, on bool) error {
	slugs, err := e.jobSlugs(ctx, args)
	if err != nil {
		return err
	}
	if _, err := jobs.Update(ctx, e.Store, slugs, func(j *jobs.Job) error { j.Disabled = !on; return nil }); err != nil {
		return err
	}
	what := "disabled"
	if on {
		what = "enabled"
	}
	e.saidf("%s %s %s", what, plural("job", len(slugs)), strings.Join(slugs, ", "))
	return nil
}

func runJobTag(ctx context.Context, e *Env, c *Call) (*records.Set, error) {
	var tags []string
	_, err := jobs.Update(ctx, e.Store, c.Args[:1], func(j *jobs.Job) error {
		tags = slices.Clone(j.Tags)
		for _, a := range c.Args[1:] {
			switch {
			case strings.HasPrefix(a, "-"):
				tags = slices.DeleteFunc(tags, func(t string) bool { return t == a[1:] })
			default:
				tags = append(tags, strings.TrimPrefix(a, "+"))
			}
		}
		if err := j.Set(jobs.FieldTags, tags...); err != nil {
			return err
		}
		tags = j.Tags
		return nil
	})
	if err != nil {
		return nil, jobError(err)
	}
	if len(tags) == 0 {
		e.saidf("job %s has no tags", c.Args[0])
	} else {
		e.saidf("job %s: tags %s", c.Args[0], strings.Join(tags, ", "))
	}
	return nil, nil
}

func runJobExport(ctx context.Context, e *Env, c *Call) (*records.Set, error) {
	file := c.Args[0]
	all, err := jobs.List(ctx, e.Store)
	if err != nil {
		return nil, err
	}
	if len(c.Args) > 1 {
		slugs, err := e.jobSlugs(ctx, c.Args[1:])
		if err != nil {
			return nil, err
		}
		all = slices.DeleteFunc(all, func(j *jobs.Job) bool { return !slices.Contains(slugs, j.Slug) })
	}
	var buf bytes.Buffer
	if err := jobs.Export(&buf, all); err != nil {
		return nil, err
	}
	if file == "-" {
		_, err := e.Out.Write(buf.Bytes())
		return nil, err
	}
	if err := writeFileAtomic(file, buf.Bytes()); err != nil {
		return nil, err
	}
	e.saidf("wrote %d %s to %s", len(all), plural("job", len(all)), file)
	return nil, nil
}

// writeFileAtomic writes a file whole or not at all: a reader, or git,
// never sees half of it.
func writeFileAtomic(path string, data []byte) error {
	tmp, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".*")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	if _, err := tmp.Write(data); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Chmod(0o644); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), path)
}

func runJobImport(ctx context.Context, e *Env, c *Call) (*records.Set, error) {
	file := c.Args[0]
	data, err := os.ReadFile(file)
	if err != nil {
		return nil, err
	}
	js, err := jobs.Parse(file, data, e.jobChecks(ctx))
	if err != nil {
		return nil, &inputError{err}
	}
	for _, j := range js {
		j.From = "import " + filepath.Base(file)
	}
	changes, err := jobs.Save(ctx, e.Store, js, jobs.SaveOptions{Replace: true, DryRun: c.Bool("dry-run")})
	if err != nil {
		return nil, err
	}
	return e.sayChanges(changes, file, c.Bool("dry-run")), nil
}

// sayChanges tells what saving jobs of a file did, and lists them.
func (e *Env) sayChanges(changes []jobs.Change, file string, dryRun bool) *records.Set {
	set := &records.Set{Columns: []string{"job", "action"}}
	n := map[string]int{}
	for _, ch := range changes {
		n[ch.Action]++
		set.Rows = append(set.Rows, []any{ch.Slug, ch.Action})
	}
	verb := ""
	if dryRun {
		verb = "dry run: would have "
	}
	e.saidf("%s: %s%d created, %d updated, %d unchanged", file, verb, n["create"], n["update"], n["unchanged"])
	return set
}

func runJobBatches(ctx context.Context, e *Env, c *Call) (*records.Set, error) {
	limit, err := c.Int("limit", 20)
	if err != nil || limit < 0 {
		return nil, usagef("job batches --limit %q is not a number of batches", c.String("limit", ""))
	}
	var id uint64
	if len(c.Args) == 1 {
		if id, err = runID(c.Args[0]); err != nil {
			return nil, usagef("%q is not a batch id (see: job batches)", c.Args[0])
		}
		limit = 0
	}
	bs, err := jobs.Batches(ctx, e.Store, limit)
	if err != nil {
		return nil, err
	}
	if id != 0 {
		for _, b := range bs {
			if b.ID == id {
				return batchSet(b), nil
			}
		}
		return nil, fmt.Errorf("batch %d: no such batch (see: job batches)", id)
	}
	set := &records.Set{Columns: []string{"id", "start", "status", "jobs", "parallel", "devices", "ok", "failed", "skipped", "duration", "user"},
		Empty: "no batches yet: run SLUG... runs one"}
	for _, b := range bs {
		devices, ok, failed, skipped := b.Counts()
		var d any
		if !b.End.IsZero() {
			d = b.End.Sub(b.Start).Round(time.Millisecond)
		}
		var slugs []string
		for _, j := range b.Jobs {
			slugs = append(slugs, j.Slug)
		}
		set.Rows = append(set.Rows, []any{int(b.ID), b.Start, string(b.Status), strings.Join(slugs, ", "), b.Parallel, devices, ok, failed, skipped, d, b.User})
	}
	return set, nil
}

// batchSet is the table of a batch: a row per job.
func batchSet(b *jobs.Batch) *records.Set {
	set := &records.Set{Columns: []string{"job", "status", "devices", "ok", "failed", "skipped", "duration", "run", "error"}, Empty: "no jobs"}
	for _, r := range b.Jobs {
		var id any
		if r.Run != 0 {
			id = int(r.Run)
		}
		var d any
		if r.Elapsed > 0 {
			d = r.Elapsed.Round(time.Millisecond)
		}
		set.Rows = append(set.Rows, []any{r.Slug, string(r.Status), r.Devices, r.OK, r.Failed, r.Skipped, d, id, r.Error})
	}
	return set
}
