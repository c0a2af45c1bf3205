package templates

import (
	"errors"
	"strings"
	"testing"
	"time"
)

// catastrophic is a line on which (a+)+ followed by something that fails
// tries every way of cutting 40 a's: 2^40 paths, for ever in effect.
var catastrophic = strings.Repeat("a", 40) + "b"

// within runs f and fails the test if it has not returned after limit: the
// bug these tests guard against is a call that never returns. The limit is
// far above what the call needs, so a loaded machine does not fail it.
func within[T any](t *testing.T, limit time.Duration, f func() T) T {
	t.Helper()
	done := make(chan T, 1)
	go func() { done <- f() }()
	select {
	case v := <-done:
		return v
	case <-time.After(limit):
		t.Fatalf("still running after %v", limit)
		var zero T
		return zero
	}
}

type parsed struct {
	res *Result
	err error
}

// TestRuleRegexTimesOut: a rule's pattern that regexp2 runs (the lookahead
// sends it there) and that goes exponential on a line gives up after
// MatchTimeout, as a *TimeoutError naming the template, the rule's line and
// the input line.
func TestRuleRegexTimesOut(t *testing.T) {
	t.Parallel()
	tpl, err := CompileString("evil.textfsm", "Value A (\\S+)\n\nStart\n  ^${A} ok\n  ^(?=a)(a+)+$$ -> Record\n")
	if err != nil {
		t.Fatal(err)
	}
	if e := tpl.states[0].rules[1].re.engine(); e != "regexp2" {
		t.Fatalf("rule runs on %s, want regexp2", e)
	}
	got := within(t, 30*time.Second, func() parsed {
		res, err := tpl.Parse("x ok\n" + catastrophic + "\n")
		return parsed{res, err}
	})
	var te *TimeoutError
	if !errors.As(got.err, &te) || !errors.Is(got.err, ErrTimeout) {
		t.Fatalf("got %v, %v; want a *TimeoutError", got.res, got.err)
	}
	if te.Template != "evil.textfsm" || te.RuleLine != 5 || te.InputLine != 2 || te.Input != catastrophic || te.Value != "" || te.Limit != MatchTimeout {
		t.Errorf("error %+v", te)
	}
	if msg := te.Error(); !strings.Contains(msg, "evil.textfsm line 5") || !strings.Contains(msg, "input line 2") {
		t.Errorf("message %q", msg)
	}
}

// TestListValueRegexTimesOut: a List value's regex is matched again on its
// own text to collect nested groups; there the lookahead that let the rule
// match at once has nothing to look at, and the re-match goes exponential.
func TestListValueRegexTimesOut(t *testing.T) {
	t.Parallel()
	tpl, err := CompileString("nested.textfsm", "Value List A ((?P<x>(a+)+)(?=b))\n\nStart\n  ^${A}b -> Record\n")
	if err != nil {
		t.Fatal(err)
	}
	got := within(t, 30*time.Second, func() parsed {
		res, err := tpl.Parse(catastrophic + "\n")
		return parsed{res, err}
	})
	var te *TimeoutError
	if !errors.As(got.err, &te) || te.Value != "A" || te.RuleLine != 4 || te.InputLine != 1 {
		t.Fatalf("got %v, %+v", got.err, te)
	}
}

// TestIndexPatternTimesOut: index columns are Python patterns too.
func TestIndexPatternTimesOut(t *testing.T) {
	t.Parallel()
	ix, err := ParseIndex("test", "Template, Hostname, Platform, Command\n\nx.textfsm, .*, acme, (?=a)(a+)+$\n")
	if err != nil {
		t.Fatal(err)
	}
	err = within(t, 30*time.Second, func() error {
		_, _, err := ix.Lookup(map[string]string{"Platform": "acme", "Command": catastrophic})
		return err
	})
	if !errors.Is(err, ErrTimeout) || !strings.Contains(err.Error(), "index test line 3") {
		t.Fatalf("got %v", err)
	}
}
