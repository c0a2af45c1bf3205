package console

import (
	"bytes"
	"context"

	"vc/store"
)

// minSecretMatch is the shortest secret looked for in what the user typed;
// shorter ones would match innocent text.
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
	found := false
	e.eachVaultSecret(ctx, func(s []byte) bool {
		found = bytes.Contains([]byte(line), s)
		return !found
	})
	return found
}

// redacted hides the unlocked vault's secrets in an error about to be
// shown, such as an unknown command that was a password typed at the
// wrong prompt. It keeps what the error wraps, for the exit status.
func (e *Env) redacted(ctx context.Context, err error) error {
	msg := []byte(err.Error())
	changed := false
	e.eachVaultSecret(ctx, func(s []byte) bool {
		if bytes.Contains(msg, s) {
			msg = bytes.ReplaceAll(msg, s, []byte("[secret]"))
			changed = true
		}
		return true
	})
	if !changed {
		return err
	}
	return &redactedError{msg: string(msg), err: err}
}

type redactedError struct {
	msg string
	err error
}

func (r *redactedError) Error() string { return r.msg }
func (r *redactedError) Unwrap() error { return r.err }

// eachVaultSecret calls fn with each secret of the vault while it is
// unlocked, wiping each after, until fn returns false. A locked vault is
// not unlocked for it.
func (e *Env) eachVaultSecret(ctx context.Context, fn func(secret []byte) bool) {
	e.vault.mu.Lock()
	k := e.vault.key
	e.vault.mu.Unlock()
	if k == nil {
		return
	}
	_ = e.Store.View(ctx, func(t *store.Tx) error {
		creds, err := t.Creds()
		if err != nil {
			return err
		}
		more := true
		for _, cr := range creds {
			if len(cr.Sealed) == 0 || !more {
				continue
			}
			s, err := k.OpenSecret(cr.Sealed, cr.Identity())
			if err != nil {
				continue
			}
			for _, f := range [][]byte{s.Password, s.KeyPassphrase, s.Enable} {
				if more && len(f) >= minSecretMatch {
					more = fn(f)
				}
			}
			s.Wipe()
		}
		return nil
	})
}
