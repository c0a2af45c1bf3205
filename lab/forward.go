package lab

import (
	"context"
	"io"
	"net"
	"strconv"
	"sync"
	"time"

	"golang.org/x/crypto/ssh"
)

// forward serves a direct-tcpip channel (ssh -J, ProxyJump): a TCP
// connection from the device onward. Only loopback targets are allowed, so
// the lab can reach its own devices and nothing else.
func (d *device) forward(ctx context.Context, c *conn, nch ssh.NewChannel) {
	var req struct {
		Host     string
		Port     uint32
		OrigHost string
		OrigPort uint32
	}
	if err := ssh.Unmarshal(nch.ExtraData(), &req); err != nil {
		_ = nch.Reject(ssh.ConnectionFailed, "bad direct-tcpip request")
		return
	}
	if ip := net.ParseIP(req.Host); req.Host != "localhost" && (ip == nil || !ip.IsLoopback()) {
		_ = nch.Reject(ssh.Prohibited, "the lab forwards to loopback only")
		return
	}
	var nd net.Dialer
	dctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	target, err := nd.DialContext(dctx, "tcp", net.JoinHostPort(req.Host, strconv.Itoa(int(req.Port))))
	cancel()
	if err != nil {
		_ = nch.Reject(ssh.ConnectionFailed, err.Error())
		return
	}
	ch, reqs, err := nch.Accept()
	if err != nil {
		target.Close()
		return
	}
	go ssh.DiscardRequests(reqs)
	c.active()
	stop := context.AfterFunc(ctx, func() { ch.Close(); target.Close() })
	defer stop()
	var wg sync.WaitGroup
	wg.Add(2)
	go func() {
		defer wg.Done()
		_, _ = io.Copy(target, ch)
		if tc, ok := target.(*net.TCPConn); ok {
			_ = tc.CloseWrite()
		}
	}()
	go func() {
		defer wg.Done()
		_, _ = io.Copy(ch, target)
		_ = ch.CloseWrite()
	}()
	wg.Wait()
	ch.Close()
	target.Close()
}
