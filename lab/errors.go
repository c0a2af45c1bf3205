package lab

import "errors"

// Sentinel errors of the lab, for callers that map them to exit codes.
var (
	// ErrOptions reports options that cannot describe a lab.
	ErrOptions = errors.New("lab: invalid options")
	// ErrUnknownDevice reports a device name that is not in the inventory.
	ErrUnknownDevice = errors.New("lab: unknown device")
)
