package console

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"vc/records"
	"vc/run"

	"vc/templates"
)

func templateCommands() []*Command {
	return []*Command{
		{
			Name: "parse", Args: "FILE", Group: groupRecords, MinArgs: 1, MaxArgs: 1,
			Flags: []Flag{
				{Name: "platform", Value: "PLATFORM", Help: "the device's platform (Netmiko device type), such as cisco_ios"},
				{Name: "command", Value: "COMMAND", Help: "the command that produced the output, as typed (abbreviations work)"},
				{Name: "template", Value: "NAME", Help: "parse with this template instead of the index's choice"},
				{Name: "min-score", Value: "0..1", Help: "fail when the parse scores below this"},
				jsonFlag,
			},
			Summary: "parse a saved device output offline",
			Help: "The template is chosen as exec chooses it: by platform and command from the user's, ntc-templates'\n" +
				"and the built-in index. --json prints records with lower-case keys: strings, lists of strings for\n" +
				"List values, null where Python textfsm gives None. FILE - reads stdin.",
			Examples: []string{
				`parse --platform cisco_ios --command "sh ip arp" arp.txt`,
				`parse --platform arista_eos --command "show version" --json version.txt`,
				`parse --template cisco_ios_show_ip_arp.textfsm arp.txt |> where age > 5`,
			},
			Run: runParse,
		},
		{
			Name: "templates list", Args: "[FILTER]", Group: groupRecords, MaxArgs: 1, Flags: []Flag{jsonFlag},
			Summary:  "list the templates: built-in, ntc-templates and your own",
			Examples: []string{"templates list", "templates list arp", "templates list cisco_ios |> count by layer"},
			Run: func(ctx context.Context, e *Env, c *Call) (*records.Set, error) {
				lib, err := e.library()
				if err != nil {
					return nil, err
				}
				filter := ""
				if len(c.Args) > 0 {
					filter = c.Args[0]
				}
				entries, err := lib.List(filter)
				if err != nil {
					return nil, err
				}
				res := &records.Set{Columns: []string{"name", "layer", "platform", "command", "overrides"}, Empty: "no templates match"}
				for _, en := range entries {
					res.Rows = append(res.Rows, []any{en.Name, en.Layer, en.Platform, en.Command, en.Overrides})
				}
				return res, nil
			},
		},
		{
			Name: "templates show", Args: "NAME", Group: groupRecords, MinArgs: 1, MaxArgs: 1,
			Summary:  "print a template's source and where it comes from",
			Examples: []string{"templates show cisco_ios_show_ip_arp.textfsm"},
			Run: func(ctx context.Context, e *Env, c *Call) (*records.Set, error) {
				lib, err := e.library()
				if err != nil {
					return nil, err
				}
				name := templateFile(c.Args[0])
				text, layer, err := lib.Source(name)
				if err != nil {
					return nil, fmt.Errorf("%w (see: templates list)", err)
				}
				e.saidf("# %s (%s)", name, layer)
				fmt.Fprint(e.Out, text)
				return nil, nil
			},
		},
		{
			Name: "templates match", Args: "PLATFORM COMMAND...", Group: groupRecords, MinArgs: 2, MaxArgs: -1,
			Flags: []Flag{
				{Name: "output", Value: "FILE", Help: "parse this saved output with every candidate and rank them by score (- reads stdin)"},
				{Name: "min-score", Value: "0..1", Help: "with --output: the score below which the index's choice gives way"},
				jsonFlag,
			},
			Summary: "say which template parses a command on a platform, and why; with an output, rank every candidate",
			Help: "Without --output, names the index's choice and why. With --output FILE, every candidate (each\n" +
				"layer's matching index lines: yours, ntc-templates', the built-in ones) parses the output, and the\n" +
				"table lists them best first with score, records and error; the one exec would use is marked.",
			Examples: []string{"templates match cisco_ios sh ip int br", `templates match arista_eos "show version"`,
				"templates match cisco_xr show version --output version.txt"},
			Run: runTemplatesMatch,
		},
		{
			Name: "templates test", Args: "NAME [FILE]", Group: groupRecords, MinArgs: 1, MaxArgs: 2, Flags: []Flag{jsonFlag},
			Summary: "parse an output with a template and show the records and the score",
			Help: "Without FILE, at the console, paste the output and end it with a line holding only a dot (.),\n" +
				"or Ctrl-D; elsewhere the output is read from stdin.",
			Examples: []string{"templates test cisco_ios_show_ip_arp.textfsm arp.txt", "templates test my_template.textfsm"},
			Run: func(ctx context.Context, e *Env, c *Call) (*records.Set, error) {
				lib, err := e.library()
				if err != nil {
					return nil, err
				}
				var text string
				if len(c.Args) == 2 {
					b, err := readInput(e, c.Args[1])
					if err != nil {
						return nil, err
					}
					text = b
				} else if text, err = e.pasted(); err != nil {
					return nil, err
				}
				p, err := lib.ParseOutput(ctx, templates.Request{Templates: []string{templateFile(c.Args[0])}}, text)
				if err != nil {
					return nil, err
				}
				sayScore(e, p.Result)
				return recordsResult(p.Result), nil
			},
		},
		{
			Name: "templates import", Args: "DIR", Group: groupRecords, MinArgs: 1, MaxArgs: 1,
			Summary: "import an ntc-templates collection (its index and templates), all or nothing",
			Help: "DIR is an ntc-templates checkout or its templates folder. Every template is compiled first;\n" +
				"a collection with a bad one is refused whole and the previous import stays. $NTC_TEMPLATES_DIR,\n" +
				"when set, takes precedence over the imported collection.",
			Examples: []string{"templates import ~/src/ntc-templates"},
			Run: func(ctx context.Context, e *Env, c *Call) (*records.Set, error) {
				n, err := templates.Import(c.Args[0], e.importedTemplatesDir())
				if err != nil {
					return nil, err
				}
				e.templates = nil
				e.saidf("imported %d templates into %s", n, e.importedTemplatesDir())
				if os.Getenv("NTC_TEMPLATES_DIR") != "" {
					e.warnf("NTC_TEMPLATES_DIR is set, so it is used instead of the imported collection")
				}
				return nil, nil
			},
		},
	}
}

