package secrets

import (
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"errors"
	"fmt"
	"strings"
	"sync"
	"time"

	"vc/store"
	"vc/vault"
)

// Errors that say why the vault could not be opened.
var (
	ErrNoVaultPassword = fmt.Errorf("%w: no password to unlock it: set VC_VAULT_PASSWORD, use --vault-password-file FILE, or run vc on a terminal", vault.ErrLocked)
	ErrNoVault         = fmt.Errorf("%w: create it with vault init", vault.ErrNotInitialized)
	ErrVaultChanged    = errors.New("the vault changed since this session unlocked it (its password was changed, or the store restored); run the command again to unlock it anew")
)

// Keyring is a session's hold on the vault: the key while unlocked, the
// idle timer that locks it, and where passwords come from. It is safe for
// concurrent use.
type Keyring struct {
	store   *store.Store
	sources []PasswordSource
	notify  func(string)
	after   func(d time.Duration, f func()) (stop func() bool)

	mu     sync.Mutex
	key    *vault.Key
	header *vault.Header
	idle   time.Duration
	// inUse counts callers working with the key; the idle timer waits for
	// them.
	inUse int
	// gen tells a stale idle timer from the current one.
	gen  uint64
	stop func() bool
	// idleLocked is how long the vault sat unused before it locked itself,
	// until the next unlock says so.
	idleLocked time.Duration
	// pw recognises the vault password in text without keeping it.
	pw passwordPrint
}

// Options configure a Keyring.
type Options struct {
	// Sources give the vault password, asked in order: the first with a
	// password is used, for as many tries as it allows.
	Sources []PasswordSource
	// Idle locks the vault after it is unused this long; zero never does.
	Idle time.Duration
	// Notify is told what a person should know (the vault locked itself,
	// a wrong password and another try); nil says nothing.
	Notify func(string)
	// After starts a timer; tests replace it with a fake clock.
	After func(d time.Duration, f func()) (stop func() bool)
}

// NewKeyring returns a locked keyring for the vault in st.
func NewKeyring(st *store.Store, o Options) *Keyring {
	k := &Keyring{store: st, sources: o.Sources, notify: o.Notify, after: o.After, idle: o.Idle}
	if k.notify == nil {
		k.notify = func(string) {}
	}
	if k.after == nil {
		k.after = func(d time.Duration, f func()) func() bool { return time.AfterFunc(d, f).Stop }
	}
	return k
}

// Unlocked reports whether the keyring holds a key.
func (k *Keyring) Unlocked() bool {
	k.mu.Lock()
	defer k.mu.Unlock()
	return k.key != nil
}

// UnlockedFor reports whether the keyring holds the key of the vault
// whose header is h.
func (k *Keyring) UnlockedFor(h *vault.Header) bool {
	k.mu.Lock()
	defer k.mu.Unlock()
	return k.key != nil && k.header.Same(h)
}

// Set makes key, for header h, the keyring's key (after vault init or
// passwd) and starts the idle timer.
func (k *Keyring) Set(key *vault.Key, h *vault.Header) {
	k.mu.Lock()
	defer k.mu.Unlock()
	if k.key != nil && k.key != key {
		k.key.Destroy()
	}
	k.key, k.header, k.idleLocked = key, h, 0
	k.armLocked()
}

// Lock forgets the key, zeroing it.
func (k *Keyring) Lock() {
	k.mu.Lock()
	defer k.mu.Unlock()
	k.lockLocked()
}

func (k *Keyring) lockLocked() {
	k.key.Destroy()
	k.key, k.header = nil, nil
	k.gen++
	if k.stop != nil {
		k.stop()
		k.stop = nil
	}
}

// SetIdle changes how long an unused key is kept, at once.
func (k *Keyring) SetIdle(d time.Duration) {
	k.mu.Lock()
	defer k.mu.Unlock()
	k.idle = d
	k.armLocked()
}

// armLocked (re)starts the idle timer.
func (k *Keyring) armLocked() {
	k.gen++
	if k.stop != nil {
		k.stop()
		k.stop = nil
	}
	if k.key == nil || k.idle <= 0 {
		return
	}
	gen, idle := k.gen, k.idle
	k.stop = k.after(idle, func() { k.expire(gen, idle) })
}

// expire is the timer's work: lock, unless the timer is stale or someone
// is using the key, in which case they re-arm it when done.
func (k *Keyring) expire(gen uint64, after time.Duration) {
	k.mu.Lock()
	defer k.mu.Unlock()
	if gen != k.gen || k.key == nil || k.inUse > 0 {
		return
	}
	k.lockLocked()
	k.idleLocked = after
}

// LoadHeader reads the vault's header from the store.
func LoadHeader(t *store.Tx) (*vault.Header, error) {
	raw := t.VaultHeader()
	if raw == nil {
		return nil, ErrNoVault
	}
	h, err := vault.ParseHeader(raw)
	if err != nil {
		return nil, fmt.Errorf("vault header: %w", err)
	}
	return h, nil
}

// SameVault fails a write transaction if the vault was re-keyed since h
// was read: sealing under a stale key would lose the secret.
func SameVault(t *store.Tx, h *vault.Header) error {
	cur, err := LoadHeader(t)
	if err != nil {
		return err
	}
	if !h.Same(cur) {
		return ErrVaultChanged
	}
	return nil
}

