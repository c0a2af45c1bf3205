package jobs

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"vc/capture"
	"vc/inventory"
	"vc/store"
)

// The predecessor, VelocityCollector, kept each job as a JSON file of
// format version 2.0:
//
//	{"version": "2.0", "job_id": "arista-arp", "capture_type": "arp", "vendor": "arista",
//	 "commands": {"paging_disable": "terminal length 0", "command": "show ip arp", "output_directory": "arp"},
//	 "device_filter": {"source": "database", "vendor": "arista", "platform_id": 2, "site_id": 1,
//	                   "role_id": null, "name_pattern": "leaf", "status": "active"},
//	 "validation": {"use_tfsm": true, "tfsm_filter": "arista_eos_show_ip_arp", "min_score": 50},
//	 "execution": {"max_workers": 12, "timeout": 60}}
//
// Its inventory was SQLite, where a device's platform, site and role were
// rows known by numeric id; vc's records have names. An id is taken to a
// name through the predecessor's own table (LegacyIDs, from a CSV of
// kind,id,name), and that name must be in vc's inventory. An id with no
// name becomes a test of a custom field, fields.legacy_site_id == "3":
// devices imported from the predecessor with that column match it, and
// no other device can, so a job never selects more than it did. A job
// whose selection could not be carried over whole is imported disabled.

// LegacyFile is one of the predecessor's job files.
type LegacyFile struct {
	Name string
	Data []byte
}

// LegacyIDs are the predecessor's ids and the names they stand for, by
// kind: platform, site, role.
type LegacyIDs map[string]map[string]string

// ReadLegacyIDs reads a CSV of kind,id,name rows (a header line of those
// words first), as exported from the predecessor's SQLite tables.
func ReadLegacyIDs(r io.Reader) (LegacyIDs, error) {
	rows, err := csv.NewReader(r).ReadAll()
	if err != nil {
		return nil, err
	}
	if len(rows) == 0 || strings.Join(rows[0], ",") != "kind,id,name" {
		return nil, fmt.Errorf("line 1: want the header kind,id,name")
	}
	ids := LegacyIDs{}
	for i, row := range rows[1:] {
		line := i + 2
		kind, id, name := strings.ToLower(strings.TrimSpace(row[0])), strings.TrimSpace(row[1]), strings.TrimSpace(row[2])
		if !slices.Contains(legacyKinds, kind) {
			return nil, fmt.Errorf("line %d: kind %s is not one of %s", line, quote(kind), strings.Join(legacyKinds, ", "))
		}
		if _, err := strconv.ParseUint(id, 10, 64); err != nil {
			return nil, fmt.Errorf("line %d: id %s is not a number", line, quote(id))
		}
		if err := store.ValidName(name); err != nil {
			return nil, fmt.Errorf("line %d: name: %w", line, err)
		}
		if ids[kind] == nil {
			ids[kind] = map[string]string{}
		}
		if old, dup := ids[kind][id]; dup && old != name {
			return nil, fmt.Errorf("line %d: %s %s is both %s and %s", line, kind, id, old, name)
		}
		ids[kind][id] = name
	}
	return ids, nil
}

var legacyKinds = []string{"platform", "site", "role"}

// LegacyLookup is what a migration maps the predecessor's values to.
type LegacyLookup struct {
	IDs LegacyIDs
	// Names are the names vc's inventory has, by kind: vendor, platform,
	// site, role.
	Names map[string][]string
	// Fields are the custom fields some device has.
	Fields map[string]bool
	// Templates are the template names the library has (without
	// .textfsm).
	Templates []string
}

// Note is something of a legacy file that was not carried over, or was
// carried over changed.
type Note struct {
	Field string
	Text  string
}

func (n Note) String() string { return n.Field + ": " + n.Text }

// Migrated is one legacy file as a job: the job and its notes, or why
// the file cannot be one.
type Migrated struct {
	File  string
	Job   *Job
	Notes []Note
	Err   error
}

// Migrate reads the predecessor's job files into jobs, each checked with
// c. It changes nothing: the caller saves the jobs, all of them or, when
// one file is bad, none.
func Migrate(files []LegacyFile, look LegacyLookup, c Checks) []Migrated {
	out := make([]Migrated, 0, len(files))
	seen := map[string]string{}
	for _, f := range files {
		m := migrateOne(f, look)
		if m.Err == nil {
			if errs := m.Job.Check(c); len(errs) > 0 {
				m.Err, m.Job = errors.Join(errs...), nil
			}
		}
		if m.Err == nil {
			if other, dup := seen[m.Job.Slug]; dup {
				m.Err, m.Job = fmt.Errorf("job %s: %s became the same job (rename job_id in one of them)", m.Job.Slug, other), nil
			} else {
				seen[m.Job.Slug] = f.Name
			}
		}
		out = append(out, m)
	}
	return out
}

