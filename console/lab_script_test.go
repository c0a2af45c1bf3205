package console

import (
	"context"
	"flag"
	"os"
	"strings"
	"sync"
	"time"

	"github.com/rogpeppe/go-internal/testscript"

	"vc/lab"
)

// labScriptCommands let scripts serve a lab in the test process:
//
//	lab start [--devices N] [--platforms LIST] [--faults LIST] [--legacy LIST] [--latency D] [--enable-secret S] FILE
//	lab touch DEVICE [hostkey]
//
// lab start writes the inventory to FILE; the lab stops with the script.
func labScriptCommands() map[string]func(ts *testscript.TestScript, neg bool, args []string) {
	var mu sync.Mutex
	labs := map[*testscript.TestScript]*lab.Lab{}
	return map[string]func(ts *testscript.TestScript, neg bool, args []string){
		"lab": func(ts *testscript.TestScript, neg bool, args []string) {
			if neg || len(args) == 0 {
				ts.Fatalf("usage: lab start [flags] FILE | lab touch DEVICE [hostkey]")
			}
			switch args[0] {
			case "start":
				l := startScriptLab(ts, args[1:])
				mu.Lock()
				labs[ts] = l
				mu.Unlock()
				ts.Defer(func() {
					l.Close()
					mu.Lock()
					delete(labs, ts)
					mu.Unlock()
				})
			case "touch":
				mu.Lock()
				l := labs[ts]
				mu.Unlock()
				if l == nil || len(args) < 2 {
					ts.Fatalf("lab touch DEVICE [hostkey]: needs a started lab")
				}
				ts.Check(l.Touch(args[1], lab.TouchOptions{HostKey: len(args) > 2 && args[2] == "hostkey"}))
			default:
				ts.Fatalf("lab: unknown subcommand %q", args[0])
			}
		},
	}
}

func startScriptLab(ts *testscript.TestScript, args []string) *lab.Lab {
	fs := flag.NewFlagSet("lab start", flag.ContinueOnError)
	devices := fs.Int("devices", 6, "")
	platforms := fs.String("platforms", strings.Join(lab.DefaultPlatforms, ","), "")
	faults := fs.String("faults", "", "")
	legacy := fs.String("legacy", "", "")
	latency := fs.Duration("latency", 0, "")
	enable := fs.String("enable-secret", "", "")
	if err := fs.Parse(args); err != nil || fs.NArg() != 1 {
		ts.Fatalf("usage: lab start [--devices N] [--platforms LIST] [--faults LIST] [--legacy LIST] [--latency D] FILE")
	}
	o := lab.Options{Devices: *devices, Listen: "127.0.0.1", Port: 0, Platforms: splitList(*platforms),
		User: "admin", Password: "admin", EnableSecret: *enable, Seed: 1, Latency: *latency,
		SlowBy: 500 * time.Millisecond, IdleTimeout: time.Minute}
	if *legacy != "" {
		o.Legacy = splitList(*legacy)
	}
	if *faults != "" {
		f, err := lab.ParseFaults(*faults)
		ts.Check(err)
		o.Faults = f
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	l, err := lab.Start(ctx, o)
	ts.Check(err)
	f, err := os.Create(ts.MkAbs(fs.Arg(0)))
	ts.Check(err)
	ts.Check(l.WriteInventory(f))
	ts.Check(f.Close())
	return l
}
