package jobs

import (
	"bytes"
	"context"
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"vc/history"
	"vc/inventory"
	"vc/records"
	"vc/run"
	"vc/store"
)

func TestValidSlug(t *testing.T) {
	for _, ok := range []string{"arista-arp", "core_configs", "a", "x1-y2_z3", strings.Repeat("a", MaxSlug)} {
		if err := ValidSlug(ok); err != nil {
			t.Errorf("ValidSlug(%q): %v", ok, err)
		}
	}
	cases := []struct{ slug, reason, suggest string }{
		{"", "empty", ""},
		{"Arista-ARP", "lowercase", "arista-arp"},
		{"-arp", "start and end", "arp"},
		{"arp_", "start and end", "arp"},
		{"arista--arp", "one - or _", "arista-arp"},
		{"arista arp", `character 7 is " "`, "arista-arp"},
		{"arp.daily", "character 4", "arp-daily"},
		{strings.Repeat("a", MaxSlug+1), "longer than 64", strings.Repeat("a", MaxSlug)},
	}
	for _, c := range cases {
		err := ValidSlug(c.slug)
		var se *SlugError
		if !errors.As(err, &se) || !errors.Is(err, ErrBadSlug) {
			t.Errorf("ValidSlug(%q) = %v, want a SlugError", c.slug, err)
			continue
		}
		if !strings.Contains(se.Reason, c.reason) || se.Suggest != c.suggest {
			t.Errorf("ValidSlug(%q): reason %q, suggest %q; want %q and %q", c.slug, se.Reason, se.Suggest, c.reason, c.suggest)
		}
	}
	if got := Slugify("Arista ARP (daily)"); got != "arista-arp-daily" {
		t.Errorf("Slugify: %q", got)
	}
	if got := Slugify("core__configs - weekly"); got != "core_configs-weekly" {
		t.Errorf("Slugify: %q", got)
	}
}

func TestSetAndCheck(t *testing.T) {
	j := &Job{Slug: "arp"}
	for _, kv := range [][]string{
		{FieldSelect, `site == "usa"`}, {FieldCommands, "show ip arp", "show clock"}, {FieldTimeout, "45s"},
		{FieldWorkers, "20"}, {FieldMinScore, "0.5"}, {FieldTags, "daily", "arp", "daily"}, {FieldEnabled, "no"},
		{FieldTemplates, "cisco_ios_show_ip_arp.textfsm"}, {FieldStages, "|> count by device"}, {FieldForceSave, "yes"},
		{FieldMaxOutput, "10MB"},
	} {
		if err := j.Set(kv[0], kv[1:]...); err != nil {
			t.Fatalf("Set %v: %v", kv, err)
		}
	}
	if j.Timeout != 45*time.Second || j.Workers != 20 || j.MinScore != 0.5 || !j.Disabled || !j.ForceSave ||
		len(j.Tags) != 2 || j.Templates[0] != "cisco_ios_show_ip_arp" || j.Stages[0] != "count by device" || j.MaxOutput != 10<<20 {
		t.Errorf("job after Set: %+v", j)
	}
	s := j.Spec()
	if s.Origin != "job" || s.Job != "arp" || s.Timeouts.Command != 45*time.Second || s.Templates[0] != "cisco_ios_show_ip_arp.textfsm" {
		t.Errorf("Spec: %+v", s)
	}
	bad := []struct{ field, value, want string }{
		{FieldTimeout, "3x", "not a duration"},
		{FieldWorkers, "-1", "not a number of devices"},
		{FieldMaxOutput, "lots", "not a size such as 10MB"},
		{FieldMinScore, "2", "from 0 to 1"},
		{FieldCaptureType, "../x", "capture type"},
		{"colour", "red", "unknown field"},
		{FieldSelect, `site == usa`, "column 9"},
	}
	for _, b := range bad {
		err := (&Job{Slug: "x"}).Set(b.field, b.value)
		var fe *FieldError
		if !errors.As(err, &fe) || fe.Field != b.field || !strings.Contains(err.Error(), b.want) {
			t.Errorf("Set(%s, %q) = %v, want a FieldError saying %q", b.field, b.value, err, b.want)
		}
	}
	// A selection's fault keeps its position, for the console to show.
	var ee *records.ExprError
	if err := (&Job{}).Set(FieldSelect, "site == usa"); !errors.As(err, &ee) || ee.Column != 9 {
		t.Errorf("a bad selection: %v", err)
	}
	errs := (&Job{Slug: "empty", Options: Options{Templates: []string{"nope"}}}).Check(Checks{Template: func(n string) error {
		return errors.New("unknown template " + n)
	}})
	var fields []string
	for _, err := range errs {
		fields = append(fields, err.(*FieldError).Field)
	}
	if strings.Join(fields, ",") != "select,commands,templates" {
		t.Errorf("Check of an empty job: %v", errs)
	}
}

