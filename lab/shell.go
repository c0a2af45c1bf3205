package lab

import (
	"strings"
	"sync/atomic"
	"time"
)

// shell is the state of one CLI session, shared by the interactive
// terminal and exec requests: privilege, terminal settings and what the
// last command asked of the session.
type shell struct {
	dev  *device
	user string
	priv bool
	// length is the screen length set with the platform's paging command:
	// -1 follows the window, 0 never pages.
	length int
	// rows is the window height from pty-req and window-change, written by
	// the request loop while the terminal reads it.
	rows atomic.Int32
	// noTimestamp drops the timestamp line IOS XR puts before outputs.
	noTimestamp bool

	m *model // the model of the command being run, built on first use
}

func newShell(d *device, user string) *shell {
	return &shell{dev: d, user: user, priv: !d.plat.startUser, length: -1}
}

// reply is what running one line produced.
type reply struct {
	text   string // output with "\n" line ends, without the prompt
	data   bool   // the output is data, where hang and drop faults strike
	noPage bool
	exit   bool // the line ends the session
	enable bool // the line asks for privileged mode
	status int  // exit status for an exec request
}

// prompt is the shell's current prompt.
func (s *shell) prompt() string {
	return s.dev.plat.prompt(s.dev.Name, s.user, s.priv)
}

// model builds the device model for the running command, with the touch
// revisions as they are now.
func (s *shell) model() *model {
	if s.m == nil {
		s.m = s.dev.currentModel()
	}
	return s.m
}

// currentModel returns the device's model for its touch revisions now,
// building it only when they changed.
func (d *device) currentModel() *model {
	rev := d.lab.state.get(d.Name)
	d.modelMu.Lock()
	defer d.modelMu.Unlock()
	if d.model == nil || d.model.rev != rev {
		d.model = buildModel(d, rev)
	}
	return d.model
}

// now is the device's clock.
func (s *shell) now() time.Time { return time.Now() }

// pageSize is how many output lines fit before the pager: the screen
// length less the pager's own line.
func (s *shell) pageSize() int {
	length := s.length
	if length < 0 {
		length = int(s.rows.Load())
		if length <= 0 {
			length = 24
		}
	}
	if length <= 1 {
		return 0
	}
	return length - 1
}

// execute runs one command line. promptLen is the column the line started
// at, for errors that point at a word.
func (s *shell) execute(line string, promptLen int) reply {
	p := s.dev.plat
	cmdPart, stages, pipeAt := splitPipes(p, line)
	words := strings.Fields(cmdPart)
	if p.host {
		var err error
		if words, err = shellWords(cmdPart); err != nil {
			return reply{text: err.Error() + "\n", status: 2}
		}
	}
	if len(words) == 0 {
		return reply{}
	}
	l := find(p, words, s.priv)
	if l.cmd == nil {
		return reply{text: complaint(p, cmdPart, l, promptLen) + "\n", status: p.invalidStatus}
	}
	s.m = nil
	r := reply{data: l.cmd.data}
	if l.cmd.runStatus != nil {
		r.text, r.status = l.cmd.runStatus(s, l.args)
	} else {
		r.text = l.cmd.run(s, l.args)
	}
	text, noPage, err := applyFilters(p, stages, r.text)
	if err != nil {
		at := pipeAt + 1
		for at < len(line) && line[at] == ' ' {
			at++
		}
		msg := complaint(p, line, lookup{problem: problemInvalid, at: len(strings.Fields(line[:at]))}, promptLen)
		return reply{text: msg + "\n", status: 1}
	}
	r.text, r.noPage = text, noPage
	switch l.cmd.words {
	case "exit", "quit", "logout":
		r.exit = true
	case p.enable:
		r.enable = p.enable != ""
	}
	return r
}

// splitPipes separates a command from the pipe stages after it, and says
// where the first pipe is. A network CLI takes a '|' as a pipe only with
// a blank before it and a blank or the line's end after it, so a regex
// such as hostname|ntp stays whole; a shell takes any '|' outside quotes.
func splitPipes(p *platform, line string) (string, []string, int) {
	var cuts []int
	quote := byte(0)
	for i := 0; i < len(line); i++ {
		c := line[i]
		switch {
		case p.host && quote != 0:
			if c == quote {
				quote = 0
			} else if c == '\\' && quote == '"' {
				i++
			}
		case p.host && (c == '\'' || c == '"'):
			quote = c
		case p.host && c == '\\':
			i++
		case c != '|':
		case p.host:
			cuts = append(cuts, i)
		case i > 0 && isBlank(line[i-1]) && (i+1 == len(line) || isBlank(line[i+1])):
			cuts = append(cuts, i)
		}
		if len(cuts) == 1 && !p.chainPipes {
			break
		}
	}
	if len(cuts) == 0 {
		return line, nil, -1
	}
	stages := make([]string, 0, len(cuts))
	for k, at := range cuts {
		end := len(line)
		if k+1 < len(cuts) {
			end = cuts[k+1]
		}
		stages = append(stages, line[at+1:end])
	}
	return line[:cuts[0]], stages, cuts[0]
}

func isBlank(c byte) bool { return c == ' ' || c == '\t' }
