package console

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"vc/records"
	"vc/secrets"

	"vc/store"
	"vc/vault"
)

// cred export and cred import: credentials moved between vaults in a
// bundle sealed under a password of its own.

func runCredExport(ctx context.Context, e *Env, c *Call) (*records.Set, error) {
	path := c.Args[0]
	if c.Has("password-file") && c.Bool("password-stdin") {
		return nil, usagef("cred export: --password-file and --password-stdin are two ways to say the same thing; use one")
	}
	if _, err := os.Stat(path); err == nil && !c.Bool("force") {
		return nil, fmt.Errorf("%s exists; choose another name or use --force", path)
	}
	var n int
	err := e.keyring.With(ctx, func(k *vault.Key, h *vault.Header) error {
		var entries []vault.BundleEntry
		defer func() {
			for _, en := range entries {
				en.Secret.Wipe()
			}
		}()
		err := e.Store.View(ctx, func(t *store.Tx) error {
			creds, err := t.Creds()
			if err != nil {
				return err
			}
			for _, cr := range creds {
				en := vault.BundleEntry{Name: cr.Name, User: cr.User, Kind: string(cr.Kind), KeyFile: cr.KeyFile, Default: cr.Default, Secret: &vault.Secret{}}
				if len(cr.Sealed) > 0 {
					if en.Secret, err = k.OpenSecret(cr.Sealed, cr.Identity()); err != nil {
						return fmt.Errorf("credential %s: %w", cr.Name, err)
					}
				}
				entries = append(entries, en)
			}
			return nil
		})
		if err != nil {
			return err
		}
		if len(entries) == 0 {
			return errors.New("there are no credentials to export")
		}
		pw, err := e.newSecret(ctx, "password for the bundle", "password-stdin", c.Bool("password-stdin"), c.String("password-file", ""))
		if err != nil {
			return err
		}
		data, err := vault.SealBundle(entries, pw, h.Params)
		vault.Wipe(pw)
		if err != nil {
			return err
		}
		n = len(entries)
		return writePrivateFile(path, data, c.Bool("force"))
	})
	if err != nil {
		return nil, err
	}
	e.saidf("exported %d %s to %s, sealed under the bundle's password", n, plural("credential", n), path)
	return nil, nil
}

// writePrivateFile writes data to path with mode 0600, through a
// temporary file so a failure leaves no half bundle.
func writePrivateFile(path string, data []byte, force bool) error {
	if _, err := os.Stat(path); err == nil && !force {
		return fmt.Errorf("%s exists; choose another name or use --force", path)
	}
	tmp, err := os.CreateTemp(filepath.Dir(path), ".vc-export-*")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	if err := tmp.Chmod(0o600); err != nil {
		tmp.Close()
		return err
	}
	if _, err := tmp.Write(data); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), path)
}

func runCredImport(ctx context.Context, e *Env, c *Call) (*records.Set, error) {
	path := c.Args[0]
	if c.Has("password-file") && c.Bool("password-stdin") {
		return nil, usagef("cred import: --password-file and --password-stdin are two ways to say the same thing; use one")
	}
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var pw []byte
	if f := c.String("password-file", ""); f != "" {
		pw, err = secretsFile(e, f)
	} else {
		pw, err = e.readSecret(ctx, "password for the bundle", "password-stdin", c.Bool("password-stdin"))
	}
	if err != nil {
		return nil, err
	}
	entries, err := vault.OpenBundle(data, pw)
	vault.Wipe(pw)
	if errors.Is(err, vault.ErrWrongPassword) {
		return nil, fmt.Errorf("%s: %w for the bundle (the one given to cred export, not the vault's)", path, err)
	}
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	defer func() {
		for _, en := range entries {
			en.Secret.Wipe()
		}
	}()
	var notes []string
	err = e.keyring.With(ctx, func(k *vault.Key, h *vault.Header) error {
		return e.Store.Update(ctx, func(t *store.Tx) error {
			notes = nil
			if err := secrets.SameVault(t, h); err != nil {
				return err
			}
			return importEntries(t, k, entries, c.Bool("force"), &notes)
		})
	})
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	for _, n := range notes {
		e.saidf("%s", n)
	}
	e.saidf("imported %d %s from %s", len(entries), plural("credential", len(entries)), path)
	return nil, nil
}

func importEntries(t *store.Tx, k *vault.Key, entries []vault.BundleEntry, force bool, notes *[]string) error {
	existing, err := t.Creds()
	if err != nil {
		return err
	}
	have := map[string]*store.Credential{}
	localDefault := ""
	for _, cr := range existing {
		have[cr.Name] = cr
		if cr.Default {
			localDefault = cr.Name
		}
	}
	var clash []string
	for _, en := range entries {
		if have[en.Name] != nil {
			clash = append(clash, en.Name)
		}
	}
	if len(clash) > 0 && !force {
		return fmt.Errorf("credentials already here: %s; nothing imported (--force replaces them)", strings.Join(clash, ", "))
	}
	for _, en := range entries {
		cr := &store.Credential{Name: en.Name, User: en.User, Kind: store.CredKind(en.Kind), KeyFile: en.KeyFile,
			Enable: len(en.Secret.Enable) > 0}
		// The bundle's default does not displace one chosen here.
		if en.Default {
			if localDefault == "" || localDefault == en.Name {
				cr.Default = true
			} else {
				*notes = append(*notes, fmt.Sprintf("%s was the default where it came from; %s stays the default here", en.Name, localDefault))
			}
		} else if old := have[en.Name]; old != nil && old.Default {
			cr.Default = true
		}
		if cr.NeedsSecret() {
			sealed, err := k.SealSecret(en.Secret, cr.Identity())
			if err != nil {
				return err
			}
			cr.Sealed = sealed
		}
		if old := have[en.Name]; old != nil {
			cr.Created = old.Created
			*notes = append(*notes, "replaced credential "+en.Name)
		}
		if err := t.PutCred(cr); err != nil {
			return err
		}
	}
	return nil
}
