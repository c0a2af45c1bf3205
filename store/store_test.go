package store

import (
	"errors"
	"strings"
	"testing"
	"time"
)

func TestParseLockTimeout(t *testing.T) {
	for _, c := range []struct {
		in   string
		want time.Duration
		err  string
	}{
		{"", DefaultLockTimeout, ""},
		{"300ms", 300 * time.Millisecond, ""},
		{" 2m ", 2 * time.Minute, ""},
		{"1m30s", 90 * time.Second, ""},
		{"1", 0, `VC_LOCK_TIMEOUT="1" has no unit; write 1s if you mean seconds (units: ms, s, m, h)`},
		{"0.5", 0, `write 0.5s`},
		{"0", 0, `VC_LOCK_TIMEOUT="0" has no unit`},
		{"abc", 0, `VC_LOCK_TIMEOUT="abc" is not a duration; give a number and a unit, such as 10s`},
		{"5 s", 0, `is not a duration`},
		{"0s", 0, `VC_LOCK_TIMEOUT="0s" must be more than zero`},
		{"-1s", 0, `must be more than zero`},
	} {
		got, err := ParseLockTimeout(c.in)
		switch {
		case c.err == "" && (err != nil || got != c.want):
			t.Errorf("%q: %v, %v; want %v", c.in, got, err, c.want)
		case c.err != "" && (err == nil || !strings.Contains(err.Error(), c.err) || !errors.Is(err, ErrInvalid)):
			t.Errorf("%q: %v, %v; want an error with %q", c.in, got, err, c.err)
		}
	}
}
