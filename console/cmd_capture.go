package console

import (
	"context"
	"errors"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
	"time"

	"vc/capture"
	"vc/records"
	"vc/render"
	"vc/store"
	"vc/templates"
)

func captureCommands() []*Command {
	typeFlag := Flag{Name: "type", Value: "TYPE", Help: "the capture type (a job's, or the command's name: show_running-config)"}
	return []*Command{
		{
			Name: "captures", Args: "[EXPR]", Group: groupHistory, Raw: true, MaxArgs: 1, Flags: []Flag{typeFlag, jsonFlag},
			Summary: "list the latest capture of each device and type",
			Help: "Every exec keeps each device's output of each command, compressed and once per distinct content; a\n" +
				"new version is made only when the output changed beyond churn (clocks, uptimes, \"last change\" lines).\n" +
				"EXPR chooses devices as select does. The latest of each is also a plain file,\n" +
				"$VC_HOME/collections/TYPE/DEVICE.txt, for grep and git.",
			Examples: []string{"captures", "captures --type show_running-config", `captures site == "usa" |> sort last_seen desc`},
			Run:      runCaptures,
		},
		{
			Name: "captures search", Args: "TEXT|/REGEX/", Group: groupHistory, MinArgs: 1, MaxArgs: 1, Flags: []Flag{typeFlag, jsonFlag},
			Summary:  "which devices' latest output holds TEXT (or matches /REGEX/), with the lines",
			Examples: []string{"captures search 10.0.37.251", `captures search "/^snmp-server community/" --type show_running-config`},
			Run:      runCapturesSearch,
		},
		{
			Name: "capture show", Args: "DEVICE", Group: groupHistory, MinArgs: 1, MaxArgs: 1,
			Flags:    []Flag{typeFlag, {Name: "at", Value: "TIME|ID", Help: "the capture as it was at a time (2026-11-30, 2026-11-30T14:00, 3h ago as 3h) or version ID"}},
			Summary:  "print a device's captured output: the latest, or as it was at a time",
			Examples: []string{"capture show usa-leaf-001 --type show_running-config", "capture show usa-leaf-001 --at 24h"},
			Run:      runCaptureShow,
		},
		{
			Name: "diff", Args: "DEVICE [DEVICE2] | DEVICE A B", Group: groupHistory, MinArgs: 1, MaxArgs: 3,
			Flags: []Flag{typeFlag,
				{Name: "records", Help: "compare the parsed records, keyed by the template's Key values, instead of the text"},
				{Name: "context", Value: "N", Help: "lines of context around each change (default 3)"}},
			Summary: "what changed in a device's output: its last two captures, two versions, or two devices",
			Help: "diff DEVICE: the last two captures of its type; diff DEVICE A B: versions A and B (ids from captures\n" +
				"or history show); diff DEVICE1 DEVICE2: how one device's latest output differs from another's (clush\n" +
				"--diff habit). With --records, both outputs are parsed and compared as records: rows added, removed\n" +
				"and changed, as a table.",
			Examples: []string{"diff usa-leaf-001 --type show_running-config", "diff usa-leaf-001 usa-leaf-002 --type show_running-config",
				"diff usa-leaf-001 --type show_ip_arp --records"},
			Run: runDiff,
		},
		{
			Name: "changes", Args: "[EXPR]", Group: groupHistory, Raw: true, MaxArgs: 1,
			Flags:    []Flag{typeFlag, {Name: "since", Value: "AGE", Help: "changes in the last AGE (default 24h; 7d...)"}, jsonFlag},
			Summary:  "which devices' output changed, when, and by how many lines",
			Examples: []string{"changes", "changes --since 7d --type show_running-config", `changes site == "usa" |> count by device`},
			Run:      runChanges,
		},
	}
}

// devicesMatching names the devices a selection picks (as select reads
// it: an expression, *, names and ranges); nil when it is empty (all).
func (e *Env) devicesMatching(ctx context.Context, src string) (map[string]bool, error) {
	if strings.TrimSpace(src) == "" {
		return nil, nil
	}
	sel, err := e.resolve(ctx, src)
	if err != nil {
		return nil, err
	}
	out := make(map[string]bool, len(sel.Devices))
	for _, d := range sel.Devices {
		out[d.Name] = true
	}
	return out, nil
}

func captureType(c *Call) (string, error) {
	t := c.String("type", "")
	if t == "" {
		return "", nil
	}
	if err := capture.ValidType(t); err != nil {
		return "", usagef("--type: %v", err)
	}
	return t, nil
}

