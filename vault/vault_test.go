package vault

import (
	"bytes"
	"errors"
	"testing"
	"time"
)

// cheap keeps the tests fast; the parameters' cost is not what they test.
var cheap = Params{Time: 1, MemoryKiB: 1024, Threads: 1}

func TestUnlockRightAndWrongPassword(t *testing.T) {
	h, k, err := Create([]byte("correct horse"), cheap)
	if err != nil {
		t.Fatal(err)
	}
	sealed, err := k.Seal([]byte("s3cret"), []byte("cred/ops"))
	if err != nil {
		t.Fatal(err)
	}
	raw, err := h.Marshal()
	if err != nil {
		t.Fatal(err)
	}
	h2, err := ParseHeader(raw)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := h2.Unlock([]byte("correct horse!")); !errors.Is(err, ErrWrongPassword) {
		t.Fatalf("wrong password: got %v, want ErrWrongPassword", err)
	}
	if _, err := h2.Unlock(nil); !errors.Is(err, ErrEmptyPassword) {
		t.Fatalf("empty password: got %v", err)
	}
	k2, err := h2.Unlock([]byte("correct horse"))
	if err != nil {
		t.Fatal(err)
	}
	plain, err := k2.Open(sealed, []byte("cred/ops"))
	if err != nil || string(plain) != "s3cret" {
		t.Fatalf("open after unlock: %q, %v", plain, err)
	}
	if !h.Same(h2) {
		t.Error("a header and its parsed copy should be the same vault")
	}
	h3, _, _ := Create([]byte("correct horse"), cheap)
	if h.Same(h3) {
		t.Error("two vaults with the same password must differ (salt)")
	}
}

func TestSealedSecretIsBoundToItsRecord(t *testing.T) {
	_, k, err := Create([]byte("pw"), cheap)
	if err != nil {
		t.Fatal(err)
	}
	sealed, err := k.SealSecret(&Secret{Password: []byte("hunter2"), Enable: []byte("en")}, []byte("cred/ops/admin"))
	if err != nil {
		t.Fatal(err)
	}
	if bytes.Contains(sealed, []byte("hunter2")) {
		t.Fatal("sealed text holds the plaintext")
	}
	if _, err := k.OpenSecret(sealed, []byte("cred/lab/admin")); !errors.Is(err, ErrCorrupt) {
		t.Fatalf("moved to another record: got %v, want ErrCorrupt", err)
	}
	bad := bytes.Clone(sealed)
	bad[len(bad)-1] ^= 1
	if _, err := k.OpenSecret(bad, []byte("cred/ops/admin")); !errors.Is(err, ErrCorrupt) {
		t.Fatalf("tampered: got %v, want ErrCorrupt", err)
	}
	if _, err := k.OpenSecret(sealed[:10], []byte("cred/ops/admin")); !errors.Is(err, ErrCorrupt) {
		t.Fatalf("truncated: got %v, want ErrCorrupt", err)
	}
	s, err := k.OpenSecret(sealed, []byte("cred/ops/admin"))
	if err != nil {
		t.Fatal(err)
	}
	if string(s.Password) != "hunter2" || string(s.Enable) != "en" || s.KeyPEM != nil || s.KeyPassphrase != nil {
		t.Fatalf("round trip: %+v", s)
	}
	s.Wipe()
	if !bytes.Equal(s.Password, make([]byte, 7)) {
		t.Fatalf("Wipe left %q", s.Password)
	}
}

func TestNoncesDiffer(t *testing.T) {
	_, k, _ := Create([]byte("pw"), cheap)
	a, _ := k.Seal([]byte("same"), nil)
	b, _ := k.Seal([]byte("same"), nil)
	if bytes.Equal(a[:24], b[:24]) || bytes.Equal(a, b) {
		t.Fatal("two seals of the same text share a nonce")
	}
}

func TestDestroyLocksAndZeroes(t *testing.T) {
	_, k, _ := Create([]byte("pw"), cheap)
	sealed, _ := k.Seal([]byte("x"), nil)
	raw := k.b
	k.Destroy()
	if !bytes.Equal(raw, make([]byte, len(raw))) {
		t.Fatal("key bytes not zeroed")
	}
	if !k.Destroyed() {
		t.Fatal("Destroyed false after Destroy")
	}
	if _, err := k.Open(sealed, nil); !errors.Is(err, ErrLocked) {
		t.Fatalf("open after destroy: %v", err)
	}
	if _, err := k.Seal([]byte("x"), nil); !errors.Is(err, ErrLocked) {
		t.Fatalf("seal after destroy: %v", err)
	}
	k.Destroy() // twice is harmless
	var nilKey *Key
	nilKey.Destroy()
}

func TestParamsAreStoredAndUsed(t *testing.T) {
	p := Params{Time: 2, MemoryKiB: 2048, Threads: 2}
	h, _, err := Create([]byte("pw"), p)
	if err != nil {
		t.Fatal(err)
	}
	raw, _ := h.Marshal()
	h2, err := ParseHeader(raw)
	if err != nil {
		t.Fatal(err)
	}
	if h2.Params != p {
		t.Fatalf("params %v, want %v", h2.Params, p)
	}
	// The same password under other parameters is another key.
	h2.Params = cheap
	if _, err := h2.Unlock([]byte("pw")); !errors.Is(err, ErrWrongPassword) {
		t.Fatalf("changed params: got %v", err)
	}
}

