package console

import (
	"io"
	"os"

	"golang.org/x/term"
)

// IO is the terminal vc talks to. Nothing below console writes to the
// process's own stdout or stderr: tests hand in buffers.
type IO struct {
	In  io.Reader
	Out io.Writer
	Err io.Writer
	// InTTY, OutTTY and ErrTTY say which of In, Out and Err are terminals.
	InTTY, OutTTY, ErrTTY bool
	// Width returns the terminal's width in columns, 0 when unknown.
	Width func() int
	// Height returns the terminal's height in lines, 0 when unknown.
	Height func() int
	// Color allows colour on Out (a terminal, and NO_COLOR unset).
	Color bool
	// Interrupt delivers Ctrl-C; nil when nothing can interrupt.
	Interrupt <-chan os.Signal
	// profile is VC_PPROF's profiling, nil when off.
	profile *profiling
}

// StdIO is the process's own terminal.
func StdIO() IO {
	outTTY := term.IsTerminal(int(os.Stdout.Fd()))
	_, noColor := os.LookupEnv("NO_COLOR")
	return IO{
		In: os.Stdin, Out: os.Stdout, Err: os.Stderr,
		InTTY:  term.IsTerminal(int(os.Stdin.Fd())),
		OutTTY: outTTY,
		ErrTTY: term.IsTerminal(int(os.Stderr.Fd())),
		Width: func() int {
			w, _, err := term.GetSize(int(os.Stdout.Fd()))
			if err != nil {
				return 0
			}
			return w
		},
		Height: func() int {
			_, h, err := term.GetSize(int(os.Stdout.Fd()))
			if err != nil {
				return 0
			}
			return h
		},
		Color: outTTY && !noColor,
	}
}
