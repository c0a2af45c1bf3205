package lab

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
)

// errSessionOver ends a session the device chose to end (exit, a fault).
var errSessionOver = errors.New("session over")

// terminal drives an interactive shell over an SSH channel the way a
// device's line discipline does: echo, CRLF, line editing, the pager and
// the enable password prompt.
type terminal struct {
	ctx  context.Context
	sh   *shell
	ch   io.ReadWriter
	conn *conn // for the drop fault, the idle timer and round-trip delays

	buf [512]byte
	out []byte // what write sends, CRLF put in
	// echo is the echo of the input read so far, sent once the input in
	// hand is read (or with the next write): a line typed or pasted at
	// once comes back as one packet, as a pty's echo does, not a packet
	// per character.
	echo    []byte
	pending []byte
	lastCR  bool // a CR was just taken as Enter; a following LF is not a second one
	// done ends the session's work (see Peaks); nil while it waits for a
	// command.
	done func()
}

// run serves the shell until the client leaves, a command ends the session
// or a fault stops it.
func (t *terminal) run() error {
	defer t.rest()
	p := t.sh.dev.plat
	if p.banner != "" {
		if err := t.write(strings.ReplaceAll(p.banner, "{host}", t.sh.dev.Name)); err != nil {
			return err
		}
	}
	if err := t.write(t.sh.prompt()); err != nil {
		return err
	}
	var line []byte
	for {
		b, err := t.readByte()
		if err != nil {
			return err
		}
		switch {
		case b == '\r' || b == '\n':
			if err := t.write("\n"); err != nil {
				return err
			}
			if err := t.enter(string(line)); err != nil {
				return err
			}
			line = line[:0]
		case b == 0x7f || b == 0x08:
			if len(line) > 0 {
				line = line[:len(line)-1]
				if err := t.write("\b \b"); err != nil {
					return err
				}
			}
		case b == 0x15: // Ctrl-U: erase the line
			if err := t.write(strings.Repeat("\b \b", len(line))); err != nil {
				return err
			}
			line = line[:0]
		case b == 0x03: // Ctrl-C: abandon the line
			line = line[:0]
			if err := t.write("^C\n" + t.sh.prompt()); err != nil {
				return err
			}
		case b == 0x04 && len(line) == 0 && p.host:
			return t.write("logout\n")
		case b == 0x1b:
			t.skipEscape()
		case b >= 0x20 && b < 0x7f:
			line = append(line, b)
			t.echo = append(t.echo, b)
		}
	}
}

// enter runs a completed line and shows its output and the next prompt.
func (t *terminal) enter(line string) error {
	sh := t.sh
	r := sh.execute(line, len(sh.prompt()))
	dev := sh.dev
	if r.data && (dev.Fault == FaultHang || dev.Fault == FaultDrop) {
		return t.fault(r.text)
	}
	if r.data && dev.Fault == FaultFlood {
		return t.conn.flood(t.ctx, t.ch, strings.ReplaceAll(r.text, "\n", "\r\n"))
	}
	if err := t.page(r.text, r.noPage); err != nil {
		return err
	}
	if r.exit {
		return errSessionOver
	}
	if r.enable && !sh.priv {
		if err := t.enable(); err != nil {
			return err
		}
	}
	if r.text != "" && dev.plat.blankBeforePrompt {
		if err := t.write("\n"); err != nil {
			return err
		}
	}
	// The work is over before the prompt goes out: a client sees the
	// command done only once the lab counted it done.
	t.rest()
	return t.write(sh.prompt())
}

// enable answers "enable" as the lab's Enable option says: by default it
// asks for the enable secret, three tries, as IOS does.
func (t *terminal) enable() error {
	mode := t.sh.dev.lab.opts.Enable
	if !t.sh.dev.plat.enableAsks {
		mode = EnableModeNone
	}
	switch mode {
	case EnableModeNone:
		t.sh.priv = true
		return nil
	case EnableModeNoPassword:
		return t.write("% No password set\n")
	case EnableModeDenied:
		return t.write("% Access denied\n\n")
	}
	for range 3 {
		if err := t.write("Password: "); err != nil {
			return err
		}
		secret, err := t.readSecret()
		if err != nil {
			return err
		}
		if err := t.write("\n"); err != nil {
			return err
		}
		if secret == t.sh.dev.lab.opts.enableSecret() {
			t.sh.priv = true
			return nil
		}
	}
	return t.write("% Bad secrets\n\n")
}

// readSecret reads a line without echoing it.
func (t *terminal) readSecret() (string, error) {
	var s []byte
	for {
		b, err := t.readByte()
		if err != nil {
			return "", err
		}
		switch b {
		case '\r', '\n':
			return string(s), nil
		case 0x7f, 0x08:
			if len(s) > 0 {
				s = s[:len(s)-1]
			}
		default:
			s = append(s, b)
		}
	}
}

