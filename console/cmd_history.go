package console

import (
	"context"
	"errors"
	"fmt"
	"os"
	"strconv"
	"strings"
	"time"
	"vc/capture"
	"vc/store"

	"vc/history"
	"vc/records"
	"vc/run"
)

func historyCommands() []*Command {
	return []*Command{
		{
			Name: "history", Args: "[EXPR | N]", Group: groupHistory, Raw: true,
			Flags: []Flag{
				{Name: "status", Value: "S[,S...]", Help: "only runs of these statuses: running, success, partial, failed, cancelled, interrupted, skipped, missed"},
				{Name: "limit", Value: "N", Help: "the newest N runs (default 20; 0 lists all)"},
				jsonFlag,
			},
			Summary: "list the recorded runs, newest first",
			Help: "Every exec, retry and job is recorded: who ran what on which devices, when, and how it went.\n" +
				"EXPR is a where expression over the columns (status == \"partial\" && failed > 3); a number alone\n" +
				"is a limit. A run whose process died is found by the next vc and marked interrupted.",
			Examples: []string{"history", "history 5", `history status == "partial"`, "history --status failed,interrupted --json",
				`history commands matches "running-config"`},
			Run: runHistory,
		},
		{
			Name: "history show", Args: "ID", Group: groupHistory, MinArgs: 1, MaxArgs: 1, Flags: []Flag{jsonFlag},
			Summary:  "show one recorded run, device by device",
			Examples: []string{"history show 12", "history show 12 |> where status != \"ok\"", "history show 12 --json"},
			Run:      runHistoryShow,
		},
		{
			Name: "history prune", Group: groupHistory,
			Flags:    []Flag{{Name: "older-than", Value: "AGE", Help: "forget runs that ended longer ago than this (90d, 12h)"}},
			Summary:  "forget old runs, and captures no longer current that were last seen before then",
			Examples: []string{"history prune --older-than 90d"},
			Run: func(ctx context.Context, e *Env, c *Call) (*records.Set, error) {
				v := c.String("older-than", "")
				if v == "" {
					return nil, usagef("history prune: say how old with --older-than AGE (such as 90d)")
				}
				age, err := parseAge(v)
				if err != nil {
					return nil, usagef("history prune --older-than: %v", err)
				}
				before := time.Now().Add(-age)
				n, err := history.Prune(ctx, e.Store, before)
				if err != nil {
					return nil, err
				}
				var pr capture.Pruned
				err = e.Store.Update(ctx, func(t *store.Tx) error {
					var err error
					pr, err = capture.Prune(t, before)
					return err
				})
				if err != nil {
					return nil, err
				}
				e.saidf("forgot %d %s that ended before %s, and %d old %s (%d bytes); the latest capture of every device stays",
					n, plural("run", n), before.Format("2006-01-02 15:04"), pr.Versions, plural("capture", pr.Versions), pr.Bytes)
				return nil, nil
			},
		},
	}
}

// parseAge reads an age such as 90d, 36h or 15m.
func parseAge(v string) (time.Duration, error) {
	if n, ok := strings.CutSuffix(v, "d"); ok {
		days, err := strconv.Atoi(n)
		if err != nil || days < 0 {
			return 0, fmt.Errorf("%q is not an age such as 90d or 12h", v)
		}
		return time.Duration(days) * 24 * time.Hour, nil
	}
	d, err := time.ParseDuration(v)
	if err != nil || d < 0 {
		return 0, fmt.Errorf("%q is not an age such as 90d or 12h", v)
	}
	return d, nil
}

var historyColumns = []string{"id", "start", "status", "origin", "job", "commands", "devices", "ok", "failed", "duration", "user", "selection", "note"}

func runHistory(ctx context.Context, e *Env, c *Call) (*records.Set, error) {
	f := history.Filter{Limit: 20}
	if c.Has("limit") {
		n, err := c.Int("limit", 20)
		if err != nil || n < 0 {
			return nil, usagef("history --limit %q is not a number of runs", c.String("limit", ""))
		}
		f.Limit = n
	}
	if v := c.String("status", ""); v != "" {
		for _, s := range strings.Split(v, ",") {
			st := run.Status(strings.TrimSpace(s))
			switch st {
			case run.StatusRunning, run.StatusSuccess, run.StatusPartial, run.StatusFailed, run.StatusCancelled, run.StatusInterrupted,
				run.StatusSkipped, run.StatusMissed:
			default:
				return nil, usagef("history --status %q: one of running, success, partial, failed, cancelled, interrupted, skipped, missed", s)
			}
			f.Status = append(f.Status, st)
		}
	}
	expr := strings.TrimSpace(c.Text)
	if n, err := strconv.Atoi(expr); err == nil && n >= 0 {
		f.Limit, expr = n, ""
	}
	if expr != "" {
		// The expression chooses among all runs, not among the newest 20.
		f.Limit = 0
	}
	runs, err := history.List(ctx, e.Store, f)
	if err != nil {
		return nil, err
	}
	set := &records.Set{Columns: historyColumns, Empty: "no runs recorded yet"}
	for _, r := range runs {
		dur := any(nil)
		if !r.End.IsZero() {
			dur = r.End.Sub(r.Start).Round(time.Millisecond)
		}
		set.Rows = append(set.Rows, []any{int(r.ID), r.Start, string(r.Status), r.Spec.Origin, r.Spec.Job, strings.Join(r.Spec.Commands, "; "),
			r.Total, r.OK, r.Failed, dur, r.User, r.Spec.Selection, r.Spec.Note})
	}
	if expr != "" {
		out, skipped, err := records.Where(set, expr)
		if err != nil {
			return nil, err
		}
		if skipped != nil {
			e.warnf("history: %v", skipped)
		}
		set = out
	}
	return set, nil
}

