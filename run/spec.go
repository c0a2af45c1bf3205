// Package run carries out a run: a Spec (commands, devices, options; no
// secrets) is resolved into engine targets with their logins, run by the
// engine, its outputs parsed into records, and everything that happened
// handed to a Sink (history and captures record it) while an Observer
// follows the progress. It never prints and never prompts: the password
// source behind the keyring is the caller's.
package run

import (
	"time"

	"vc/engine"
)

// Spec is what to run, where and how. It is plain data, so it can be
// recorded with the run, saved as a job and carried elsewhere.
type Spec struct {
	// Commands are sent to each device as typed, in one session.
	Commands []string `json:"commands"`
	// ByPlatform, when it names a device's platform, gives the commands
	// that device runs instead (a view asks each platform its own way);
	// a platform it does not name runs Commands, or nothing when
	// Commands is empty.
	ByPlatform map[string][]string `json:"by_platform,omitempty"`
	// Selection is the selection expression the devices came from, kept
	// for history and jobs; Devices are what it selected.
	Selection string   `json:"selection,omitempty"`
	Devices   []string `json:"devices"`
	// Cred is the credential to try first on every device.
	Cred string `json:"cred,omitempty"`
	// AllCreds offers every credential in turn even to devices whose host
	// key was not on record before this run.
	AllCreds bool            `json:"all_creds,omitempty"`
	Timeouts engine.Timeouts `json:"timeouts"`
	// Overall bounds the whole run; zero is no bound.
	Overall time.Duration `json:"overall,omitempty"`
	Workers int           `json:"workers,omitempty"`
	// Raw leaves the outputs unparsed.
	Raw bool `json:"raw,omitempty"`
	// Templates, when set, parse every output instead of the index's
	// choice (several are merged, as an index line's are).
	Templates []string `json:"templates,omitempty"`
	// MinScore fails an output whose parse scores below it (validation).
	MinScore float64 `json:"min_score,omitempty"`
	// MaxOutput caps one command's output per device, in bytes; zero is
	// the engine's default.
	MaxOutput int64 `json:"max_output,omitempty"`
	// CaptureType names what the outputs are kept as; empty: each
	// command's name.
	CaptureType string `json:"capture_type,omitempty"`
	// NoCapture keeps no outputs (the run is still recorded).
	NoCapture bool `json:"no_capture,omitempty"`
	// ForceSave keeps outputs that failed validation.
	ForceSave bool `json:"force_save,omitempty"`
	// Scrub masks secrets in outputs before they are kept.
	Scrub bool `json:"scrub,omitempty"`
	// SessionLog is a folder that gets each device's transcript.
	SessionLog string `json:"session_log,omitempty"`
	// Stages are the |> stages typed after the command, kept so that a
	// retry or a job applies them again.
	Stages []string `json:"stages,omitempty"`
	// Origin says what started the run: exec, retry, job, schedule, get.
	Origin string `json:"origin,omitempty"`
	// Job is the saved job the run is of (a retry of it keeps it), and
	// Batch the batch of jobs it ran in; history finds a job's last run
	// by them.
	Job   string `json:"job,omitempty"`
	Batch uint64 `json:"batch,omitempty"`
	// Note says why a run that did not happen did not (skipped, missed).
	Note string `json:"note,omitempty"`
	// View names the view whose commands ByPlatform holds, when the run
	// answers one (get facts): its outputs are read through the view.
	View string `json:"view,omitempty"`
}

// Status is where a run stands.
type Status string

// The statuses of a run.
const (
	StatusRunning     Status = "running"
	StatusSuccess     Status = "success"
	StatusPartial     Status = "partial"
	StatusFailed      Status = "failed"
	StatusCancelled   Status = "cancelled"
	StatusInterrupted Status = "interrupted" // its process died; found by the next one
	// A scheduled run that did not happen: its job was still running
	// when it was due again (skipped), or nothing ran it then (missed:
	// the daemon was down).
	StatusSkipped Status = "skipped"
	StatusMissed  Status = "missed"
)

// Failure kinds the run adds to the engine's.
const (
	// KindValidation is an output that parsed below Spec.MinScore.
	KindValidation = "validation"
	// KindGone is a device removed from the inventory before it ran.
	KindGone = "gone"
)

