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
//
// VC_LAB_SHARD=K/N, when opts name no shard, serves part K of N (see
// Options.Shard): a fleet larger than one process's file descriptors can
// keep open is served by N processes, each writing its part's inventory.
// VC_LAB_PREWARM=1 sets Options.Prewarm (the benchmarks do).
func Run(ctx context.Context, opts Options, out io.Writer) error {
	began := time.Now()
	if v := os.Getenv("VC_LAB_SHARD"); v != "" && opts.Shard.Count == 0 {
		sh, err := ParseShard(v)
		if err != nil {
			return fmt.Errorf("lab: VC_LAB_SHARD: %w", err)
		}
		opts.Shard = sh
	}
	if os.Getenv("VC_LAB_PREWARM") == "1" {
		opts.Prewarm = true
	}
	l, err := Start(ctx, opts)
	if err != nil {
		return err
	}
	defer l.Close()
	if need, limit := l.fds(); need > limit {
		// Past the limit, accept fails and connections wait in the listen
		// backlog until the client's handshake times out: say so now.
		if _, err := fmt.Fprintf(out, "lab: warning: %d devices with a session open each need about %d file descriptors, and this process may open %d: serve the fleet from several processes (VC_LAB_SHARD=1/2, 2/2...)\n",
			len(l.devs), need, limit); err != nil {
			return fmt.Errorf("lab: %w", err)
		}
	}
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
