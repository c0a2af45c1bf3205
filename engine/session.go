package engine

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"regexp"
	"strings"
	"sync"
	"time"

	"golang.org/x/crypto/ssh"
)

// session is a login on one device, ready for commands: the SSH client,
// and for shell platforms the shell with its prompt learned, paging off
// and privileges raised.
type session struct {
	target string
	addr   string
	conn   *link
	// client is the connection as an *ssh.Client, for exec channels; nil
	// for a shell, which needs none.
	client   *ssh.Client
	cred     Credential
	platform *Platform
	sh       *shell
	opened   time.Time

	// dead is closed when the SSH connection ends, whoever ended it.
	dead chan struct{}

	// maxOutput caps one command's output on an exec channel; a shell
	// keeps its own.
	maxOutput int64
	// log is the running run's transcript, nil when it keeps none.
	log *transcript

	lastUsed  time.Time
	closeOnce sync.Once
}

// open logs in to the target and prepares the session.
func open(ctx context.Context, d *dialer, to Timeouts, t *Target, maxOutput int64, log *transcript) (*session, []Attempt, error) {
	p := PlatformFor(t.Platform)
	legacy := t.Legacy || p.Legacy
	ln, cred, attempts, err := d.connect(ctx, to, t, legacy)
	if err != nil {
		return nil, attempts, err
	}
	s := &session{target: t.Name, addr: t.Addr(), conn: ln, cred: cred, platform: p,
		opened: time.Now(), lastUsed: time.Now(), maxOutput: maxOutput, log: log}
	if p.Exec {
		client := ln.client()
		s.client = client
		// Exec sessions have no shell whose end would tell.
		dead := make(chan struct{})
		s.dead = dead
		go func() {
			_ = client.Wait()
			close(dead)
		}()
		return s, attempts, nil
	}
	// Typing into a device that stops reading would block for good: an
	// ended context closes the session under the write.
	guard := context.AfterFunc(ctx, s.close)
	defer guard()
	if err := s.prepare(ctx, to, t); err != nil {
		s.close()
		return nil, attempts, err
	}
	return s, attempts, nil
}

// prepare learns the prompt, raises privileges and turns paging off.
func (s *session) prepare(ctx context.Context, to Timeouts, t *Target) error {
	sh, err := openShell(s.conn, s.platform, s.maxOutput, s.log)
	if err != nil {
		return classify(ctx, "login", to.Prompt, err)
	}
	s.sh = sh
	// The shell's reader ends when the connection does: that is how a
	// dead session shows, without a goroutine waiting on the client.
	s.dead = sh.done
	var override *regexp.Regexp
	if t.Prompt != "" {
		if override, err = regexp.Compile(t.Prompt); err != nil {
			return failure(KindPrompt, err, "bad prompt pattern %q: %v", t.Prompt, err)
		}
	}
	if err := sh.learnPrompt(ctx, override, to.Prompt); err != nil {
		return err
	}
	if err := s.enable(ctx, to.Prompt); err != nil {
		return err
	}
	setup := s.platform.Setup
	if t.Paging != "" {
		setup = append([]string{t.Paging}, setup[min(1, len(setup)):]...)
	}
	for _, cmd := range setup {
		if _, err := sh.run(ctx, cmd, to.Prompt); err != nil {
			return classify(ctx, "session setup ("+cmd+")", to.Prompt, err)
		}
	}
	return nil
}

// enable reaches privileged mode where the platform has one and the prompt
// says we are not there, answering with the enable secret or the password
// if the device asks. A prompt ending in # after enable is success, asked
// or not (AAA may give the privilege without a secret); a device that
// answers with a complaint (% No password set, % Access denied) fails
// with what it said.
func (s *session) enable(ctx context.Context, limit time.Duration) error {
	p, sh := s.platform, s.sh
	if p.Enable == "" || !strings.HasSuffix(sh.prompt, p.UserMode) {
		return nil
	}
	if err := sh.send(p.Enable + "\n"); err != nil {
		return classify(ctx, "enable", limit, err)
	}
	deadline := time.Now().Add(limit)
	asked := false
	err := sh.waitFor(ctx, deadline, func(b []byte) bool {
		if p.EnablePassword != nil && p.EnablePassword.Match(stripANSI(b)) {
			asked = true
			return true
		}
		return sh.endsAtPrompt(b)
	})
	if err != nil {
		return classify(ctx, "enable", limit, err)
	}
	seen := sh.take()
	if asked {
		if err := sh.sendSecret(s.cred.enableSecret(), "\n"); err != nil {
			return classify(ctx, "enable", limit, err)
		}
		err := sh.waitFor(ctx, deadline, func(b []byte) bool {
			return sh.endsAtPrompt(b) || (p.EnablePassword != nil && p.EnablePassword.Match(stripANSI(lastTail(b))))
		})
		if err != nil {
			return classify(ctx, "enable", limit, err)
		}
		seen = sh.take()
	}
	got := lastLine(seen)
	if strings.HasSuffix(got, "#") {
		sh.setPrompt(got, nil)
		return nil
	}
	if !strings.HasSuffix(got, p.UserMode) {
		// Leave the device's password prompt, if it asks again.
		_ = sh.send("\x03\n")
	}
	if said := complaint(seen); said != "" {
		return failure(KindEnable, nil, "enable failed: the device said %q (credential %s)", said, s.cred.Name)
	}
	if asked {
		return failure(KindEnable, nil, "enable failed: the enable secret was refused (credential %s); set it with cred add --enable-secret-stdin", s.cred.Name)
	}
	return failure(KindEnable, nil, "enable failed: the device stayed at %q (credential %s)", got, s.cred.Name)
}

