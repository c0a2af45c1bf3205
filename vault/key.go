package vault

import (
	"crypto/rand"
	"fmt"
	"sync"

	"golang.org/x/crypto/argon2"
	"golang.org/x/crypto/chacha20poly1305"
)

// Key is a derived 256-bit key that seals and opens secrets until it is
// destroyed. It is safe for concurrent use.
type Key struct {
	mu sync.RWMutex
	b  []byte
}

func deriveKey(password, salt []byte, p Params) *Key {
	return &Key{b: argon2.IDKey(password, salt, p.Time, p.MemoryKiB, p.Threads, chacha20poly1305.KeySize)}
}

// Seal encrypts plain with XChaCha20-Poly1305 under a fresh random nonce.
// ad is the identity of the record the result belongs to: the result opens
// only with the same ad. It returns nonce || ciphertext.
func (k *Key) Seal(plain, ad []byte) ([]byte, error) {
	k.mu.RLock()
	defer k.mu.RUnlock()
	if k.b == nil {
		return nil, ErrLocked
	}
	// The AEAD keeps a copy of the key, so it lives only for this call.
	aead, err := chacha20poly1305.NewX(k.b)
	if err != nil {
		return nil, fmt.Errorf("vault: seal: %w", err)
	}
	out := make([]byte, aead.NonceSize(), aead.NonceSize()+len(plain)+aead.Overhead())
	if _, err := rand.Read(out); err != nil {
		return nil, fmt.Errorf("vault: nonce: %w", err)
	}
	return aead.Seal(out, out, plain, ad), nil
}

// Open decrypts what Seal returned, checking it belongs to ad. The caller
// owns the plaintext and should Wipe it when done.
func (k *Key) Open(sealed, ad []byte) ([]byte, error) {
	k.mu.RLock()
	defer k.mu.RUnlock()
	if k.b == nil {
		return nil, ErrLocked
	}
	aead, err := chacha20poly1305.NewX(k.b)
	if err != nil {
		return nil, fmt.Errorf("vault: open: %w", err)
	}
	if len(sealed) < aead.NonceSize()+aead.Overhead() {
		return nil, ErrCorrupt
	}
	n := aead.NonceSize()
	plain, err := aead.Open(nil, sealed[:n], sealed[n:], ad)
	if err != nil {
		return nil, ErrCorrupt
	}
	return plain, nil
}

// Destroy zeroes the key; Seal and Open fail with ErrLocked afterwards.
// Copies the Go runtime made of it (a moved stack, a freed AEAD) are out
// of reach, which is why AEADs are never kept.
func (k *Key) Destroy() {
	if k == nil {
		return
	}
	k.mu.Lock()
	defer k.mu.Unlock()
	Wipe(k.b)
	k.b = nil
}

// Destroyed reports whether Destroy was called.
func (k *Key) Destroyed() bool {
	k.mu.RLock()
	defer k.mu.RUnlock()
	return k.b == nil
}

// Wipe zeroes b, for passwords and plaintexts once they are used.
func Wipe(b []byte) {
	clear(b)
}
