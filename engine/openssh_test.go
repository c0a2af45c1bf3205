package engine

import (
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"net"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"golang.org/x/crypto/ssh"
)

// sshdFixture is a real OpenSSH server on loopback with a user made for
// the test.
type sshdFixture struct {
	addr     string
	port     int
	user     string
	password string
	home     string
}

// startSSHD starts /usr/sbin/sshd for one test. It needs root (to make a
// user and let sshd check passwords); it skips with the reason otherwise.
func startSSHD(t *testing.T) *sshdFixture {
	return startSSHDWith(t, "PasswordAuthentication yes\nKbdInteractiveAuthentication no\nUsePAM no\n")
}

// startSSHDWith starts sshd with auth lines of the test's choosing.
func startSSHDWith(t *testing.T, auth string) *sshdFixture {
	t.Helper()
	if os.Geteuid() != 0 {
		t.Skip("OpenSSH test skipped: needs root to create a user and run sshd")
	}
	for _, tool := range []string{"/usr/sbin/sshd", "ssh-keygen", "useradd", "chpasswd"} {
		if _, err := exec.LookPath(tool); err != nil {
			t.Skipf("OpenSSH test skipped: %s not installed (apt-get install openssh-server)", tool)
		}
	}
	f := &sshdFixture{user: "vctest"}
	pw := make([]byte, 12)
	rand.Read(pw)
	f.password = hex.EncodeToString(pw)
	if _, err := user.Lookup(f.user); err != nil {
		run(t, "useradd", "-m", "-s", "/bin/sh", f.user)
	}
	u, err := user.Lookup(f.user)
	if err != nil {
		t.Fatal(err)
	}
	f.home = u.HomeDir
	cmd := exec.Command("chpasswd")
	cmd.Stdin = strings.NewReader(f.user + ":" + f.password + "\n")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("chpasswd: %v\n%s", err, out)
	}
	dir := t.TempDir()
	run(t, "ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", filepath.Join(dir, "host_key"))
	if err := os.MkdirAll("/run/sshd", 0o755); err != nil {
		t.Fatal(err)
	}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	f.port = l.Addr().(*net.TCPAddr).Port
	l.Close()
	f.addr = "127.0.0.1"
	cfg := fmt.Sprintf(`Port %d
ListenAddress 127.0.0.1
HostKey %s
PidFile %s
PubkeyAuthentication yes
StrictModes no
AllowUsers %s
%s`, f.port, filepath.Join(dir, "host_key"), filepath.Join(dir, "sshd.pid"), f.user, auth)
	cfgPath := filepath.Join(dir, "sshd_config")
	if err := os.WriteFile(cfgPath, []byte(cfg), 0o600); err != nil {
		t.Fatal(err)
	}
	sshd := exec.Command("/usr/sbin/sshd", "-D", "-e", "-f", cfgPath)
	logs := newCappedBuffer(1 << 20)
	sshd.Stderr = logs
	if err := sshd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		sshd.Process.Kill()
		sshd.Wait()
		if t.Failed() {
			t.Logf("sshd log:\n%s", logs.String())
		}
	})
	deadline := time.Now().Add(5 * time.Second)
	for {
		c, err := net.Dial("tcp", net.JoinHostPort(f.addr, fmt.Sprint(f.port)))
		if err == nil {
			c.Close()
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("sshd did not listen: %v\n%s", err, logs.String())
		}
		time.Sleep(50 * time.Millisecond)
	}
	return f
}

func run(t *testing.T, name string, args ...string) {
	t.Helper()
	if out, err := exec.Command(name, args...).CombinedOutput(); err != nil {
		t.Fatalf("%s %v: %v\n%s", name, args, err, out)
	}
}

func (f *sshdFixture) target(creds ...Credential) Target {
	return Target{Name: "openssh", Address: f.addr, Port: f.port, Platform: "linux", Creds: creds}
}

