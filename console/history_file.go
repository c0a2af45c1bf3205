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
// is. What the console recalls and lists (history lines, Ctrl-R) is what
// the file keeps, never more.
type lineHistory struct {
	pending []pendingLine
	// entries are the lines the console recalls: the file's, then this
	// session's saved ones.
	entries []string
	// loaded says the file was read into entries.
	loaded bool
}

// pendingLine is a line waiting for the vault; record says it ran while
// a recording was on, and goes to the recording once it is found clean.
type pendingLine struct {
	text   string
	record bool
}

// load reads the newest n lines of the history file for recall, once.
func (h *lineHistory) load(e *Env, n int) {
	if h.loaded {
		return
	}
	h.loaded = true
	b, err := os.ReadFile(filepath.Join(e.Home, "history"))
	if err != nil {
		return
	}
	lines := strings.Split(strings.TrimRight(string(b), "\n"), "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	// The file holds this session's saved lines too: it replaces them.
	h.entries = h.entries[:0]
	for _, l := range lines {
		if strings.TrimSpace(l) != "" {
			h.entries = append(h.entries, l)
		}
	}
}

// add files a typed line and returns what the filter said of it.
func (h *lineHistory) add(ctx context.Context, e *Env, line string) historyVerdict {
	if strings.TrimSpace(line) == "" {
		return historyDrop
	}
	v := e.historyCheck(ctx, line)
	switch v {
	case historySave:
		h.keep(e, line)
	case historyPending:
		h.pending = append(h.pending, pendingLine{text: line})
	}
	return v
}

// keep saves a line found clean: to the file and for recall.
func (h *lineHistory) keep(e *Env, line string) {
	if n := len(h.entries); n == 0 || h.entries[n-1] != line {
		h.entries = append(h.entries, line)
	}
	h.write(e, line)
}

// flush saves the waiting lines that can now be checked, and records
// those that ran while a recording was on.
func (h *lineHistory) flush(ctx context.Context, e *Env) {
	if len(h.pending) == 0 || !e.keyring.Unlocked() {
		return
	}
	waiting := h.pending
	h.pending = nil
	for _, p := range waiting {
		switch e.historyCheck(ctx, p.text) {
		case historySave:
			h.keep(e, p.text)
			if p.record && e.recording != nil {
				fmt.Fprintln(e.recording, p.text)
			}
		case historyPending:
			h.pending = append(h.pending, p)
		}
	}
}

// close ends the session's history, saying what was left out unchecked.
func (h *lineHistory) close(ctx context.Context, e *Env) {
	h.flush(ctx, e)
	if n := len(h.pending); n > 0 {
		e.warnf("%d %s typed while the vault was locked kept out of the history file (and any recording): they could not be checked for secrets", n, plural("line", n))
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
