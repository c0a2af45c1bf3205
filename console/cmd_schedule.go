package console

import (
	"context"
	"errors"
	"strconv"
	"strings"
	"time"

	"vc/daemon"
	"vc/jobs"
	"vc/records"
	"vc/store"
)

const groupSchedule = "schedules"

func scheduleCommands() []*Command {
	return []*Command{
		{
			Name: "schedule add", Args: "JOB", Group: groupSchedule, MinArgs: 1, MaxArgs: 1,
			Flags: []Flag{
				{Name: "cron", Value: "EXPR", Help: `when: five fields (minute hour day-of-month month day-of-week: "0 2 * * *"), or @daily, @hourly, @every 15m`},
				{Name: "tz", Value: "ZONE", Help: "read the fields in this time zone (an IANA name: Europe/Paris; default the machine's)"},
			},
			Summary: "run a saved job when a cron expression says: vc daemon runs it",
			Help: "The schedule runs the job as run SLUG does (history, captures, diff all the same, origin schedule),\n" +
				"while a vc daemon runs for this store. A job still running when it is due again is skipped, and\n" +
				"history says so; fire times that pass while no daemon runs are recorded as missed (vc daemon\n" +
				"--catch-up runs each such job once). A bad expression is refused with the field at fault.",
			Examples: []string{
				`schedule add arista-arp --cron "0 2 * * *"`,
				`schedule add core-configs --cron "30 1 * * 1-5" --tz Europe/Paris`,
				`schedule add netbox-nightly --cron @daily`,
				`schedule add arista-arp --cron "@every 15m"`,
			},
			Run: runScheduleAdd,
		},
		{
			Name: "schedule list", Group: groupSchedule, Flags: []Flag{jsonFlag},
			Summary:  "list the schedules with their next three fire times and their last run",
			Examples: []string{"schedule list", `schedule list |> where last_status != "success"`},
			Run:      runScheduleList,
		},
		{
			Name: "schedule rm", Args: "ID...", Group: groupSchedule, MinArgs: 1, MaxArgs: -1,
			Summary:  "remove schedules (their runs stay in history)",
			Examples: []string{"schedule rm 3", "schedule rm 3 4"},
			Run: func(ctx context.Context, e *Env, c *Call) (*records.Set, error) {
				return nil, e.eachSchedule(ctx, c.Args, "removed", daemon.Remove)
			},
		},
		{
			Name: "schedule enable", Args: "ID...", Group: groupSchedule, MinArgs: 1, MaxArgs: -1,
			Summary:  "let schedules fire again (fire times while disabled are not missed)",
			Examples: []string{"schedule enable 3"},
			Run: func(ctx context.Context, e *Env, c *Call) (*records.Set, error) {
				return nil, e.eachSchedule(ctx, c.Args, "enabled", func(t *store.Tx, id uint64) error { return daemon.SetEnabled(t, id, true) })
			},
		},
		{
			Name: "schedule disable", Args: "ID...", Group: groupSchedule, MinArgs: 1, MaxArgs: -1,
			Summary:  "keep schedules from firing, without removing them",
			Examples: []string{"schedule disable 3"},
			Run: func(ctx context.Context, e *Env, c *Call) (*records.Set, error) {
				return nil, e.eachSchedule(ctx, c.Args, "disabled", func(t *store.Tx, id uint64) error { return daemon.SetEnabled(t, id, false) })
			},
		},
	}
}

// scheduleError makes what the user got wrong a usage error.
func scheduleError(err error) error {
	if errors.Is(err, daemon.ErrCron) || errors.Is(err, daemon.ErrNoSchedule) {
		return &inputError{err}
	}
	return err
}

func runScheduleAdd(ctx context.Context, e *Env, c *Call) (*records.Set, error) {
	expr := strings.TrimSpace(c.String("cron", ""))
	if expr == "" {
		return nil, usagef(`schedule add: give when with --cron EXPR ("0 2 * * *", @daily, "@every 15m")`)
	}
	tz := c.String("tz", "")
	// The job must exist now; job rm refuses a job a schedule runs.
	if _, err := jobs.Get(ctx, e.Store, c.Args[0]); err != nil {
		return nil, jobError(err)
	}
	var s *daemon.Schedule
	err := e.Store.Update(ctx, func(t *store.Tx) error {
		var err error
		s, err = daemon.Add(t, c.Args[0], expr, tz)
		return err
	})
	if err != nil {
		return nil, scheduleError(err)
	}
	e.saidf("schedule %d: job %s at %s%s; next %s", s.ID, s.Job, s.Cron, inZone(s.TZ), fireTimes(s, s.Upcoming(time.Now(), 1), 1)[0])
	if !e.daemonAlive(ctx) {
		e.saidf("no vc daemon runs for this store now: the schedule fires only while one does (vc daemon)")
	}
	return scheduleSet([]*daemon.Schedule{s}), nil
}

