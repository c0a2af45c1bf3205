package run

import "errors"

// Errors a run can end with before it starts.
var (
	// ErrNoCred is a --cred naming no credential.
	ErrNoCred = errors.New("no credential")
	// ErrNoDevices is a spec with no device to run on.
	ErrNoDevices = errors.New("no devices to run on")
)
