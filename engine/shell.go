package engine

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"math"
	"regexp"
	"strings"
	"sync"
	"time"

	"golang.org/x/crypto/ssh"
)

// shell is an interactive shell on a device: what vc types and what the
// device answers, with the prompt learned from the device itself.
type shell struct {
	sess     *ssh.Session
	stdin    io.WriteCloser
	platform *Platform

	mu      sync.Mutex
	buf     []byte
	readErr error
	notify  chan struct{}
	done    chan struct{}
	// maxOutput is how much buf may hold: one command's output.
	maxOutput int64
	// log is the run's transcript, nil when it keeps none.
	log *transcript

	// prompt is the learned prompt ("usa-leaf-017#"); atPrompt recognises
	// it, or the same base in another mode, at the end of the output.
	prompt   string
	atPrompt *regexp.Regexp
}

// openShell starts a shell on client with a wide terminal, so devices do
// not wrap long lines.
func openShell(client *ssh.Client, p *Platform, maxOutput int64, log *transcript) (*shell, error) {
	sess, err := client.NewSession()
	if err != nil {
		return nil, fmt.Errorf("open session: %w", err)
	}
	modes := ssh.TerminalModes{ssh.ECHO: 1, ssh.TTY_OP_ISPEED: 115200, ssh.TTY_OP_OSPEED: 115200}
	if err := sess.RequestPty("vt100", 24, 511, modes); err != nil {
		sess.Close()
		return nil, fmt.Errorf("request terminal: %w", err)
	}
	stdin, err := sess.StdinPipe()
	if err != nil {
		sess.Close()
		return nil, err
	}
	stdout, err := sess.StdoutPipe()
	if err != nil {
		sess.Close()
		return nil, err
	}
	// With a terminal, a device writes everything to stdout. Taking the
	// stderr pipe (and leaving it) spares a copying goroutine per session,
	// which a thousand sessions feel in every garbage collection.
	if _, err := sess.StderrPipe(); err != nil {
		sess.Close()
		return nil, err
	}
	if err := sess.Shell(); err != nil {
		sess.Close()
		return nil, fmt.Errorf("start shell: %w", err)
	}
	s := &shell{sess: sess, stdin: stdin, platform: p, notify: make(chan struct{}, 1), done: make(chan struct{}), maxOutput: maxOutput, log: log}
	go s.readLoop(stdout)
	return s, nil
}

// readChunk is the shell's read buffer: small, since a thousand sessions
// each keep one; big outputs just take more reads.
const readChunk = 4 * 1024

func (s *shell) readLoop(r io.Reader) {
	b := make([]byte, readChunk)
	for {
		n, err := r.Read(b)
		if n > 0 {
			s.mu.Lock()
			if int64(len(s.buf)+n) > s.maxOutput {
				// Stop reading: the channel's window then holds the
				// device back, and whoever waits learns why.
				s.readErr = &OutputLimitError{Limit: s.maxOutput}
				s.mu.Unlock()
				close(s.done)
				return
			}
			s.buf = appendBounded(s.buf, b[:n], s.maxOutput)
			log := s.log
			s.mu.Unlock()
			log.read(b[:n])
			select {
			case s.notify <- struct{}{}:
			default:
			}
		}
		if err != nil {
			s.mu.Lock()
			s.readErr = err
			s.mu.Unlock()
			close(s.done)
			return
		}
	}
}

// appendBounded appends p to buf, growing it no further than limit (or
// what it must hold), so that an output near the limit costs about the
// limit and not twice it, as append's doubling would.
func appendBounded(buf, p []byte, limit int64) []byte {
	if need := len(buf) + len(p); need > cap(buf) {
		grown := max(min(2*cap(buf), int(min(limit, math.MaxInt))), need, readChunk)
		nb := make([]byte, len(buf), grown)
		copy(nb, buf)
		buf = nb
	}
	return append(buf, p...)
}

// setMaxOutput changes how much one command's output may be.
func (s *shell) setMaxOutput(n int64) {
	s.mu.Lock()
	s.maxOutput = n
	s.mu.Unlock()
}

// setLog changes the transcript the shell writes to; nil stops it.
func (s *shell) setLog(log *transcript) {
	s.mu.Lock()
	s.log = log
	s.mu.Unlock()
}

func (s *shell) transcript() *transcript {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.log
}

