package engine

import (
	"bytes"
	"context"
	"encoding/binary"
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
	ch       ssh.Channel
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

	// prompt is the learned prompt ("usa-leaf-017#"); endsAtPrompt
	// recognises its base ("usa-leaf-017"), or the pattern that overrides
	// it, at the end of the output.
	prompt   string
	base     string
	atPrompt *regexp.Regexp // the override's; nil for a learned prompt
}

// openShell starts a shell on the connection with a wide terminal, so
// devices do not wrap long lines.
//
// It opens the session channel itself rather than through an
// *ssh.Client and *ssh.Session, which would take four goroutines for what
// a shell never uses (the peer's channel opens, its global requests, the
// exit status): one goroutine answers all of those here, and one reads
// the shell. Ten thousand warm sessions feel every goroutine, in memory
// and in each garbage collection, which scans their stacks.
func openShell(ln *link, p *Platform, maxOutput int64, log *transcript) (*shell, error) {
	ch, chReqs, err := ln.OpenChannel("session", nil)
	if err != nil {
		go refuseUnasked(ln, nil)
		return nil, fmt.Errorf("open session: %w", err)
	}
	go refuseUnasked(ln, chReqs)
	modes := []terminalMode{{ssh.ECHO, 1}, {ssh.TTY_OP_ISPEED, 115200}, {ssh.TTY_OP_OSPEED, 115200}}
	if err := request(ch, "pty-req", ptyRequest("vt100", 24, 511, modes)); err != nil {
		ch.Close()
		return nil, fmt.Errorf("request terminal: %w", err)
	}
	if err := request(ch, "shell", nil); err != nil {
		ch.Close()
		return nil, fmt.Errorf("start shell: %w", err)
	}
	// With a terminal, a device writes everything to stdout (the channel's
	// data); what it might write to stderr is left unread, as it would be
	// unseen on a terminal.
	s := &shell{ch: ch, platform: p, notify: make(chan struct{}, 1), done: make(chan struct{}), maxOutput: maxOutput, log: log}
	go s.readLoop(ch)
	return s, nil
}

// request sends a channel request and waits for the device's yes.
func request(ch ssh.Channel, name string, payload []byte) error {
	ok, err := ch.SendRequest(name, true, payload)
	if err == nil && !ok {
		err = fmt.Errorf("ssh: %s refused by the device", name)
	}
	return err
}

// refuseUnasked answers what the device sends a shell's connection
// unasked, until the connection ends: no to its global requests
// (keepalives take a no as well as a yes) and to channels it would open;
// the shell channel's requests (exit-status, keepalives) are read and
// let go. Left unread, they would stall the connection once a few queued
// up.
func refuseUnasked(ln *link, chReqs <-chan *ssh.Request) {
	reqs, chans := ln.reqs, ln.chans
	for reqs != nil || chans != nil || chReqs != nil {
		select {
		case r, ok := <-reqs:
			if !ok {
				reqs = nil
			} else if r.WantReply {
				_ = r.Reply(false, nil)
			}
		case nc, ok := <-chans:
			if !ok {
				chans = nil
			} else {
				_ = nc.Reject(ssh.Prohibited, "no channels are accepted")
			}
		case r, ok := <-chReqs:
			if !ok {
				chReqs = nil
			} else if r.WantReply {
				_ = r.Reply(false, nil)
			}
		}
	}
}

// terminalMode is one of a pty request's modes: an opcode and its value.
type terminalMode struct {
	op  uint8
	val uint32
}

// ptyRequest is the payload of a pty-req (RFC 4254, section 6.2): the
// terminal type, its size in characters and pixels, and its modes, each
// an opcode byte and a 32-bit value, ended by TTY_OP_END.
func ptyRequest(term string, rows, cols uint32, modes []terminalMode) []byte {
	var m []byte
	for _, md := range modes {
		m = append(m, md.op)
		m = binary.BigEndian.AppendUint32(m, md.val)
	}
	m = append(m, 0) // TTY_OP_END
	var b []byte
	b = appendString(b, term)
	b = binary.BigEndian.AppendUint32(b, cols)
	b = binary.BigEndian.AppendUint32(b, rows)
	b = binary.BigEndian.AppendUint32(b, 0) // width in pixels
	b = binary.BigEndian.AppendUint32(b, 0) // height in pixels
	return appendString(b, string(m))
}

// appendString appends an SSH string: its length, then its bytes.
func appendString(b []byte, s string) []byte {
	b = binary.BigEndian.AppendUint32(b, uint32(len(s)))
	return append(b, s...)
}

