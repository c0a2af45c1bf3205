package console

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"encoding/base64"
	"encoding/hex"
	"encoding/pem"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"golang.org/x/crypto/ssh"
)

// forms are the ways a secret could be written by mistake: as is, in hex,
// and in base64 at each of its three alignments (JSON writes []byte in
// base64), of which only the middle is independent of what surrounds it.
func forms(secret string) [][]byte {
	out := [][]byte{[]byte(secret), []byte(hex.EncodeToString([]byte(secret)))}
	for pad := 0; pad < 3; pad++ {
		enc := base64.StdEncoding.EncodeToString(append(make([]byte, pad), secret...))
		skip := 0
		if pad > 0 {
			skip = 4
		}
		if mid := enc[skip : len(enc)-4]; len(mid) >= 8 {
			out = append(out, []byte(mid))
		}
	}
	return out
}

// leaked reports which of secrets data holds, in any form.
func leaked(data []byte, secrets map[string]string) []string {
	var out []string
	for name, s := range secrets {
		for _, f := range forms(s) {
			if bytes.Contains(data, f) {
				out = append(out, name)
				break
			}
		}
	}
	return out
}

// TestNoSecretLeaks writes a known secret through every command that takes
// one, right and wrong, then looks for each in every output and in every
// file under VC_HOME (the store, its backup, the history).
func TestNoSecretLeaks(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	home, work := t.TempDir(), t.TempDir()
	secrets := map[string]string{
		"vault":        "Leak-Vault-Pass-0001",
		"vault2":       "Leak-Vault-Pass-0002",
		"vault3":       "Leak-Vault-Pass-0003",
		"wrong vault":  "Leak-Wrong-Vault-004",
		"password":     "Leak-Dev-Password-05",
		"enable":       "Leak-Enable-Secret-6",
		"enable2":      "Leak-Enable-Secret-7",
		"passphrase":   "Leak-Key-Phrase-0008",
		"wrong phrase": "Leak-Wrong-Phrase-09",
		"bundle":       "Leak-Bundle-Pass-010",
		"wrong bundle": "Leak-Wrong-Bundle-11",
		"typed":        "Leak-Typed-At-Prompt",
		"repl pw":      "Leak-Repl-Password-3",
	}
	_, priv, _ := ed25519.GenerateKey(rand.Reader)
	blk, err := ssh.MarshalPrivateKeyWithPassphrase(priv, "leak", []byte(secrets["passphrase"]))
	if err != nil {
		t.Fatal(err)
	}
	keyPEM := pem.EncodeToMemory(blk)
	keyFile := writeFile(t, filepath.Join(work, "id"), string(keyPEM))
	// The key's body, a line from its middle, is secret too.
	lines := strings.Split(string(keyPEM), "\n")
	secrets["key body"] = lines[len(lines)/2]
	vaultFile := writeFile(t, filepath.Join(work, "vault.pw"), secrets["vault"]+"\n")
	bundleFile := writeFile(t, filepath.Join(work, "bundle.pw"), secrets["bundle"]+"\n")
	bundle := filepath.Join(work, "creds.vcb")

	type step struct {
		args  []string
		stdin string
		env   string // VC_VAULT_PASSWORD
		fail  bool
	}
	steps := []step{
		{args: []string{"vault", "init", "--kdf-time", "1", "--kdf-memory", "1", "--kdf-threads", "1"}, env: secrets["vault"]},
		{args: []string{"vault", "unlock"}, env: secrets["wrong vault"], fail: true},
		{args: []string{"--vault-password-file", vaultFile, "vault", "unlock"}},
		{args: []string{"cred", "add", "ops", "--user", "admin", "--password-stdin", "--enable-secret-stdin", "--default"},
			stdin: secrets["password"] + "\n" + secrets["enable"] + "\n", env: secrets["vault"]},
		{args: []string{"cred", "add", "lab", "--user", "root", "--key", keyFile, "--key-passphrase-stdin"},
			stdin: secrets["wrong phrase"] + "\n", env: secrets["vault"], fail: true},
		{args: []string{"cred", "add", "lab", "--user", "root", "--key", keyFile, "--key-passphrase-stdin"},
			stdin: secrets["passphrase"] + "\n", env: secrets["vault"]},
		{args: []string{"-c", "cred add ag --user me --agent --enable-secret-stdin; cred list; cred show ops; vault status"},
			stdin: secrets["enable2"] + "\n", env: secrets["vault"]},
		{args: []string{"-c", "device add sw1 ip=10.0.0.1 cred=ops; device show sw1; device show sw1 --json; cred list --json; about"}},
		{args: []string{"cred", "export", bundle, "--password-stdin"}, stdin: secrets["bundle"] + "\n", env: secrets["vault"]},
		{args: []string{"cred", "import", bundle, "--password-stdin", "--force"}, stdin: secrets["wrong bundle"] + "\n", env: secrets["vault"], fail: true},
		{args: []string{"cred", "import", bundle, "--password-file", bundleFile, "--force"}, env: secrets["vault"]},
		{args: []string{"vault", "passwd", "--new-password-stdin"}, stdin: secrets["vault2"] + "\n", env: secrets["vault"]},
		{args: []string{"vault", "unlock"}, env: secrets["vault"], fail: true},
		{args: []string{"backup", filepath.Join(home, "backup.db")}},
	}
	var outputs bytes.Buffer
	for _, s := range steps {
		cmd := vcCommand(t, ctx, home, s.args...)
		cmd.Env = append(cmd.Env, "VC_VAULT_PASSWORD="+s.env, "SSH_AUTH_SOCK=")
		cmd.Stdin = strings.NewReader(s.stdin)
		out, err := cmd.CombinedOutput()
		var ee *exec.ExitError
		if s.fail != errors.As(err, &ee) || err != nil && ee == nil {
			t.Fatalf("vc %s: %v (want failure: %v)\n%s", strings.Join(s.args, " "), err, s.fail, out)
		}
		outputs.Write(out)
	}

	// The console, as a person at a terminal would use it.
	in := strings.Join([]string{
		"vault unlock",
		"cred add typed --user u",
		secrets["typed"],
		"vault passwd",
		"cred list",
	}, "\n") + "\n"
	e, replOut, replErr := testEnv(t, home, strings.NewReader(in))
	e.InTTY = true
	answers := []string{secrets["vault2"], secrets["typed"], secrets["vault3"], secrets["vault3"]}
	e.askSecret = func(context.Context, string) ([]byte, error) {
		if len(answers) == 0 {
			return nil, errors.New("no more answers")
		}
		a := answers[0]
		answers = answers[1:]
		return []byte(a), nil
	}
	if status := e.repl(ctx); status != ExitUsage { // the typed secret is no command
		t.Fatalf("console status %d\n%s", status, replErr)
	}
	if len(answers) != 0 {
		t.Fatalf("%d answers left: the console asked less than expected\n%s", len(answers), replErr)
	}
	outputs.WriteString(replOut.String())
	outputs.WriteString(replErr.String())
	if !strings.Contains(replErr.String(), `unknown command "[secret]"`) {
		t.Errorf("the secret typed at the prompt was not hidden in the error:\n%s", replErr)
	}
	if !strings.Contains(outputs.String(), "vault password changed") || !strings.Contains(outputs.String(), "imported 3 credentials") {
		t.Fatalf("the commands did not all run:\n%s", outputs.String())
	}

	if l := leaked(outputs.Bytes(), secrets); len(l) > 0 {
		t.Errorf("outputs hold %v", l)
	}
	bundleData, err := os.ReadFile(bundle)
	if err != nil {
		t.Fatal(err)
	}
	if l := leaked(bundleData, secrets); len(l) > 0 {
		t.Errorf("the bundle holds %v", l)
	}
	files := 0
	err = filepath.WalkDir(home, func(path string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		data, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		files++
		if l := leaked(data, secrets); len(l) > 0 {
			t.Errorf("%s holds %v", path, l)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range []string{"vc.db", "history", "backup.db"} {
		if _, err := os.Stat(filepath.Join(home, f)); err != nil {
			t.Errorf("expected %s under VC_HOME: %v", f, err)
		}
	}
	if fi, err := os.Stat(filepath.Join(home, "vc.db")); err != nil || fi.Mode().Perm() != 0o600 {
		t.Errorf("vc.db mode: %v %v", fi.Mode(), err)
	}
	t.Logf("%d secrets looked for in %d bytes of output and %d files", len(secrets), outputs.Len(), files)
}