func (s *shell) close() { s.sess.Close() }

func (s *shell) send(text string) error {
	s.transcript().sent(text)
	if _, err := io.WriteString(s.stdin, text); err != nil {
		return fmt.Errorf("send: %w", errClosed)
	}
	return nil
}

// sendSecret sends a secret and what ends it (Enter); the transcript
// shows neither the secret nor its length.
func (s *shell) sendSecret(secret, after string) error {
	s.transcript().sentSecret(after)
	if _, err := io.WriteString(s.stdin, secret+after); err != nil {
		return fmt.Errorf("send: %w", errClosed)
	}
	return nil
}

// take removes and returns everything read so far.
func (s *shell) take() []byte {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := s.buf
	s.buf = nil
	return out
}

// waitFor waits until check accepts the output read so far, the deadline
// passes, the device closes the session or ctx ends. check sees the whole
// buffer and must not keep it.
func (s *shell) waitFor(ctx context.Context, deadline time.Time, check func([]byte) bool) error {
	timer := time.NewTimer(time.Until(deadline))
	defer timer.Stop()
	for {
		s.mu.Lock()
		ok := check(s.buf)
		rerr := s.readErr
		s.mu.Unlock()
		if ok {
			return nil
		}
		var over *OutputLimitError
		if errors.As(rerr, &over) {
			return rerr
		}
		if rerr != nil {
			return fmt.Errorf("%w: %v", errClosed, rerr)
		}
		select {
		case <-s.notify:
		case <-s.done:
		case <-timer.C:
			return errWaitTimeout
		case <-ctx.Done():
			return ctx.Err()
		}
	}
}

// lastLine is the text after the final newline, without trailing blanks.
func lastLine(b []byte) string {
	if i := bytes.LastIndexByte(b, '\n'); i >= 0 {
		b = b[i+1:]
	}
	if i := bytes.LastIndexByte(b, '\r'); i >= 0 && i < len(b)-1 {
		b = b[i+1:]
	}
	return strings.TrimRight(string(stripANSI(b)), " \t\r")
}

// learnPrompt waits for the device's first prompt, then presses Enter and
// takes the prompt that comes back twice as the real one: a banner line
// that happens to end in '>' does not repeat.
func (s *shell) learnPrompt(ctx context.Context, override *regexp.Regexp, limit time.Duration) error {
	deadline := time.Now().Add(limit)
	match := s.platform.Prompt
	if override != nil {
		match = override
	}
	tail := func(b []byte) bool { return match.MatchString(lastLine(b)) }
	if err := s.waitFor(ctx, deadline, tail); err != nil {
		return s.promptError(ctx, limit, err)
	}
	candidate := lastLine(s.take())
	for range 3 {
		if err := s.send("\n"); err != nil {
			return err
		}
		if err := s.waitFor(ctx, deadline, tail); err != nil {
			return s.promptError(ctx, limit, err)
		}
		got := lastLine(s.take())
		if got == candidate {
			s.setPrompt(got, override)
			return nil
		}
		candidate = got
	}
	return failure(KindPrompt, nil, "prompt not found: the device's prompt kept changing (last %q); set a prompt pattern on its platform", candidate)
}

func (s *shell) promptError(ctx context.Context, limit time.Duration, err error) error {
	if err == errWaitTimeout {
		s.mu.Lock()
		seen := lastLine(s.buf)
		s.mu.Unlock()
		return failure(KindPrompt, err, "prompt not found after %s (last line %q); set a prompt pattern on its platform", roundDuration(limit), seen)
	}
	return classify(ctx, "login", limit, err)
}

// setPrompt records the learned prompt. The prompt may later change mode
// (> to #, or (config)), so what is matched is its base plus any mode.
func (s *shell) setPrompt(prompt string, override *regexp.Regexp) {
	s.prompt = prompt
	if override != nil {
		s.atPrompt = regexp.MustCompile(`(?:` + override.String() + `)\s*$`)
		return
	}
	base := strings.TrimRight(prompt, " ")
	base = base[:len(base)-1]
	s.atPrompt = regexp.MustCompile(`(?:^|[\r\n])` + regexp.QuoteMeta(base) + `(?:\([\w.\-/: ]*\))?[>#%$] ?$`)
}

