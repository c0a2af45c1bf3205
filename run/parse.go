package run

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"

	"vc/records"
	"vc/templates"
)

// parser parses a run's outputs with the library's one parse path. The
// library chooses and caches each platform and command's templates, and
// is safe for concurrent use.
type parser struct {
	lib *templates.Library
	// forced names the templates to use whatever the index says.
	forced   []string
	minScore float64
}

func newParser(lib *templates.Library, forced []string, minScore float64) *parser {
	return &parser{lib: lib, forced: forced, minScore: minScore}
}

// parse parses one output. A single template keeps Python textfsm's own
// values (None stays nil, for null in JSON); an index line naming several
// merges them as clitable does; a chosen template that fails gives way to
// a better candidate.
func (p *parser) parse(ctx context.Context, platform, command, text string) (*templates.Parsed, error) {
	return p.lib.ParseOutput(ctx, templates.Request{Templates: p.forced, Platform: platform, Command: command, MinScore: p.minScore}, text)
}

// templateNames says which templates would parse each command on a
// platform, for a dry run.
func (p *parser) templateNames(platform string, commands []string) string {
	if len(p.forced) > 0 {
		return strings.Join(p.forced, ":")
	}
	var names []string
	for _, cmd := range commands {
		sel, err := p.lib.Match(platform, cmd)
		switch {
		case errors.Is(err, templates.ErrNoTemplate):
			names = append(names, "(none: raw)")
		case err != nil:
			names = append(names, "("+err.Error()+")")
		default:
			names = append(names, strings.Join(sel.Templates, ":"))
		}
	}
	return strings.Join(slices.Compact(names), ", ")
}

// ValidationError is an output whose parse scored below the spec's
// minimum score.
type ValidationError struct {
	Score, Min float64
	Template   string
}

func (v *ValidationError) Error() string {
	return fmt.Sprintf("validation failed: %s scored %.2f, below --min-score %.2f", v.Template, v.Score, v.Min)
}

// parsed is one output after parsing: the records, or why there are none.
type parsed struct {
	at  int // its place: device index * commands + command index
	out records.Output
	res *templates.Result
	// fallback says why a candidate other than the index's choice parsed
	// it; empty when the choice did.
	fallback string
	err      error
}

// tables are a run's outputs after parsing: one table per command, the
// outputs no template parsed, and the templates used with their lowest
// score.
type tables struct {
	parsed   []*records.Set
	unparsed []orderedRaw
	used     map[string]float64
	// fallbacks say, per template that stood in for the index's choice,
	// why, and on how many outputs.
	fallbacks map[string]Fallback
	// failed counts the outputs a template was chosen for but could not
	// parse (an error, a regex that timed out), with the first error.
	failed      int
	firstFailed error
}

// Fallback is a template that parsed outputs in place of the index's
// choice, which failed or scored low on them.
type Fallback struct {
	Why     string
	Outputs int
}

// orderedRaw is an output no template read, with its place in the order.
type orderedRaw struct {
	at int
	records.Output
}

// assembler puts parsed outputs into tables as they come: outputs of the
// same command land in one table with a device column first and the union
// of the templates' columns, in the order they first appear. Each output
// becomes rows at once, so its parse can be let go.
type assembler struct {
	minScore  float64
	tables    map[string]*tableBuild
	order     []string
	unparsed  []orderedRaw
	used      map[string]float64
	fallbacks map[string]Fallback
	failed    int
	firstErr  error
}

type tableBuild struct {
	set    *records.Set
	colIdx map[string]int
	// groups are each output's rows, kept apart so the table can list
	// them in plan order however they arrived.
	groups []rowGroup
}

type rowGroup struct {
	at   int
	rows [][]any
	raw  records.Output
}

func newAssembler(minScore float64) *assembler {
	return &assembler{minScore: minScore, tables: map[string]*tableBuild{}, used: map[string]float64{}, fallbacks: map[string]Fallback{}}
}

