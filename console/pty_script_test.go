package console

import (
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"regexp"
	"strings"
	"syscall"
	"time"

	"github.com/rogpeppe/go-internal/testscript"
	"golang.org/x/sys/unix"
)

// ptyScriptCommands give scripts a real terminal:
//
//	ptyexec [-in FILE] [-cols N] PROGRAM [ARGS...]
//
// runs PROGRAM with its stdin, stdout and stderr on a pseudo-terminal, as
// a person's terminal would be, types FILE's content into it, and makes
// what the terminal showed the script's stdout. The terminal neither
// echoes what is typed nor turns \n into \r\n, so the output reads as the
// program wrote it.
func ptyScriptCommands() map[string]func(ts *testscript.TestScript, neg bool, args []string) {
	return map[string]func(ts *testscript.TestScript, neg bool, args []string){
		"ptyexec": func(ts *testscript.TestScript, neg bool, args []string) {
			var input []byte
			cols := 160
			for len(args) > 1 && strings.HasPrefix(args[0], "-") {
				switch args[0] {
				case "-in":
					input = []byte(ts.ReadFile(args[1]))
				case "-cols":
					_, err := fmt.Sscan(args[1], &cols)
					ts.Check(err)
				default:
					ts.Fatalf("ptyexec: unknown option %s", args[0])
				}
				args = args[2:]
			}
			if len(args) == 0 {
				ts.Fatalf("usage: ptyexec [-in FILE] [-cols N] PROGRAM [ARGS...]")
			}
			out, err := runOnPty(ts, cols, input, args)
			ts.Logf("[terminal]\n%s", out)
			if (err == nil) == neg {
				ts.Fatalf("ptyexec %s: %v", strings.Join(args, " "), err)
			}
			// The script's stdout is what the terminal showed.
			ts.Check(os.WriteFile(ts.MkAbs(".pty-out"), out, 0o600))
			ts.Check(ts.Exec("cat", ts.MkAbs(".pty-out")))
		},
	}
}

func runOnPty(ts *testscript.TestScript, cols int, input []byte, args []string) ([]byte, error) {
	master, slave, err := openPty(cols)
	if err != nil {
		ts.Fatalf("pty: %v", err)
	}
	defer master.Close()
	path, err := exec.LookPath(args[0])
	if err != nil {
		// LookPath uses this process's PATH; the script's is the one to use.
		for _, dir := range strings.Split(ts.Getenv("PATH"), string(os.PathListSeparator)) {
			if p := dir + "/" + args[0]; isExecutable(p) {
				path, err = p, nil
				break
			}
		}
	}
	if err != nil {
		ts.Fatalf("ptyexec: %v", err)
	}
	cmd := exec.Command(path, args[1:]...)
	cmd.Dir = ts.MkAbs(".")
	for _, k := range []string{"PATH", "HOME", "TMPDIR", "VC_HOME", "NO_COLOR", "VC_VAULT_PASSWORD", "GOCOVERDIR", "NTC_TEMPLATES_DIR", "SSH_AUTH_SOCK", "VC_LOCK_TIMEOUT"} {
		if v := ts.Getenv(k); v != "" {
			cmd.Env = append(cmd.Env, k+"="+v)
		}
	}
	cmd.Env = append(cmd.Env, "TERM=xterm")
	cmd.Stdin, cmd.Stdout, cmd.Stderr = slave, slave, slave
	// The terminal is the program's controlling terminal, in a session of
	// its own, as a login shell would start it.
	cmd.SysProcAttr = &syscall.SysProcAttr{Setsid: true, Setctty: true}
	if err := cmd.Start(); err != nil {
		slave.Close()
		return nil, err
	}
	slave.Close()
	out := &lockedBuffer{}
	read := make(chan struct{})
	go func() {
		defer close(read)
		// EIO says the last holder of the terminal's other end is gone.
		_, _ = io.Copy(out, master)
	}()
	if len(input) > 0 {
		go typeLines(master, out, read, input)
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	select {
	case err = <-done:
	case <-time.After(60 * time.Second):
		_ = cmd.Process.Kill()
		err = errors.New("still running after 60 s")
		<-done
	}
	<-read
	return []byte(out.String()), err
}

// typeLines types each line of input as a person would: once the
// terminal shows a prompt (a line ending in "> " or ": "), then Enter.
func typeLines(master *os.File, out *lockedBuffer, done <-chan struct{}, input []byte) {
	seen := 0
	for _, line := range strings.SplitAfter(string(input), "\n") {
		if line == "" {
			continue
		}
		deadline := time.Now().Add(15 * time.Second)
		for {
			shown := out.String()
			if len(shown) > seen && promptShown.MatchString(stripEscapes(shown[seen:])) {
				seen = len(shown)
				break
			}
			select {
			case <-done:
				return
			case <-time.After(20 * time.Millisecond):
			}
			if time.Now().After(deadline) {
				return
			}
		}
		if _, err := master.Write([]byte(strings.TrimSuffix(line, "\n") + "\r")); err != nil {
			return
		}
	}
}

// promptShown is a prompt waiting for a line: vc's own, or a question.
var promptShown = regexp.MustCompile(`(> |: |\] )$`)

var escapeSeq = regexp.MustCompile(`\x1b(\[[0-9;?]*[A-Za-z]|\][^\x07]*\x07|[()][A-Z0-9]|[=>])`)

// stripEscapes leaves the text a terminal shows, without its cursor moves.
func stripEscapes(s string) string {
	s = escapeSeq.ReplaceAllString(s, "")
	return strings.TrimRight(s, "\x00")
}

func isExecutable(p string) bool {
	fi, err := os.Stat(p)
	return err == nil && !fi.IsDir() && fi.Mode()&0o111 != 0
}

// openPty opens a pseudo-terminal pair of the given width, without echo
// or output processing.
func openPty(cols int) (master, slave *os.File, err error) {
	m, err := os.OpenFile("/dev/ptmx", os.O_RDWR|unix.O_NOCTTY, 0)
	if err != nil {
		return nil, nil, err
	}
	fd := int(m.Fd())
	if err := unix.IoctlSetPointerInt(fd, unix.TIOCSPTLCK, 0); err != nil {
		m.Close()
		return nil, nil, fmt.Errorf("unlock: %w", err)
	}
	n, err := unix.IoctlGetInt(fd, unix.TIOCGPTN)
	if err != nil {
		m.Close()
		return nil, nil, fmt.Errorf("ptsname: %w", err)
	}
	s, err := os.OpenFile(fmt.Sprintf("/dev/pts/%d", n), os.O_RDWR|unix.O_NOCTTY, 0)
	if err != nil {
		m.Close()
		return nil, nil, err
	}
	tio, err := unix.IoctlGetTermios(int(s.Fd()), unix.TCGETS)
	if err == nil {
		tio.Lflag &^= unix.ECHO | unix.ECHONL
		tio.Oflag &^= unix.OPOST
		err = unix.IoctlSetTermios(int(s.Fd()), unix.TCSETS, tio)
	}
	if err == nil {
		err = unix.IoctlSetWinsize(int(s.Fd()), unix.TIOCSWINSZ, &unix.Winsize{Row: 50, Col: uint16(cols)})
	}
	if err != nil {
		m.Close()
		s.Close()
		return nil, nil, err
	}
	return m, s, nil
}
