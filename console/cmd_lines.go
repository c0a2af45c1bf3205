package console

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"vc/records"
)

// lineCommands are about what was typed: the console's line history, and
// recording a session as a script.
func lineCommands() []*Command {
	return []*Command{
		{
			Name: "history lines", Args: "[N]", Group: groupSession, MaxArgs: 1,
			Summary:  "the lines typed at the console, newest last (default the last 20)",
			Help:     "Lines holding a secret (or that may: a password typed at the wrong prompt) are never kept.",
			Examples: []string{"history lines", "history lines 100 |> where line matches \"^exec\""},
			Run: func(ctx context.Context, e *Env, c *Call) (*records.Set, error) {
				n := 20
				if len(c.Args) == 1 {
					var err error
					if n, err = parseCount(c.Args[0]); err != nil {
						return nil, usagef("history lines: %v", err)
					}
				}
				return e.typedLines(n, ""), nil
			},
		},
		{
			Name: "history search", Args: "TEXT", Group: groupSession, MinArgs: 1, MaxArgs: -1,
			Summary:  "the typed lines that contain TEXT (Ctrl-R searches them as you type)",
			Examples: []string{"history search running-config"},
			Run: func(ctx context.Context, e *Env, c *Call) (*records.Set, error) {
				return e.typedLines(0, strings.Join(c.Args, " ")), nil
			},
		},
		{
			Name: "record", Args: "FILE", Group: groupSession, MinArgs: 1, MaxArgs: 1,
			Summary: "write the commands typed from now on to FILE, as a script vc -f can replay",
			Help: "Each command that runs is appended as typed; record stop ends it. Lines that may hold a\n" +
				"secret are left out, as from the history. The file is written with mode 0600.",
			Examples: []string{"record backup-check.vc", "record stop"},
			Run: func(ctx context.Context, e *Env, c *Call) (*records.Set, error) {
				if c.Args[0] == "stop" {
					if e.recording == nil {
						return nil, errors.New("nothing is being recorded")
					}
					name := e.recording.Name()
					err := e.recording.Close()
					e.recording = nil
					e.saidf("recorded to %s; replay it with vc -f %s", name, name)
					return nil, err
				}
				if e.recording != nil {
					return nil, fmt.Errorf("already recording to %s (record stop ends it)", e.recording.Name())
				}
				f, err := os.OpenFile(c.Args[0], os.O_CREATE|os.O_APPEND|os.O_WRONLY, 0o600)
				if err != nil {
					return nil, err
				}
				fmt.Fprintf(f, "# recorded by vc %s\n", e.version)
				e.recording = f
				e.saidf("recording to %s; record stop ends it", c.Args[0])
				return nil, nil
			},
		},
	}
}

// typedLines lists the newest n lines typed (all with n == 0) that hold
// text.
func (e *Env) typedLines(n int, text string) *records.Set {
	e.history.load(e, 10000)
	set := &records.Set{Columns: []string{"n", "line"}, Empty: "no lines"}
	lines := e.history.entries
	for i, l := range lines {
		if text == "" || strings.Contains(l, text) {
			set.Rows = append(set.Rows, []any{i + 1, l})
		}
	}
	if n > 0 && len(set.Rows) > n {
		set.Rows = set.Rows[len(set.Rows)-n:]
	}
	return set
}

// recordLine appends a command about to run to the recording, if one is
// on and the line can hold no secret: v is what the history's filter said
// of it. A line that waits for the vault to be checked is recorded when
// it is (lineHistory.flush).
func (e *Env) recordLine(line string, v historyVerdict) {
	if e.recording == nil || strings.TrimSpace(line) == "" || strings.Fields(line)[0] == "record" {
		return
	}
	switch v {
	case historySave:
		fmt.Fprintln(e.recording, line)
	case historyPending:
		if n := len(e.history.pending); n > 0 && e.history.pending[n-1].text == line {
			e.history.pending[n-1].record = true
		}
	}
}

// runRC runs $VC_HOME/vcrc when the console starts, as a shell reads its
// rc file; a failed line is reported, and the console starts anyway.
func (e *Env) runRC(ctx context.Context) {
	path := filepath.Join(e.Home, "vcrc")
	f, err := os.Open(path)
	if err != nil {
		return
	}
	defer f.Close()
	_ = e.runSource(ctx, path, f)
}
