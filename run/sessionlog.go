package run

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
)

// sessionLogs are the transcripts of a run's devices, one file each in a
// folder: DEVICE.log, appended to, so that several runs tell one story.
type sessionLogs struct {
	dir   string
	files map[string]*os.File
}

// openSessionLogs opens a transcript for every target, in dir (made 0700
// if need be; files 0600: a transcript shows configurations).
func openSessionLogs(dir string, p *plan) (*sessionLogs, error) {
	if dir == "" {
		return nil, nil
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, fmt.Errorf("session log: %w", err)
	}
	sl := &sessionLogs{dir: dir, files: map[string]*os.File{}}
	for i := range p.engine.Targets {
		t := &p.engine.Targets[i]
		if strings.ContainsAny(t.Name, `/\`) || t.Name == "." || t.Name == ".." {
			sl.close()
			return nil, fmt.Errorf("session log: device name %q cannot name a file", t.Name)
		}
		f, err := os.OpenFile(filepath.Join(dir, t.Name+".log"), os.O_CREATE|os.O_APPEND|os.O_WRONLY, 0o600)
		if err != nil {
			sl.close()
			return nil, fmt.Errorf("session log: %w", err)
		}
		sl.files[t.Name] = f
		t.SessionLog = f
	}
	return sl, nil
}

// done closes one device's transcript: the engine is finished with it once
// the device's run has ended.
func (sl *sessionLogs) done(name string) error {
	if sl == nil {
		return nil
	}
	f := sl.files[name]
	if f == nil {
		return nil
	}
	delete(sl.files, name)
	return f.Close()
}

// close closes what is still open.
func (sl *sessionLogs) close() error {
	if sl == nil {
		return nil
	}
	var errs []error
	for name, f := range sl.files {
		errs = append(errs, f.Close())
		delete(sl.files, name)
	}
	return errors.Join(errs...)
}
