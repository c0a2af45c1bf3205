// Package secrets holds a session's access to the vault: the unlocked key
// with its idle lock, where the vault password comes from, and the logins
// built from sealed credentials for a run. It never prints and never reads
// a terminal; the console hands in a password source that may.
package secrets

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"vc/vault"
)

// PasswordSource gives the vault password when the keyring must unlock.
type PasswordSource interface {
	// VaultPassword returns the password, or an error wrapping
	// ErrNoPassword when this source has none to give. The caller wipes
	// what it returns.
	VaultPassword(ctx context.Context) ([]byte, error)
	// Tries is how many passwords the source may give before unlocking
	// fails: one for a file or the environment, more for a person.
	Tries() int
}

// ErrNoPassword is a source with no password to give.
var ErrNoPassword = errors.New("no vault password")

// File reads the password from a file, without its line end, as
// ansible-vault's --vault-password-file does. warn, if set, is told when
// the file can be read by others.
type File struct {
	Path string
	Warn func(string)
}

// VaultPassword reads the file.
func (f File) VaultPassword(context.Context) ([]byte, error) {
	return ReadPasswordFile(f.Path, f.Warn)
}

// Tries is one: the file says the same thing each time.
func (File) Tries() int { return 1 }

// Environ takes the password from the environment variable
// VC_VAULT_PASSWORD.
type Environ struct{}

// EnvVar is the variable Environ reads.
const EnvVar = "VC_VAULT_PASSWORD"

// VaultPassword reads the variable.
func (Environ) VaultPassword(context.Context) ([]byte, error) {
	if v := os.Getenv(EnvVar); v != "" {
		return []byte(v), nil
	}
	return nil, fmt.Errorf("%w: %s is not set", ErrNoPassword, EnvVar)
}

// Tries is one.
func (Environ) Tries() int { return 1 }

// MaxSecret bounds a secret read from stdin or a file.
const MaxSecret = 64 * 1024

// ReadPasswordFile reads a password from a file, without its line end.
// warn, if set, is told when others can read the file.
func ReadPasswordFile(path string, warn func(string)) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("password file: %w", err)
	}
	defer f.Close()
	if fi, err := f.Stat(); err == nil && fi.Mode().Perm()&0o077 != 0 && warn != nil {
		warn(fmt.Sprintf("warning: password file %s can be read by others (mode %04o); chmod 600 it", path, fi.Mode().Perm()))
	}
	b := make([]byte, MaxSecret+1)
	n, err := io.ReadFull(f, b)
	if err != nil && !errors.Is(err, io.ErrUnexpectedEOF) && !errors.Is(err, io.EOF) {
		vault.Wipe(b)
		return nil, fmt.Errorf("password file %s: %w", path, err)
	}
	if n > MaxSecret {
		vault.Wipe(b)
		return nil, fmt.Errorf("password file %s: longer than %d bytes", path, MaxSecret)
	}
	pw := bytes.TrimRight(b[:n], "\r\n")
	if len(pw) == 0 {
		return nil, fmt.Errorf("password file %s: %w", path, vault.ErrEmptyPassword)
	}
	return pw, nil
}

// SystemdCredential takes the password from a credential systemd hands
// the service (LoadCredential= or LoadCredentialEncrypted= in its unit):
// the file Name in $CREDENTIALS_DIRECTORY, which only the service can
// read and which lives in memory, never on disk.
type SystemdCredential struct {
	// Name is the credential's name in the unit (vault-password).
	Name string
}

// CredentialsDirEnv is the variable systemd sets for a service with
// credentials.
const CredentialsDirEnv = "CREDENTIALS_DIRECTORY"

// VaultPassword reads the credential.
func (s SystemdCredential) VaultPassword(context.Context) ([]byte, error) {
	dir := os.Getenv(CredentialsDirEnv)
	if dir == "" {
		return nil, fmt.Errorf("%w: %s is not set", ErrNoPassword, CredentialsDirEnv)
	}
	path := filepath.Join(dir, s.Name)
	if _, err := os.Stat(path); errors.Is(err, os.ErrNotExist) {
		return nil, fmt.Errorf("%w: no credential %s in %s", ErrNoPassword, s.Name, dir)
	}
	// systemd makes it readable by the service alone: no mode warning.
	return ReadPasswordFile(path, nil)
}

// Tries is one.
func (SystemdCredential) Tries() int { return 1 }