// readChunk is the shell's read buffer: small, since every warm session
// keeps one while it waits for the device; big outputs just take more
// reads, each a copy out of the channel's own buffer.
const readChunk = 1024

// outputBufs are the buffers a command's output is read into, handed
// back once the output is cleaned (a copy): without them every command
// grew a buffer of its own, 4, 8, 16, 32 KB for an ARP table, all
// garbage a moment later.
var outputBufs = sync.Pool{New: func() any { return new([]byte) }}

// outputBufCap is the size of a buffer from outputBufs, and the largest
// one given back: a rare huge output is not kept for the next.
const outputBufCap = 32 << 10

func getOutputBuf() []byte {
	b := *outputBufs.Get().(*[]byte)
	if b == nil {
		b = make([]byte, 0, outputBufCap)
	}
	return b[:0]
}

// putOutputBuf hands back a buffer take returned, once nothing refers
// to its bytes.
func putOutputBuf(b []byte) {
	if cap(b) == 0 || cap(b) > outputBufCap {
		return
	}
	b = b[:0]
	outputBufs.Put(&b)
}

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
			if s.buf == nil {
				s.buf = getOutputBuf()
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

func (s *shell) close() { s.ch.Close() }

func (s *shell) send(text string) error {
	s.transcript().sent(text)
	if _, err := io.WriteString(s.ch, text); err != nil {
		return fmt.Errorf("send: %w", errClosed)
	}
	return nil
}

// sendSecret sends a secret and what ends it (Enter); the transcript
// shows neither the secret nor its length.
func (s *shell) sendSecret(secret, after string) error {
	s.transcript().sentSecret(after)
	if _, err := io.WriteString(s.ch, secret+after); err != nil {
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
	first := s.take()
	candidate := lastLine(first)
	putOutputBuf(first)
	for range 3 {
		if err := s.send("\n"); err != nil {
			return err
		}
		if err := s.waitFor(ctx, deadline, tail); err != nil {
			return s.promptError(ctx, limit, err)
		}
		seen := s.take()
		got := lastLine(seen)
		putOutputBuf(seen)
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
	s.base = base[:len(base)-1]
}

// endsAtPrompt reports whether the output ends at the device's prompt.
func (s *shell) endsAtPrompt(b []byte) bool {
	if len(b) > 512 {
		b = b[len(b)-512:]
	}
	b = stripANSI(b)
	if s.atPrompt != nil {
		return s.atPrompt.Match(b)
	}
	return endsWithPrompt(b, s.base)
}

// endsWithPrompt reports whether b ends with a line that is the prompt's
// base, a mode in parentheses if any (config-if, a context such as
// admin/vrf:red), one of > # % $ and at most one blank: what the regular
// expression (?:^|[\r\n])BASE(?:\([\w.\-/: ]*\))?[>#%$] ?$ matches,
// found by hand, as it runs at every read of every session and a compiled
// expression per session would cost kilobytes each.
func endsWithPrompt(b []byte, base string) bool {
	n := len(b)
	if n > 0 && b[n-1] == ' ' {
		n--
	}
	if n == 0 {
		return false
	}
	switch b[n-1] {
	case '>', '#', '%', '$':
	default:
		return false
	}
	n--
	if n > 0 && b[n-1] == ')' {
		j := n - 2
		for j >= 0 && modeChar(b[j]) {
			j--
		}
		if j >= 0 && b[j] == '(' && lineEndsWith(b[:j], base) {
			return true
		}
	}
	return lineEndsWith(b[:n], base)
}

// lineEndsWith reports whether b ends with base, which starts b or a line.
func lineEndsWith(b []byte, base string) bool {
	if len(b) < len(base) || string(b[len(b)-len(base):]) != base {
		return false
	}
	k := len(b) - len(base)
	return k == 0 || b[k-1] == '\r' || b[k-1] == '\n'
}

// modeChar reports the characters a prompt's mode may hold: \w . - / : and
// blank.
func modeChar(c byte) bool {
	switch {
	case c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z', c >= '0' && c <= '9':
		return true
	}
	switch c {
	case '_', '.', '-', '/', ':', ' ':
		return true
	}
	return false
}

// run sends one command and returns its output, answering the pager when
// the device pages anyway.
func (s *shell) run(ctx context.Context, cmd string, limit time.Duration) (string, error) {
	// Anything that arrived between commands belongs to nothing we asked.
	putOutputBuf(s.take())
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
				if _, err := io.WriteString(s.ch, " "); err != nil {
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
	raw := s.take()
	out := cleanOutput(raw, cmd, pager, answered > 0)
	putOutputBuf(raw)
	return out, nil
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
