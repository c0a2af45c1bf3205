package console

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"maps"
	"math/rand/v2"
	"net"
	"os"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/rogpeppe/go-internal/testscript"

	"vc/lab"
)

// labScriptCommands let scripts serve a lab in the test process:
//
//	lab start [--devices N] [--platforms LIST] [--faults LIST] [--legacy LIST] [--latency D] [--enable-secret S] [--enable MODE] FILE
//	lab touch DEVICE [hostkey | keytypes TYPE,...]
//	lab peaks            print the most sessions at work at once per site, "SITE N" lines, then "all N"
//	lab peaks reset      count them again from now
//	wellformed FILE      check that FILE is well-formed XML (an XHTML-style page) that fetches nothing
//	oldcapture ...       see coverageScriptCommands
//
// lab start writes the inventory to FILE; the lab stops with the script.
func labScriptCommands() map[string]func(ts *testscript.TestScript, neg bool, args []string) {
	var mu sync.Mutex
	labs := map[*testscript.TestScript]*lab.Lab{}
	cmds := map[string]func(ts *testscript.TestScript, neg bool, args []string){
		// freeport NAME sets $NAME to a free TCP port below the ephemeral
		// range, and the next few ports free as well.
		"freeport": func(ts *testscript.TestScript, neg bool, args []string) {
			if len(args) != 1 {
				ts.Fatalf("usage: freeport NAME")
			}
			ts.Setenv(args[0], strconv.Itoa(freePortRun(ts)))
		},
		// waitfile FILE waits (up to 10 s) for a file to appear.
		"waitfile": func(ts *testscript.TestScript, neg bool, args []string) {
			if len(args) != 1 {
				ts.Fatalf("usage: waitfile FILE")
			}
			deadline := time.Now().Add(10 * time.Second)
			for {
				if _, err := os.Stat(ts.MkAbs(args[0])); err == nil {
					return
				}
				if time.Now().After(deadline) {
					ts.Fatalf("%s did not appear", args[0])
				}
				time.Sleep(20 * time.Millisecond)
			}
		},
		// wellformed lives here with the lab's commands for want of a
		// better home: the coverage report is its one user.
		"wellformed": func(ts *testscript.TestScript, neg bool, args []string) {
			if len(args) != 1 {
				ts.Fatalf("usage: wellformed FILE")
			}
			ts.Check(checkWellFormed(ts.ReadFile(args[0])))
		},
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
			case "peaks":
				mu.Lock()
				l := labs[ts]
				mu.Unlock()
				if l == nil {
					ts.Fatalf("lab peaks: needs a started lab")
				}
				if len(args) > 1 && args[1] == "reset" {
					l.ResetPeaks()
					return
				}
				p := l.Peaks()
				for _, site := range slices.Sorted(maps.Keys(p.Sites)) {
					fmt.Fprintf(ts.Stdout(), "%s %d\n", site, p.Sites[site])
				}
				fmt.Fprintf(ts.Stdout(), "all %d\n", p.All)
			case "touch":
				mu.Lock()
				l := labs[ts]
				mu.Unlock()
				if l == nil || len(args) < 2 {
					ts.Fatalf("lab touch DEVICE [hostkey]: needs a started lab")
				}
				// lab touch DEVICE [hostkey | keytypes TYPE,TYPE]
				o := lab.TouchOptions{HostKey: len(args) > 2 && args[2] == "hostkey"}
				if len(args) > 3 && args[2] == "keytypes" {
					o.HostKeyTypes = strings.Split(args[3], ",")
				}
				ts.Check(l.Touch(args[1], o))
			default:
				ts.Fatalf("lab: unknown subcommand %q", args[0])
			}
		},
	}
	// The coverage scripts' own commands come with the lab's.
	maps.Copy(cmds, coverageScriptCommands())
	return cmds
}

func startScriptLab(ts *testscript.TestScript, args []string) *lab.Lab {
	fs := flag.NewFlagSet("lab start", flag.ContinueOnError)
	devices := fs.Int("devices", 6, "")
	platforms := fs.String("platforms", strings.Join(lab.DefaultPlatforms, ","), "")
	faults := fs.String("faults", "", "")
	legacy := fs.String("legacy", "", "")
	latency := fs.Duration("latency", 0, "")
	enable := fs.String("enable-secret", "", "")
	enableMode := fs.String("enable", "", "")
	if err := fs.Parse(args); err != nil || fs.NArg() != 1 {
		ts.Fatalf("usage: lab start [--devices N] [--platforms LIST] [--faults LIST] [--legacy LIST] [--latency D] FILE")
	}
	o := lab.Options{Devices: *devices, Listen: "127.0.0.1", Port: 0, Platforms: splitList(*platforms),
		User: "admin", Password: "admin", EnableSecret: *enable, Seed: 1, Latency: *latency,
		SlowBy: 500 * time.Millisecond, IdleTimeout: time.Minute, Enable: lab.EnableMode(*enableMode)}
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

// freePortRun finds 8 consecutive free ports below 32768, where client
// sockets in TIME-WAIT cannot block a listener.
func freePortRun(ts *testscript.TestScript) int {
	p, err := freePorts(8)
	if err != nil {
		ts.Fatalf("%v", err)
	}
	return p
}

// freePorts finds n consecutive free ports below the ephemeral range.
func freePorts(n int) (int, error) {
	for try := 0; try < 200; try++ {
		base := 12000 + rand.IntN(18000)
		ok := true
		for p := base; p < base+n && ok; p++ {
			l, err := net.Listen("tcp", "127.0.0.1:"+strconv.Itoa(p))
			if err != nil {
				ok = false
				continue
			}
			l.Close()
		}
		if ok {
			return base, nil
		}
	}
	return 0, errors.New("no free ports")
}
