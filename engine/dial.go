package engine

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"golang.org/x/crypto/ssh"
)

// Attempt is how one credential fared on a device; callers record these.
type Attempt struct {
	Cred string
	// OK is true when the credential logged in; false only for an
	// authentication failure (other failures are not the credential's).
	OK bool
}

// clientConfig builds the SSH configuration for one credential.
func clientConfig(cred Credential, hostKey ssh.HostKeyCallback, legacy bool, timeout time.Duration) *ssh.ClientConfig {
	var auth []ssh.AuthMethod
	if len(cred.Signers) > 0 {
		auth = append(auth, ssh.PublicKeys(cred.Signers...))
	}
	if cred.Password != "" {
		pw := cred.Password
		auth = append(auth, ssh.Password(pw),
			// Many devices only offer keyboard-interactive, asking for the
			// password as its one question.
			ssh.KeyboardInteractive(func(_, _ string, questions []string, _ []bool) ([]string, error) {
				answers := make([]string, len(questions))
				for i := range answers {
					answers[i] = pw
				}
				return answers, nil
			}))
	}
	cfg := &ssh.ClientConfig{User: cred.User, Auth: auth, HostKeyCallback: hostKey, Timeout: timeout}
	// curve25519 first: as modern as the default's post-quantum hybrid for
	// today's devices, and a fraction of its CPU when a thousand
	// handshakes run at once. The hybrid stays on offer after it.
	cfg.KeyExchanges = preferredKex()
	if legacy {
		// Old devices offer only group1/group14-sha1, CBC ciphers and ssh-rsa;
		// offer those after the modern ones, never instead of them.
		sup, old := ssh.SupportedAlgorithms(), ssh.InsecureAlgorithms()
		cfg.KeyExchanges = slices.Concat(preferredKex(), old.KeyExchanges)
		cfg.Ciphers = slices.Concat(sup.Ciphers, old.Ciphers)
		cfg.MACs = slices.Concat(sup.MACs, old.MACs)
		cfg.HostKeyAlgorithms = slices.Concat(sup.HostKeys, old.HostKeys)
	}
	return cfg
}

func preferredKex() []string {
	kex := []string{ssh.KeyExchangeCurve25519}
	for _, k := range ssh.SupportedAlgorithms().KeyExchanges {
		if k != ssh.KeyExchangeCurve25519 {
			kex = append(kex, k)
		}
	}
	return kex
}

// dialer opens SSH connections to targets, through jump hosts if need be.
type dialer struct {
	hostKeys *HostKeys
	jumps    *jumpPool
}

func (d *dialer) hostKeyCallback(ignore bool) ssh.HostKeyCallback {
	if ignore || d.hostKeys == nil {
		return ssh.InsecureIgnoreHostKey()
	}
	return d.hostKeys.Callback()
}

// tcp opens the transport to addr, directly or through the jump host.
func (d *dialer) tcp(ctx context.Context, to Timeouts, addr string, jump *JumpHost) (net.Conn, error) {
	ctx, cancel := context.WithTimeout(ctx, to.Connect)
	defer cancel()
	if jump != nil {
		jc, err := d.jumps.get(ctx, d, to, jump)
		if err != nil {
			return nil, err
		}
		conn, err := jc.DialContext(ctx, "tcp", addr)
		if err != nil && (errors.Is(err, io.EOF) || errors.Is(err, net.ErrClosed)) {
			// The jump host's connection died since it was opened; open it
			// again, once.
			d.jumps.drop(jump.Name)
			if jc, err = d.jumps.get(ctx, d, to, jump); err != nil {
				return nil, err
			}
			conn, err = jc.DialContext(ctx, "tcp", addr)
		}
		if err != nil {
			return nil, fmt.Errorf("through jump host %s: %w", jump.Name, err)
		}
		return conn, nil
	}
	var nd net.Dialer
	return nd.DialContext(ctx, "tcp", addr)
}

// connect logs in to addr with each credential in turn, moving on only when
// one is refused, and returns the client, the credential that worked and
// every attempt.
func (d *dialer) connect(ctx context.Context, to Timeouts, addr string, jump *JumpHost, creds []Credential, ignoreHostKey, legacy bool) (*ssh.Client, Credential, []Attempt, error) {
	if len(creds) == 0 {
		return nil, Credential{}, nil, failure(KindAuth, ErrAuthFailed, "no credential to try: add one with cred add, or unlock the vault")
	}
	var attempts []Attempt
	var tried []string
	for _, cred := range creds {
		conn, err := d.tcp(ctx, to, addr, jump)
		if err != nil {
			return nil, Credential{}, attempts, classify(ctx, "connect", to.Connect, err)
		}
		client, err := d.handshake(ctx, to, conn, addr, cred, ignoreHostKey, legacy)
		if err == nil {
			return client, cred, append(attempts, Attempt{Cred: cred.Name, OK: true}), nil
		}
		conn.Close()
		if !isAuthError(err) {
			return nil, Credential{}, attempts, classify(ctx, "handshake", to.Handshake, err)
		}
		attempts = append(attempts, Attempt{Cred: cred.Name})
		tried = append(tried, cred.Name)
	}
	return nil, Credential{}, attempts, failure(KindAuth, ErrAuthFailed, "auth failed (tried %s)", strings.Join(tried, ", "))
}

