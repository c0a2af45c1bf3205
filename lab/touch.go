package lab

import (
	"fmt"
	"os"
)

// TouchOptions says what an operator changed on a device.
type TouchOptions struct {
	// HostKey rotates the device's host key instead of changing its
	// running configuration, as a re-generated key on a real device would.
	HostKey bool
}

// Touch changes a device of the lab whose inventory is at inventoryPath,
// even when that lab runs in another process: its next `show
// running-config` carries one more operator change, or with opts.HostKey
// its next connection presents a new host key.
func Touch(inventoryPath, device string, opts TouchOptions) error {
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
	if err := bumpStateFile(stateFile(inventoryPath), device, opts.HostKey); err != nil {
		return fmt.Errorf("lab touch %s: %w", device, err)
	}
	return nil
}
