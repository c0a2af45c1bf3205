package store

import (
	"errors"
	"fmt"
	"strings"
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
	// ErrNoDriver means a device names a platform that the store does not
	// have and vc has no driver for; it comes as a *NoDriverError.
	ErrNoDriver = errors.New("platform has no driver")
)

// invalidError is a validation failure: it reads as its message alone but
// is ErrInvalid to errors.Is.
type invalidError struct{ msg string }

func (e *invalidError) Error() string        { return e.msg }
func (e *invalidError) Is(target error) bool { return target == ErrInvalid }

func invalidf(format string, args ...any) error {
	return &invalidError{fmt.Sprintf(format, args...)}
}

// AttrError is a bad value for one field of one record. It reads as
// "device sw1 ip: ...", or "ip: ..." while the record has no name yet, and
// is whatever its Err is to errors.Is.
type AttrError struct {
	Kind Kind
	// Name is the record's name; "" if it has none yet.
	Name string
	// Attr is the field, as users write it: ip, tags, fields.rack.
	Attr string
	Err  error
}

func (e *AttrError) Error() string {
	// The field comes from the user too: a bad custom field's name may be
	// long, or hold what a terminal would act on.
	attr := e.Attr
	if len(attr) > quoteMax || checkText(attr, quoteMax) != nil {
		attr = Quote(attr)
	}
	if e.Name == "" {
		return fmt.Sprintf("%s: %v", attr, e.Err)
	}
	return fmt.Sprintf("%s %s %s: %v", e.Kind, e.Name, attr, e.Err)
}

func (e *AttrError) Unwrap() error { return e.Err }

// NoDriverError is a device naming a platform that the store does not have
// and vc has no driver for, which is more often a typo than a platform of
// the user's own. It is ErrNoDriver and ErrInvalid to errors.Is.
type NoDriverError struct {
	Platform string
	// Suggestions are the drivers it was probably meant to be, best first.
	Suggestions []string
	// Known lists the drivers, for a message without suggestions.
	Known []string
}

func (e *NoDriverError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "platform %s has no driver in vc", Quote(e.Platform))
	switch {
	case len(e.Suggestions) > 0:
		fmt.Fprintf(&b, " (did you mean %s?)", orList(e.Suggestions))
	case len(e.Known) > 0:
		fmt.Fprintf(&b, " (drivers: %s)", strings.Join(e.Known, ", "))
	}
	// The name passed ValidName: it is short, and safe to print as is.
	fmt.Fprintf(&b, "; add it first with platform add %s if it is your own", e.Platform)
	return b.String()
}

func (e *NoDriverError) Is(target error) bool { return target == ErrNoDriver || target == ErrInvalid }

// orList joins a, b and c as "a, b or c".
func orList(s []string) string {
	if len(s) < 2 {
		return strings.Join(s, "")
	}
	return strings.Join(s[:len(s)-1], ", ") + " or " + s[len(s)-1]
}
