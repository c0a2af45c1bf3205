package lab

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"time"
)

// Run does what `vc lab` does: start the lab, write the inventory to
// opts.Inventory, print one line with "ready", serve until ctx is
// cancelled, then shut down.
func Run(ctx context.Context, opts Options, out io.Writer) error {
	began := time.Now()
	l, err := Start(ctx, opts)
	if err != nil {
		return err
	}
	defer l.Close()
	if opts.Inventory != "" {
		if err := writeInventoryFile(opts.Inventory, l); err != nil {
			return err
		}
	}
	devs := l.Devices()
	first, last := devs[0].Port, devs[len(devs)-1].Port
	where := ""
	if opts.Inventory != "" {
		where = ", inventory " + opts.Inventory
	}
	if _, err := fmt.Fprintf(out, "lab ready: %d devices on %s ports %d-%d in %s%s\n",
		len(devs), l.opts.Listen, first, last, time.Since(began).Round(time.Millisecond), where); err != nil {
		return fmt.Errorf("lab: %w", err)
	}
	<-ctx.Done()
	err = l.Close()
	// What the clients' session limits held the lab to, for benchmarks
	// that run vc against a lab in another process.
	if _, werr := fmt.Fprintf(out, "lab stopped: %s\n", l.Peaks()); werr != nil && err == nil {
		err = fmt.Errorf("lab: %w", werr)
	}
	return err
}

// writeInventoryFile writes the inventory whole or not at all, so a reader
// that sees the file can trust it.
func writeInventoryFile(path string, l *Lab) error {
	tmp, err := os.CreateTemp(filepath.Dir(path), filepath.Base(path)+".*")
	if err != nil {
		return fmt.Errorf("lab: write inventory: %w", err)
	}
	defer os.Remove(tmp.Name())
	if err := tmp.Chmod(0o644); err != nil {
		tmp.Close()
		return fmt.Errorf("lab: write inventory %s: %w", path, err)
	}
	if err := l.WriteInventory(tmp); err != nil {
		tmp.Close()
		return fmt.Errorf("lab: write inventory %s: %w", path, err)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("lab: write inventory %s: %w", path, err)
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		return fmt.Errorf("lab: write inventory %s: %w", path, err)
	}
	return nil
}
