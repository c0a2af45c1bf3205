package daemon

import (
	"encoding/json"
	"os"
	"strconv"
	"strings"
	"time"

	"vc/store"
)

// Status is what a running daemon says of itself in the store, every few
// seconds: `vc daemon status` reads it from another process.
type Status struct {
	PID     int       `json:"pid"`
	Host    string    `json:"host,omitempty"`
	Started time.Time `json:"started"`
	// Beat is when it last wrote this; a daemon whose beat is old is gone.
	Beat    time.Time `json:"beat"`
	Stopped time.Time `json:"stopped,omitzero"`
	Running []Active  `json:"running,omitempty"`
	Next    []Due     `json:"next,omitempty"`
	// Counts since it started.
	Fired   int `json:"fired"`
	Late    int `json:"late"`
	Skipped int `json:"skipped"`
	Missed  int `json:"missed"`
	// Goroutines and RSS show a long-lived process staying flat.
	Goroutines int   `json:"goroutines"`
	RSS        int64 `json:"rss"`
}

// Active is a job the daemon runs now.
type Active struct {
	Schedule uint64    `json:"schedule"`
	Job      string    `json:"job"`
	Since    time.Time `json:"since"`
	Fire     time.Time `json:"fire"`
}

// Due is a schedule's next fire time.
type Due struct {
	Schedule uint64    `json:"schedule"`
	Job      string    `json:"job"`
	At       time.Time `json:"at"`
}

var statusKey = []byte("status")

// ReadStatus is the last status a daemon wrote, nil when none ever ran.
func ReadStatus(t *store.Tx) (*Status, error) {
	raw := t.Bucket(store.BucketDaemon).Get(statusKey)
	if raw == nil {
		return nil, nil
	}
	var s Status
	return &s, json.Unmarshal(raw, &s)
}

func writeStatus(t *store.Tx, s *Status) error {
	raw, err := json.Marshal(s)
	if err != nil {
		return err
	}
	return t.Bucket(store.BucketDaemon).Put(statusKey, raw)
}

// Alive reports whether the status is a daemon's that still beats: its
// beat is recent and it has not said it stopped.
func (s *Status) Alive(now time.Time) bool {
	return s != nil && s.Stopped.IsZero() && now.Sub(s.Beat) < 3*beatEvery
}

// rss is this process's resident memory, from /proc.
func rss() int64 {
	b, err := os.ReadFile("/proc/self/statm")
	if err != nil {
		return 0
	}
	f := strings.Fields(string(b))
	if len(f) < 2 {
		return 0
	}
	pages, _ := strconv.ParseInt(f[1], 10, 64)
	return pages * int64(os.Getpagesize())
}
