package jobs

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"vc/capture"
	"vc/engine"
	"vc/inventory"
	"vc/run"
	"vc/store"
)

// Job is a saved run: what to send, where and how. Where is a selection
// expression, resolved when the job runs.
type Job struct {
	Slug        string   `json:"slug"`
	Name        string   `json:"name,omitempty"`
	Description string   `json:"description,omitempty"`
	Tags        []string `json:"tags,omitempty"`
	// Disabled jobs run only when named: patterns, tags and
	// --all-enabled pass them by.
	Disabled bool `json:"disabled,omitempty"`
	// Select is the selection expression (site == "usa"); "true" is every
	// device.
	Select   string   `json:"select"`
	Commands []string `json:"commands"`
	// Sync, instead of commands sent to devices, makes the job an
	// inventory sync: the arguments of device sync as typed ("netbox --url
	// https://netbox.example.com --token-file /etc/vc/netbox-token"). It
	// names the token's file, never the token. The console runs it.
	Sync string `json:"sync,omitempty"`
	// View, instead of commands, makes the job ask a view (get facts):
	// each platform's commands and the mapping to the view's columns
	// come from the view when the job runs.
	View string `json:"view,omitempty"`
	// Stages are the |> stages typed after the command, as typed, without
	// the |>.
	Stages []string `json:"stages,omitempty"`
	Options
	// From says where the job came from: "run 12" (save job), "create",
	// "import FILE", "migrate FILE".
	From    string    `json:"from,omitempty"`
	Created time.Time `json:"created"`
	Updated time.Time `json:"updated"`
}

// Options are how a job runs: the exec flags it keeps.
type Options struct {
	CaptureType string `json:"capture_type,omitempty"`
	// Timeout bounds each command, ConnectTimeout connecting and logging
	// in with each credential, RunTimeout the whole run; zero is the
	// default (engine.DefaultTimeouts, no bound on the run).
	Timeout        time.Duration `json:"timeout,omitempty"`
	ConnectTimeout time.Duration `json:"connect_timeout,omitempty"`
	RunTimeout     time.Duration `json:"run_timeout,omitempty"`
	Workers        int           `json:"workers,omitempty"`
	Cred           string        `json:"cred,omitempty"`
	// Templates are template names (without .textfsm) that parse every
	// output instead of the index's choice.
	Templates []string `json:"templates,omitempty"`
	MinScore  float64  `json:"min_score,omitempty"`
	ForceSave bool     `json:"force_save,omitempty"`
	Scrub     bool     `json:"scrub,omitempty"`
	Raw       bool     `json:"raw,omitempty"`
	NoCapture bool     `json:"no_capture,omitempty"`
	// MaxOutput caps one command's output per device, in bytes.
	MaxOutput int64 `json:"max_output,omitempty"`
}

// Field names, as job edit, the YAML file and errors spell them.
const (
	FieldSlug           = "slug"
	FieldName           = "name"
	FieldDescription    = "description"
	FieldTags           = "tags"
	FieldEnabled        = "enabled"
	FieldSync           = "sync"
	FieldView           = "view"
	FieldSelect         = "select"
	FieldCommands       = "commands"
	FieldStages         = "stages"
	FieldCaptureType    = "capture_type"
	FieldTimeout        = "timeout"
	FieldConnectTimeout = "connect_timeout"
	FieldRunTimeout     = "run_timeout"
	FieldWorkers        = "workers"
	FieldCred           = "cred"
	FieldTemplates      = "templates"
	FieldMinScore       = "min_score"
	FieldForceSave      = "force_save"
	FieldScrub          = "scrub"
	FieldRaw            = "raw"
	FieldNoCapture      = "no_capture"
	FieldMaxOutput      = "max_output"
)