// complaint is the first line of out that starts with "%", as a Cisco-like
// device's complaints do (% Access denied, % No password set).
func complaint(out []byte) string {
	for line := range strings.SplitSeq(string(stripANSI(out)), "\n") {
		if line = strings.TrimSpace(line); strings.HasPrefix(line, "%") {
			return line
		}
	}
	return ""
}

func lastTail(b []byte) []byte {
	if i := bytes.LastIndexByte(b, '\n'); i >= 0 {
		return b[i+1:]
	}
	return b
}

// setMaxOutput changes how much one command's output may be, for a run
// whose plan says another limit than the one that opened the session.
func (s *session) setMaxOutput(n int64) {
	s.maxOutput = n
	if s.sh != nil {
		s.sh.setMaxOutput(n)
	}
}

// setLog changes the transcript the session writes to, for the run that
// now uses it; nil stops it, for a session parked between runs.
func (s *session) setLog(log *transcript) {
	s.log = log
	if s.sh != nil {
		s.sh.setLog(log)
	}
}

// run sends one command and returns its output.
func (s *session) run(ctx context.Context, cmd string, limit time.Duration) (string, error) {
	if s.platform.Exec {
		return s.exec(ctx, cmd, limit)
	}
	guard := context.AfterFunc(ctx, s.close)
	out, err := s.sh.run(ctx, cmd, limit)
	guard()
	if err != nil {
		return out, classify(ctx, "command", limit, err)
	}
	if msg := s.rejected(out); msg != "" {
		return out, failure(KindCommand, nil, "the device rejected the command: %s", msg)
	}
	return out, nil
}

// rejected returns the device's complaint when the output says the command
// was not accepted (% Invalid input..., syntax error...). Only the first
// lines count: a configuration may quote such text further down.
func (s *session) rejected(out string) string {
	if s.platform.Failure == nil {
		return ""
	}
	head := out
	for i, n := 0, 0; i < len(out); i++ {
		if out[i] == '\n' {
			if n++; n == 4 {
				head = out[:i]
				break
			}
		}
	}
	if loc := s.platform.Failure.FindStringIndex(head); loc != nil {
		line := head[loc[0]:]
		if j := strings.IndexByte(line, '\n'); j >= 0 {
			line = line[:j]
		}
		return strings.TrimSpace(line)
	}
	return ""
}

// exec runs a command on its own channel, as ssh host 'cmd' does.
func (s *session) exec(ctx context.Context, cmd string, limit time.Duration) (string, error) {
	sess, err := s.client.NewSession()
	if err != nil {
		return "", classify(ctx, "command", limit, fmt.Errorf("%w: %v", errClosed, err))
	}
	defer sess.Close()
	// stdout and stderr are copied by two goroutines into one buffer.
	out := newCappedBuffer(s.maxOutput)
	out.log = s.log
	sess.Stdout, sess.Stderr = out, out
	s.log.sent(cmd + "\n")
	if err := sess.Start(cmd); err != nil {
		return "", classify(ctx, "command", limit, err)
	}
	done := make(chan error, 1)
	go func() { done <- sess.Wait() }()
	timer := time.NewTimer(limit)
	defer timer.Stop()
	select {
	case err = <-done:
	case <-out.over:
		sess.Close()
		<-done
		return "", classify(ctx, "command", limit, out.err())
	case <-timer.C:
		sess.Close()
		<-done
		return out.String(), classify(ctx, "command", limit, errWaitTimeout)
	case <-ctx.Done():
		sess.Close()
		<-done
		return out.String(), classify(ctx, "command", limit, ctx.Err())
	}
	var ee *ssh.ExitError
	if errors.As(err, &ee) {
		return out.String(), failure(KindCommand, err, "command exited with status %d", ee.ExitStatus())
	}
	var missing *ssh.ExitMissingError
	if errors.As(err, &missing) {
		// The channel ended without the command's status: the device
		// dropped the connection, or the channel, under the command.
		return out.String(), classify(ctx, "command", limit, fmt.Errorf("%w: %v", errClosed, err))
	}
	if err != nil {
		return out.String(), classify(ctx, "command", limit, err)
	}
	return out.String(), nil
}

// alive reports whether the session can still take commands.
func (s *session) alive() bool {
	if s.dead == nil {
		return false
	}
	select {
	case <-s.dead:
		return false
	default:
		return true
	}
}

func (s *session) close() {
	s.closeOnce.Do(func() {
		if s.sh != nil {
			s.sh.close()
		}
		s.conn.Close()
	})
}

// cappedBuffer is an exec channel's output, which stdout and stderr
// write from two goroutines, up to a limit: a write past it fails and
// closes over, so that the command is stopped rather than kept.
type cappedBuffer struct {
	mu    sync.Mutex
	buf   []byte
	limit int64
	over  chan struct{}
	full  error
	log   *transcript
}

func newCappedBuffer(limit int64) *cappedBuffer {
	return &cappedBuffer{limit: limit, over: make(chan struct{})}
}

func (b *cappedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.full != nil {
		return 0, b.full
	}
	if int64(len(b.buf)+len(p)) > b.limit {
		b.full = &OutputLimitError{Limit: b.limit}
		close(b.over)
		return 0, b.full
	}
	b.buf = appendBounded(b.buf, p, b.limit)
	b.log.read(p)
	return len(p), nil
}

func (b *cappedBuffer) err() error {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.full
}

func (b *cappedBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return string(b.buf)
}
