package netbox

import (
	"context"
	"strings"
	"testing"
	"time"

	"vc/inventory/netbox/netboxtest"
)

func startNetBox(t *testing.T, o netboxtest.Options) *netboxtest.Server {
	t.Helper()
	s, err := netboxtest.Start(o)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(s.Close)
	return s
}

// newClient makes a client of s with quick retries; change adjusts cfg.
func newClient(t *testing.T, s *netboxtest.Server, change func(*Config)) (*Client, []string) {
	t.Helper()
	tok, err := ParseToken([]byte(s.Token() + "\n"))
	if err != nil {
		t.Fatal(err)
	}
	cfg := Config{URL: s.URL(), Token: tok, Backoff: time.Millisecond, MaxRetryAfter: 50 * time.Millisecond, Timeout: 5 * time.Second}
	if change != nil {
		change(&cfg)
	}
	c, warns, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return c, warns
}

func fetch(t *testing.T, c *Client, filters ...string) *Snapshot {
	t.Helper()
	fs, err := ParseFilters(filters)
	if err != nil {
		t.Fatal(err)
	}
	snap, err := c.Devices(context.Background(), fs)
	if err != nil {
		t.Fatal(err)
	}
	return snap
}

// noToken fails if the token, or its secret part, shows in any of texts.
func noToken(t *testing.T, token string, texts ...string) {
	t.Helper()
	secret := token
	if _, plain, ok := strings.Cut(token, "."); ok {
		secret = plain
	}
	for _, s := range texts {
		if strings.Contains(s, token) || strings.Contains(s, secret) {
			t.Errorf("the token shows in %q", s)
		}
	}
}
