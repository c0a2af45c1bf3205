package console

import (
	"context"
	"fmt"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"
	"vc/records"
)

// Command is one entry of the command table. Help, completion and the
// parser all read it; nothing else describes a command.
type Command struct {
	// Name is one or two words: "select", "device add".
	Name string
	// Args describes the positional arguments for help: "NAME [KEY=VALUE...]".
	Args    string
	Summary string
	// Help is the longer description shown by `help NAME`.
	Help     string
	Flags    []Flag
	Examples []string
	// MinArgs and MaxArgs bound the positional arguments; MaxArgs < 0 means
	// no limit. Raw commands count their text as one argument.
	MinArgs, MaxArgs int
	// Raw commands take the rest of the line as one text (an expression, a
	// device command) instead of words.
	Raw bool
	// Verbatim raw commands keep trailing --flags as part of the text: the
	// device, not vc, gets to read them.
	Verbatim bool
	// Stage commands work on the last result, alone or after |>.
	Stage bool
	// Group orders `help`.
	Group string
	// Run does the work; a result, if any, goes through the stages and is
	// printed.
	Run func(ctx context.Context, env *Env, c *Call) (*records.Set, error)
	// Apply is a stage's work on a result.
	Apply func(ctx context.Context, env *Env, c *Call, in *records.Set) (*records.Set, error)
}

// Flag is a --flag of a command.
type Flag struct {
	Name string
	// Value names the flag's argument in help; empty for a boolean flag.
	Value string
	Help  string
	// Many lets the flag be given several times (--filter a=1 --filter
	// b=2); Call.Strings has every value.
	Many bool
}

// Call is one parsed command line.
type Call struct {
	Cmd *Command
	// Line is the command as typed, stages not included.
	Line  string
	Args  []string
	Text  string
	Flags map[string]string
	// Multi holds every value of the flags that may come several times.
	Multi  map[string][]string
	Stages []*Call
	// DashDash says a raw command's text followed a lone --.
	DashDash bool
}

// Has reports whether flag name was given.
func (c *Call) Has(name string) bool { _, ok := c.Flags[name]; return ok }

// Bool is a boolean flag's value.
func (c *Call) Bool(name string) bool {
	v, ok := c.Flags[name]
	return ok && v != "false" && v != "no"
}

// String is a value flag's value, or def if it was not given.
func (c *Call) String(name, def string) string {
	if v, ok := c.Flags[name]; ok {
		return v
	}
	return def
}

// Duration is a duration flag's value, or def.
func (c *Call) Duration(name string, def time.Duration) (time.Duration, error) {
	v, ok := c.Flags[name]
	if !ok {
		return def, nil
	}
	d, err := time.ParseDuration(v)
	if err != nil || d < 0 {
		return 0, usagef("--%s %q is not a duration such as 30s or 5m", name, v)
	}
	return d, nil
}

// Int is an integer flag's value, or def.
func (c *Call) Int(name string, def int) (int, error) {
	v, ok := c.Flags[name]
	if !ok {
		return def, nil
	}
	n, err := strconv.Atoi(v)
	if err != nil {
		return 0, usagef("--%s %q is not a whole number", name, v)
	}
	return n, nil
}

// Table is the command table, indexed by name.
type Table struct {
	cmds   []*Command
	byName map[string]*Command
	// groups maps a first word that has subcommands ("device") to them.
	groups map[string][]*Command
}

func newTable(lists ...[]*Command) *Table {
	t := &Table{byName: map[string]*Command{}, groups: map[string][]*Command{}}
	for _, l := range lists {
		for _, c := range l {
			if _, dup := t.byName[c.Name]; dup {
				panic("console: command " + c.Name + " defined twice")
			}
			if c.Raw && c.MaxArgs == 0 {
				c.MaxArgs = 1
			}
			t.cmds = append(t.cmds, c)
			t.byName[c.Name] = c
			if first, _, ok := strings.Cut(c.Name, " "); ok {
				t.groups[first] = append(t.groups[first], c)
			}
		}
	}
	sort.Slice(t.cmds, func(i, j int) bool { return t.cmds[i].Name < t.cmds[j].Name })
	return t
}

// Lookup finds a command by its full name.
func (t *Table) Lookup(name string) (*Command, bool) {
	c, ok := t.byName[name]
	return c, ok
}

