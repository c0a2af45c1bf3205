// Package history remembers runs: every exec, retry and job, its options,
// how each device fared, and what it kept. A run is written when it starts,
// at checkpoints while it goes, and when it ends, one transaction each; a
// run whose process died is found by the next vc that opens the store and
// marked interrupted, with what it finished kept.
package history

import (
	"bytes"
	"context"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"time"

	bolt "go.etcd.io/bbolt"

	"vc/run"
	"vc/store"
)

// ErrNoRun is a run id that history does not hold.
var ErrNoRun = errors.New("no such run")

// header is what history keeps of a run besides its devices: small, so
// listing runs reads little.
type header struct {
	ID        uint64     `json:"id"`
	Spec      run.Spec   `json:"spec"`
	User      string     `json:"user,omitempty"`
	Start     time.Time  `json:"start"`
	End       time.Time  `json:"end,omitzero"`
	Status    run.Status `json:"status"`
	Total     int        `json:"total"`
	OK        int        `json:"ok"`
	Failed    int        `json:"failed"`
	Pending   int        `json:"pending"`
	Unchecked int        `json:"unchecked,omitempty"`
	Warnings  []string   `json:"warnings,omitempty"`
	Owner     Owner      `json:"owner"`
	// Recording is the time spent recording the run (its transactions,
	// and keeping its outputs), so that a slow store shows.
	Recording time.Duration `json:"recording,omitempty"`
}

// Summary is one run as history lists it.
type Summary struct {
	ID                         uint64
	Spec                       run.Spec
	User                       string
	Start, End                 time.Time
	Status                     run.Status
	Total, OK, Failed, Pending int
	Unchecked                  int
	Recording                  time.Duration
}

func (h *header) summary() Summary {
	return Summary{ID: h.ID, Spec: h.Spec, User: h.User, Start: h.Start, End: h.End, Status: h.Status,
		Total: h.Total, OK: h.OK, Failed: h.Failed, Pending: h.Pending, Unchecked: h.Unchecked, Recording: h.Recording}
}

// Keeper keeps a run's outputs (captures) as the run is recorded.
// Prepare does the work that needs no store (hashing, compressing) before
// the transaction and returns what to store.
type Keeper interface {
	Prepare(r *run.Run) Batch
}

// Batch is a run's outputs made ready to keep: Put stores them inside
// End's transaction and fills each kept output's Capture; After runs once
// the transaction committed (plain files).
type Batch interface {
	Put(tx *store.Tx, r *run.Run) error
	After(ctx context.Context) error
}

// Recorder records runs in the store as they happen: it is the run.Sink
// of history.
type Recorder struct {
	store *store.Store
	keep  Keeper
	owner Owner
}

// NewRecorder records into st, keeping outputs with keep (nil: none).
func NewRecorder(st *store.Store, keep Keeper) *Recorder {
	return &Recorder{store: st, keep: keep, owner: Self()}
}

func key(id uint64) []byte { return binary.BigEndian.AppendUint64(nil, id) }

func (rec *Recorder) header(r *run.Run) *header {
	spec := r.Spec
	// The device list is kept with the devices' results.
	spec.Devices = nil
	c := r.Counts()
	return &header{ID: r.ID, Spec: spec, User: r.User, Start: r.Start, End: r.End, Status: r.Status,
		Total: len(r.Devices), OK: c.OK, Failed: c.Failed, Pending: c.Pending, Unchecked: r.Unchecked,
		Warnings: r.Warnings, Owner: rec.owner, Recording: r.Recording}
}

func (rec *Recorder) write(t *store.Tx, r *run.Run) error {
	h, err := json.Marshal(rec.header(r))
	if err != nil {
		return err
	}
	rb := roster(r.Devices)
	rk := rosterKey(rb)
	b := t.Bucket(store.BucketRunDevices)
	if b.Get(rk) == nil {
		if err := b.Put(rk, rb); err != nil {
			return err
		}
	}
	devs, err := encodeDevices(r.Devices, rk)
	if err != nil {
		return err
	}
	if err := t.Bucket(store.BucketRuns).Put(key(r.ID), h); err != nil {
		return err
	}
	return b.Put(key(r.ID), devs)
}

