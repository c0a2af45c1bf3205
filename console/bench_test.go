package console

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"vc/store"
)

// writeInventory writes an n-device CSV in the import format.
func writeInventory(tb testing.TB, dir string, n int) string {
	tb.Helper()
	var b strings.Builder
	b.WriteString("name,ip,port,platform,site,role,vendor,status,tags\n")
	platforms := []string{"arista_eos", "cisco_ios", "cisco_nxos", "juniper_junos", "linux"}
	sites := []string{"usa", "emea", "apac", "latam"}
	roles := []string{"leaf", "spine", "core", "edge"}
	for i := range n {
		fmt.Fprintf(&b, "%s-%s-%06d,10.%d.%d.%d,%d,%s,%s,%s,,active,%s\n",
			sites[i%4], roles[(i/4)%4], i, i>>16&255, i>>8&255, i&255, 10000+i%50000,
			platforms[i%5], sites[i%4], roles[(i/4)%4], []string{"pci", "core;pci", ""}[i%3])
	}
	path := filepath.Join(dir, "inventory.csv")
	if err := os.WriteFile(path, []byte(b.String()), 0o600); err != nil {
		tb.Fatal(err)
	}
	return path
}

func benchEnv(tb testing.TB, home string) *Env {
	tb.Helper()
	st, err := store.Open(home, store.Options{})
	if err != nil {
		tb.Fatal(err)
	}
	return newEnv(IO{In: strings.NewReader(""), Out: io.Discard, Err: io.Discard}, home, st, "bench")
}

func BenchmarkImport100k(b *testing.B) {
	csv := writeInventory(b, b.TempDir(), 100_000)
	for i := 0; i < b.N; i++ {
		home := filepath.Join(b.TempDir(), fmt.Sprint(i))
		e := benchEnv(b, home)
		if err := e.runLine(context.Background(), "device import "+csv); err != nil {
			b.Fatal(err)
		}
	}
}

func benchSelectEnv(b *testing.B) *Env {
	dir := b.TempDir()
	csv := writeInventory(b, dir, 100_000)
	e := benchEnv(b, filepath.Join(dir, "home"))
	if err := e.runLine(context.Background(), "device import "+csv); err != nil {
		b.Fatal(err)
	}
	return e
}

const benchExpr = `select vendor == "arista" && site == "usa" || "core" in tags && role == "spine"`

// BenchmarkSelect100kWarm is select in a running session: the inventory is
// decoded once and kept while the store does not change.
func BenchmarkSelect100kWarm(b *testing.B) {
	e := benchSelectEnv(b)
	var errs bytes.Buffer
	e.Err = &errs
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if err := e.runLine(context.Background(), benchExpr); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(len(e.selection)), "selected")
}

// BenchmarkSelect100kCold is the first select of a session: it reads and
// decodes the whole inventory from the store.
func BenchmarkSelect100kCold(b *testing.B) {
	e := benchSelectEnv(b)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		e.devices = deviceCache{}
		if err := e.runLine(context.Background(), benchExpr); err != nil {
			b.Fatal(err)
		}
	}
}
