package console

import (
	"context"
	"fmt"
	"io"
	"runtime"
	"slices"
	"sort"
	"strings"
	"text/tabwriter"
	"vc/records"

	"vc/store"
)

func sessionCommands() []*Command {
	return []*Command{
		{
			Name: "help", Args: "[COMMAND]", Group: groupSession, MaxArgs: 2,
			Summary:  "list the commands, or explain one",
			Help:     "With no argument, lists every command with its summary. With a command (or the first word of a group, such as device), shows its usage, flags and examples. `help exit-codes` lists the exit statuses.",
			Examples: []string{"help", "help device import", "help select", "help exit-codes"},
			Run:      runHelp,
		},
		{
			Name: "version", Group: groupSession, Summary: "print vc's version",
			Examples: []string{"version"},
			Run: func(ctx context.Context, e *Env, c *Call) (*records.Set, error) {
				fmt.Fprintf(e.Out, "vc %s (%s, %s/%s)\n", e.version, runtime.Version(), runtime.GOOS, runtime.GOARCH)
				return nil, nil
			},
		},
		{
			Name: "about", Group: groupSession, Flags: []Flag{jsonFlag},
			Summary:  "show vc's version, paths and what the store holds",
			Examples: []string{"about", "about --json"},
			Run:      runAbout,
		},
		{
			Name: "set", Args: "[NAME [VALUE]]", Group: groupSession, MaxArgs: -1,
			Summary: "set a variable or a session setting; alone, list them",
			Help: "Variables are used as $NAME or ${NAME} in later commands. Settings change how the session behaves:\n" +
				settingsHelp() + "\nA setting's value is checked; a variable takes any text (quote it to keep spaces).",
			Examples: []string{"set site usa", "select site == \"$site\"", "set errexit off", "set"},
			Run:      runSet,
		},
		{
			Name: "unset", Args: "NAME", Group: groupSession, MinArgs: 1, MaxArgs: 1,
			Summary:  "forget a variable",
			Examples: []string{"unset site"},
			Run: func(ctx context.Context, e *Env, c *Call) (*records.Set, error) {
				if _, ok := e.vars[c.Args[0]]; !ok {
					return nil, fmt.Errorf("no variable %q", c.Args[0])
				}
				delete(e.vars, c.Args[0])
				return nil, nil
			},
		},
		{
			Name: "echo", Args: "WORD...", Group: groupSession, MaxArgs: -1,
			Summary:  "print words, after variable substitution",
			Examples: []string{"echo checking $site", `echo "two  spaces kept"`},
			Run: func(ctx context.Context, e *Env, c *Call) (*records.Set, error) {
				fmt.Fprintln(e.Out, strings.Join(c.Args, " "))
				return nil, nil
			},
		},
		{
			Name: "quit", Group: groupSession, Summary: "leave the console (also: exit, Ctrl-D)",
			Examples: []string{"quit"},
			Run:      func(context.Context, *Env, *Call) (*records.Set, error) { return nil, errQuit },
		},
		{
			Name: "exit", Group: groupSession, Summary: "leave the console (also: quit, Ctrl-D)",
			Examples: []string{"exit"},
			Run:      func(context.Context, *Env, *Call) (*records.Set, error) { return nil, errQuit },
		},
	}
}

func settingsHelp() string {
	var b strings.Builder
	for _, s := range knownSettings() {
		fmt.Fprintf(&b, "  %-14s %s (default %s)\n", s.name, s.help, s.def)
	}
	return b.String()
}

func runSet(ctx context.Context, e *Env, c *Call) (*records.Set, error) {
	if len(c.Args) == 0 {
		res := &records.Set{Columns: []string{"name", "value", "kind"}}
		for _, s := range knownSettings() {
			res.Rows = append(res.Rows, []any{s.name, e.settings[s.name], "setting"})
		}
		names := make([]string, 0, len(e.vars))
		for n := range e.vars {
			names = append(names, n)
		}
		sort.Strings(names)
		for _, n := range names {
			res.Rows = append(res.Rows, []any{n, e.vars[n], "variable"})
		}
		return res, nil
	}
	name := c.Args[0]
	if err := checkVarName(name); err != nil {
		return nil, err
	}
	value := strings.Join(c.Args[1:], " ")
	for _, s := range knownSettings() {
		if s.name == name {
			if len(c.Args) == 1 {
				return nil, usagef("set %s needs a value: %s", name, s.help)
			}
			v, err := s.check(value)
			if err != nil {
				return nil, usagef("set %s: %v", name, err)
			}
			e.settings[name] = v
			e.settingChanged(name)
			return nil, nil
		}
	}
	e.vars[name] = value
	return nil, nil
}

func checkVarName(name string) error {
	for i, r := range name {
		if !(r == '_' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || i > 0 && (r >= '0' && r <= '9' || r == '-')) {
			return usagef("%q is not a variable name: use letters, digits, _ and -, starting with a letter", name)
		}
	}
	return nil
}

