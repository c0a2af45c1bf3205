package lab

import (
	"crypto/ed25519"
	"crypto/rsa"
	"crypto/sha256"
	"fmt"
	"math/big"
	"math/rand/v2"

	"golang.org/x/crypto/ssh"
)

// hostKey derives the host key of a device, of kind "ed25519" or "rsa",
// from the seed, its name and how many times it was rotated, so that a
// restarted lab presents the same keys and known_hosts entries stay valid.
// A legacy device's RSA key signs with SHA-1 only, as old IOS does.
func hostKey(seed int64, name string, rotation int, kind string, legacy bool) (ssh.Signer, error) {
	sum := sha256.Sum256(fmt.Appendf(nil, "vc-lab-hostkey\x00%d\x00%s\x00%d", seed, name, rotation))
	if kind != "rsa" {
		s, err := ssh.NewSignerFromKey(ed25519.NewKeyFromSeed(sum[:]))
		if err != nil {
			return nil, fmt.Errorf("host key of %s: %w", name, err)
		}
		return s, nil
	}
	key, err := deterministicRSA(rand.NewChaCha8(sum), 2048)
	if err != nil {
		return nil, fmt.Errorf("host key of %s: %w", name, err)
	}
	s, err := ssh.NewSignerFromKey(key)
	if err != nil {
		return nil, fmt.Errorf("host key of %s: %w", name, err)
	}
	if !legacy {
		return s, nil
	}
	// Old devices sign only with SHA-1 RSA; offering rsa-sha2-* too would
	// let a modern client succeed where a real one must be told to accept
	// ssh-rsa.
	legacySigner, err := ssh.NewSignerWithAlgorithms(s.(ssh.AlgorithmSigner), []string{ssh.KeyAlgoRSA})
	if err != nil {
		return nil, fmt.Errorf("host key of %s: %w", name, err)
	}
	return legacySigner, nil
}

// deterministicRSA builds an RSA key from a seeded stream. crypto/rsa no
// longer honours a caller's randomness (Go 1.26), and lab host keys must be
// reproducible, so the primes are drawn here.
func deterministicRSA(r *rand.ChaCha8, bits int) (*rsa.PrivateKey, error) {
	e := big.NewInt(65537)
	one := big.NewInt(1)
	for {
		p := deterministicPrime(r, bits/2)
		q := deterministicPrime(r, bits/2)
		if p.Cmp(q) == 0 {
			continue
		}
		pm1 := new(big.Int).Sub(p, one)
		qm1 := new(big.Int).Sub(q, one)
		phi := new(big.Int).Mul(pm1, qm1)
		d := new(big.Int).ModInverse(e, phi)
		if d == nil {
			continue // e shares a factor with p-1 or q-1
		}
		key := &rsa.PrivateKey{
			PublicKey: rsa.PublicKey{N: new(big.Int).Mul(p, q), E: int(e.Int64())},
			D:         d,
			Primes:    []*big.Int{p, q},
		}
		key.Precompute()
		if err := key.Validate(); err != nil {
			return nil, fmt.Errorf("derived rsa key: %w", err)
		}
		return key, nil
	}
}

// deterministicPrime draws odd numbers with the top two bits set, so that a
// product of two has exactly twice the bits, until one is prime.
func deterministicPrime(r *rand.ChaCha8, bits int) *big.Int {
	buf := make([]byte, bits/8)
	p := new(big.Int)
	for {
		_, _ = r.Read(buf) // ChaCha8.Read never fails
		buf[0] |= 0xc0
		buf[len(buf)-1] |= 1
		p.SetBytes(buf)
		if p.ProbablyPrime(20) {
			return p
		}
	}
}
