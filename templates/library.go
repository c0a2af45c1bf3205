package templates

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"sort"
	"strings"
	"sync"
)

// Layer names, in increasing priority.
const (
	LayerBuiltin = "built-in"
	LayerNTC     = "ntc-templates"
	LayerUser    = "user"
)

// Library holds the template sources vc knows, in increasing priority:
// built-in templates, an ntc-templates collection, the user's own folder.
// Nothing is compiled until asked for, and each template is compiled once;
// a Library is safe for concurrent use.
type Library struct {
	layers []*layer // increasing priority

	// choices remembers, per request, the templates chosen and compiled,
	// so parsing a thousand outputs of one command chooses once.
	mu      sync.RWMutex
	choices map[choiceKey]*choice
}

// layer is one source of templates: a folder (or the embedded files) with
// an optional ntc-style index.
type layer struct {
	kind  string // LayerBuiltin, LayerNTC or LayerUser
	where string // a path, or "embedded"
	fsys  fs.FS
	index *Index

	mu    sync.Mutex
	cache map[string]compiled
}

type compiled struct {
	t   *Template
	err error
}

// Options says where the non-built-in templates are. Empty fields are
// skipped; a UserDir that does not exist is treated as empty.
type Options struct {
	// NTCDir is an ntc-templates collection: the folder holding its
	// 'index' and *.textfsm files, or a checkout whose
	// ntc_templates/templates holds them. See NTCDir.
	NTCDir string
	// UserDir is $VC_HOME/templates: *.textfsm files that override any
	// template of the same name, and an optional 'index' consulted first.
	UserDir string
	// NoBuiltin leaves out the built-in templates (for tests that compare
	// with ntc-templates alone).
	NoBuiltin bool
}

// NTCDir picks the ntc-templates collection: $NTC_TEMPLATES_DIR when set
// (pass os.Getenv's answer), else the folder 'templates import' copied a
// collection into, when it holds an index.
func NTCDir(env, imported string) string {
	if env != "" {
		return env
	}
	if imported != "" {
		if _, err := os.Stat(path.Join(imported, "index")); err == nil {
			return imported
		}
	}
	return ""
}

// NewLibrary opens the sources. It reads the index files (cheap) and
// nothing else.
func NewLibrary(o Options) (*Library, error) {
	l := &Library{}
	if !o.NoBuiltin {
		sub, err := fs.Sub(builtinFS, "builtin")
		if err != nil {
			return nil, fmt.Errorf("built-in templates: %w", err)
		}
		if err := l.add(LayerBuiltin, "embedded", sub, true); err != nil {
			return nil, err
		}
	}
	if o.NTCDir != "" {
		dir := ntcTemplatesFolder(o.NTCDir)
		if err := l.add(LayerNTC, dir, os.DirFS(dir), true); err != nil {
			return nil, err
		}
	}
	if o.UserDir != "" {
		if st, err := os.Stat(o.UserDir); err == nil && st.IsDir() {
			if err := l.add(LayerUser, o.UserDir, os.DirFS(o.UserDir), false); err != nil {
				return nil, err
			}
		}
	}
	return l, nil
}

// ntcTemplatesFolder accepts a checkout of ntc-templates as well as its
// templates folder.
func ntcTemplatesFolder(dir string) string {
	if _, err := os.Stat(path.Join(dir, "index")); err == nil {
		return dir
	}
	inner := path.Join(dir, "ntc_templates", "templates")
	if _, err := os.Stat(path.Join(inner, "index")); err == nil {
		return inner
	}
	return dir
}

func (l *Library) add(kind, where string, fsys fs.FS, needIndex bool) error {
	ly := &layer{kind: kind, where: where, fsys: fsys, cache: map[string]compiled{}}
	b, err := fs.ReadFile(fsys, "index")
	switch {
	case err == nil:
		ix, err := ParseIndex(kind+" index "+where, string(b))
		if err != nil {
			return err
		}
		ly.index = ix
	case errors.Is(err, fs.ErrNotExist) && !needIndex:
	default:
		return fmt.Errorf("%s templates in %s: read index: %w", kind, where, err)
	}
	l.layers = append(l.layers, ly)
	return nil
}

