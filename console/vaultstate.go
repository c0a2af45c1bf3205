package console

import (
	"context"
	"errors"
	"fmt"
	"os"
	"sync"
	"time"

	"golang.org/x/term"

	"vc/store"
	"vc/vault"
)

// vaultState is the session's hold on the vault: the key while unlocked,
// the idle timer that locks it, and where passwords come from.
type vaultState struct {
	mu     sync.Mutex
	key    *vault.Key
	header *vault.Header
	// inUse counts commands working with the key; the idle timer waits
	// for them.
	inUse int
	// gen tells a stale idle timer from the current one.
	gen  uint64
	stop func() bool
	// idleLocked is how long the vault sat unused before it locked itself,
	// until the next unlock says so.
	idleLocked time.Duration

	// passwordFile is --vault-password-file.
	passwordFile string
	// stdinTaken is set when stdin carries the commands, so secrets cannot
	// come from it.
	stdinTaken bool
	// ask reads a secret from the terminal without echo; nil when there is
	// no terminal. Tests replace it.
	ask func(ctx context.Context, prompt string) ([]byte, error)
	// after starts the idle timer; tests replace it with a fake clock.
	after func(d time.Duration, f func()) (stop func() bool)
}

func newVaultState(io IO) *vaultState {
	return &vaultState{
		ask: terminalAsker(io),
		after: func(d time.Duration, f func()) func() bool {
			return time.AfterFunc(d, f).Stop
		},
	}
}

// terminalAsker reads secrets from the terminal vc runs on, without echo.
func terminalAsker(io IO) func(ctx context.Context, prompt string) ([]byte, error) {
	f, ok := io.In.(*os.File)
	if !ok || !io.InTTY {
		return nil
	}
	return func(ctx context.Context, prompt string) ([]byte, error) {
		fmt.Fprint(io.Err, prompt)
		b, err := term.ReadPassword(int(f.Fd()))
		// The Enter that ended the secret was not echoed either.
		fmt.Fprintln(io.Err)
		if err != nil {
			return nil, fmt.Errorf("read from the terminal: %w", err)
		}
		// Ctrl-C does not end the read; it ends the command once Enter is hit.
		if err := ctx.Err(); err != nil {
			vault.Wipe(b)
			return nil, err
		}
		return b, nil
	}
}

// unlocked reports whether the session holds the key.
func (vs *vaultState) unlocked() bool {
	vs.mu.Lock()
	defer vs.mu.Unlock()
	return vs.key != nil
}

// set makes k, for header h, the session's key and starts the idle timer.
func (vs *vaultState) set(k *vault.Key, h *vault.Header, idle time.Duration) {
	vs.mu.Lock()
	defer vs.mu.Unlock()
	if vs.key != nil && vs.key != k {
		vs.key.Destroy()
	}
	vs.key, vs.header, vs.idleLocked = k, h, 0
	vs.armLocked(idle)
}

// lock forgets the key, zeroing it.
func (vs *vaultState) lock() {
	vs.mu.Lock()
	defer vs.mu.Unlock()
	vs.lockLocked()
}

func (vs *vaultState) lockLocked() {
	vs.key.Destroy()
	vs.key, vs.header = nil, nil
	vs.gen++
	if vs.stop != nil {
		vs.stop()
		vs.stop = nil
	}
}

// armLocked (re)starts the idle timer; idle <= 0 means never.
func (vs *vaultState) armLocked(idle time.Duration) {
	vs.gen++
	if vs.stop != nil {
		vs.stop()
		vs.stop = nil
	}
	if vs.key == nil || idle <= 0 {
		return
	}
	gen := vs.gen
	vs.stop = vs.after(idle, func() { vs.idle(gen, idle) })
}

// idle is the timer's work: lock, unless the timer is stale or a command
// is using the key, in which case that command re-arms it when done.
func (vs *vaultState) idle(gen uint64, after time.Duration) {
	vs.mu.Lock()
	defer vs.mu.Unlock()
	if gen != vs.gen || vs.key == nil || vs.inUse > 0 {
		return
	}
	vs.lockLocked()
	vs.idleLocked = after
}

// rearm applies a changed vault-timeout to an unlocked vault at once.
func (vs *vaultState) rearm(idle time.Duration) {
	vs.mu.Lock()
	defer vs.mu.Unlock()
	vs.armLocked(idle)
}

// vaultTimeout is the vault-timeout setting as a duration; 0 means never.
func (e *Env) vaultTimeout() time.Duration {
	d, err := time.ParseDuration(e.Setting("vault-timeout"))
	if err != nil {
		return 0
	}
	return d
}

