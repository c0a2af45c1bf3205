package views

import (
	"fmt"
	"hash/maphash"
	"slices"
	"strings"

	"vc/records"
	"vc/templates"
)

// Input is what a run left for a view to read: the parsed tables (one per
// command, and a section of the outputs no template parsed, as run.Result
// has them) and the devices that ran, with their platform.
type Input struct {
	Records *records.Set
	Devices []Device
}

// Report says what a view could not read.
type Report struct {
	// Unparsed counts the outputs no template parsed, by platform and
	// command: the fields they would fill are empty.
	Unparsed []Unparsed
	// NoRows lists the devices that ran the view's commands and gave no
	// row.
	NoRows []string
}

// Unparsed is a command whose outputs on a platform no template read.
type Unparsed struct {
	Platform, Command string
	Devices           []string
}

// Apply reads a run's tables into the view's table: the device column,
// then the view's fields, with typed cells. Rows follow the devices'
// order. The raw outputs stay with the set, for raw and fold.
func (v *View) Apply(in Input) (*records.Set, Report) {
	ifs, _ := loadInterfaceNames()
	byName := make(map[string]Device, len(in.Devices))
	order := make(map[string]int, len(in.Devices))
	for i, d := range in.Devices {
		byName[d.Name] = d
		order[d.Name] = i
	}
	out := &records.Set{Columns: v.Columns(), Empty: "no records"}
	width := len(out.Columns)
	type devRow struct {
		cells []any
		// from is the index of the command that filled each cell, so an
		// earlier command's value wins over a later one's.
		from []int
		// taken marks the commands whose first record was read.
		taken map[int]bool
	}
	perDevice := map[string]*devRow{}
	var rows [][]any
	unparsed := map[[2]string][]string{}
	var unparsedOrder [][2]string

	rowSections := 0
	var sections []*records.Set
	if in.Records != nil {
		sections = in.Records.Sections()
	}
	total := 0
	for _, sec := range sections {
		if !sec.IsOutputs() {
			total += len(sec.Rows)
		}
	}
	var shaped [][]any
	if !v.PerDevice {
		shaped = make([][]any, 0, total)
	}
	for _, sec := range sections {
		if sec.Title == Shaped(v.Name) {
			// Laid out by a Shaper as the run parsed: in the view's
			// columns and the devices' order, defaults and requirements
			// applied: kept apart from the rows made here, which are
			// still to get them.
			shaped = append(shaped, sec.Rows...)
			out.Raw = append(out.Raw, sec.Raw...)
			if len(sec.Rows) > 0 {
				rowSections++
			}
			continue
		}
		if sec.IsOutputs() {
			for _, r := range sec.Rows {
				name, cmd := records.Text(r[0]), records.Text(r[1])
				d, ok := byName[name]
				if !ok || v.Platforms[d.Platform] == nil {
					continue
				}
				key := [2]string{d.Platform, cmd}
				if _, seen := unparsed[key]; !seen {
					unparsedOrder = append(unparsedOrder, key)
				}
				unparsed[key] = append(unparsed[key], name)
				out.Raw = append(out.Raw, records.Output{Device: name, Command: cmd, Text: records.Text(r[2])})
			}
			continue
		}
		out.Raw = append(out.Raw, sec.Raw...)
		command := sec.Title
		if command == "" && len(sec.Raw) > 0 {
			command = sec.Raw[0].Command
		}
		g := &getter{col: make(map[string]int, len(sec.Columns))}
		for i, c := range sec.Columns {
			g.col[c] = i
		}
		get := g.get
		plans := map[string]*sourcePlan{}
		sectionRows := 0
		// One allocation for the section's cells.
		var block []any
		if !v.PerDevice {
			block = make([]any, width*len(sec.Rows))
		}
		lastName, lastDev, lastOK := "", Device{}, false
		for _, row := range sec.Rows {
			name, _ := row[0].(string)
			if name != lastName || !lastOK {
				lastName = records.Text(row[0])
				lastDev, lastOK = byName[lastName]
				name = lastName
			}
			if !lastOK {
				continue
			}
			d := lastDev
			pl := v.Platforms[d.Platform]
			if pl == nil {
				continue
			}
			sp := plans[d.Platform]
			if sp == nil {
				sp = newSourcePlan(v, pl, command, g.col)
				plans[d.Platform] = sp
			}
			if sp.src == nil {
				continue
			}
			g.row = row
			if !sp.src.matches(get) {
				continue
			}
			if !v.PerDevice {
				cells := block[:width:width]
				block = block[width:]
				cells[0] = name
				for fi := range v.Fields {
					cells[fi+1] = sp.value(fi, &d, row, get, ifs, nil)
				}
				rows = append(rows, cells)
				sectionRows++
				continue
			}
			si := sp.index
			dr := perDevice[name]
			if dr == nil {
				dr = &devRow{cells: make([]any, width), from: make([]int, width), taken: map[int]bool{}}
				dr.cells[0] = name
				perDevice[name] = dr
			}
			if dr.taken[si] {
				continue
			}
			dr.taken[si] = true
			for fi := range v.Fields {
				val := sp.value(fi, &d, row, get, ifs, nil)
				if val == nil {
					continue
				}
				if c := dr.cells[fi+1]; c == nil || si < dr.from[fi+1] {
					dr.cells[fi+1], dr.from[fi+1] = val, si
				}
			}
		}
		if sectionRows > 0 {
			rowSections++
		}
	}
	for _, dr := range perDevice {
		rows = append(rows, dr.cells)
	}
	// Fields a platform does not map take their default (the vendor from
	// the inventory): a device's own facts, so once per device.
	var defaults []int
	for fi, f := range v.Fields {
		if f.Default != nil {
			defaults = append(defaults, fi)
		}
	}
	if len(defaults) > 0 {
		none := func(string) any { return nil }
		perDev := map[string][]any{}
		for _, row := range rows {
			name := records.Text(row[0])
			vals, ok := perDev[name]
			if !ok {
				vals = make([]any, len(v.Fields))
				for _, fi := range defaults {
					d := byName[name]
					vals[fi] = v.Fields[fi].Default.eval(&v.Fields[fi], &d, none, ifs)
				}
				perDev[name] = vals
			}
			for _, fi := range defaults {
				if row[fi+1] == nil {
					row[fi+1] = vals[fi]
				}
			}
		}
	}
	var rep Report
	if len(v.Require) > 0 {
		req := make([]int, len(v.Require))
		for i, r := range v.Require {
			req[i] = slices.Index(out.Columns, r)
		}
		rows = slices.DeleteFunc(rows, func(row []any) bool {
			for _, i := range req {
				if row[i] == nil {
					return true
				}
			}
			return false
		})
	}
	rows = append(shaped, rows...)
	// One section's rows are in the run's device order already; several
	// commands' rows are put back in it.
	if rowSections > 1 || v.PerDevice {
		rows = byDevice(rows, order)
	}
	out.Rows = rows
	got := map[string]bool{}
	last := ""
	for _, row := range rows {
		if n := records.Text(row[0]); n != last {
			got[n], last = true, n
		}
	}
	for _, d := range in.Devices {
		if v.Platforms[d.Platform] != nil && !got[d.Name] {
			rep.NoRows = append(rep.NoRows, d.Name)
		}
	}
	for _, k := range unparsedOrder {
		rep.Unparsed = append(rep.Unparsed, Unparsed{Platform: k[0], Command: k[1], Devices: unparsed[k]})
	}
	return out, rep
}

