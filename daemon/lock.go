package daemon

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
)

// ErrRunning is a second daemon for a store that has one.
var ErrRunning = errors.New("a daemon already runs for this store")

// LockFile is the file, in the vc home, that the running daemon holds.
const LockFile = "daemon.lock"

// Lock makes this process the store's one daemon: it holds an exclusive
// lock on home/daemon.lock, with its pid inside, until release. The lock
// dies with the process, so a daemon killed with SIGKILL does not keep
// the next one out. A REPL or vc -c never takes it.
func Lock(home string) (release func(), err error) {
	path := filepath.Join(home, LockFile)
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return nil, fmt.Errorf("daemon lock: %w", err)
	}
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB); err != nil {
		f.Close()
		if !errors.Is(err, syscall.EWOULDBLOCK) {
			// Not another daemon: a file system without locks (ENOLCK).
			return nil, fmt.Errorf("daemon lock: %s: %w", path, err)
		}
		b, _ := os.ReadFile(path)
		if pid, perr := strconv.Atoi(strings.TrimSpace(string(b))); perr == nil {
			return nil, fmt.Errorf("%w: pid %d holds %s", ErrRunning, pid, path)
		}
		return nil, fmt.Errorf("%w: %s is held", ErrRunning, path)
	}
	if err := f.Truncate(0); err == nil {
		_, _ = f.WriteAt([]byte(strconv.Itoa(os.Getpid())+"\n"), 0)
	}
	return func() {
		_ = f.Truncate(0)
		_ = syscall.Flock(int(f.Fd()), syscall.LOCK_UN)
		f.Close()
	}, nil
}
