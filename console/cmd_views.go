package console

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"

	"vc/records"
	"vc/store"
	"vc/views"
)

// viewCommands are get, locate and the views that answer them.
func viewCommands() []*Command {
	return append([]*Command{
		{
			Name: "views list", Group: groupRun, Flags: []Flag{jsonFlag},
			Summary: "list the views get answers: built-in, and your own in $VC_HOME/views",
			Help: "A view is one question asked of every platform its own way: per platform the commands to send,\n" +
				"and how each field comes from the fields of the template that parsed them, with a type that makes\n" +
				"the values read alike (MACs, durations in seconds, long interface names, one set of states).\n" +
				"$VC_HOME/views/NAME.yaml adds a view, or replaces the built-in view NAME (views show NAME --yaml\n" +
				"prints one to start from).",
			Examples: []string{"views list", "views show facts"},
			Run:      runViewsList,
		},
		{
			Name: "views show", Args: "NAME", Group: groupRun, MinArgs: 1, MaxArgs: 1, Flags: []Flag{
				{Name: "yaml", Help: "print the view's file as it is (to copy into $VC_HOME/views and change)"},
				jsonFlag,
			},
			Summary:  "show a view: its fields, and per platform the commands and template fields behind them",
			Examples: []string{"views show arp", "views show facts --yaml"},
			Run:      runViewsShow,
		},
	}, getCommands()...)
}

// viewCache keeps the catalog while the view files stay as they were:
// a batch of view jobs asks for it once per job, and each Load parses
// every view. Jobs of a batch ask from their own goroutines.
type viewCache struct {
	mu  sync.Mutex
	fp  string
	cat *views.Catalog
	// warned are the broken files already said for this catalog.
	warned map[string]bool
}

// load reads the catalog again if the folder changed; c.mu is held.
func (c *viewCache) load(dir string) error {
	if fp := viewsPrint(dir); c.cat == nil || fp != c.fp {
		cat, err := views.Load(dir)
		if err != nil {
			return err
		}
		c.fp, c.cat, c.warned = fp, cat, map[string]bool{}
	}
	return nil
}

// viewNames are the views' names, for completion: nothing is said of
// broken files there (the prompt is being drawn).
func (e *Env) viewNames() []string {
	c := &e.viewCache
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.load(e.viewsDir()) != nil {
		return nil
	}
	return c.cat.Names()
}

// viewsPrint is what the views folder holds, by name, size and time: a
// change to any file of it reads the catalog again.
func viewsPrint(dir string) string {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return ""
	}
	var b strings.Builder
	for _, en := range entries {
		if info, err := en.Info(); err == nil && strings.HasSuffix(en.Name(), ".yaml") {
			fmt.Fprintf(&b, "%s %d %d\n", en.Name(), info.Size(), info.ModTime().UnixNano())
		}
	}
	return b.String()
}

// viewCatalog reads the views: the built-in ones and $VC_HOME/views. A
// broken file of another view than want is worth a warning (once), not a
// failure.
func (e *Env) viewCatalog(want ...string) (*views.Catalog, error) {
	c := &e.viewCache
	c.mu.Lock()
	defer c.mu.Unlock()
	if err := c.load(e.viewsDir()); err != nil {
		return nil, err
	}
	for _, n := range slices.Sorted(maps.Keys(c.cat.Broken)) {
		if !slices.Contains(want, n) && !c.warned[n] {
			c.warned[n] = true
			e.warnf("view file ignored: %v", c.cat.Broken[n])
		}
	}
	return c.cat, nil
}

// view is one view by name, from the catalog.
func (e *Env) view(name string) (*views.View, error) {
	cat, err := e.viewCatalog(name)
	if err != nil {
		return nil, err
	}
	v, err := cat.Get(name)
	if err != nil {
		return nil, viewError(err)
	}
	return v, nil
}

func (e *Env) viewsDir() string { return filepath.Join(e.Home, "views") }

func runViewsList(ctx context.Context, e *Env, c *Call) (*records.Set, error) {
	cat, err := e.viewCatalog()
	if err != nil {
		return nil, err
	}
	set := &records.Set{Columns: []string{"view", "fields", "platforms", "source", "help"}, Empty: "no views", Brief: 4}
	for _, v := range cat.List() {
		src := v.Source
		if slices.Contains(cat.Overridden, v.Name) {
			src += " (replaces the built-in view)"
		}
		names := make([]string, len(v.Fields))
		for i, f := range v.Fields {
			names[i] = f.Name
		}
		set.Rows = append(set.Rows, []any{v.Name, strings.Join(names, ","), strings.Join(v.PlatformNames(), ","), src, v.Help})
	}
	return set, nil
}

func runViewsShow(ctx context.Context, e *Env, c *Call) (*records.Set, error) {
	v, err := e.view(c.Args[0])
	if err != nil {
		return nil, err
	}
	if c.Bool("yaml") {
		text, err := views.SourceText(v)
		if err != nil {
			return nil, err
		}
		fmt.Fprint(e.Out, text)
		return nil, nil
	}
	e.saidf("view %s (%s): %s", v.Name, v.Source, v.Help)
	fields := &records.Set{Title: "fields", Columns: []string{"field", "type", "help"}}
	for _, f := range v.Fields {
		fields.Rows = append(fields.Rows, []any{f.Name, string(f.Type), f.Help})
	}
	mapping := &records.Set{Title: "per platform", Columns: []string{"platform", "command", "field", "from"}}
	for _, pn := range v.PlatformNames() {
		p := v.Platforms[pn]
		for _, s := range p.Commands {
			for _, f := range v.Fields {
				if m := s.Fields[f.Name]; m != nil {
					mapping.Rows = append(mapping.Rows, []any{pn, s.Command, f.Name, m.Describe()})
				}
			}
		}
		for _, f := range v.Fields {
			if why, ok := p.Missing[f.Name]; ok {
				mapping.Rows = append(mapping.Rows, []any{pn, "-", f.Name, "(none: " + why + ")"})
			}
		}
	}
	return records.Chain(fields, mapping), nil
}

// viewError makes a view that cannot be had a usage error, so a script
// says so with the file and line of a broken view file.
func viewError(err error) error {
	var fe *views.FileError
	var ue *views.UnknownViewError
	if errors.As(err, &fe) || errors.As(err, &ue) {
		return usagef("%v", err)
	}
	return err
}

// viewDevices turns inventory devices into what a view knows of them.
func viewDevices(devs []*store.Device) []views.Device {
	out := make([]views.Device, len(devs))
	for i, d := range devs {
		out[i] = views.Device{Name: d.Name, Platform: d.Platform, Vendor: d.Vendor, Site: d.Site, Role: d.Role}
	}
	return out
}