// byDevice puts rows in their devices' order, keeping each device's rows
// in the order they came: a bucket per device rather than a sort, as an
// ARP view over a fleet has hundreds of thousands of rows.
func byDevice(rows [][]any, order map[string]int) [][]any {
	at := make([]int, len(rows))
	count := make([]int, len(order)+2)
	last, i := "", 0
	for k, r := range rows {
		if n, _ := r[0].(string); n != last || k == 0 {
			last = records.Text(r[0])
			x, ok := order[last]
			if !ok {
				x = len(order)
			}
			i = x
		}
		at[k] = i
		count[i+1]++
	}
	for k := 1; k < len(count); k++ {
		count[k] += count[k-1]
	}
	out := make([][]any, len(rows))
	for k, r := range rows {
		out[count[at[k]]] = r
		count[at[k]]++
	}
	return out
}

// getter reads a record's template fields by name.
type getter struct {
	col map[string]int
	row []any
}

func (g *getter) get(field string) any {
	if i, ok := g.col[field]; ok && i < len(g.row) {
		return g.row[i]
	}
	return nil
}

// sourcePlan is how one command's table fills a view on one platform,
// worked out once per table: a thousand ARP tables map their rows the
// same way. A mapping whose value depends on one text alone (most do)
// keeps what each text gave, as the same interface names, ages and
// addresses recur from row to row and device to device.
type sourcePlan struct {
	src   *Source
	index int
	// fields are per view field: its mapping, the columns of its From,
	// and the values already worked out by text, when it can keep them.
	fields []fieldPlan
	view   *View
}

