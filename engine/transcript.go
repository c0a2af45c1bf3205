package engine

import (
	"bytes"
	"fmt"
	"io"
	"sync"
	"time"
)

// transcript is a session log (Target.SessionLog): everything vc read from
// a device and everything it sent, in order, so that an engineer can see
// why a prompt or a pager was not recognised, as Netmiko's session_log
// shows. Secrets never reach it: a secret vc sends is written as mask,
// and every occurrence of the target's secrets in what is read or sent is
// masked too.
//
// The session never waits on the writer: text is queued for a goroutine
// that writes it, the queue is bounded (what does not fit is dropped and
// said so), and the first write error ends the writing for good.
type transcript struct {
	w       io.Writer
	secrets [][]byte
	longest int
	// flushWait bounds how long close waits for the writer.
	flushWait time.Duration

	mu      sync.Mutex
	queue   []byte
	tail    []byte // read text held back: it may be the start of a secret
	dropped int
	failed  bool
	closed  bool
	wake    chan struct{}
	done    chan struct{}
}

// mask stands for a secret in a transcript.
const mask = "********"

// Bounds of a transcript: how much may wait for a slow writer, and how
// long the end of a run waits for it to catch up.
const (
	transcriptQueue = 4 << 20
	transcriptFlush = 2 * time.Second
)

// newTranscript starts a transcript to w that masks the secrets of creds;
// nil w is no transcript.
func newTranscript(w io.Writer, creds []Credential) *transcript {
	if w == nil {
		return nil
	}
	t := &transcript{w: w, flushWait: transcriptFlush, wake: make(chan struct{}, 1), done: make(chan struct{})}
	for _, c := range creds {
		for _, s := range []string{c.Password, c.Enable} {
			if s != "" {
				t.secrets = append(t.secrets, []byte(s))
				t.longest = max(t.longest, len(s))
			}
		}
	}
	go t.writeLoop()
	return t
}

// read logs text read from the device.
func (t *transcript) read(p []byte) {
	if t == nil {
		return
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	clean, rest := t.scrub(append(t.tail, p...), false)
	t.tail = rest
	t.enqueue(clean)
}

// sent logs text vc sent.
func (t *transcript) sent(text string) {
	if t == nil {
		return
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	t.flushTail()
	clean, _ := t.scrub([]byte(text), true)
	t.enqueue(clean)
}

// sentSecret logs that vc sent a secret, and what followed it (the
// Enter that ends it), without the secret.
func (t *transcript) sentSecret(after string) {
	if t == nil {
		return
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	t.flushTail()
	t.enqueue([]byte(mask + after))
}

// close writes what is left and waits, a bounded time, for the writer.
// Nothing is logged after it.
func (t *transcript) close() {
	if t == nil {
		return
	}
	t.mu.Lock()
	if t.closed {
		t.mu.Unlock()
		return
	}
	t.flushTail()
	t.closed = true
	t.mu.Unlock()
	t.signal()
	timer := time.NewTimer(t.flushWait)
	defer timer.Stop()
	select {
	case <-t.done:
	case <-timer.C:
		// A writer that blocks this long is abandoned: its goroutine ends
		// when its write does, and writes nothing more.
		t.mu.Lock()
		t.failed = true
		t.mu.Unlock()
	}
}

// flushTail logs the read text held back, now that no more of a secret
// can follow it. t.mu is held.
func (t *transcript) flushTail() {
	if len(t.tail) > 0 {
		clean, _ := t.scrub(t.tail, true)
		t.tail = nil
		t.enqueue(clean)
	}
}

// enqueue queues text for the writer, or counts it as dropped when the
// writer is that far behind. t.mu is held.
func (t *transcript) enqueue(p []byte) {
	if t.failed || t.closed || len(p) == 0 {
		return
	}
	if len(t.queue)+len(p) > transcriptQueue {
		t.dropped += len(p)
		return
	}
	if t.dropped > 0 {
		t.queue = fmt.Appendf(t.queue, "\n[vc: the session log fell behind; %d bytes left out]\n", t.dropped)
		t.dropped = 0
	}
	t.queue = append(t.queue, p...)
	t.signal()
}

func (t *transcript) signal() {
	select {
	case t.wake <- struct{}{}:
	default:
	}
}

func (t *transcript) writeLoop() {
	defer close(t.done)
	for {
		t.mu.Lock()
		for len(t.queue) == 0 && !t.closed && !t.failed {
			t.mu.Unlock()
			<-t.wake
			t.mu.Lock()
		}
		p, stop := t.queue, t.failed || (t.closed && len(t.queue) == 0)
		t.queue = nil
		t.mu.Unlock()
		if stop {
			return
		}
		if _, err := t.w.Write(p); err != nil {
			t.mu.Lock()
			t.failed = true
			t.mu.Unlock()
			return
		}
	}
}

// scrub masks every whole secret in p. Unless final, it holds back the
// end of p that could be the start of a secret split across reads, and
// returns it as rest.
func (t *transcript) scrub(p []byte, final bool) (clean, rest []byte) {
	if len(t.secrets) == 0 {
		return p, nil
	}
	var out []byte
	for {
		at, n := -1, 0
		for _, s := range t.secrets {
			if i := bytes.Index(p, s); i >= 0 && (at < 0 || i < at || (i == at && len(s) > n)) {
				at, n = i, len(s)
			}
		}
		if at < 0 {
			break
		}
		out = append(out, p[:at]...)
		out = append(out, mask...)
		p = p[at+n:]
	}
	if !final {
		for k := min(len(p), t.longest-1); k > 0; k-- {
			if t.startsSecret(p[len(p)-k:]) {
				p, rest = p[:len(p)-k], bytes.Clone(p[len(p)-k:])
				break
			}
		}
	}
	return append(out, p...), rest
}

// startsSecret reports whether p is how some secret begins.
func (t *transcript) startsSecret(p []byte) bool {
	for _, s := range t.secrets {
		if len(p) < len(s) && bytes.HasPrefix(s, p) {
			return true
		}
	}
	return false
}
