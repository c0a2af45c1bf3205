package vault

import (
	"encoding/json"
	"fmt"
)

// A bundle carries credentials from one vault to another, sealed under a
// password of its own: a header like a vault's, and one sealed payload.

const bundleFormat = "vc-credentials"

var bundleAD = []byte("vc/bundle/v1")

// BundleEntry is one credential in a bundle.
type BundleEntry struct {
	Name, User, Kind string
	// KeyFile is where a key credential's key was read from, for reference.
	KeyFile string
	Default bool
	Secret  *Secret
}

type bundleFile struct {
	Format string  `json:"format"`
	Header *Header `json:"header"`
	Sealed []byte  `json:"sealed"`
}

// SealBundle seals entries under password with parameters p.
func SealBundle(entries []BundleEntry, password []byte, p Params) ([]byte, error) {
	h, k, err := Create(password, p)
	if err != nil {
		return nil, err
	}
	defer k.Destroy()
	// Size the payload up front so growing it never strands copies of
	// secrets in arrays nobody can wipe.
	secrets := make([][]byte, len(entries))
	size := binaryMaxLen
	for i, e := range entries {
		sec := e.Secret
		if sec == nil {
			sec = &Secret{}
		}
		secrets[i] = sec.marshal()
		size += 1 + 5*binaryMaxLen + len(e.Name) + len(e.User) + len(e.Kind) + len(e.KeyFile) + len(secrets[i])
	}
	plain := make([]byte, 0, size)
	plain = appendUvarint(plain, uint64(len(entries)))
	for i, e := range entries {
		def := byte(0)
		if e.Default {
			def = 1
		}
		plain = appendField(plain, []byte(e.Name))
		plain = appendField(plain, []byte(e.User))
		plain = appendField(plain, []byte(e.Kind))
		plain = appendField(plain, []byte(e.KeyFile))
		plain = append(plain, def)
		plain = appendField(plain, secrets[i])
		Wipe(secrets[i])
	}
	defer Wipe(plain)
	sealed, err := k.Seal(plain, bundleAD)
	if err != nil {
		return nil, err
	}
	out, err := json.MarshalIndent(bundleFile{Format: bundleFormat, Header: h, Sealed: sealed}, "", "  ")
	if err != nil {
		return nil, fmt.Errorf("vault: bundle: %w", err)
	}
	return append(out, '\n'), nil
}

// OpenBundle opens a bundle with its password. A wrong password is
// ErrWrongPassword; a damaged file is ErrBadFormat or ErrCorrupt.
func OpenBundle(data, password []byte) ([]BundleEntry, error) {
	var f bundleFile
	if err := json.Unmarshal(data, &f); err != nil || f.Format != bundleFormat || f.Header == nil {
		return nil, fmt.Errorf("%w: not a vc credentials bundle", ErrBadFormat)
	}
	if err := f.Header.valid(); err != nil {
		return nil, err
	}
	k, err := f.Header.Unlock(password)
	if err != nil {
		return nil, err
	}
	defer k.Destroy()
	plain, err := k.Open(f.Sealed, bundleAD)
	if err != nil {
		return nil, err
	}
	defer Wipe(plain)
	d := decoder{b: plain}
	n := d.uvarint()
	if n > uint64(len(plain)) {
		return nil, fmt.Errorf("%w: bundle entry count", ErrBadFormat)
	}
	entries := make([]BundleEntry, 0, n)
	for range n {
		e := BundleEntry{Name: string(d.field()), User: string(d.field()), Kind: string(d.field()), KeyFile: string(d.field())}
		e.Default = d.byte() == 1
		s := d.field()
		if d.err != nil {
			break
		}
		e.Secret, d.err = unmarshalSecret(s)
		Wipe(s)
		entries = append(entries, e)
	}
	if d.err != nil {
		for _, e := range entries {
			e.Secret.Wipe()
		}
		return nil, d.err
	}
	return entries, nil
}