func TestFromSpec(t *testing.T) {
	spec := run.Spec{Commands: []string{"show ip arp"}, Selection: `vendor == "arista"`, Devices: []string{"a", "b"},
		Templates: []string{"arista_eos_show_ip_arp.textfsm"}, MinScore: 0.8, ForceSave: true, Scrub: true, Workers: 5,
		Stages: []string{"where age > 5"}, AllCreds: true, SessionLog: "/tmp/logs", Origin: "exec"}
	spec.Timeouts.Command = time.Minute
	j, notes := FromSpec("arista-arp", spec)
	if j.Select != spec.Selection || j.Templates[0] != "arista_eos_show_ip_arp" || !j.ForceSave || !j.Scrub ||
		j.Workers != 5 || j.Timeout != time.Minute || j.Stages[0] != "where age > 5" {
		t.Errorf("FromSpec: %+v", j)
	}
	if len(notes) != 2 {
		t.Errorf("notes: %q", notes)
	}
	back := j.Spec()
	if len(back.Devices) != 0 || back.AllCreds || back.SessionLog != "" || back.Templates[0] != spec.Templates[0] {
		t.Errorf("Spec of the saved job: %+v", back)
	}
}

func TestExportParseRoundTrip(t *testing.T) {
	in := []*Job{
		{Slug: "arista-arp", Name: "Arista ARP: daily", Tags: []string{"arista", "daily"}, Select: `vendor == "arista" && site in ["usa", "emea"]`,
			Commands: []string{"show ip arp"}, Stages: []string{"where age > 5", "sort address"},
			Options: Options{CaptureType: "arp", Timeout: 90 * time.Second, Workers: 50, MinScore: 0.75, ForceSave: true, Templates: []string{"arista_eos_show_ip_arp"}}},
		{Slug: "configs", Disabled: true, Select: "true", Commands: []string{"show running-config", "show version"},
			Options: Options{Scrub: true, Cred: "ops", RunTimeout: 10 * time.Minute, MaxOutput: 1 << 20}},
	}
	var buf bytes.Buffer
	if err := Export(&buf, in); err != nil {
		t.Fatal(err)
	}
	text := buf.String()
	for _, want := range []string{"# vc jobs.", "version: 1\n", "  - slug: arista-arp\n", "    timeout: 1m30s\n", "    enabled: false\n"} {
		if !strings.Contains(text, want) {
			t.Errorf("export lacks %q:\n%s", want, text)
		}
	}
	out, err := Parse("jobs.yaml", buf.Bytes(), Checks{})
	if err != nil {
		t.Fatalf("Parse: %v\n%s", err, text)
	}
	if len(out) != len(in) {
		t.Fatalf("%d jobs back of %d", len(out), len(in))
	}
	for i := range in {
		if !in[i].same(out[i]) {
			t.Errorf("job %s came back as %+v", in[i].Slug, out[i])
		}
	}
}

