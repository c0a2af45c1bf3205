package engine

import (
	"bytes"
	"errors"
	"regexp"
	"testing"
)

// endless is a device that never stops talking.
type endless struct{}

func (endless) Read(p []byte) (int, error) {
	for i := range p {
		p[i] = 'x'
	}
	return len(p), nil
}

// TestReadLoopCapsOutput: the shell stops reading at the limit, holding
// about the limit and no more, and says why it stopped.
func TestReadLoopCapsOutput(t *testing.T) {
	const limit = 1 << 20
	s := &shell{notify: make(chan struct{}, 1), done: make(chan struct{}), maxOutput: limit}
	s.readLoop(endless{})
	var le *OutputLimitError
	if !errors.As(s.readErr, &le) || le.Limit != limit {
		t.Fatalf("read error %v", s.readErr)
	}
	if len(s.buf) > limit || cap(s.buf) > limit+readChunk {
		t.Errorf("holds %d bytes in %d, limit %d", len(s.buf), cap(s.buf), limit)
	}
}

// TestCappedBuffer: an exec channel's output stops at the limit too.
func TestCappedBuffer(t *testing.T) {
	b := newCappedBuffer(10_000)
	chunk := bytes.Repeat([]byte("y"), 3000)
	var err error
	for range 10 {
		if _, err = b.Write(chunk); err != nil {
			break
		}
	}
	var le *OutputLimitError
	if !errors.As(err, &le) {
		t.Fatalf("write error %v", err)
	}
	select {
	case <-b.over:
	default:
		t.Errorf("the limit was not signalled")
	}
	if n := len(b.String()); n > 10_000 || cap(b.buf) > 10_000+3000 {
		t.Errorf("holds %d bytes in %d", n, cap(b.buf))
	}
}

// endsWithPrompt answers as the regular expression it stands for, on
// prompts in every mode and on what only looks like one.
func TestEndsWithPrompt(t *testing.T) {
	bases := []string{"usa-leaf-017", "r1", "admin@mx1", "RP/0/RP0/CPU0:xr1", "sw(x)"}
	tails := []string{"#", ">", "% ", "$ ", "# ", "#  ", "(config)#", "(config-if)# ", "(config-vrf:red)#", "(a/b.c_d)>",
		"(bad!)#", "()#", "(unclosed#", "#x", "", ")#", "((config))#"}
	heads := []string{"", "\r\n", "\n", "output\r\n", "x", "show run\r\n", "\r"}
	for _, base := range bases {
		re := regexp.MustCompile(`(?:^|[\r\n])` + regexp.QuoteMeta(base) + `(?:\([\w.\-/: ]*\))?[>#%$] ?$`)
		for _, h := range heads {
			for _, tl := range tails {
				for _, text := range []string{h + base + tl, h + "other" + base + tl, h + base[:len(base)-1] + tl} {
					if got, want := endsWithPrompt([]byte(text), base), re.MatchString(text); got != want {
						t.Errorf("endsWithPrompt(%q, %q) = %v, the expression says %v", text, base, got, want)
					}
				}
			}
		}
	}
}
