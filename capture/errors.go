package capture

import (
	"errors"
	"fmt"
)

// Sentinel errors; callers test them with errors.Is.
var (
	// ErrNotFound means no capture answers the question: no version of
	// that device and type, no version of that id, none that old.
	ErrNotFound = errors.New("no such capture")
	// ErrInvalidType means a capture type is not a safe word.
	ErrInvalidType = errors.New("invalid capture type")
	// ErrInvalidDevice means a device name cannot be stored or made a
	// file name.
	ErrInvalidDevice = errors.New("invalid device name")
	// ErrPattern means a search pattern does not compile or is empty.
	ErrPattern = errors.New("invalid search pattern")
	// ErrDamaged means a record in the store cannot be read back: the
	// file was damaged or written by something else.
	ErrDamaged = errors.New("capture store damaged")
)

// FileError is a plain file of a capture that could not be written.
type FileError struct {
	Type, Device string
	// Path is where the file belongs; empty when the name was refused.
	Path string
	Err  error
}

func (e *FileError) Error() string {
	if e.Path == "" {
		return fmt.Sprintf("capture file for %s %s: %v", e.Type, e.Device, e.Err)
	}
	return fmt.Sprintf("capture file %s: %v", e.Path, e.Err)
}

func (e *FileError) Unwrap() error { return e.Err }