func TestParseErrors(t *testing.T) {
	file := `version: 1
jobs:
  - slug: good
    select: "true"
    commands: [show clock]
  - slug: bad
    select: site == usa
    commands:
      - show clock
    timeout: 3x
    colour: red
  - select: "true"
    commands: [show clock]
  - slug: good
    select: "true"
    commands: [show version]
    templates: [nope]
  - slug: nested
    select: "true"
    commands:
      - show clock
      - [show version]
`
	_, err := Parse("jobs.yaml", []byte(file), Checks{Template: func(n string) error { return errors.New("no template " + n) }})
	var fe *FileError
	if !errors.As(err, &fe) {
		t.Fatalf("Parse: %v", err)
	}
	msg := err.Error()
	for _, want := range []string{
		"jobs.yaml: line 7: job bad: select: line 1, column 9: unknown name usa",
		"jobs.yaml: line 10: job bad: timeout: \"3x\" is not a duration",
		"jobs.yaml: line 11: job bad: colour: unknown field",
		"jobs.yaml: line 12: job #3: slug: missing",
		"jobs.yaml: line 14: job good: slug: the file has this job twice (first at line 3)",
		"jobs.yaml: line 22: job nested: commands: a list of text, not nested lists or mappings",
		"nothing imported",
	} {
		if !strings.Contains(msg, want) {
			t.Errorf("error lacks %q:\n%s", want, msg)
		}
	}
	for _, bad := range []string{"", "- a\n- b\n", "version: 2\njobs: []\n", "jobs: {}\n", "version: 1\njobs: [\n"} {
		if _, err := Parse("x.yaml", []byte(bad), Checks{}); err == nil {
			t.Errorf("Parse(%q) took it", bad)
		}
	}
}

func TestChoose(t *testing.T) {
	mk := func(slug string, disabled bool, tags ...string) *Job {
		return &Job{Slug: slug, Disabled: disabled, Tags: tags}
	}
	all := []*Job{mk("arista-arp", false, "daily"), mk("arista-cfg", true, "daily"), mk("cisco-arp", false), mk("cisco-cfg", false, "weekly")}
	slugs := func(js []*Job) string {
		var s []string
		for _, j := range js {
			s = append(s, j.Slug)
		}
		return strings.Join(s, ",")
	}
	cases := []struct {
		c              Choice
		chosen, passed string
	}{
		{Choice{Names: []string{"cisco-cfg", "arista-*"}}, "cisco-cfg,arista-arp", "arista-cfg"},
		{Choice{Names: []string{"arista-*", "arista-cfg"}}, "arista-arp,arista-cfg", ""},
		{Choice{Tags: []string{"daily"}}, "arista-arp", "arista-cfg"},
		{Choice{AllEnabled: true}, "arista-arp,cisco-arp,cisco-cfg", "arista-cfg"},
		{Choice{Names: []string{"cisco-arp", "cisco-*"}, Tags: []string{"weekly"}}, "cisco-arp,cisco-cfg", ""},
	}
	for _, c := range cases {
		chosen, passed, err := Choose(all, c.c)
		if err != nil || slugs(chosen) != c.chosen || strings.Join(passed, ",") != c.passed {
			t.Errorf("Choose(%+v) = %s, passed %v, %v; want %s, passed %s", c.c, slugs(chosen), passed, err, c.chosen, c.passed)
		}
	}
	for _, c := range []struct {
		c    Choice
		want error
	}{
		{Choice{Names: []string{"arista-apr"}}, ErrNoJob},
		{Choice{Names: []string{"juniper-*"}}, ErrNoMatch},
		{Choice{Tags: []string{"hourly"}}, ErrNoMatch},
		{Choice{}, ErrNoChoice},
	} {
		if _, _, err := Choose(all, c.c); !errors.Is(err, c.want) {
			t.Errorf("Choose(%+v): %v, want %v", c.c, err, c.want)
		}
	}
	if _, _, err := Choose(all, Choice{Names: []string{"arista-apr"}}); !strings.Contains(err.Error(), "did you mean arista-arp") {
		t.Errorf("a mistyped slug: %v", err)
	}
}

