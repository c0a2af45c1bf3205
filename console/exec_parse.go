package console

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"

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
	chosen   map[[2]string]choice
}

type choice struct {
	names []string
	ts    []*templates.Template
	err   error
}

func (p *parser) choose(platform, command string) choice {
	key := [2]string{platform, command}
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
	tables   []*Result
	unparsed []RawOutput
	invalid  map[string]error
	used     map[string]float64 // template -> lowest score
}

// parseAll parses every output it can. Outputs of the same command land in
// one table with a device column first and the union of the templates'
// columns, in the order they first appear.
func (p *parser) parseAll(outs []RawOutput, platformOf func(device string) string) *parsedOutputs {
	po := &parsedOutputs{invalid: map[string]error{}, used: map[string]float64{}}
	byCommand := map[string]*Result{}
	var order []string
	colIndex := map[string]map[string]int{}
	for _, o := range outs {
		res, err := p.parse(platformOf(o.Device), o.Command, o.Text)
		if err != nil {
			po.unparsed = append(po.unparsed, o)
			continue
		}
		if low, ok := po.used[res.Template]; !ok || res.Score.Value < low {
			po.used[res.Template] = res.Score.Value
		}
		if p.minScore > 0 && res.Score.Value < p.minScore {
			po.invalid[o.Device] = &validationError{score: res.Score.Value, min: p.minScore, template: res.Template}
			po.unparsed = append(po.unparsed, o)
			continue
		}
		t := byCommand[o.Command]
		if t == nil {
			t = &Result{Columns: []string{"device"}, Empty: "no records"}
			byCommand[o.Command] = t
			colIndex[o.Command] = map[string]int{"device": 0}
			order = append(order, o.Command)
		}
		idx := colIndex[o.Command]
		fields := res.Fields()
		at := make([]int, len(fields))
		for i, f := range fields {
			j, ok := idx[f]
			if !ok {
				j = len(t.Columns)
				idx[f] = j
				t.Columns = append(t.Columns, f)
			}
			at[i] = j
		}
		for _, rec := range res.Records {
			row := make([]any, len(t.Columns))
			row[0] = o.Device
			for i, cell := range rec {
				row[at[i]] = cell
			}
			t.Rows = append(t.Rows, row)
		}
		t.Raw = append(t.Raw, o)
	}
	for _, cmd := range order {
		t := byCommand[cmd]
		// Rows made before later templates added columns are short.
		for i, row := range t.Rows {
			if len(row) < len(t.Columns) {
				t.Rows[i] = append(row, make([]any, len(t.Columns)-len(row))...)
			}
		}
		t.Title = cmd
		po.tables = append(po.tables, t)
	}
	return po
}

// templateNames says which templates would parse each command on a
// platform, for exec --dry-run.
func (e *Env) templateNames(platform string, commands []string, forced []string) string {
	lib, err := e.library()
	if err != nil {
		return "(" + err.Error() + ")"
	}
	p := &parser{lib: lib, forced: forced, chosen: map[[2]string]choice{}}
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
