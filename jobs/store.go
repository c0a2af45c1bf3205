package jobs

import (
	"bytes"
	"context"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"slices"
	"strings"

	"vc/records"
	"vc/store"
)

func jobKey(slug string) []byte { return []byte(slug) }

// batchPrefix starts every batch key; no slug starts with a zero byte.
var batchPrefix = []byte{0, 'b'}

func batchKey(id uint64) []byte { return binary.BigEndian.AppendUint64(slices.Clone(batchPrefix), id) }

func equalJSON(a, b any) bool {
	x, err1 := json.Marshal(a)
	y, err2 := json.Marshal(b)
	return err1 == nil && err2 == nil && bytes.Equal(x, y)
}

func getTx(t *store.Tx, slug string) (*Job, error) {
	j, err := findTx(t, slug)
	if err == nil && j == nil {
		err = noJob(t, slug)
	}
	return j, err
}

// findTx is the job of a slug, or nil without an error when there is
// none (getTx says which one was meant, which costs a list of them all).
func findTx(t *store.Tx, slug string) (*Job, error) {
	raw := t.Bucket(store.BucketJobs).Get(jobKey(slug))
	if raw == nil || len(slug) == 0 || slug[0] == 0 {
		return nil, nil
	}
	var j Job
	if err := json.Unmarshal(raw, &j); err != nil {
		return nil, fmt.Errorf("jobs: decode job %s: %w", quote(slug), err)
	}
	return &j, nil
}

// noJob says a slug names no job, and which one it may have meant.
func noJob(t *store.Tx, slug string) error {
	all, _ := listTx(t)
	slugs := make([]string, len(all))
	for i, j := range all {
		slugs[i] = j.Slug
	}
	return fmt.Errorf("job %s: %w%s (see: job list)", quote(slug), ErrNoJob, records.DidYouMean(records.Suggest(slug, slugs)))
}

func listTx(t *store.Tx) ([]*Job, error) {
	var out []*Job
	err := t.Bucket(store.BucketJobs).ForEach(func(k, v []byte) error {
		if len(k) == 0 || k[0] == 0 {
			return nil // a batch
		}
		var j Job
		if err := json.Unmarshal(v, &j); err != nil {
			return fmt.Errorf("jobs: decode job %s: %w", quote(string(k)), err)
		}
		out = append(out, &j)
		return nil
	})
	return out, err
}

func putTx(t *store.Tx, j *Job) error {
	if j.Created.IsZero() {
		j.Created = t.Now()
	}
	j.Updated = t.Now()
	raw, err := json.Marshal(j)
	if err != nil {
		return fmt.Errorf("jobs: encode job %s: %w", quote(j.Slug), err)
	}
	// Completion and other sessions' caches follow the store's
	// generation: a job's change moves it on.
	t.MarkChanged()
	return t.Bucket(store.BucketJobs).Put(jobKey(j.Slug), raw)
}

// Get returns the job of a slug, or ErrNoJob.
func Get(ctx context.Context, st *store.Store, slug string) (*Job, error) {
	var j *Job
	err := st.View(ctx, func(t *store.Tx) error {
		var err error
		j, err = getTx(t, slug)
		return err
	})
	return j, err
}

// List returns every job, by slug.
func List(ctx context.Context, st *store.Store) ([]*Job, error) {
	var out []*Job
	err := st.View(ctx, func(t *store.Tx) error {
		var err error
		out, err = listTx(t)
		return err
	})
	return out, err
}

// Create saves a new job, stamped now; a slug in use is ErrExists.
func Create(ctx context.Context, st *store.Store, j *Job) error {
	if err := ValidSlug(j.Slug); err != nil {
		return err
	}
	return st.Update(ctx, func(t *store.Tx) error {
		if t.Bucket(store.BucketJobs).Get(jobKey(j.Slug)) != nil {
			return fmt.Errorf("job %s: %w (job edit changes it, job rm removes it)", quote(j.Slug), ErrExists)
		}
		j.Created = t.Now()
		return putTx(t, j)
	})
}

