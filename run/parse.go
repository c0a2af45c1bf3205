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
//
// A scratch lends the parse memory for its records, which are then valid
// until the next parse given it (see templates.Request.Scratch).
func (p *parser) parse(ctx context.Context, platform, command, text string, scratch *templates.Scratch) (*templates.Parsed, error) {
	return p.lib.ParseOutput(ctx, templates.Request{Templates: p.forced, Platform: platform, Command: command, MinScore: p.minScore, Scratch: scratch}, text)
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
	at       int // its place: device index * commands + command index
	out      records.Output
	platform string
	// res is the parse's outcome; its records are in group once built.
	res *templates.Result
	// records counts the records the parse found.
	records int
	// group is the output's rows, laid out in its table's columns; nil
	// when the output failed, or failed validation.
	group *rowGroup
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
// of the templates' columns, in the order they first appear.
//
// The parse workers lay out each output's rows themselves (build), in the
// table's columns as they are then, with values detached from the
// output's text: a thousand ARP tables are laid out on every core, and
// each output's parse is let go at once. The assembler's own goroutine
// only files what they give it.
type assembler struct {
	minScore float64
	layouts  layouts
	// shaper, when set, lays out every output in its one table.
	shaper Shaper

	tables    map[string]*tableBuild
	order     []string
	unparsed  []orderedRaw
	used      map[string]float64
	fallbacks map[string]Fallback
	failed    int
	firstErr  error
}

type tableBuild struct {
	// groups are each output's rows, kept apart so the table can list
	// them in plan order however they arrived.
	groups []*rowGroup
}

// rowGroup is one output's rows: n rows of width cells each, one after
// the other in cells, or as rows when a shaper laid them out.
type rowGroup struct {
	at    int
	cells []any
	rows  [][]any
	n     int
	width int
	raw   records.Output
}

// layouts are the tables' columns, which the workers extend as outputs
// of new templates come.
type layouts struct {
	mu    sync.Mutex
	byCmd map[string]*layout
}

type layout struct {
	columns []string
	index   map[string]int
}

// place finds the table columns of a template's fields, adding those the
// table lacks, and returns the table's width now.
func (ls *layouts) place(command string, fields []string, pos []int) int {
	ls.mu.Lock()
	defer ls.mu.Unlock()
	if ls.byCmd == nil {
		ls.byCmd = map[string]*layout{}
	}
	l := ls.byCmd[command]
	if l == nil {
		l = &layout{columns: []string{"device"}, index: map[string]int{"device": 0}}
		ls.byCmd[command] = l
	}
	for i, f := range fields {
		j, ok := l.index[f]
		if !ok {
			j = len(l.columns)
			l.index[f] = j
			l.columns = append(l.columns, f)
		}
		pos[i] = j
	}
	return len(l.columns)
}

// columns are a table's columns once every output is placed.
func (ls *layouts) columns(command string) []string {
	ls.mu.Lock()
	defer ls.mu.Unlock()
	return ls.byCmd[command].columns
}

func newAssembler(minScore float64) *assembler {
	return &assembler{minScore: minScore, tables: map[string]*tableBuild{}, used: map[string]float64{}, fallbacks: map[string]Fallback{}}
}

// valid reports whether a parse passes validation.
func (a *assembler) valid(res *templates.Result) bool {
	return a.minScore <= 0 || res.Score.Value >= a.minScore
}

// build lays out a parsed output's rows in its table's columns, with
// values from cs, and lets the parse's own records go. It is safe to call
// from several workers at once; shape is the worker's own function of
// the assembler's shaper, nil when it has none.
func (a *assembler) build(pr *parsed, cs *cellStore, shape ShapeFunc) {
	res := pr.res
	if pr.err != nil || res == nil {
		return
	}
	pr.records = len(res.Records)
	if !a.valid(res) {
		return
	}
	fields := res.Fields()
	if shape != nil {
		rows := shape(pr.out.Device, pr.platform, pr.out.Command, fields, res.Records)
		res.Records = nil
		// A view's mapping gives the same box for a value it met before
		// (an interface, an age): that box's cell is the one made last.
		last := make(lastCells, len(a.shaper.Columns()))
		for _, row := range rows {
			for i, v := range row {
				if e := &last[i]; e.from != nil && sameBox(v, e.from) {
					row[i] = e.to
				} else {
					row[i] = last.made(cs, i, v)
				}
			}
		}
		pr.group = &rowGroup{at: pr.at, rows: rows, n: len(rows), width: len(a.shaper.Columns()), raw: pr.out}
		return
	}
	pos := make([]int, len(fields))
	width := a.layouts.place(pr.out.Command, fields, pos)
	n := len(res.Records)
	// One allocation for all of an output's cells.
	cells := make([]any, width*n)
	// The device's name is boxed once for all its rows.
	device := any(pr.out.Device)
	// A template boxes a column's value once while it repeats from row
	// to row (a type, a VRF): the same box gives the same cell.
	last := make(lastCells, len(fields))
	for r, rec := range res.Records {
		row := cells[r*width : (r+1)*width]
		row[0] = device
		for i, v := range rec {
			if e := &last[i]; e.from != nil && sameBox(v, e.from) {
				row[pos[i]] = e.to
			} else {
				row[pos[i]] = last.made(cs, i, v)
			}
		}
	}
	// The records may be a scratch's, which the worker's next parse
	// takes back: nothing refers to them from here on.
	res.Records = nil
	pr.group = &rowGroup{at: pr.at, cells: cells, n: n, width: width, raw: pr.out}
}

// add files one parsed output, laid out by build first (on its worker).
// It says whether the output passed validation.
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
	if !a.valid(res) {
		a.unparsed = append(a.unparsed, orderedRaw{pr.at, o})
		return false
	}
	table := o.Command
	if a.shaper != nil {
		table = a.shaper.Shaped()
	}
	t := a.tables[table]
	if t == nil {
		t = &tableBuild{}
		a.tables[table] = t
		a.order = append(a.order, table)
	}
	t.groups = append(t.groups, pr.group)
	return true
}

