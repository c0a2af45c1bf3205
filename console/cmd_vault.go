package console

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"vc/records"
	"vc/secrets"

	"vc/store"
	"vc/vault"
)

const groupVault = "vault"

var kdfFlags = []Flag{
	{Name: "kdf-time", Value: "N", Help: "argon2id passes (default " + strconv.Itoa(int(vault.DefaultParams.Time)) + ")"},
	{Name: "kdf-memory", Value: "MIB", Help: "argon2id memory in MiB (default " + strconv.Itoa(int(vault.DefaultParams.MemoryKiB/1024)) + ")"},
	{Name: "kdf-threads", Value: "N", Help: "argon2id lanes (default " + strconv.Itoa(int(vault.DefaultParams.Threads)) + ")"},
}

const vaultPasswordHelp = "The vault password comes from --vault-password-file FILE, else VC_VAULT_PASSWORD, else the terminal (without echo). It is never taken from the command line."

func vaultCommands() []*Command {
	return []*Command{
		{
			Name: "vault init", Group: groupVault, Flags: kdfFlags,
			Summary: "create the vault that seals credentials, under a new password",
			Help: "Asks for the new password twice on a terminal; without one it takes --vault-password-file FILE or VC_VAULT_PASSWORD. " +
				"The key is derived with argon2id (" + vault.DefaultParams.String() + " unless --kdf-* say otherwise; the parameters are stored with the vault) " +
				"and every secret is sealed with XChaCha20-Poly1305. The vault stays unlocked for the rest of the session.",
			Examples: []string{"vault init", "VC_VAULT_PASSWORD=... vc vault init", "vault init --kdf-memory 256"},
			Run:      runVaultInit,
		},
		{
			Name: "vault unlock", Group: groupVault,
			Summary: "unlock the vault for this session",
			Help: vaultPasswordHelp + " In the console the vault then stays unlocked until vault lock, the end of the session, " +
				"or vault-timeout without use (set vault-timeout 15m; default 30m). Commands that need the vault unlock it themselves; " +
				"in a script or with -c this checks the password early.",
			Examples: []string{"vault unlock", "vc --vault-password-file ~/.vc-pass vault unlock"},
			Run:      runVaultUnlock,
		},
		{
			Name: "vault lock", Group: groupVault,
			Summary:  "forget the vault's key now",
			Examples: []string{"vault lock"},
			Run: func(ctx context.Context, e *Env, c *Call) (*records.Set, error) {
				e.keyring.Lock()
				e.saidf("vault locked")
				return nil, nil
			},
		},
		{
			Name: "vault status", Group: groupVault, Flags: []Flag{jsonFlag},
			Summary:  "say whether there is a vault, whether it is unlocked, and how its key is derived",
			Examples: []string{"vault status", "vault status --json"},
			Run:      runVaultStatus,
		},
		{
			Name: "vault passwd", Group: groupVault,
			Flags: append([]Flag{
				{Name: "new-password-file", Value: "FILE", Help: "read the new password from FILE"},
				{Name: "new-password-stdin", Help: "read the new password from a line of stdin"},
			}, kdfFlags...),
			Summary: "change the vault password, re-sealing every secret in one transaction",
			Help: vaultPasswordHelp + " The new password is asked twice on a terminal. Every secret is opened with the old key and sealed " +
				"with the new one, and the new header written, in a single store transaction: if vc dies halfway, " +
				"the old password still opens everything. --kdf-* raise the key derivation's cost at the same time.",
			Examples: []string{"vault passwd", "vault passwd --new-password-file new.txt", "vault passwd --kdf-memory 256"},
			Run:      runVaultPasswd,
		},
	}
}

// kdfParams reads --kdf-* over base.
func kdfParams(c *Call, base vault.Params) (vault.Params, error) {
	p := base
	t, err := c.Int("kdf-time", int(p.Time))
	if err != nil {
		return p, err
	}
	m, err := c.Int("kdf-memory", int(p.MemoryKiB/1024))
	if err != nil {
		return p, err
	}
	th, err := c.Int("kdf-threads", int(p.Threads))
	if err != nil {
		return p, err
	}
	if t < 1 || m < 1 || th < 1 || th > 255 || m > 4096 {
		return p, usagef("--kdf-time, --kdf-memory (MiB, up to 4096) and --kdf-threads (up to 255) must be 1 or more")
	}
	p = vault.Params{Time: uint32(t), MemoryKiB: uint32(m) * 1024, Threads: uint8(th)}
	if err := p.Check(); err != nil {
		return p, usagef("%v", err)
	}
	return p, nil
}

func (e *Env) warnWeak(p vault.Params) {
	if p.Weaker(vault.DefaultParams) {
		e.warnf("warning: %s is cheaper to guess than the default (%s); use it for tests only", p, vault.DefaultParams)
	}
}