// TestOpenSSH runs against a real OpenSSH server: password and key logins,
// credential fallback, exit statuses, and trust on first use.
func TestOpenSSH(t *testing.T) {
	f := startSSHD(t)
	r := newTestRunner(t, time.Minute)
	wrong := Credential{Name: "wrong", User: f.user, Password: "not-it"}
	right := Credential{Name: "right", User: f.user, Password: f.password}
	// A first login records the host's key; only a host on record is
	// offered one credential after another.
	first := f.target(right)
	first.Name = "first"
	if res := r.Collect(context.Background(), Plan{Targets: []Target{first}, Commands: []string{"true"}, Timeouts: quick()})["first"]; res.Err != nil {
		t.Fatal(res.Err)
	}
	res := r.Collect(context.Background(), Plan{Targets: []Target{f.target(wrong, right)}, Commands: []string{"id -un", "echo $((6*7))"}, Timeouts: quick()})["openssh"]
	if res.Err != nil {
		t.Fatal(res.Err)
	}
	if got := res.Outputs[0].Text; got != f.user+"\n" {
		t.Errorf("id -un: %q", got)
	}
	if got := res.Outputs[1].Text; got != "42\n" {
		t.Errorf("arithmetic: %q", got)
	}
	if len(res.Attempts) != 2 || res.Attempts[0].OK || !res.Attempts[1].OK {
		t.Errorf("attempts %+v", res.Attempts)
	}
	known, err := os.ReadFile(r.HostKeys().path)
	if err != nil || !strings.Contains(string(known), fmt.Sprintf("[127.0.0.1]:%d ssh-ed25519 ", f.port)) {
		t.Errorf("host key not recorded: %v\n%s", err, known)
	}

	// The warm session serves the next run; a failing command reports its
	// status and keeps its output.
	res = r.Collect(context.Background(), Plan{Targets: []Target{f.target(right)}, Commands: []string{"echo out; echo err >&2; exit 3"}, Timeouts: quick()})["openssh"]
	if !res.Reused {
		t.Error("second run did not reuse the session")
	}
	if res.Err == nil || res.Err.Kind != KindCommand || res.Err.Reason != "command exited with status 3" {
		t.Errorf("exit status: %v", res.Err)
	}
	if len(res.Outputs) != 1 || !strings.Contains(res.Outputs[0].Text, "out") || !strings.Contains(res.Outputs[0].Text, "err") {
		t.Errorf("outputs %+v", res.Outputs)
	}

	// A key login.
	pub, priv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	signer, err := ssh.NewSignerFromKey(priv)
	if err != nil {
		t.Fatal(err)
	}
	sshPub, _ := ssh.NewPublicKey(pub)
	sshDir := filepath.Join(f.home, ".ssh")
	os.MkdirAll(sshDir, 0o700)
	if err := os.WriteFile(filepath.Join(sshDir, "authorized_keys"), ssh.MarshalAuthorizedKey(sshPub), 0o600); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.Remove(filepath.Join(sshDir, "authorized_keys")) })
	// sshd reads authorized_keys as the user.
	u, _ := user.Lookup(f.user)
	uid, gid := atoiOr(u.Uid), atoiOr(u.Gid)
	for _, p := range []string{sshDir, filepath.Join(sshDir, "authorized_keys")} {
		if err := os.Chown(p, uid, gid); err != nil {
			t.Fatal(err)
		}
	}
	r.CloseSessions(func(string) bool { return true })
	key := Credential{Name: "key", User: f.user, Signers: []ssh.Signer{signer}}
	res = r.Collect(context.Background(), Plan{Targets: []Target{f.target(key)}, Commands: []string{"id -un"}, Timeouts: quick()})["openssh"]
	if res.Err != nil || res.Outputs[0].Text != f.user+"\n" {
		t.Errorf("key login: %v %+v", res.Err, res.Outputs)
	}

	// Only wrong passwords: an authentication failure naming them.
	r.CloseSessions(func(string) bool { return true })
	res = r.Collect(context.Background(), Plan{Targets: []Target{f.target(wrong)}, Commands: []string{"true"}, Timeouts: quick()})["openssh"]
	if res.Err == nil || res.Err.Reason != "auth failed (tried wrong)" {
		t.Errorf("wrong password: %v", res.Err)
	}
}

func atoiOr(s string) int {
	n := 0
	fmt.Sscan(s, &n)
	return n
}

// TestOpenSSHKeyboardInteractive: a server that only asks its questions
// (keyboard-interactive through PAM, as many devices do) gets the password.
func TestOpenSSHKeyboardInteractive(t *testing.T) {
	if _, err := os.Stat("/etc/pam.d/sshd"); err != nil {
		t.Skip("keyboard-interactive test skipped: no PAM configuration for sshd (/etc/pam.d/sshd)")
	}
	f := startSSHDWith(t, "PasswordAuthentication no\nKbdInteractiveAuthentication yes\nUsePAM yes\n")
	r := newTestRunner(t, 0)
	right := Credential{Name: "right", User: f.user, Password: f.password}
	res := r.Collect(context.Background(), Plan{Targets: []Target{f.target(right)}, Commands: []string{"id -un"}, Timeouts: quick()})["openssh"]
	if res.Err != nil {
		t.Fatal(res.Err)
	}
	if got := res.Outputs[0].Text; got != f.user+"\n" {
		t.Errorf("id -un: %q", got)
	}
}
