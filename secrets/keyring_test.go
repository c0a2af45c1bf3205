package secrets

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"vc/store"
	"vc/vault"
)

var cheap = vault.Params{Time: 1, MemoryKiB: 1024, Threads: 1}

// newVault makes a store whose vault has password pw and one password
// credential with secret.
func newVault(t *testing.T, pw, secret string) *store.Store {
	t.Helper()
	st, err := store.Open(t.TempDir(), store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	h, k, err := vault.Create([]byte(pw), cheap)
	if err != nil {
		t.Fatal(err)
	}
	defer k.Destroy()
	raw, _ := h.Marshal()
	cr := &store.Credential{Name: "ops", User: "admin", Kind: store.CredPassword}
	cr.Sealed, err = k.SealSecret(&vault.Secret{Password: []byte(secret)}, cr.Identity())
	if err != nil {
		t.Fatal(err)
	}
	err = st.Update(context.Background(), func(tx *store.Tx) error {
		if err := tx.PutVaultHeader(raw); err != nil {
			return err
		}
		return tx.PutCred(cr)
	})
	if err != nil {
		t.Fatal(err)
	}
	return st
}

// fixed is a password source that always says the same.
type fixed struct {
	pw    string
	tries int
	asked int
}

func (f *fixed) VaultPassword(context.Context) ([]byte, error) {
	f.asked++
	if f.pw == "" {
		return nil, ErrNoPassword
	}
	return []byte(f.pw), nil
}

func (f *fixed) Tries() int { return f.tries }

// clock is a fake timer: the test fires it.
type clock struct {
	mu     sync.Mutex
	timers []*timer
}

type timer struct {
	d       time.Duration
	f       func()
	stopped bool
}

func (c *clock) after(d time.Duration, f func()) func() bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	tm := &timer{d: d, f: f}
	c.timers = append(c.timers, tm)
	return func() bool { c.mu.Lock(); defer c.mu.Unlock(); tm.stopped = true; return true }
}

func (c *clock) live(t *testing.T) *timer {
	t.Helper()
	c.mu.Lock()
	defer c.mu.Unlock()
	var live *timer
	for _, tm := range c.timers {
		if !tm.stopped {
			if live != nil {
				t.Fatal("two idle timers run at once")
			}
			live = tm
		}
	}
	if live == nil {
		t.Fatal("no idle timer runs")
	}
	return live
}

