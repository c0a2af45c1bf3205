package lab

import (
	"bytes"
	"context"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"golang.org/x/crypto/ssh"
)

// testOptions is a small lab on kernel-chosen ports, so that parallel test
// runs on one machine never collide.
func testOptions(n int, platforms ...string) Options {
	o := DefaultOptions()
	o.Devices = n
	o.Port = 0
	o.Seed = 7
	if len(platforms) > 0 {
		o.Platforms = platforms
	}
	return o
}

func startLab(t *testing.T, o Options) *Lab {
	t.Helper()
	l, err := Start(t.Context(), o)
	if err != nil {
		t.Fatalf("Start: %v", err)
	}
	t.Cleanup(func() {
		start := time.Now()
		l.Close()
		if d := time.Since(start); d > time.Second {
			t.Errorf("Close took %s", d)
		}
	})
	return l
}

// devOf returns the first device of the lab on a platform.
func devOf(t *testing.T, l *Lab, platform string) Device {
	t.Helper()
	for _, d := range l.Devices() {
		if d.Platform == platform {
			return d
		}
	}
	t.Fatalf("no %s device in lab", platform)
	return Device{}
}

func addr(d Device) string { return net.JoinHostPort(d.Address, strconv.Itoa(d.Port)) }

func clientConfig() *ssh.ClientConfig {
	return &ssh.ClientConfig{
		User:            "admin",
		Auth:            []ssh.AuthMethod{ssh.Password("admin")},
		HostKeyCallback: ssh.InsecureIgnoreHostKey(),
		Timeout:         5 * time.Second,
	}
}

// dial connects with cfg, bounding the whole handshake, which
// ClientConfig.Timeout does not.
func dial(d Device, cfg *ssh.ClientConfig, timeout time.Duration) (*ssh.Client, error) {
	nc, err := net.DialTimeout("tcp", addr(d), timeout)
	if err != nil {
		return nil, err
	}
	_ = nc.SetDeadline(time.Now().Add(timeout))
	c, chans, reqs, err := ssh.NewClientConn(nc, addr(d), cfg)
	if err != nil {
		nc.Close()
		return nil, err
	}
	_ = nc.SetDeadline(time.Time{})
	return ssh.NewClient(c, chans, reqs), nil
}

func mustDial(t *testing.T, d Device) *ssh.Client {
	t.Helper()
	c, err := dial(d, clientConfig(), 10*time.Second)
	if err != nil {
		t.Fatalf("dial %s (%s): %v", d.Name, d.Platform, err)
	}
	t.Cleanup(func() { c.Close() })
	return c
}

// execOut runs one exec request and returns its output and exit status.
func execOut(t *testing.T, d Device, cmd string) (string, int) {
	t.Helper()
	c := mustDial(t, d)
	s, err := c.NewSession()
	if err != nil {
		t.Fatalf("session: %v", err)
	}
	defer s.Close()
	var out bytes.Buffer
	s.Stdout = &out
	err = s.Run(cmd)
	status := 0
	if ee, ok := err.(*ssh.ExitError); ok {
		status = ee.ExitStatus()
	} else if err != nil {
		t.Fatalf("exec %q on %s: %v", cmd, d.Platform, err)
	}
	return out.String(), status
}

// term is an interactive shell seen from the client side.
type term struct {
	t    *testing.T
	s    *ssh.Session
	in   interface{ Write([]byte) (int, error) }
	mu   sync.Mutex
	buf  []byte
	done bool
}

// openTerm opens a shell with a pty of the given rows.
func openTerm(t *testing.T, d Device, rows int) *term {
	t.Helper()
	c := mustDial(t, d)
	s, err := c.NewSession()
	if err != nil {
		t.Fatalf("session: %v", err)
	}
	t.Cleanup(func() { s.Close() })
	if err := s.RequestPty("vt100", rows, 80, ssh.TerminalModes{}); err != nil {
		t.Fatalf("pty: %v", err)
	}
	in, err := s.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	out, err := s.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Shell(); err != nil {
		t.Fatalf("shell: %v", err)
	}
	tm := &term{t: t, s: s, in: in}
	go func() {
		b := make([]byte, 4096)
		for {
			n, err := out.Read(b)
			tm.mu.Lock()
			tm.buf = append(tm.buf, b[:n]...)
			if err != nil {
				tm.done = true
			}
			tm.mu.Unlock()
			if err != nil {
				return
			}
		}
	}()
	return tm
}