func migrateOne(f LegacyFile, look LegacyLookup) Migrated {
	m := Migrated{File: f.Name}
	note := func(field, format string, args ...any) {
		m.Notes = append(m.Notes, Note{Field: field, Text: fmt.Sprintf(format, args...)})
	}
	// fail gives the file up; the reader's errors name their field.
	fail := func(field string, err error) Migrated {
		if field != "" {
			err = fmt.Errorf("%s: %w", field, err)
		}
		m.Err, m.Job, m.Notes = err, nil, nil
		return m
	}
	top, err := object(f.Data)
	if err != nil {
		return fail("", fmt.Errorf("not a job file: %w", err))
	}
	r := &reader{}
	version := r.text(top, "version")
	switch {
	case r.err != nil:
		return fail("", r.err)
	case version == "":
		note("version", "missing; read as 2.0")
	case version != "2.0" && version != "2":
		return fail("version", fmt.Errorf("%s: this vc migrates job files of version 2.0", quote(version)))
	}
	j := &Job{From: "migrate " + filepath.Base(f.Name)}
	// job_id names the job when it is a name; a number was the old
	// database's row, and the file's name says more.
	id := r.text(top, "job_id")
	base := strings.TrimSuffix(filepath.Base(f.Name), filepath.Ext(f.Name))
	switch _, numeric := strconv.ParseUint(id, 10, 64); {
	case r.err != nil:
		return fail("", r.err)
	case id == "":
		j.Slug = Slugify(base)
		note("job_id", "missing; the job is named %s after its file", j.Slug)
	case numeric == nil:
		j.Slug = Slugify(base)
		note("job_id", "%s is the old database's number; the job is named %s after its file", id, j.Slug)
	default:
		j.Slug = Slugify(id)
		if j.Slug != id {
			note("job_id", "%s became the job name %s", quote(id), j.Slug)
		}
	}
	if err := ValidSlug(j.Slug); err != nil {
		return fail("job_id", err)
	}
	j.Name = id

	if ct := r.text(top, "capture_type"); ct != "" {
		j.CaptureType = ct
		if capture.ValidType(ct) != nil {
			j.CaptureType = capture.TypeOf(ct)
			note("capture_type", "%s is not a folder name vc takes; kept as %s", quote(ct), j.CaptureType)
		}
	}
	topVendor := r.text(top, "vendor")
	cmds := r.object(top, "commands")
	cmd := r.text(cmds, "command")
	if r.err != nil {
		return fail("", r.err)
	}
	if strings.TrimSpace(cmd) == "" {
		return fail("commands.command", fmt.Errorf("missing: the command to send"))
	}
	j.Commands = []string{strings.TrimSpace(cmd)}
	if p := r.text(cmds, "paging_disable"); p != "" {
		note("commands.paging_disable", "not carried over: vc turns paging off with each platform's own command (see: platform list)")
	}
	if d := r.text(cmds, "output_directory"); d != "" {
		note("commands.output_directory", "not carried over: vc keeps outputs as captures, the latest in $VC_HOME/collections/TYPE/DEVICE.txt")
	}
	if r.err != nil {
		return fail("", r.err)
	}
	r.rest(cmds, note)

	filter := r.object(top, "device_filter")
	sel, whole, err := legacySelect(filter, topVendor, look, r, note)
	if err != nil {
		return fail("", err)
	}
	j.Select = sel
	if !whole {
		j.Disabled = true
		note("device_filter", "imported disabled: its selection could not be carried over whole; check it (job show %s), then job enable %s", j.Slug, j.Slug)
	}

	val := r.object(top, "validation")
	useTFSM, hasUse := r.flag(val, "use_tfsm")
	filterName := r.text(val, "tfsm_filter")
	score, hasScore := r.number(val, "min_score")
	if r.err != nil {
		return fail("", r.err)
	}
	switch {
	case hasUse && !useTFSM:
		if filterName != "" || hasScore {
			note("validation", "use_tfsm is false: tfsm_filter and min_score are not carried over")
		}
	default:
		if filterName != "" {
			switch t := strings.TrimSuffix(filterName, ".textfsm"); {
			case slices.Contains(look.Templates, t):
				j.Templates = []string{t}
			default:
				var like []string
				for _, name := range look.Templates {
					if strings.Contains(name, t) {
						like = append(like, name)
					}
				}
				hint := ""
				if len(like) == 1 {
					hint = fmt.Sprintf("; it matches %s (job edit %s template=%s forces it)", like[0], j.Slug, like[0])
				}
				note("validation.tfsm_filter", "not carried over: vc picks each platform's template from the ntc-templates index%s", hint)
			}
		}
		if hasScore {
			switch {
			case score >= 0 && score <= 1:
				j.MinScore = score
			case score > 1 && score <= 100:
				j.MinScore = score / 100
				note("validation.min_score", "%s read as %.2f: vc scores from 0 to 1", strconv.FormatFloat(score, 'f', -1, 64), j.MinScore)
			default:
				return fail("validation.min_score", fmt.Errorf("%s is not a score (0 to 1, or 0 to 100)", strconv.FormatFloat(score, 'f', -1, 64)))
			}
		}
	}
	r.rest(val, note)

	ex := r.object(top, "execution")
	if n, ok := r.number(ex, "max_workers"); ok {
		if n < 1 || n != math.Trunc(n) || n > 1e6 {
			return fail("execution.max_workers", fmt.Errorf("%v is not a number of devices at once", n))
		}
		j.Workers = int(n)
	}
	if s, ok := r.number(ex, "timeout"); ok {
		if s <= 0 || s > 86400 {
			return fail("execution.timeout", fmt.Errorf("%v is not a number of seconds", s))
		}
		// The predecessor's timeout bounded reading each command's
		// output, as exec --timeout does.
		j.Timeout = time.Duration(s * float64(time.Second))
	}
	if r.err != nil {
		return fail("", r.err)
	}
	r.rest(ex, note)
	r.rest(top, note)
	m.Job = j
	return m
}

