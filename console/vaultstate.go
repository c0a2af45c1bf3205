package console

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"time"

	"golang.org/x/sys/unix"

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
	pw, err := s.e.askSecret(ctx, "vault password: ")
	if errors.Is(err, errNoSecret) {
		// Given up at the prompt: the vault stays locked, with the exit
		// status that says so.
		return nil, fmt.Errorf("%w: %w", vault.ErrLocked, err)
	}
	return pw, err
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
		b, err := readSecretLine(ctx, int(f.Fd()))
		// The Enter that ended the secret was not echoed either.
		fmt.Fprintln(io.Err)
		return b, err
	}
}

// errNoSecret is Ctrl-D at a password prompt: the person gave up, which is
// not a wrong password.
var errNoSecret = errors.New("no password given (Ctrl-D)")

// readSecretLine reads one line from the terminal with echo off. Unlike
// term.ReadPassword it ends at once when ctx does (Ctrl-C, SIGTERM), and
// takes nothing more from the terminal after: the next line typed is the
// console's, with its echo.
func readSecretLine(ctx context.Context, fd int) ([]byte, error) {
	old, err := unix.IoctlGetTermios(fd, unix.TCGETS)
	if err != nil {
		return nil, fmt.Errorf("read from the terminal: %w", err)
	}
	quiet := *old
	quiet.Lflag &^= unix.ECHO
	quiet.Lflag |= unix.ICANON | unix.ISIG
	quiet.Iflag |= unix.ICRNL
	if err := unix.IoctlSetTermios(fd, unix.TCSETS, &quiet); err != nil {
		return nil, fmt.Errorf("read from the terminal: %w", err)
	}
	defer unix.IoctlSetTermios(fd, unix.TCSETS, old)
	// A canonical read gives one whole line, or what was typed before a
	// Ctrl-D (nothing, on an empty line); a line is at most 4095 bytes.
	buf := make([]byte, 4096)
	defer vault.Wipe(buf)
	for {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		// poll says when a line is there, and lets ctx be looked at
		// meanwhile.
		fds := []unix.PollFd{{Fd: int32(fd), Events: unix.POLLIN}}
		n, err := unix.Poll(fds, 100)
		if err != nil && !errors.Is(err, unix.EINTR) {
			return nil, fmt.Errorf("read from the terminal: %w", err)
		}
		if n == 0 {
			continue
		}
		got, err := unix.Read(fd, buf)
		switch {
		case errors.Is(err, unix.EINTR) || errors.Is(err, unix.EAGAIN):
			continue
		case err != nil:
			return nil, fmt.Errorf("read from the terminal: %w", err)
		case got == 0:
			return nil, errNoSecret
		}
		line := bytes.TrimSuffix(bytes.TrimSuffix(buf[:got], []byte("\n")), []byte("\r"))
		return bytes.Clone(line), nil
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
