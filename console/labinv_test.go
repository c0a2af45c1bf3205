package console

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"vc/lab"
)

// startLabWithInventory starts a lab on loopback (admin/admin unless o
// says otherwise) for the test's length, and writes its inventory to
// dir/lab.csv, whose path it returns.
func startLabWithInventory(tb testing.TB, ctx context.Context, o lab.Options, dir string) (*lab.Lab, string) {
	tb.Helper()
	if o.Listen == "" {
		o.Listen = "127.0.0.1"
	}
	if o.User == "" {
		o.User, o.Password = "admin", "admin"
	}
	l, err := lab.Start(ctx, o)
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { l.Close() })
	inv := filepath.Join(dir, "lab.csv")
	f, err := os.Create(inv)
	if err != nil {
		tb.Fatal(err)
	}
	defer f.Close()
	if err := l.WriteInventory(f); err != nil {
		tb.Fatal(err)
	}
	return l, inv
}