// runID reads a run id as typed.
func runID(s string) (uint64, error) {
	id, err := strconv.ParseUint(strings.TrimPrefix(s, "#"), 10, 64)
	if err != nil || id == 0 {
		return 0, usagef("%q is not a run id (see: history)", s)
	}
	return id, nil
}

var runDeviceColumns = []string{"device", "status", "reason", "elapsed", "cred", "platform", "commands", "template", "score", "capture", "note"}

func runHistoryShow(ctx context.Context, e *Env, c *Call) (*records.Set, error) {
	id, err := runID(c.Args[0])
	if err != nil {
		return nil, err
	}
	r, err := history.Get(ctx, e.Store, id)
	if err != nil {
		return nil, err
	}
	rec := r.Recording.Round(time.Millisecond)
	devices := &records.Set{Columns: runDeviceColumns, Empty: "no devices"}
	for _, d := range r.Devices {
		status := "ok"
		switch {
		case !d.Done:
			status = "not run"
		case d.Kind != "":
			status = d.Kind
		}
		var cmds, tmpls, scores, caps, notes []string
		for _, o := range d.Outputs {
			cmds = append(cmds, o.Command)
			if o.Template != "" {
				tmpls = append(tmpls, strings.TrimSuffix(o.Template, ".textfsm"))
				scores = append(scores, strconv.FormatFloat(o.Score, 'f', 2, 64))
			}
			switch {
			case o.Capture != 0 && o.Changed:
				caps = append(caps, fmt.Sprintf("%d (changed)", o.Capture))
			case o.Capture != 0:
				caps = append(caps, strconv.FormatUint(o.Capture, 10))
			case o.Invalid:
				caps = append(caps, "not kept: failed validation")
			}
			if o.ParseError != "" {
				notes = append(notes, "not parsed: "+o.ParseError)
			}
		}
		devices.Rows = append(devices.Rows, []any{d.Name, status, d.Reason, d.Elapsed, d.Cred, d.Platform,
			strings.Join(cmds, "; "), strings.Join(tmpls, ", "), strings.Join(scores, ", "), strings.Join(caps, ", "), strings.Join(notes, "; ")})
	}
	c2 := r.Counts()
	head := &records.Set{Record: true,
		Columns: []string{"id", "status", "origin", "job", "batch", "note", "commands", "selection", "user", "start", "end", "devices", "ok", "failed", "not run", "unchecked", "stages", "warnings", "recording"},
		Rows: [][]any{{int(r.ID), string(r.Status), r.Spec.Origin, r.Spec.Job, orNil(int(r.Spec.Batch)), r.Spec.Note, strings.Join(r.Spec.Commands, "; "), r.Spec.Selection, r.User, r.Start, r.End,
			len(r.Devices), c2.OK, c2.Failed, c2.Pending, r.Unchecked, strings.Join(r.Spec.Stages, " |> "), r.Warnings, rec}}}
	if c.Bool("json") {
		return nestedJSON(head, "devices_results", devices), nil
	}
	if err := e.print(head); err != nil {
		return nil, err
	}
	return devices, nil
}

// nestedJSON is head, a one-record set, as JSON with the records of set
// as one more field, name.
func nestedJSON(head *records.Set, name string, set *records.Set) *records.Set {
	head.Columns = append(head.Columns, name)
	head.Rows[0] = append(head.Rows[0], set.Maps())
	head.Format = "json"
	return head
}

// retrySource is the run a retry works from: one named by id, else the
// session's last, else the last recorded.
func (e *Env) retrySource(ctx context.Context, arg string) (*run.Run, error) {
	if arg != "" {
		id, err := runID(arg)
		if err != nil {
			return nil, err
		}
		return history.Get(ctx, e.Store, id)
	}
	if e.lastRun != nil {
		return e.lastRun, nil
	}
	r, err := history.Last(ctx, e.Store)
	if errors.Is(err, history.ErrNoRun) {
		return nil, errors.New("nothing to retry: no exec has run yet")
	}
	return r, err
}

// recorder is the session's history: every run goes through it.
func (e *Env) recorder() run.Sink {
	if e.rec == nil {
		e.rec = history.NewRecorder(e.Store, &history.Captures{Home: e.Home, Store: e.Store})
	}
	return e.rec
}

// recoverRuns marks the runs of vc processes that died as interrupted,
// and says so.
func (e *Env) recoverRuns(ctx context.Context) {
	if _, err := os.Stat(e.Store.Path()); err != nil {
		return
	}
	ids, err := history.Recover(ctx, e.Store)
	if err != nil {
		e.warnf("history: %v", err)
		return
	}
	switch n := len(ids); {
	case n == 1:
		e.warnf("run %d was interrupted: its vc process ended while it ran (see: history show %d)", ids[0], ids[0])
	case n > 1:
		e.warnf("%d runs were interrupted: their vc processes ended while they ran (see: history --status interrupted)", n)
	}
}
