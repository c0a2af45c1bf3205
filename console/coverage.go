package console

import (
	"bytes"
	"cmp"
	"context"
	"fmt"
	"maps"
	"math"
	"slices"
	"strings"
	"time"

	"vc/capture"
	"vc/history"
	"vc/jobs"
	"vc/records"
	"vc/store"
)

func coverageCommands() []*Command {
	return []*Command{
		{
			Name: "coverage", Args: "[EXPR]", Group: groupHistory, Raw: true, MaxArgs: 1,
			Flags: []Flag{
				{Name: "type", Value: "TYPE", Help: "only this capture type (default: every type kept so far)"},
				{Name: "stale", Value: "AGE", Help: "a capture older than this is stale (default 7d; 36h, 30m...)"},
				{Name: "html", Value: "FILE", Help: "also write the report as one self-contained HTML page (opens offline)"},
				jsonFlag,
			},
			Summary: "when each device's output of each capture type was last kept: never and stale ones first",
			Help: "For each device (those EXPR selects, as select takes it) and each capture type it has been captured\n" +
				"with, or that an enabled job should keep of it (with --type, that type for every device): when a run\n" +
				"last kept its output (a capture's last seen: a run that found it unchanged counts), the run and the\n" +
				"version. A device never captured, or captured longer ago than --stale, stands out at the top; totals\n" +
				"per site and per platform follow. --html writes the same as a page with its styles inline, no\n" +
				"scripts and nothing fetched, for a browser offline or a mail.",
			Examples: []string{"coverage", "coverage --type show_running-config --stale 24h", `coverage --html coverage.html site == "usa"`,
				`coverage |> where status != "ok"`},
			Run: runCoverage,
		},
	}
}

// Coverage statuses of a device and capture type.
const (
	coverNever = "never"
	coverStale = "stale"
	coverOK    = "ok"
)

// coverRow is one device and capture type.
type coverRow struct {
	Device, Site, Platform, Type string
	// Last is when a run last kept the output; zero when none ever did.
	Last    time.Time
	Run     uint64
	Version uint64
	Status  string
	// Jobs are the enabled jobs that should keep it.
	Jobs []string
}

// coverTotal sums up the rows of one site or platform.
type coverTotal struct {
	Key      string
	Devices  int
	Captures int // device and type pairs
	OK       int
	Stale    int
	Never    int
	// DevicesNever counts the devices with no capture of any type.
	DevicesNever int

	devices, captured map[string]bool
}

// Percent is the share of the pairs kept within the stale age, to a
// tenth of a percent.
func (t *coverTotal) Percent() float64 {
	if t.Captures == 0 {
		return 0
	}
	return math.Round(float64(t.OK)*1000/float64(t.Captures)) / 10
}

// coverReport is everything coverage says.
type coverReport struct {
	Generated time.Time
	StaleAge  time.Duration
	Types     []string
	Rows      []coverRow
	Sites     []*coverTotal
	Platforms []*coverTotal
	All       *coverTotal
}

// pair is a device and a capture type.
type pair struct{ device, typ string }