// Selection is the template(s) chosen for a platform and command, and why.
type Selection struct {
	Templates []string // template names; several when an index line merges them
	// Files names the layer whose file each template is read from,
	// parallel to Templates: the highest-priority layer holding that
	// name, or "" when none does (parsing then fails with
	// ErrUnknownTemplate).
	Files []string
	Layer string // the layer whose index chose them; "" when given by name
	Line  int    // that index line
	Why   string // a sentence for 'templates match'
}

// Match chooses the templates for a device platform (a Netmiko device type
// such as cisco_ios) and a command as typed, abbreviations included. The
// user's index is asked first, then ntc-templates', then the built-in one;
// the first line that matches wins, as in clitable. It is the first of
// Candidates.
func (l *Library) Match(platform, command string) (Selection, error) {
	ch := l.choose(Request{Platform: platform, Command: command})
	if ch.err != nil {
		return Selection{}, ch.err
	}
	return ch.cands[0].sel.clone(), nil
}

// Candidates lists every choice of templates for a platform and command,
// in priority order: first Match's, then the first matching index line of
// each lower layer (user, ntc-templates, built-in), then the further
// matching lines within each layer, in the same layer order. An index
// line whose template file is hidden by another layer's file of the same
// name (ntc-templates and vc's built-ins share names such as
// cisco_xr_show_version.textfsm) is offered as read through the name, as
// clitable would, and also with its own layer's file, right after it.
// Choices that would read the same files are listed once. ParseOutput
// falls back on the later ones when the first does not parse an output.
func (l *Library) Candidates(platform, command string) ([]Selection, error) {
	ch := l.choose(Request{Platform: platform, Command: command})
	if ch.err != nil {
		return nil, ch.err
	}
	out := make([]Selection, len(ch.cands))
	for i, c := range ch.cands {
		out[i] = c.sel.clone()
	}
	return out, nil
}

func (s Selection) clone() Selection {
	s.Templates = append([]string(nil), s.Templates...)
	s.Files = append([]string(nil), s.Files...)
	return s
}

// candidates makes the list Candidates returns.
func (l *Library) candidates(platform, command string) ([]Selection, error) {
	cmd := strings.Join(strings.Fields(command), " ")
	attrs := map[string]string{"Platform": platform, "Command": cmd}
	type found struct {
		ly *layer
		m  IndexMatch
	}
	var firsts, further []found
	for i := len(l.layers) - 1; i >= 0; i-- {
		ly := l.layers[i]
		if ly.index == nil {
			continue
		}
		ms, err := ly.index.LookupAll(attrs)
		// A broken line before any match is Match's error, as in clitable,
		// which stops at the first line that matches or fails. One after a
		// match only ends that layer's list.
		if err != nil && len(firsts) == 0 && len(ms) == 0 {
			return nil, err
		}
		for k, m := range ms {
			if k == 0 {
				firsts = append(firsts, found{ly, m})
			} else {
				further = append(further, found{ly, m})
			}
		}
	}
	if len(firsts) == 0 {
		return nil, fmt.Errorf("platform %q, command %q: %w", platform, cmd, ErrNoTemplate)
	}
	var out []Selection
	seen := map[string]bool{}
	add := func(sel Selection) {
		key := strings.Join(sel.Templates, ":") + "|" + strings.Join(sel.Files, ":")
		if !seen[key] {
			seen[key] = true
			out = append(out, sel)
		}
	}
	for _, f := range append(firsts, further...) {
		sel := Selection{Templates: f.m.Templates, Files: l.files(f.m.Templates), Layer: f.ly.kind, Line: f.m.Line, Why: f.m.Why}
		own := sel.clone()
		ownWhy := f.m.Why
		for k, name := range f.m.Templates {
			over := l.holder(name)
			if over == nil || over == f.ly {
				continue
			}
			sel.Why += fmt.Sprintf("; %s comes from the %s templates in %s, which override the others", name, over.kind, over.where)
			if f.ly.has(name) {
				own.Files[k] = f.ly.kind
				ownWhy += fmt.Sprintf("; %s is the %s templates' own file, which the %s templates' file of that name hides", name, f.ly.kind, over.kind)
			}
		}
		add(sel)
		own.Why = ownWhy
		add(own)
	}
	return out, nil
}

