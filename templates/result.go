package templates

import "strings"

// maxUnmatchedReported caps Score.UnmatchedLines: enough to show a user
// where a template falls short without keeping a huge output's worth.
const maxUnmatchedReported = 50

// Result is the outcome of a parse.
type Result struct {
	// Template names the template(s) that produced the records, joined
	// with ':' when an index line merges several.
	Template string
	// Header is the column names in template order, upper-case as the
	// template declares them. Fields gives them lower-cased.
	Header []string
	// Records holds one row per record, one cell per Header column. A cell
	// is a string; a List value's cell is a []string, or a []any when an
	// item is nil (an optional group that took no part, Python's None) or
	// a map[string]any of nested named groups (strings or nil).
	Records [][]any
	Score   Score
}

// Score says how well a template fitted an output, as the predecessor's
// validation did. Value folds it into one figure for --min-score.
type Score struct {
	Records   int     // records found
	Lines     int     // non-blank input lines
	Unmatched int     // non-blank input lines that no rule matched
	Required  int     // values the template marks Required
	Dropped   int     // records discarded because a Required value was empty
	Filled    float64 // share of non-empty cells in the records, 0..1
	// UnmatchedLines lists the first unmatched input lines (1-based).
	UnmatchedLines []int
	// Value is 0 when no record was found, else
	// 0.7 × (share of non-blank lines some rule matched) + 0.3 × Filled,
	// in 0..1: a template that reads every line and fills every column
	// scores 1.
	Value float64

	endedAt string // "End" or "EOF" when a rule stopped the parse
}

// Fields returns the header lower-cased, the ntc-templates convention for
// record keys.
func (r *Result) Fields() []string {
	out := make([]string, len(r.Header))
	for i, h := range r.Header {
		out[i] = strings.ToLower(h)
	}
	return out
}

// Maps returns the records as maps keyed by lower-case field name, the
// shape ntc-templates' parse_output returns.
func (r *Result) Maps() []map[string]any {
	fields := r.Fields()
	out := make([]map[string]any, len(r.Records))
	for i, rec := range r.Records {
		m := make(map[string]any, len(fields))
		for j, f := range fields {
			m[f] = rec[j]
		}
		out[i] = m
	}
	return out
}

func (p *run) result() *Result {
	res := &Result{Template: p.t.name, Header: p.t.Header(), Records: p.records}
	if res.Records == nil {
		res.Records = [][]any{}
	}
	p.score.Records = len(res.Records)
	res.Score = p.score
	res.Score.finish(res.Records)
	return res
}

// finish computes Filled and Value once the records are final.
func (s *Score) finish(records [][]any) {
	cells, filled := 0, 0
	for _, rec := range records {
		for _, c := range rec {
			cells++
			if cellTruthy(c) {
				filled++
			}
		}
	}
	s.Records = len(records)
	if cells > 0 {
		s.Filled = float64(filled) / float64(cells)
	}
	if s.Records == 0 {
		s.Value = 0
		return
	}
	coverage := 1.0
	if s.Lines > 0 {
		coverage = float64(s.Lines-s.Unmatched) / float64(s.Lines)
	}
	s.Value = 0.7*coverage + 0.3*s.Filled
}
