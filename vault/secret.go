package vault

import "fmt"

// Secret is what a credential keeps sealed. Fields it does not use are
// empty.
type Secret struct {
	// Password logs in with a password.
	Password []byte
	// KeyPEM is a private key file's content, and KeyPassphrase what
	// decrypts it if it is encrypted.
	KeyPEM        []byte
	KeyPassphrase []byte
	// Enable is the privileged-mode (enable) secret.
	Enable []byte
}

const secretVersion = 1

// Wipe zeroes every field.
func (s *Secret) Wipe() {
	if s == nil {
		return
	}
	for _, f := range [][]byte{s.Password, s.KeyPEM, s.KeyPassphrase, s.Enable} {
		Wipe(f)
	}
}

// marshal encodes s; the caller wipes the result.
func (s *Secret) marshal() []byte {
	n := 1 + len(s.Password) + len(s.KeyPEM) + len(s.KeyPassphrase) + len(s.Enable) + 4*binaryMaxLen
	b := make([]byte, 0, n)
	b = append(b, secretVersion)
	for _, f := range [][]byte{s.Password, s.KeyPEM, s.KeyPassphrase, s.Enable} {
		b = appendField(b, f)
	}
	return b
}

// binaryMaxLen is the most bytes a length prefix takes; marshal sizes its
// buffer up front so append never copies (and strands) a secret.
const binaryMaxLen = 10

func unmarshalSecret(b []byte) (*Secret, error) {
	d := decoder{b: b}
	if v := d.byte(); d.err == nil && v != secretVersion {
		return nil, fmt.Errorf("%w: secret version %d", ErrBadFormat, v)
	}
	s := &Secret{Password: d.field(), KeyPEM: d.field(), KeyPassphrase: d.field(), Enable: d.field()}
	if d.err != nil {
		s.Wipe()
		return nil, d.err
	}
	return s, nil
}

// SealSecret seals s for the record identified by ad.
func (k *Key) SealSecret(s *Secret, ad []byte) ([]byte, error) {
	plain := s.marshal()
	defer Wipe(plain)
	return k.Seal(plain, ad)
}

// OpenSecret opens what SealSecret returned for the same ad. The caller
// wipes the secret when done with it.
func (k *Key) OpenSecret(sealed, ad []byte) (*Secret, error) {
	plain, err := k.Open(sealed, ad)
	if err != nil {
		return nil, err
	}
	defer Wipe(plain)
	return unmarshalSecret(plain)
}
