package console

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"encoding/pem"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"vc/secrets"

	"github.com/rogpeppe/go-internal/testscript"
	"golang.org/x/crypto/ssh"

	"vc/store"
	"vc/vault"
)

// crashingMain is vc with a hook in vault passwd that kills the process,
// as a crash would, at the step named by VC_CRASH_AT.
func crashingMain() int {
	at := os.Getenv("VC_CRASH_AT")
	ctx := context.WithValue(context.Background(), stepHookKey{}, func(step string) {
		if step == at {
			fmt.Fprintf(os.Stderr, "simulated crash at %q\n", step)
			os.Exit(70)
		}
	})
	return Run(ctx, os.Args[1:], StdIO(), "test")
}

// vaultScriptCommands are the script commands of the vault tests.
func vaultScriptCommands() map[string]func(ts *testscript.TestScript, neg bool, args []string) {
	return map[string]func(ts *testscript.TestScript, neg bool, args []string){
		// credsecret NAME FIELD WANT opens credential NAME of $VC_HOME's
		// vault with $VC_VAULT_PASSWORD and compares one field of its
		// secret (password, enable, passphrase, or key: WANT is then the
		// key file) with WANT. Negated, the secret must not open or match.
		"credsecret": func(ts *testscript.TestScript, neg bool, args []string) {
			if len(args) != 3 {
				ts.Fatalf("usage: credsecret NAME FIELD WANT")
			}
			got, err := openCredSecret(ts.Getenv("VC_HOME"), ts.Getenv("VC_VAULT_PASSWORD"), args[0], args[1])
			want := []byte(args[2])
			if args[1] == "key" {
				want, _ = os.ReadFile(ts.MkAbs(args[2]))
			}
			ok := err == nil && bytes.Equal(got, want)
			switch {
			case neg && ok:
				ts.Fatalf("credential %s: %s opened and matched", args[0], args[1])
			case !neg && err != nil:
				ts.Fatalf("credential %s: %v", args[0], err)
			case !neg && !ok:
				ts.Fatalf("credential %s: %s does not match", args[0], args[1])
			}
		},
		// sshkey FILE [PASSPHRASE] writes a new ed25519 private key in
		// OpenSSH format, encrypted if a passphrase is given.
		"sshkey": func(ts *testscript.TestScript, neg bool, args []string) {
			if len(args) < 1 || len(args) > 2 {
				ts.Fatalf("usage: sshkey FILE [PASSPHRASE]")
			}
			_, priv, err := ed25519.GenerateKey(rand.Reader)
			ts.Check(err)
			var blk *pem.Block
			if len(args) == 2 {
				blk, err = ssh.MarshalPrivateKeyWithPassphrase(priv, "test", []byte(args[1]))
			} else {
				blk, err = ssh.MarshalPrivateKey(priv, "test")
			}
			ts.Check(err)
			ts.Check(os.WriteFile(ts.MkAbs(args[0]), pem.EncodeToMemory(blk), 0o600))
		},
		// credresult DEVICE CRED ok|refused records an outcome, as the
		// engine will when it logs in.
		"credresult": func(ts *testscript.TestScript, neg bool, args []string) {
			if len(args) != 3 {
				ts.Fatalf("usage: credresult DEVICE CRED ok|refused")
			}
			o := map[string]store.Outcome{"ok": store.AuthOK, "refused": store.AuthFailed}[args[2]]
			st, err := store.Open(ts.Getenv("VC_HOME"), store.Options{})
			ts.Check(err)
			ts.Check(st.Update(context.Background(), func(t *store.Tx) error { return t.RecordCredOutcome(args[0], args[1], o) }))
		},
		// nosecret SECRET PATH... fails if any file under the paths holds
		// SECRET.
		"nosecret": func(ts *testscript.TestScript, neg bool, args []string) {
			if len(args) < 2 {
				ts.Fatalf("usage: nosecret SECRET PATH...")
			}
			for _, p := range args[1:] {
				files, err := filesHolding(ts.MkAbs(p), []byte(args[0]))
				ts.Check(err)
				if len(files) > 0 {
					ts.Fatalf("%q found in %v", args[0], files)
				}
			}
		},
	}
}

func openCredSecret(home, password, name, field string) ([]byte, error) {
	st, err := store.Open(home, store.Options{})
	if err != nil {
		return nil, err
	}
	var s *vault.Secret
	err = st.View(context.Background(), func(t *store.Tx) error {
		h, err := secrets.LoadHeader(t)
		if err != nil {
			return err
		}
		k, err := h.Unlock([]byte(password))
		if err != nil {
			return err
		}
		defer k.Destroy()
		cr, err := t.Cred(name)
		if err != nil {
			return err
		}
		s, err = k.OpenSecret(cr.Sealed, cr.Identity())
		return err
	})
	if err != nil {
		return nil, err
	}
	switch field {
	case "password":
		return s.Password, nil
	case "enable":
		return s.Enable, nil
	case "passphrase":
		return s.KeyPassphrase, nil
	case "key":
		return s.KeyPEM, nil
	}
	return nil, fmt.Errorf("no field %q", field)
}

// filesHolding lists the files under root that contain secret.
func filesHolding(root string, secret []byte) ([]string, error) {
	var hits []string
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		if bytes.Contains(b, secret) {
			hits = append(hits, path)
		}
		return nil
	})
	return hits, err
}
