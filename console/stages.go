package console

import (
	"context"
	"errors"
	"slices"
	"strconv"
	"strings"

	"vc/records"
)

func stageCommands() []*Command {
	return []*Command{
		{
			Name: "where", Args: "EXPR", Raw: true, MinArgs: 1, MaxArgs: 1,
			Summary: "keep the records for which EXPR is true",
			Help: "EXPR is an expr-lang expression over the record's columns (lower-case, as in the table header).\n" +
				"Cells that read as numbers are numbers (write vlan == 10, not \"10\"); a record whose cells cannot be\n" +
				"compared as asked (age > 5 where age is \"-\") does not match.",
			Examples: []string{`where mac_address startsWith "001c"`, `where age > 5 && interface matches "^Vlan"`, `device list |> where "pci" in tags`},
			Apply:    applyWhere,
		},
		{
			Name: "sort", Args: "FIELD[,FIELD...] [desc]", MinArgs: 1, MaxArgs: 2,
			Summary:  "sort records by one or more columns (numbers and addresses in natural order)",
			Examples: []string{"sort device", "sort ip_address", "sort age desc", "device list |> sort site,name"},
			Apply:    applySort,
		},
		{
			Name: "cols", Args: "COL[,COL...]", MinArgs: 1, MaxArgs: -1,
			Summary:  "keep only these columns, in this order",
			Examples: []string{"cols device,ip_address,mac_address", "device list |> cols name ip"},
			Apply:    applyCols,
		},
		{
			Name: "count", Args: "[by FIELD[,FIELD...]]", MaxArgs: 2,
			Summary:  "count the records, or count them per value of a column",
			Examples: []string{"count", "count by interface", "device list |> count by site"},
			Apply:    applyCount,
		},
		{
			Name: "head", Args: "[N]", MaxArgs: 1,
			Summary:  "keep the first N records (default 10)",
			Examples: []string{"head", "head 3"},
			Apply:    applyHead,
		},
		{
			Name: "distinct", Args: "[COL[,COL...]]", MaxArgs: -1,
			Summary:  "keep one record per distinct value (or combination) of columns, in the order first seen",
			Examples: []string{"distinct interface", "device list |> distinct site,role", "exec show ip arp |> distinct interface"},
			Apply: func(_ context.Context, _ *Env, c *Call, in *records.Set) (*records.Set, error) {
				return records.Distinct(in, columnList(c.Args))
			},
		},
		{
			Name: "vertical", Summary: "print each record as a block of field: value lines (psql's \\x)",
			Examples: []string{"device show usa-leaf-001", "exec show version |> vertical"},
			Apply:    formatStage("vertical"),
		},
		{
			Name: "json", Summary: "print the records as JSON", Examples: []string{"device list |> json"},
			Apply: formatStage("json"),
		},
		{
			Name: "csv", Summary: "print the records as CSV", Examples: []string{"device list |> csv"},
			Apply: formatStage("csv"),
		},
		{
			Name: "table", Summary: "print the records as a table (the default)", Examples: []string{"selection |> table"},
			Apply: formatStage("table"),
		},
		{
			Name: "raw", Summary: "print each device's output as it came, every line prefixed with the device",
			Examples: []string{"exec show clock |> raw", "exec show version |> raw |> where device matches \"^usa\""},
			Apply:    formatStage("raw"),
		},
		{
			Name: "fold", Summary: "print each distinct output once, headed by the devices that gave it",
			Examples: []string{"exec show clock |> fold", "fold"},
			Apply:    formatStage("fold"),
		},
	}
}

