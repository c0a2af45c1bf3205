package console

import (
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"crypto/rsa"
	"encoding/pem"
	"fmt"
	"golang.org/x/crypto/ssh/agent"
	"net"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
	"vc/secrets"

	"golang.org/x/crypto/ssh"

	"vc/engine"
	"vc/lab"
	"vc/store"
)

func credNames(cs []engine.Credential) []string {
	var out []string
	for _, c := range cs {
		out = append(out, c.Name)
	}
	return out
}

// TestLoginsAgainstTheLab is the path exec takes: credentials in the
// store's order with their secrets, the engine logging in to a simulated
// device, and what it learned recorded so the next run starts with the
// credential that worked.
func TestLoginsAgainstTheLab(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	l, err := lab.Start(ctx, lab.Options{Devices: 1, Platforms: []string{"cisco_ios"}, Listen: "127.0.0.1",
		User: "admin", Password: "Lab-Pass-1", EnableSecret: "Lab-Enable-1", Seed: 1})
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	d := l.Devices()[0]

	home := t.TempDir()
	in := strings.NewReader("Nope-Pass-1\nLab-Pass-1\nLab-Enable-1\n")
	e, _, errOut := testEnv(t, home, in)
	e.passwordFile = writeFile(t, filepath.Join(t.TempDir(), "pw"), "vault-pass-1")
	mustRun(t, e, cheapInit)
	mustRun(t, e, "cred add a-wrong --user admin --password-stdin")
	mustRun(t, e, "cred add b-right --user admin --password-stdin --enable-secret-stdin")
	mustRun(t, e, fmt.Sprintf("device add %s ip=%s port=%d platform=%s", d.Name, d.Address, d.Port, d.Platform))
	mustRun(t, e, "vault lock")

	r, err := engine.NewRunner(engine.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	run := func() *engine.Result {
		t.Helper()
		ds, err := e.Devices(ctx)
		if err != nil {
			t.Fatal(err)
		}
		lg, err := e.keyring.Logins(ctx, ds)
		if err != nil {
			t.Fatal(err)
		}
		logins, done := lg.ByDevice, lg.Close
		defer done()
		target := engine.Target{Name: d.Name, Address: d.Address, Port: d.Port, Platform: d.Platform, Creds: logins[d.Name], IgnoreHostKey: true, OfferAllCreds: true}
		res := r.Collect(ctx, engine.Plan{Targets: []engine.Target{target}, Commands: []string{"show version"}})[d.Name]
		if res == nil || res.Err != nil {
			t.Fatalf("run: %v", res)
		}
		if err := secrets.RecordAttempts(ctx, e.Store, map[string][]engine.Attempt{d.Name: res.Attempts}); err != nil {
			t.Fatal(err)
		}
		return res
	}

	// Nothing known: by name, so the wrong one first; the vault unlocks
	// itself for the secrets.
	ds, _ := e.Devices(ctx)
	lg, err := e.keyring.Logins(ctx, ds)
	if err != nil {
		t.Fatal(err)
	}
	logins, done := lg.ByDevice, lg.Close
	done()
	got := logins[d.Name]
	if !slices.Equal(credNames(got), []string{"a-wrong", "b-right"}) {
		t.Fatalf("order %v", credNames(got))
	}
	if got[1].User != "admin" || got[1].Password != "Lab-Pass-1" || got[1].Enable != "Lab-Enable-1" || got[0].Password != "Nope-Pass-1" {
		t.Fatalf("secrets not opened as stored")
	}
	res := run()
	if res.Cred != "b-right" || len(res.Attempts) != 2 || res.Attempts[0].OK || !res.Attempts[1].OK {
		t.Fatalf("first run: cred %s, attempts %+v", res.Cred, res.Attempts)
	}
	// The one that worked now goes first, and the refused one last.
	res = run()
	if res.Cred != "b-right" || len(res.Attempts) != 1 {
		t.Fatalf("second run: cred %s, attempts %+v", res.Cred, res.Attempts)
	}
	err = e.Store.View(ctx, func(tx *store.Tx) error {
		h, err := tx.CredHistory(d.Name)
		if len(h) != 2 || h[0].Cred != "a-wrong" || h[0].Failed != 1 || h[1].Cred != "b-right" || h[1].OK != 2 {
			t.Errorf("history %+v", h)
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(errOut.String(), "Lab-Pass-1") {
		t.Fatalf("a secret reached stderr:\n%s", errOut)
	}
}

// TestLoginsKeysAndAgent: a key credential becomes a signer for its key;
// an agent credential without an agent is left out, said so; a
// credential that needs no secret needs no vault.
func TestLoginsKeysAndAgent(t *testing.T) {
	ctx := context.Background()
	home := t.TempDir()
	_, priv, _ := ed25519.GenerateKey(rand.Reader)
	blk, err := ssh.MarshalPrivateKeyWithPassphrase(priv, "t", []byte("Key-Phrase-1"))
	if err != nil {
		t.Fatal(err)
	}
	keyFile := writeFile(t, filepath.Join(t.TempDir(), "id"), string(pem.EncodeToMemory(blk)))
	t.Setenv("SSH_AUTH_SOCK", "")

	e, _, _ := testEnv(t, home, strings.NewReader("Key-Phrase-1\n"))
	mustRun(t, e, "cred add me --user netops --agent --default")
	mustRun(t, e, "device add sw1 ip=10.0.0.1")
	ds, _ := e.Devices(ctx)
	// No vault at all, and none needed.
	lg, err := e.keyring.Logins(ctx, ds)
	if err != nil {
		t.Fatal(err)
	}
	logins, done := lg.ByDevice, lg.Close
	done()
	if len(logins["sw1"]) != 0 || len(lg.Warnings) != 1 || !strings.Contains(lg.Warnings[0], "credential me is not tried: SSH_AUTH_SOCK is not set") {
		t.Fatalf("logins %v; warnings %q", logins, lg.Warnings)
	}

	e.passwordFile = writeFile(t, filepath.Join(t.TempDir(), "pw"), "vault-pass-1")
	mustRun(t, e, cheapInit)
	mustRun(t, e, "cred add lab --user root --key "+keyFile+" --key-passphrase-stdin; device edit sw1 cred=lab; vault lock")
	lg, err = e.keyring.Logins(ctx, ds)
	if err != nil {
		t.Fatal(err)
	}
	logins, done = lg.ByDevice, lg.Close
	defer done()
	got := logins["sw1"]
	if len(got) != 1 || got[0].Name != "lab" || len(got[0].Signers) != 1 {
		t.Fatalf("logins %+v", got)
	}
	pub, _ := ssh.NewPublicKey(priv.Public())
	if string(got[0].Signers[0].PublicKey().Marshal()) != string(pub.Marshal()) {
		t.Fatal("the signer is not the stored key's")
	}

	// Without a password for the vault, Logins fails as the vault does.
	e2, _, _ := testEnv(t, home, nil)
	if _, err := e2.keyring.Logins(ctx, ds); exitCode(err) != ExitVaultLocked {
		t.Fatalf("locked vault: %v (exit %d)", err, exitCode(err))
	}
}

// TestLoginsWithAgent: an agent credential signs through a running
// ssh-agent, its RSA keys keeping the SHA-2 algorithms.
func TestLoginsWithAgent(t *testing.T) {
	ctx := context.Background()
	_, edKey, _ := ed25519.GenerateKey(rand.Reader)
	rsaKey, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	serveAgent(t, edKey, rsaKey)
	e, _, _ := testEnv(t, t.TempDir(), strings.NewReader(""))
	mustRun(t, e, "cred add me --user netops --agent --default")
	mustRun(t, e, "device add sw1 ip=10.0.0.1")
	ds, _ := e.Devices(ctx)
	lg, err := e.keyring.Logins(ctx, ds)
	if err != nil {
		t.Fatal(err)
	}
	logins, done := lg.ByDevice, lg.Close
	defer done()
	signers := logins["sw1"][0].Signers
	if len(signers) != 2 {
		t.Fatalf("%d signers, want the agent's 2", len(signers))
	}
	for _, s := range signers {
		as, ok := s.(ssh.AlgorithmSigner)
		if !ok {
			t.Fatalf("%s signer lost SignWithAlgorithm", s.PublicKey().Type())
		}
		algo := s.PublicKey().Type()
		if algo == ssh.KeyAlgoRSA {
			algo = ssh.KeyAlgoRSASHA256
		}
		sig, err := as.SignWithAlgorithm(rand.Reader, []byte("data"), algo)
		if err != nil {
			t.Fatal(err)
		}
		if err := s.PublicKey().Verify([]byte("data"), sig); err != nil {
			t.Errorf("%s: %v", algo, err)
		}
	}
}

// serveAgent runs an ssh-agent holding keys on a socket of its own for one
// test, and points SSH_AUTH_SOCK at it.
func serveAgent(t *testing.T, keys ...any) {
	t.Helper()
	keyring := agent.NewKeyring()
	for _, k := range keys {
		if err := keyring.Add(agent.AddedKey{PrivateKey: k}); err != nil {
			t.Fatal(err)
		}
	}
	sock := filepath.Join(t.TempDir(), "agent.sock")
	l, err := net.Listen("unix", sock)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { l.Close() })
	go func() {
		for {
			c, err := l.Accept()
			if err != nil {
				return
			}
			go func() {
				defer c.Close()
				_ = agent.ServeAgent(keyring, c)
			}()
		}
	}()
	t.Setenv("SSH_AUTH_SOCK", sock)
}
