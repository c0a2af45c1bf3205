package console

import (
	"bytes"
	"context"

	"vc/store"
)

// minSecretMatch is the shortest secret looked for in history lines;
// shorter ones would match innocent lines and keep them out.
const minSecretMatch = 4

// mayHoldSecret spots what secretLine cannot. A command that is not a
// command may be a password typed at the vc> prompt instead of a password
// prompt; and while the vault is unlocked, a line holding any secret it
// keeps is one.
func (e *Env) mayHoldSecret(ctx context.Context, line string) bool {
	for _, cmd := range commandsOf(line) {
		toks, err := words(cmd)
		if err != nil || len(toks) == 0 {
			return true
		}
		first := toks[0].text
		if _, ok := e.cmds.byName[first]; ok {
			continue
		}
		if _, ok := e.cmds.groups[first]; !ok {
			return true
		}
	}
	return e.holdsVaultSecret(ctx, line)
}

// holdsVaultSecret reports whether line contains a secret of the
// unlocked vault. A locked vault is not unlocked for it.
func (e *Env) holdsVaultSecret(ctx context.Context, line string) bool {
	e.vault.mu.Lock()
	k := e.vault.key
	e.vault.mu.Unlock()
	if k == nil {
		return false
	}
	found := false
	_ = e.Store.View(ctx, func(t *store.Tx) error {
		creds, err := t.Creds()
		if err != nil {
			return err
		}
		for _, cr := range creds {
			if len(cr.Sealed) == 0 || found {
				continue
			}
			s, err := k.OpenSecret(cr.Sealed, cr.Identity())
			if err != nil {
				continue
			}
			for _, f := range [][]byte{s.Password, s.KeyPassphrase, s.Enable} {
				if len(f) >= minSecretMatch && bytes.Contains([]byte(line), f) {
					found = true
				}
			}
			s.Wipe()
		}
		return nil
	})
	return found
}