func TestBatchStatus(t *testing.T) {
	r := func(s ...Status) []*JobResult {
		var out []*JobResult
		for _, x := range s {
			res := &JobResult{Status: x}
			if x == StatusPartial {
				res.OK = 1
			}
			out = append(out, res)
		}
		return out
	}
	ctx := context.Background()
	cases := []struct {
		jobs []*JobResult
		want Status
	}{
		{r(StatusSuccess, StatusEmpty), StatusSuccess},
		{r(StatusSuccess, StatusFailed), StatusPartial},
		{r(StatusFailed, StatusError, StatusEmpty), StatusFailed},
		{r(StatusPartial), StatusPartial},
	}
	for _, c := range cases {
		if got := batchStatus(ctx, c.jobs); got != c.want {
			t.Errorf("batchStatus(%v) = %s, want %s", c.jobs, got, c.want)
		}
	}
	cancelled, cancel := context.WithCancel(ctx)
	cancel()
	if got := batchStatus(cancelled, r(StatusSuccess)); got != StatusCancelled {
		t.Errorf("a cancelled batch: %s", got)
	}
}

func TestStore(t *testing.T) {
	ctx := context.Background()
	st, err := store.Open(t.TempDir(), store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	j := &Job{Slug: "arp", Select: "true", Commands: []string{"show ip arp"}}
	if err := Create(ctx, st, j); err != nil {
		t.Fatal(err)
	}
	if err := Create(ctx, st, &Job{Slug: "arp"}); !errors.Is(err, ErrExists) {
		t.Errorf("a second arp: %v", err)
	}
	// A batch record shares the bucket without showing up as a job.
	if err := st.Update(ctx, func(tx *store.Tx) error { return putBatch(tx, &Batch{ID: 7, Status: StatusSuccess}) }); err != nil {
		t.Fatal(err)
	}
	all, err := List(ctx, st)
	if err != nil || len(all) != 1 {
		t.Fatalf("List: %v, %v", all, err)
	}
	if bs, err := Batches(ctx, st, 0); err != nil || len(bs) != 1 || bs[0].ID != 7 {
		t.Errorf("Batches: %v, %v", bs, err)
	}
	if err := Rename(ctx, st, "arp", "arp-daily", nil); err != nil {
		t.Fatal(err)
	}
	if _, err := Get(ctx, st, "arp"); !errors.Is(err, ErrNoJob) || !strings.Contains(err.Error(), "did you mean arp-daily?") {
		t.Errorf("Get of the old name: %v", err)
	}
	if err := Remove(ctx, st, []string{"arp-daily", "nope"}, nil); !errors.Is(err, ErrNoJob) {
		t.Errorf("Remove with one missing: %v", err)
	}
	if _, err := Get(ctx, st, "arp-daily"); err != nil {
		t.Errorf("Remove with one missing removed the other: %v", err)
	}
	// Save: all or nothing, updates only with Replace.
	in := []*Job{{Slug: "arp-daily", Select: "true", Commands: []string{"show ip arp"}}, {Slug: "new", Select: "true", Commands: []string{"show clock"}}}
	if _, err := Save(ctx, st, in, SaveOptions{}); !errors.Is(err, ErrExists) {
		t.Errorf("Save over an existing job: %v", err)
	}
	if all, _ := List(ctx, st); len(all) != 1 {
		t.Errorf("a refused Save saved %d jobs", len(all))
	}
	ch, err := Save(ctx, st, in, SaveOptions{Replace: true, DryRun: true})
	if err != nil || len(ch) != 2 || ch[0].Action != "unchanged" || ch[1].Action != "create" {
		t.Errorf("Save --dry-run: %v, %v", ch, err)
	}
	if all, _ := List(ctx, st); len(all) != 1 {
		t.Errorf("a dry run saved %d jobs", len(all))
	}
}

func TestMigrate(t *testing.T) {
	look := LegacyLookup{
		IDs:       LegacyIDs{"platform": {"2": "arista_eos"}, "site": {"1": "usa"}},
		Names:     map[string][]string{"vendor": {"arista", "cisco"}, "platform": {"arista_eos"}, "site": {"usa"}},
		Templates: []string{"arista_eos_show_ip_arp", "cisco_ios_show_version"},
	}
	files := []LegacyFile{
		{"arista_arp.json", []byte(`{"version": "2.0", "job_id": "Arista ARP", "capture_type": "arp", "vendor": "Arista",
		  "commands": {"paging_disable": "terminal length 0", "command": "show ip arp", "output_directory": "arp"},
		  "device_filter": {"source": "database", "platform_id": 2, "site_id": 1, "role_id": null, "name_pattern": "leaf%", "status": "Active"},
		  "validation": {"use_tfsm": true, "tfsm_filter": "arista_eos_show_ip_arp", "min_score": 50},
		  "execution": {"max_workers": 12, "timeout": 60}, "notify": "ops@example.com"}`)},
		{"7.json", []byte(`{"version": "2.0", "job_id": 7, "commands": {"command": "show version"},
		  "device_filter": {"role_id": 4, "name_pattern": "core"}, "validation": {"tfsm_filter": "show_version"}}`)},
		{"bad.json", []byte(`{"version": "2.0", "job_id": "bad", "commands": {"command": ["show clock"]}}`)},
	}
	out := Migrate(files, look, Checks{})
	a := out[0]
	if a.Err != nil {
		t.Fatal(a.Err)
	}
	if a.Job.Slug != "arista-arp" || a.Job.CaptureType != "arp" || a.Job.Workers != 12 || a.Job.Timeout != time.Minute ||
		a.Job.MinScore != 0.5 || a.Job.Templates[0] != "arista_eos_show_ip_arp" || a.Job.Disabled {
		t.Errorf("arista: %+v", a.Job)
	}
	want := `vendor == "arista" && platform == "arista_eos" && site == "usa" && name matches "(?i)^leaf.*$" && status == "active"`
	if a.Job.Select != want {
		t.Errorf("arista select:\n got %s\nwant %s", a.Job.Select, want)
	}
	notes := map[string]bool{}
	for _, n := range a.Notes {
		notes[n.Field] = true
	}
	for _, f := range []string{"job_id", "commands.paging_disable", "commands.output_directory", "validation.min_score", "notify"} {
		if !notes[f] {
			t.Errorf("arista: no note on %s: %v", f, a.Notes)
		}
	}
	b := out[1]
	if b.Err != nil {
		t.Fatal(b.Err)
	}
	if b.Job.Slug != "7" || !b.Job.Disabled || b.Job.Select != `fields.legacy_role_id == "4" && name matches "(?i)core"` {
		t.Errorf("7: %+v", b.Job)
	}
	if !slices.ContainsFunc(b.Notes, func(n Note) bool { return strings.Contains(n.Text, "imported disabled") }) {
		t.Errorf("7 notes: %v", b.Notes)
	}
	if out[2].Err == nil || !strings.Contains(out[2].Err.Error(), "commands.command: want text") {
		t.Errorf("bad: %v", out[2].Err)
	}
	// Devices with the legacy custom field make the selection whole.
	look.Fields = map[string]bool{"legacy_role_id": true}
	if b := Migrate(files[1:2], look, Checks{})[0]; b.Err != nil || b.Job.Disabled {
		t.Errorf("7 with devices that carry legacy_role_id: %+v, %v", b.Job, b.Err)
	}
	for _, m := range out[:2] {
		if _, err := inventory.Compile(m.Job.Select); err != nil {
			t.Errorf("%s: %v", m.File, err)
		}
	}
}

func TestReadLegacyIDs(t *testing.T) {
	ids, err := ReadLegacyIDs(strings.NewReader("kind,id,name\nsite,1,usa\nplatform,2,arista_eos\n"))
	if err != nil || ids["site"]["1"] != "usa" || ids["platform"]["2"] != "arista_eos" {
		t.Errorf("ReadLegacyIDs: %v, %v", ids, err)
	}
	for _, bad := range []string{"", "id,kind,name\n", "kind,id,name\nregion,1,x\n", "kind,id,name\nsite,one,usa\n", "kind,id,name\nsite,1,usa\nsite,1,emea\n"} {
		if _, err := ReadLegacyIDs(strings.NewReader(bad)); err == nil {
			t.Errorf("ReadLegacyIDs(%q) took it", bad)
		}
	}
}

func TestSyncJob(t *testing.T) {
	ctx := context.Background()
	st, err := store.Open(t.TempDir(), store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	var checked []string
	c := Checks{Sync: func(line string) error {
		checked = append(checked, line)
		if strings.Contains(line, "--bogus") {
			return errors.New("unknown flag --bogus")
		}
		return nil
	}}
	j := &Job{Slug: "nb"}
	if err := j.Set(FieldSync, " netbox --url https://nb --token-file /etc/vc/tok "); err != nil {
		t.Fatal(err)
	}
	if errs := j.Check(c); len(errs) != 0 || len(checked) != 1 || checked[0] != "netbox --url https://nb --token-file /etc/vc/tok" {
		t.Fatalf("a good sync job: %v (checked %q)", errs, checked)
	}
	both := &Job{Slug: "both", Sync: "netbox --bogus", Select: "true", Commands: []string{"show clock"}}
	fields := map[string]bool{}
	for _, err := range both.Check(c) {
		var fe *FieldError
		if errors.As(err, &fe) {
			fields[fe.Field] = true
		}
	}
	if !fields[FieldSync] || !fields[FieldCommands] || !fields[FieldSelect] {
		t.Errorf("sync with commands, a selection and a bad line: faults in %v", fields)
	}
	// A sync job's run is recorded in history, its note saying what changed.
	var got *Job
	o := BatchOptions{Sync: func(_ context.Context, j *Job) (SyncResult, error) {
		got = j
		return SyncResult{Summary: "2 created, 1 unchanged", Skipped: 1, Warnings: []string{"skipped x: no primary IP"}}, nil
	}}
	res := RunOne(ctx, run.Deps{Store: st}, j, "schedule", o)
	if got != j || res.Status != StatusPartial || res.Run == 0 || res.Note != "2 created, 1 unchanged" {
		t.Fatalf("RunOne of a sync: %+v", res)
	}
	r, err := history.Get(ctx, st, res.Run)
	if err != nil {
		t.Fatal(err)
	}
	if r.Spec.Origin != "schedule" || r.Spec.Job != "nb" || r.Status != run.StatusPartial ||
		!strings.Contains(r.Spec.Note, "2 created") || !strings.Contains(r.Spec.Note, "no primary IP") {
		t.Errorf("the sync's record: %+v", r.Spec)
	}
	// Without a syncer it fails, and says so in history.
	res = RunOne(ctx, run.Deps{Store: st}, j, "schedule", BatchOptions{})
	if res.Status != StatusFailed || res.Run == 0 {
		t.Errorf("a sync without a syncer: %+v", res)
	}
	// A job that selects nothing now is recorded as skipped.
	empty := &Job{Slug: "none", Select: `site == "mars"`, Commands: []string{"show clock"}}
	res = RunOne(ctx, run.Deps{Store: st}, empty, "schedule", BatchOptions{})
	if res.Status != StatusEmpty || res.Run == 0 {
		t.Fatalf("an empty selection: %+v", res)
	}
	if r, err := history.Get(ctx, st, res.Run); err != nil || r.Status != run.StatusSkipped || !strings.Contains(r.Spec.Note, "picks no device") {
		t.Errorf("an empty selection's record: %+v, %v", r, err)
	}
	last, err := LastRuns(ctx, st)
	if err != nil || last["nb"].ID == 0 || last["none"].ID != res.Run {
		t.Errorf("LastRuns counts schedules' runs: %v, %v", last, err)
	}
}