// finish lays the tables out in output order, rows padded to every
// column the table gained after they were laid out.
func (a *assembler) finish() *tables {
	out := &tables{used: a.used, fallbacks: a.fallbacks, failed: a.failed, firstFailed: a.firstErr}
	for _, cmd := range a.order {
		t := a.tables[cmd]
		var set *records.Set
		if a.shaper != nil {
			set = &records.Set{Columns: a.shaper.Columns(), Empty: "no records", Title: cmd}
		} else {
			set = &records.Set{Columns: a.layouts.columns(cmd), Empty: "no records", Title: cmd}
		}
		slices.SortStableFunc(t.groups, func(x, y *rowGroup) int { return x.at - y.at })
		n := 0
		for _, g := range t.groups {
			n += g.n
		}
		width := len(set.Columns)
		set.Rows = make([][]any, 0, n)
		set.Raw = make([]records.Output, 0, len(t.groups))
		for _, g := range t.groups {
			if g.rows != nil {
				set.Rows = append(set.Rows, g.rows...)
				set.Raw = append(set.Raw, g.raw)
				continue
			}
			if g.width < width {
				// Laid out before the table had all its columns: one
				// allocation for the group's rows at their full width.
				cells := make([]any, width*g.n)
				for r := range g.n {
					copy(cells[r*width:], g.cells[r*g.width:(r+1)*g.width])
				}
				g.cells, g.width = cells, width
			}
			for r := range g.n {
				set.Rows = append(set.Rows, g.cells[r*width:(r+1)*width:(r+1)*width])
			}
			set.Raw = append(set.Raw, g.raw)
		}
		out.parsed = append(out.parsed, set)
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

// newParsePool starts workers parsing; shaper, when set, lays out the
// outputs in its one table.
func newParsePool(ctx context.Context, p *parser, workers int, shaper Shaper, done func(pr parsed, valid bool)) *parsePool {
	pp := &parsePool{p: p, jobs: make(chan parseJob, 256), results: make(chan parsed, 256), asm: newAssembler(p.minScore)}
	pp.asm.shaper = shaper
	for range workers {
		pp.workers.Go(func() {
			cs := newCellStore()
			var scratch templates.Scratch
			var shape ShapeFunc
			if shaper != nil {
				shape = shaper.Worker()
			}
			for j := range pp.jobs {
				pr := parsed{at: j.at, out: j.o, platform: j.platform}
				var got *templates.Parsed
				if got, pr.err = p.parse(ctx, j.platform, j.o.Command, j.o.Text, &scratch); pr.err == nil {
					pr.res = got.Result
					if got.Fallback {
						pr.fallback = got.Why
					}
				}
				pp.asm.build(&pr, cs, shape)
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