func inZone(tz string) string {
	if tz == "" {
		return ""
	}
	return " (" + tz + ")"
}

// fireTimes are a schedule's fire times in its own zone, n of them at
// most, "never" when it has none.
func fireTimes(s *daemon.Schedule, ts []time.Time, n int) []string {
	loc := time.Local
	if s.TZ != "" {
		if l, err := time.LoadLocation(s.TZ); err == nil {
			loc = l
		}
	}
	var out []string
	for _, t := range ts {
		if len(out) == n {
			break
		}
		out = append(out, t.In(loc).Format("2006-01-02 15:04:05 MST"))
	}
	if len(out) == 0 {
		out = []string{"never"}
	}
	return out
}

var scheduleColumns = []string{"id", "job", "cron", "tz", "enabled", "next", "last_fired", "last_run", "last_status"}

func scheduleSet(scheds []*daemon.Schedule) *records.Set {
	set := &records.Set{Columns: scheduleColumns, Empty: "no schedules yet: schedule add JOB --cron EXPR"}
	now := time.Now()
	for _, s := range scheds {
		var next any
		if s.Enabled {
			next = fireTimes(s, s.Upcoming(now, 3), 3)
		}
		var fired, run any
		if !s.Fired.IsZero() {
			fired = s.Fired
		}
		if s.Run != 0 {
			run = int(s.Run)
		}
		set.Rows = append(set.Rows, []any{int(s.ID), s.Job, s.Cron, s.TZ, s.Enabled, next, fired, run, s.Status})
	}
	return set
}

func runScheduleList(ctx context.Context, e *Env, c *Call) (*records.Set, error) {
	var scheds []*daemon.Schedule
	err := e.Store.View(ctx, func(t *store.Tx) error {
		var err error
		scheds, err = daemon.List(t)
		return err
	})
	if err != nil {
		return nil, err
	}
	set := scheduleSet(scheds)
	if c.Bool("json") {
		set.Format = "json"
	}
	if len(scheds) > 0 && !e.daemonAlive(ctx) {
		e.saidf("no vc daemon runs for this store now: schedules fire only while one does (vc daemon)")
	}
	return set, nil
}

// eachSchedule does fn to the schedules of ids, all in one transaction:
// every one, or none when one is not there.
func (e *Env) eachSchedule(ctx context.Context, args []string, did string, fn func(*store.Tx, uint64) error) error {
	ids, err := scheduleIDs(args)
	if err != nil {
		return err
	}
	err = e.Store.Update(ctx, func(t *store.Tx) error {
		for _, id := range ids {
			if err := fn(t, id); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return scheduleError(err)
	}
	e.saidf("%s %s %s", did, plural("schedule", len(ids)), strings.Join(args, ", "))
	return nil
}

func scheduleIDs(args []string) ([]uint64, error) {
	var ids []uint64
	for _, a := range args {
		id, err := strconv.ParseUint(a, 10, 64)
		if err != nil || id == 0 {
			return nil, usagef("%s is not a schedule id: a number, as schedule list shows", store.Quote(a))
		}
		ids = append(ids, id)
	}
	return ids, nil
}

// daemonAlive reports whether a daemon beats for this store.
func (e *Env) daemonAlive(ctx context.Context) bool {
	st, err := e.daemonStatus(ctx)
	return err == nil && st.Alive(time.Now())
}

// daemonStatus is the last status a daemon wrote; nil when none ran.
func (e *Env) daemonStatus(ctx context.Context) (*daemon.Status, error) {
	var st *daemon.Status
	err := e.Store.View(ctx, func(t *store.Tx) error {
		var err error
		st, err = daemon.ReadStatus(t)
		return err
	})
	return st, err
}
