package console

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"vc/records"
	"vc/render"
)

// runSource runs a script: one command a line, # comments, a trailing
// backslash continuing a line. Errors name name:line. It stops at the
// first failure unless errexit is off, and returns the first failure.
func (e *Env) runSource(ctx context.Context, name string, r io.Reader) error {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64*1024), 16*1024*1024)
	var first error
	lineNo, startLine := 0, 0
	var pending strings.Builder
	for sc.Scan() {
		lineNo++
		text := sc.Text()
		if pending.Len() == 0 {
			startLine = lineNo
		}
		if strings.HasSuffix(text, "\\") && !strings.HasSuffix(text, "\\\\") {
			pending.WriteString(strings.TrimSuffix(text, "\\"))
			pending.WriteString(" ")
			continue
		}
		pending.WriteString(text)
		line := pending.String()
		pending.Reset()
		if err := e.runStatement(ctx, name, startLine, line, &first); err != nil {
			return err
		}
	}
	if err := sc.Err(); err != nil {
		return fmt.Errorf("%s: read: %w", name, err)
	}
	if pending.Len() > 0 {
		if err := e.runStatement(ctx, name, startLine, pending.String(), &first); err != nil {
			return err
		}
	}
	if first != nil {
		return reported{first}
	}
	return nil
}

// runStatement runs the commands of one script line. A failure is reported
// with its position and kept in *first; the returned error means "stop".
func (e *Env) runStatement(ctx context.Context, name string, line int, text string, first *error) error {
	for _, cmd := range commandsOf(text) {
		if err := ctx.Err(); err != nil {
			return err
		}
		err := e.runCommand(ctx, cmd)
		if err == nil {
			continue
		}
		err = &posError{pos: fmt.Sprintf("%s:%d", name, line), err: err}
		if errors.Is(err, context.Canceled) {
			return err
		}
		e.report(err)
		if *first == nil {
			*first = err
		}
		if e.Setting("errexit") == "on" {
			return reported{*first}
		}
	}
	return nil
}

// commandsOf splits a line into its ';'-separated commands, dropping
// blanks and comments.
func commandsOf(line string) []string {
	if t := strings.TrimSpace(line); t == "" || strings.HasPrefix(t, "#") {
		return nil
	}
	var out []string
	for _, seg := range splitTop(line, ";") {
		if text := strings.TrimSpace(seg.text); text != "" {
			out = append(out, text)
		}
	}
	return out
}

// posError is an error in a script, with where it happened.
type posError struct {
	pos string
	err error
}

func (p *posError) Error() string { return p.pos + ": " + p.err.Error() }
func (p *posError) Unwrap() error { return p.err }

// reported wraps an error that was already shown to the user, so callers
// only take its exit code from it.
type reported struct{ err error }

func (r reported) Error() string { return r.err.Error() }
func (r reported) Unwrap() error { return r.err }

// report shows an error to the user.
func (e *Env) report(err error) {
	var rep reported
	if errors.As(err, &rep) {
		return
	}
	if e.interactive {
		fmt.Fprintf(e.Err, "error: %v\n", err)
		return
	}
	fmt.Fprintf(e.Err, "vc: %v\n", err)
}

// runLine runs one line of the REPL: its commands, stopping at the first
// failure.
func (e *Env) runLine(ctx context.Context, line string) error {
	for _, cmd := range commandsOf(line) {
		if err := e.runCommand(ctx, cmd); err != nil {
			return err
		}
		if err := ctx.Err(); err != nil {
			return err
		}
	}
	return nil
}

// runCommand substitutes variables in one command, parses and runs it.
func (e *Env) runCommand(ctx context.Context, text string) error {
	text, err := substitute(text, e.lookupVar)
	if err != nil {
		return err
	}
	call, err := e.cmds.Parse(text)
	if err != nil {
		return err
	}
	return e.run(ctx, call)
}

// run runs a parsed command, its stages, and prints what results.
func (e *Env) run(ctx context.Context, c *Call) error {
	res, runErr := c.Cmd.Run(ctx, e, c)
	if res == nil {
		if runErr != nil {
			return commandError(c.Cmd, runErr)
		}
		return nil
	}
	// A command may fail and still have a result to show (exec with some
	// devices failed): show it, then report the failure.
	if c.Bool("json") {
		res.Format = "json"
	}
	// The records a command makes stay for the stages typed after it
	// (cols a,b then cols c): a stage run alone works on them and leaves
	// them as they were.
	if !c.Cmd.Stage {
		e.last = res
	}
	var err error
	for _, st := range c.Stages {
		if res, err = applyStageChain(ctx, e, st, res); err != nil {
			return fmt.Errorf("|> %s: %w", st.Cmd.Name, err)
		}
	}
	if err := e.print(res); err != nil {
		return err
	}
	if runErr != nil {
		return commandError(c.Cmd, runErr)
	}
	return nil
}

func (e *Env) print(res *records.Set) error {
	err := e.page(func(w io.Writer) error { return render.Write(w, e.Err, res, e.renderOptions(e.OutTTY)) })
	if err != nil {
		return fmt.Errorf("print: %w", err)
	}
	return nil
}

// renderOptions says how text printed to a stream will be read: fitted and
// with device control characters shown when the stream is a terminal.
func (e *Env) renderOptions(tty bool) render.Options {
	if !tty {
		return render.Options{}
	}
	o := render.Options{Terminal: true, Color: e.Color}
	if e.Width != nil {
		o.Width = e.Width()
	}
	o.Expanded, _ = render.ParseExpanded(e.Setting("expanded"))
	return o
}

// commandError prefixes an error with the command's name unless it is
// already positioned.
func commandError(cmd *Command, err error) error {
	if strings.HasPrefix(err.Error(), cmd.Name+":") {
		return err
	}
	return fmt.Errorf("%s: %w", cmd.Name, err)
}

func lookupEnviron(name string) (string, bool) { return os.LookupEnv(name) }
