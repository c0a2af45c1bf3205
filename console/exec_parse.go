package console

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"vc/records"

	"vc/templates"
)

// library returns the session's templates: built-in, then an ntc-templates
// collection ($NTC_TEMPLATES_DIR, or one imported with templates import),
// then the user's own in $VC_HOME/templates. It loads on first use.
func (e *Env) library() (*templates.Library, error) {
	if e.templates != nil {
		return e.templates, nil
	}
	lib, err := templates.NewLibrary(templates.Options{
		NTCDir:  templates.NTCDir(os.Getenv("NTC_TEMPLATES_DIR"), e.importedTemplatesDir()),
		UserDir: filepath.Join(e.Home, "templates"),
	})
	if err != nil {
		return nil, fmt.Errorf("templates: %w", err)
	}
	e.templates = lib
	return lib, nil
}

func (e *Env) importedTemplatesDir() string { return filepath.Join(e.Home, "ntc-templates") }

// parser parses many outputs, choosing each platform and command's
// templates once.
type parser struct {
	lib *templates.Library
	// forced names the templates to use whatever the index says.
	forced   []string
	minScore float64

	mu     sync.Mutex
	chosen map[[2]string]choice
}

func newParser(lib *templates.Library, forced []string, minScore float64) *parser {
	return &parser{lib: lib, forced: forced, minScore: minScore, chosen: map[[2]string]choice{}}
}

type choice struct {
	names []string
	ts    []*templates.Template
	err   error
}

func (p *parser) choose(platform, command string) choice {
	key := [2]string{platform, command}
	p.mu.Lock()
	defer p.mu.Unlock()
	if c, ok := p.chosen[key]; ok {
		return c
	}
	var c choice
	if len(p.forced) > 0 {
		c.names = p.forced
	} else if sel, err := p.lib.Match(platform, command); err != nil {
		c.err = err
	} else {
		c.names = sel.Templates
	}
	for _, n := range c.names {
		t, err := p.lib.Template(n)
		if err != nil {
			c.err = err
			break
		}
		c.ts = append(c.ts, t)
	}
	p.chosen[key] = c
	return c
}

// parse parses one output. A single template keeps Python textfsm's own
// values (None stays nil, for null in JSON); an index line naming several
// merges them as clitable does.
func (p *parser) parse(platform, command, text string) (*templates.Result, error) {
	c := p.choose(platform, command)
	if c.err != nil {
		return nil, c.err
	}
	if len(c.ts) == 1 {
		return c.ts[0].Parse(text)
	}
	return templates.ParseMerged(c.ts, text)
}

// validationError is an output whose parse scored below --min-score.
type validationError struct {
	score, min float64
	template   string
}

func (v *validationError) Error() string {
	return fmt.Sprintf("validation failed: %s scored %.2f, below --min-score %.2f", v.template, v.score, v.min)
}

// parsedOutputs are exec's outputs after parsing: one table per command,
// the outputs no template parsed, and the devices that failed validation.
type parsedOutputs struct {
	tables   []*records.Set
	unparsed []orderedRaw
	invalid  map[string]error
	used     map[string]float64 // template -> lowest score
}

// parsed is one output after parsing: the records, or why there are none.
type parsed struct {
	out records.Output
	res *templates.Result
	err error
}

// parseOne parses one output; parser is safe for concurrent use, so exec
// parses outputs as they arrive, on every core, while devices still talk.
func (p *parser) parseOne(o records.Output, platform string) parsed {
	res, err := p.parse(platform, o.Command, o.Text)
	return parsed{out: o, res: res, err: err}
}

// assembler puts parsed outputs into tables as they come: outputs of the
// same command land in one table with a device column first and the union
// of the templates' columns, in the order they first appear. Each output
// becomes rows at once, so its parse can be let go.
type assembler struct {
	minScore float64
	po       *parsedOutputs
	tables   map[string]*tableBuild
	order    []string
}

type tableBuild struct {
	res    *records.Set
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
	return &assembler{minScore: minScore, tables: map[string]*tableBuild{},
		po: &parsedOutputs{invalid: map[string]error{}, used: map[string]float64{}}}
}

