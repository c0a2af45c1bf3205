package lab

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"time"
)

// revisions counts the operator changes made to one device: each config
// revision adds a change to its running configuration, each host key
// revision rotates its key; KeyTypes, when set, lists the key types it
// serves ("ed25519,rsa").
type revisions struct {
	Config   int    `json:"config,omitempty"`
	HostKey  int    `json:"hostkey,omitempty"`
	KeyTypes string `json:"keytypes,omitempty"`
}

// apply adds one touch to r.
func (r revisions) apply(o TouchOptions) revisions {
	switch {
	case o.HostKeyTypes != nil || o.HostKey:
		if o.HostKey {
			r.HostKey++
		}
		if o.HostKeyTypes != nil {
			r.KeyTypes = strings.Join(o.HostKeyTypes, ",")
		}
	default:
		r.Config++
	}
	return r
}

// stateFile is the file beside an inventory through which `vc lab touch`,
// run in another process, reaches a running lab.
func stateFile(inventory string) string { return inventory + ".state" }

// touchState is the lab's view of device revisions. With a file it re-reads
// it whenever it was replaced, so touches from other processes show up on
// the next command; without one it keeps revisions in memory.
type touchState struct {
	path string // empty: memory only

	mu   sync.Mutex
	info fs.FileInfo
	revs map[string]revisions
}

func newTouchState(path string) *touchState {
	return &touchState{path: path, revs: map[string]revisions{}}
}

// get returns the revisions of a device; a missing or unreadable file means
// none, so a lab never fails a session over its touch state.
func (s *touchState) get(name string) revisions {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.path != "" {
		s.refresh()
	}
	return s.revs[name]
}

// refresh re-reads the file if it is not the one read last. Touch replaces
// the file by rename, so a new inode means new content and a read never
// sees half a write.
func (s *touchState) refresh() {
	info, err := os.Stat(s.path)
	if err != nil {
		s.info, s.revs = nil, map[string]revisions{}
		return
	}
	if s.info != nil && os.SameFile(info, s.info) && info.ModTime().Equal(s.info.ModTime()) && info.Size() == s.info.Size() {
		return
	}
	revs, err := readState(s.path)
	if err != nil {
		return
	}
	s.info, s.revs = info, revs
}

// bump records one more change to a device.
func (s *touchState) bump(name string, o TouchOptions) error {
	if s.path != "" {
		return bumpStateFile(s.path, name, o)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.revs[name] = s.revs[name].apply(o)
	return nil
}

type stateDoc struct {
	Devices map[string]revisions `json:"devices"`
}

func readState(path string) (map[string]revisions, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("read lab state: %w", err)
	}
	var doc stateDoc
	if err := json.Unmarshal(b, &doc); err != nil {
		return nil, fmt.Errorf("parse lab state %s: %w", path, err)
	}
	if doc.Devices == nil {
		doc.Devices = map[string]revisions{}
	}
	return doc.Devices, nil
}

// bumpStateFile does a read-modify-write of the state file under an
// exclusive lock, replacing it atomically, so concurrent touches all count.
func bumpStateFile(path, name string, o TouchOptions) error {
	lock, err := os.OpenFile(path+".lock", os.O_CREATE|os.O_RDWR, 0o644)
	if err != nil {
		return fmt.Errorf("lock lab state: %w", err)
	}
	defer lock.Close()
	if err := lockWithin(lock, 5*time.Second); err != nil {
		return fmt.Errorf("lock lab state %s.lock: %w", path, err)
	}
	defer syscall.Flock(int(lock.Fd()), syscall.LOCK_UN) //nolint:errcheck // closing the file unlocks too

	revs, err := readState(path)
	if errors.Is(err, fs.ErrNotExist) {
		revs, err = map[string]revisions{}, nil
	}
	if err != nil {
		return err
	}
	revs[name] = revs[name].apply(o)
	b, err := json.MarshalIndent(stateDoc{Devices: revs}, "", "  ")
	if err != nil {
		return fmt.Errorf("encode lab state: %w", err)
	}
	tmp, err := os.CreateTemp(filepath.Dir(path), filepath.Base(path)+".*")
	if err != nil {
		return fmt.Errorf("write lab state: %w", err)
	}
	defer os.Remove(tmp.Name())
	if _, err := tmp.Write(append(b, '\n')); err != nil {
		tmp.Close()
		return fmt.Errorf("write lab state: %w", err)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("write lab state: %w", err)
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		return fmt.Errorf("write lab state: %w", err)
	}
	return nil
}

// lockWithin takes an exclusive lock on f, waiting at most d: another
// touch holds it for a moment, a stuck process must not hold us forever.
func lockWithin(f *os.File, d time.Duration) error {
	deadline := time.Now().Add(d)
	for {
		err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB)
		if err == nil {
			return nil
		}
		if !errors.Is(err, syscall.EWOULDBLOCK) {
			return err
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("held by another process for %s", d)
		}
		time.Sleep(10 * time.Millisecond)
	}
}