// Fields lists the fields a job has, in the order the YAML file writes
// them.
var Fields = []string{FieldSlug, FieldName, FieldDescription, FieldTags, FieldEnabled, FieldSync, FieldView, FieldSelect, FieldCommands, FieldStages,
	FieldCaptureType, FieldTimeout, FieldConnectTimeout, FieldRunTimeout, FieldWorkers, FieldCred, FieldTemplates,
	FieldMinScore, FieldForceSave, FieldScrub, FieldRaw, FieldNoCapture, FieldMaxOutput}

// listFields take several values.
var listFields = map[string]bool{FieldTags: true, FieldCommands: true, FieldStages: true, FieldTemplates: true}

// IsList reports whether a field takes a list of values.
func IsList(field string) bool { return listFields[field] }

// Set gives a field its value, as text: one value for most fields, every
// value for a list (tags, commands, stages, templates). It checks what can
// be checked without the store (a duration, a number, an expression that
// compiles); Check does the rest. The error is a *FieldError naming the
// field.
func (j *Job) Set(field string, values ...string) error {
	err := j.set(field, values)
	if err != nil {
		return &FieldError{Job: j.Slug, Field: field, Err: err}
	}
	return nil
}

func (j *Job) set(field string, values []string) error {
	if !slices.Contains(Fields, field) {
		return fmt.Errorf("unknown field; fields are %s", strings.Join(Fields, ", "))
	}
	if listFields[field] {
		return j.setList(field, values)
	}
	if len(values) != 1 {
		return fmt.Errorf("takes one value, %d given", len(values))
	}
	v := values[0]
	var err error
	switch field {
	case FieldSlug:
		if err := ValidSlug(v); err != nil {
			return err
		}
		j.Slug = v
	case FieldName:
		j.Name, err = text(v, 200)
	case FieldDescription:
		j.Description, err = text(v, 4000)
	case FieldEnabled:
		var on bool
		on, err = store.ParseBool(v)
		j.Disabled = !on
	case FieldSync:
		j.Sync, err = text(strings.TrimSpace(v), 4000)
	case FieldView:
		if v = strings.TrimSpace(v); v != "" {
			err = store.ValidName(v)
		}
		j.View = v
	case FieldSelect:
		if strings.TrimSpace(v) == "*" {
			v = "true"
		}
		if _, err := inventory.Compile(v); err != nil {
			return err
		}
		j.Select = strings.TrimSpace(v)
	case FieldCaptureType:
		if v != "" {
			err = capture.ValidType(v)
		}
		j.CaptureType = v
	case FieldTimeout:
		j.Timeout, err = parseDuration(v)
	case FieldConnectTimeout:
		j.ConnectTimeout, err = parseDuration(v)
	case FieldRunTimeout:
		j.RunTimeout, err = parseDuration(v)
	case FieldWorkers:
		j.Workers, err = strconv.Atoi(v)
		if err != nil || j.Workers < 0 {
			err = fmt.Errorf("%s is not a number of devices at once (0: the default, %d)", quote(v), engine.DefaultWorkers)
		}
	case FieldCred:
		if v != "" {
			err = store.ValidName(v)
		}
		j.Cred = v
	case FieldMinScore:
		j.MinScore, err = strconv.ParseFloat(v, 64)
		if err != nil || j.MinScore < 0 || j.MinScore > 1 {
			err = fmt.Errorf("%s is not a score from 0 to 1", quote(v))
		}
	case FieldForceSave:
		j.ForceSave, err = store.ParseBool(v)
	case FieldScrub:
		j.Scrub, err = store.ParseBool(v)
	case FieldRaw:
		j.Raw, err = store.ParseBool(v)
	case FieldNoCapture:
		j.NoCapture, err = store.ParseBool(v)
	case FieldMaxOutput:
		// As exec --max-output reads it; 0 is the default.
		if strings.TrimSpace(v) == "0" {
			j.MaxOutput = 0
		} else if j.MaxOutput, err = store.ParseSize(v); err != nil {
			err = fmt.Errorf("%w (0: the default)", err)
		}
	}
	return err
}

