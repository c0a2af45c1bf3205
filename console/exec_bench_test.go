package console

import (
	"context"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"vc/lab"
)

// BenchmarkExec1000 runs exec show ip arp on a 1,000-device lab served by
// this same process; scripts/bench-fanout.sh measures vc and the lab as
// separate processes.
func BenchmarkExec1000(b *testing.B) {
	ctx := context.Background()
	dir := b.TempDir()
	_, inv := startLabWithInventory(b, ctx, lab.Options{Devices: 1000, Listen: "127.0.0.1", Port: 0, Platforms: []string{"arista_eos", "cisco_ios", "cisco_nxos"},
		User: "admin", Password: "admin", Seed: 1}, dir)
	e := benchEnv(b, filepath.Join(dir, "home"))
	defer e.closeRunner()
	b.Setenv("VC_VAULT_PASSWORD", "bench-vault")
	e.In = strings.NewReader("admin\n")
	setup := "device import " + inv + "; vault init --kdf-time 1 --kdf-memory 1 --kdf-threads 1; " +
		"cred add lab --user admin --password-stdin --default; select *; set keepalive 10m"
	if err := e.runLine(ctx, setup); err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		start := time.Now()
		if err := e.runLine(ctx, "exec show ip arp"); err != nil {
			b.Fatal(err)
		}
		b.ReportMetric(float64(time.Since(start).Milliseconds()), "ms/exec")
	}
}
