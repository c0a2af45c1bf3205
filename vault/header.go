package vault

import (
	"bytes"
	"crypto/rand"
	"encoding/json"
	"fmt"
)

// headerVersion is the layout of Header; a newer one is refused.
const headerVersion = 1

const kdfArgon2id = "argon2id"

// checkPlain is sealed into every header so that unlocking can tell a wrong
// password from damaged secrets without opening any secret.
var (
	checkPlain = []byte("vc vault check value")
	checkAD    = []byte("vc/vault/check/v1")
)

// Header is what a vault stores in the clear: how to derive its key from
// the password, and a check value sealed under that key.
type Header struct {
	Version int    `json:"version"`
	KDF     string `json:"kdf"`
	Params  Params `json:"params"`
	Salt    []byte `json:"salt"`
	Check   []byte `json:"check"`
}

// Create makes a new vault header for password, with a fresh salt, and
// returns it with the unlocked key.
func Create(password []byte, p Params) (*Header, *Key, error) {
	if len(password) == 0 {
		return nil, nil, ErrEmptyPassword
	}
	if err := p.Check(); err != nil {
		return nil, nil, err
	}
	salt := make([]byte, 16)
	if _, err := rand.Read(salt); err != nil {
		return nil, nil, fmt.Errorf("vault: salt: %w", err)
	}
	k := deriveKey(password, salt, p)
	check, err := k.Seal(checkPlain, checkAD)
	if err != nil {
		k.Destroy()
		return nil, nil, err
	}
	return &Header{Version: headerVersion, KDF: kdfArgon2id, Params: p, Salt: salt, Check: check}, k, nil
}

// Unlock derives the key from password and returns it if the check value
// opens under it, else ErrWrongPassword.
func (h *Header) Unlock(password []byte) (*Key, error) {
	if len(password) == 0 {
		return nil, ErrEmptyPassword
	}
	if err := h.valid(); err != nil {
		return nil, err
	}
	k := deriveKey(password, h.Salt, h.Params)
	plain, err := k.Open(h.Check, checkAD)
	if err != nil || !bytes.Equal(plain, checkPlain) {
		k.Destroy()
		return nil, ErrWrongPassword
	}
	return k, nil
}

// Same reports whether h and o describe the same key: a session holding a
// key for one must not seal under it after another process changed the
// password.
func (h *Header) Same(o *Header) bool {
	return o != nil && bytes.Equal(h.Salt, o.Salt) && bytes.Equal(h.Check, o.Check) && h.Params == o.Params
}

func (h *Header) valid() error {
	if h.Version != headerVersion {
		return fmt.Errorf("%w: header version %d, this vc knows %d", ErrBadFormat, h.Version, headerVersion)
	}
	if h.KDF != kdfArgon2id {
		return fmt.Errorf("%w: key derivation %q", ErrBadFormat, h.KDF)
	}
	if len(h.Salt) < 16 || len(h.Check) == 0 {
		return fmt.Errorf("%w: header is incomplete", ErrBadFormat)
	}
	return h.Params.Check()
}

// Marshal encodes the header for the store.
func (h *Header) Marshal() ([]byte, error) { return json.Marshal(h) }

// ParseHeader decodes what Marshal wrote and checks it.
func ParseHeader(b []byte) (*Header, error) {
	var h Header
	if err := json.Unmarshal(b, &h); err != nil {
		return nil, fmt.Errorf("%w: header: %v", ErrBadFormat, err)
	}
	if err := h.valid(); err != nil {
		return nil, err
	}
	return &h, nil
}