// add files one parsed output; at orders outputs in the final tables.
func (a *assembler) add(pr parsed, at int) {
	o, res, po := pr.out, pr.res, a.po
	if pr.err != nil {
		po.unparsed = append(po.unparsed, orderedRaw{at, o})
		return
	}
	if low, ok := po.used[res.Template]; !ok || res.Score.Value < low {
		po.used[res.Template] = res.Score.Value
	}
	if a.minScore > 0 && res.Score.Value < a.minScore {
		po.invalid[o.Device] = &validationError{score: res.Score.Value, min: a.minScore, template: res.Template}
		po.unparsed = append(po.unparsed, orderedRaw{at, o})
		return
	}
	t := a.tables[o.Command]
	if t == nil {
		t = &tableBuild{res: &records.Set{Columns: []string{"device"}, Empty: "no records", Title: o.Command}, colIdx: map[string]int{"device": 0}}
		a.tables[o.Command] = t
		a.order = append(a.order, o.Command)
	}
	fields := res.Fields()
	pos := make([]int, len(fields))
	for i, f := range fields {
		j, ok := t.colIdx[f]
		if !ok {
			j = len(t.res.Columns)
			t.colIdx[f] = j
			t.res.Columns = append(t.res.Columns, f)
		}
		pos[i] = j
	}
	// One allocation for all of an output's rows.
	width := len(t.res.Columns)
	cells := make([]any, width*len(res.Records))
	rows := make([][]any, len(res.Records))
	for r, rec := range res.Records {
		row := cells[r*width : (r+1)*width : (r+1)*width]
		row[0] = o.Device
		for i, cell := range rec {
			row[pos[i]] = cell
		}
		rows[r] = row
	}
	t.groups = append(t.groups, rowGroup{at: at, rows: rows, raw: o})
}

// orderedRaw is an output no template read, with its place in the order.
type orderedRaw struct {
	at int
	records.Output
}

// finish lays the tables out in output order, rows padded to every
// column the table gained.
func (a *assembler) finish() *parsedOutputs {
	po := a.po
	for _, cmd := range a.order {
		t := a.tables[cmd]
		slices.SortStableFunc(t.groups, func(x, y rowGroup) int { return x.at - y.at })
		n := 0
		for _, g := range t.groups {
			n += len(g.rows)
		}
		width := len(t.res.Columns)
		t.res.Rows = make([][]any, 0, n)
		for _, g := range t.groups {
			for _, row := range g.rows {
				if len(row) < width {
					row = append(row[:len(row):len(row)], make([]any, width-len(row))...)
				}
				t.res.Rows = append(t.res.Rows, row)
			}
			t.res.Raw = append(t.res.Raw, g.raw)
		}
		po.tables = append(po.tables, t.res)
	}
	slices.SortStableFunc(po.unparsed, func(x, y orderedRaw) int { return x.at - y.at })
	return po
}

// parsePool parses outputs on every core as a run streams them in, and
// assembles them as they are parsed.
type parsePool struct {
	p       *parser
	jobs    chan parseJob
	done    chan parseDone
	workers sync.WaitGroup
	asm     *assembler
	collect sync.WaitGroup
}

type parseJob struct {
	at       int
	o        records.Output
	platform string
}

type parseDone struct {
	at int
	pr parsed
}

// newParsePool starts workers, and one goroutine that assembles.
func newParsePool(p *parser, workers int) *parsePool {
	pp := &parsePool{p: p, jobs: make(chan parseJob, 256), done: make(chan parseDone, 256), asm: newAssembler(p.minScore)}
	for range workers {
		pp.workers.Go(func() {
			for j := range pp.jobs {
				pp.done <- parseDone{j.at, p.parseOne(j.o, j.platform)}
			}
		})
	}
	pp.collect.Go(func() {
		for d := range pp.done {
			pp.asm.add(d.pr, d.at)
		}
	})
	return pp
}

// add queues an output; at orders it in the tables.
func (pp *parsePool) add(o records.Output, platform string, at int) {
	pp.jobs <- parseJob{at: at, o: o, platform: platform}
}

// wait finishes parsing and returns the tables.
func (pp *parsePool) wait() *parsedOutputs {
	close(pp.jobs)
	pp.workers.Wait()
	close(pp.done)
	pp.collect.Wait()
	return pp.asm.finish()
}

// templateNames says which templates would parse each command on a
// platform, for exec --dry-run.
func (p *parser) templateNames(platform string, commands []string) string {
	var names []string
	for _, cmd := range commands {
		c := p.choose(platform, cmd)
		switch {
		case errors.Is(c.err, templates.ErrNoTemplate):
			names = append(names, "(none: raw)")
		case c.err != nil:
			names = append(names, "("+c.err.Error()+")")
		default:
			names = append(names, strings.Join(c.names, ":"))
		}
	}
	return strings.Join(slices.Compact(names), ", ")
}
