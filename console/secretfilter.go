package console

import (
	"bytes"
	"context"
	"errors"
	"regexp"
)

// secretLine spots lines that may carry a secret; they are kept out of the
// history file. A --password flag with a value counts; --password-stdin and
// --password-file name where a secret is, not the secret.
var secretLine = regexp.MustCompile(`(?i)(pass(word|phrase)?|secret|token|key)\s*[=:]|--(password|secret|passphrase)(\s*=|\s+[^-\s]|\s*$)`)

// historyVerdict is what the history filter says of a line.
type historyVerdict int

const (
	historySave    historyVerdict = iota
	historyDrop                   // it holds, or may hold, a secret
	historyPending                // it may hold a vault secret; ask again once the vault is unlocked
)

// historyCheck decides whether a typed line may go to the history file.
// No line holding the vault password or a vault secret may, whenever it
// was typed: a line typed while the vault is locked waits until it can be
// checked.
func (e *Env) historyCheck(ctx context.Context, line string) historyVerdict {
	if secretLine.MatchString(line) || e.mayHoldSecret(line) {
		return historyDrop
	}
	found, known := e.keyring.Holds(ctx, line)
	switch {
	case found:
		return historyDrop
	case !known:
		return historyPending
	}
	return historySave
}

// mayHoldSecret spots what secretLine cannot: a line that is not a command
// may be a password typed at the vc> prompt instead of a password prompt;
// a command given words it does not take (vault unlock S3cret) may be
// carrying one.
func (e *Env) mayHoldSecret(line string) bool {
	for _, cmd := range commandsOf(line) {
		toks, err := words(cmd)
		if err != nil || len(toks) == 0 {
			return true
		}
		first := toks[0].text
		if _, ok := e.cmds.byName[first]; !ok {
			if _, ok := e.cmds.groups[first]; !ok {
				return true
			}
		}
		var extra *extraArgsError
		if _, err := e.cmds.Parse(cmd); errors.As(err, &extra) {
			return true
		}
	}
	return false
}

// redacted hides the unlocked vault's secrets in an error about to be
// shown, such as an unknown command that was a password typed at the
// wrong prompt. It keeps what the error wraps, for the exit status.
func (e *Env) redacted(ctx context.Context, err error) error {
	msg := []byte(err.Error())
	changed := false
	e.keyring.EachSecret(ctx, func(s []byte) bool {
		if len(s) >= minSecretMatch && bytes.Contains(msg, s) {
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

// minSecretMatch is the shortest secret looked for in what is shown;
// shorter ones would match innocent text.
const minSecretMatch = 4

type redactedError struct {
	msg string
	err error
}

func (r *redactedError) Error() string { return r.msg }
func (r *redactedError) Unwrap() error { return r.err }
