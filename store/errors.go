package store

import (
	"errors"
	"fmt"
)

// Sentinel errors; callers test them with errors.Is.
var (
	// ErrNotFound means the named record does not exist.
	ErrNotFound = errors.New("not found")
	// ErrExists means a record with that name already exists.
	ErrExists = errors.New("already exists")
	// ErrInUse means other records refer to the one being removed.
	ErrInUse = errors.New("in use")
	// ErrBusy means another process held the store for longer than the
	// lock timeout.
	ErrBusy = errors.New("store is busy")
	// ErrSchemaNewer means the store was written by a newer vc.
	ErrSchemaNewer = errors.New("store schema is newer than this vc")
	// ErrNotStore means a file is not a vc store.
	ErrNotStore = errors.New("not a vc store")
	// ErrInvalid means a value failed validation.
	ErrInvalid = errors.New("invalid value")
)

// invalidError is a validation failure: it reads as its message alone but
// is ErrInvalid to errors.Is.
type invalidError struct{ msg string }

func (e *invalidError) Error() string        { return e.msg }
func (e *invalidError) Is(target error) bool { return target == ErrInvalid }

func invalidf(format string, args ...any) error {
	return &invalidError{fmt.Sprintf(format, args...)}
}