func TestIdleLock(t *testing.T) {
	st := newVault(t, "vault-pass-1", "Ops-Pass-1")
	c := &clock{}
	var said []string
	k := NewKeyring(st, Options{Sources: []PasswordSource{&fixed{pw: "vault-pass-1", tries: 1}}, Idle: time.Hour,
		After: c.after, Notify: func(s string) { said = append(said, s) }})
	ctx := context.Background()
	var key *vault.Key
	if err := k.With(ctx, func(kk *vault.Key, _ *vault.Header) error { key = kk; return nil }); err != nil {
		t.Fatal(err)
	}
	if tm := c.live(t); tm.d != time.Hour {
		t.Fatalf("idle timer %v, want 1h", tm.d)
	}
	k.SetIdle(15 * time.Minute)
	tm := c.live(t)
	if tm.d != 15*time.Minute {
		t.Fatalf("a changed idle time applies at once: %v", tm.d)
	}
	// While the key is in use, the timer leaves it alone and the user
	// re-arms it when done.
	err := k.With(ctx, func(*vault.Key, *vault.Header) error {
		c.live(t).f()
		if !k.Unlocked() {
			t.Error("locked in the middle of a use")
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	stale := tm
	stale.f()
	if !k.Unlocked() {
		t.Fatal("a stale timer locked the vault")
	}
	c.live(t).f()
	if k.Unlocked() || !key.Destroyed() {
		t.Fatal("the idle timer did not lock and zero the key")
	}
	if err := k.With(ctx, func(*vault.Key, *vault.Header) error { return nil }); err != nil {
		t.Fatal(err)
	}
	if len(said) != 1 || said[0] != "the vault locked itself after 15m0s unused (set vault-timeout)" {
		t.Fatalf("notes %q", said)
	}
}

func TestSources(t *testing.T) {
	st := newVault(t, "vault-pass-1", "Ops-Pass-1")
	ctx := context.Background()
	none := &fixed{}
	wrong := &fixed{pw: "nope-nope", tries: 1}
	k := NewKeyring(st, Options{Sources: []PasswordSource{none, wrong, &fixed{pw: "vault-pass-1", tries: 1}}})
	err := k.With(ctx, func(*vault.Key, *vault.Header) error { return nil })
	if !errors.Is(err, vault.ErrWrongPassword) || none.asked != 1 || wrong.asked != 1 {
		t.Fatalf("the first source with a password is the one used: %v (asked %d, %d)", err, none.asked, wrong.asked)
	}
	person := &fixed{pw: "nope-nope", tries: 3}
	var said []string
	k = NewKeyring(st, Options{Sources: []PasswordSource{person}, Notify: func(s string) { said = append(said, s) }})
	err = k.With(ctx, func(*vault.Key, *vault.Header) error { return nil })
	if !errors.Is(err, vault.ErrWrongPassword) || person.asked != 3 || len(said) != 2 {
		t.Fatalf("a person gets three tries: %v (asked %d, said %q)", err, person.asked, said)
	}
	k = NewKeyring(st, Options{Sources: []PasswordSource{none}})
	if err := k.With(ctx, func(*vault.Key, *vault.Header) error { return nil }); !errors.Is(err, ErrNoVaultPassword) {
		t.Fatalf("no source with a password: %v", err)
	}
}

// TestHolds: text holding the vault password or a secret of the vault is
// found; while the vault is locked, whether it holds a secret is unknown.
func TestHolds(t *testing.T) {
	st := newVault(t, "vault-pass-1", "Ops-Pass-1")
	ctx := context.Background()
	k := NewKeyring(st, Options{Sources: []PasswordSource{&fixed{pw: "vault-pass-1", tries: 1}}})
	if found, known := k.Holds(ctx, "echo Ops-Pass-1"); found || known {
		t.Fatalf("locked, with secrets: found %v known %v, want unknown", found, known)
	}
	if err := k.With(ctx, func(*vault.Key, *vault.Header) error { return nil }); err != nil {
		t.Fatal(err)
	}
	for text, want := range map[string]bool{"echo Ops-Pass-1": true, "vault unlock vault-pass-1": true, "device list": false} {
		if found, known := k.Holds(ctx, text); found != want || !known {
			t.Errorf("%q: found %v known %v, want %v", text, found, known, want)
		}
	}
	k.Lock()
	// The password is still recognised after the lock: a digest of it is
	// kept, never the password.
	if found, _ := k.Holds(ctx, "x vault-pass-1 y"); !found {
		t.Error("the vault password is forgotten by the lock")
	}
}

// TestSystemdCredential: the password comes from $CREDENTIALS_DIRECTORY,
// and its absence is "no password here", so the next source is asked.
func TestSystemdCredential(t *testing.T) {
	st := newVault(t, "vault-pass-1", "Ops-Pass-1")
	ctx := context.Background()
	dir := t.TempDir()
	t.Setenv(CredentialsDirEnv, "")
	src := SystemdCredential{Name: "vault-password"}
	if _, err := src.VaultPassword(ctx); !errors.Is(err, ErrNoPassword) {
		t.Fatalf("without %s: %v", CredentialsDirEnv, err)
	}
	t.Setenv(CredentialsDirEnv, dir)
	if _, err := src.VaultPassword(ctx); !errors.Is(err, ErrNoPassword) {
		t.Fatalf("without the credential's file: %v", err)
	}
	if err := os.WriteFile(filepath.Join(dir, "vault-password"), []byte("vault-pass-1\n"), 0o400); err != nil {
		t.Fatal(err)
	}
	k := NewKeyring(st, Options{Sources: []PasswordSource{src}})
	if err := k.With(ctx, func(*vault.Key, *vault.Header) error { return nil }); err != nil {
		t.Fatalf("unlock with the credential: %v", err)
	}
}
