package console

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"vc/records"

	"vc/store"
)

func storeCommands() []*Command {
	return []*Command{
		{
			Name: "backup", Args: "FILE", Group: groupStore, MinArgs: 1, MaxArgs: 1,
			Flags:    []Flag{{Name: "force", Help: "overwrite FILE if it exists"}},
			Summary:  "write a consistent copy of the store to FILE",
			Help:     "The copy is taken in one read transaction, so it is consistent even while other vc processes read the store. Secrets stay sealed in the copy: it is as safe as the store itself, and restoring it needs the same vault password.",
			Examples: []string{"backup vc-2026-11-25.db"},
			Run: func(ctx context.Context, e *Env, c *Call) (*records.Set, error) {
				path := c.Args[0]
				flags := os.O_WRONLY | os.O_CREATE | os.O_EXCL
				if c.Bool("force") {
					flags = os.O_WRONLY | os.O_CREATE | os.O_TRUNC
				}
				f, err := os.OpenFile(path, flags, 0o600)
				if os.IsExist(err) {
					return nil, fmt.Errorf("%s exists; choose another name or use --force", path)
				}
				if err != nil {
					return nil, err
				}
				n, err := e.Store.Backup(ctx, f)
				if cerr := f.Close(); err == nil {
					err = cerr
				}
				if err != nil {
					os.Remove(path)
					return nil, err
				}
				e.saidf("backed up %s to %s (%d bytes)", e.Store.Path(), path, n)
				return nil, nil
			},
		},
		{
			Name: "restore", Args: "FILE", Group: groupStore, MinArgs: 1, MaxArgs: 1,
			Summary:  "replace the store with a backup, after checking it",
			Help:     "FILE must be a vc store of a schema this vc knows. The current store is saved beside it as vc.db.before-restore first, so a restore can itself be undone.",
			Examples: []string{"restore vc-2026-11-25.db"},
			Run: func(ctx context.Context, e *Env, c *Call) (*records.Set, error) {
				keep := filepath.Join(e.Home, store.FileName+".before-restore")
				info, err := e.Store.Restore(ctx, c.Args[0], keep)
				if err != nil {
					return nil, err
				}
				e.selection, e.selectionExpr = nil, ""
				e.devices = deviceCache{}
				e.saidf("restored %s: %d devices, %d sites (schema %d); the previous store is in %s",
					c.Args[0], info.Counts[store.KindDevice], info.Counts[store.KindSite], info.Schema, keep)
				return nil, nil
			},
		},
	}
}