func runCaptures(ctx context.Context, e *Env, c *Call) (*records.Set, error) {
	typ, err := captureType(c)
	if err != nil {
		return nil, err
	}
	want, err := e.devicesMatching(ctx, c.Text)
	if err != nil {
		return nil, err
	}
	var vs []capture.Version
	err = e.Store.View(ctx, func(t *store.Tx) error {
		var err error
		vs, err = capture.LatestAll(t, typ)
		return err
	})
	if err != nil {
		return nil, err
	}
	set := &records.Set{Columns: []string{"device", "type", "version", "lines", "bytes", "first_seen", "last_seen", "last_run", "command"},
		Empty: "no captures yet: every exec keeps its outputs"}
	for _, v := range vs {
		if want != nil && !want[v.Device] {
			continue
		}
		set.Rows = append(set.Rows, []any{v.Device, v.Type, int(v.ID), v.Lines, v.Bytes, v.FirstSeen, v.LastSeen, int(v.LastRun), v.Command})
	}
	return set, nil
}

func runCapturesSearch(ctx context.Context, e *Env, c *Call) (*records.Set, error) {
	typ, err := captureType(c)
	if err != nil {
		return nil, err
	}
	ms, err := capture.Search(ctx, e.Store, capture.Query{Pattern: c.Args[0], Type: typ})
	if errors.Is(err, capture.ErrPattern) {
		return nil, usagef("%v", err)
	}
	if err != nil {
		return nil, err
	}
	set := &records.Set{Columns: []string{"device", "type", "line", "text", "matches"}, Empty: "no device's latest output matches"}
	for _, m := range ms {
		for _, l := range m.Lines {
			set.Rows = append(set.Rows, []any{m.Device, m.Type, l.Number, l.Text, m.Count})
		}
	}
	return set, nil
}

// pickType is the capture type to show for a device: the one asked, or
// the only one it has.
func pickType(t *store.Tx, device, typ string) (string, error) {
	if typ != "" {
		return typ, nil
	}
	vs, err := capture.LatestAll(t, "")
	if err != nil {
		return "", err
	}
	var types []string
	for _, v := range vs {
		if v.Device == device {
			types = append(types, v.Type)
		}
	}
	switch len(types) {
	case 0:
		return "", fmt.Errorf("no captures of %s yet (see: captures)", device)
	case 1:
		return types[0], nil
	}
	return "", usagef("%s has captures of several types; choose one with --type: %s", device, strings.Join(types, ", "))
}

// parseWhen reads --at: a version id, an age (3h, 7d: that long ago), or
// a date and time.
func parseWhen(v string) (id uint64, at time.Time, err error) {
	if n, err := strconv.ParseUint(v, 10, 64); err == nil {
		return n, time.Time{}, nil
	}
	if age, err := parseAge(v); err == nil {
		return 0, time.Now().Add(-age), nil
	}
	for _, layout := range []string{time.RFC3339, "2006-01-02T15:04:05", "2006-01-02T15:04", "2006-01-02 15:04", "2006-01-02"} {
		if t, err := time.ParseInLocation(layout, v, time.Local); err == nil {
			return 0, t, nil
		}
	}
	return 0, time.Time{}, usagef("--at %q is not a version id, an age (3h, 7d) or a time (2026-11-30T14:00)", v)
}

func runCaptureShow(ctx context.Context, e *Env, c *Call) (*records.Set, error) {
	typ, err := captureType(c)
	if err != nil {
		return nil, err
	}
	device := c.Args[0]
	var text string
	var v capture.Version
	err = e.Store.View(ctx, func(t *store.Tx) error {
		typ, err := pickType(t, device, typ)
		if err != nil {
			return err
		}
		if at := c.String("at", ""); at != "" {
			id, when, err := parseWhen(at)
			if err != nil {
				return err
			}
			if id != 0 {
				v, err = capture.ByID(t, id)
			} else {
				v, err = capture.At(t, typ, device, when)
			}
			if err != nil {
				return err
			}
		} else if v, err = capture.Latest(t, typ, device); err != nil {
			return err
		}
		text, err = capture.Text(t, v)
		return err
	})
	if errors.Is(err, capture.ErrNotFound) {
		return nil, fmt.Errorf("%w for %s (see: captures)", err, device)
	}
	if err != nil {
		return nil, err
	}
	e.saidf("# %s %s, version %d, first seen %s, last seen %s", v.Device, v.Type, v.ID,
		v.FirstSeen.Local().Format("2006-01-02 15:04:05"), v.LastSeen.Local().Format("2006-01-02 15:04:05"))
	return nil, e.page(func(w io.Writer) error {
		_, err := io.WriteString(w, e.shown(text, e.OutTTY))
		return err
	})
}

// shown is device text as it may be printed: with its control characters
// visible on a terminal, byte-exact elsewhere.
func (e *Env) shown(text string, tty bool) string {
	if tty {
		return render.Visible(text)
	}
	return text
}

