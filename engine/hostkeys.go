package engine

import (
	"bufio"
	"bytes"
	"crypto/hmac"
	"crypto/sha1"
	"encoding/base64"
	"errors"
	"fmt"
	"net"
	"os"
	"slices"
	"strings"
	"sync"

	"golang.org/x/crypto/ssh"
	"golang.org/x/crypto/ssh/knownhosts"
)

// HostKeys checks host keys against a known_hosts file in OpenSSH's format:
// trust on first use, refuse on change. It is safe for concurrent use.
type HostKeys struct {
	path string
	mu   sync.Mutex
	// keys maps a normalised address ("[127.0.0.1]:10000", or "host" for
	// port 22) to its keys.
	keys map[string][]ssh.PublicKey
	// hashed holds OpenSSH's hashed entries (|1|salt|hash), checked by HMAC.
	hashed []hashedEntry
}

type hashedEntry struct {
	salt, hash []byte
	key        ssh.PublicKey
}

// LoadHostKeys reads path; a missing file is an empty one.
func LoadHostKeys(path string) (*HostKeys, error) {
	h := &HostKeys{path: path, keys: map[string][]ssh.PublicKey{}}
	data, err := os.ReadFile(path)
	if errors.Is(err, os.ErrNotExist) {
		return h, nil
	}
	if err != nil {
		return nil, fmt.Errorf("known hosts: %w", err)
	}
	for len(data) > 0 {
		marker, hosts, key, _, rest, err := ssh.ParseKnownHosts(data)
		if err == nil && marker == "" {
			for _, host := range hosts {
				h.addParsed(host, key)
			}
		}
		if err != nil && rest == nil {
			break
		}
		data = rest
	}
	return h, nil
}

func (h *HostKeys) addParsed(host string, key ssh.PublicKey) {
	if strings.HasPrefix(host, "|1|") {
		parts := strings.Split(host, "|")
		if len(parts) == 4 {
			salt, err1 := base64.StdEncoding.DecodeString(parts[2])
			hash, err2 := base64.StdEncoding.DecodeString(parts[3])
			if err1 == nil && err2 == nil {
				h.hashed = append(h.hashed, hashedEntry{salt, hash, key})
			}
		}
		return
	}
	h.keys[host] = append(h.keys[host], key)
}

// HostKeyChangedError is a host that presented a key other than the one on
// record, or offered only keys of other types: possibly an attack,
// possibly a replaced device.
type HostKeyChangedError struct {
	Addr string
	// Got is the key the host presented; nil when it offered none of the
	// types on record.
	Got ssh.PublicKey
	// Offered are the host-key algorithms the host offered instead, when
	// Got is nil.
	Offered []string
	File    string
	// Device names the device, when the caller knows it.
	Device string
}

func (e *HostKeyChangedError) Error() string {
	dev := e.Device
	if dev == "" {
		dev = "DEVICE"
	}
	now := "presents a key of another type"
	if e.Got != nil {
		now = fmt.Sprintf("presents %s %s", e.Got.Type(), ssh.FingerprintSHA256(e.Got))
	} else if len(e.Offered) > 0 {
		now = fmt.Sprintf("offers only keys of another type (%s)", strings.Join(e.Offered, ", "))
	}
	return fmt.Sprintf("host key changed! %s now %s, not the key recorded in %s; if the device was replaced, run: hostkey forget %s",
		e.Addr, now, e.File, dev)
}

// lookup returns the keys on record for a normalised address.
func (h *HostKeys) lookup(addr string) []ssh.PublicKey {
	keys := h.keys[addr]
	for _, e := range h.hashed {
		mac := hmac.New(sha1.New, e.salt)
		mac.Write([]byte(addr))
		if hmac.Equal(mac.Sum(nil), e.hash) {
			keys = append(keys, e.key)
		}
	}
	return keys
}

// trust is what a connection's host-key check found: whether the host's
// key was on record, which decides how many credentials it may be offered.
type trust int

const (
	// trustUnchecked: host-key checking is off for the host.
	trustUnchecked trust = iota
	// trustFirstSeen: nothing was on record; the key was first seen in
	// this connection, and is recorded only once a login over it works.
	trustFirstSeen
	// trustKnown: the key matched one on record.
	trustKnown
)

// hostCheck is one connection's host-key check: trust on first use, refuse
// on change. Its callback records nothing: a first-seen key is recorded by
// commit once a login succeeded, so a host that refuses every credential
// (an impostor collecting passwords) never becomes known.
type hostCheck struct {
	keys  *HostKeys
	addr  string
	trust trust
	fresh ssh.PublicKey
}

// check starts the host-key check of one connection.
func (h *HostKeys) check() *hostCheck { return &hostCheck{keys: h} }

func (c *hostCheck) callback(hostname string, _ net.Addr, key ssh.PublicKey) error {
	h := c.keys
	addr := knownhosts.Normalize(hostname)
	h.mu.Lock()
	defer h.mu.Unlock()
	known := h.lookup(addr)
	if len(known) == 0 {
		c.addr, c.fresh, c.trust = addr, key, trustFirstSeen
		return nil
	}
	for _, k := range known {
		if bytes.Equal(k.Marshal(), key.Marshal()) {
			c.trust = trustKnown
			return nil
		}
	}
	// The host was asked only for the types on record (algorithms): a
	// key of another type is a change, as OpenSSH has it, or an impostor
	// could get past an ed25519 key by offering only RSA.
	return &HostKeyChangedError{Addr: addr, Got: key, File: h.path}
}