// buildCoverage says, for each device and capture type that matters, when
// its output was last kept, and whether that is too long ago (stale, at
// now) or never. What matters: every type a device has been captured
// with, every type an enabled job should keep of it (expect, with the
// jobs), and for a device in neither a row of no type, never captured.
// Problems sort first: never, then stale; then by device and type.
func buildCoverage(devs []*store.Device, versions []capture.Version, expect map[pair][]string, now time.Time, staleAge time.Duration) *coverReport {
	latest := make(map[pair]capture.Version, len(versions))
	byDevice := map[string][]string{}
	note := func(p pair) {
		if !slices.Contains(byDevice[p.device], p.typ) {
			byDevice[p.device] = append(byDevice[p.device], p.typ)
		}
	}
	for _, v := range versions {
		p := pair{v.Device, v.Type}
		latest[p] = v
		note(p)
	}
	for p := range expect {
		note(p)
	}
	rep := &coverReport{Generated: now, StaleAge: staleAge}
	sites, platforms := map[string]*coverTotal{}, map[string]*coverTotal{}
	newTotal := func(key string) *coverTotal {
		return &coverTotal{Key: key, devices: map[string]bool{}, captured: map[string]bool{}}
	}
	total := func(m map[string]*coverTotal, key string) *coverTotal {
		if m[key] == nil {
			m[key] = newTotal(key)
		}
		return m[key]
	}
	rep.All = newTotal("all")
	types := map[string]bool{}
	for _, d := range devs {
		typs := slices.Sorted(slices.Values(byDevice[d.Name]))
		if len(typs) == 0 {
			typs = []string{""}
		}
		for _, typ := range typs {
			p := pair{d.Name, typ}
			row := coverRow{Device: d.Name, Site: d.Site, Platform: d.Platform, Type: typ, Status: coverNever, Jobs: expect[p]}
			if typ != "" {
				types[typ] = true
			}
			if v, ok := latest[p]; ok {
				row.Last, row.Run, row.Version, row.Status = v.LastSeen, v.LastRun, v.ID, coverOK
				if now.Sub(v.LastSeen) > staleAge {
					row.Status = coverStale
				}
			}
			rep.Rows = append(rep.Rows, row)
			for _, t := range []*coverTotal{total(sites, d.Site), total(platforms, d.Platform), rep.All} {
				t.devices[d.Name] = true
				t.Captures++
				switch row.Status {
				case coverOK:
					t.OK++
				case coverStale:
					t.Stale++
				default:
					t.Never++
				}
				if row.Status != coverNever {
					t.captured[d.Name] = true
				}
			}
		}
	}
	rep.Types = slices.Sorted(maps.Keys(types))
	rank := map[string]int{coverNever: 0, coverStale: 1, coverOK: 2}
	slices.SortStableFunc(rep.Rows, func(a, b coverRow) int {
		return cmp.Or(cmp.Compare(rank[a.Status], rank[b.Status]), cmp.Compare(a.Device, b.Device), cmp.Compare(a.Type, b.Type))
	})
	finish := func(m map[string]*coverTotal) []*coverTotal {
		out := slices.Collect(maps.Values(m))
		slices.SortFunc(out, func(a, b *coverTotal) int { return cmp.Compare(a.Key, b.Key) })
		return out
	}
	rep.Sites, rep.Platforms = finish(sites), finish(platforms)
	for _, t := range append(append([]*coverTotal{rep.All}, rep.Sites...), rep.Platforms...) {
		t.Devices = len(t.devices)
		t.DevicesNever = t.Devices - len(t.captured)
	}
	return rep
}

// coverExpected are the device and type pairs the enabled jobs should
// keep, among devs (of type typ alone, when given), with the jobs.
func (e *Env) coverExpected(ctx context.Context, devs []*store.Device, typ string) (map[pair][]string, error) {
	all, err := jobs.List(ctx, e.Store)
	if err != nil {
		return nil, err
	}
	expect := map[pair][]string{}
	for _, j := range all {
		if !j.Enabled() || j.NoCapture {
			continue
		}
		picked, err := jobs.Devices(j, devs)
		if err != nil {
			return nil, err
		}
		spec := j.Spec()
		for _, cmd := range spec.Commands {
			for _, d := range picked {
				t := history.TypeFor(spec, d.Platform, cmd)
				if typ != "" && t != typ {
					continue
				}
				p := pair{d.Name, t}
				expect[p] = append(expect[p], j.Slug)
			}
		}
	}
	if typ != "" {
		// Asked for one type: every device is measured against it.
		for _, d := range devs {
			if p := (pair{d.Name, typ}); expect[p] == nil {
				expect[p] = []string{}
			}
		}
	}
	return expect, nil
}