// add files one parsed output. It says whether the output passed
// validation.
func (a *assembler) add(pr parsed) (valid bool) {
	o, res := pr.out, pr.res
	if pr.err != nil {
		if !errors.Is(pr.err, templates.ErrNoTemplate) {
			a.failed++
			if a.firstErr == nil {
				a.firstErr = pr.err
			}
		}
		a.unparsed = append(a.unparsed, orderedRaw{pr.at, o})
		return true
	}
	if low, ok := a.used[res.Template]; !ok || res.Score.Value < low {
		a.used[res.Template] = res.Score.Value
	}
	if pr.fallback != "" {
		f := a.fallbacks[res.Template]
		if f.Why == "" {
			f.Why = pr.fallback
		}
		f.Outputs++
		a.fallbacks[res.Template] = f
	}
	if a.minScore > 0 && res.Score.Value < a.minScore {
		a.unparsed = append(a.unparsed, orderedRaw{pr.at, o})
		return false
	}
	t := a.tables[o.Command]
	if t == nil {
		t = &tableBuild{set: &records.Set{Columns: []string{"device"}, Empty: "no records", Title: o.Command}, colIdx: map[string]int{"device": 0}}
		a.tables[o.Command] = t
		a.order = append(a.order, o.Command)
	}
	fields := res.Fields()
	pos := make([]int, len(fields))
	for i, f := range fields {
		j, ok := t.colIdx[f]
		if !ok {
			j = len(t.set.Columns)
			t.colIdx[f] = j
			t.set.Columns = append(t.set.Columns, f)
		}
		pos[i] = j
	}
	// One allocation for all of an output's rows.
	width := len(t.set.Columns)
	cells := make([]any, width*len(res.Records))
	rows := make([][]any, len(res.Records))
	// The device's name is boxed once for all its rows.
	device := any(o.Device)
	for r, rec := range res.Records {
		row := cells[r*width : (r+1)*width : (r+1)*width]
		row[0] = device
		for i, cell := range rec {
			row[pos[i]] = cell
		}
		rows[r] = row
	}
	t.groups = append(t.groups, rowGroup{at: pr.at, rows: rows, raw: o})
	return true
}

// finish lays the tables out in output order, rows padded to every
// column the table gained.
func (a *assembler) finish() *tables {
	out := &tables{used: a.used, fallbacks: a.fallbacks, failed: a.failed, firstFailed: a.firstErr}
	for _, cmd := range a.order {
		t := a.tables[cmd]
		slices.SortStableFunc(t.groups, func(x, y rowGroup) int { return x.at - y.at })
		n := 0
		for _, g := range t.groups {
			n += len(g.rows)
		}
		width := len(t.set.Columns)
		t.set.Rows = make([][]any, 0, n)
		for _, g := range t.groups {
			for _, row := range g.rows {
				if len(row) < width {
					row = append(row[:len(row):len(row)], make([]any, width-len(row))...)
				}
				t.set.Rows = append(t.set.Rows, row)
			}
			t.set.Raw = append(t.set.Raw, g.raw)
		}
		out.parsed = append(out.parsed, t.set)
	}
	slices.SortStableFunc(a.unparsed, func(x, y orderedRaw) int { return x.at - y.at })
	out.unparsed = a.unparsed
	return out
}

// parsePool parses outputs on every core as a run streams them in, and
// assembles them as they are parsed. done is told of each output once it
// is parsed, on the assembling goroutine.
type parsePool struct {
	p       *parser
	jobs    chan parseJob
	results chan parsed
	workers sync.WaitGroup
	asm     *assembler
	collect sync.WaitGroup
}

type parseJob struct {
	at       int
	o        records.Output
	platform string
}

func newParsePool(ctx context.Context, p *parser, workers int, done func(pr parsed, valid bool)) *parsePool {
	pp := &parsePool{p: p, jobs: make(chan parseJob, 256), results: make(chan parsed, 256), asm: newAssembler(p.minScore)}
	for range workers {
		pp.workers.Go(func() {
			for j := range pp.jobs {
				pr := parsed{at: j.at, out: j.o}
				var got *templates.Parsed
				if got, pr.err = p.parse(ctx, j.platform, j.o.Command, j.o.Text); pr.err == nil {
					pr.res = got.Result
					if got.Fallback {
						pr.fallback = got.Why
					}
				}
				pp.results <- pr
			}
		})
	}
	pp.collect.Go(func() {
		for pr := range pp.results {
			done(pr, pp.asm.add(pr))
		}
	})
	return pp
}

// add queues an output; at orders it in the tables.
func (pp *parsePool) add(o records.Output, platform string, at int) {
	pp.jobs <- parseJob{at: at, o: o, platform: platform}
}

// wait finishes parsing and returns the tables.
func (pp *parsePool) wait() *tables {
	close(pp.jobs)
	pp.workers.Wait()
	close(pp.results)
	pp.collect.Wait()
	return pp.asm.finish()
}
