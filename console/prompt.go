package console

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"syscall"

	prompt "github.com/elk-language/go-prompt"
	"golang.org/x/sys/unix"
)

// promptREPL is the console on a terminal: go-prompt's line editor, with
// completion as you type, history under the arrows and Ctrl-R, and the
// prompt showing the session's state. Commands run in go-prompt's
// executor, with the terminal back in its own mode: nothing else prints
// while the prompt is drawn.
//
// go-prompt ends the process itself on SIGINT or SIGTERM at an idle
// prompt (the terminal restored first), so nothing here may need a
// deferred cleanup: history lines are written as they are typed and the
// store is opened per operation.
func (e *Env) promptREPL(ctx context.Context, tty *os.File) int {
	e.interactive = true
	// Questions (max-targets, a pasted output) read whole lines from the
	// terminal while a command runs, with echo back on.
	e.lines = bufio.NewReader(tty)
	s := &promptSession{e: e, ctx: ctx, tty: tty, status: ExitOK}
	e.echo = s.echoOn
	e.refreshSnapshot(ctx)
	e.welcome()
	e.runRC(ctx)
	e.refreshSnapshot(ctx)
	var p *prompt.Prompt
	e.history.load(e, 10000)
	p = prompt.New(func(line string) { s.execute(p, line) },
		prompt.WithPrefixCallback(func() string {
			if e.search.on {
				return e.searchPrefix(p.Buffer().Text())
			}
			return e.prompt()
		}),
		prompt.WithCompleter(e.complete),
		// A copy: go-prompt appends to its own.
		prompt.WithHistory(slices.Clone(e.history.entries)),
		prompt.WithHistorySize(10000),
		prompt.WithExitChecker(func(string, bool) bool { return s.quit }),
		prompt.WithExecuteOnEnterCallback(func(p *prompt.Prompt, indent int) (int, bool) {
			if e.search.on {
				e.searchEnter(p)
				return 0, true
			}
			return continuesLine(p, indent)
		}),
		prompt.WithReader(newTTYReader()),
		prompt.WithKeyBind(e.searchBindings()...),
		prompt.WithCompletionWordSeparator(" \t;|=!<>()[],\"'"),
		prompt.WithMaxSuggestion(10),
		prompt.WithPrefixTextColor(promptColor(e)),
		prompt.WithKeyBind(prompt.KeyBind{Key: prompt.ControlL, Fn: func(p *prompt.Prompt) bool {
			fmt.Fprint(e.Out, "\x1b[H\x1b[2J")
			return true
		}}),
	)
	stop := s.watchSignals(p)
	defer stop()
	p.Run()
	e.history.close(ctx, e)
	return s.status
}

// promptSession is the state one console keeps between the lines typed.
type promptSession struct {
	e      *Env
	ctx    context.Context
	tty    *os.File
	status int
	quit   bool
	mu     sync.Mutex
	// running cancels the command that runs, nil at the prompt.
	running context.CancelFunc
	// ended is set by SIGTERM or SIGHUP: the console ends after the
	// running command is cancelled.
	ended bool
}

// continuesLine lets a trailing backslash continue a command on the next
// line, as in scripts.
func continuesLine(p *prompt.Prompt, _ int) (int, bool) {
	text := p.Buffer().Text()
	if strings.HasSuffix(text, "\\") && !strings.HasSuffix(text, "\\\\") {
		return 0, false
	}
	return 0, true
}

// execute runs what was entered: one line, or several when a block of
// lines was pasted.
func (s *promptSession) execute(p *prompt.Prompt, input string) {
	e := s.e
	echo := s.quietTerminal()
	defer echo()
	text := strings.ReplaceAll(input, "\\\n", " ")
	lines := strings.Split(strings.ReplaceAll(text, "\r", "\n"), "\n")
	for i, line := range lines {
		if strings.TrimSpace(line) == "" {
			continue
		}
		if i > 0 {
			// A pasted line runs as if typed: shown after the prompt.
			fmt.Fprintf(e.Out, "%s%s\n", e.prompt(), line)
		}
		if help, ok := e.helpAsked(line); ok {
			s.run(help)
			// The line waits to be finished.
			p.Buffer().InsertTextMoveCursor(strings.TrimRight(strings.TrimSuffix(strings.TrimRight(line, " "), "?"), " ")+" ", p.UserInputColumns(), p.TerminalRows(), false)
			continue
		}
		e.recordLine(line, e.history.add(s.ctx, e, line))
		s.run(line)
		if s.quit {
			return
		}
	}
	// Lines typed while the command ran wait in the terminal (its echo
	// was off, so they did not land in the output): the editor takes them
	// next, and runs each as if typed at the prompt.
}

// helpAsked reads `CMD ... ?` as a request for help on CMD: the command
// the words name (exec show version ? is help exec), else their first
// word (a group, or a name help will say it does not know).
func (e *Env) helpAsked(line string) (string, bool) {
	t := strings.TrimRight(line, " ")
	if !strings.HasSuffix(t, "?") || strings.Count(t, "\"")%2 == 1 {
		return "", false
	}
	words := strings.Fields(strings.TrimSuffix(t, "?"))
	if len(words) == 0 {
		return "help", true
	}
	if cmd, _ := e.lookupWords(words); cmd != nil {
		return "help " + cmd.Name, true
	}
	return "help " + words[0], true
}

