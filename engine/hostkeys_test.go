package engine

import (
	"slices"
	"testing"

	"golang.org/x/crypto/ssh"
)

// TestHostKeyAlgorithms: a host is asked for the algorithms of the key
// types on record, RSA with its SHA-2 signatures first.
func TestHostKeyAlgorithms(t *testing.T) {
	cases := []struct {
		recorded []string
		want     []string
	}{
		{nil, nil},
		{[]string{"ssh-ed25519"}, []string{"ssh-ed25519"}},
		{[]string{"ssh-rsa"}, []string{"rsa-sha2-512", "rsa-sha2-256", "ssh-rsa"}},
		{[]string{"ssh-ed25519", "ecdsa-sha2-nistp256", "ssh-ed25519"}, []string{"ssh-ed25519", "ecdsa-sha2-nistp256"}},
		{[]string{ssh.CertAlgoRSAv01}, []string{ssh.CertAlgoRSASHA512v01, ssh.CertAlgoRSASHA256v01, ssh.CertAlgoRSAv01}},
		{[]string{ssh.CertAlgoED25519v01}, []string{ssh.CertAlgoED25519v01}},
	}
	for _, c := range cases {
		if got := algorithmsFor(c.recorded); !slices.Equal(got, c.want) {
			t.Errorf("%v: got %v, want %v", c.recorded, got, c.want)
		}
	}
}