// Update changes the jobs of slugs with fn, in one transaction: if fn
// fails for one, none is changed. It returns the jobs as saved.
func Update(ctx context.Context, st *store.Store, slugs []string, fn func(*Job) error) ([]*Job, error) {
	var out []*Job
	err := st.Update(ctx, func(t *store.Tx) error {
		out = nil
		for _, s := range slugs {
			j, err := getTx(t, s)
			if err != nil {
				return err
			}
			if err := fn(j); err != nil {
				return err
			}
			if err := putTx(t, j); err != nil {
				return err
			}
			out = append(out, j)
		}
		return nil
	})
	return out, err
}

// Remove deletes the jobs of slugs: all of them, or none when one does
// not exist. also, if given, runs in the same transaction, for each slug
// (what else holds a job, as a schedule does, says no or follows).
func Remove(ctx context.Context, st *store.Store, slugs []string, also func(t *store.Tx, slug string) error) error {
	return st.Update(ctx, func(t *store.Tx) error {
		b := t.Bucket(store.BucketJobs)
		for _, s := range slugs {
			if _, err := getTx(t, s); err != nil {
				return err
			}
			if also != nil {
				if err := also(t, s); err != nil {
					return err
				}
			}
			t.MarkChanged()
			if err := b.Delete(jobKey(s)); err != nil {
				return err
			}
		}
		return nil
	})
}

// Rename gives a job a new slug. Its past runs keep the old one in
// history. also, if given, runs in the same transaction (schedules of
// the job follow it).
func Rename(ctx context.Context, st *store.Store, from, to string, also func(t *store.Tx, from, to string) error) error {
	if err := ValidSlug(to); err != nil {
		return err
	}
	return st.Update(ctx, func(t *store.Tx) error {
		j, err := getTx(t, from)
		if err != nil {
			return err
		}
		b := t.Bucket(store.BucketJobs)
		if b.Get(jobKey(to)) != nil {
			return fmt.Errorf("cannot rename job %s to %s: %w", quote(from), quote(to), ErrExists)
		}
		if err := b.Delete(jobKey(from)); err != nil {
			return err
		}
		j.Slug = to
		if also != nil {
			if err := also(t, from, to); err != nil {
				return err
			}
		}
		return putTx(t, j)
	})
}

// Change is what saving a job of a file did, or would do.
type Change struct {
	Slug string
	// Action is "create", "update" or "unchanged".
	Action string
}

// SaveOptions say how Save treats jobs that exist.
type SaveOptions struct {
	// Replace updates jobs whose slug exists (keeping when they were
	// created); without it such a slug is an error and nothing is saved.
	Replace bool
	// DryRun says what would change and changes nothing.
	DryRun bool
}

// Save writes jobs read from a file in one transaction: every one of
// them, or none. The jobs must have been checked.
func Save(ctx context.Context, st *store.Store, jobs []*Job, o SaveOptions) ([]Change, error) {
	var changes []Change
	write := func(t *store.Tx) error {
		changes = changes[:0]
		var taken []string
		for _, j := range jobs {
			old, err := findTx(t, j.Slug)
			switch {
			case err != nil:
				// A job on record that does not decode is not overwritten
				// as if it were not there.
				return err
			case old == nil:
				changes = append(changes, Change{j.Slug, "create"})
			case !o.Replace:
				taken = append(taken, j.Slug)
				continue
			case old.same(j):
				changes = append(changes, Change{j.Slug, "unchanged"})
				continue
			default:
				j.Created = old.Created
				changes = append(changes, Change{j.Slug, "update"})
			}
			if !o.DryRun {
				if err := putTx(t, j); err != nil {
					return err
				}
			}
		}
		if len(taken) > 0 {
			return fmt.Errorf("%s %s: %w; nothing saved (--replace updates them)", plural("job", len(taken)), strings.Join(taken, ", "), ErrExists)
		}
		return nil
	}
	var err error
	if o.DryRun {
		err = st.View(ctx, write)
	} else {
		err = st.Update(ctx, write)
	}
	if err != nil {
		return nil, err
	}
	return changes, nil
}
