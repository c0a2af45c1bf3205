package lab

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"strings"
	"sync"
	"time"

	"golang.org/x/crypto/ssh"
)

// handshakeTimeout bounds how long a client may take to finish the SSH
// handshake and authenticate.
const handshakeTimeout = 30 * time.Second

// device is a Device being served.
type device struct {
	Device
	plat *platform
	lab  *Lab
	ln   net.Listener

	keyMu  sync.Mutex
	keyRev revisions    // the touch the keys were derived for
	keys   []ssh.Signer // derived on first connection, then kept

	// model is the last model built, kept while the touch revisions stay:
	// outputs are rebuilt from it, the model (hundreds of ARP entries) is
	// not. It is never changed once built, so sessions share it.
	modelMu sync.Mutex
	model   *model
}

// accept serves connections until the listener is closed.
func (d *device) accept(ctx context.Context) {
	for {
		nc, err := d.ln.Accept()
		if err != nil {
			if ctx.Err() != nil || errors.Is(err, net.ErrClosed) {
				return
			}
			// Out of file descriptors or similar: back off rather than spin.
			if sleep(ctx, 50*time.Millisecond) != nil {
				return
			}
			continue
		}
		d.lab.wg.Go(func() { d.serve(ctx, nc) })
	}
}

// conn is one client connection to a device.
type conn struct {
	dev  *device
	nc   net.Conn
	idle *time.Timer
	gone chan struct{} // closed when the SSH connection has ended
}

// active restarts the idle timer after input.
func (c *conn) active() { c.idle.Reset(c.dev.lab.opts.IdleTimeout) }

// roundTrip waits out the lab's latency, and the slow fault's delay.
func (c *conn) roundTrip(ctx context.Context) error {
	d := c.dev.lab.opts.Latency
	if c.dev.Fault == FaultSlow {
		d += c.dev.lab.opts.SlowBy
	}
	return sleep(ctx, d)
}

// stall plays the drop and hang faults after part of an output was sent:
// drop closes TCP under the client; hang says nothing more until the
// client, the idle timer or the lab ends the connection.
func (c *conn) stall(ctx context.Context, f Fault) error {
	if f == FaultDrop {
		c.nc.Close()
		return errSessionOver
	}
	select {
	case <-c.gone:
	case <-ctx.Done():
	}
	return errSessionOver
}

// flood plays the flood fault: the output again and again, as fast as the
// client takes it, until the client, the idle timer or the lab ends the
// connection. The SSH channel's window bounds what is in flight.
func (c *conn) flood(ctx context.Context, w io.Writer, text string) error {
	if text == "" {
		text = "\n"
	}
	for ctx.Err() == nil {
		if _, err := io.WriteString(w, text); err != nil {
			return errSessionOver
		}
		c.active()
	}
	return errSessionOver
}

// serve runs one connection: the fault that applies before SSH, the
// handshake, then the session channels.
func (d *device) serve(ctx context.Context, nc net.Conn) {
	opts := &d.lab.opts
	c := &conn{dev: d, nc: nc, idle: time.AfterFunc(opts.IdleTimeout, func() { nc.Close() }), gone: make(chan struct{})}
	defer c.idle.Stop()
	defer nc.Close()
	stop := context.AfterFunc(ctx, func() { nc.Close() })
	defer stop()

	switch d.Fault {
	case FaultTimeout:
		// Never send the SSH banner; hold the socket until the client
		// gives up (or the idle timer fires), as a wedged device does.
		_, _ = io.Copy(io.Discard, nc)
		return
	case FaultSlow:
		if sleep(ctx, opts.SlowBy) != nil {
			return
		}
	}
	cfg, err := d.serverConfig(ctx, c)
	if err != nil {
		return
	}
	_ = nc.SetDeadline(time.Now().Add(handshakeTimeout))
	sc, chans, reqs, err := ssh.NewServerConn(nc, cfg)
	if err != nil {
		return
	}
	_ = nc.SetDeadline(time.Time{})
	defer sc.Close()
	d.lab.wg.Go(func() { ssh.DiscardRequests(reqs) })
	c.active()
	var sessions sync.WaitGroup
	for nch := range chans {
		if nch.ChannelType() == "direct-tcpip" && d.Platform == "linux" {
			// Linux hosts serve as jump hosts (bastions), as they do in
			// real networks.
			sessions.Go(func() { d.forward(ctx, c, nch) })
			continue
		}
		if nch.ChannelType() != "session" {
			_ = nch.Reject(ssh.UnknownChannelType, "only session channels")
			continue
		}
		sessions.Go(func() { d.session(ctx, c, sc.User(), nch) })
	}
	close(c.gone)
	sessions.Wait()
}

// serverConfig is the SSH configuration of one connection: the device's
// current host key, its algorithms and the lab's credentials.
func (d *device) serverConfig(ctx context.Context, c *conn) (*ssh.ServerConfig, error) {
	opts := &d.lab.opts
	cfg := &ssh.ServerConfig{
		ServerVersion: d.plat.serverVersion,
		PasswordCallback: func(meta ssh.ConnMetadata, password []byte) (*ssh.Permissions, error) {
			if err := c.roundTrip(ctx); err != nil {
				return nil, err
			}
			if d.Fault == FaultAuth || meta.User() != opts.User || string(password) != opts.Password {
				return nil, fmt.Errorf("device %s: password rejected for %q", d.Name, meta.User())
			}
			return nil, nil
		},
	}
	if d.Legacy {
		cfg.KeyExchanges = []string{ssh.InsecureKeyExchangeDH1SHA1}
		cfg.Ciphers = []string{ssh.InsecureCipherAES128CBC}
		cfg.MACs = []string{ssh.HMACSHA1}
	}
	keys, err := d.hostKeys()
	if err != nil {
		return nil, err
	}
	for _, k := range keys {
		cfg.AddHostKey(k)
	}
	return cfg, nil
}

// hostKeys returns the device's keys for its current rotation and key
// types, deriving them only when those changed: RSA keys take a while to
// find. A device serves ed25519 (RSA if legacy) until a touch says
// otherwise.
func (d *device) hostKeys() ([]ssh.Signer, error) {
	rev := d.lab.state.get(d.Name)
	rev.Config = 0
	d.keyMu.Lock()
	defer d.keyMu.Unlock()
	if d.keys != nil && d.keyRev == rev {
		return d.keys, nil
	}
	types := []string{"ed25519"}
	if d.Legacy {
		types = []string{"rsa"}
	}
	if rev.KeyTypes != "" {
		types = strings.Split(rev.KeyTypes, ",")
	}
	var keys []ssh.Signer
	for _, kind := range types {
		key, err := hostKey(d.lab.opts.Seed, d.Name, rev.HostKey, kind, d.Legacy)
		if err != nil {
			return nil, err
		}
		keys = append(keys, key)
	}
	d.keys, d.keyRev = keys, rev
	return keys, nil
}

// sleep waits d or until ctx is done.
func sleep(ctx context.Context, d time.Duration) error {
	if d <= 0 {
		return ctx.Err()
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}