func (j *Job) setList(field string, values []string) error {
	var out []string
	for _, v := range values {
		v = strings.TrimSpace(v)
		switch {
		case v == "" && field == FieldCommands:
			return fmt.Errorf("an empty command")
		case v == "":
			continue
		case field == FieldTags:
			if err := store.ValidName(v); err != nil {
				return fmt.Errorf("tag %s: %w", quote(v), err)
			}
			if slices.Contains(out, v) {
				continue
			}
		case field == FieldTemplates:
			v = strings.TrimSuffix(v, ".textfsm")
			if err := store.ValidName(v); err != nil {
				return fmt.Errorf("template %s: %w", quote(v), err)
			}
		case field == FieldStages:
			v = strings.TrimSpace(strings.TrimPrefix(v, "|>"))
		}
		out = append(out, v)
	}
	switch field {
	case FieldTags:
		if len(out) > store.MaxTags {
			return fmt.Errorf("%d tags, more than %d", len(out), store.MaxTags)
		}
		j.Tags = out
	case FieldCommands:
		j.Commands = out
	case FieldStages:
		j.Stages = out
	case FieldTemplates:
		j.Templates = out
	}
	return nil
}

// text checks a free text field: one line, no control characters.
func text(v string, most int) (string, error) {
	if len(v) > most {
		return "", fmt.Errorf("longer than %d characters", most)
	}
	for _, r := range v {
		if r < 0x20 || r == 0x7f {
			return "", fmt.Errorf("%s holds a control character", quote(v))
		}
	}
	return v, nil
}

func parseDuration(v string) (time.Duration, error) {
	if v == "" || v == "0" {
		return 0, nil
	}
	d, err := time.ParseDuration(v)
	if err != nil || d < 0 {
		return 0, fmt.Errorf("%s is not a duration such as 30s or 5m", quote(v))
	}
	return d, nil
}

// Checks are what a job is checked against beyond its own fields: the
// store's credentials, the template library, the console's stages. A nil
// check is not made.
type Checks struct {
	Cred     func(name string) error
	Template func(name string) error
	Stage    func(line string) error
	// Sync checks a sync job's line as device sync would take it.
	Sync func(line string) error
	// View checks that a view job's view exists.
	View func(name string) error
}

// Check finds every fault of a job: what it must have (a slug, a
// selection, a command) and what its fields name (a credential, a
// template, a stage). Each is a *FieldError.
func (j *Job) Check(c Checks) []error {
	var errs []error
	bad := func(field string, err error) { errs = append(errs, &FieldError{Job: j.Slug, Field: field, Err: err}) }
	if err := ValidSlug(j.Slug); err != nil {
		bad(FieldSlug, err)
	}
	switch {
	case j.Sync != "":
		// A sync job talks to the inventory's source, not to devices.
		if len(j.Commands) > 0 {
			bad(FieldCommands, fmt.Errorf("a sync job sends no commands: it has sync, or commands, not both"))
		}
		if j.Select != "" {
			bad(FieldSelect, fmt.Errorf("a sync job selects no devices: its filters are device sync's own (--filter)"))
		}
		if c.Sync != nil {
			if err := c.Sync(j.Sync); err != nil {
				bad(FieldSync, err)
			}
		}
	case strings.TrimSpace(j.Select) == "":
		bad(FieldSelect, fmt.Errorf("missing: which devices, as select takes them (site == \"usa\", or true for all)"))
	default:
		if _, err := inventory.Compile(j.Select); err != nil {
			bad(FieldSelect, err)
		}
	}
	switch {
	case j.View != "" && j.Sync != "":
		bad(FieldView, fmt.Errorf("a job asks a view, or syncs the inventory, not both"))
	case j.View != "" && len(j.Commands) > 0:
		bad(FieldCommands, fmt.Errorf("a view job sends the view's commands: it has view, or commands, not both"))
	case j.View != "" && c.View != nil:
		if err := c.View(j.View); err != nil {
			bad(FieldView, err)
		}
	case len(j.Commands) == 0 && j.Sync == "" && j.View == "":
		bad(FieldCommands, fmt.Errorf("missing: the commands to send (or a view to ask, or a sync)"))
	}
	if j.Cred != "" && c.Cred != nil {
		if err := c.Cred(j.Cred); err != nil {
			bad(FieldCred, err)
		}
	}
	if c.Template != nil {
		for _, t := range j.Templates {
			if err := c.Template(t); err != nil {
				bad(FieldTemplates, err)
			}
		}
	}
	if c.Stage != nil {
		for _, s := range j.Stages {
			if err := c.Stage(s); err != nil {
				bad(FieldStages, err)
			}
		}
	}
	return errs
}