func runDiff(ctx context.Context, e *Env, c *Call) (*records.Set, error) {
	typ, err := captureType(c)
	if err != nil {
		return nil, err
	}
	context := -1
	if c.Has("context") {
		if context, err = c.Int("context", 3); err != nil || context < 0 {
			return nil, usagef("--context %q is not a number of lines", c.String("context", ""))
		}
	}
	var old, cur capture.Version
	var oldText, curText string
	err = e.Store.View(ctx, func(t *store.Tx) error {
		dev := c.Args[0]
		switch len(c.Args) {
		case 1:
			typ, err := pickType(t, dev, typ)
			if err != nil {
				return err
			}
			vs, err := capture.Versions(t, typ, dev)
			if err != nil {
				return err
			}
			if len(vs) < 2 {
				return fmt.Errorf("%s has one capture of %s so far: nothing to compare it with yet", dev, typ)
			}
			cur, old = vs[0], vs[1]
		case 2:
			if typ == "" {
				return usagef("diff DEVICE1 DEVICE2 needs --type TYPE")
			}
			var err error
			if old, err = capture.Latest(t, typ, dev); err != nil {
				return fmt.Errorf("%s: %w", dev, err)
			}
			if cur, err = capture.Latest(t, typ, c.Args[1]); err != nil {
				return fmt.Errorf("%s: %w", c.Args[1], err)
			}
		case 3:
			for i, a := range c.Args[1:] {
				id, err := strconv.ParseUint(a, 10, 64)
				if err != nil {
					return usagef("diff DEVICE A B: %q is not a version id (see: captures)", a)
				}
				v, err := capture.ByID(t, id)
				if err != nil {
					return err
				}
				if v.Device != dev {
					return usagef("version %d is of %s, not %s", id, v.Device, dev)
				}
				if i == 0 {
					old = v
				} else {
					cur = v
				}
			}
		}
		var err error
		if oldText, err = capture.Text(t, old); err != nil {
			return err
		}
		curText, err = capture.Text(t, cur)
		return err
	})
	if err != nil {
		return nil, err
	}
	if c.Bool("records") {
		return e.diffRecords(ctx, old, cur, oldText, curText)
	}
	d, err := capture.Unified(old.Side(oldText), cur.Side(curText), context)
	if err != nil {
		return nil, err
	}
	if d.Text == "" {
		e.saidf("no difference between version %d and %d", old.ID, cur.ID)
		return nil, nil
	}
	e.saidf("%d %s added, %d removed", d.Added, plural("line", d.Added), d.Removed)
	return nil, e.page(func(w io.Writer) error {
		return render.Diff(w, d.Text, e.renderOptions(e.OutTTY))
	})
}

// diffRecords parses two captures with the template the index chooses for
// their platform and command, and compares them as records.
func (e *Env) diffRecords(ctx context.Context, old, cur capture.Version, oldText, curText string) (*records.Set, error) {
	lib, err := e.library()
	if err != nil {
		return nil, err
	}
	parse := func(v capture.Version, text string) (*records.Set, []string, error) {
		p, err := lib.ParseOutput(ctx, templates.Request{Platform: v.Platform, Command: v.Command}, text)
		if err != nil {
			return nil, nil, fmt.Errorf("%s version %d: %w", v.Device, v.ID, err)
		}
		var keys []string
		for _, name := range p.Selection.Templates {
			if t, err := lib.Template(name); err == nil {
				for _, k := range t.Keys() {
					keys = append(keys, strings.ToLower(k))
				}
			}
		}
		return &records.Set{Columns: p.Result.Fields(), Rows: p.Result.Records}, slices.Compact(keys), nil
	}
	a, keys, err := parse(old, oldText)
	if err != nil {
		return nil, err
	}
	b, _, err := parse(cur, curText)
	if err != nil {
		return nil, err
	}
	out, err := capture.DiffRecords(keys, a, b)
	if err != nil {
		return nil, err
	}
	out.Empty = fmt.Sprintf("no record changed between version %d and %d", old.ID, cur.ID)
	return out, nil
}

func runChanges(ctx context.Context, e *Env, c *Call) (*records.Set, error) {
	typ, err := captureType(c)
	if err != nil {
		return nil, err
	}
	age := 24 * time.Hour
	if v := c.String("since", ""); v != "" {
		if age, err = parseAge(v); err != nil {
			return nil, usagef("--since: %v", err)
		}
	}
	want, err := e.devicesMatching(ctx, c.Text)
	if err != nil {
		return nil, err
	}
	chs, err := capture.Changes(ctx, e.Store, time.Now().Add(-age), typ)
	if err != nil {
		return nil, err
	}
	set := &records.Set{Columns: []string{"device", "type", "when", "version", "previous", "added", "removed", "run"},
		Empty: fmt.Sprintf("no output changed in the last %s", c.String("since", "24h"))}
	for _, ch := range chs {
		if want != nil && !want[ch.Device] {
			continue
		}
		set.Rows = append(set.Rows, []any{ch.Device, ch.Type, ch.When, int(ch.Version), int(ch.Previous), ch.Added, ch.Removed, int(ch.Run)})
	}
	return set, nil
}
