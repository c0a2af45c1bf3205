package engine

import (
	"bytes"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"
)

// TestTranscriptMasksSecrets: a secret is masked where vc sends it and
// wherever it comes back, also split across reads.
func TestTranscriptMasksSecrets(t *testing.T) {
	var b syncWriter
	tr := newTranscript(&b, []Credential{{Password: "Lab-Pass-1", Enable: "Lab-Enable-1"}, {Password: "Lab-Pass-1x"}})
	tr.read([]byte("host>"))
	tr.sent("enable\n")
	tr.read([]byte("enable\r\nPassword: "))
	tr.sentSecret("\n")
	tr.read([]byte("\r\nhost#echo Lab-Pa"))
	tr.read([]byte("ss-1 and Lab-Pass-1x and Lab-"))
	tr.read([]byte("Enable-1!\r\nLab-"))
	tr.sent("show Lab-Enable-1\n")
	tr.read([]byte("Lab"))
	tr.close()
	want := "host>enable\nenable\r\nPassword: ********\n\r\nhost#echo ******** and ******** and ********!\r\nLab-show ********\nLab"
	if got := b.String(); got != want {
		t.Errorf("got  %q\nwant %q", got, want)
	}
}

// TestTranscriptWriterFails: a failing writer is tried once and then left
// alone; the session does not notice.
func TestTranscriptWriterFails(t *testing.T) {
	w := &failingWriter{}
	tr := newTranscript(w, nil)
	tr.read([]byte("one"))
	time.Sleep(10 * time.Millisecond)
	tr.read([]byte("two"))
	tr.sent("three")
	tr.close()
	if n := w.count(); n != 1 {
		t.Errorf("%d writes to a failing writer", n)
	}
}

// TestTranscriptWriterBlocks: a writer that never returns holds neither
// the session's reads nor the end of the run for long.
func TestTranscriptWriterBlocks(t *testing.T) {
	stuck := make(chan struct{})
	defer close(stuck)
	tr := newTranscript(blockingWriter(stuck), nil)
	tr.flushWait = 50 * time.Millisecond
	start := time.Now()
	for range 10_000 {
		tr.read(bytes.Repeat([]byte("x"), 1024))
	}
	tr.close()
	if d := time.Since(start); d > 5*time.Second {
		t.Errorf("a blocked writer held the session for %s", d)
	}
	tr.mu.Lock()
	defer tr.mu.Unlock()
	if len(tr.queue) > transcriptQueue+1024 {
		t.Errorf("%d bytes queued for a blocked writer", len(tr.queue))
	}
}

type syncWriter struct {
	mu sync.Mutex
	b  strings.Builder
}

func (w *syncWriter) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.b.Write(p)
}

func (w *syncWriter) String() string {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.b.String()
}

type failingWriter struct {
	mu sync.Mutex
	n  int
}

func (w *failingWriter) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.n++
	return 0, errors.New("disk full")
}

func (w *failingWriter) count() int {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.n
}

type blockingWriter chan struct{}

func (b blockingWriter) Write(p []byte) (int, error) {
	<-b
	return len(p), nil
}