// Spec is the run of the job: the devices are left for the caller to
// resolve from Select at the time it runs.
func (j *Job) Spec() run.Spec {
	s := run.Spec{Commands: slices.Clone(j.Commands), Selection: j.Select, Cred: j.Cred,
		Timeouts: engine.Timeouts{Command: j.Timeout, Connect: j.ConnectTimeout, Handshake: j.ConnectTimeout},
		Overall:  j.RunTimeout, Workers: j.Workers, Raw: j.Raw, MinScore: j.MinScore, MaxOutput: j.MaxOutput,
		CaptureType: j.CaptureType, NoCapture: j.NoCapture, ForceSave: j.ForceSave, Scrub: j.Scrub,
		Stages: slices.Clone(j.Stages), Origin: "job", Job: j.Slug, View: j.View}
	if s.View != "" && s.CaptureType == "" {
		// As get keeps a view's outputs.
		s.CaptureType = s.View
	}
	for _, t := range j.Templates {
		s.Templates = append(s.Templates, t+".textfsm")
	}
	return s
}

// FromSpec makes a job of a run's spec: its commands, its selection
// expression (not its devices), its options and its stages. What a job
// does not keep is named in the notes: a session-log folder is this
// machine's, and --all-creds is a choice for one run, never for a job
// that meets devices nobody has seen yet.
func FromSpec(slug string, s run.Spec) (*Job, []string) {
	j := &Job{Slug: slug, Select: s.Selection, Commands: slices.Clone(s.Commands), Stages: slices.Clone(s.Stages), View: s.View,
		Options: Options{CaptureType: s.CaptureType, Timeout: s.Timeouts.Command, ConnectTimeout: s.Timeouts.Connect,
			RunTimeout: s.Overall, Workers: s.Workers, Cred: s.Cred, MinScore: s.MinScore, ForceSave: s.ForceSave,
			Scrub: s.Scrub, Raw: s.Raw, NoCapture: s.NoCapture, MaxOutput: s.MaxOutput}}
	for _, t := range s.Templates {
		j.Templates = append(j.Templates, strings.TrimSuffix(t, ".textfsm"))
	}
	var notes []string
	if s.SessionLog != "" {
		notes = append(notes, "--session-log is not kept: the folder is this machine's (set session-log when you run it)")
	}
	if s.AllCreds {
		notes = append(notes, "--all-creds is not kept: a job offers every credential only to hosts whose key is on record")
	}
	if len(s.ByPlatform) > 0 && s.View == "" {
		notes = append(notes, "the commands of each platform are not kept, only the run's own")
	}
	if s.View != "" && j.CaptureType == s.View {
		// The view's own capture type is what it gets anyway.
		j.CaptureType = ""
	}
	return j, notes
}

// Enabled reports whether the job runs in batches.
func (j *Job) Enabled() bool { return !j.Disabled }

// HasTag reports whether the job carries a tag.
func (j *Job) HasTag(t string) bool { return slices.Contains(j.Tags, t) }

// same reports whether two jobs define the same run, whatever their
// stamps and origin.
func (j *Job) same(o *Job) bool {
	a, b := *j, *o
	a.From, b.From = "", ""
	a.Created, b.Created, a.Updated, b.Updated = time.Time{}, time.Time{}, time.Time{}, time.Time{}
	return equalJSON(&a, &b)
}
