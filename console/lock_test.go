package console

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"
)

// vcCommand runs this test binary as vc, with home as VC_HOME.
func vcCommand(t *testing.T, ctx context.Context, home string, args ...string) *exec.Cmd {
	t.Helper()
	cmd := exec.CommandContext(ctx, os.Args[0], args...)
	cmd.Env = append(os.Environ(), "VC_TEST_AS_VC=1", "VC_HOME="+home, "NO_COLOR=1")
	return cmd
}

// TestStoreNotHeldBetweenCommands shows that a session left open in one
// process does not block another, and that a process really holding the
// file makes the other fail after a bounded wait with a clear message.
func TestStoreNotHeldBetweenCommands(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	home := t.TempDir()

	// A long-lived session: commands on stdin, which stays open.
	repl := vcCommand(t, ctx, home)
	stdin, err := repl.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	var replOut, replErr lockedBuffer
	repl.Stdout, repl.Stderr = &replOut, &replErr
	if err := repl.Start(); err != nil {
		t.Fatal(err)
	}
	fmt.Fprintln(stdin, "device add a ip=10.0.0.1")
	fmt.Fprintln(stdin, "select *")
	waitFor(t, func() bool { return strings.Contains(replErr.String(), "1 device selected") })

	// Another process writes and reads while that session is open.
	start := time.Now()
	out, err := vcCommand(t, ctx, home, "-c", "device add b ip=10.0.0.2; device list |> cols name").CombinedOutput()
	if err != nil {
		t.Fatalf("second process failed while the first was idle: %v\n%s", err, out)
	}
	if !strings.Contains(string(out), "a\nb\n") {
		t.Fatalf("second process did not see both devices:\n%s", out)
	}
	if d := time.Since(start); d > 3*time.Second {
		t.Errorf("second process took %v; it waited for a lock nobody should hold", d)
	}

	// The session sees the other process's device.
	fmt.Fprintln(stdin, "select *")
	waitFor(t, func() bool { return strings.Contains(replErr.String(), "2 devices selected") })
	if err := stdin.Close(); err != nil {
		t.Fatal(err)
	}
	if err := repl.Wait(); err != nil {
		t.Fatalf("session: %v\n%s", err, replErr.String())
	}

	// Now hold the file for real, as a writer in the middle of a transaction
	// would, and check the bounded wait.
	db, err := bolt.Open(filepath.Join(home, "vc.db"), 0o600, &bolt.Options{Timeout: time.Second})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	busy := vcCommand(t, ctx, home, "device", "list")
	busy.Env = append(busy.Env, "VC_LOCK_TIMEOUT=300ms")
	start = time.Now()
	out, err = busy.CombinedOutput()
	var ee *exec.ExitError
	if !errors.As(err, &ee) || ee.ExitCode() != ExitBusy {
		t.Fatalf("want exit status %d while the store is held, got %v\n%s", ExitBusy, err, out)
	}
	if !strings.Contains(string(out), "store is busy: another vc process held") || !strings.Contains(string(out), "VC_LOCK_TIMEOUT") {
		t.Errorf("unclear busy message:\n%s", out)
	}
	if d := time.Since(start); d > 5*time.Second {
		t.Errorf("busy store took %v to report; the wait should be bounded by 300ms", d)
	}
	db.Close()
	if out, err := vcCommand(t, ctx, home, "device", "list").CombinedOutput(); err != nil {
		t.Fatalf("after release: %v\n%s", err, out)
	}
}

func waitFor(t *testing.T, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatal("timed out waiting for the session")
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// lockedBuffer collects a child's output while the test polls it.
type lockedBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *lockedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *lockedBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}
