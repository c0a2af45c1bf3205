// Package daemon keeps schedules of jobs and is the service that runs them
// when they are due: through the same run path as the console, so history,
// captures and diffs are the same. It never prints: it logs through the
// slog.Logger it is given, and keeps its state in the store, where
// `vc daemon status` reads it.
package daemon

import (
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/robfig/cron/v3"

	"vc/store"
)

// Errors of schedules.
var (
	ErrNoSchedule = errors.New("no such schedule")
	// ErrCron is a cron expression that does not parse.
	ErrCron = errors.New("bad cron expression")
)

// Schedule is when a job runs.
type Schedule struct {
	ID  uint64 `json:"id"`
	Job string `json:"job"`
	// Cron is the expression as given: five fields, or @daily, @hourly,
	// @every 15m...
	Cron string `json:"cron"`
	// TZ is the time zone the fields are read in; empty is the local one.
	TZ      string    `json:"tz,omitempty"`
	Enabled bool      `json:"enabled"`
	Created time.Time `json:"created"`
	// Fired is the last fire time the daemon dealt with (ran, skipped
	// or recorded as missed); Run and Status are the last run's.
	Fired  time.Time `json:"fired,omitzero"`
	Run    uint64    `json:"run,omitempty"`
	Status string    `json:"status,omitempty"`
	// Resumed is when it was last enabled again: fire times while it was
	// disabled were not missed.
	Resumed time.Time `json:"resumed,omitzero"`
	// parsed is Cron in TZ, read when the schedule is: the daemon asks
	// for fire times every few seconds, and a time zone is a file read.
	parsed cron.Schedule
}

// schedule is the parsed expression, parsed now when it was not yet.
func (s *Schedule) schedule() (cron.Schedule, error) {
	if s.parsed != nil {
		return s.parsed, nil
	}
	return Parse(s.Cron, s.TZ)
}

// since is the time after which a fire time not dealt with was missed.
func (s *Schedule) since() time.Time {
	t := s.Created
	for _, u := range []time.Time{s.Fired, s.Resumed} {
		if u.After(t) {
			t = u
		}
	}
	return t
}

// fieldNames are the five fields of a cron expression, in order.
var fieldNames = []string{"minute", "hour", "day of month", "month", "day of week"}

// CronError is an expression that does not parse, with the field at
// fault when there is one.
type CronError struct {
	Expr  string
	Field int // 1-based; 0 when the expression as a whole is wrong
	Err   error
}

func (e *CronError) Error() string {
	if e.Field > 0 {
		f := strings.Fields(e.Expr)[e.Field-1]
		return fmt.Sprintf("cron %q: field %d (%s) %q: %v", e.Expr, e.Field, fieldNames[e.Field-1], f, e.Err)
	}
	return fmt.Sprintf("cron %q: %v", e.Expr, e.Err)
}

func (e *CronError) Unwrap() []error { return []error{ErrCron, e.Err} }

// Parse reads a cron expression in a time zone: standard five fields
// (minute hour day-of-month month day-of-week), or @yearly, @monthly,
// @weekly, @daily, @hourly, @every DURATION. A fault names its field.
func Parse(expr, tz string) (cron.Schedule, error) {
	expr = strings.TrimSpace(expr)
	loc := time.Local
	if tz != "" {
		l, err := time.LoadLocation(tz)
		if err != nil {
			return nil, &CronError{Expr: expr, Err: fmt.Errorf("unknown time zone %q (an IANA name such as Europe/Paris)", tz)}
		}
		loc = l
	}
	if strings.HasPrefix(expr, "@") {
		s, err := cron.ParseStandard(expr)
		if err != nil {
			return nil, &CronError{Expr: expr, Err: errors.New("not one of @yearly, @monthly, @weekly, @daily, @hourly or @every DURATION")}
		}
		return inZone(s, loc), nil
	}
	fields := strings.Fields(expr)
	if len(fields) != 5 {
		return nil, &CronError{Expr: expr, Err: fmt.Errorf("%d fields; a cron expression has 5 (minute hour day-of-month month day-of-week), or is @daily, @hourly, @every 15m", len(fields))}
	}
	for i := range fields {
		// Each field alone, the others any, finds the one at fault.
		probe := []string{"*", "*", "*", "*", "*"}
		probe[i] = fields[i]
		if _, err := cron.ParseStandard(strings.Join(probe, " ")); err != nil {
			return nil, &CronError{Expr: expr, Field: i + 1, Err: err}
		}
	}
	s, err := cron.ParseStandard(expr)
	if err != nil {
		return nil, &CronError{Expr: expr, Err: err}
	}
	return inZone(s, loc), nil
}

// inZone reads a schedule's fields in loc.
func inZone(s cron.Schedule, loc *time.Location) cron.Schedule {
	if spec, ok := s.(*cron.SpecSchedule); ok {
		c := *spec
		c.Location = loc
		return &c
	}
	return s
}

// Next lists the next n fire times after from.
func (s *Schedule) Next(from time.Time, n int) ([]time.Time, error) {
	sched, err := s.schedule()
	if err != nil {
		return nil, err
	}
	var out []time.Time
	t := from
	for range n {
		t = sched.Next(t)
		if t.IsZero() {
			break
		}
		out = append(out, t)
	}
	return out, nil
}