// vaultTimeoutSetting checks a value for set vault-timeout.
func vaultTimeoutSetting(v string) (string, error) {
	if v == "off" || v == "0" {
		return "off", nil
	}
	d, err := time.ParseDuration(v)
	if err != nil || d < time.Second {
		return "", fmt.Errorf("%q is not a duration of a second or more (such as 15m or 1h), or off", v)
	}
	return v, nil
}

// settingChanged lets a setting take effect at once where it must.
func (e *Env) settingChanged(name string) {
	if name == "vault-timeout" {
		e.vault.rearm(e.vaultTimeout())
	}
}

// Errors that say why the vault could not be opened.
var (
	errNoVaultPassword = fmt.Errorf("%w: no password to unlock it: set VC_VAULT_PASSWORD, use --vault-password-file FILE, or run vc on a terminal", vault.ErrLocked)
	errNoVault         = fmt.Errorf("%w: create it with vault init", vault.ErrNotInitialized)
	errVaultChanged    = errors.New("the vault changed since this session unlocked it (its password was changed, or the store restored); run the command again to unlock it anew")
)

// loadHeader reads the vault's header from the store.
func loadHeader(t *store.Tx) (*vault.Header, error) {
	raw := t.VaultHeader()
	if raw == nil {
		return nil, errNoVault
	}
	h, err := vault.ParseHeader(raw)
	if err != nil {
		return nil, fmt.Errorf("vault header: %w", err)
	}
	return h, nil
}

// sameVault fails a write transaction if the vault was re-keyed since h
// was read: sealing under a stale key would lose the secret.
func sameVault(t *store.Tx, h *vault.Header) error {
	cur, err := loadHeader(t)
	if err != nil {
		return err
	}
	if !h.Same(cur) {
		return errVaultChanged
	}
	return nil
}

// withVault runs fn with the unlocked key, unlocking first if needed, and
// keeps the idle timer off the key while fn runs.
func (e *Env) withVault(ctx context.Context, fn func(k *vault.Key, h *vault.Header) error) error {
	var cur *vault.Header
	err := e.Store.View(ctx, func(t *store.Tx) error {
		var err error
		cur, err = loadHeader(t)
		return err
	})
	if err != nil {
		return err
	}
	vs := e.vault
	vs.mu.Lock()
	if vs.key != nil && !vs.header.Same(cur) {
		vs.lockLocked()
		e.warnf("the vault changed since this session unlocked it (its password was changed, or the store restored); unlocking it anew")
	}
	if vs.key == nil {
		if vs.idleLocked > 0 {
			e.warnf("the vault locked itself after %s unused (set vault-timeout)", vs.idleLocked)
			vs.idleLocked = 0
		}
		vs.mu.Unlock()
		k, err := e.unlock(ctx, cur)
		if err != nil {
			return err
		}
		vs.set(k, cur, e.vaultTimeout())
		vs.mu.Lock()
	}
	k, h := vs.key, vs.header
	vs.inUse++
	vs.mu.Unlock()
	defer func() {
		vs.mu.Lock()
		vs.inUse--
		vs.armLocked(e.vaultTimeout())
		vs.mu.Unlock()
	}()
	return fn(k, h)
}

// unlock derives the key for h from the password: --vault-password-file,
// then VC_VAULT_PASSWORD, then the terminal (three tries), else it fails.
func (e *Env) unlock(ctx context.Context, h *vault.Header) (*vault.Key, error) {
	pw, err := e.givenVaultPassword()
	if err != nil {
		return nil, err
	}
	if pw != nil {
		defer vault.Wipe(pw)
		return h.Unlock(pw)
	}
	if e.vault.ask == nil {
		return nil, errNoVaultPassword
	}
	for try := 1; ; try++ {
		pw, err := e.vault.ask(ctx, "vault password: ")
		if err != nil {
			return nil, err
		}
		k, err := h.Unlock(pw)
		vault.Wipe(pw)
		if err == nil {
			return k, nil
		}
		if !errors.Is(err, vault.ErrWrongPassword) && !errors.Is(err, vault.ErrEmptyPassword) || try == 3 {
			return nil, err
		}
		e.warnf("%v; try again", err)
	}
}

// givenVaultPassword is the password given without a terminal, or nil.
func (e *Env) givenVaultPassword() ([]byte, error) {
	if f := e.vault.passwordFile; f != "" {
		return e.readPasswordFile(f)
	}
	if v := os.Getenv("VC_VAULT_PASSWORD"); v != "" {
		return []byte(v), nil
	}
	return nil, nil
}
