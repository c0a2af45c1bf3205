package console

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
)

// repl reads commands from a terminal until EOF or `quit`. Ctrl-C cancels
// the running command and leaves the console usable.
func (e *Env) repl(ctx context.Context) int {
	e.interactive = true
	fmt.Fprintf(e.Out, "vc %s: type help for commands, quit or Ctrl-D to leave\n", e.version)
	lines := make(chan string)
	readErr := make(chan error, 1)
	// The reader reads a line only when the loop asks for one: while a
	// command runs the terminal is the command's, to ask for a password
	// that must not end up read as the next command (and in the history).
	want := make(chan struct{}, 1)
	go func() {
		r := bufio.NewReader(e.In)
		for range want {
			line, err := r.ReadString('\n')
			if line != "" || err == nil {
				lines <- strings.TrimRight(line, "\r\n")
			}
			if err != nil {
				readErr <- err
				return
			}
		}
	}()
	status := ExitOK
	asked := false
	for {
		fmt.Fprint(e.Out, e.prompt())
		if !asked {
			want <- struct{}{}
			asked = true
		}
		var line string
		select {
		case line = <-lines:
			asked = false
		case <-readErr:
			fmt.Fprintln(e.Out)
			return status
		case <-e.Interrupt:
			// At the prompt Ctrl-C only abandons the line being typed.
			fmt.Fprintln(e.Out)
			continue
		}
		e.saveHistory(ctx, line)
		err := e.runInterruptible(ctx, line)
		if errors.Is(err, errQuit) {
			return status
		}
		if err != nil {
			if errors.Is(err, context.Canceled) {
				fmt.Fprintln(e.Err, "interrupted")
			} else {
				e.report(e.redacted(ctx, err))
			}
			status = exitCode(err)
		}
	}
}

// runInterruptible runs a line with a context that the next Ctrl-C cancels.
func (e *Env) runInterruptible(ctx context.Context, line string) error {
	ctx, cancel := context.WithCancel(ctx)
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		select {
		case <-e.Interrupt:
			cancel()
		case <-ctx.Done():
		}
	}()
	err := e.runLine(ctx, line)
	cancel()
	wg.Wait()
	return err
}

func (e *Env) prompt() string {
	if n := len(e.selection); n > 0 {
		return fmt.Sprintf("vc [%d]> ", n)
	}
	return "vc> "
}

// secretLine spots lines that may carry a secret; they are kept out of the
// history file.
// A --password flag with a value counts; --password-stdin and
// --password-file name where a secret is, not the secret.
var secretLine = regexp.MustCompile(`(?i)(pass(word|phrase)?|secret|token|key)\s*[=:]|--(password|secret|passphrase)(\s*=|\s+[^-\s]|\s*$)`)

// saveHistory appends a line to $VC_HOME/history, unless it is blank or
// looks like it carries a secret.
func (e *Env) saveHistory(ctx context.Context, line string) {
	if strings.TrimSpace(line) == "" || secretLine.MatchString(line) || e.mayHoldSecret(ctx, line) {
		return
	}
	f, err := os.OpenFile(filepath.Join(e.Home, "history"), os.O_APPEND|os.O_CREATE|os.O_WRONLY, 0o600)
	if err != nil {
		e.warnf("history: %v", err)
		return
	}
	defer f.Close()
	fmt.Fprintln(f, line)
}
