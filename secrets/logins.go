package secrets

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"time"

	"golang.org/x/crypto/ssh"
	"golang.org/x/crypto/ssh/agent"

	"vc/engine"
	"vc/store"
	"vc/vault"
)

// Logins are the credentials a run logs in with, by device.
type Logins struct {
	// ByDevice lists each device's credentials in the order to try them.
	ByDevice map[string][]engine.Credential
	// Warnings say which credentials cannot be used here and why (an agent
	// credential without an agent).
	Warnings []string
	b        *loginBuilder
}

// Close releases what the credentials hold (an ssh-agent connection);
// call it once the run is over.
func (l *Logins) Close() {
	if l != nil && l.b != nil {
		l.b.close()
	}
}

// Logins resolves what to log in to each device with: its credentials in
// the order to try them (store.Tx.CredOrders), their secrets opened with
// the keyring, which it unlocks if it must. Agent credentials take the
// keys of the ssh-agent at SSH_AUTH_SOCK.
func (k *Keyring) Logins(ctx context.Context, ds []*store.Device) (*Logins, error) {
	var orders map[string][]*store.Credential
	err := k.store.View(ctx, func(t *store.Tx) error {
		var err error
		orders, err = t.CredOrders(ds)
		return err
	})
	if err != nil {
		return nil, err
	}
	used := map[string]*store.Credential{}
	sealed := false
	for _, order := range orders {
		for _, cr := range order {
			used[cr.Name] = cr
			sealed = sealed || len(cr.Sealed) > 0
		}
	}
	b := &loginBuilder{built: map[string]*engine.Credential{}}
	build := func(key *vault.Key) error {
		for name, cr := range used {
			c, err := b.credential(ctx, key, cr)
			if err != nil {
				return fmt.Errorf("credential %s: %w", name, err)
			}
			b.built[name] = c
		}
		return nil
	}
	if sealed {
		err = k.With(ctx, func(key *vault.Key, _ *vault.Header) error { return build(key) })
	} else {
		err = build(nil)
	}
	if err != nil {
		b.close()
		return nil, err
	}
	l := &Logins{ByDevice: make(map[string][]engine.Credential, len(orders)), Warnings: b.warnings, b: b}
	for dev, order := range orders {
		for _, cr := range order {
			if c := b.built[cr.Name]; c != nil {
				l.ByDevice[dev] = append(l.ByDevice[dev], *c)
			}
		}
	}
	return l, nil
}

// loginBuilder turns stored credentials into the engine's, sharing one
// ssh-agent connection among them.
type loginBuilder struct {
	built    map[string]*engine.Credential
	warnings []string
	agent    net.Conn
	agentErr error
	signers  []ssh.Signer
}

// credential builds one credential, or nil (with a warning) when it
// cannot be used here: an agent credential without an agent.
func (b *loginBuilder) credential(ctx context.Context, k *vault.Key, cr *store.Credential) (*engine.Credential, error) {
	c := &engine.Credential{Name: cr.Name, User: cr.User}
	if len(cr.Sealed) > 0 {
		s, err := k.OpenSecret(cr.Sealed, cr.Identity())
		if err != nil {
			return nil, err
		}
		defer s.Wipe()
		c.Password, c.Enable = string(s.Password), string(s.Enable)
		if cr.Kind == store.CredKey {
			signer, err := keySigner(s)
			if err != nil {
				return nil, fmt.Errorf("key from %s: %w", cr.KeyFile, err)
			}
			c.Signers = []ssh.Signer{signer}
		}
	}
	if cr.Kind == store.CredAgent {
		signers, err := b.agentSigners(ctx)
		if err != nil {
			b.warnings = append(b.warnings, fmt.Sprintf("credential %s is not tried: %v", cr.Name, err))
			return nil, nil
		}
		c.Signers = signers
	}
	return c, nil
}

func keySigner(s *vault.Secret) (ssh.Signer, error) {
	if len(s.KeyPassphrase) > 0 {
		return ssh.ParsePrivateKeyWithPassphrase(s.KeyPEM, s.KeyPassphrase)
	}
	return ssh.ParsePrivateKey(s.KeyPEM)
}

// agentSigners connects to the ssh-agent once and lends its keys to every
// agent credential.
func (b *loginBuilder) agentSigners(ctx context.Context) ([]ssh.Signer, error) {
	if b.agent != nil || b.agentErr != nil {
		return b.signers, b.agentErr
	}
	sock := os.Getenv("SSH_AUTH_SOCK")
	if sock == "" {
		b.agentErr = errors.New("SSH_AUTH_SOCK is not set: no ssh-agent")
		return nil, b.agentErr
	}
	d := net.Dialer{Timeout: 2 * time.Second}
	conn, err := d.DialContext(ctx, "unix", sock)
	if err != nil {
		b.agentErr = fmt.Errorf("ssh-agent: %w", err)
		return nil, b.agentErr
	}
	b.agent = conn
	// An agent that stops answering must not hold a run: every request
	// to it gets a deadline.
	_ = conn.SetDeadline(time.Now().Add(agentTimeout))
	signers, err := agent.NewClient(conn).Signers()
	for _, s := range signers {
		if as, ok := s.(ssh.AlgorithmSigner); ok {
			s = deadlineSigner{as, conn}
		}
		b.signers = append(b.signers, s)
	}
	if err != nil {
		b.agentErr = fmt.Errorf("ssh-agent: %w", err)
	} else if len(b.signers) == 0 {
		b.agentErr = errors.New("the ssh-agent holds no keys (ssh-add adds them)")
	}
	return b.signers, b.agentErr
}

func (b *loginBuilder) close() {
	if b.agent != nil {
		b.agent.Close()
	}
}

// RecordAttempts remembers how each credential fared on each device, as
// the engine reported it, in one transaction for the whole run.
func RecordAttempts(ctx context.Context, st *store.Store, attempts map[string][]engine.Attempt) error {
	n := 0
	for _, as := range attempts {
		n += len(as)
	}
	if n == 0 {
		return nil
	}
	return st.Update(ctx, func(t *store.Tx) error {
		for device, as := range attempts {
			for _, a := range as {
				o := store.AuthFailed
				if a.OK {
					o = store.AuthOK
				}
				if err := t.RecordCredOutcome(device, a.Cred, o); err != nil && !errors.Is(err, store.ErrNotFound) {
					return err
				}
			}
		}
		return nil
	})
}

// agentTimeout bounds each request to the ssh-agent.
const agentTimeout = 10 * time.Second

// deadlineSigner signs with the agent under a deadline on its connection,
// keeping the algorithm choice (rsa-sha2-256...) of the agent's signer.
type deadlineSigner struct {
	ssh.AlgorithmSigner
	conn net.Conn
}

func (s deadlineSigner) Sign(rand io.Reader, data []byte) (*ssh.Signature, error) {
	_ = s.conn.SetDeadline(time.Now().Add(agentTimeout))
	return s.AlgorithmSigner.Sign(rand, data)
}

func (s deadlineSigner) SignWithAlgorithm(rand io.Reader, data []byte, algorithm string) (*ssh.Signature, error) {
	_ = s.conn.SetDeadline(time.Now().Add(agentTimeout))
	return s.AlgorithmSigner.SignWithAlgorithm(rand, data, algorithm)
}
