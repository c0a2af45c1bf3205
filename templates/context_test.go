package templates

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"
)

func TestParseContextCancelled(t *testing.T) {
	tpl := builtinTemplate(t, "cisco_ios_show_ip_arp.textfsm")
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	text := "Internet  10.0.0.1                 5   0050.56a1.0001  ARPA   Vlan10\n"
	if res, err := tpl.ParseContext(ctx, text); !errors.Is(err, context.Canceled) || res != nil {
		t.Errorf("single: %v, %v; want context.Canceled and no result", res, err)
	}
	if res, err := ParseMergedContext(ctx, []*Template{tpl, tpl}, text); !errors.Is(err, context.Canceled) || res != nil {
		t.Errorf("merged: %v, %v", res, err)
	}
	// A live context changes nothing.
	res, err := tpl.ParseContext(t.Context(), text)
	if err != nil || len(res.Records) != 1 {
		t.Errorf("live context: %v, %v", res, err)
	}
}

// TestParseContextStopsBetweenLines cancels a long parse once it is under
// way: it stops at some line with the context's error, well before the end.
func TestParseContextStopsBetweenLines(t *testing.T) {
	tpl, err := CompileString("long", "Value A (\\S+)\nValue B (\\d+)\n\nStart\n  ^${A}\\s+${B}\\s*$$\n")
	if err != nil {
		t.Fatal(err)
	}
	const lines = 1_000_000 // a few hundred milliseconds, far more under load
	text := strings.Repeat("word 12345\n", lines)
	ctx, cancel := context.WithCancel(t.Context())
	started := make(chan struct{})
	got := make(chan error, 1)
	go func() {
		close(started)
		_, err := tpl.ParseContext(ctx, text)
		got <- err
	}()
	<-started
	cancel()
	cancelled := time.Now()
	select {
	case err := <-got:
		if !errors.Is(err, context.Canceled) || !strings.Contains(err.Error(), "long: parse stopped at input line") {
			t.Fatalf("got %v, want a stop with context.Canceled", err)
		}
		t.Logf("%v, %v after cancel", err, time.Since(cancelled))
	case <-time.After(30 * time.Second):
		t.Fatal("parse did not stop")
	}
}

// TestParseContextDeadlineInsideRegexp2: a regexp2 match that would run
// for ever ends at the context's deadline, as the context's error: the
// caller's time ran out, so it is not the template's *TimeoutError.
func TestParseContextDeadlineInsideRegexp2(t *testing.T) {
	tpl, err := CompileString("evil.textfsm", "Value A (a+)\n\nStart\n  ^(?=a)(a+)+$$ -> Record\n")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(t.Context(), 100*time.Millisecond)
	defer cancel()
	start := time.Now()
	err = within(t, 30*time.Second, func() error {
		_, err := tpl.ParseContext(ctx, catastrophic+"\n")
		return err
	})
	var te *TimeoutError
	if !errors.Is(err, context.DeadlineExceeded) || errors.As(err, &te) {
		t.Fatalf("got %v, want context.DeadlineExceeded", err)
	}
	t.Logf("%v after %v", err, time.Since(start))
}

func TestShortLimits(t *testing.T) {
	last := time.Duration(0)
	for i := range numShortLimits {
		l := shortLimit(i)
		if l <= last || l >= MatchTimeout {
			t.Fatalf("step %d: %v after %v", i, l, last)
		}
		last = l
	}
	p, err := newPerlRegex(`\A(?:(?=a)a)`)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct{ remaining, want time.Duration }{
		{2 * time.Second, MatchTimeout},
		{999 * time.Millisecond, 950 * time.Millisecond},
		{120 * time.Millisecond, 100 * time.Millisecond},
		{7 * time.Millisecond, 5 * time.Millisecond},
		{4 * time.Millisecond, 4 * time.Millisecond},
	} {
		re, limit := p.within(c.remaining)
		if limit != c.want || (re == nil) != (c.remaining < 5*time.Millisecond) || (re != nil && re.MatchTimeout != limit) {
			t.Errorf("within(%v) = %v, %v; want limit %v", c.remaining, re, limit, c.want)
		}
	}
}

// TestMergeStopsPairing: pairing rows by key, the slow part of a merge,
// stops when the context ends.
func TestMergeStopsPairing(t *testing.T) {
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	rows := func(n int) [][]any {
		out := make([][]any, n)
		for i := range out {
			out[i] = []any{"k", "v"}
		}
		return out
	}
	base := &Result{Header: []string{"K", "A"}, Records: rows(100)}
	next := &Result{Header: []string{"K", "B"}, Records: rows(100)}
	if err := extend(newControl(ctx), base, next, []string{"K"}); !errors.Is(err, context.Canceled) {
		t.Errorf("got %v, want context.Canceled", err)
	}
	if err := extend(nil, base, next, []string{"K"}); err != nil || len(base.Header) != 3 {
		t.Errorf("without a context: %v, %v", err, base.Header)
	}
}