// Begin gives the run its id and records it as running.
func (rec *Recorder) Begin(ctx context.Context, r *run.Run) error {
	start := time.Now()
	// The time recording takes is kept on the run, not the recorder: a
	// batch records several runs at once through one recorder.
	r.Recording = 0
	defer func() { r.Recording += time.Since(start) }()
	return rec.store.Update(ctx, func(t *store.Tx) error {
		id, err := t.Bucket(store.BucketRuns).NextSequence()
		if err != nil {
			return err
		}
		r.ID = id
		if err := t.Bucket(store.BucketRunning).Put(key(id), []byte{}); err != nil {
			return err
		}
		return rec.write(t, r)
	})
}

// Checkpoint records the devices finished so far.
func (rec *Recorder) Checkpoint(ctx context.Context, r *run.Run, _ []*run.Device) error {
	if r.ID == 0 {
		return nil
	}
	start := time.Now()
	defer func() { r.Recording += time.Since(start) }()
	return rec.store.Update(ctx, func(t *store.Tx) error { return rec.write(t, r) })
}

// End records the finished run and what it kept.
func (rec *Recorder) End(ctx context.Context, r *run.Run) error {
	if r.ID == 0 {
		return nil
	}
	start := time.Now()
	var batch Batch
	if rec.keep != nil {
		batch = rec.keep.Prepare(r)
	}
	err := rec.store.Update(ctx, func(t *store.Tx) error {
		if batch != nil {
			if err := batch.Put(t, r); err != nil {
				return fmt.Errorf("keep outputs: %w", err)
			}
		}
		if err := t.Bucket(store.BucketRunning).Delete(key(r.ID)); err != nil {
			return err
		}
		// The time to this commit is what the header can tell: the plain
		// files come after.
		r.Recording += time.Since(start)
		return rec.write(t, r)
	})
	if err != nil {
		return err
	}
	if batch != nil {
		return batch.After(ctx)
	}
	return nil
}

// Recover marks the runs whose process died while they ran (killed, the
// machine lost power) as interrupted, keeping the devices they finished.
// Runs of live processes, this one's included, are left alone. It returns
// the ids it marked.
func Recover(ctx context.Context, st *store.Store) ([]uint64, error) {
	var dead []uint64
	err := st.View(ctx, func(t *store.Tx) error {
		return t.Bucket(store.BucketRunning).ForEach(func(k, _ []byte) error {
			raw := t.Bucket(store.BucketRuns).Get(k)
			var h header
			if raw == nil || json.Unmarshal(raw, &h) != nil || !h.Owner.Alive() {
				dead = append(dead, binary.BigEndian.Uint64(k))
			}
			return nil
		})
	})
	if err != nil || len(dead) == 0 {
		return nil, err
	}
	err = st.Update(ctx, func(t *store.Tx) error {
		for _, id := range dead {
			t.Bucket(store.BucketRunning).Delete(key(id))
			raw := t.Bucket(store.BucketRuns).Get(key(id))
			var h header
			if raw == nil || json.Unmarshal(raw, &h) != nil {
				continue
			}
			h.Status = run.StatusInterrupted
			if h.End.IsZero() {
				h.End = h.Start
			}
			b, err := json.Marshal(&h)
			if err != nil {
				return err
			}
			if err := t.Bucket(store.BucketRuns).Put(key(id), b); err != nil {
				return err
			}
		}
		return nil
	})
	return dead, err
}

// Filter chooses runs to list.
type Filter struct {
	// Status keeps runs of these statuses; empty keeps all.
	Status []run.Status
	// Since keeps runs started at or after it.
	Since time.Time
	// Limit keeps the newest so many; zero keeps all.
	Limit int
}

// List returns the runs the filter keeps, newest first.
func List(ctx context.Context, st *store.Store, f Filter) ([]Summary, error) {
	var out []Summary
	err := st.View(ctx, func(t *store.Tx) error {
		c := t.Bucket(store.BucketRuns).Cursor()
		for k, v := c.Last(); k != nil; k, v = c.Prev() {
			var h header
			if err := json.Unmarshal(v, &h); err != nil {
				return fmt.Errorf("history: run %d: %w", binary.BigEndian.Uint64(k), err)
			}
			if !f.Since.IsZero() && h.Start.Before(f.Since) {
				continue
			}
			if len(f.Status) > 0 && !slices.Contains(f.Status, h.Status) {
				continue
			}
			out = append(out, h.summary())
			if f.Limit > 0 && len(out) == f.Limit {
				break
			}
		}
		return nil
	})
	return out, err
}

// Get returns a recorded run with its devices.
func Get(ctx context.Context, st *store.Store, id uint64) (*run.Run, error) {
	var r *run.Run
	err := st.View(ctx, func(t *store.Tx) error {
		var err error
		r, err = get(t, id)
		return err
	})
	return r, err
}

