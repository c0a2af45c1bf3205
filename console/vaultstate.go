package console

import (
	"context"
	"fmt"
	"os"
	"time"

	"golang.org/x/term"

	"vc/secrets"
	"vc/vault"
)

// newKeyring gives the session its hold on the vault. The vault password
// comes from --vault-password-file, then VC_VAULT_PASSWORD, then the
// terminal (three tries). after is the idle timer's clock (nil: the real
// one).
func (e *Env) newKeyring(after func(time.Duration, func()) func() bool) *secrets.Keyring {
	return secrets.NewKeyring(e.Store, secrets.Options{
		Sources: []secrets.PasswordSource{fileSource{e}, secrets.Environ{}, terminalSource{e}},
		Idle:    e.vaultTimeout(),
		Notify:  func(s string) { e.warnf("%s", s) },
		After:   after,
	})
}

// fileSource reads --vault-password-file, when it was given.
type fileSource struct{ e *Env }

func (s fileSource) VaultPassword(ctx context.Context) ([]byte, error) {
	if s.e.passwordFile == "" {
		return nil, secrets.ErrNoPassword
	}
	return secrets.File{Path: s.e.passwordFile, Warn: func(m string) { s.e.warnf("%s", m) }}.VaultPassword(ctx)
}

func (fileSource) Tries() int { return 1 }

// terminalSource asks the person at the terminal for the vault password.
type terminalSource struct{ e *Env }

func (s terminalSource) VaultPassword(ctx context.Context) ([]byte, error) {
	if s.e.askSecret == nil {
		return nil, secrets.ErrNoPassword
	}
	return s.e.askSecret(ctx, "vault password: ")
}

func (terminalSource) Tries() int { return 3 }

// terminalAsker reads secrets from the terminal vc runs on, without echo;
// nil when there is no terminal.
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

// givenVaultPassword is the password given without a terminal
// (--vault-password-file, VC_VAULT_PASSWORD), or nil.
func (e *Env) givenVaultPassword(ctx context.Context) ([]byte, error) {
	if e.passwordFile != "" {
		return secrets.ReadPasswordFile(e.passwordFile, func(s string) { e.warnf("%s", s) })
	}
	pw, err := secrets.Environ{}.VaultPassword(ctx)
	if err != nil {
		return nil, nil
	}
	return pw, nil
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
		e.keyring.SetIdle(e.vaultTimeout())
	}
}

// secretsFile reads a password file for a command (a bundle password),
// warning when others can read it.
func secretsFile(e *Env, path string) ([]byte, error) {
	return secrets.ReadPasswordFile(path, func(s string) { e.warnf("%s", s) })
}