// Due lists the fire times after since and up to until.
func (s *Schedule) Due(since, until time.Time) ([]time.Time, error) {
	sched, err := s.schedule()
	if err != nil {
		return nil, err
	}
	var out []time.Time
	for t := sched.Next(since); !t.IsZero() && !t.After(until); t = sched.Next(t) {
		out = append(out, t)
		if len(out) > 100000 {
			break
		}
	}
	return out, nil
}

func key(id uint64) []byte { return binary.BigEndian.AppendUint64(nil, id) }

// versionKey holds a counter that moves on with every change to the
// schedules, so a daemon sees changes without reading them all.
var versionKey = []byte("version")

func bump(t *store.Tx) error {
	// The store's generation moves on too, for the sessions' caches
	// (completion knows the schedules' ids).
	t.MarkChanged()
	b := t.Bucket(store.BucketSchedules)
	var v uint64
	if raw := b.Get(versionKey); len(raw) == 8 {
		v = binary.BigEndian.Uint64(raw)
	}
	return b.Put(versionKey, binary.BigEndian.AppendUint64(nil, v+1))
}

// Version is the schedules' change counter.
func Version(t *store.Tx) uint64 {
	if raw := t.Bucket(store.BucketSchedules).Get(versionKey); len(raw) == 8 {
		return binary.BigEndian.Uint64(raw)
	}
	return 0
}

// Add checks and saves a new schedule, enabled, and returns it.
func Add(t *store.Tx, job, expr, tz string) (*Schedule, error) {
	if _, err := Parse(expr, tz); err != nil {
		return nil, err
	}
	b := t.Bucket(store.BucketSchedules)
	id, err := b.NextSequence()
	if err != nil {
		return nil, err
	}
	s := &Schedule{ID: id, Job: job, Cron: strings.TrimSpace(expr), TZ: tz, Enabled: true, Created: t.Now()}
	return s, put(t, s)
}

func put(t *store.Tx, s *Schedule) error {
	raw, err := json.Marshal(s)
	if err != nil {
		return err
	}
	if err := t.Bucket(store.BucketSchedules).Put(key(s.ID), raw); err != nil {
		return err
	}
	return bump(t)
}

// List returns every schedule, by id.
func List(t *store.Tx) ([]*Schedule, error) {
	var out []*Schedule
	err := t.Bucket(store.BucketSchedules).ForEach(func(k, v []byte) error {
		if len(k) != 8 {
			return nil
		}
		var s Schedule
		if err := json.Unmarshal(v, &s); err != nil {
			return fmt.Errorf("schedule %d: %w", binary.BigEndian.Uint64(k), err)
		}
		// A bad expression stays unparsed: Next and Due say why.
		s.parsed, _ = Parse(s.Cron, s.TZ)
		out = append(out, &s)
		return nil
	})
	slices.SortFunc(out, func(a, b *Schedule) int { return int(a.ID) - int(b.ID) })
	return out, err
}

// Get returns one schedule.
func Get(t *store.Tx, id uint64) (*Schedule, error) {
	raw := t.Bucket(store.BucketSchedules).Get(key(id))
	if raw == nil {
		return nil, fmt.Errorf("schedule %d: %w (see: schedule list)", id, ErrNoSchedule)
	}
	var s Schedule
	return &s, json.Unmarshal(raw, &s)
}

// Remove deletes a schedule.
func Remove(t *store.Tx, id uint64) error {
	if _, err := Get(t, id); err != nil {
		return err
	}
	if err := t.Bucket(store.BucketSchedules).Delete(key(id)); err != nil {
		return err
	}
	return bump(t)
}

// SetEnabled turns a schedule on or off.
func SetEnabled(t *store.Tx, id uint64, on bool) error {
	s, err := Get(t, id)
	if err != nil {
		return err
	}
	if on && !s.Enabled {
		s.Resumed = t.Now()
	}
	s.Enabled = on
	return put(t, s)
}

// RenameJob makes the schedules of job from run job to, as job rename
// does, in the same transaction.
func RenameJob(t *store.Tx, from, to string) error {
	all, err := List(t)
	if err != nil {
		return err
	}
	for _, s := range all {
		if s.Job == from {
			s.Job = to
			if err := put(t, s); err != nil {
				return err
			}
		}
	}
	return nil
}

// OfJob lists the schedules that run a job.
func OfJob(t *store.Tx, job string) ([]*Schedule, error) {
	all, err := List(t)
	if err != nil {
		return nil, err
	}
	return slices.DeleteFunc(all, func(s *Schedule) bool { return s.Job != job }), nil
}

// noteFired records what became of a fire time.
func noteFired(t *store.Tx, id uint64, fired time.Time, run uint64, status string) error {
	s, err := Get(t, id)
	if errors.Is(err, ErrNoSchedule) {
		return nil // removed meanwhile
	}
	if err != nil {
		return err
	}
	if fired.After(s.Fired) {
		s.Fired = fired
	}
	if run != 0 {
		s.Run = run
	}
	if status != "" {
		s.Status = status
	}
	raw, err := json.Marshal(s)
	if err != nil {
		return err
	}
	// The daemon's own notes do not count as changes to re-read.
	return t.Bucket(store.BucketSchedules).Put(key(id), raw)
}