// run runs one line under its own context, so Ctrl-C cancels it and not
// the console.
func (s *promptSession) run(line string) {
	e := s.e
	cctx, cancel := context.WithCancel(s.ctx)
	s.mu.Lock()
	s.running = cancel
	s.mu.Unlock()
	err := e.runLine(cctx, line)
	s.mu.Lock()
	s.running = nil
	ended := s.ended
	s.mu.Unlock()
	cancel()
	// The line may have unlocked the vault: lines that waited for it can
	// be checked now; it may have changed the inventory.
	e.history.flush(s.ctx, e)
	e.refreshSnapshot(s.ctx)
	switch {
	case errors.Is(err, errQuit):
		s.quit = true
	case err != nil && errors.Is(err, context.Canceled):
		fmt.Fprintln(e.Err, "interrupted")
		s.status = exitCode(err)
	case err != nil:
		e.report(e.redacted(s.ctx, err))
		s.status = exitCode(err)
	}
	if ended {
		s.quit = true
	}
}

// watchSignals cancels the running command on Ctrl-C; SIGTERM and SIGHUP
// end the console (the running command cancelled first). At an idle
// prompt go-prompt reads Ctrl-C as a key (it clears the line) and ends
// the process on SIGTERM itself; SIGHUP, which it ignores, is done here.
func (s *promptSession) watchSignals(p *prompt.Prompt) func() {
	stop := make(chan struct{})
	if s.e.Interrupt == nil {
		return func() {}
	}
	go func() {
		for {
			select {
			case <-stop:
				return
			case sig := <-s.e.Interrupt:
				s.mu.Lock()
				cancel := s.running
				if sig != os.Interrupt {
					s.ended = true
				}
				s.mu.Unlock()
				switch {
				case cancel != nil:
					cancel()
				case sig == syscall.SIGHUP:
					p.Close()
					os.Exit(128 + int(syscall.SIGHUP))
				}
			}
		}
	}()
	return func() { close(stop) }
}

// quietTerminal turns echo off while a command runs, so that what is
// typed meanwhile does not land in its output or its progress bar; Ctrl-C
// still reaches the command as a signal. It returns the undo.
func (s *promptSession) quietTerminal() func() {
	fd := int(s.tty.Fd())
	old, err := unix.IoctlGetTermios(fd, unix.TCGETS)
	if err != nil {
		return func() {}
	}
	quiet := *old
	quiet.Lflag &^= unix.ECHO
	if unix.IoctlSetTermios(fd, unix.TCSETS, &quiet) != nil {
		return func() {}
	}
	return func() { _ = unix.IoctlSetTermios(fd, unix.TCSETS, old) }
}

// echoOn turns echo back on for a question asked while a command runs,
// and returns the undo.
func (s *promptSession) echoOn() func() {
	fd := int(s.tty.Fd())
	old, err := unix.IoctlGetTermios(fd, unix.TCGETS)
	if err != nil {
		return func() {}
	}
	loud := *old
	loud.Lflag |= unix.ECHO
	if unix.IoctlSetTermios(fd, unix.TCSETS, &loud) != nil {
		return func() {}
	}
	return func() { _ = unix.IoctlSetTermios(fd, unix.TCSETS, old) }
}

// welcome greets a new user once, when there is no store yet, with how
// to start; others get one line.
func (e *Env) welcome() {
	if e.snap.fresh {
		fmt.Fprintf(e.Out, "vc %s: a console for running commands on many network devices at once.\n"+
			"Nothing is here yet. To start:\n"+
			"  vault init                 a vault for the credentials (asks for a password)\n"+
			"  device import FILE.csv     your devices (help device import shows the columns)\n"+
			"  vc lab                     (in another terminal) a practice fleet of simulated devices\n"+
			"Then: select EXPR, exec COMMAND. help lists every command; Tab completes; Ctrl-D leaves.\n", e.version)
		return
	}
	fmt.Fprintf(e.Out, "vc %s: help lists the commands, Tab completes, Ctrl-D leaves\n", e.version)
}

// prompt shows the session's state: the store when it is not the default
// one, the vault when there is one, the selection's size.
func (e *Env) prompt() string {
	var b strings.Builder
	b.WriteString("vc")
	if name := e.storeName(); name != "" {
		b.WriteString(" " + name)
	}
	if e.snap.vault {
		if e.keyring.Unlocked() {
			b.WriteString(" [unlocked]")
		} else {
			b.WriteString(" [locked]")
		}
	}
	if n := len(e.selection); n > 0 {
		fmt.Fprintf(&b, " %d", n)
	}
	b.WriteString("> ")
	return b.String()
}

// storeName names the store when it is not ~/.vc: the folder it is in.
func (e *Env) storeName() string {
	if h, err := os.UserHomeDir(); err == nil && filepath.Clean(e.Home) == filepath.Join(h, ".vc") {
		return ""
	}
	name := filepath.Base(e.Home)
	if name == ".vc" {
		name = filepath.Base(filepath.Dir(e.Home))
	}
	return name
}

func promptColor(e *Env) prompt.Color {
	if !e.Color {
		return prompt.DefaultColor
	}
	return prompt.Cyan
}