func (tm *term) send(s string) {
	tm.t.Helper()
	if _, err := tm.in.Write([]byte(s)); err != nil {
		tm.t.Fatalf("write %q: %v", s, err)
	}
}

// expect waits for text matching re and returns everything up to and
// including the match, consuming it.
func (tm *term) expect(re string, timeout time.Duration) string {
	tm.t.Helper()
	rx := regexp.MustCompile(re)
	end := time.Now().Add(timeout)
	for {
		tm.mu.Lock()
		if loc := rx.FindIndex(tm.buf); loc != nil {
			got := string(tm.buf[:loc[1]])
			tm.buf = tm.buf[loc[1]:]
			tm.mu.Unlock()
			return got
		}
		done, have := tm.done, string(tm.buf)
		tm.mu.Unlock()
		if done || time.Now().After(end) {
			tm.t.Fatalf("waiting for %q: got %q (closed=%v)", re, have, done)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// closed reports whether the server ended the session within timeout.
func (tm *term) closed(timeout time.Duration) bool {
	end := time.Now().Add(timeout)
	for time.Now().Before(end) {
		tm.mu.Lock()
		done := tm.done
		tm.mu.Unlock()
		if done {
			return true
		}
		time.Sleep(5 * time.Millisecond)
	}
	return false
}

// python is Debian's interpreter, which has python3-netmiko and
// python3-textfsm; the PATH python3 may be another one.
const python = "/usr/bin/python3"

// needPython skips when Debian's python or one of its modules is missing.
func needPython(t *testing.T, module, pkg string) {
	t.Helper()
	if _, err := os.Stat(python); err != nil {
		t.Skipf("%s missing: apt-get install %s", python, pkg)
	}
	if err := exec.Command(python, "-c", "import "+module).Run(); err != nil {
		t.Skipf("python module %s missing: apt-get install %s", module, pkg)
	}
}

// runPython runs a helper script from testdata with a JSON request.
func runPython(ctx context.Context, script string, stdin []byte) ([]byte, error) {
	cmd := exec.CommandContext(ctx, python, filepath.Join("testdata", script))
	cmd.Stdin = bytes.NewReader(stdin)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		return nil, fmt.Errorf("%s: %w: %s", script, err, stderr.String())
	}
	return out, nil
}

// ntcTemplates finds the ntc-templates template directory: NTC_TEMPLATES_DIR,
// else shared/ntc-templates in a parent directory of this package.
func ntcTemplates(t *testing.T) string {
	t.Helper()
	if dir := os.Getenv("NTC_TEMPLATES_DIR"); dir != "" {
		return dir
	}
	dir, err := filepath.Abs(".")
	if err != nil {
		t.Fatal(err)
	}
	for {
		cand := filepath.Join(dir, "shared", "ntc-templates", "ntc_templates", "templates")
		if _, err := os.Stat(filepath.Join(cand, "index")); err == nil {
			return cand
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			t.Skip("ntc-templates not found: set NTC_TEMPLATES_DIR or put shared/ntc-templates beside the repository")
		}
		dir = parent
	}
}

// crlfToLF normalizes line ends the way Netmiko does.
func crlfToLF(s string) string { return strings.ReplaceAll(s, "\r\n", "\n") }

func splitLines(s string) []string { return strings.Split(strings.TrimSuffix(s, "\n"), "\n") }

// syncBuffer is a bytes.Buffer safe for one writer and one reader.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

func atoi(t *testing.T, s string) int {
	t.Helper()
	n, err := strconv.Atoi(s)
	if err != nil {
		t.Fatal(err)
	}
	return n
}

// privileged runs cmd where it needs privilege: an exec request, except on
// cisco_ios, whose sessions start in user mode, where it types enable and
// the secret first, as an operator would.
func privileged(t *testing.T, d Device, cmd string) string {
	t.Helper()
	if !d.plat().startUser {
		out, _ := execOut(t, d, cmd)
		return crlfToLF(out)
	}
	tm := openTerm(t, d, 24)
	tm.expect(">$", wait)
	tm.send("enable\r")
	tm.expect("Password: $", wait)
	tm.send("admin\r")
	tm.expect("#$", wait)
	tm.send("terminal length 0\r")
	tm.expect("#$", wait)
	tm.send(cmd + "\r")
	out := tm.expect(regexp.QuoteMeta(d.Name+"#")+"$", wait)
	out = strings.TrimPrefix(out, cmd+"\r\n")
	return crlfToLF(strings.TrimSuffix(out, d.Name+"#"))
}