// Commands lists every command, sorted by name.
func (t *Table) Commands() []*Command { return t.cmds }

// resolve finds the command a line starts with and how many words its
// name took.
func (t *Table) resolve(toks []token) (*Command, int, error) {
	if len(toks) == 0 {
		return nil, 0, usagef("empty command")
	}
	first := toks[0].text
	if len(toks) > 1 {
		if c, ok := t.byName[first+" "+toks[1].text]; ok {
			return c, 2, nil
		}
	}
	if c, ok := t.byName[first]; ok {
		return c, 1, nil
	}
	if subs, ok := t.groups[first]; ok {
		var names []string
		for _, s := range subs {
			names = append(names, strings.TrimPrefix(s.Name, first+" "))
		}
		if len(toks) == 1 {
			return nil, 0, usagef("%s: which one? %s (see: help %s)", first, strings.Join(names, ", "), first)
		}
		return nil, 0, usagef("%s: unknown subcommand %q; one of %s (see: help %s)", first, toks[1].text, strings.Join(names, ", "), first)
	}
	return nil, 0, usagef("unknown command %q (see: help)%s", first, t.suggest(first))
}

// suggest names a command close to a mistyped one.
func (t *Table) suggest(w string) string {
	best, dist := "", 3
	for _, c := range t.cmds {
		name, _, _ := strings.Cut(c.Name, " ")
		if d := editDistance(w, name); d < dist {
			best, dist = name, d
		}
	}
	if best == "" {
		return ""
	}
	return fmt.Sprintf("; did you mean %q?", best)
}

func editDistance(a, b string) int {
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}

// Parse reads one command (no ';') into a Call, with its |> stages.
func (t *Table) Parse(line string) (*Call, error) {
	segs := splitTop(line, "|>")
	call, err := t.parseOne(segs[0].text)
	if err != nil {
		return nil, err
	}
	for _, s := range segs[1:] {
		st, err := t.parseOne(s.text)
		if err != nil {
			return nil, fmt.Errorf("|> %s: %w", strings.TrimSpace(s.text), err)
		}
		if !st.Cmd.Stage {
			return nil, usagef("|> %s: not a record stage; stages are %s", st.Cmd.Name, strings.Join(t.stageNames(), ", "))
		}
		call.Stages = append(call.Stages, st)
	}
	return call, nil
}

func (t *Table) stageNames() []string {
	var names []string
	for _, c := range t.cmds {
		if c.Stage {
			names = append(names, c.Name)
		}
	}
	return names
}

func (t *Table) parseOne(text string) (*Call, error) {
	toks, err := words(text)
	if err != nil {
		return nil, err
	}
	cmd, n, err := t.resolve(toks)
	if err != nil {
		return nil, err
	}
	rest := toks[n:]
	if asksHelp(cmd, rest) {
		if h, ok := t.byName["help"]; ok {
			return &Call{Cmd: h, Line: "help " + cmd.Name, Args: strings.Fields(cmd.Name), Flags: map[string]string{}}, nil
		}
	}
	c := &Call{Cmd: cmd, Line: strings.TrimSpace(text), Flags: map[string]string{}}
	if cmd.Raw {
		i, err := c.takeFlags(rest, true)
		if err != nil {
			return nil, err
		}
		if i < len(rest) {
			end := len(text)
			if !cmd.Verbatim {
				end = c.takeTrailingFlags(text, rest[i:])
			}
			c.Text = strings.TrimSpace(text[rest[i].start:end])
		}
		if c.Text != "" {
			c.Args = []string{c.Text}
		}
	} else if _, err := c.takeFlags(rest, false); err != nil {
		return nil, err
	}
	if len(c.Args) < cmd.MinArgs {
		return nil, usagef("%s: missing arguments; usage: %s", cmd.Name, usageLine(cmd))
	}
	if cmd.MaxArgs >= 0 && len(c.Args) > cmd.MaxArgs {
		// The extra words are not repeated: they may be a password typed
		// in the wrong place.
		extra := len(c.Args) - cmd.MaxArgs
		what := fmt.Sprintf("%d more %s than it takes", extra, plural("word", extra))
		if cmd.MaxArgs == 0 {
			what = fmt.Sprintf("it takes no arguments, %d given", extra)
		}
		return nil, &extraArgsError{usageError{fmt.Sprintf("%s: %s; usage: %s", cmd.Name, what, usageLine(cmd))}}
	}
	return c, nil
}

