package lab

import (
	"bufio"
	"flag"
	"fmt"
	"os"
	"runtime"
	"strconv"
	"strings"
	"testing"
	"time"
)

var (
	scaleFlag     = flag.String("lab.scale", "", "comma-separated fleet sizes for TestScale to start and measure, e.g. 1000,10000")
	scalePortFlag = flag.Int("lab.port", 0, "first port for TestScale; 0 lets the kernel pick each")
)

// rssKB is the resident set size of this process.
func rssKB() int {
	f, err := os.Open("/proc/self/status")
	if err != nil {
		return -1
	}
	defer f.Close()
	s := bufio.NewScanner(f)
	for s.Scan() {
		if v, ok := strings.CutPrefix(s.Text(), "VmRSS:"); ok {
			n, _ := strconv.Atoi(strings.TrimSuffix(strings.TrimSpace(v), " kB"))
			return n
		}
	}
	return -1
}

// TestScale starts fleets of the sizes given with -lab.scale and reports
// how long the start took and what the process holds in memory, idle and
// after sessions to a sample of devices:
//
//	go test ./lab -run TestScale -lab.scale=1000,10000 -v
func TestScale(t *testing.T) {
	if *scaleFlag == "" {
		t.Skip("measures start time and memory; run with -lab.scale=1000,10000")
	}
	for _, f := range strings.Split(*scaleFlag, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(f))
		if err != nil {
			t.Fatalf("-lab.scale: %v", err)
		}
		t.Run(strconv.Itoa(n), func(t *testing.T) { measure(t, n) })
	}
}

func measure(t *testing.T, n int) {
	runtime.GC()
	base := rssKB()
	o := testOptions(n)
	o.Port = *scalePortFlag
	start := time.Now()
	l, err := Start(t.Context(), o)
	if err != nil {
		t.Fatalf("Start %d devices: %v", n, err)
	}
	took := time.Since(start)
	goroutines := runtime.NumGoroutine()
	runtime.GC()
	idle := rssKB()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)

	// Every platform, spread over the fleet, answers a data command.
	devs := l.Devices()
	sample := 0
	for i := 0; i < len(devs); i += max(1, len(devs)/30) {
		d := devs[i]
		cmd := longCommand[d.Platform]
		out, _ := execOut(t, d, cmd)
		if len(out) < 1000 {
			t.Errorf("%s %q: %d bytes", d.Name, cmd, len(out))
		}
		sample++
	}
	runtime.GC()
	used := rssKB()
	closeStart := time.Now()
	l.Close()
	closed := time.Since(closeStart)
	line := fmt.Sprintf("%6d devices: start %v, RSS %.1f MiB idle (+%.1f MiB over the %.1f MiB test binary; Go heap %.1f MiB, %d goroutines), %.1f MiB after %d sessions, close %v",
		n, took.Round(time.Millisecond), float64(idle)/1024, float64(idle-base)/1024, float64(base)/1024,
		float64(ms.HeapInuse)/(1<<20), goroutines, float64(used)/1024, sample, closed.Round(time.Millisecond))
	t.Log(line)
	fmt.Println(line)
}

// BenchmarkStart1000 measures starting and closing a fleet of 1,000
// devices, and the Go memory (heap and goroutine stacks) it holds idle.
// RSS is left to TestScale: within one process it does not shrink back
// between iterations.
func BenchmarkStart1000(b *testing.B) {
	inUse := func() float64 {
		runtime.GC()
		var ms runtime.MemStats
		runtime.ReadMemStats(&ms)
		return float64(ms.HeapInuse + ms.StackInuse)
	}
	for b.Loop() {
		base := inUse()
		l, err := Start(b.Context(), testOptions(1000))
		if err != nil {
			b.Fatal(err)
		}
		b.ReportMetric((inUse()-base)/(1<<20), "MiB-idle")
		l.Close()
	}
}
