package lab

import (
	"fmt"
	"os"
	"slices"
	"strings"
)

// TouchOptions says what an operator changed on a device.
type TouchOptions struct {
	// HostKey rotates the device's host key instead of changing its
	// running configuration, as a re-generated key on a real device would.
	HostKey bool
	// HostKeyTypes, when set, are the key types the device serves from
	// now on, instead of changing its running configuration: "ed25519",
	// "rsa", or both (a client gets the type it asks for). A device
	// whose ed25519 key was replaced by an RSA one is {"rsa"}; an empty
	// list goes back to the device's own type.
	HostKeyTypes []string
}

// hostKeyTypes are the key types a device can serve.
var hostKeyTypes = []string{"ed25519", "rsa"}

// validate reports a key type the lab cannot serve.
func (o TouchOptions) validate() error {
	for _, t := range o.HostKeyTypes {
		if !slices.Contains(hostKeyTypes, t) {
			return fmt.Errorf("%w: host key type %q (known: %s)", ErrOptions, t, strings.Join(hostKeyTypes, ", "))
		}
	}
	return nil
}

// Touch changes a device of the lab whose inventory is at inventoryPath,
// even when that lab runs in another process: its next `show
// running-config` carries one more operator change, or with opts.HostKey
// its next connection presents a new host key, or with opts.HostKeyTypes
// keys of those types.
func Touch(inventoryPath, device string, opts TouchOptions) error {
	if err := opts.validate(); err != nil {
		return fmt.Errorf("lab touch: %w", err)
	}
	f, err := os.Open(inventoryPath)
	if err != nil {
		return fmt.Errorf("lab touch: %w", err)
	}
	defer f.Close()
	names, err := inventoryNames(f)
	if err != nil {
		return fmt.Errorf("lab touch: inventory %s: %w", inventoryPath, err)
	}
	if _, ok := names[device]; !ok {
		return fmt.Errorf("lab touch: %w %q in %s", ErrUnknownDevice, device, inventoryPath)
	}
	if err := bumpStateFile(stateFile(inventoryPath), device, opts); err != nil {
		return fmt.Errorf("lab touch %s: %w", device, err)
	}
	return nil
}