// holder is the highest-priority layer that has a template file.
func (l *Library) holder(name string) *layer {
	if !fs.ValidPath(name) {
		return nil
	}
	for i := len(l.layers) - 1; i >= 0; i-- {
		if l.layers[i].has(name) {
			return l.layers[i]
		}
	}
	return nil
}

// files is the layer whose file each name is read from, for Selection.
func (l *Library) files(names []string) []string {
	out := make([]string, len(names))
	for i, n := range names {
		if ly := l.holder(n); ly != nil {
			out[i] = ly.kind
		}
	}
	return out
}

func (l *Library) layer(kind string) *layer {
	for _, ly := range l.layers {
		if ly.kind == kind {
			return ly
		}
	}
	return nil
}

func (ly *layer) has(name string) bool {
	_, err := fs.Stat(ly.fsys, name)
	return err == nil
}

// Template returns a compiled template by file name (e.g.
// cisco_ios_show_ip_arp.textfsm), from the highest-priority layer holding
// it, compiling it on first use.
func (l *Library) Template(name string) (*Template, error) {
	ly := l.holder(name)
	if ly == nil {
		return nil, fmt.Errorf("template %q: %w", name, ErrUnknownTemplate)
	}
	return ly.template(name)
}

// template compiles the layer's own file of that name, once.
func (ly *layer) template(name string) (*Template, error) {
	ly.mu.Lock()
	defer ly.mu.Unlock()
	if c, ok := ly.cache[name]; ok {
		return c.t, c.err
	}
	b, err := fs.ReadFile(ly.fsys, name)
	if err != nil {
		return nil, fmt.Errorf("template %s: %w", name, err)
	}
	t, err := CompileString(name, string(b))
	ly.cache[name] = compiled{t, err}
	return t, err
}

// Source returns a template's text and the layer it comes from.
func (l *Library) Source(name string) (text, layerKind string, err error) {
	ly := l.holder(name)
	if ly == nil || !fs.ValidPath(name) {
		return "", "", fmt.Errorf("template %q: %w", name, ErrUnknownTemplate)
	}
	b, err := fs.ReadFile(ly.fsys, name)
	if err != nil {
		return "", "", fmt.Errorf("template %s: %w", name, err)
	}
	return string(b), ly.kind, nil
}

// Entry describes one template for 'templates list'.
type Entry struct {
	Name      string
	Layer     string   // the layer whose file is used
	Overrides []string // lower layers whose file of the same name it hides
	// Platform and Command are the index columns that select it (as
	// written, completion brackets included); empty when no index names it.
	Platform, Command string
}

