// Package console is vc's user interface: the REPL, the script runner, the
// command table, pipes and rendering.
package console

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"path/filepath"
	"strings"
	"syscall"

	"vc/engine"
	"vc/store"
)

// Main runs vc as a program and returns its exit status.
func Main(version string) int {
	io := StdIO()
	sig := make(chan os.Signal, 1)
	// SIGTERM, from a script or make demo stopping a lab, ends vc as Ctrl-C
	// would: the running command is cancelled and cleans up; so does
	// SIGHUP, a terminal that went away.
	signal.Notify(sig, os.Interrupt, syscall.SIGTERM, syscall.SIGHUP)
	defer signal.Stop(sig)
	io.Interrupt = sig
	prof := startProfiling(os.Stderr)
	defer prof.stop()
	io.profile = prof
	return Run(context.Background(), os.Args[1:], io, version)
}

const usageText = `usage:
  vc                       open the console (reads commands from stdin when it is not a terminal)
  vc COMMAND [ARGS...]     run one command
  vc -c 'CMD; CMD'         run commands
  vc -f SCRIPT [ARGS...]   run a script ($1, $2... are its arguments)
  vc daemon [FLAGS]        run the schedules' jobs when due (vc help daemon)

flags:
  --home DIR               vc's home (default $VC_HOME, else ~/.vc)
  --vault-password-file F  read the vault password from F
  -h, --help               this text; "vc help" lists the commands
`

// Run parses vc's flags and runs what they ask for.
func Run(ctx context.Context, args []string, io IO, version string) int {
	fs := flag.NewFlagSet("vc", flag.ContinueOnError)
	var errBuf bytes.Buffer
	fs.SetOutput(&errBuf)
	home := fs.String("home", "", "")
	script := fs.String("f", "", "")
	cmds := fs.String("c", "", "")
	help := fs.Bool("h", false, "")
	fs.BoolVar(help, "help", false, "")
	showVersion := fs.Bool("version", false, "")
	vaultPasswordFile := fs.String("vault-password-file", "", "")
	fs.Usage = func() {}
	if err := fs.Parse(args); err != nil {
		fmt.Fprintf(io.Err, "vc: %v\n%s", err, usageText)
		return ExitUsage
	}
	if *help {
		fmt.Fprint(io.Out, usageText)
		return ExitOK
	}
	if *showVersion {
		fmt.Fprintf(io.Out, "vc %s\n", version)
		return ExitOK
	}
	dir, err := homeDir(*home)
	if err != nil {
		fmt.Fprintf(io.Err, "vc: %v\n", err)
		return ExitUsage
	}
	lt, err := store.ParseLockTimeout(os.Getenv(store.LockTimeoutEnv))
	if err != nil {
		fmt.Fprintf(io.Err, "vc: %v\n", err)
		return ExitUsage
	}
	st, err := store.Open(dir, store.Options{LockTimeout: lt, KnownPlatforms: engine.PlatformNames()})
	if err != nil {
		fmt.Fprintf(io.Err, "vc: %v\n", err)
		return ExitFailure
	}
	env := newEnv(io, dir, st, version)
	env.recoverRuns(ctx)
	env.passwordFile = *vaultPasswordFile
	defer env.keyring.Lock()
	// The session's SSH sessions end with it.
	defer env.closeRunner()
	rest := fs.Args()
	switch {
	case *script != "" && *cmds != "":
		fmt.Fprintf(io.Err, "vc: -c and -f cannot be used together\n%s", usageText)
		return ExitUsage
	case *script != "":
		env.scriptArgs = rest
		return env.exit(env.runFile(ctx, *script))
	case *cmds != "":
		if len(rest) > 0 {
			fmt.Fprintf(io.Err, "vc: -c takes its commands as one argument; unexpected %q\n", rest[0])
			return ExitUsage
		}
		return env.exit(env.runSource(env.interruptible(ctx), "-c", strings.NewReader(*cmds)))
	case len(rest) > 0 && rest[0] == "daemon" && (len(rest) == 1 || rest[1] != "status"):
		// The daemon takes the signals itself: SIGTERM drains, SIGHUP
		// reloads.
		env.daemonOK = true
		return env.exit(env.runArgs(ctx, rest))
	case len(rest) > 0:
		return env.exit(env.runArgs(env.interruptible(ctx), rest))
	case io.InTTY:
		if f, ok := io.In.(*os.File); ok && io.OutTTY {
			return env.promptREPL(ctx, f)
		}
		return env.repl(ctx)
	default:
		env.stdinTaken = true
		return env.exit(env.runSource(env.interruptible(ctx), "stdin", io.In))
	}
}

// interruptible cancels ctx on the first interrupt: outside the REPL a
// Ctrl-C ends the command and whatever would have followed it.
func (e *Env) interruptible(ctx context.Context) context.Context {
	if e.Interrupt == nil {
		return ctx
	}
	ctx, cancel := context.WithCancel(ctx)
	go func() {
		select {
		case <-e.Interrupt:
			cancel()
		case <-ctx.Done():
		}
	}()
	return ctx
}

func (e *Env) runFile(ctx context.Context, path string) error {
	f, err := os.Open(path)
	if err != nil {
		return fmt.Errorf("script: %w", err)
	}
	defer f.Close()
	return e.runSource(e.interruptible(ctx), path, f)
}

// runArgs runs one command given as program arguments. The shell already
// split and unquoted them, so they are re-quoted for the parser, except for
// raw commands whose text is rejoined as typed.
func (e *Env) runArgs(ctx context.Context, args []string) error {
	toks := make([]token, len(args))
	for i, a := range args {
		toks[i] = token{text: a}
	}
	cmd, n, err := e.cmds.resolve(toks)
	if err != nil {
		return err
	}
	parts := []string{cmd.Name}
	for _, a := range args[n:] {
		if cmd.Raw || a == "|>" {
			parts = append(parts, a)
		} else {
			parts = append(parts, quoteWord(a))
		}
	}
	call, err := e.cmds.Parse(strings.Join(parts, " "))
	if err != nil {
		return err
	}
	return e.run(ctx, call)
}

func (e *Env) exit(err error) int {
	if err == nil {
		return ExitOK
	}
	e.report(err)
	return exitCode(err)
}

func homeDir(flagValue string) (string, error) {
	if flagValue != "" {
		return filepath.Abs(flagValue)
	}
	if v := os.Getenv("VC_HOME"); v != "" {
		return filepath.Abs(v)
	}
	h, err := os.UserHomeDir()
	if err != nil {
		return "", fmt.Errorf("no home directory: set VC_HOME or use --home (%w)", err)
	}
	return filepath.Join(h, ".vc"), nil
}

var errQuit = errors.New("quit")