func get(t *store.Tx, id uint64) (*run.Run, error) {
	raw := t.Bucket(store.BucketRuns).Get(key(id))
	if raw == nil {
		return nil, fmt.Errorf("run %d: %w (see: history)", id, ErrNoRun)
	}
	var h header
	if err := json.Unmarshal(raw, &h); err != nil {
		return nil, fmt.Errorf("history: run %d: %w", id, err)
	}
	r := &run.Run{ID: h.ID, Spec: h.Spec, User: h.User, Start: h.Start, End: h.End, Status: h.Status,
		Unchecked: h.Unchecked, Warnings: h.Warnings, Recording: h.Recording}
	bucket := t.Bucket(store.BucketRunDevices)
	if b := bucket.Get(key(id)); b != nil {
		devs, err := decodeDevices(b, bucket.Get)
		if err != nil {
			return nil, fmt.Errorf("run %d: %w", id, err)
		}
		r.Devices = devs
		for _, d := range devs {
			r.Spec.Devices = append(r.Spec.Devices, d.Name)
		}
	}
	return r, nil
}

// Last returns the newest recorded run, or ErrNoRun.
func Last(ctx context.Context, st *store.Store) (*run.Run, error) {
	var r *run.Run
	err := st.View(ctx, func(t *store.Tx) error {
		k, _ := t.Bucket(store.BucketRuns).Cursor().Last()
		if k == nil {
			return fmt.Errorf("%w: no run has been recorded yet", ErrNoRun)
		}
		var err error
		r, err = get(t, binary.BigEndian.Uint64(k))
		return err
	})
	return r, err
}

// Prune forgets the runs that ended before a time, except those still
// running, and says how many it removed.
func Prune(ctx context.Context, st *store.Store, before time.Time) (int, error) {
	n := 0
	err := st.Update(ctx, func(t *store.Tx) error {
		runs := t.Bucket(store.BucketRuns)
		var old [][]byte
		err := runs.ForEach(func(k, v []byte) error {
			var h header
			if json.Unmarshal(v, &h) != nil {
				return nil
			}
			end := h.End
			if end.IsZero() {
				end = h.Start
			}
			if h.Status != run.StatusRunning && end.Before(before) {
				old = append(old, slices.Clone(k))
			}
			return nil
		})
		if err != nil {
			return err
		}
		devs := t.Bucket(store.BucketRunDevices)
		for _, k := range old {
			if err := runs.Delete(k); err != nil {
				return err
			}
			if err := devs.Delete(k); err != nil {
				return err
			}
		}
		n = len(old)
		return dropRosters(devs)
	})
	return n, err
}

// dropRosters removes the rosters no run names any more.
func dropRosters(b *bolt.Bucket) error {
	used := map[string]bool{}
	var rosters [][]byte
	err := b.ForEach(func(k, v []byte) error {
		if bytes.HasPrefix(k, []byte(rosterPrefix)) {
			rosters = append(rosters, slices.Clone(k))
			return nil
		}
		rk, err := devicesRoster(v)
		if err == nil {
			used[string(rk)] = true
		}
		return nil
	})
	if err != nil {
		return err
	}
	for _, k := range rosters {
		if !used[string(k)] {
			if err := b.Delete(k); err != nil {
				return err
			}
		}
	}
	return nil
}

var _ run.Sink = (*Recorder)(nil)

// Note records a run that did not happen, a scheduled one skipped or
// missed: its spec says which job and why (Spec.Note); it has no devices.
func Note(ctx context.Context, st *store.Store, spec run.Spec, status run.Status, at time.Time) (uint64, error) {
	return NoteSpan(ctx, st, spec, status, at, at)
}

// NoteSpan records a run that sent nothing to devices but took time: an
// inventory sync, or a job that could not start; Spec.Note says what it
// did or why not.
func NoteSpan(ctx context.Context, st *store.Store, spec run.Spec, status run.Status, start, end time.Time) (uint64, error) {
	var id uint64
	err := st.Update(ctx, func(t *store.Tx) error {
		var err error
		if id, err = t.Bucket(store.BucketRuns).NextSequence(); err != nil {
			return err
		}
		spec.Devices = nil
		h := &header{ID: id, Spec: spec, User: run.UserName(), Start: start, End: end, Status: status, Owner: Self()}
		b, err := json.Marshal(h)
		if err != nil {
			return err
		}
		return t.Bucket(store.BucketRuns).Put(key(id), b)
	})
	return id, err
}