type fieldPlan struct {
	m     *Mapping
	cols  []int
	memo  *memo
	plain bool
	// looks and hits count the memo's first memoTrial lookups: a field
	// whose texts seldom recur (addresses) does without it after them.
	looks, hits int
}

// memoTrial is how many lookups decide whether a field keeps its memo,
// and memoWorth the share of hits (one in memoWorth) that earns it.
const (
	memoTrial = 512
	memoWorth = 8
)

func newSourcePlan(v *View, pl *Platform, command string, col map[string]int) *sourcePlan {
	si, src := pl.source(command)
	sp := &sourcePlan{src: src, index: si, view: v, fields: make([]fieldPlan, len(v.Fields))}
	if src == nil {
		return sp
	}
	for fi, f := range v.Fields {
		m := src.Fields[f.Name]
		if m == nil {
			continue
		}
		fp := fieldPlan{m: m, plain: m.Since == nil && m.Mask == "" && m.Admin == ""}
		for _, name := range m.From {
			if strings.HasPrefix(name, "$") {
				fp.plain = false
				break
			}
			i, ok := col[name]
			if !ok {
				i = -1
			}
			fp.cols = append(fp.cols, i)
		}
		if fp.plain {
			fp.memo = newMemo()
		}
		sp.fields[fi] = fp
	}
	return sp
}

// value fills view field fi from a row.
//
// bx, when set, boxes the values it makes (see boxed).
func (sp *sourcePlan) value(fi int, d *Device, row []any, get func(string) any, ifs *interfaceNames, bx *templates.Boxer) any {
	fp := &sp.fields[fi]
	if fp.m == nil {
		return nil
	}
	if !fp.plain {
		return fp.m.eval(&sp.view.Fields[fi], d, get, ifs)
	}
	s := ""
	for _, i := range fp.cols {
		if i < 0 || i >= len(row) {
			continue
		}
		if v := cellText(row[i]); !blank(v) {
			s = v
			break
		}
	}
	if fp.memo == nil {
		return fp.m.evalText(&sp.view.Fields[fi], d, s, nil, ifs, bx)
	}
	e := fp.memo.entry(s)
	if fp.looks < memoTrial {
		fp.looks++
	}
	if e.set && e.text == s {
		if fp.looks < memoTrial {
			fp.hits++
		}
		return e.val
	}
	val := fp.m.evalText(&sp.view.Fields[fi], d, s, nil, ifs, bx)
	e.text, e.val, e.set = s, val, true
	if fp.looks == memoTrial && fp.hits*memoWorth < memoTrial {
		fp.memo = nil
	}
	return val
}

// memo keeps what a mapping gave for the texts it met last, by hash: the
// same interface names, ages and VRFs recur from row to row and device
// to device, while addresses mostly do not. A table of fixed size costs
// a hash and a compare per cell, and nothing to grow; a map of every
// text cost as much as the mapping itself once it held tens of
// thousands of addresses, and a collector's scan of all of them.
type memo struct {
	seed    maphash.Seed
	entries [memoSize]memoEntry
}

type memoEntry struct {
	text string
	val  any
	set  bool
}

// memoSize is how many texts a memo keeps: a power of two.
const memoSize = 1024

func newMemo() *memo { return &memo{seed: maphash.MakeSeed()} }

func (m *memo) entry(s string) *memoEntry {
	return &m.entries[maphash.String(m.seed, s)&(memoSize-1)]
}

// source finds the platform's entry for a command, and its index.
func (p *Platform) source(command string) (int, *Source) {
	for i, s := range p.Commands {
		if sameCommand(s.Command, command) {
			return i, s
		}
	}
	return -1, nil
}

