package console

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strconv"
	"strings"

	prompt "github.com/elk-language/go-prompt"
	pstrings "github.com/elk-language/go-prompt/strings"

	"vc/daemon"
	"vc/inventory"
	"vc/jobs"
	"vc/records"
	"vc/store"
)

// snapshot is what completion knows of the store: read once after each
// command that changed it, so that completing never opens the store,
// even at 100,000 devices.
type snapshot struct {
	gen   uint64
	ready bool
	// fresh is set when there is no store yet (a first run).
	fresh bool
	// vault is set when the store has a vault.
	vault   bool
	devices []string
	// values holds, per field an expression can compare, the values the
	// inventory has, sorted.
	values map[string][]string
	// fieldNames are the custom fields' names.
	fieldNames []string
	creds      []string
	kinds      map[store.Kind][]string
	// jobs are the jobs' slugs, views the views' names, schedules the
	// schedules' ids, sorted.
	jobs, views, schedules []string
}

// refreshSnapshot rereads what completion knows, when the store changed.
func (e *Env) refreshSnapshot(ctx context.Context) {
	if _, err := os.Stat(e.Store.Path()); err != nil {
		e.snap = snapshot{fresh: true, ready: true}
		return
	}
	var gen uint64
	var creds, schedules []string
	vaulted := false
	kinds := map[store.Kind][]string{}
	err := e.Store.View(ctx, func(t *store.Tx) error {
		gen = t.Generation()
		if e.snap.ready && !e.snap.fresh && gen == e.snap.gen {
			return nil
		}
		vaulted = t.VaultHeader() != nil
		cs, err := t.Creds()
		if err != nil {
			return err
		}
		for _, c := range cs {
			creds = append(creds, c.Name)
		}
		scheds, err := daemon.List(t)
		if err != nil {
			return err
		}
		for _, s := range scheds {
			schedules = append(schedules, strconv.FormatUint(s.ID, 10))
		}
		for _, k := range []store.Kind{store.KindSite, store.KindRole, store.KindPlatform, store.KindVendor} {
			recs, err := t.ListKind(k)
			if err != nil {
				return err
			}
			for _, r := range recs {
				kinds[k] = append(kinds[k], r.Key())
			}
		}
		return nil
	})
	if err != nil || (e.snap.ready && !e.snap.fresh && gen == e.snap.gen) {
		return
	}
	devs, err := e.Devices(ctx)
	if err != nil {
		return
	}
	sn := snapshot{gen: gen, ready: true, vault: vaulted, creds: creds, kinds: kinds, values: map[string][]string{}, schedules: schedules}
	if js, err := jobs.List(ctx, e.Store); err == nil {
		for _, j := range js {
			sn.jobs = append(sn.jobs, j.Slug)
		}
	}
	sn.views = e.viewNames()
	// withPrefix searches them: each sorted once here, not on every key.
	// (Devices come sorted by name.)
	for _, names := range [][]string{sn.schedules, sn.creds, sn.jobs, sn.views} {
		slices.Sort(names)
	}
	for _, names := range kinds {
		slices.Sort(names)
	}
	sets := map[string]map[string]bool{}
	add := func(field, v string) {
		if v == "" {
			return
		}
		if sets[field] == nil {
			sets[field] = map[string]bool{}
		}
		sets[field][v] = true
	}
	fieldNames := map[string]bool{}
	sn.devices = make([]string, len(devs))
	for i, d := range devs {
		sn.devices[i] = d.Name
		add("site", d.Site)
		add("role", d.Role)
		add("platform", d.Platform)
		add("vendor", d.Vendor)
		add("status", d.Status)
		add("cred", d.Cred)
		for _, t := range d.Tags {
			add("tags", t)
		}
		for k, v := range d.Fields {
			fieldNames[k] = true
			add("fields."+k, v)
		}
	}
	for f, set := range sets {
		sn.values[f] = sortedKeys(set)
	}
	sn.values["tag"] = sn.values["tags"]
	sn.fieldNames = sortedKeys(fieldNames)
	e.snap = sn
}

func sortedKeys(m map[string]bool) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// complete is go-prompt's completer: commands, subcommands, flags, names
// from the inventory, expression fields and values, and the columns of
// the last result after |>.
func (e *Env) complete(d prompt.Document) ([]prompt.Suggest, pstrings.RuneNumber, pstrings.RuneNumber) {
	before := d.TextBeforeCursor()
	end := d.CurrentRuneIndex()
	sugs, word := e.suggest(before)
	return sugs, end - pstrings.RuneNumber(len([]rune(word))), end
}