func runCoverage(ctx context.Context, e *Env, c *Call) (*records.Set, error) {
	typ, err := captureType(c)
	if err != nil {
		return nil, err
	}
	staleAge := 7 * 24 * time.Hour
	if v := c.String("stale", ""); v != "" {
		if staleAge, err = parseAge(v); err != nil {
			return nil, usagef("coverage --stale: %v", err)
		}
	}
	devs, err := e.Devices(ctx)
	if err != nil {
		return nil, err
	}
	if src := strings.TrimSpace(c.Text); src != "" {
		sel, err := e.resolve(ctx, src)
		if err != nil {
			return nil, err
		}
		devs = sel.Devices
	}
	var versions []capture.Version
	err = e.Store.View(ctx, func(t *store.Tx) error {
		versions, err = capture.LatestAll(t, typ)
		return err
	})
	if err != nil {
		return nil, err
	}
	expect, err := e.coverExpected(ctx, devs, typ)
	if err != nil {
		return nil, err
	}
	rep := buildCoverage(devs, versions, expect, time.Now(), staleAge)
	if file := c.String("html", ""); file != "" {
		var buf bytes.Buffer
		if err := writeCoverageHTML(&buf, rep); err != nil {
			return nil, err
		}
		if err := writeFileAtomic(file, buf.Bytes()); err != nil {
			return nil, err
		}
		e.saidf("wrote the coverage report to %s", file)
	}
	a := rep.All
	e.saidf("%d %s, %d capture %s: %d ok, %d stale (older than %s), %d never; %d %s never captured at all",
		a.Devices, plural("device", a.Devices), len(rep.Types), plural("type", len(rep.Types)), a.OK, a.Stale, fmtAge(staleAge),
		a.Never, a.DevicesNever, plural("device", a.DevicesNever))
	if c.Bool("json") {
		return coverageJSON(rep), nil
	}
	main := &records.Set{Title: "by device and capture type", Empty: "no devices",
		Columns: []string{"status", "device", "type", "last_captured", "age", "run", "version", "site", "platform", "jobs"}}
	for _, r := range rep.Rows {
		var last, age, run, version any
		if !r.Last.IsZero() {
			last, age, run, version = r.Last, rep.Generated.Sub(r.Last).Round(time.Second), orNil(int(r.Run)), int(r.Version)
		}
		main.Rows = append(main.Rows, []any{r.Status, r.Device, r.Type, last, age, run, version, r.Site, r.Platform, r.Jobs})
	}
	if len(c.Stages) > 0 {
		// Stages work on the devices' rows; the totals have other columns.
		main.Title = ""
		return main, nil
	}
	return records.Chain(main, totalsSet("by site", "site", rep.Sites), totalsSet("by platform", "platform", rep.Platforms)), nil
}

var totalColumns = []string{"devices", "captures", "ok", "stale", "never", "coverage_pct", "devices_never"}

func totalsSet(title, key string, ts []*coverTotal) *records.Set {
	set := &records.Set{Title: title, Columns: append([]string{key}, totalColumns...)}
	for _, t := range ts {
		set.Rows = append(set.Rows, append([]any{t.Key}, totalRow(t)...))
	}
	return set
}

func totalRow(t *coverTotal) []any {
	return []any{t.Devices, t.Captures, t.OK, t.Stale, t.Never, t.Percent(), t.DevicesNever}
}

// coverageJSON is the report as one JSON object.
func coverageJSON(rep *coverReport) *records.Set {
	rows := make([]map[string]any, 0, len(rep.Rows))
	for _, r := range rep.Rows {
		slugs := r.Jobs
		if slugs == nil {
			slugs = []string{}
		}
		m := map[string]any{"status": r.Status, "device": r.Device, "type": r.Type, "site": r.Site, "platform": r.Platform, "jobs": slugs}
		if !r.Last.IsZero() {
			// As the report's own time is written.
			m["last_captured"], m["run"], m["version"] = r.Last.UTC().Format(time.RFC3339), int(r.Run), int(r.Version)
		}
		rows = append(rows, m)
	}
	totals := func(key string, ts []*coverTotal) []map[string]any {
		var out []map[string]any
		for _, t := range ts {
			m := map[string]any{key: t.Key}
			for i, v := range totalRow(t) {
				m[totalColumns[i]] = v
			}
			out = append(out, m)
		}
		return out
	}
	all := map[string]any{}
	for i, v := range totalRow(rep.All) {
		all[totalColumns[i]] = v
	}
	return &records.Set{Record: true, Format: "json",
		Columns: []string{"generated", "stale_after", "types", "totals", "sites", "platforms", "captures"},
		Rows:    [][]any{{rep.Generated, fmtAge(rep.StaleAge), rep.Types, all, totals("site", rep.Sites), totals("platform", rep.Platforms), rows}}}
}

// fmtAge says an age as people write it: 7d, 36h, 90m.
func fmtAge(d time.Duration) string {
	switch {
	case d >= 24*time.Hour && d%(24*time.Hour) == 0:
		return fmt.Sprintf("%dd", d/(24*time.Hour))
	case d >= time.Hour && d%time.Hour == 0:
		return fmt.Sprintf("%dh", d/time.Hour)
	}
	return d.String()
}