func runVaultInit(ctx context.Context, e *Env, c *Call) (*records.Set, error) {
	p, err := kdfParams(c, vault.DefaultParams)
	if err != nil {
		return nil, err
	}
	err = e.Store.View(ctx, func(t *store.Tx) error {
		if t.VaultHeader() != nil {
			return fmt.Errorf("%w: vault passwd changes its password", vault.ErrInitialized)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	pw, err := e.givenVaultPassword(ctx)
	if err != nil {
		return nil, err
	}
	if pw == nil {
		if e.askSecret == nil {
			return nil, fmt.Errorf("%w: no password for the new vault: set VC_VAULT_PASSWORD, use --vault-password-file FILE, or run vc on a terminal", vault.ErrLocked)
		}
		if pw, err = e.newSecret(ctx, "new vault password", "", false, ""); err != nil {
			return nil, err
		}
	}
	h, k, err := vault.Create(pw, p)
	vault.Wipe(pw)
	if err != nil {
		return nil, err
	}
	raw, err := h.Marshal()
	if err == nil {
		err = e.Store.Update(ctx, func(t *store.Tx) error {
			if t.VaultHeader() != nil {
				return vault.ErrInitialized
			}
			return t.PutVaultHeader(raw)
		})
	}
	if err != nil {
		k.Destroy()
		return nil, err
	}
	e.keyring.Set(k, h)
	e.warnWeak(p)
	e.saidf("vault initialized (%s); add credentials with cred add", p)
	return nil, nil
}

func runVaultUnlock(ctx context.Context, e *Env, c *Call) (*records.Set, error) {
	was := e.keyring.Unlocked()
	err := e.keyring.With(ctx, func(*vault.Key, *vault.Header) error { return nil })
	if err != nil {
		return nil, err
	}
	switch {
	case was && e.keyring.Unlocked():
		e.saidf("vault is already unlocked")
	case e.interactive && e.vaultTimeout() > 0:
		e.saidf("vault unlocked; it locks itself after %s unused (set vault-timeout)", e.Setting("vault-timeout"))
	default:
		e.saidf("vault unlocked")
	}
	return nil, nil
}

func runVaultStatus(ctx context.Context, e *Env, c *Call) (*records.Set, error) {
	var h *vault.Header
	var creds int
	def := ""
	err := e.Store.View(ctx, func(t *store.Tx) error {
		var err error
		if h, err = secrets.LoadHeader(t); errors.Is(err, vault.ErrNotInitialized) {
			h, err = nil, nil
		}
		if err != nil {
			return err
		}
		cs, err := t.Creds()
		for _, cr := range cs {
			if cr.Default {
				def = cr.Name
			}
		}
		creds = len(cs)
		return err
	})
	if err != nil {
		return nil, err
	}
	state, kdf := "none (vault init creates it)", ""
	if h != nil {
		state = "locked"
		if e.keyring.UnlockedFor(h) {
			state = "unlocked"
		}
		kdf = h.Params.String()
		if h.Params.Weaker(vault.DefaultParams) {
			kdf += " (cheaper than the default; vault passwd --kdf-* raises it)"
		}
	}
	return &records.Set{Record: true,
		Columns: []string{"vault", "kdf", "cipher", "credentials", "default", "timeout"},
		Rows:    [][]any{{state, kdf, "xchacha20-poly1305", creds, def, e.Setting("vault-timeout")}},
	}, nil
}

// stepHookKey carries a test's hook into vault passwd, to simulate a crash
// between its steps. Only tests put one in a context.
type stepHookKey struct{}

func stepHook(ctx context.Context) func(step string) {
	if h, ok := ctx.Value(stepHookKey{}).(func(string)); ok {
		return h
	}
	return func(string) {}
}

func runVaultPasswd(ctx context.Context, e *Env, c *Call) (*records.Set, error) {
	if c.Has("new-password-file") && c.Bool("new-password-stdin") {
		return nil, usagef("vault passwd: --new-password-file and --new-password-stdin are two ways to say the same thing; use one")
	}
	step := stepHook(ctx)
	var n int
	var newKey *vault.Key
	var newHeader *vault.Header
	err := e.keyring.With(ctx, func(old *vault.Key, oldHeader *vault.Header) error {
		p, err := kdfParams(c, oldHeader.Params)
		if err != nil {
			return err
		}
		pw, err := e.newSecret(ctx, "new vault password", "new-password-stdin", c.Bool("new-password-stdin"), c.String("new-password-file", ""))
		if err != nil {
			return err
		}
		newHeader, newKey, err = vault.Create(pw, p)
		vault.Wipe(pw)
		if err != nil {
			return err
		}
		raw, err := newHeader.Marshal()
		if err != nil {
			return err
		}
		// One transaction: bbolt writes nothing until it commits, so a crash
		// at any step below leaves the old header and the old sealings.
		err = e.Store.Update(ctx, func(t *store.Tx) error {
			if err := secrets.SameVault(t, oldHeader); err != nil {
				return err
			}
			creds, err := t.Creds()
			if err != nil {
				return err
			}
			for _, cr := range creds {
				if len(cr.Sealed) == 0 {
					continue
				}
				sealed, err := reseal(old, newKey, cr)
				if err != nil {
					return err
				}
				if err := t.ResealCred(cr.Name, sealed); err != nil {
					return err
				}
				n++
				step("resealed " + cr.Name)
			}
			if err := t.PutVaultHeader(raw); err != nil {
				return err
			}
			step("header written")
			return nil
		})
		if err != nil {
			newKey.Destroy()
			return err
		}
		step("committed")
		return nil
	})
	if err != nil {
		return nil, err
	}
	e.keyring.Set(newKey, newHeader)
	e.warnWeak(newHeader.Params)
	e.saidf("vault password changed; %d %s re-sealed (%s)", n, plural("secret", n), newHeader.Params)
	return nil, nil
}

func reseal(old, new *vault.Key, cr *store.Credential) ([]byte, error) {
	s, err := old.OpenSecret(cr.Sealed, cr.Identity())
	if err != nil {
		return nil, fmt.Errorf("credential %s: %w", cr.Name, err)
	}
	defer s.Wipe()
	return new.SealSecret(s, cr.Identity())
}
