package history

import (
	"bytes"
	"errors"
	"os"
	"strconv"
	"strings"
	"syscall"
)

// Owner is the process a run belongs to while it runs. A pid alone is not
// enough to tell it is still alive: pids are reused, and after a reboot
// every pid is someone else's. The process's start time (in clock ticks
// since boot) and the boot's id tell one process from another.
type Owner struct {
	PID   int    `json:"pid"`
	Start uint64 `json:"start,omitempty"`
	Boot  string `json:"boot,omitempty"`
	Host  string `json:"host,omitempty"`
}

// Self is this process as an owner.
func Self() Owner {
	o := Owner{PID: os.Getpid(), Boot: bootID()}
	o.Start, _ = startTime(o.PID)
	o.Host, _ = os.Hostname()
	return o
}

// Alive reports whether the owner's process still runs. An owner on
// another host cannot be seen, so it counts as alive: the store may be on
// a shared disk.
func (o Owner) Alive() bool {
	if h, _ := os.Hostname(); o.Host != "" && h != "" && o.Host != h {
		return true
	}
	if o.PID <= 0 {
		return false
	}
	if o.Boot != "" {
		if b := bootID(); b != "" && b != o.Boot {
			return false
		}
	}
	if o.Start != 0 {
		st, err := startTime(o.PID)
		if err == nil {
			return st == o.Start
		}
		if errors.Is(err, os.ErrNotExist) {
			return false
		}
	}
	// Without /proc: does a process of that pid exist at all?
	err := syscall.Kill(o.PID, 0)
	return err == nil || errors.Is(err, syscall.EPERM)
}

// bootID is the kernel's id for this boot, or "" where there is none.
func bootID() string {
	b, err := os.ReadFile("/proc/sys/kernel/random/boot_id")
	if err != nil {
		return ""
	}
	return strings.TrimSpace(string(b))
}

// startTime is a process's start time in clock ticks since boot, field 22
// of /proc/PID/stat. The command name (field 2) is in parentheses and may
// hold blanks, so fields are counted from its closing parenthesis.
func startTime(pid int) (uint64, error) {
	b, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
	if err != nil {
		return 0, err
	}
	i := bytes.LastIndexByte(b, ')')
	if i < 0 {
		return 0, errors.New("unreadable /proc stat")
	}
	f := strings.Fields(string(b[i+1:]))
	// After the name come the state (field 3) ... start time (field 22).
	const at = 22 - 3
	if len(f) <= at {
		return 0, errors.New("short /proc stat")
	}
	return strconv.ParseUint(f[at], 10, 64)
}