// maxSuggestions bounds a list: a thousand device names help nobody.
const maxSuggestions = 200

// suggest completes the text typed so far, returning the suggestions and
// the word they replace.
func (e *Env) suggest(before string) ([]prompt.Suggest, string) {
	stmts := splitTop(before, ";")
	stmt := stmts[len(stmts)-1].text
	segs := splitTop(stmt, "|>")
	seg := strings.TrimLeft(segs[len(segs)-1].text, " ")
	word := lastWord(seg)
	words := strings.Fields(seg[:len(seg)-len(word)])
	if len(segs) > 1 {
		return e.suggestStage(words, word)
	}
	if len(words) == 0 {
		if word == "" {
			// An empty line offers nothing until something is typed (or
			// Tab is pressed, which go-prompt completes from the list).
			return nil, word
		}
		return e.suggestCommands(word), word
	}
	cmd, n := e.lookupWords(words)
	if cmd == nil {
		if subs, ok := e.cmds.groups[words[0]]; ok && len(words) == 1 {
			var out []prompt.Suggest
			for _, c := range subs {
				sub := strings.TrimPrefix(c.Name, words[0]+" ")
				out = append(out, prompt.Suggest{Text: sub, Description: c.Summary})
			}
			return filterPrefix(out, word), word
		}
		return nil, word
	}
	if tok := seg[strings.LastIndexAny(seg, " \t")+1:]; strings.Contains(tok, "=") && !strings.ContainsAny(tok, "\"'") {
		key, val, _ := strings.Cut(tok, "=")
		return e.suggestAttrValue(key, val), val
	}
	if strings.HasPrefix(word, "--") {
		var out []prompt.Suggest
		for _, f := range cmd.Flags {
			desc := f.Help
			if f.Value != "" {
				desc = f.Value + ": " + desc
			}
			out = append(out, prompt.Suggest{Text: "--" + f.Name, Description: desc})
		}
		return filterPrefix(out, word), word
	}
	return e.suggestArgs(cmd, words[n:], word, seg)
}

// lastWord is the word being typed: after the last blank or operator.
func lastWord(s string) string {
	i := strings.LastIndexAny(s, " \t()!=<>,[")
	w := s[i+1:]
	// An opening quote belongs to the value being typed.
	return w
}

// lookupWords finds the command the words name and how many it took.
func (e *Env) lookupWords(words []string) (*Command, int) {
	if len(words) >= 2 {
		if c, ok := e.cmds.byName[words[0]+" "+words[1]]; ok {
			return c, 2
		}
	}
	if c, ok := e.cmds.byName[words[0]]; ok {
		return c, 1
	}
	return nil, 0
}

func (e *Env) suggestCommands(word string) []prompt.Suggest {
	var out []prompt.Suggest
	seen := map[string]bool{}
	for _, c := range e.cmds.Commands() {
		if c.Stage {
			continue
		}
		first, _, sub := strings.Cut(c.Name, " ")
		if seen[first] {
			continue
		}
		seen[first] = true
		desc := c.Summary
		if sub {
			desc = "(" + strings.Join(e.subNames(first), ", ") + ")"
			if _, alone := e.cmds.byName[first]; alone {
				desc = e.cmds.byName[first].Summary
			}
		}
		out = append(out, prompt.Suggest{Text: first, Description: desc})
	}
	return filterPrefix(out, word)
}

func (e *Env) subNames(first string) []string {
	var out []string
	for _, c := range e.cmds.groups[first] {
		out = append(out, strings.TrimPrefix(c.Name, first+" "))
	}
	return out
}

// suggestArgs completes a command's arguments from what its usage names.
func (e *Env) suggestArgs(cmd *Command, args []string, word, seg string) ([]prompt.Suggest, string) {
	switch {
	case cmd.Name == "help":
		return e.suggestCommands(word), word
	case cmd.Name == "set" && len(args) == 0:
		var out []prompt.Suggest
		for _, s := range knownSettings() {
			out = append(out, prompt.Suggest{Text: s.name, Description: s.help})
		}
		return filterPrefix(out, word), word
	case cmd.Name == "exec":
		return nil, word
	}
	usage := strings.Fields(cmd.Args)
	switch {
	case slices.ContainsFunc(usage, func(u string) bool { return strings.Contains(u, "EXPR") }):
		return e.suggestExpr(seg, word, cmd.Stage)
	}
	kind := argKind(cmd, len(args))
	switch kind {
	case "file":
		return suggestFiles(word), word
	case "attr":
		k := store.Kind(strings.Fields(cmd.Name)[0])
		var out []prompt.Suggest
		for _, a := range store.AttrNames(k) {
			out = append(out, prompt.Suggest{Text: a + "="})
		}
		return filterPrefix(out, word), word
	case "":
		return nil, word
	}
	return names(withPrefix(e.namesOf(kind), word), ""), word
}