// Run is one run as it happened.
type Run struct {
	// ID is given by the history that records the run (0: not recorded).
	ID    uint64    `json:"id"`
	Spec  Spec      `json:"spec"`
	User  string    `json:"user"`
	Start time.Time `json:"start"`
	End   time.Time `json:"end,omitzero"`
	// Status is running until the run ends.
	Status Status `json:"status"`
	// Devices are the results in the order of Spec.Devices.
	Devices []*Device `json:"devices"`
	// Unchecked counts devices whose host key is not checked
	// (hostkey=ignore).
	Unchecked int      `json:"unchecked,omitempty"`
	Warnings  []string `json:"warnings,omitempty"`
	// Recording is how long recording the run took, as history tells it.
	Recording time.Duration `json:"recording,omitempty"`
}

// Device is what a run did on one device.
type Device struct {
	Name     string `json:"name"`
	Platform string `json:"platform,omitempty"`
	// Done is set once the device's run ended, well or not.
	Done bool `json:"done"`
	// Kind and Reason say why it failed; empty when it succeeded.
	Kind    string        `json:"kind,omitempty"`
	Reason  string        `json:"reason,omitempty"`
	Elapsed time.Duration `json:"elapsed"`
	Cred    string        `json:"cred,omitempty"`
	Reused  bool          `json:"reused,omitempty"`
	Outputs []Output      `json:"outputs,omitempty"`
	// Attempts is how each credential fared.
	Attempts []engine.Attempt `json:"-"`
}

// OK reports whether the device succeeded.
func (d *Device) OK() bool { return d.Done && d.Kind == "" }

// Output is one command's output on a device and how it parsed.
type Output struct {
	Command string `json:"command"`
	Text    string `json:"-"`
	// Failed is the device's complaint when the command was rejected.
	Failed string `json:"failed,omitempty"`
	// Template parsed it, with Score; empty when nothing did.
	Template string  `json:"template,omitempty"`
	Score    float64 `json:"score,omitempty"`
	Records  int     `json:"records,omitempty"`
	// ParseError says why it was not parsed, when a template was tried.
	ParseError string `json:"parse_error,omitempty"`
	// Invalid is set when it parsed below Spec.MinScore.
	Invalid bool `json:"invalid,omitempty"`
	// Capture is the stored copy of the output (a capture version), once
	// a sink kept it; zero when it was not kept.
	Capture uint64 `json:"capture,omitempty"`
	// Changed says the capture differs from the device's previous one.
	Changed bool `json:"changed,omitempty"`
}

// Counts are a run's devices by outcome.
type Counts struct{ OK, Failed, Pending int }

// Counts tallies the devices.
func (r *Run) Counts() Counts {
	var c Counts
	for _, d := range r.Devices {
		switch {
		case !d.Done:
			c.Pending++
		case d.Kind == "":
			c.OK++
		default:
			c.Failed++
		}
	}
	return c
}

// Failed lists the devices that failed.
func (r *Run) Failed() []*Device {
	var out []*Device
	for _, d := range r.Devices {
		if d.Done && d.Kind != "" {
			out = append(out, d)
		}
	}
	return out
}

// Retryable reports whether running again may change a failure of kind:
// a rejected command or a bad host key stays what it is.
func Retryable(kind string) bool {
	switch kind {
	case "command", "hostkey", "algorithm", KindValidation, KindGone, "output-limit":
		return false
	}
	return true
}

// finalStatus is the status a run ends with.
func (r *Run) finalStatus(cancelled bool) Status {
	c := r.Counts()
	switch {
	case cancelled:
		return StatusCancelled
	case c.Failed == 0 && c.Pending == 0:
		return StatusSuccess
	case c.OK == 0:
		return StatusFailed
	}
	return StatusPartial
}

// WithoutOutputs is the run without the text of its outputs, for keeping
// after the records were made: a thousand ARP tables are the records',
// not the run's.
func (r *Run) WithoutOutputs() *Run {
	c := *r
	c.Devices = make([]*Device, len(r.Devices))
	for i, d := range r.Devices {
		dc := *d
		dc.Outputs = make([]Output, len(d.Outputs))
		for j, o := range d.Outputs {
			o.Text = ""
			dc.Outputs[j] = o
		}
		dc.Attempts = nil
		c.Devices[i] = &dc
	}
	return &c
}
