package console

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
)

// lineHistory writes the lines typed at the console to $VC_HOME/history,
// keeping out every line that holds, or may hold, a secret. Lines typed
// while the vault is locked cannot be checked against its secrets yet:
// they wait in memory until it is unlocked, and are left out if it never
// is.
type lineHistory struct {
	pending []string
	// entries are the lines the console recalls (arrows, Ctrl-R): the
	// file's, then this session's.
	entries []string
}

// load reads the newest n lines of the history file for recall.
func (h *lineHistory) load(e *Env, n int) {
	b, err := os.ReadFile(filepath.Join(e.Home, "history"))
	if err != nil {
		return
	}
	lines := strings.Split(strings.TrimRight(string(b), "\n"), "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	for _, l := range lines {
		if strings.TrimSpace(l) != "" {
			h.entries = append(h.entries, l)
		}
	}
}

func (h *lineHistory) add(ctx context.Context, e *Env, line string) {
	if strings.TrimSpace(line) == "" {
		return
	}
	if n := len(h.entries); n == 0 || h.entries[n-1] != line {
		h.entries = append(h.entries, line)
	}
	switch e.historyCheck(ctx, line) {
	case historySave:
		h.write(e, line)
	case historyPending:
		h.pending = append(h.pending, line)
	}
}

// flush writes the waiting lines that can now be checked.
func (h *lineHistory) flush(ctx context.Context, e *Env) {
	if len(h.pending) == 0 || !e.keyring.Unlocked() {
		return
	}
	waiting := h.pending
	h.pending = nil
	for _, l := range waiting {
		h.add(ctx, e, l)
	}
}

// close ends the session's history, saying what was left out unchecked.
func (h *lineHistory) close(ctx context.Context, e *Env) {
	h.flush(ctx, e)
	if n := len(h.pending); n > 0 {
		e.warnf("%d %s typed while the vault was locked kept out of the history file: they could not be checked for secrets", n, plural("line", n))
		h.pending = nil
	}
}

func (h *lineHistory) write(e *Env, line string) {
	f, err := os.OpenFile(filepath.Join(e.Home, "history"), os.O_APPEND|os.O_CREATE|os.O_WRONLY, 0o600)
	if err != nil {
		e.warnf("history: %v", err)
		return
	}
	defer f.Close()
	fmt.Fprintln(f, line)
}
