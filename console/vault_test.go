package console

import (
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
	"vc/secrets"

	"vc/store"
	"vc/vault"
)

// testEnv is a session on home with buffers for a terminal.
func testEnv(t *testing.T, home string, in io.Reader) (e *Env, out, errOut *lockedBuffer) {
	t.Helper()
	st, err := store.Open(home, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	out, errOut = &lockedBuffer{}, &lockedBuffer{}
	return newEnv(IO{In: in, Out: out, Err: errOut}, home, st, "test"), out, errOut
}

func writeFile(t *testing.T, path, content string) string {
	t.Helper()
	if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

func mustRun(t *testing.T, e *Env, line string) {
	t.Helper()
	if err := e.runLine(context.Background(), line); err != nil {
		t.Fatalf("%s: %v", line, err)
	}
}

const cheapInit = "vault init --kdf-time 1 --kdf-memory 1 --kdf-threads 1"

// fakeTimers stands in for time.AfterFunc.
type fakeTimers struct {
	mu     sync.Mutex
	timers []*fakeTimer
}

type fakeTimer struct {
	d       time.Duration
	f       func()
	stopped bool
}

func (ft *fakeTimers) after(d time.Duration, f func()) func() bool {
	ft.mu.Lock()
	defer ft.mu.Unlock()
	tm := &fakeTimer{d: d, f: f}
	ft.timers = append(ft.timers, tm)
	return func() bool {
		ft.mu.Lock()
		defer ft.mu.Unlock()
		was := !tm.stopped
		tm.stopped = true
		return was
	}
}

// live returns the running timer; the vault keeps at most one.
func (ft *fakeTimers) live(t *testing.T) *fakeTimer {
	t.Helper()
	ft.mu.Lock()
	defer ft.mu.Unlock()
	var live []*fakeTimer
	for _, tm := range ft.timers {
		if !tm.stopped {
			live = append(live, tm)
		}
	}
	if len(live) != 1 {
		t.Fatalf("%d running idle timers, want 1", len(live))
	}
	return live[0]
}

func (ft *fakeTimers) none(t *testing.T) {
	t.Helper()
	ft.mu.Lock()
	defer ft.mu.Unlock()
	for _, tm := range ft.timers {
		if !tm.stopped {
			t.Fatalf("an idle timer of %v is running", tm.d)
		}
	}
}

func TestIdleLock(t *testing.T) {
	home := t.TempDir()
	pw := writeFile(t, filepath.Join(t.TempDir(), "pw"), "idle-pass-1\n")
	e, _, errOut := testEnv(t, home, strings.NewReader("Enable-1\nEnable-2\n"))
	ft := &fakeTimers{}
	e.passwordFile = pw
	e.keyring = e.newKeyring(ft.after)

	mustRun(t, e, cheapInit)
	tm := ft.live(t)
	if tm.d != 30*time.Minute {
		t.Fatalf("default idle timeout %v, want 30m", tm.d)
	}
	var key *vault.Key
	_ = e.keyring.With(context.Background(), func(k *vault.Key, _ *vault.Header) error { key = k; return nil })

	// A changed setting applies to the running timer at once.
	mustRun(t, e, "set vault-timeout 15m")
	tm = ft.live(t)
	if tm.d != 15*time.Minute {
		t.Fatalf("timeout after set: %v, want 15m", tm.d)
	}

	// The timer fires: the key is zeroed and the status says so.
	tm.f()
	if e.keyring.Unlocked() || !key.Destroyed() {
		t.Fatal("the vault did not lock itself when idle")
	}
	ft.none(t)
	mustRun(t, e, "vault status")

	// The next command that needs the vault says what happened and
	// unlocks it again.
	mustRun(t, e, "cred add a --user u --agent --enable-secret-stdin")
	if !strings.Contains(errOut.String(), "the vault locked itself after 15m0s unused (set vault-timeout)") {
		t.Fatalf("no word of the idle lock:\n%s", errOut)
	}
	if !e.keyring.Unlocked() {
		t.Fatal("not unlocked again")
	}

	// A stale timer (one replaced by a later use) does nothing.
	stale := ft.live(t)
	mustRun(t, e, "cred add b --user u --agent --enable-secret-stdin")
	stale.f()
	if !e.keyring.Unlocked() {
		t.Fatal("a stale idle timer locked the vault")
	}

	// While a command uses the key, the timer leaves it alone; the
	// command re-arms the timer when it is done.
	err := e.keyring.With(context.Background(), func(*vault.Key, *vault.Header) error {
		ft.live(t).f()
		if !e.keyring.Unlocked() {
			t.Error("locked in the middle of a command")
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	ft.live(t).f()
	if e.keyring.Unlocked() {
		t.Fatal("not locked once the command was done and the timer fired")
	}

	// off: no timer at all.
	mustRun(t, e, "set vault-timeout off; vault unlock")
	ft.none(t)
	mustRun(t, e, "vault lock")
	if e.keyring.Unlocked() {
		t.Fatal("vault lock did not lock")
	}
}

// TestVaultChangedElsewhere: another vc changes the password while this
// session holds the old key; the session must notice instead of sealing
// under a key nobody can derive any more.
func TestVaultChangedElsewhere(t *testing.T) {
	home := t.TempDir()
	dir := t.TempDir()
	oldPw := writeFile(t, filepath.Join(dir, "old"), "old-pass-1")
	newPw := writeFile(t, filepath.Join(dir, "new"), "new-pass-1")
	a, _, aErr := testEnv(t, home, strings.NewReader("Enable-1\n"))
	a.passwordFile = oldPw
	mustRun(t, a, cheapInit)

	b, _, _ := testEnv(t, home, nil)
	b.passwordFile = oldPw
	mustRun(t, b, "vault passwd --new-password-file "+newPw)

	err := a.runLine(context.Background(), "cred add x --user u --agent --enable-secret-stdin")
	if !errors.Is(err, vault.ErrWrongPassword) {
		t.Fatalf("got %v, want the old password refused", err)
	}
	if !strings.Contains(aErr.String(), "the vault changed since this session unlocked it") {
		t.Fatalf("no word of the change:\n%s", aErr)
	}
	if a.keyring.Unlocked() {
		t.Fatal("the session kept a stale key")
	}

	// And a write checks the header in its own transaction.
	err = a.Store.View(context.Background(), func(tx *store.Tx) error {
		stale, _, err := vault.Create([]byte("x"), vault.Params{Time: 1, MemoryKiB: 1024, Threads: 1})
		if err != nil {
			return err
		}
		return secrets.SameVault(tx, stale)
	})
	if !errors.Is(err, secrets.ErrVaultChanged) {
		t.Fatalf("sameVault with a stale header: %v", err)
	}
}

func TestUnlockAsksThreeTimes(t *testing.T) {
	home := t.TempDir()
	pw := writeFile(t, filepath.Join(t.TempDir(), "pw"), "right-pass")
	e, _, _ := testEnv(t, home, nil)
	e.passwordFile = pw
	mustRun(t, e, cheapInit+"; vault lock")

	e2, _, errOut := testEnv(t, home, nil)
	var prompts []string
	answers := []string{"wrong-1", "", "right-pass"}
	e2.askSecret = func(ctx context.Context, prompt string) ([]byte, error) {
		prompts = append(prompts, prompt)
		a := answers[0]
		answers = answers[1:]
		return []byte(a), nil
	}
	mustRun(t, e2, "vault unlock")
	if len(prompts) != 3 || strings.Count(errOut.String(), "try again") != 2 {
		t.Fatalf("prompts %q, stderr:\n%s", prompts, errOut)
	}

	e3, _, _ := testEnv(t, home, nil)
	e3.askSecret = func(context.Context, string) ([]byte, error) { return []byte("wrong"), nil }
	if err := e3.runLine(context.Background(), "vault unlock"); !errors.Is(err, vault.ErrWrongPassword) {
		t.Fatalf("three wrong answers: %v", err)
	}
}

func TestInitConfirmsOnTerminal(t *testing.T) {
	e, _, errOut := testEnv(t, t.TempDir(), nil)
	answers := []string{"first-pass", "other-pass", "second-pass", "second-pass"}
	e.askSecret = func(context.Context, string) ([]byte, error) {
		a := answers[0]
		answers = answers[1:]
		return []byte(a), nil
	}
	mustRun(t, e, cheapInit)
	if !strings.Contains(errOut.String(), "the two entries differ; try again") || len(answers) != 0 {
		t.Fatalf("stderr:\n%s", errOut)
	}
	e2, _, _ := testEnv(t, e.Home, nil)
	e2.passwordFile = writeFile(t, filepath.Join(t.TempDir(), "pw"), "second-pass")
	mustRun(t, e2, "vault unlock")
}

func TestSecretLine(t *testing.T) {
	for line, want := range map[string]bool{
		"device list": false,
		"cred add ops --user admin --password-stdin":  false,
		"cred add ops --user admin --password hunter": true,
		"cred add ops --password=hunter":              true,
		"cred add ops --password":                     true,
		"cred export f --password-file pw.txt":        false,
		"cred add x --user u --enable-secret-stdin":   false,
		"set password=hunter2":                        true,
		"echo secret: x":                              true,
		"cred add lab --user root --key ~/.ssh/id":    false,
	} {
		if got := secretLine.MatchString(line); got != want {
			t.Errorf("%q: secret %v, want %v", line, got, want)
		}
	}
}

// TestHistoryKeepsSecretsOut drives the REPL as a terminal would, with
// password prompts answered out of band, and reads the history file.
func TestHistoryKeepsSecretsOut(t *testing.T) {
	home := t.TempDir()
	lines := strings.Join([]string{
		cheapInit,
		"cred add ops --user admin --enable-secret-stdin",
		"Ops-Pass-77",             // the password, typed at the vc> prompt by mistake
		"echo Ops-Enable-77 oops", // a secret of the vault inside a command
		"devcie list; cred list",  // no command: may be a password too
		"device list",
		"vault lock",
		"echo Ops-Pass-77", // locked: it cannot be checked, so it is left out
	}, "\n") + "\n"
	e, _, _ := testEnv(t, home, strings.NewReader(lines))
	e.InTTY = true
	answers := []string{"vault-pass-77", "vault-pass-77", "Ops-Pass-77", "Ops-Enable-77"}
	e.askSecret = func(context.Context, string) ([]byte, error) {
		if len(answers) == 0 {
			return nil, errors.New("no more answers")
		}
		a := answers[0]
		answers = answers[1:]
		return []byte(a), nil
	}
	e.repl(context.Background())
	hist, err := os.ReadFile(filepath.Join(home, "history"))
	if err != nil {
		t.Fatal(err)
	}
	want := cheapInit + "\ncred add ops --user admin --enable-secret-stdin\ndevice list\nvault lock\n"
	if string(hist) != want {
		t.Fatalf("history:\n%s\nwant:\n%s", hist, want)
	}
}

func TestReadLineTakesOneLine(t *testing.T) {
	r := strings.NewReader("first\r\nsecond\nthird")
	for _, want := range []string{"first", "second", "third"} {
		got, err := readLine(r)
		if err != nil || string(got) != want {
			t.Fatalf("got %q, %v; want %q", got, err, want)
		}
	}
	if _, err := readLine(r); err == nil {
		t.Fatal("no error at end of input")
	}
	long := strings.Repeat("x", secrets.MaxSecret+1)
	if _, err := readLine(strings.NewReader(long)); err == nil {
		t.Fatal("an endless line was accepted")
	}
	got, err := readLine(strings.NewReader(strings.Repeat("y", 1000) + "\n"))
	if err != nil || len(got) != 1000 {
		t.Fatalf("a line longer than the first buffer: %d bytes, %v", len(got), err)
	}
}

func TestAgentCheck(t *testing.T) {
	_, priv, _ := ed25519.GenerateKey(rand.Reader)
	serveAgent(t, priv)
	e, _, errOut := testEnv(t, t.TempDir(), nil)
	mustRun(t, e, "cred add me --user netops --agent")
	if !strings.Contains(errOut.String(), "the ssh-agent at SSH_AUTH_SOCK holds 1 key\n") {
		t.Fatalf("stderr:\n%s", errOut)
	}
}
