package console

import (
	"strings"
	"syscall"

	prompt "github.com/elk-language/go-prompt"
	pstrings "github.com/elk-language/go-prompt/strings"
	"github.com/elk-language/go-prompt/term"
	"golang.org/x/sys/unix"
)

// ttyReader is go-prompt's input: the terminal in raw mode. Unlike
// go-prompt's own reader it waits for input with poll, so an idle prompt
// costs no CPU, and it reads F1 as a request for help.
type ttyReader struct {
	fd int
	// pending holds keys read but not handed over yet: go-prompt takes
	// one key per read, so a burst of typing (or a paste) is handed over
	// key by key, and each line end runs its line.
	pending []byte
}

func newTTYReader() *ttyReader { return &ttyReader{fd: -1} }

// Open puts the terminal in raw mode for the line editor.
func (r *ttyReader) Open() error {
	fd, err := syscall.Open("/dev/tty", syscall.O_RDONLY, 0)
	if err != nil {
		fd = syscall.Stdin
	}
	r.fd = fd
	if err := syscall.SetNonblock(fd, true); err != nil {
		return err
	}
	return term.SetRaw(fd)
}

// Close gives the terminal its own mode back.
func (r *ttyReader) Close() error {
	if r.fd < 0 {
		return nil
	}
	err := term.RestoreFD(r.fd)
	_ = syscall.SetNonblock(r.fd, false)
	if r.fd != syscall.Stdin {
		_ = syscall.Close(r.fd)
	}
	r.fd = -1
	return err
}

// errNothingTyped makes go-prompt's reading loop look again.
var errNothingTyped = syscall.EAGAIN

// Read hands over the next key, waiting up to 50 ms for one.
func (r *ttyReader) Read(b []byte) (int, error) {
	if len(r.pending) == 0 {
		fds := []unix.PollFd{{Fd: int32(r.fd), Events: unix.POLLIN}}
		n, err := unix.Poll(fds, 50)
		if err != nil || n == 0 {
			return 0, errNothingTyped
		}
		buf := make([]byte, 4096)
		got, err := syscall.Read(r.fd, buf)
		if err != nil || got <= 0 {
			return 0, errNothingTyped
		}
		r.pending = buf[:got]
	}
	n := nextKey(r.pending)
	key := r.pending[:n]
	r.pending = r.pending[n:]
	// F1 (in its xterm and vt100 forms) asks for help on the line.
	switch string(key) {
	case "\x1bOP", "\x1b[11~", "\x1b[[A":
		r.pending = append([]byte("\r"), r.pending...)
		return copy(b, "?"), nil
	}
	return copy(b, key), nil
}

// nextKey is the length of the first key in b: an escape sequence, one
// control character, or a run of text.
func nextKey(b []byte) int {
	switch c := b[0]; {
	case c == 0x1b:
		if len(b) == 1 {
			return 1
		}
		switch b[1] {
		case '[':
			for i := 2; i < len(b); i++ {
				if b[i] >= 0x40 && b[i] <= 0x7e {
					return i + 1
				}
			}
			return len(b)
		case 'O':
			return min(3, len(b))
		}
		return 2
	case c < 0x20 || c == 0x7f:
		return 1
	}
	for i := 1; i < len(b); i++ {
		if b[i] < 0x20 || b[i] == 0x7f || b[i] == 0x1b {
			return i
		}
	}
	return len(b)
}

// GetWinSize is the terminal's size.
func (r *ttyReader) GetWinSize() *prompt.WinSize {
	ws, err := unix.IoctlGetWinsize(r.fd, unix.TIOCGWINSZ)
	if err != nil {
		return &prompt.WinSize{Row: prompt.DefRowCount, Col: prompt.DefColCount}
	}
	return &prompt.WinSize{Row: ws.Row, Col: ws.Col}
}

// lineSearch is Ctrl-R: while it is on, what is typed is a search for an
// earlier line, shown in the prompt; Enter runs the line found, Ctrl-R
// again finds an older one, Esc or Ctrl-G gives up, and Ctrl-E or the
// right arrow takes the line found for editing.
type lineSearch struct {
	on    bool
	skip  int
	saved string
}

func (e *Env) searchBindings() []prompt.KeyBind {
	s := &e.search
	setText := setBuffer
	accept := func(p *prompt.Prompt) bool {
		if !s.on {
			return false
		}
		match, _ := e.findLine(p.Buffer().Text(), s.skip)
		s.on = false
		if match != "" {
			setText(p, match)
		}
		return true
	}
	return []prompt.KeyBind{
		{Key: prompt.ControlR, Fn: func(p *prompt.Prompt) bool {
			if s.on {
				s.skip++
				return true
			}
			*s = lineSearch{on: true, saved: p.Buffer().Text()}
			setText(p, "")
			return true
		}},
		{Key: prompt.Escape, Fn: func(p *prompt.Prompt) bool {
			if !s.on {
				return false
			}
			s.on = false
			setText(p, s.saved)
			return true
		}},
		{Key: prompt.ControlG, Fn: func(p *prompt.Prompt) bool {
			if !s.on {
				return false
			}
			s.on = false
			setText(p, s.saved)
			return true
		}},
		{Key: prompt.ControlE, Fn: accept},
		{Key: prompt.Right, Fn: accept},
		{Key: prompt.ControlC, Fn: func(*prompt.Prompt) bool { s.on = false; return true }},
	}
}

// searchEnter runs the line found when Enter ends a search.
func (e *Env) searchEnter(p *prompt.Prompt) {
	if !e.search.on {
		return
	}
	match, _ := e.findLine(p.Buffer().Text(), e.search.skip)
	e.search.on = false
	setBuffer(p, match)
}

// setBuffer replaces what is typed with text.
func setBuffer(p *prompt.Prompt, text string) {
	b := p.Buffer()
	all := pstrings.RuneCountInString(b.Text())
	b.CursorRightRunes(all, p.UserInputColumns(), p.TerminalRows())
	b.DeleteBeforeCursorRunes(all, p.UserInputColumns(), p.TerminalRows())
	b.InsertTextMoveCursor(text, p.UserInputColumns(), p.TerminalRows(), false)
}

// findLine is the skip-th newest history line containing query.
func (e *Env) findLine(query string, skip int) (string, bool) {
	lines := e.history.entries
	for i := len(lines) - 1; i >= 0; i-- {
		if strings.Contains(lines[i], query) {
			if skip == 0 {
				return lines[i], true
			}
			skip--
		}
	}
	return "", false
}

// searchPrefix is the prompt while searching: the line found so far.
func (e *Env) searchPrefix(query string) string {
	match, ok := e.findLine(query, e.search.skip)
	if !ok && query != "" {
		return "(failing reverse-i-search) "
	}
	return "(reverse-i-search: " + match + ") "
}