// resultCommand prints the session's last result again, and lets stages
// work on it as if typed after the command that made it.
func resultCommand() *Command {
	return &Command{
		Name: "result", Group: groupRecords, Flags: []Flag{jsonFlag},
		Summary: "print the last command's records again (stages typed after it apply to them)",
		Help: "Commands that make records (exec, device list, history...) leave them as the session's result;\n" +
			"a stage run alone (cols, where, sort...) works on that result and leaves it as it was, so\n" +
			"cols a,b then cols c both work on the exec. Commands that make no records (help, set, echo) leave\n" +
			"it alone.",
		Examples: []string{"result", "result |> cols device,ip_address", "result --json"},
		Run: func(ctx context.Context, e *Env, c *Call) (*records.Set, error) {
			if e.last == nil {
				return nil, errors.New("no result yet; run a command that prints records first (device list, exec ...)")
			}
			// The stages go on a copy: the result stays as it was.
			cp := *e.last
			return &cp, nil
		},
	}
}

// finishStages gives every stage its group and lets it run alone, on the
// session's last result.
func finishStages(cmds []*Command) []*Command {
	for _, c := range cmds {
		c.Stage, c.Group = true, groupRecords
		c.Run = func(ctx context.Context, e *Env, call *Call) (*records.Set, error) {
			if e.last == nil {
				return nil, errors.New("no result to work on yet; run a command that prints records first (device list, exec ...)")
			}
			return call.Cmd.Apply(ctx, e, call, e.last)
		}
	}
	return cmds
}

// applyStageChain applies a stage to every section of a result. Format
// stages change how all of it prints; record stages work on the parsed
// sections and leave sections of raw outputs as they are.
func applyStageChain(ctx context.Context, e *Env, st *Call, in *records.Set) (*records.Set, error) {
	if in.Next == nil {
		return st.Cmd.Apply(ctx, e, st, in)
	}
	format := slices.Contains(records.Formats, st.Cmd.Name)
	var secs []*records.Set
	for _, s := range in.Sections() {
		out := s
		if format || !s.IsOutputs() {
			var err error
			if out, err = st.Cmd.Apply(ctx, e, st, s); err != nil {
				return nil, err
			}
		}
		secs = append(secs, out)
	}
	return records.Chain(secs...), nil
}

func formatStage(format string) func(context.Context, *Env, *Call, *records.Set) (*records.Set, error) {
	return func(_ context.Context, _ *Env, _ *Call, in *records.Set) (*records.Set, error) {
		return records.Format(in, format)
	}
}

func applyWhere(_ context.Context, e *Env, c *Call, in *records.Set) (*records.Set, error) {
	out, skipped, err := records.Where(in, c.Text)
	if err != nil {
		return nil, err
	}
	if skipped != nil {
		e.warnf("where: %v", skipped)
	}
	return out, nil
}

// columnList reads column names given as "a,b" or "a b" or both.
func columnList(args []string) []string {
	var names []string
	for _, a := range args {
		for _, n := range strings.Split(a, ",") {
			if n = strings.TrimSpace(n); n != "" {
				names = append(names, n)
			}
		}
	}
	return names
}

func applySort(_ context.Context, _ *Env, c *Call, in *records.Set) (*records.Set, error) {
	desc := false
	if len(c.Args) == 2 {
		switch strings.ToLower(c.Args[1]) {
		case "desc":
			desc = true
		case "asc":
		default:
			return nil, usagef("sort: %q should be asc or desc", c.Args[1])
		}
	}
	return records.Sort(in, columnList(c.Args[:1]), desc)
}

func applyCols(_ context.Context, _ *Env, c *Call, in *records.Set) (*records.Set, error) {
	return records.Cols(in, columnList(c.Args))
}

func applyCount(_ context.Context, _ *Env, c *Call, in *records.Set) (*records.Set, error) {
	if len(c.Args) == 0 {
		return records.Count(in, nil)
	}
	if len(c.Args) != 2 || c.Args[0] != "by" {
		return nil, usagef("count: usage: count [by FIELD[,FIELD...]]")
	}
	return records.Count(in, columnList(c.Args[1:]))
}

func applyHead(_ context.Context, _ *Env, c *Call, in *records.Set) (*records.Set, error) {
	n := 10
	if len(c.Args) == 1 {
		var err error
		if n, err = strconv.Atoi(c.Args[0]); err != nil || n < 0 {
			return nil, usagef("head: %q is not a number of records", c.Args[0])
		}
	}
	return records.Head(in, n), nil
}
