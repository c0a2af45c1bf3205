package console

import (
	"context"
	"encoding/binary"
	"encoding/json"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/rogpeppe/go-internal/testscript"

	"vc/daemon"
	"vc/history"
	"vc/store"
)

// daemonScriptCommands let scripts follow a background vc daemon:
//
//	waitruns ORIGIN STATUS N|+N [JOB]  wait (up to 30 s) until N runs of ORIGIN with STATUS (or "any") have ended, of JOB if given; +N: N more than have ended now
//	waitdaemon                wait (up to 20 s) until a daemon beats for the store in $VC_HOME
//	sigdaemon TERM|HUP|INT    send the signal to the daemon whose pid daemon.lock holds
//	ageschedule ID DURATION   make schedule ID as if created DURATION ago and never fired (time passing with no daemon)
func daemonScriptCommands() map[string]func(ts *testscript.TestScript, neg bool, args []string) {
	open := func(ts *testscript.TestScript) *store.Store {
		st, err := store.Open(ts.Getenv("VC_HOME"), store.Options{})
		ts.Check(err)
		return st
	}
	return map[string]func(ts *testscript.TestScript, neg bool, args []string){
		"waitruns": func(ts *testscript.TestScript, neg bool, args []string) {
			if len(args) != 3 && len(args) != 4 {
				ts.Fatalf("usage: waitruns ORIGIN STATUS|any N|+N [JOB]")
			}
			st := open(ts)
			ended := func() int {
				runs, err := history.List(context.Background(), st, history.Filter{})
				ts.Check(err)
				n := 0
				for _, r := range runs {
					if r.Spec.Origin == args[0] && !r.End.IsZero() && (args[1] == "any" || string(r.Status) == args[1]) &&
						(len(args) == 3 || r.Spec.Job == args[3]) {
						n++
					}
				}
				return n
			}
			// +N counts from now: a run that has to see a change made
			// just before (a slow process may have let runs pass since
			// the script last looked).
			want, err := strconv.Atoi(strings.TrimPrefix(args[2], "+"))
			ts.Check(err)
			if strings.HasPrefix(args[2], "+") {
				want += ended()
			}
			deadline := time.Now().Add(30 * time.Second)
			for {
				n := ended()
				if n >= want {
					return
				}
				if time.Now().After(deadline) {
					ts.Fatalf("%d runs of origin %s with status %s ended, want %d", n, args[0], args[1], want)
				}
				time.Sleep(100 * time.Millisecond)
			}
		},
		"waitdaemon": func(ts *testscript.TestScript, neg bool, args []string) {
			st := open(ts)
			deadline := time.Now().Add(20 * time.Second)
			for {
				var s *daemon.Status
				ts.Check(st.View(context.Background(), func(t *store.Tx) error {
					var err error
					s, err = daemon.ReadStatus(t)
					return err
				}))
				if s.Alive(time.Now()) {
					return
				}
				if time.Now().After(deadline) {
					ts.Fatalf("no daemon beats for the store: %+v", s)
				}
				time.Sleep(50 * time.Millisecond)
			}
		},
		"ageschedule": func(ts *testscript.TestScript, neg bool, args []string) {
			if len(args) != 2 {
				ts.Fatalf("usage: ageschedule ID DURATION")
			}
			id, err := strconv.ParseUint(args[0], 10, 64)
			ts.Check(err)
			d, err := time.ParseDuration(args[1])
			ts.Check(err)
			st := open(ts)
			ts.Check(st.Update(context.Background(), func(t *store.Tx) error {
				k := binary.BigEndian.AppendUint64(nil, id)
				var s daemon.Schedule
				if err := json.Unmarshal(t.Bucket(store.BucketSchedules).Get(k), &s); err != nil {
					return err
				}
				s.Created, s.Fired, s.Resumed, s.Run, s.Status = time.Now().Add(-d), time.Time{}, time.Time{}, 0, ""
				raw, err := json.Marshal(&s)
				if err != nil {
					return err
				}
				return t.Bucket(store.BucketSchedules).Put(k, raw)
			}))
		},
		"sigdaemon": func(ts *testscript.TestScript, neg bool, args []string) {
			sigs := map[string]syscall.Signal{"TERM": syscall.SIGTERM, "HUP": syscall.SIGHUP, "INT": syscall.SIGINT}
			if len(args) != 1 || sigs[args[0]] == 0 {
				ts.Fatalf("usage: sigdaemon TERM|HUP|INT")
			}
			b, err := os.ReadFile(filepath.Join(ts.Getenv("VC_HOME"), daemon.LockFile))
			ts.Check(err)
			pid, err := strconv.Atoi(strings.TrimSpace(string(b)))
			ts.Check(err)
			ts.Check(syscall.Kill(pid, sigs[args[0]]))
		},
	}
}
