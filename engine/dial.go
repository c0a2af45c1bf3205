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
func clientConfig(cred Credential, legacy bool, timeout time.Duration) *ssh.ClientConfig {
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
	cfg := &ssh.ClientConfig{User: cred.User, Auth: auth, Timeout: timeout}
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
	// pace holds a place for each handshake in progress.
	pace chan struct{}
}

// take waits for a place to handshake in.
func (d *dialer) take(ctx context.Context) error {
	if d.pace == nil {
		return nil
	}
	select {
	case d.pace <- struct{}{}:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// give hands the place back.
func (d *dialer) give() {
	if d.pace != nil {
		<-d.pace
	}
}

// tcp opens the transport to addr, directly or through the jump host.
//
// The connect timeout bounds each dial, not the jump host's login: that
// bounds its own dial and handshake, and may first wait for a handshake
// place behind other targets, which is vc's queue, not the device's time.
func (d *dialer) tcp(ctx context.Context, to Timeouts, addr string, jump *JumpHost) (net.Conn, error) {
	dial := func(dial func(ctx context.Context, network, addr string) (net.Conn, error)) (net.Conn, error) {
		dctx, cancel := context.WithTimeout(ctx, to.Connect)
		defer cancel()
		return dial(dctx, "tcp", addr)
	}
	if jump != nil {
		jc, err := d.jumps.get(ctx, d, to, jump)
		if err != nil {
			return nil, err
		}
		conn, err := dial(jc.DialContext)
		if err != nil && (errors.Is(err, io.EOF) || errors.Is(err, net.ErrClosed)) {
			// The jump host's connection died since it was opened; open it
			// again, once.
			d.jumps.drop(jump.Name)
			if jc, err = d.jumps.get(ctx, d, to, jump); err != nil {
				return nil, err
			}
			conn, err = dial(jc.DialContext)
		}
		if err != nil {
			return nil, fmt.Errorf("through jump host %s: %w", jump.Name, err)
		}
		return conn, nil
	}
	var nd net.Dialer
	return dial(nd.DialContext)
}

// connect logs in to the target, through its jump host if it has one.
func (d *dialer) connect(ctx context.Context, to Timeouts, t *Target, legacy bool) (*link, Credential, []Attempt, error) {
	return d.login(ctx, to, targetPeer(t, legacy), func(ctx context.Context) (net.Conn, error) {
		return d.tcp(ctx, to, t.Addr(), t.Jump)
	})
}

// peer is a host to log in to: a target, or a jump host.
type peer struct {
	// name is the device or jump host, for the user to act on.
	name          string
	addr          string
	creds         []Credential
	ignoreHostKey bool
	legacy        bool
	// offerAll offers every credential to a host whose key is not on
	// record: the user's explicit choice.
	offerAll bool
}

func targetPeer(t *Target, legacy bool) peer {
	return peer{name: t.Name, addr: t.Addr(), creds: t.Creds, ignoreHostKey: t.IgnoreHostKey, legacy: legacy, offerAll: t.OfferAllCreds}
}

func jumpPeer(j *JumpHost) peer {
	return peer{name: j.Name, addr: j.Addr(), creds: j.Creds, ignoreHostKey: j.IgnoreHostKey, legacy: j.Legacy, offerAll: j.OfferAllCreds}
}

// login logs in to p over connections from dial, with each credential in
// turn, and returns the client, the credential that worked and every
// attempt. Only a refused credential moves on to the next, and only on a
// host whose key matched one on record: a host met for the first time (or
// not checked) could be an impostor collecting every password it is
// offered, so it gets one unless p.offerAll.
func (d *dialer) login(ctx context.Context, to Timeouts, p peer, dial func(context.Context) (net.Conn, error)) (*link, Credential, []Attempt, error) {
	if len(p.creds) == 0 {
		return nil, Credential{}, nil, failure(KindAuth, ErrAuthFailed, "no credential to try: add one with cred add, or unlock the vault")
	}
	var attempts []Attempt
	var tried []string
	for i, cred := range p.creds {
		conn, err := dial(ctx)
		if err != nil {
			return nil, Credential{}, attempts, classify(ctx, "connect", to.Connect, err)
		}
		// The handshake waits for its place: its deadline starts once it
		// has one, so vc's own queue never counts against the handshake
		// timeout. The place is taken after the dial (which may log in to
		// a jump host that needs a place of its own), so a queued
		// connection sits open meanwhile: a device with a short login
		// grace time (IOS's ip ssh time-out) could drop it first, and it
		// holds a descriptor on each end.
		if err := d.take(ctx); err != nil {
			conn.Close()
			return nil, Credential{}, attempts, classify(ctx, "queue", 0, err)
		}
		client, tr, err := d.handshake(ctx, to, conn, p, cred)
		d.give()
		if err == nil {
			return client, cred, append(attempts, Attempt{Cred: cred.Name, OK: true}), nil
		}
		conn.Close()
		if !isAuthError(err) {
			var hk *HostKeyChangedError
			if errors.As(err, &hk) {
				hk.Device = p.name
			}
			return nil, Credential{}, attempts, classify(ctx, "handshake", to.Handshake, err)
		}
		attempts = append(attempts, Attempt{Cred: cred.Name})
		tried = append(tried, cred.Name)
		if tr != trustKnown && !p.offerAll && i+1 < len(p.creds) {
			return nil, Credential{}, attempts, failure(KindAuth, errWithheld,
				"auth failed with %s; other credentials were not offered because %s", cred.Name, withheldWhy(tr, p))
		}
	}
	return nil, Credential{}, attempts, failure(KindAuth, ErrAuthFailed, "auth failed (tried %s)", strings.Join(tried, ", "))
}

var errWithheld = fmt.Errorf("%w; %w", ErrAuthFailed, ErrCredsWithheld)

// withheldWhy says, in the user's words, why a host got one credential.
func withheldWhy(tr trust, p peer) string {
	switch {
	case tr == trustFirstSeen:
		return "this host's key was first seen in this connection (exec --all-creds offers them)"
	case p.ignoreHostKey:
		return "this host's key is not checked (hostkey=ignore; exec --all-creds offers them)"
	}
	return "this host's key is not checked (no known_hosts file; exec --all-creds offers them)"
}

// handshake runs the SSH handshake on conn under a deadline on the
// connection itself, so a device that accepts TCP and then says nothing
// cannot hold the run. It says what the host-key check found, also when
// the login failed.
func (d *dialer) handshake(ctx context.Context, to Timeouts, conn net.Conn, p peer, cred Credential) (*link, trust, error) {
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
	cfg := clientConfig(cred, p.legacy, to.Handshake)
	var check *hostCheck
	recorded := false
	if p.ignoreHostKey || d.hostKeys == nil {
		cfg.HostKeyCallback = ssh.InsecureIgnoreHostKey()
	} else {
		check = d.hostKeys.check()
		cfg.HostKeyCallback = check.callback
		cfg.HostKeyAlgorithms, recorded = d.hostKeys.algorithms(p.addr)
	}
	c, chans, reqs, err := ssh.NewClientConn(conn, p.addr, cfg)
	tr := check.result()
	if err != nil {
		var ane *ssh.AlgorithmNegotiationError
		switch {
		case timedOut.Load():
			return nil, tr, fmt.Errorf("%w: %v", errWaitTimeout, err)
		case recorded && errors.As(err, &ane) && ane.What == "host key":
			// Asked only for the key types on record, the host had none:
			// its key changed type, which OpenSSH refuses as a change.
			return nil, tr, d.hostKeys.otherTypes(p.addr, ane.RequestedAlgorithms)
		}
		return nil, tr, err
	}
	if !timer.Stop() {
		c.Close()
		return nil, tr, errWaitTimeout
	}
	if err := check.commit(); err != nil {
		c.Close()
		return nil, tr, err
	}
	_ = conn.SetDeadline(time.Time{})
	return &link{Conn: c, chans: chans, reqs: reqs}, tr, nil
}

// link is a logged-in SSH connection with what the peer may send unasked:
// channels it opens and its global requests. Someone must take those,
// or the connection stalls: client hands them to an *ssh.Client (two
// goroutines); a shell session answers them itself (see leanShell).
type link struct {
	ssh.Conn
	chans <-chan ssh.NewChannel
	reqs  <-chan *ssh.Request
}

// client makes the link an *ssh.Client, for exec channels and jump hosts.
func (l *link) client() *ssh.Client { return ssh.NewClient(l.Conn, l.chans, l.reqs) }

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
		ln, _, _, err := d.login(ctx, to, jumpPeer(j), func(ctx context.Context) (net.Conn, error) {
			var nd net.Dialer
			dctx, cancel := context.WithTimeout(ctx, to.Connect)
			defer cancel()
			return nd.DialContext(dctx, "tcp", j.Addr())
		})
		if err != nil {
			// The user reads which host refused: the jump host, not the
			// device behind it.
			e := classify(ctx, "connect", to.Connect, err)
			jc.err = &Error{Kind: e.Kind, Reason: "jump host " + j.Name + ": " + e.Reason, Err: e}
			return
		}
		jc.client = ln.client()
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