// handshake runs the SSH handshake on conn under a deadline on the
// connection itself, so a device that accepts TCP and then says nothing
// cannot hold the run.
func (d *dialer) handshake(ctx context.Context, to Timeouts, conn net.Conn, addr string, cred Credential, ignoreHostKey, legacy bool) (*ssh.Client, error) {
	// A channel through a jump host has no deadlines; a timer closing the
	// connection bounds the wait there just the same.
	var timedOut atomic.Bool
	timer := time.AfterFunc(to.Handshake, func() {
		timedOut.Store(true)
		conn.Close()
	})
	defer timer.Stop()
	_ = conn.SetDeadline(time.Now().Add(to.Handshake))
	stop := context.AfterFunc(ctx, func() { conn.Close() })
	defer stop()
	cfg := clientConfig(cred, d.hostKeyCallback(ignoreHostKey), legacy, to.Handshake)
	recorded := false
	if !ignoreHostKey && d.hostKeys != nil {
		cfg.HostKeyAlgorithms, recorded = d.hostKeys.algorithms(addr)
	}
	c, chans, reqs, err := ssh.NewClientConn(conn, addr, cfg)
	if err != nil {
		var ane *ssh.AlgorithmNegotiationError
		switch {
		case timedOut.Load():
			return nil, fmt.Errorf("%w: %v", errWaitTimeout, err)
		case recorded && errors.As(err, &ane) && ane.What == "host key":
			// Asked only for the key types on record, the host had none:
			// its key changed type, which OpenSSH refuses as a change.
			return nil, d.hostKeys.otherTypes(addr, ane.RequestedAlgorithms)
		}
		return nil, err
	}
	if !timer.Stop() {
		c.Close()
		return nil, errWaitTimeout
	}
	_ = conn.SetDeadline(time.Time{})
	return ssh.NewClient(c, chans, reqs), nil
}

func isAuthError(err error) bool {
	return err != nil && strings.Contains(err.Error(), "unable to authenticate")
}

// jumpPool keeps one connection per jump host, shared by every target
// behind it.
type jumpPool struct {
	mu      sync.Mutex
	clients map[string]*jumpClient
}

type jumpClient struct {
	once   sync.Once
	client *ssh.Client
	err    error
}

func newJumpPool() *jumpPool { return &jumpPool{clients: map[string]*jumpClient{}} }

func (p *jumpPool) get(ctx context.Context, d *dialer, to Timeouts, j *JumpHost) (*ssh.Client, error) {
	p.mu.Lock()
	jc, ok := p.clients[j.Name]
	if !ok {
		jc = &jumpClient{}
		p.clients[j.Name] = jc
	}
	p.mu.Unlock()
	jc.once.Do(func() {
		var nd net.Dialer
		dctx, cancel := context.WithTimeout(ctx, to.Connect)
		conn, err := nd.DialContext(dctx, "tcp", j.Addr())
		cancel()
		if err != nil {
			jc.err = fmt.Errorf("jump host %s: %w", j.Name, err)
			return
		}
		var cerr error
		for _, cred := range j.Creds {
			var c *ssh.Client
			c, cerr = d.handshake(ctx, to, conn, j.Addr(), cred, j.IgnoreHostKey, j.Legacy)
			if cerr == nil {
				jc.client = c
				return
			}
			conn.Close()
			if !isAuthError(cerr) {
				break
			}
			if conn, err = nd.DialContext(ctx, "tcp", j.Addr()); err != nil {
				cerr = err
				break
			}
		}
		if len(j.Creds) == 0 {
			conn.Close()
			cerr = errors.New("no credential for it")
		}
		var hk *HostKeyChangedError
		if errors.As(cerr, &hk) {
			// The key to forget is the jump host's, not its targets'.
			hk.Device = j.Name
		}
		jc.err = fmt.Errorf("jump host %s: %w", j.Name, cerr)
	})
	if jc.err != nil {
		// The targets waiting on this attempt share its failure; a later
		// run tries the jump host afresh.
		p.mu.Lock()
		if p.clients[j.Name] == jc {
			delete(p.clients, j.Name)
		}
		p.mu.Unlock()
		return nil, jc.err
	}
	return jc.client, nil
}

// drop forgets a jump host whose connection died.
func (p *jumpPool) drop(name string) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if jc, ok := p.clients[name]; ok && jc.client != nil {
		jc.client.Close()
	}
	delete(p.clients, name)
}

func (p *jumpPool) closeAll() {
	p.mu.Lock()
	defer p.mu.Unlock()
	for name, jc := range p.clients {
		if jc.client != nil {
			jc.client.Close()
		}
		delete(p.clients, name)
	}
}
