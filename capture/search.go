package capture

import (
	"context"
	"fmt"
	"regexp"
	"strings"
	"time"

	"vc/store"
)

// DefaultMaxLines is how many matching lines Search keeps per output when
// the query does not say.
const DefaultMaxLines = 20

// Query is what captures search looks for.
type Query struct {
	// Pattern is text to find as it is, or /REGEX/ (Go syntax; (?i) for
	// any case) to match.
	Pattern string
	// Type limits the search to one capture type; "" searches them all.
	Type string
	// Devices limits the search to these devices; nil searches them all.
	Devices []string
	// MaxLines bounds the matching lines kept per output (zero:
	// DefaultMaxLines); Match.Count still counts them all.
	MaxLines int
}

// Match is a latest capture that holds the pattern.
type Match struct {
	Device, Type string
	Version      uint64
	LastSeen     time.Time
	// Lines are the first matching lines, up to Query.MaxLines.
	Lines []Line
	// Count is how many lines matched.
	Count int
}

// Line is a line of an output, numbered from 1.
type Line struct {
	Number int
	Text   string
}

// matcher reports whether a line holds the pattern.
type matcher func(line string) bool

// compile reads a pattern: /REGEX/ is a regular expression, anything else
// plain text.
func compile(pattern string) (matcher, error) {
	if pattern == "" {
		return nil, fmt.Errorf("%w: empty", ErrPattern)
	}
	if len(pattern) >= 2 && pattern[0] == '/' && pattern[len(pattern)-1] == '/' {
		expr := pattern[1 : len(pattern)-1]
		if expr == "" {
			return nil, fmt.Errorf("%w: empty regular expression", ErrPattern)
		}
		re, err := regexp.Compile(expr)
		if err != nil {
			return nil, fmt.Errorf("%w: %w", ErrPattern, err)
		}
		return re.MatchString, nil
	}
	return func(line string) bool { return strings.Contains(line, pattern) }, nil
}

// Search finds the devices whose latest capture holds the pattern, with
// the lines that do, ordered by type and device. The store is read in one
// short transaction; the outputs are decompressed and searched after it,
// on every CPU.
func Search(ctx context.Context, s *store.Store, q Query) ([]Match, error) {
	match, err := compile(q.Pattern)
	if err != nil {
		return nil, err
	}
	if q.Type != "" {
		if err := ValidType(q.Type); err != nil {
			return nil, err
		}
	}
	maxLines := q.MaxLines
	if maxLines <= 0 {
		maxLines = DefaultMaxLines
	}
	var want map[string]bool
	if q.Devices != nil {
		want = make(map[string]bool, len(q.Devices))
		for _, d := range q.Devices {
			want[d] = true
		}
	}
	type job struct {
		v    Version
		blob []byte
	}
	var jobs []job
	err = s.View(ctx, func(tx *store.Tx) error {
		vs, err := LatestAll(tx, q.Type)
		if err != nil {
			return err
		}
		blobs := tx.Bucket(store.BucketBlobs)
		for _, v := range vs {
			if want != nil && !want[v.Device] {
				continue
			}
			b, err := blobCopy(blobs, v.Blob)
			if err != nil {
				return err
			}
			jobs = append(jobs, job{v, b})
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("capture search: %w", err)
	}
	found := make([]*Match, len(jobs))
	errs := make([]error, len(jobs))
	parallel(len(jobs), 0, func(i int) {
		j := &jobs[i]
		text, err := unpackBlob(j.v.Blob, j.blob)
		if err != nil {
			errs[i] = err
			return
		}
		m := Match{Device: j.v.Device, Type: j.v.Type, Version: j.v.ID, LastSeen: j.v.LastSeen}
		n := 0
		eachLine(text, func(line string, _ int) {
			n++
			if !match(line) {
				return
			}
			m.Count++
			if len(m.Lines) < maxLines {
				m.Lines = append(m.Lines, Line{Number: n, Text: line})
			}
		})
		if m.Count > 0 {
			found[i] = &m
		}
	})
	var out []Match
	for i, m := range found {
		if errs[i] != nil {
			return nil, fmt.Errorf("capture search: %w", errs[i])
		}
		if m != nil {
			out = append(out, *m)
		}
	}
	return out, nil
}