// library returns the session's templates: built-in, then an ntc-templates
// collection ($NTC_TEMPLATES_DIR, or one imported with templates import),
// then the user's own in $VC_HOME/templates. It loads on first use.
func (e *Env) library() (*templates.Library, error) {
	if e.templates != nil {
		return e.templates, nil
	}
	lib, err := templates.NewLibrary(templates.Options{
		NTCDir:  templates.NTCDir(os.Getenv("NTC_TEMPLATES_DIR"), e.importedTemplatesDir()),
		UserDir: filepath.Join(e.Home, "templates"),
	})
	if err != nil {
		return nil, fmt.Errorf("templates: %w", err)
	}
	e.templates = lib
	return lib, nil
}

func (e *Env) importedTemplatesDir() string { return filepath.Join(e.Home, "ntc-templates") }

// templateFile adds .textfsm to a template name given without it.
func templateFile(name string) string {
	if strings.HasSuffix(name, ".textfsm") {
		return name
	}
	return name + ".textfsm"
}

func runParse(ctx context.Context, e *Env, c *Call) (*records.Set, error) {
	platform, command := c.String("platform", ""), c.String("command", "")
	forced := c.String("template", "")
	if forced == "" && (platform == "" || command == "") {
		return nil, usagef("parse: give --platform and --command (or --template NAME)")
	}
	minScore, err := minScoreFlag(c)
	if err != nil {
		return nil, err
	}
	text, err := readInput(e, c.Args[0])
	if err != nil {
		return nil, err
	}
	lib, err := e.library()
	if err != nil {
		return nil, err
	}
	req := templates.Request{Platform: platform, Command: command, MinScore: minScore}
	if forced != "" {
		for _, n := range strings.Split(forced, ":") {
			req.Templates = append(req.Templates, templateFile(n))
		}
	}
	p, err := lib.ParseOutput(ctx, req, text)
	if errors.Is(err, templates.ErrNoTemplate) {
		return nil, fmt.Errorf("%w; name one with --template (see: templates list)", err)
	}
	if err != nil {
		return nil, err
	}
	if p.Fallback {
		e.saidf("%s", p.Why)
	}
	res := p.Result
	sayScore(e, res)
	out := recordsResult(res)
	if minScore > 0 && res.Score.Value < minScore {
		return out, &run.ValidationError{Score: res.Score.Value, Min: minScore, Template: res.Template}
	}
	return out, nil
}

