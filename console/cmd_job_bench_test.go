package console

import (
	"context"
	"fmt"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"vc/lab"
)

// benchJobs are 20 jobs over a lab of three platforms at three sites:
// each site and platform, each role, each platform, each site, and all.
func benchJobs() []string {
	var jobs []string
	add := func(slug, sel string) {
		jobs = append(jobs, fmt.Sprintf("job create %s --command 'show version' --select '%s'", slug, sel))
	}
	sites := []string{"usa", "emea", "apac"}
	platforms := []string{"arista_eos", "cisco_ios", "cisco_nxos"}
	for _, s := range sites {
		for _, p := range platforms {
			add(s+"-"+strings.ReplaceAll(p, "_", "-"), fmt.Sprintf(`site == "%s" && platform == "%s"`, s, p))
		}
	}
	for _, r := range []string{"leaf", "spine", "core", "edge"} {
		add("role-"+r, fmt.Sprintf(`role == "%s"`, r))
	}
	for _, p := range platforms {
		add("all-"+strings.ReplaceAll(p, "_", "-"), fmt.Sprintf(`platform == "%s"`, p))
	}
	for _, s := range sites {
		add("all-"+s, fmt.Sprintf(`site == "%s"`, s))
	}
	add("everything", "true")
	return jobs
}

// benchSiteLimit is each site's max-sessions in BenchmarkJobs.
const benchSiteLimit = 100

// BenchmarkJobs runs 20 jobs over a 1,000-device lab served by this same
// process, four at a time, every site limited to benchSiteLimit sessions,
// and reports the batch's wall time and the most sessions the lab saw at
// work at once per site. scripts/bench-jobs.sh measures vc and the lab
// as separate processes.
func BenchmarkJobs(b *testing.B) {
	ctx := context.Background()
	dir := b.TempDir()
	l, inv := startLabWithInventory(b, ctx, lab.Options{Devices: 1000, Listen: "127.0.0.1", Port: 0, Platforms: []string{"arista_eos", "cisco_ios", "cisco_nxos"},
		User: "admin", Password: "admin", Seed: 1}, dir)
	e := benchEnv(b, filepath.Join(dir, "home"))
	defer e.closeRunner()
	b.Setenv("VC_VAULT_PASSWORD", "bench-vault")
	e.In = strings.NewReader("admin\n")
	setup := []string{"device import " + inv, "vault init --kdf-time 1 --kdf-memory 1 --kdf-threads 1",
		"cred add lab --user admin --password-stdin --default", "set keepalive 10m"}
	for _, s := range []string{"usa", "emea", "apac"} {
		setup = append(setup, fmt.Sprintf("site edit %s max-sessions=%d", s, benchSiteLimit))
	}
	for _, line := range append(setup, benchJobs()...) {
		if err := e.runLine(ctx, line); err != nil {
			b.Fatalf("%s: %v", line, err)
		}
	}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		l.ResetPeaks()
		start := time.Now()
		if err := e.runLine(ctx, "run --all-enabled --parallel 4"); err != nil {
			b.Fatal(err)
		}
		wall := time.Since(start)
		p := l.Peaks()
		b.ReportMetric(float64(wall.Milliseconds()), "ms/batch")
		b.ReportMetric(float64(max(p.Sites["usa"], p.Sites["emea"], p.Sites["apac"])), "peak-sessions/site")
		b.Logf("20 jobs, 1,000 devices, --parallel 4: %s wall; %s; site limit %d", wall.Round(time.Millisecond), p, benchSiteLimit)
		for site, n := range p.Sites {
			if n > benchSiteLimit {
				b.Errorf("site %s: %d sessions at work at once, over its limit of %d", site, n, benchSiteLimit)
			}
		}
	}
}