// withPrefix are the names in sorted (which must be) that start with
// prefix, found by a binary search and at most maxSuggestions of them:
// 100,000 device names cost a few microseconds, not a pass over all of
// them.
func withPrefix(sorted []string, prefix string) []string {
	i, _ := slices.BinarySearch(sorted, prefix)
	j := i
	for j < len(sorted) && j-i < maxSuggestions && strings.HasPrefix(sorted[j], prefix) {
		j++
	}
	return sorted[i:j]
}

// argKind reads what a command's n-th argument names from its usage:
// NAME of a device command is a device, DEVICE a device, FILE a path,
// KEY=VALUE an attribute.
func argKind(cmd *Command, n int) string {
	usage := strings.Fields(cmd.Args)
	var u string
	switch {
	case n < len(usage):
		u = usage[n]
	case len(usage) > 0 && strings.HasSuffix(strings.Trim(usage[len(usage)-1], "[]"), "..."):
		u = usage[len(usage)-1]
	default:
		return ""
	}
	u = strings.Trim(u, "[]")
	u = strings.TrimSuffix(u, "...")
	noun, verb, _ := strings.Cut(cmd.Name, " ")
	switch {
	case strings.Contains(u, "FILE") || u == "DIR":
		return "file"
	case strings.Contains(u, "KEY=VALUE"):
		return "attr"
	case u == "DEVICE":
		return "device"
	case u == "SLUG" || u == "JOB" || strings.HasPrefix(u, "SLUG|") || noun == "job" && u == "OLD":
		return "job"
	case u == "VIEW":
		return "view"
	case u == "ID" && noun == "schedule":
		return "schedule"
	case u == "NAME" && verb != "add" && verb != "":
		return noun
	}
	return ""
}

// namesOf lists the names of a kind of record.
func (e *Env) namesOf(kind string) []string {
	switch kind {
	case "device":
		return e.snap.devices
	case "cred":
		return e.snap.creds
	case "job":
		return e.snap.jobs
	case "view", "views":
		return e.snap.views
	case "schedule":
		return e.snap.schedules
	case "templates":
		if lib, err := e.library(); err == nil {
			entries, _ := lib.List("")
			var out []string
			for _, en := range entries {
				out = append(out, en.Name)
			}
			slices.Sort(out)
			return out
		}
	}
	return e.snap.kinds[store.Kind(kind)]
}

// suggestAttrValue completes the value of KEY=VAL with the records it
// can name.
func (e *Env) suggestAttrValue(key, val string) []prompt.Suggest {
	var vals []string
	switch key {
	case "site", "role", "platform", "vendor":
		vals = e.snap.kinds[store.Kind(key)]
	case "cred":
		vals = e.snap.creds
	case "status":
		vals = []string{"active", "decommissioning", "offline", "planned"} // sorted, for withPrefix
	case "hostkey":
		vals = []string{"check", "ignore"}
	case "jump":
		vals = e.snap.devices
	default:
		return nil
	}
	return names(withPrefix(vals, val), "")
}

// suggestExpr completes inside a selection or where expression: field
// names, or after FIELD == " the values the field has.
func (e *Env) suggestExpr(seg, word string, stage bool) ([]prompt.Suggest, string) {
	fields, values := inventory.EnvFields, e.snap.values
	if stage || strings.HasPrefix(strings.TrimSpace(seg), "where") {
		fields, values = e.resultColumns(), e.resultValues()
	}
	if strings.HasPrefix(word, "\"") {
		// A value: which field does it compare with?
		if f := comparedField(seg[:len(seg)-len(word)]); f != "" {
			vals := values[f]
			if f == "name" && !stage {
				vals = e.snap.devices
			}
			vals = withPrefix(vals, strings.TrimPrefix(word, `"`))
			out := make([]prompt.Suggest, 0, len(vals))
			for _, v := range vals {
				out = append(out, prompt.Suggest{Text: `"` + v + `"`})
			}
			return out, word
		}
		return nil, word
	}
	var out []prompt.Suggest
	for _, f := range fields {
		out = append(out, prompt.Suggest{Text: f})
	}
	if !stage {
		for _, f := range e.snap.fieldNames {
			out = append(out, prompt.Suggest{Text: "fields." + f, Description: "custom field"})
		}
	}
	return filterPrefix(out, word), word
}