// recordsResult turns a parse into records, columns in template order.
func recordsResult(res *templates.Result) *records.Set {
	out := &records.Set{Columns: res.Fields(), Empty: "no records"}
	out.Rows = res.Records
	return out
}

// sayScore reports a parse's validation score on stderr.
func sayScore(e *Env, res *templates.Result) {
	s := res.Score
	e.saidf("%s: %d %s, score %.2f (%d of %d lines matched, %.0f%% of fields filled)",
		res.Template, s.Records, plural("record", s.Records), s.Value, s.Lines-s.Unmatched, s.Lines, s.Filled*100)
	if len(s.UnmatchedLines) > 0 {
		e.saidf("lines no rule matched: %s", joinInts(s.UnmatchedLines))
	}
}

func joinInts(ns []int) string {
	parts := make([]string, len(ns))
	for i, n := range ns {
		parts[i] = fmt.Sprint(n)
	}
	return strings.Join(parts, ", ")
}

// readInput reads a file, or stdin for "-".
func readInput(e *Env, path string) (string, error) {
	if path == "-" {
		b, err := io.ReadAll(e.In)
		return string(b), err
	}
	b, err := os.ReadFile(filepath.Clean(path))
	if err != nil {
		return "", err
	}
	return string(b), nil
}

// pasted reads an output pasted at the console, up to a lone "." or EOF;
// outside the console it reads stdin.
func (e *Env) pasted() (string, error) {
	if e.lines == nil {
		b, err := io.ReadAll(e.In)
		return string(b), err
	}
	if e.echo != nil {
		defer e.echo()()
	}
	fmt.Fprintln(e.Err, "paste the output, then a line with only . (or Ctrl-D):")
	var b strings.Builder
	for {
		line, err := e.lines.ReadString('\n')
		if strings.TrimRight(line, "\r\n") == "." {
			break
		}
		b.WriteString(line)
		if err != nil {
			break
		}
	}
	return b.String(), nil
}

func runTemplatesMatch(ctx context.Context, e *Env, c *Call) (*records.Set, error) {
	lib, err := e.library()
	if err != nil {
		return nil, err
	}
	platform, command := c.Args[0], strings.Join(c.Args[1:], " ")
	file := c.String("output", "")
	if file == "" {
		sel, err := lib.Match(platform, command)
		if err != nil {
			return nil, err
		}
		fmt.Fprintf(e.Out, "%s\n  %s\n", strings.Join(sel.Templates, ":"), sel.Why)
		return nil, nil
	}
	minScore, err := minScoreFlag(c)
	if err != nil {
		return nil, err
	}
	text, err := readInput(e, file)
	if err != nil {
		return nil, err
	}
	ranked, err := lib.Rank(ctx, platform, command, text, minScore)
	if err != nil {
		return nil, err
	}
	set := &records.Set{Columns: []string{"chosen", "template", "layer", "index_line", "score", "records", "error"}, Empty: "no candidates"}
	for _, r := range ranked {
		chosen := ""
		if r.Chosen {
			chosen = "*"
		}
		errText := ""
		if r.Err != nil {
			errText = firstLine(r.Err.Error())
		}
		set.Rows = append(set.Rows, []any{chosen, strings.Join(r.Selection.Templates, ":"), r.Selection.Layer, r.Selection.Line,
			fmt.Sprintf("%.2f", r.Score), r.Records, errText})
	}
	return set, nil
}

func firstLine(s string) string {
	line, _, _ := strings.Cut(s, "\n")
	return line
}