// endsAtPrompt reports whether the output ends at the device's prompt.
func (s *shell) endsAtPrompt(b []byte) bool {
	if len(b) > 512 {
		b = b[len(b)-512:]
	}
	return s.atPrompt.Match(stripANSI(b))
}

// run sends one command and returns its output, answering the pager when
// the device pages anyway.
func (s *shell) run(ctx context.Context, cmd string, limit time.Duration) (string, error) {
	// Anything that arrived between commands belongs to nothing we asked.
	s.take()
	if err := s.send(cmd + "\n"); err != nil {
		return "", err
	}
	deadline := time.Now().Add(limit)
	pager := s.platform.Pager
	var answered int
	var pagerErr error
	err := s.waitFor(ctx, deadline, func(b []byte) bool {
		if s.endsAtPrompt(b) {
			return true
		}
		if pager != nil && len(b) > answered {
			t := b[max(answered, len(b)-128):]
			if pager.Match(stripANSI(t)) {
				answered = len(b)
				// The write cannot block for long: the device waits for it.
				// (check runs with s.mu held.)
				s.log.sent(" ")
				if _, err := io.WriteString(s.stdin, " "); err != nil {
					pagerErr = err
					return true
				}
			}
		}
		return false
	})
	if pagerErr != nil {
		return "", fmt.Errorf("answer pager: %w", errClosed)
	}
	if err != nil {
		return "", err
	}
	return cleanOutput(s.take(), cmd, pager, answered > 0), nil
}

var ansiRE = regexp.MustCompile(`\x1b(\[[0-9;?]*[A-Za-z]|[()][A-Z0-9]|[=>])`)

func stripANSI(b []byte) []byte {
	if bytes.IndexByte(b, 0x1b) < 0 {
		return b
	}
	return ansiRE.ReplaceAll(b, nil)
}

// cleanOutput turns what the terminal showed into the command's output: no
// echo, no trailing prompt, no pager prompts or the erasing that follows
// them, LF line ends. paged says whether the pager was answered.
func cleanOutput(raw []byte, cmd string, pager *regexp.Regexp, paged bool) string {
	raw = stripANSI(raw)
	// One pass turns CRLF into LF; a CR or backspace left over means a
	// pager erased itself and the terminal must be emulated.
	var b strings.Builder
	b.Grow(len(raw))
	emulate := false
	for i, c := range raw {
		switch c {
		case '\r':
			if i+1 < len(raw) && raw[i+1] == '\n' {
				continue
			}
			emulate = true
		case '\b':
			emulate = true
		}
		b.WriteByte(c)
	}
	text := b.String()
	if emulate || (paged && pager != nil) {
		text = emulateLines(text, pager, paged)
	}
	// The first line is the echo of the command, the last one the prompt.
	if i := strings.IndexByte(text, '\n'); i >= 0 && strings.HasSuffix(strings.TrimSpace(text[:i]), strings.TrimSpace(cmd)) {
		text = text[i+1:]
	}
	if i := strings.LastIndexByte(text, '\n'); i >= 0 {
		return text[:i+1]
	}
	return ""
}

// emulateLines applies the terminal's overstriking and drops pager prompts,
// line by line.
func emulateLines(text string, pager *regexp.Regexp, paged bool) string {
	lines := strings.Split(text, "\n")
	out := lines[:0]
	for _, l := range lines {
		l = overstrike(l)
		if paged && pager != nil {
			if loc := pager.FindStringIndex(l); loc != nil {
				l = l[:loc[0]] + l[loc[1]:]
				if strings.TrimSpace(l) == "" {
					continue
				}
			}
		}
		out = append(out, l)
	}
	return strings.Join(out, "\n")
}

// overstrike applies carriage returns and backspaces the way a terminal
// would, so text a pager erased disappears. Blanks a pager wrote to erase
// itself, beyond what came after, are dropped; the line's own trailing
// blanks stay.
func overstrike(l string) string {
	var line []rune
	cur, end := 0, 0
	for _, r := range l {
		switch r {
		case '\r':
			cur, end = 0, 0
		case '\b':
			if cur > 0 {
				cur--
			}
			end = 0
		default:
			if cur < len(line) {
				line[cur] = r
			} else {
				line = append(line, r)
			}
			cur++
			end = max(end, cur)
		}
	}
	if strings.TrimRight(string(line[end:]), " ") == "" {
		line = line[:end]
	}
	return string(line)
}