// comparedField finds FIELD in text ending with `FIELD ==` (or !=, in).

func comparedField(text string) string {
	t := strings.TrimRight(text, " ")
	for _, op := range []string{"==", "!=", " in [", " in", "startsWith", "endsWith", "contains", "matches"} {
		if rest, ok := strings.CutSuffix(t, op); ok {
			t = strings.TrimRight(rest, " ")
			i := strings.LastIndexAny(t, " ()!&|")
			return t[i+1:]
		}
	}
	if strings.HasSuffix(t, ",") {
		// inside a list: ... in ["a",
		if j := strings.LastIndex(t, " in ["); j >= 0 {
			return comparedField(t[:j] + " in")
		}
	}
	return ""
}

// resultColumns are the last result's columns, for stages.
func (e *Env) resultColumns() []string {
	if e.last == nil {
		return nil
	}
	var cols []string
	for _, s := range e.last.Sections() {
		for _, c := range s.Columns {
			if !slices.Contains(cols, c) {
				cols = append(cols, c)
			}
		}
	}
	return cols
}

// resultValues are a few distinct values of each of the last result's
// columns.
func (e *Env) resultValues() map[string][]string {
	out := map[string][]string{}
	if e.last == nil {
		return out
	}
	for _, s := range e.last.Sections() {
		for i, c := range s.Columns {
			seen := map[string]bool{}
			for _, row := range s.Rows {
				if len(seen) >= maxSuggestions {
					break
				}
				if i < len(row) {
					if v := records.Text(row[i]); v != "" {
						seen[v] = true
					}
				}
			}
			out[c] = append(out[c], sortedKeys(seen)...)
		}
	}
	// Several sections' values together, sorted again for withPrefix.
	for c, vals := range out {
		slices.Sort(vals)
		out[c] = slices.Compact(vals)
	}
	return out
}

// suggestStage completes after |>: a stage, then its columns.
func (e *Env) suggestStage(words []string, word string) ([]prompt.Suggest, string) {
	if len(words) == 0 {
		var out []prompt.Suggest
		for _, c := range e.cmds.Commands() {
			if c.Stage {
				out = append(out, prompt.Suggest{Text: c.Name, Description: c.Summary})
			}
		}
		return filterPrefix(out, word), word
	}
	st, ok := e.cmds.byName[words[0]]
	if !ok || !st.Stage {
		return nil, word
	}
	if st.Name == "where" {
		return e.suggestExpr(strings.Join(words, " ")+" "+word, word, true)
	}
	// Columns may be listed with commas: complete the last one.
	if i := strings.LastIndexByte(word, ','); i >= 0 {
		head := word[:i+1]
		sugs, _ := e.suggestStage(words, word[i+1:])
		for j := range sugs {
			sugs[j].Text = head + sugs[j].Text
		}
		return sugs, word
	}
	var out []prompt.Suggest
	for _, c := range e.resultColumns() {
		out = append(out, prompt.Suggest{Text: c})
	}
	if st.Name == "count" && len(words) == 1 {
		out = []prompt.Suggest{{Text: "by", Description: "count per value of columns"}}
	}
	return filterPrefix(out, word), word
}

func names(vals []string, prefix string) []prompt.Suggest {
	out := make([]prompt.Suggest, 0, min(len(vals), maxSuggestions))
	for _, v := range vals {
		out = append(out, prompt.Suggest{Text: prefix + v})
	}
	return out
}

// filterPrefix keeps the suggestions that start with word, at most
// maxSuggestions of them.
func filterPrefix(sugs []prompt.Suggest, word string) []prompt.Suggest {
	out := sugs[:0:0]
	for _, s := range sugs {
		if strings.HasPrefix(s.Text, word) {
			out = append(out, s)
			if len(out) == maxSuggestions {
				break
			}
		}
	}
	return out
}

// suggestFiles completes a path.
func suggestFiles(word string) []prompt.Suggest {
	dir, base := filepath.Split(word)
	look := dir
	if look == "" {
		look = "."
	}
	entries, err := os.ReadDir(look)
	if err != nil {
		return nil
	}
	var out []prompt.Suggest
	for _, en := range entries {
		if !strings.HasPrefix(en.Name(), base) || strings.HasPrefix(en.Name(), ".") && !strings.HasPrefix(base, ".") {
			continue
		}
		name := dir + en.Name()
		if en.IsDir() {
			name += "/"
		}
		out = append(out, prompt.Suggest{Text: name})
		if len(out) == maxSuggestions {
			break
		}
	}
	return out
}