// matches applies the source's where filters to a record.
func (s *Source) matches(get func(string) any) bool {
	for f, rx := range s.Where {
		if !rx.MatchString(cellText(get(f))) {
			return false
		}
	}
	return true
}

// cellText is a template cell as one text: a list gives its first item
// with a value (a primary address before the secondaries).
func cellText(c any) string {
	switch x := c.(type) {
	case nil:
		return ""
	case string:
		return x
	case []string:
		for _, s := range x {
			if strings.TrimSpace(s) != "" {
				return s
			}
		}
		return ""
	case []any:
		for _, e := range x {
			if s := cellText(e); strings.TrimSpace(s) != "" {
				return s
			}
		}
		return ""
	case map[string]any:
		return ""
	}
	return records.Text(c)
}

// blank reports a value that means nothing in a template's cell.
func blank(s string) bool {
	switch strings.TrimSpace(s) {
	case "", "-", "--":
		return true
	}
	return false
}

// deviceFact is one of the inventory facts a mapping may name.
func deviceFact(d *Device, name string) string {
	switch name {
	case "$device":
		return d.Name
	case "$platform":
		return d.Platform
	case "$vendor":
		return d.Vendor
	case "$site":
		return d.Site
	case "$role":
		return d.Role
	}
	return ""
}

// eval fills one field from a record.
func (m *Mapping) eval(f *Field, d *Device, get func(string) any, ifs *interfaceNames) any {
	if m.Since != nil {
		from, okf := parseStamp(joinFields(m.Since, get))
		to, okt := parseStamp(joinFields(m.At, get))
		if okf && okt && !to.Before(from) {
			secs := int(to.Sub(from).Seconds())
			if m.Text || f.Type == TypeString {
				return DurationText(secs)
			}
			return secs
		}
	}
	s := ""
	for _, name := range m.From {
		var v string
		if strings.HasPrefix(name, "$") {
			v = deviceFact(d, name)
		} else {
			v = cellText(get(name))
		}
		if !blank(v) {
			s = v
			break
		}
	}
	return m.evalText(f, d, s, get, ifs, nil)
}

// evalText fills one field from the text its From gave (or "" for none);
// get is asked only for a Mask or an Admin field, and may be nil for a
// mapping without them.
func (m *Mapping) evalText(f *Field, d *Device, s string, get func(string) any, ifs *interfaceNames, bx *templates.Boxer) any {
	if s == "" {
		s = m.Value
	}
	if s == "" {
		return nil
	}
	if m.Regexp != nil {
		sub := m.Regexp.FindStringSubmatch(s)
		switch {
		case sub == nil:
		case len(sub) > 1:
			s = sub[1]
		default:
			s = sub[0]
		}
	}
	if m.Map != nil {
		if to, ok := m.Map[strings.ToLower(strings.TrimSpace(s))]; ok {
			s = to
		}
	}
	if m.Unit != "" && f.Type == TypeSeconds {
		if n, ok := number(s); ok {
			s = fmt.Sprint(int(n * unitSeconds[m.Unit]))
		}
	}
	var val any
	switch {
	case m.Mask != "" && f.Type == TypePrefix:
		if p, ok := Prefix(s, cellText(get(m.Mask))); ok {
			val = p
		} else {
			val = normalize(f.Type, d.Platform, s, ifs, bx)
		}
	default:
		val = normalize(f.Type, d.Platform, s, ifs, bx)
	}
	if m.Admin != "" && f.Type == TypeStatus && adminDown(cellText(get(m.Admin)), m.AdminDown) {
		val = "disabled"
	}
	if m.Text {
		if n, ok := Seconds(s); ok {
			return DurationText(n)
		}
	}
	return val
}

var unitSeconds = map[string]float64{"seconds": 1, "minutes": 60, "hours": 3600, "ms": 0.001}

// number reads a bare number.
func number(s string) (float64, bool) {
	var f float64
	var rest string
	n, _ := fmt.Sscanf(strings.TrimSpace(s), "%g%s", &f, &rest)
	return f, n == 1
}

func joinFields(names []string, get func(string) any) string {
	parts := make([]string, 0, len(names))
	for _, n := range names {
		parts = append(parts, cellText(get(n)))
	}
	return strings.Join(parts, " ")
}