// legacySelect makes a selection expression of a device_filter; whole
// says every part of it was carried over.
func legacySelect(filter *members, topVendor string, look LegacyLookup, r *reader, note func(field, format string, args ...any)) (string, bool, error) {
	var parts []string
	whole := true
	if src := r.text(filter, "source"); src != "" && !strings.EqualFold(src, "database") {
		note("device_filter.source", "%s is not carried over: vc selects from its own inventory", quote(src))
		whole = false
	}
	vendor := r.text(filter, "vendor")
	switch {
	case vendor == "":
		vendor = topVendor
	case topVendor != "" && !strings.EqualFold(topVendor, vendor):
		note("vendor", "%s is not carried over: device_filter.vendor %s says which devices", quote(topVendor), quote(vendor))
	}
	if vendor != "" {
		name, ok := named(look.Names["vendor"], vendor)
		if !ok {
			note("device_filter.vendor", "no vendor %s in the inventory yet: the job selects none of its devices until there is", quote(name))
		}
		parts = append(parts, "vendor == "+strconv.Quote(name))
	}
	for _, kind := range legacyKinds {
		field := "device_filter." + kind + "_id"
		id := r.text(filter, kind+"_id")
		if r.err != nil {
			return "", false, r.err
		}
		if id == "" {
			continue
		}
		name, ok := look.IDs[kind][id]
		if !ok {
			custom := "legacy_" + kind + "_id"
			parts = append(parts, "fields."+custom+" == "+strconv.Quote(id))
			if look.Fields[custom] {
				note(field, "%s %s has no name (give --ids FILE); kept as fields.%s == %q, which devices imported with that column match", kind, id, custom, id)
			} else {
				note(field, "%s %s has no name (give --ids FILE), and no device has the custom field %s: kept as fields.%s == %q, which selects nothing yet", kind, id, custom, custom, id)
				whole = false
			}
			continue
		}
		if n, ok := named(look.Names[kind], name); ok {
			name = n
		} else {
			note(field, "%s %s is %s, which is not in the inventory yet: the job selects no device there until it is", kind, id, quote(name))
		}
		parts = append(parts, kind+" == "+strconv.Quote(name))
	}
	if p := r.text(filter, "name_pattern"); p != "" {
		parts = append(parts, "name matches "+strconv.Quote(likeRegexp(p)))
	}
	if st := r.text(filter, "status"); st != "" {
		if s, err := store.ParseStatus(st); err == nil {
			parts = append(parts, "status == "+strconv.Quote(s))
		} else {
			note("device_filter.status", "%v; not carried over", err)
			whole = false
		}
	}
	if r.err != nil {
		return "", false, r.err
	}
	r.rest(filter, note)
	if len(parts) == 0 {
		note("device_filter", "filters nothing: the job runs on every device")
		return "true", whole, nil
	}
	sel := strings.Join(parts, " && ")
	if _, err := inventory.Compile(sel); err != nil {
		return "", false, fmt.Errorf("device_filter: %w", err)
	}
	return sel, whole, nil
}

// named finds a name among names regardless of case, as the predecessor
// compared them; a name not found is given lowercase, as vc's are.
func named(names []string, v string) (string, bool) {
	for _, n := range names {
		if strings.EqualFold(n, v) {
			return n, true
		}
	}
	return strings.ToLower(v), false
}

