package console

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"sync"
)

// repl reads commands from a terminal until EOF or `quit`. Ctrl-C cancels
// the running command and leaves the console usable; at the prompt it
// abandons the line being typed.
func (e *Env) repl(ctx context.Context) int {
	e.interactive = true
	e.lines = bufio.NewReader(e.In)
	fmt.Fprintf(e.Out, "vc %s: type help for commands, quit or Ctrl-D to leave\n", e.version)
	e.runRC(ctx)
	var mu sync.Mutex
	var cancelRunning context.CancelFunc
	stopSignals := make(chan struct{})
	defer close(stopSignals)
	go func() {
		for {
			select {
			case <-stopSignals:
				return
			case <-e.Interrupt:
				mu.Lock()
				if cancelRunning != nil {
					cancelRunning()
				} else {
					// The terminal dropped the typed line; offer a fresh prompt.
					fmt.Fprint(e.Out, "\n"+e.prompt())
				}
				mu.Unlock()
			}
		}
	}()
	status := ExitOK
	for {
		fmt.Fprint(e.Out, e.prompt())
		line, err := e.lines.ReadString('\n')
		if err != nil && line == "" {
			if !errors.Is(err, io.EOF) {
				e.report(err)
			}
			fmt.Fprintln(e.Out)
			e.history.close(ctx, e)
			return status
		}
		line = strings.TrimRight(line, "\r\n")
		e.recordLine(line, e.history.add(ctx, e, line))
		cctx, cancel := context.WithCancel(ctx)
		mu.Lock()
		cancelRunning = cancel
		mu.Unlock()
		err = e.runLine(cctx, line)
		mu.Lock()
		cancelRunning = nil
		mu.Unlock()
		cancel()
		// The line may have unlocked the vault: lines that waited for it
		// can be checked now.
		e.history.flush(ctx, e)
		if errors.Is(err, errQuit) {
			e.history.close(ctx, e)
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

// ask puts a question to the user at the console and reads the answer. It
// is only used when the session is interactive.
func (e *Env) ask(question string) (string, error) {
	if e.lines == nil {
		return "", errors.New("no terminal to ask on")
	}
	if e.echo != nil {
		defer e.echo()()
	}
	fmt.Fprint(e.Out, question)
	line, err := e.lines.ReadString('\n')
	if err != nil && line == "" {
		return "", err
	}
	return strings.TrimSpace(line), nil
}