// asksHelp reports a --help (or -h) among a command's words: anywhere
// before a lone -- (device sync netbox --help), or as the first word of a
// raw command, whose later words are the device's (exec -h is vc's help,
// exec show ip arp -h is sent as typed).
func asksHelp(cmd *Command, rest []token) bool {
	for i, tk := range rest {
		if tk.text == "--" || (cmd.Raw && i > 0) {
			return false
		}
		if tk.text == "--help" || tk.text == "-h" {
			return true
		}
	}
	return false
}

// takeFlags reads --flags from toks. For raw commands it stops at the first
// word that is not a flag and returns its index; otherwise flags and words
// may mix and the words become Args. A lone -- ends the flags.
func (c *Call) takeFlags(toks []token, raw bool) (int, error) {
	for i := 0; i < len(toks); i++ {
		w := toks[i].text
		if w == "--" {
			if raw {
				c.DashDash = true
				return i + 1, nil
			}
			for _, t := range toks[i+1:] {
				c.Args = append(c.Args, t.text)
			}
			return len(toks), nil
		}
		if !strings.HasPrefix(w, "--") || len(w) == 2 {
			if raw {
				return i, nil
			}
			c.Args = append(c.Args, w)
			continue
		}
		name, val, hasVal := strings.Cut(w[2:], "=")
		f, ok := c.Cmd.flag(name)
		if !ok {
			return 0, usagef("%s: unknown flag --%s%s", c.Cmd.Name, name, c.Cmd.flagList())
		}
		switch {
		case f.Value == "" && !hasVal:
			val = "true"
		case f.Value != "" && !hasVal:
			if i+1 >= len(toks) {
				return 0, usagef("%s: --%s needs a value (%s)", c.Cmd.Name, name, f.Value)
			}
			i++
			val = toks[i].text
		}
		if f.Many {
			if c.Multi == nil {
				c.Multi = map[string][]string{}
			}
			c.Multi[name] = append(c.Multi[name], val)
		}
		c.Flags[name] = val
	}
	return len(toks), nil
}

// Strings is every value of a flag given several times.
func (c *Call) Strings(name string) []string { return c.Multi[name] }

// takeTrailingFlags lets a raw command end with boolean flags
// (device list site=="usa" --json) and returns where its text ends.
func (c *Call) takeTrailingFlags(text string, toks []token) int {
	end := len(text)
	for i := len(toks) - 1; i > 0; i-- {
		w := toks[i].text
		if !strings.HasPrefix(w, "--") {
			break
		}
		f, ok := c.Cmd.flag(strings.TrimPrefix(w, "--"))
		if !ok || f.Value != "" {
			break
		}
		c.Flags[f.Name] = "true"
		end = toks[i].start
	}
	return end
}

func (cmd *Command) flag(name string) (Flag, bool) {
	for _, f := range cmd.Flags {
		if f.Name == name {
			return f, true
		}
	}
	return Flag{}, false
}

func (cmd *Command) flagList() string {
	if len(cmd.Flags) == 0 {
		return "; it takes no flags"
	}
	var names []string
	for _, f := range cmd.Flags {
		names = append(names, "--"+f.Name)
	}
	return "; flags: " + strings.Join(names, " ")
}

func usageLine(cmd *Command) string {
	var b strings.Builder
	b.WriteString(cmd.Name)
	flags := slices.Clone(cmd.Flags)
	for _, f := range flags {
		switch {
		case f.Value == "":
			fmt.Fprintf(&b, " [--%s]", f.Name)
		case f.Many:
			fmt.Fprintf(&b, " [--%s %s]...", f.Name, f.Value)
		default:
			fmt.Fprintf(&b, " [--%s %s]", f.Name, f.Value)
		}
	}
	if cmd.Args != "" {
		b.WriteString(" " + cmd.Args)
	}
	return b.String()
}

// StageLines are the stages of a call as typed, for a run to record.
func (c *Call) StageLines() []string {
	out := make([]string, len(c.Stages))
	for i, st := range c.Stages {
		out[i] = st.Line
	}
	return out
}