// likeRegexp turns the predecessor's name_pattern into a regular
// expression: with % or * it is a pattern (SQL's % and _, or a glob's *
// and ?) for the whole name, else a part of the name; either way without
// regard to case, as SQLite's LIKE matched.
func likeRegexp(p string) string {
	var b strings.Builder
	b.WriteString("(?i)")
	switch {
	case strings.Contains(p, "%"):
		b.WriteString("^")
		for _, r := range p {
			switch r {
			case '%':
				b.WriteString(".*")
			case '_':
				b.WriteString(".")
			default:
				b.WriteString(regexp.QuoteMeta(string(r)))
			}
		}
		b.WriteString("$")
	case strings.ContainsAny(p, "*?"):
		b.WriteString("^")
		for _, r := range p {
			switch r {
			case '*':
				b.WriteString(".*")
			case '?':
				b.WriteString(".")
			default:
				b.WriteString(regexp.QuoteMeta(string(r)))
			}
		}
		b.WriteString("$")
	default:
		b.WriteString(regexp.QuoteMeta(p))
	}
	return b.String()
}

// members are a legacy JSON object, each member kept raw, and which of
// them were taken: rest lists the others.
type members struct {
	path  string // where the object is: "", "commands", "device_filter"...
	raw   map[string]json.RawMessage
	taken map[string]bool
}

func (m *members) field(k string) string {
	if m.path == "" {
		return k
	}
	return m.path + "." + k
}

// object reads a JSON object, keeping each member raw.
func object(data []byte) (*members, error) {
	dec := json.NewDecoder(bytes.NewReader(data))
	var raw map[string]json.RawMessage
	if err := dec.Decode(&raw); err != nil {
		return nil, err
	}
	if raw == nil {
		return nil, fmt.Errorf("not an object")
	}
	if dec.More() {
		return nil, fmt.Errorf("more than one JSON value")
	}
	return &members{raw: raw, taken: map[string]bool{}}, nil
}

// reader takes the members of legacy objects, remembering the first that
// has the wrong type.
type reader struct{ err error }

// take is a member's value; null is as good as missing.
func (r *reader) take(m *members, k string) (json.RawMessage, bool) {
	v, ok := m.raw[k]
	m.taken[k] = true
	if !ok || string(v) == "null" || r.err != nil {
		return nil, false
	}
	return v, true
}

// text is a member that is text, or a number read as text; "" when it is
// missing or null.
func (r *reader) text(m *members, k string) string {
	v, ok := r.take(m, k)
	if !ok {
		return ""
	}
	var s string
	if err := json.Unmarshal(v, &s); err == nil {
		return strings.TrimSpace(s)
	}
	var n json.Number
	if err := json.Unmarshal(v, &n); err == nil {
		return n.String()
	}
	r.err = fmt.Errorf("%s: want text, got %s", m.field(k), clip(v))
	return ""
}

// number is a member that is a number, or text that reads as one.
func (r *reader) number(m *members, k string) (float64, bool) {
	v, ok := r.take(m, k)
	if !ok {
		return 0, false
	}
	var f float64
	if err := json.Unmarshal(v, &f); err == nil {
		return f, true
	}
	var s string
	if json.Unmarshal(v, &s) == nil {
		if f, err := strconv.ParseFloat(strings.TrimSpace(s), 64); err == nil {
			return f, true
		}
	}
	r.err = fmt.Errorf("%s: want a number, got %s", m.field(k), clip(v))
	return 0, false
}

func (r *reader) flag(m *members, k string) (bool, bool) {
	v, ok := r.take(m, k)
	if !ok {
		return false, false
	}
	var b bool
	if err := json.Unmarshal(v, &b); err != nil {
		r.err = fmt.Errorf("%s: want true or false, got %s", m.field(k), clip(v))
		return false, false
	}
	return b, true
}

// object is a member that is an object; missing or null is an empty one.
func (r *reader) object(m *members, k string) *members {
	o := &members{path: m.field(k), raw: map[string]json.RawMessage{}, taken: map[string]bool{}}
	v, ok := r.take(m, k)
	if !ok {
		return o
	}
	if err := json.Unmarshal(v, &o.raw); err != nil || o.raw == nil {
		r.err = fmt.Errorf("%s: want an object, got %s", m.field(k), clip(v))
		o.raw = map[string]json.RawMessage{}
	}
	return o
}

// rest notes every member of m nobody took: a field this vc does not
// carry over.
func (r *reader) rest(m *members, note func(field, format string, args ...any)) {
	var keys []string
	for k := range m.raw {
		if !m.taken[k] {
			keys = append(keys, k)
		}
	}
	slices.Sort(keys)
	for _, k := range keys {
		note(m.field(k), "not carried over: vc has no such setting (%s)", clip(m.raw[k]))
	}
}

// clip shows a JSON value in a message, cut short.
func clip(v json.RawMessage) string {
	s := strings.Join(strings.Fields(string(v)), " ")
	if len(s) > 40 {
		s = s[:40] + "…"
	}
	return s
}