// With runs fn with the unlocked key, unlocking first if needed, and keeps
// the idle timer off the key while fn runs.
func (k *Keyring) With(ctx context.Context, fn func(key *vault.Key, h *vault.Header) error) error {
	var cur *vault.Header
	err := k.store.View(ctx, func(t *store.Tx) error {
		var err error
		cur, err = LoadHeader(t)
		return err
	})
	if err != nil {
		return err
	}
	k.mu.Lock()
	if k.key != nil && !k.header.Same(cur) {
		k.lockLocked()
		k.notify("the vault changed since this session unlocked it (its password was changed, or the store restored); unlocking it anew")
	}
	if k.key == nil {
		if k.idleLocked > 0 {
			k.notify(fmt.Sprintf("the vault locked itself after %s unused (set vault-timeout)", k.idleLocked))
			k.idleLocked = 0
		}
		k.mu.Unlock()
		key, err := k.unlock(ctx, cur)
		if err != nil {
			return err
		}
		k.Set(key, cur)
		k.mu.Lock()
	}
	key, h := k.key, k.header
	k.inUse++
	k.mu.Unlock()
	defer func() {
		k.mu.Lock()
		k.inUse--
		k.armLocked()
		k.mu.Unlock()
	}()
	return fn(key, h)
}

// unlock derives the key for h from the first source that has a
// password, giving it as many tries as it allows.
func (k *Keyring) unlock(ctx context.Context, h *vault.Header) (*vault.Key, error) {
	for _, src := range k.sources {
		for try := 1; ; try++ {
			pw, err := src.VaultPassword(ctx)
			if errors.Is(err, ErrNoPassword) && try == 1 {
				break
			}
			if err != nil {
				return nil, err
			}
			key, err := h.Unlock(pw)
			if err == nil {
				k.RememberPassword(pw)
			}
			vault.Wipe(pw)
			if err == nil {
				return key, nil
			}
			retry := errors.Is(err, vault.ErrWrongPassword) || errors.Is(err, vault.ErrEmptyPassword)
			if !retry || try >= src.Tries() {
				return nil, err
			}
			k.notify(fmt.Sprintf("%v; try again", err))
		}
	}
	return nil, ErrNoVaultPassword
}

// EachSecret calls fn with each secret of the vault while the keyring is
// unlocked, wiping each after, until fn returns false. A locked keyring
// is not unlocked for it: it then calls fn for nothing.
func (k *Keyring) EachSecret(ctx context.Context, fn func(secret []byte) bool) {
	k.mu.Lock()
	key := k.key
	if key != nil {
		k.inUse++
	}
	k.mu.Unlock()
	if key == nil {
		return
	}
	defer func() {
		k.mu.Lock()
		k.inUse--
		k.armLocked()
		k.mu.Unlock()
	}()
	_ = k.store.View(ctx, func(t *store.Tx) error {
		creds, err := t.Creds()
		if err != nil {
			return err
		}
		more := true
		for _, cr := range creds {
			if len(cr.Sealed) == 0 || !more {
				continue
			}
			s, err := key.OpenSecret(cr.Sealed, cr.Identity())
			if err != nil {
				continue
			}
			for _, f := range [][]byte{s.Password, s.KeyPassphrase, s.Enable} {
				if more && len(f) > 0 {
					more = fn(f)
				}
			}
			s.Wipe()
		}
		return nil
	})
}

// RememberPassword lets the keyring recognise the vault password in text
// (see Holds) after it is gone: it keeps a keyed digest, never the
// password. Unlocking remembers it; vault init and passwd call this.
func (k *Keyring) RememberPassword(pw []byte) {
	k.mu.Lock()
	defer k.mu.Unlock()
	k.pw.remember(pw)
}

// Holds says whether text contains the vault password (as far as this
// session has seen it) or a secret of the vault. known is false when that
// cannot be told now: the vault holds secrets and is locked.
func (k *Keyring) Holds(ctx context.Context, text string) (found, known bool) {
	k.mu.Lock()
	found = k.pw.in(text)
	unlocked := k.key != nil
	k.mu.Unlock()
	if found {
		return true, true
	}
	if !unlocked {
		sealed := false
		_ = k.store.View(ctx, func(t *store.Tx) error {
			creds, err := t.Creds()
			for _, cr := range creds {
				sealed = sealed || len(cr.Sealed) > 0
			}
			return err
		})
		return false, !sealed
	}
	k.EachSecret(ctx, func(s []byte) bool {
		found = len(s) >= minSecretMatch && strings.Contains(text, string(s))
		return !found
	})
	return found, true
}

// minSecretMatch is the shortest secret looked for in text; shorter ones
// would match innocent words.
const minSecretMatch = 4

// passwordPrint recognises one password in text by an HMAC under a key
// that lives only in this process, compared over every window of the
// password's length.
type passwordPrint struct {
	key []byte
	n   int
	mac []byte
}

func (p *passwordPrint) remember(pw []byte) {
	if len(pw) < minSecretMatch {
		return
	}
	if p.key == nil {
		p.key = make([]byte, 32)
		if _, err := rand.Read(p.key); err != nil {
			p.key = nil
			return
		}
	}
	p.n, p.mac = len(pw), p.sum(pw)
}

func (p *passwordPrint) sum(b []byte) []byte {
	m := hmac.New(sha256.New, p.key)
	m.Write(b)
	return m.Sum(nil)
}

func (p *passwordPrint) in(text string) bool {
	if p.mac == nil {
		return false
	}
	for i := 0; i+p.n <= len(text); i++ {
		if hmac.Equal(p.sum([]byte(text[i:i+p.n])), p.mac) {
			return true
		}
	}
	return false
}
