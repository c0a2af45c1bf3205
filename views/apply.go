package views

import (
	"cmp"
	"fmt"
	"slices"
	"strings"

	"vc/records"
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

	var sections []*records.Set
	if in.Records != nil {
		sections = in.Records.Sections()
	}
	for _, sec := range sections {
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
		col := make(map[string]int, len(sec.Columns))
		for i, c := range sec.Columns {
			col[c] = i
		}
		for _, row := range sec.Rows {
			name := records.Text(row[0])
			d, ok := byName[name]
			if !ok {
				continue
			}
			pl := v.Platforms[d.Platform]
			if pl == nil {
				continue
			}
			si, src := pl.source(command)
			if src == nil {
				continue
			}
			get := func(field string) any {
				if i, ok := col[field]; ok && i < len(row) {
					return row[i]
				}
				return nil
			}
			if !src.matches(get) {
				continue
			}
			if !v.PerDevice {
				cells := make([]any, width)
				cells[0] = name
				for fi, f := range v.Fields {
					if m := src.Fields[f.Name]; m != nil {
						cells[fi+1] = m.eval(f, d, get, ifs)
					}
				}
				rows = append(rows, cells)
				continue
			}
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
			for fi, f := range v.Fields {
				m := src.Fields[f.Name]
				if m == nil {
					continue
				}
				val := m.eval(f, d, get, ifs)
				if val == nil {
					continue
				}
				if c := dr.cells[fi+1]; c == nil || si < dr.from[fi+1] {
					dr.cells[fi+1], dr.from[fi+1] = val, si
				}
			}
		}
	}
	for _, dr := range perDevice {
		rows = append(rows, dr.cells)
	}
	// Fields a platform does not map take their default (the vendor from
	// the inventory).
	for _, row := range rows {
		d := byName[records.Text(row[0])]
		for fi, f := range v.Fields {
			if row[fi+1] == nil && f.Default != nil {
				row[fi+1] = f.Default.eval(f, d, func(string) any { return nil }, ifs)
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
	slices.SortStableFunc(rows, func(a, b []any) int {
		return cmp.Compare(order[records.Text(a[0])], order[records.Text(b[0])])
	})
	out.Rows = rows
	got := map[string]bool{}
	for _, row := range rows {
		got[records.Text(row[0])] = true
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
func deviceFact(d Device, name string) string {
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
func (m *Mapping) eval(f Field, d Device, get func(string) any, ifs *interfaceNames) any {
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
			val = normalize(f.Type, d.Platform, s, ifs)
		}
	default:
		val = normalize(f.Type, d.Platform, s, ifs)
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