// page writes output a screen at a time, waiting at the platform's pager
// for a space (next screen), Enter (next line) or anything else (stop).
func (t *terminal) page(text string, noPage bool) error {
	if text == "" {
		return nil
	}
	per := t.sh.pageSize()
	if noPage || per <= 0 || t.sh.dev.plat.pager == "" || strings.Count(strings.TrimSuffix(text, "\n"), "\n")+1 <= per {
		return t.write(text)
	}
	lines := strings.SplitAfter(strings.TrimSuffix(text, "\n"), "\n")
	lines[len(lines)-1] += "\n"

	p := t.sh.dev.plat
	shown := 0
	step := per
	for shown < len(lines) {
		end := min(shown+step, len(lines))
		if err := t.write(strings.Join(lines[shown:end], "")); err != nil {
			return err
		}
		shown = end
		if shown == len(lines) {
			return nil
		}
		pager := p.pager
		if p.percentPager {
			pager = fmt.Sprintf("---(more %d%%)---", shown*100/len(lines))
		}
		if err := t.write(pager); err != nil {
			return err
		}
		key, err := t.readByte()
		if err != nil {
			return err
		}
		if err := t.write(p.pagerErase); err != nil {
			return err
		}
		switch key {
		case ' ':
			step = per
		case '\r', '\n':
			step = 1
		default:
			return nil
		}
	}
	return nil
}

// fault plays a hang or drop: half the output, then silence until the
// client gives up, or a closed connection.
func (t *terminal) fault(text string) error {
	lines := strings.SplitAfter(text, "\n")
	if err := t.write(strings.Join(lines[:(len(lines)+1)/2], "")); err != nil {
		return err
	}
	return t.conn.stall(t.ctx, t.sh.dev.Fault)
}

// readByte returns the next input byte. A chunk of input costs one round
// trip of latency, and resets the idle timer.
func (t *terminal) readByte() (byte, error) {
	for len(t.pending) == 0 {
		if len(t.echo) > 0 {
			if err := t.write(""); err != nil {
				return 0, err
			}
		}
		n, err := t.ch.Read(t.buf[:])
		if err != nil {
			return 0, err
		}
		if t.done == nil {
			// Input while the device waited is a command coming: the
			// session is at work from here, its round trip included.
			t.done = t.sh.dev.lab.load.begin(t.sh.dev.Site)
		}
		t.conn.active()
		if err := t.conn.roundTrip(t.ctx); err != nil {
			return 0, err
		}
		t.pending = t.buf[:n]
	}
	b := t.pending[0]
	t.pending = t.pending[1:]
	if b == '\n' && t.lastCR {
		t.lastCR = false
		return t.readByte()
	}
	t.lastCR = b == '\r'
	return b, nil
}

// rest ends the session's work, if it was at work.
func (t *terminal) rest() {
	if t.done != nil {
		t.done()
		t.done = nil
	}
}

// skipEscape drops an ANSI escape sequence such as an arrow key: ESC, '[',
// parameters, then a final letter.
func (t *terminal) skipEscape() {
	for range 8 {
		if len(t.pending) == 0 {
			return
		}
		b := t.pending[0]
		t.pending = t.pending[1:]
		if (b >= 'A' && b <= 'Z') || (b >= 'a' && b <= 'z') || b == '~' {
			return
		}
	}
}

// ptyChunk is the most a device's terminal hands its SSH server at once:
// a Linux pty's reads give at most its 4 KB line buffer, so OpenSSH on a
// NOS sends a long output as packets of about that size, and IOS sends
// smaller ones still. A client's read buffer grows to the largest packet
// it was sent, and keeps that size for as long as the session lives.
const ptyChunk = 4096

// write sends text with the CRLF line ends of a terminal, a pty's read
// at a time, after the echo not sent yet.
func (t *terminal) write(s string) error {
	b := append(t.out[:0], t.echo...)
	t.echo = t.echo[:0]
	for {
		for len(s) > 0 && len(b) < ptyChunk-1 {
			i := strings.IndexByte(s, '\n')
			if i < 0 {
				i = len(s)
			}
			i = min(i, ptyChunk-1-len(b))
			b = append(b, s[:i]...)
			s = s[i:]
			if len(s) > 0 && s[0] == '\n' {
				b = append(b, '\r', '\n')
				s = s[1:]
			}
		}
		t.out = b
		if len(b) > 0 {
			if _, err := t.ch.Write(b); err != nil {
				return err
			}
		}
		if len(s) == 0 {
			return nil
		}
		b = t.out[:0]
	}
}
