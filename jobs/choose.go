package jobs

import (
	"errors"
	"fmt"
	"slices"

	"vc/records"
)

// Choice says which jobs a batch runs: slugs and glob patterns
// (arista-*), tags, or every enabled job.
type Choice struct {
	Names      []string
	Tags       []string
	AllEnabled bool
}

// ErrNoChoice is a batch that names no job.
var ErrNoChoice = errors.New("which jobs? name them (SLUG, PATTERN), or give --tag T or --all-enabled")

// Choose picks the jobs of a choice from all (sorted by slug): the named
// ones in the order named, then those of the tags, each once. A disabled
// job runs only when named by its slug: patterns, tags and AllEnabled
// pass it by, and it is listed in passed. A slug that names no job, and
// a pattern or tag that picks none (disabled ones included), is an
// error.
func Choose(all []*Job, c Choice) (chosen []*Job, passed []string, err error) {
	if len(c.Names) == 0 && len(c.Tags) == 0 && !c.AllEnabled {
		return nil, nil, ErrNoChoice
	}
	const isChosen, isPassed = 1, 2
	taken := map[string]int{}
	take := func(j *Job, named bool) {
		switch {
		case taken[j.Slug] == isChosen:
		case j.Disabled && !named:
			if taken[j.Slug] == 0 {
				taken[j.Slug] = isPassed
				passed = append(passed, j.Slug)
			}
		default:
			// Named after a pattern passed it by: it runs after all.
			passed = slices.DeleteFunc(passed, func(s string) bool { return s == j.Slug })
			taken[j.Slug] = isChosen
			chosen = append(chosen, j)
		}
	}
	slugs := make([]string, len(all))
	for i, j := range all {
		slugs[i] = j.Slug
	}
	for _, name := range c.Names {
		if !IsPattern(name) {
			i := slices.Index(slugs, name)
			if i < 0 {
				return nil, nil, fmt.Errorf("job %s: %w%s (see: job list)", quote(name), ErrNoJob, records.DidYouMean(records.Suggest(name, slugs)))
			}
			take(all[i], true)
			continue
		}
		n := 0
		for _, j := range all {
			ok, err := matchPattern(name, j.Slug)
			if err != nil {
				return nil, nil, err
			}
			if ok {
				n++
				take(j, false)
			}
		}
		if n == 0 {
			return nil, nil, fmt.Errorf("%w pattern %s (see: job list)", ErrNoMatch, quote(name))
		}
	}
	for _, tag := range c.Tags {
		n := 0
		for _, j := range all {
			if j.HasTag(tag) {
				n++
				take(j, false)
			}
		}
		if n == 0 {
			return nil, nil, fmt.Errorf("%w tag %s (see: job list)", ErrNoMatch, quote(tag))
		}
	}
	if c.AllEnabled {
		for _, j := range all {
			take(j, false)
		}
	}
	return chosen, passed, nil
}
