// Package templates parses device output with TextFSM templates, using
// Python textfsm's semantics, and chooses a template by platform and command.
//
// The engine follows Python textfsm 1.1 rule for rule (Value options in
// declared order, None versus "", List items that are None or maps of
// nested named groups, Continue, Clear/Clearall, Error, End and EOF,
// string.Template substitution with its errors, str.splitlines line
// breaks). Patterns are Python's dialect, rewritten for Go: most run on a
// small backtracking matcher built from Go's regexp parse tree (Python's re
// is a backtracker too, so groups come out the same), with Go's regexp as
// its linear-time fallback; patterns that need lookaround, backreferences
// or huge repeat counts run on github.com/dlclark/regexp2.
//
// How the console's commands use it:
//
//	lib, err := templates.NewLibrary(templates.Options{
//		NTCDir:  templates.NTCDir(os.Getenv("NTC_TEMPLATES_DIR"), filepath.Join(home, "ntc-templates")),
//		UserDir: filepath.Join(home, "templates"),
//	})
//	// exec, parse --platform P --command C FILE: one call per output
//	p, err := lib.ParseOutput(ctx, templates.Request{Platform: platform, Command: command}, output)
//	// parse --template NAME[:NAME] FILE, templates test NAME FILE, exec --template
//	p, err := lib.ParseOutput(ctx, templates.Request{Templates: names}, output)
//	// p.Result holds the records, p.Selection the templates used and why;
//	// with --min-score, Request.MinScore: a first choice that fails, finds
//	// nothing or scores below it gives way to a better candidate
//	// (p.Fallback, p.Why)
//	// templates match P C [FILE]
//	sel, err := lib.Match(platform, command) // sel.Templates, sel.Why
//	cands, err := lib.Candidates(platform, command) // every choice, in priority order
//	ranked, err := lib.Rank(ctx, platform, command, output, minScore) // each scored, best first
//	// templates list [FILTER], templates show NAME
//	entries, err := lib.List(filter)
//	text, layer, err := lib.Source(name)
//	// templates import DIR
//	n, err := templates.Import(dir, filepath.Join(home, "ntc-templates"))
//	// --json, |> json; --min-score
//	b, err := p.Result.JSON()
//	failed := p.Result.Score.Value < minScore
//
// Errors: *TemplateError (errors.Is ErrTemplate) names the template line
// and what to do; *ParseError (ErrParse) is a template's Error action;
// *TimeoutError (ErrTimeout) is a regexp2 pattern that ran for
// MatchTimeout on one line; ErrNoTemplate and ErrUnknownTemplate are
// selection failures; a parse whose context ended returns an error
// wrapping ctx.Err().
//
// Nothing here prints: the console renders Results.
package templates
