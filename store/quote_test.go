package store

import (
	"strings"
	"testing"
)

func TestQuote(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"sw1", `"sw1"`},
		{"esc\x1b[2J", `"esc\x1b[2J"`},
		{strings.Repeat("é", 40), `"` + strings.Repeat("é", 40) + `"`},
		{strings.Repeat("é", 41), `"` + strings.Repeat("é", 40) + `"… (82 bytes)`},
		{strings.Repeat("a", 10<<20), `"` + strings.Repeat("a", 40) + `"… (10485760 bytes)`},
	} {
		if got := Quote(c.in); got != c.want {
			t.Errorf("Quote(%.50q) = %s, want %s", c.in, got, c.want)
		}
	}
}

// TestErrorsCutLongValues: a long bad value is not echoed whole, whatever
// the field.
func TestErrorsCutLongValues(t *testing.T) {
	long := strings.Repeat("x", 10<<20)
	for _, key := range []string{"ip", "port", "platform", "site", "status", "tags", "cred", "jump", "hostkey", "legacy", "fields." + long, long} {
		d := NewDevice("sw1")
		v := long + " !"
		err := SetAttr(d, key, v)
		if err == nil {
			// Not every long value is wrong in every field; those that
			// are accepted are held to their limits by Validate.
			err = Validate(d)
		}
		if err == nil {
			t.Errorf("%.20s: a 10 MB value was accepted", key)
			continue
		}
		if n := len(err.Error()); n > 1000 {
			t.Errorf("%.20s: message of %d bytes: %.200s", key, n, err)
		}
	}
	for _, fn := range []func() error{
		func() error { _, err := ParseTags("ok;" + long); return err },
		func() error { _, err := Named(KindSite, long); return err },
		func() error { _, err := ParseJump("u@" + long); return err },
	} {
		if err := fn(); err == nil || len(err.Error()) > 1000 {
			t.Errorf("got %.200v", err)
		}
	}
	st, _ := testStore(t)
	update(t, st, func(tx *Tx) error {
		for _, err := range []error{
			func() error { _, err := Get[Device](tx, long); return err }(),
			func() error { _, err := tx.GetKind(KindSite, long); return err }(),
			func() error { _, err := tx.Cred(long); return err }(),
			func() error { _, err := tx.Remove(KindRole, long, false); return err }(),
		} {
			if err == nil || len(err.Error()) > 1000 {
				t.Errorf("got %.200v", err)
			}
		}
		return nil
	})
}