func TestHostileHeadersAreRefused(t *testing.T) {
	h, _, _ := Create([]byte("pw"), cheap)
	for name, mut := range map[string]func(*Header){
		"huge memory": func(h *Header) { h.Params.MemoryKiB = 1 << 30 },
		"huge time":   func(h *Header) { h.Params.Time = 1 << 20 },
		"no threads":  func(h *Header) { h.Params.Threads = 0 },
		"other kdf":   func(h *Header) { h.KDF = "scrypt" },
		"newer":       func(h *Header) { h.Version = 2 },
		"no salt":     func(h *Header) { h.Salt = nil },
	} {
		t.Run(name, func(t *testing.T) {
			c := *h
			mut(&c)
			raw, _ := c.Marshal()
			if _, err := ParseHeader(raw); err == nil {
				t.Fatal("accepted")
			}
			if _, err := c.Unlock([]byte("pw")); err == nil || errors.Is(err, ErrWrongPassword) {
				t.Fatalf("unlock: got %v, want a format or params error", err)
			}
		})
	}
	if _, err := ParseHeader([]byte("{")); !errors.Is(err, ErrBadFormat) {
		t.Fatalf("garbage: %v", err)
	}
	if _, _, err := Create([]byte("pw"), Params{Time: 1, MemoryKiB: 8, Threads: 1}); !errors.Is(err, ErrBadParams) {
		t.Fatalf("tiny memory: %v", err)
	}
}

func TestBundleRoundTrip(t *testing.T) {
	in := []BundleEntry{
		{Name: "ops", User: "admin", Kind: "password", Default: true, Secret: &Secret{Password: []byte("pass-one-xyz"), Enable: []byte("enable-one-xyz")}},
		{Name: "lab", User: "root", Kind: "key", KeyFile: "/home/x/.ssh/id", Secret: &Secret{KeyPEM: []byte("-----BEGIN-----"), KeyPassphrase: []byte("key-phrase-xyz")}},
		{Name: "agent", User: "me", Kind: "agent"},
	}
	data, err := SealBundle(in, []byte("bundle pw"), cheap)
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range []string{"pass-one-xyz", "enable-one-xyz", "key-phrase-xyz", "BEGIN", "admin", "/home/x"} {
		if bytes.Contains(data, []byte(s)) {
			t.Fatalf("bundle holds %q in the clear", s)
		}
	}
	if _, err := OpenBundle(data, []byte("bundle pW")); !errors.Is(err, ErrWrongPassword) {
		t.Fatalf("wrong password: %v", err)
	}
	out, err := OpenBundle(data, []byte("bundle pw"))
	if err != nil {
		t.Fatal(err)
	}
	if len(out) != 3 {
		t.Fatalf("%d entries", len(out))
	}
	if e := out[0]; e.Name != "ops" || e.User != "admin" || e.Kind != "password" || !e.Default || string(e.Secret.Password) != "pass-one-xyz" || string(e.Secret.Enable) != "enable-one-xyz" {
		t.Errorf("entry 0: %+v %+v", e, e.Secret)
	}
	if e := out[1]; e.KeyFile != "/home/x/.ssh/id" || e.Default || string(e.Secret.KeyPEM) != "-----BEGIN-----" || string(e.Secret.KeyPassphrase) != "key-phrase-xyz" {
		t.Errorf("entry 1: %+v %+v", e, e.Secret)
	}
	if e := out[2]; e.Kind != "agent" || e.Secret.Password != nil {
		t.Errorf("entry 2: %+v %+v", e, e.Secret)
	}
	if _, err := OpenBundle([]byte(`{"format":"other"}`), []byte("x")); !errors.Is(err, ErrBadFormat) {
		t.Fatalf("not a bundle: %v", err)
	}
	tampered := bytes.Replace(data, []byte(`"sealed": "`), []byte(`"sealed": "AA`), 1)
	if _, err := OpenBundle(tampered, []byte("bundle pw")); !errors.Is(err, ErrCorrupt) && !errors.Is(err, ErrBadFormat) {
		t.Fatalf("tampered: %v", err)
	}
}

// TestUnlockTime measures unlocking with the default parameters: the
// issue asks for well under a second on the project's 2-core machines.
func TestUnlockTime(t *testing.T) {
	if testing.Short() || raceEnabled {
		t.Skip("timing is meaningless under -short or -race")
	}
	h, k, err := Create([]byte("correct horse battery staple"), DefaultParams)
	if err != nil {
		t.Fatal(err)
	}
	k.Destroy()
	best := time.Hour
	for range 2 {
		start := time.Now()
		k, err := h.Unlock([]byte("correct horse battery staple"))
		if err != nil {
			t.Fatal(err)
		}
		best = min(best, time.Since(start))
		k.Destroy()
	}
	t.Logf("unlock with %s: %v", DefaultParams, best)
	if best > time.Second {
		t.Errorf("unlocking took %v; it should take well under a second", best)
	}
}
