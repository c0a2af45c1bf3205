package lab

import (
	"fmt"
	"maps"
	"slices"
	"strings"
	"sync"
)

// Peaks are the most sessions a lab's devices were at work in at once,
// per site and over the whole lab: what a client's session limits held
// them to.
//
// A session is at work from the moment a device gets input at its prompt
// (a command line coming, or an exec request) until it has sent the
// output, just before the prompt that tells the client the command is
// done; the lab's latency counts as work. So a
// client that keeps a site to N sessions, and starts the next device's
// command only after the last one's prompt, is never seen above N, however
// late the lab notices a connection was closed. Sessions parked open
// between commands, and logins, are not counted. A hung device (the hang
// fault) stays at work until the lab sees its client leave.
type Peaks struct {
	Sites map[string]int
	All   int
}

// load counts the sessions at work, per site and in all.
type load struct {
	mu    sync.Mutex
	now   map[string]int
	peak  map[string]int
	all   int
	peakN int
}

func newLoad() *load { return &load{now: map[string]int{}, peak: map[string]int{}} }

// begin counts one more session of site at work and returns the call that
// ends it; calling that again does nothing.
func (l *load) begin(site string) func() {
	l.mu.Lock()
	l.now[site]++
	l.all++
	l.peak[site] = max(l.peak[site], l.now[site])
	l.peakN = max(l.peakN, l.all)
	l.mu.Unlock()
	var once sync.Once
	return func() {
		once.Do(func() {
			l.mu.Lock()
			l.all--
			if l.now[site]--; l.now[site] == 0 {
				delete(l.now, site)
			}
			l.mu.Unlock()
		})
	}
}

func (l *load) peaks() Peaks {
	l.mu.Lock()
	defer l.mu.Unlock()
	return Peaks{Sites: maps.Clone(l.peak), All: l.peakN}
}

func (l *load) reset() {
	l.mu.Lock()
	defer l.mu.Unlock()
	clear(l.peak)
	maps.Copy(l.peak, l.now)
	l.peakN = l.all
}

// Peaks says the most sessions the lab's devices were at work in at once
// since it started, or since ResetPeaks.
func (l *Lab) Peaks() Peaks { return l.load.peaks() }

// ResetPeaks starts counting the peaks again from the sessions at work
// now.
func (l *Lab) ResetPeaks() { l.load.reset() }

// String reads as "peak sessions at work: apac 2, emea 2, usa 2 (6 in all)".
func (p Peaks) String() string {
	parts := make([]string, 0, len(p.Sites))
	for _, site := range slices.Sorted(maps.Keys(p.Sites)) {
		parts = append(parts, fmt.Sprintf("%s %d", site, p.Sites[site]))
	}
	if len(parts) == 0 {
		return "peak sessions at work: none"
	}
	return fmt.Sprintf("peak sessions at work: %s (%d in all)", strings.Join(parts, ", "), p.All)
}