// result is what the check found; nil checks nothing.
func (c *hostCheck) result() trust {
	if c == nil {
		return trustUnchecked
	}
	c.keys.mu.Lock()
	defer c.keys.mu.Unlock()
	return c.trust
}

// commit records the key first seen in the connection, now that a login
// over it succeeded. Another connection may have recorded it meanwhile;
// a different key recorded meanwhile is a change.
func (c *hostCheck) commit() error {
	if c == nil {
		return nil
	}
	h := c.keys
	h.mu.Lock()
	defer h.mu.Unlock()
	if c.fresh == nil {
		return nil
	}
	known := h.lookup(c.addr)
	for _, k := range known {
		if bytes.Equal(k.Marshal(), c.fresh.Marshal()) {
			return nil
		}
	}
	if len(known) > 0 {
		return &HostKeyChangedError{Addr: c.addr, Got: c.fresh, File: h.path}
	}
	return h.record(c.addr, c.fresh)
}

// algorithms lists the host-key algorithms to ask the host at hostport
// for, and says whether any key is on record for it: only the types on
// record, or, for a host seen for the first time, firstContact.
func (h *HostKeys) algorithms(hostport string) ([]string, bool) {
	addr := knownhosts.Normalize(hostport)
	h.mu.Lock()
	known := h.lookup(addr)
	h.mu.Unlock()
	if len(known) == 0 {
		return slices.Clone(firstContact), false
	}
	types := make([]string, len(known))
	for i, k := range known {
		types[i] = k.Type()
	}
	return algorithmsFor(types), true
}

// otherTypes is the change of a host that was asked only for the key
// types on record and offered none of them.
func (h *HostKeys) otherTypes(hostport string, offered []string) *HostKeyChangedError {
	return &HostKeyChangedError{Addr: knownhosts.Normalize(hostport), Offered: offered, File: h.path}
}

// firstContact is what a host seen for the first time is asked for:
// plain keys, strongest first as OpenSSH orders them, so that what is
// recorded is the key OpenSSH would record. No certificates: vc trusts no
// certificate authority, and pinning a certificate would break at its
// renewal.
var firstContact = []string{
	ssh.KeyAlgoED25519, ssh.KeyAlgoECDSA256, ssh.KeyAlgoECDSA384, ssh.KeyAlgoECDSA521,
	ssh.KeyAlgoRSASHA512, ssh.KeyAlgoRSASHA256, ssh.KeyAlgoRSA,
}

// algorithmsFor maps key types to the algorithms that prove them: an RSA
// key signs with SHA-2 or, on old devices, SHA-1, and an RSA certificate
// likewise; every other type is its own algorithm.
func algorithmsFor(types []string) []string {
	var out []string
	for _, t := range types {
		algos := []string{t}
		switch t {
		case ssh.KeyAlgoRSA:
			algos = []string{ssh.KeyAlgoRSASHA512, ssh.KeyAlgoRSASHA256, ssh.KeyAlgoRSA}
		case ssh.CertAlgoRSAv01:
			algos = []string{ssh.CertAlgoRSASHA512v01, ssh.CertAlgoRSASHA256v01, ssh.CertAlgoRSAv01}
		}
		for _, a := range algos {
			if !slices.Contains(out, a) {
				out = append(out, a)
			}
		}
	}
	return out
}

func (h *HostKeys) record(addr string, key ssh.PublicKey) error {
	line := knownhosts.Line([]string{addr}, key) + "\n"
	f, err := os.OpenFile(h.path, os.O_APPEND|os.O_CREATE|os.O_WRONLY, 0o600)
	if err != nil {
		return fmt.Errorf("known hosts: %w", err)
	}
	_, err = f.WriteString(line)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return fmt.Errorf("known hosts: %w", err)
	}
	h.keys[addr] = append(h.keys[addr], key)
	return nil
}

// Forget removes every key recorded for the address host:port, and says
// how many lines it removed.
func (h *HostKeys) Forget(hostport string) (int, error) {
	addr := knownhosts.Normalize(hostport)
	h.mu.Lock()
	defer h.mu.Unlock()
	data, err := os.ReadFile(h.path)
	if errors.Is(err, os.ErrNotExist) {
		return 0, nil
	}
	if err != nil {
		return 0, fmt.Errorf("known hosts: %w", err)
	}
	var kept bytes.Buffer
	removed := 0
	sc := bufio.NewScanner(bytes.NewReader(data))
	sc.Buffer(make([]byte, 64*1024), 1024*1024)
	for sc.Scan() {
		line := sc.Text()
		if lineMatches(line, addr) {
			removed++
			continue
		}
		kept.WriteString(line + "\n")
	}
	if removed == 0 {
		return 0, nil
	}
	tmp := h.path + ".tmp"
	if err := os.WriteFile(tmp, kept.Bytes(), 0o600); err != nil {
		return 0, fmt.Errorf("known hosts: %w", err)
	}
	if err := os.Rename(tmp, h.path); err != nil {
		return 0, fmt.Errorf("known hosts: %w", err)
	}
	fresh, err := LoadHostKeys(h.path)
	if err != nil {
		return removed, err
	}
	h.keys, h.hashed = fresh.keys, fresh.hashed
	return removed, nil
}

// lineMatches reports whether a known_hosts line is for addr.
func lineMatches(line, addr string) bool {
	_, hosts, _, _, _, err := ssh.ParseKnownHosts([]byte(line))
	if err != nil {
		return false
	}
	tmp := &HostKeys{keys: map[string][]ssh.PublicKey{}}
	for _, host := range hosts {
		tmp.addParsed(host, nil)
	}
	if _, ok := tmp.keys[addr]; ok {
		return true
	}
	return len(tmp.lookup(addr)) > 0
}
