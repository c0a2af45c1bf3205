package views

import (
	"slices"

	"vc/templates"
)

// Shaper lays out a view's rows while a run parses its outputs, on the
// run's parse workers (run.Deps.Shaper), rather than from the parsed
// tables once the run is over: a fleet's ARP tables are mapped on every
// core, and the template's own table of them is never built. Apply then
// finds the rows laid out already and only reports on them.
//
// A view that gives a row per device (facts), merged from several
// commands, has no Shaper: its few rows are read by Apply.
type Shaper struct {
	v        *View
	byName   map[string]Device
	columns  []string
	ifs      *interfaceNames
	defaults []int // the fields with a default, by index
	require  []int // the columns a row must fill
}

// Shaper returns the view's shaper for a run on devs, or nil for a view
// that gives a row per device.
func (v *View) Shaper(devs []Device) *Shaper {
	if v.PerDevice {
		return nil
	}
	ifs, _ := loadInterfaceNames()
	s := &Shaper{v: v, byName: make(map[string]Device, len(devs)), columns: v.Columns(), ifs: ifs}
	for _, d := range devs {
		s.byName[d.Name] = d
	}
	for fi, f := range v.Fields {
		if f.Default != nil {
			s.defaults = append(s.defaults, fi)
		}
	}
	for _, r := range v.Require {
		s.require = append(s.require, slices.Index(s.columns, r))
	}
	return s
}

// Columns are the view's columns: the device, then its fields.
func (s *Shaper) Columns() []string { return s.columns }

// Shaped is the Title of the section the shaper's rows go to.
func (s *Shaper) Shaped() string { return Shaped(s.v.Name) }

// Worker returns a shape function for one worker's use: it keeps what
// it worked out (a plan per platform, command and template, the values
// each text gave) for the outputs that follow. It returns an output's
// rows in the view's columns, in the records' order, nil when the
// device's platform has no such command in the view or no record makes
// a row. Its cells may hold pieces of the records' strings.
func (s *Shaper) Worker() func(device, platform, command string, fields []string, records [][]any) [][]any {
	w := &shapeWorker{s: s, plans: map[planKey]*workerPlan{}}
	return w.shape
}

// Shaped is a section whose rows a Shaper laid out for view, as it sets
// the section's Title: Apply takes such a section as it is.
func Shaped(view string) string { return "view " + view }

type shapeWorker struct {
	s     *Shaper
	plans map[planKey]*workerPlan
	// box boxes the values the worker makes, a slab at a time: an ARP
	// view makes two for every row (its address and MAC).
	box templates.Boxer
}

type planKey struct{ platform, command string }

type workerPlan struct {
	fields []string
	get    *getter
	sp     *sourcePlan
}

func (w *shapeWorker) shape(device, platform, command string, fields []string, records [][]any) [][]any {
	s := w.s
	d, ok := s.byName[device]
	if !ok {
		return nil
	}
	pl := s.v.Platforms[platform]
	if pl == nil || len(records) == 0 {
		return nil
	}
	key := planKey{platform, command}
	wp := w.plans[key]
	if wp == nil || !slices.Equal(wp.fields, fields) {
		g := &getter{col: make(map[string]int, len(fields))}
		for i, f := range fields {
			g.col[f] = i
		}
		wp = &workerPlan{fields: slices.Clone(fields), get: g, sp: newSourcePlan(s.v, pl, command, g.col)}
		w.plans[key] = wp
	}
	sp := wp.sp
	if sp.src == nil {
		return nil
	}
	width := len(s.columns)
	block := make([]any, width*len(records))
	rows := make([][]any, 0, len(records))
	var defaults []any // the device's defaults, worked out once
	g := wp.get
	get := g.get
	name := any(device)
	for _, rec := range records {
		g.row = rec
		if !sp.src.matches(get) {
			continue
		}
		cells := block[:width:width]
		block = block[width:]
		cells[0] = name
		for fi := range s.v.Fields {
			cells[fi+1] = sp.value(fi, &d, rec, get, s.ifs, &w.box)
		}
		if len(s.defaults) > 0 {
			if defaults == nil {
				defaults = make([]any, len(s.v.Fields))
				none := func(string) any { return nil }
				for _, fi := range s.defaults {
					defaults[fi] = s.v.Fields[fi].Default.eval(&s.v.Fields[fi], &d, none, s.ifs)
				}
			}
			for _, fi := range s.defaults {
				if cells[fi+1] == nil {
					cells[fi+1] = defaults[fi]
				}
			}
		}
		if s.lacks(cells) {
			continue
		}
		rows = append(rows, cells)
	}
	if len(rows) == 0 {
		return nil
	}
	return rows
}

// lacks reports a row without a field the view requires.
func (s *Shaper) lacks(row []any) bool {
	for _, i := range s.require {
		if i >= 0 && row[i] == nil {
			return true
		}
	}
	return false
}
