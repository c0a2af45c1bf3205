package lab

import (
	"context"
	"encoding/binary"
	"errors"
	"io"
	"strings"
	"sync"

	"golang.org/x/crypto/ssh"
)

// session serves one session channel: terminal requests, then a shell or an
// exec, as a device's SSH server does.
func (d *device) session(ctx context.Context, c *conn, user string, nch ssh.NewChannel) {
	ch, reqs, err := nch.Accept()
	if err != nil {
		return
	}
	defer ch.Close()
	sh := newShell(d, user)
	var running sync.WaitGroup
	started := false
	for req := range reqs {
		ok := false
		// start runs once the request is answered: a command that ends
		// and closes the channel before the answer leaves a client that
		// waits for it with nothing but EOF, which OpenSSH never does.
		var start func()
		switch req.Type {
		case "pty-req":
			if rows, good := ptyRows(req.Payload); good {
				sh.rows.Store(int32(rows))
				ok = true
			}
		case "window-change":
			if len(req.Payload) >= 8 {
				sh.rows.Store(int32(binary.BigEndian.Uint32(req.Payload[4:8])))
			}
			ok = true
		case "env":
			ok = true
		case "shell":
			ok = !started
			if ok {
				started = true
				start = func() {
					t := &terminal{ctx: ctx, sh: sh, ch: ch, conn: c}
					err := t.run()
					finish(ch, err)
				}
			}
		case "exec":
			var payload struct{ Command string }
			ok = !started && ssh.Unmarshal(req.Payload, &payload) == nil
			if ok {
				started = true
				start = func() { d.exec(ctx, c, sh, ch, payload.Command) }
			}
		}
		if req.WantReply {
			_ = req.Reply(ok, nil)
		}
		if start != nil {
			running.Go(start)
		}
	}
	running.Wait()
}

// finish tells the client the session is over: exit status 0 when the
// device ended it, then close.
func finish(ch ssh.Channel, err error) {
	if errors.Is(err, errSessionOver) || err == nil {
		_, _ = ch.SendRequest("exit-status", false, ssh.Marshal(struct{ Status uint32 }{0}))
	}
	_ = ch.Close()
}

// exec runs one command without a terminal: no echo, no prompt, no pager.
func (d *device) exec(ctx context.Context, c *conn, sh *shell, ch ssh.Channel, line string) {
	defer ch.Close()
	// The client knows the command is done when the channel closes.
	idle := d.lab.load.begin(d.Site)
	defer idle()
	if c.roundTrip(ctx) != nil {
		return
	}
	r := sh.execute(line, 0)
	text := r.text
	if d.plat.crlf {
		text = strings.ReplaceAll(text, "\n", "\r\n")
	}
	if r.data && d.Fault == FaultFlood {
		_ = c.flood(ctx, ch, text)
		return
	}
	if r.data && (d.Fault == FaultHang || d.Fault == FaultDrop) {
		lines := strings.SplitAfter(text, "\n")
		_, _ = io.WriteString(ch, strings.Join(lines[:(len(lines)+1)/2], ""))
		_ = c.stall(ctx, d.Fault)
		return
	}
	if _, err := io.WriteString(ch, text); err != nil {
		return
	}
	idle()
	_, _ = ch.SendRequest("exit-status", false, ssh.Marshal(struct{ Status uint32 }{uint32(r.status)}))
}

// ptyRows reads the window height from a pty-req payload.
func ptyRows(payload []byte) (int, bool) {
	var p struct {
		Term             string
		Cols, Rows, W, H uint32
		Modes            string
	}
	if err := ssh.Unmarshal(payload, &p); err != nil {
		return 0, false
	}
	return int(p.Rows), true
}