func runAbout(ctx context.Context, e *Env, c *Call) (*records.Set, error) {
	counts := map[store.Kind]int{}
	err := e.Store.View(ctx, func(t *store.Tx) error {
		for _, k := range store.Kinds {
			counts[k] = t.Count(k)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	u, err := e.Store.Usage(ctx)
	if err != nil {
		return nil, err
	}
	res := &records.Set{Record: true,
		Columns: []string{"version", "go", "home", "store", "store_bytes", "store_in_use", "history", "schema", "devices", "sites", "platforms", "roles", "vendors"},
		Rows: [][]any{{e.version, runtime.Version(), e.Home, e.Store.Path(), int(u.File), int(u.InUse), e.Home + "/history", store.SchemaVersion,
			counts[store.KindDevice], counts[store.KindSite], counts[store.KindPlatform], counts[store.KindRole], counts[store.KindVendor]}},
	}
	return res, nil
}

func runHelp(ctx context.Context, e *Env, c *Call) (*records.Set, error) {
	return nil, e.page(func(out io.Writer) error {
		w := tabwriter.NewWriter(out, 2, 4, 2, ' ', 0)
		defer w.Flush()
		return e.writeHelp(w, c.Args)
	})
}

// groupSummaries say in a few words what each help group is for.
var groupSummaries = map[string]string{
	groupSelect:    "choose the devices to work on",
	groupRun:       "run commands on them",
	groupHistory:   "runs remembered, outputs kept, what changed",
	groupJobs:      "saved runs, by name, tag or pattern",
	groupSchedule:  "jobs run when due, by the daemon",
	groupInventory: "devices, sites, roles, platforms, vendors",
	groupVault:     "the vault and credentials",
	groupRecords:   "work on results: where, sort, cols, count...; templates",
	groupSession:   "variables, settings, help",
	groupStore:     "backup and restore",
	groupLab:       "a simulated fleet to practise on",
}

func (e *Env) writeHelp(w *tabwriter.Writer, args []string) error {
	width := 100
	if e.OutTTY && e.Width != nil && e.Width() > 0 {
		width = e.Width()
	}
	if len(args) == 0 {
		fmt.Fprintln(w, "vc: select devices, run commands on all of them, read the answers as one table.")
		fmt.Fprintln(w)
		for _, g := range groupOrder() {
			var names []string
			seen := map[string]bool{}
			for _, cmd := range e.cmds.Commands() {
				first, _, _ := strings.Cut(cmd.Name, " ")
				if cmd.Group == g && !seen[first] {
					seen[first] = true
					names = append(names, first)
				}
			}
			if len(names) == 0 {
				continue
			}
			line := fmt.Sprintf("  %-10s %s: %s", g, groupSummaries[g], strings.Join(names, ", "))
			fmt.Fprintln(w, wrapIndent(line, width, 13))
		}
		fmt.Fprintln(w, "\nhelp GROUP lists a group's commands, help COMMAND explains one (so does COMMAND --help, or ? at\n"+
			"the end of a line). help select explains the expression language; help exit-codes the exit statuses.")
		return nil
	}
	name := strings.Join(args, " ")
	if name == "exit-codes" {
		for _, d := range exitCodes() {
			fmt.Fprintf(w, "  %d\t%s\n", d.code, d.text)
		}
		return nil
	}
	if cmd, ok := e.cmds.Lookup(name); ok {
		writeCommandHelp(w, cmd)
		return nil
	}
	if subs, ok := e.cmds.groups[name]; ok {
		for _, cmd := range subs {
			fmt.Fprintf(w, "  %s\t%s\n", cmd.Name, cmd.Summary)
		}
		return nil
	}
	if slices.Contains(groupOrder(), name) {
		fmt.Fprintf(w, "%s: %s\n\n", name, groupSummaries[name])
		for _, cmd := range e.cmds.Commands() {
			if cmd.Group == name {
				fmt.Fprintf(w, "  %s\t%s\n", cmd.Name, cmd.Summary)
			}
		}
		return nil
	}
	toks := []token{{text: args[0]}}
	_, _, err := e.cmds.resolve(toks)
	return err
}

// wrapIndent wraps a line at width, continuing at indent.
func wrapIndent(line string, width, indent int) string {
	if width < 40 || len(line) <= width {
		return line
	}
	var b strings.Builder
	col := 0
	for i, word := range strings.Fields(line) {
		switch {
		case i == 0:
			b.WriteString("  " + word)
			col = 2 + len(word)
		case col+1+len(word) > width:
			b.WriteString("\n" + strings.Repeat(" ", indent) + word)
			col = indent + len(word)
		default:
			if i == 1 {
				// The group name's column is kept.
				pad := max(1, indent-col-0)
				b.WriteString(strings.Repeat(" ", pad) + word)
				col += pad + len(word)
				continue
			}
			b.WriteString(" " + word)
			col += 1 + len(word)
		}
	}
	return b.String()
}

func writeCommandHelp(w *tabwriter.Writer, cmd *Command) {
	fmt.Fprintf(w, "usage: %s\n\n  %s\n", usageLine(cmd), cmd.Summary)
	if cmd.Help != "" {
		fmt.Fprintf(w, "\n%s\n", indent(cmd.Help, "  "))
	}
	if len(cmd.Flags) > 0 {
		fmt.Fprintln(w, "\nflags:")
		for _, f := range cmd.Flags {
			name := "--" + f.Name
			if f.Value != "" {
				name += " " + f.Value
			}
			fmt.Fprintf(w, "  %s\t%s\n", name, f.Help)
		}
	}
	if len(cmd.Examples) > 0 {
		fmt.Fprintln(w, "\nexamples:")
		for _, ex := range cmd.Examples {
			fmt.Fprintf(w, "  %s\n", ex)
		}
	}
}

func indent(s, prefix string) string {
	lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
	for i, l := range lines {
		if l != "" {
			lines[i] = prefix + l
		}
	}
	return strings.Join(lines, "\n")
}