// List returns the templates whose name, platform or command contains
// filter (case-insensitive; "" lists all), sorted by name.
func (l *Library) List(filter string) ([]Entry, error) {
	byName := map[string]*Entry{}
	for _, ly := range l.layers {
		names, err := fs.Glob(ly.fsys, "*.textfsm")
		if err != nil {
			return nil, fmt.Errorf("%s templates in %s: %w", ly.kind, ly.where, err)
		}
		for _, n := range names {
			if e, ok := byName[n]; ok {
				e.Overrides = append(e.Overrides, e.Layer)
				e.Layer = ly.kind
				continue
			}
			byName[n] = &Entry{Name: n, Layer: ly.kind}
		}
		if ly.index == nil {
			continue
		}
		for _, r := range ly.index.rows {
			for _, n := range r.templates {
				if e, ok := byName[n]; ok && e.Command == "" {
					e.Platform, e.Command = r.raw["Platform"], r.raw["Command"]
				}
			}
		}
	}
	f := strings.ToLower(filter)
	var out []Entry
	for _, e := range byName {
		if f == "" || strings.Contains(strings.ToLower(e.Name+" "+e.Platform+" "+e.Command), f) {
			out = append(out, *e)
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out, nil
}

// Request says which templates parse an output: by name, or by the
// index for a platform and a command.
type Request struct {
	// Templates, when not empty, parse the output whatever the index
	// says (parse --template, templates test, exec --template); several
	// are merged as an index line's are.
	Templates []string
	// Platform (a Netmiko device type) and Command (as typed,
	// abbreviations included) choose the templates by the index when
	// Templates is empty (exec, parse --platform --command).
	Platform, Command string
	// MinScore is the score (0..1) below which the index's choice is not
	// good enough: the other Candidates are then tried too, and the best
	// kept. Whatever MinScore, a choice that fails or finds no records is
	// not good enough. Templates given by name are used as they are.
	MinScore float64
	// Scratch, when set, lends the parse memory for its records: the
	// records of one parse then hold their cells (and the boxes of their
	// strings) in the Scratch, and are valid only until the next
	// ParseOutput given the same Scratch, which takes the memory back.
	// A caller that copies what it keeps out of each result (run's parse
	// workers do) so parses without leaving a slab of records behind
	// per output. A Scratch belongs to one goroutine at a time.
	Scratch *Scratch
}

// Scratch is memory lent to parses for their records; see
// Request.Scratch. The zero value is ready to use.
type Scratch struct {
	cells   []any
	boxes   []string
	records [][]any
}

// Parsed is an output parsed: the records, and the templates that
// produced them.
type Parsed struct {
	Result    *Result
	Selection Selection
	// Fallback is set when Selection is not the first candidate: the
	// index's choice failed, found no records or scored below MinScore,
	// and this one did better. Why says so in a sentence.
	Fallback bool
	Why      string
}

// ParseOutput is the one way vc parses a device output, whichever command
// asks: exec, parse, parse --template and templates test all come here, so
// a template reads the same wherever it is tried. One template gives its
// own values, as Template.ParseContext does (a List value of nested
// groups is a list of maps, an optional group that took no part is nil);
// an index line naming several merges them as clitable does (see
// ParseMerged), since that is what such a line means.
//
// When the index chooses, the first of Candidates is used if it parses
// without error, finds records and scores at least req.MinScore;
// otherwise every other candidate is tried and the best kept: the highest
// score among those that parse and find records, the earlier on a tie.
// When none does, the first candidate's outcome is returned (its error,
// or its empty result). So a device whose output breaks the chosen
// template (ntc's cisco_xr_show_version on XRd, a State Error) is read by
// another that fits (vc's built-in one), and Parsed says so.
//
// The candidates for a request are found once and remembered, and their
// templates compiled on first use, so parsing the same command's output
// from many devices costs one choice, and when the first candidate fits
// nothing more; ParseOutput is safe for concurrent use. It stops when ctx ends, as
// Template.ParseContext does. Errors: ErrNoTemplate and
// ErrUnknownTemplate when nothing is chosen, *TemplateError for a template
// that does not compile, *ParseError and *TimeoutError from the parse,
// and the context's error.
func (l *Library) ParseOutput(ctx context.Context, req Request, text string) (*Parsed, error) {
	c := newControl(ctx)
	c.scratch = req.Scratch
	return l.parseOutput(c, req, text)
}

func (l *Library) parseOutput(c *control, req Request, text string) (*Parsed, error) {
	ch := l.choose(req)
	if ch.err != nil {
		return nil, ch.err
	}
	first := outcomeOf(l, c, ch.cands[0], text)
	if len(ch.cands) == 1 || first.good(req.MinScore) || stopped(first.err) {
		return first.parsed()
	}
	best := first
	for _, cand := range ch.cands[1:] {
		o := outcomeOf(l, c, cand, text)
		if stopped(o.err) {
			return nil, o.err
		}
		if o.beats(best) {
			best = o
		}
	}
	p, err := best.parsed()
	if err != nil || best.cand == first.cand {
		return p, err
	}
	p.Fallback = true
	p.Why = fmt.Sprintf("the index's choice, %s, %s; %s %s", l.describe(first.cand.sel), first.verdict(req.MinScore), l.describe(best.cand.sel), best.verdict(req.MinScore))
	return p, nil
}

// outcome is one candidate's parse of an output.
type outcome struct {
	cand *candidate
	res  *Result
	err  error
}

func outcomeOf(l *Library, c *control, cand *candidate, text string) outcome {
	res, err := cand.parse(l, c, text)
	return outcome{cand, res, err}
}

// ok reports a parse that found records: only those compete on score.
func (o outcome) ok() bool { return o.err == nil && o.res.Score.Records > 0 }

func (o outcome) good(minScore float64) bool { return o.ok() && o.res.Score.Value >= minScore }

// beats reports o better than the best so far: found records where the
// other did not, or scored higher.
func (o outcome) beats(best outcome) bool {
	if o.ok() != best.ok() {
		return o.ok()
	}
	return o.ok() && o.res.Score.Value > best.res.Score.Value
}

func (o outcome) parsed() (*Parsed, error) {
	if o.err != nil {
		return nil, o.err
	}
	return &Parsed{Result: o.res, Selection: o.cand.sel.clone()}, nil
}

// verdict says how a candidate did, for Parsed.Why.
func (o outcome) verdict(minScore float64) string {
	switch {
	case o.err != nil:
		return "failed: " + o.err.Error()
	case o.res.Score.Records == 0:
		return "found no records"
	case o.res.Score.Value < minScore:
		return fmt.Sprintf("scored %.2f, below %.2f", o.res.Score.Value, minScore)
	}
	s := "s"
	if o.res.Score.Records == 1 {
		s = ""
	}
	return fmt.Sprintf("parsed %d record%s, score %.2f", o.res.Score.Records, s, o.res.Score.Value)
}

// describe names a candidate: its templates, index line, and the file
// read where it is not the one the name alone would find.
func (l *Library) describe(sel Selection) string {
	d := strings.Join(sel.Templates, ":")
	if sel.Layer == "" {
		return d
	}
	d += fmt.Sprintf(" (%s index line %d", sel.Layer, sel.Line)
	for i, name := range sel.Templates {
		if over := l.holder(name); over != nil && over.kind != sel.Files[i] {
			d += fmt.Sprintf(", %s read from the %s templates, not the %s ones", name, sel.Files[i], over.kind)
		}
	}
	return d + ")"
}

// stopped reports a parse ended by its context: no other candidate would
// do better in the time that is left.
func stopped(err error) bool {
	return errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded)
}

// Ranked is one candidate's parse of an output, for 'templates match'.
type Ranked struct {
	Selection Selection
	Priority  int     // position in Candidates: 0 is the index's choice
	Result    *Result // nil when Err is set
	Err       error
	Score     float64 // Result.Score.Value; 0 on error
	Records   int
	// Chosen marks the one ParseOutput returns for this MinScore.
	Chosen bool
}

// Rank parses text with every candidate for a platform and command and
// lists them best first, by the order ParseOutput uses: those that parse
// and find records before the others, higher scores first, ties in
// priority order. Chosen marks ParseOutput's pick, which is the first
// candidate whenever it is good enough, whatever the others score.
func (l *Library) Rank(ctx context.Context, platform, command, text string, minScore float64) ([]Ranked, error) {
	ch := l.choose(Request{Platform: platform, Command: command})
	if ch.err != nil {
		return nil, ch.err
	}
	c := newControl(ctx)
	outs := make([]outcome, len(ch.cands))
	chosen := 0
	for i, cand := range ch.cands {
		outs[i] = outcomeOf(l, c, cand, text)
		if stopped(outs[i].err) {
			return nil, outs[i].err
		}
		if i > 0 && !outs[0].good(minScore) && outs[i].beats(outs[chosen]) {
			chosen = i
		}
	}
	ranked := make([]Ranked, len(outs))
	for i, o := range outs {
		r := Ranked{Selection: o.cand.sel.clone(), Priority: i, Result: o.res, Err: o.err, Chosen: i == chosen}
		if o.err == nil {
			r.Score, r.Records = o.res.Score.Value, o.res.Score.Records
		}
		ranked[i] = r
	}
	sort.SliceStable(ranked, func(i, j int) bool { return outs[ranked[i].Priority].beats(outs[ranked[j].Priority]) })
	return ranked, nil
}

// Parse is ParseOutput by platform and command, for callers without a
// context: it cannot be cancelled, though a hung regexp2 match still gives
// up after MatchTimeout.
func (l *Library) Parse(platform, command, text string) (*Result, Selection, error) {
	p, err := l.parseOutput(nil, Request{Platform: platform, Command: command}, text)
	if err != nil {
		return nil, Selection{}, err
	}
	return p.Result, p.Selection, nil
}

// ParseWith is ParseOutput with templates given by name, for callers
// without a context. One template keeps its own values; several merge as
// clitable merges an index line's templates.
func (l *Library) ParseWith(names []string, text string) (*Result, error) {
	if len(names) == 0 {
		return nil, fmt.Errorf("parse: %w", ErrNoTemplate)
	}
	p, err := l.parseOutput(nil, Request{Templates: names}, text)
	if err != nil {
		return nil, err
	}
	return p.Result, nil
}

// parseTemplates is the parse behind ParseOutput: one template's own
// values, or several merged as clitable merges them.
func parseTemplates(c *control, ts []*Template, text string) (*Result, error) {
	if len(ts) == 1 {
		return ts[0].parse(c, text)
	}
	return parseMerged(c, ts, text)
}

// choiceKey identifies a request: forced holds its template names joined.
type choiceKey struct{ platform, command, forced string }

// choice is what a request resolves to.
type choice struct {
	cands []*candidate
	err   error // when nothing could be chosen
}

// candidate is a selection whose templates are compiled on first use.
type candidate struct {
	sel  Selection
	once sync.Once
	ts   []*Template
	err  error
}

// maxChoices bounds the remembered choices: a console that lives for days
// sees as many distinct commands as people type, and forgetting them all
// now and then costs a few index lookups.
const maxChoices = 4096

func (l *Library) choose(req Request) *choice {
	key := choiceKey{platform: req.Platform, command: req.Command}
	if len(req.Templates) > 0 {
		key = choiceKey{forced: strings.Join(req.Templates, ":")}
	}
	l.mu.RLock()
	ch, ok := l.choices[key]
	l.mu.RUnlock()
	if ok {
		return ch
	}
	ch = l.resolve(req)
	l.mu.Lock()
	defer l.mu.Unlock()
	if prev, ok := l.choices[key]; ok {
		return prev // another goroutine chose first: keep one set of compiled templates
	}
	if l.choices == nil || len(l.choices) >= maxChoices {
		l.choices = map[choiceKey]*choice{}
	}
	l.choices[key] = ch
	return ch
}

// resolve makes a request's choice: the named templates, or the index's.
func (l *Library) resolve(req Request) *choice {
	if len(req.Templates) > 0 {
		names := append([]string(nil), req.Templates...)
		sel := Selection{Templates: names, Files: l.files(names), Why: "given by name"}
		for i, n := range names {
			if sel.Files[i] != "" {
				ly := l.layer(sel.Files[i])
				sel.Why += fmt.Sprintf("; %s comes from the %s templates in %s", n, ly.kind, ly.where)
			}
		}
		return &choice{cands: []*candidate{{sel: sel}}}
	}
	sels, err := l.candidates(req.Platform, req.Command)
	if err != nil {
		return &choice{err: err}
	}
	ch := &choice{cands: make([]*candidate, len(sels))}
	for i, sel := range sels {
		ch.cands[i] = &candidate{sel: sel}
	}
	return ch
}

// templates compiles the candidate's files, once.
func (c *candidate) templates(l *Library) ([]*Template, error) {
	c.once.Do(func() {
		for i, name := range c.sel.Templates {
			ly := l.layer(c.sel.Files[i])
			if ly == nil {
				c.err = fmt.Errorf("template %q: %w", name, ErrUnknownTemplate)
				return
			}
			t, err := ly.template(name)
			if err != nil {
				c.err = err
				return
			}
			c.ts = append(c.ts, t)
		}
	})
	return c.ts, c.err
}

func (c *candidate) parse(l *Library, ctl *control, text string) (*Result, error) {
	ts, err := c.templates(l)
	if err != nil {
		return nil, err
	}
	return parseTemplates(ctl, ts, text)
}
