package console

import (
	"context"
	"errors"

	"vc/store"
	"vc/vault"
)

// Exit statuses. They are documented by `help exit-codes`; scripts may rely
// on them.
const (
	ExitOK          = 0
	ExitFailure     = 1
	ExitUsage       = 2
	ExitPartial     = 3
	ExitAllFailed   = 4
	ExitBusy        = 5
	ExitVaultLocked = 6
	ExitWrongPass   = 7
	ExitInterrupted = 130
)

type exitDoc struct {
	code int
	text string
}

// exitCodes documents the statuses for help.
func exitCodes() []exitDoc {
	return []exitDoc{
		{ExitOK, "everything succeeded"},
		{ExitFailure, "a command failed (vc daemon: another daemon holds the store, or it could not start; daemon status: no daemon runs)"},
		{ExitUsage, "a command was mistyped: unknown command, bad flag or argument"},
		{ExitPartial, "exec, retry, get, run: some devices failed or were skipped, others succeeded; device sync: some devices were skipped"},
		{ExitAllFailed, "exec, retry, get, run: every device failed"},
		{ExitBusy, "the store was held by another vc for longer than VC_LOCK_TIMEOUT"},
		{ExitVaultLocked, "the vault was needed but is not initialized, or there was no password to unlock it (VC_VAULT_PASSWORD, --vault-password-file, a terminal)"},
		{ExitWrongPass, "a wrong password for the vault or for a credentials bundle"},
		{ExitInterrupted, "interrupted (Ctrl-C)"},
	}
}

// exitError carries a specific status out of a command.
type exitError struct {
	code int
	err  error
}

func (e *exitError) Error() string { return e.err.Error() }
func (e *exitError) Unwrap() error { return e.err }

func exitCode(err error) int {
	var ee *exitError
	var ue *usageError
	switch {
	case err == nil:
		return ExitOK
	case errors.As(err, &ee):
		return ee.code
	case errors.Is(err, context.Canceled):
		return ExitInterrupted
	case errors.As(err, &ue):
		return ExitUsage
	case errors.Is(err, store.ErrBusy):
		return ExitBusy
	case errors.Is(err, vault.ErrLocked), errors.Is(err, vault.ErrNotInitialized):
		return ExitVaultLocked
	case errors.Is(err, vault.ErrWrongPassword):
		return ExitWrongPass
	}
	return ExitFailure
}
