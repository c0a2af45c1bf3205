package vault

import "errors"

// Sentinel errors; callers test them with errors.Is.
var (
	// ErrWrongPassword means the password does not open the vault (or the
	// bundle): the sealed check value did not open under the derived key.
	ErrWrongPassword = errors.New("wrong password")
	// ErrLocked means a key was used after it was locked.
	ErrLocked = errors.New("vault is locked")
	// ErrNotInitialized means there is no vault yet.
	ErrNotInitialized = errors.New("vault is not initialized")
	// ErrInitialized means a vault exists already.
	ErrInitialized = errors.New("vault is already initialized")
	// ErrCorrupt means sealed data failed authentication under a key that
	// is otherwise right: it was damaged, or moved onto another record.
	ErrCorrupt = errors.New("sealed data does not authenticate")
	// ErrBadParams means key-derivation parameters are out of range.
	ErrBadParams = errors.New("bad key-derivation parameters")
	// ErrBadFormat means a header or bundle could not be read.
	ErrBadFormat = errors.New("unreadable vault data")
	// ErrEmptyPassword means an empty password was given.
	ErrEmptyPassword = errors.New("empty password")
)
