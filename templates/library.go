package templates

import (
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
	Layer     string   // the layer whose index chose them
	Line      int      // that index line
	Why       string   // a sentence for 'templates match'
}

// Match chooses the templates for a device platform (a Netmiko device type
// such as cisco_ios) and a command as typed, abbreviations included. The
// user's index is asked first, then ntc-templates', then the built-in one;
// the first line that matches wins, as in clitable.
func (l *Library) Match(platform, command string) (Selection, error) {
	cmd := strings.Join(strings.Fields(command), " ")
	attrs := map[string]string{"Platform": platform, "Command": cmd}
	for i := len(l.layers) - 1; i >= 0; i-- {
		ly := l.layers[i]
		if ly.index == nil {
			continue
		}
		m, ok, err := ly.index.Lookup(attrs)
		if err != nil {
			return Selection{}, err
		}
		if !ok {
			continue
		}
		sel := Selection{Templates: m.Templates, Layer: ly.kind, Line: m.Line, Why: m.Why}
		for _, name := range m.Templates {
			if over := l.holder(name); over != nil && over != ly {
				sel.Why += fmt.Sprintf("; %s comes from the %s templates in %s, which override the others", name, over.kind, over.where)
			}
		}
		return sel, nil
	}
	return Selection{}, fmt.Errorf("platform %q, command %q: %w", platform, cmd, ErrNoTemplate)
}

// holder is the highest-priority layer that has a template file.
func (l *Library) holder(name string) *layer {
	for i := len(l.layers) - 1; i >= 0; i-- {
		if _, err := fs.Stat(l.layers[i].fsys, name); err == nil {
			return l.layers[i]
		}
	}
	return nil
}

// Template returns a compiled template by file name (e.g.
// cisco_ios_show_ip_arp.textfsm), from the highest-priority layer holding
// it, compiling it on first use.
func (l *Library) Template(name string) (*Template, error) {
	if !fs.ValidPath(name) {
		return nil, fmt.Errorf("template %q: %w", name, ErrUnknownTemplate)
	}
	ly := l.holder(name)
	if ly == nil {
		return nil, fmt.Errorf("template %q: %w", name, ErrUnknownTemplate)
	}
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

// Parse selects the templates for platform and command and parses text
// with them: what 'exec' and 'parse' need in one call.
func (l *Library) Parse(platform, command, text string) (*Result, Selection, error) {
	sel, err := l.Match(platform, command)
	if err != nil {
		return nil, Selection{}, err
	}
	res, err := l.ParseWith(sel.Templates, text)
	return res, sel, err
}

// ParseWith parses text with the named templates; several are merged as
// clitable merges an index line's templates (see Merge).
func (l *Library) ParseWith(names []string, text string) (*Result, error) {
	ts := make([]*Template, 0, len(names))
	for _, n := range names {
		t, err := l.Template(n)
		if err != nil {
			return nil, err
		}
		ts = append(ts, t)
	}
	return ParseMerged(ts, text)
}
