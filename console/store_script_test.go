package console

import (
	"context"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/rogpeppe/go-internal/testscript"
	bolt "go.etcd.io/bbolt"

	"vc/history"
	"vc/store"
)

// storeScriptCommands let scripts race vc processes against each other on
// one store:
//
//	holdstore FILE      hold a read transaction on a store file, as a long device list would
//	holdstore release   let it go
//	waitglob PATTERN    wait (up to 10 s) for a file matching PATTERN
//	devicecount N PREFIX FILE...  the devices named PREFIX... in the store files that exist add up to N
//	sleep DURATION      let background processes get going
//	waitrun STATUS N    wait (up to 20 s) until the newest run in $VC_HOME has STATUS and N devices done
func storeScriptCommands() map[string]func(ts *testscript.TestScript, neg bool, args []string) {
	var mu sync.Mutex
	held := map[*testscript.TestScript]*bolt.DB{}
	release := func(ts *testscript.TestScript) {
		mu.Lock()
		db := held[ts]
		delete(held, ts)
		mu.Unlock()
		if db != nil {
			db.Close()
		}
	}
	return map[string]func(ts *testscript.TestScript, neg bool, args []string){
		"holdstore": func(ts *testscript.TestScript, neg bool, args []string) {
			if len(args) != 1 {
				ts.Fatalf("usage: holdstore FILE | holdstore release")
			}
			if args[0] == "release" {
				release(ts)
				return
			}
			// A read-only open takes the shared lock and keeps it until
			// closed: writers wait behind it.
			db, err := bolt.Open(ts.MkAbs(args[0]), 0o600, &bolt.Options{ReadOnly: true, Timeout: 5 * time.Second})
			ts.Check(err)
			mu.Lock()
			held[ts] = db
			mu.Unlock()
			ts.Defer(func() { release(ts) })
		},
		"waitglob": func(ts *testscript.TestScript, neg bool, args []string) {
			if len(args) != 1 {
				ts.Fatalf("usage: waitglob PATTERN")
			}
			deadline := time.Now().Add(10 * time.Second)
			for {
				if m, _ := filepath.Glob(ts.MkAbs(args[0])); len(m) > 0 {
					return
				}
				if time.Now().After(deadline) {
					ts.Fatalf("nothing matches %s", args[0])
				}
				time.Sleep(10 * time.Millisecond)
			}
		},
		"devicecount": func(ts *testscript.TestScript, neg bool, args []string) {
			if len(args) < 3 {
				ts.Fatalf("usage: devicecount N PREFIX FILE...")
			}
			want, err := strconv.Atoi(args[0])
			ts.Check(err)
			got := 0
			for _, f := range args[2:] {
				if _, err := os.Stat(ts.MkAbs(f)); err != nil {
					continue
				}
				db, err := bolt.Open(ts.MkAbs(f), 0o600, &bolt.Options{ReadOnly: true, Timeout: 5 * time.Second})
				ts.Check(err)
				err = db.View(func(tx *bolt.Tx) error {
					b := tx.Bucket([]byte(store.KindDevice))
					if b == nil {
						return nil
					}
					c := b.Cursor()
					for k, _ := c.Seek([]byte(args[1])); k != nil && strings.HasPrefix(string(k), args[1]); k, _ = c.Next() {
						got++
					}
					return nil
				})
				db.Close()
				ts.Check(err)
			}
			if (got == want) == neg {
				ts.Fatalf("%d devices named %s* in %v, want %d", got, args[1], args[2:], want)
			}
		},
		"waitrun": func(ts *testscript.TestScript, neg bool, args []string) {
			if len(args) != 2 {
				ts.Fatalf("usage: waitrun STATUS MINDONE")
			}
			min, err := strconv.Atoi(args[1])
			ts.Check(err)
			st, err := store.Open(ts.MkAbs(".vc"), store.Options{})
			ts.Check(err)
			deadline := time.Now().Add(20 * time.Second)
			for {
				runs, err := history.List(context.Background(), st, history.Filter{Limit: 1})
				ts.Check(err)
				if len(runs) == 1 && string(runs[0].Status) == args[0] && runs[0].OK+runs[0].Failed >= min {
					return
				}
				if time.Now().After(deadline) {
					ts.Fatalf("the newest run is not %s with %d devices done: %+v", args[0], min, runs)
				}
				time.Sleep(50 * time.Millisecond)
			}
		},
		"sleep": func(ts *testscript.TestScript, neg bool, args []string) {
			if len(args) != 1 {
				ts.Fatalf("usage: sleep DURATION")
			}
			d, err := time.ParseDuration(args[0])
			ts.Check(err)
			time.Sleep(d)
		},
	}
}
