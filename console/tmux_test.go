package console

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// tmuxSession drives vc's console in a real terminal.
type tmuxSession struct {
	t    *testing.T
	ctx  context.Context
	sock string
}

func (s *tmuxSession) tmux(args ...string) string {
	s.t.Helper()
	out, err := execTmux(s, args...)
	if err != nil {
		s.t.Fatalf("tmux %s: %v\n%s", strings.Join(args, " "), err, out)
	}
	return out
}

func execTmux(s *tmuxSession, args ...string) (string, error) {
	cmd := exec.CommandContext(s.ctx, "tmux", append([]string{"-S", s.sock}, args...)...)
	out, err := cmd.CombinedOutput()
	return string(out), err
}

// typeLine types text and Enter.
func (s *tmuxSession) typeLine(text string) {
	s.t.Helper()
	s.tmux("send-keys", "-t", "vc", "-l", text)
	s.tmux("send-keys", "-t", "vc", "Enter")
}

// screen is everything the terminal showed, scrollback included.
// loadLab imports a lab's inventory at the prompt, makes a vault with
// the password given and adds the lab's login as the default credential.
func (s *tmuxSession) loadLab(inv, vaultPassword string) {
	s.typeLine("device import " + inv)
	s.waitFor("imported", 1)
	s.typeLine(cheapInit)
	s.waitFor("new vault password: ", 1)
	s.typeLine(vaultPassword)
	s.waitFor("again, to confirm: ", 1)
	s.typeLine(vaultPassword)
	s.waitFor("vault initialized", 1)
	s.typeLine("cred add lab --user admin --default")
	s.waitFor("password for lab: ", 1)
	s.typeLine("admin")
	s.waitFor("added credential lab", 1)
}

func (s *tmuxSession) screen() string {
	s.t.Helper()
	return s.tmux("capture-pane", "-p", "-J", "-S", "-", "-t", "vc")
}

// waitFor waits until the screen holds want n times in all.
func (s *tmuxSession) waitFor(want string, n int) string {
	s.t.Helper()
	deadline := time.Now().Add(15 * time.Second)
	for {
		sc := s.screen()
		if strings.Count(sc, want) >= n {
			return sc
		}
		if time.Now().After(deadline) {
			s.t.Fatalf("the terminal never showed %q (%d times); it shows:\n%s", want, n, sc)
		}
		time.Sleep(30 * time.Millisecond)
	}
}

// startTmuxSession runs this test binary as vc in a tmux of its own, with
// home as VC_HOME, and waits for the prompt.
func startTmuxSession(t *testing.T, ctx context.Context, dir, home string) *tmuxSession {
	return startTmux(t, ctx, dir, home, tmuxOptions{})
}

// tmuxOptions shape the terminal: its size (default 200x50), the pager
// (default cat, so output never waits for a key), and a shell script
// around vc ($VC is vc's command line).
type tmuxOptions struct {
	cols, rows int
	pager      string
	script     string
}

func startTmux(t *testing.T, ctx context.Context, dir, home string, o tmuxOptions) *tmuxSession {
	t.Helper()
	if _, err := exec.LookPath("tmux"); err != nil {
		t.Skip("tmux is not installed; this test needs a real terminal (apt-get install tmux)")
	}
	if o.cols == 0 {
		o.cols, o.rows = 200, 50
	}
	pager := "PAGER=cat"
	if o.pager != "" {
		pager = "PAGER=" + shellQuote(o.pager)
	}
	s := &tmuxSession{t: t, ctx: ctx, sock: filepath.Join(dir, "tmux.sock")}
	vc := strings.Join([]string{
		"env", "-u", "VC_VAULT_PASSWORD", "-u", "SSH_AUTH_SOCK", "VC_TEST_AS_VC=1", "NO_COLOR=1", "TERM=xterm", pager,
		"VC_HOME=" + shellQuote(home), shellQuote(os.Args[0]),
	}, " ")
	if o.script != "" {
		// A trap keeps the shell going after a Ctrl-C meant for vc.
		vc = "bash -c " + shellQuote("trap : INT; "+strings.ReplaceAll(o.script, "$VC", vc))
	}
	cmd := exec.CommandContext(ctx, "tmux", "-S", s.sock, "-f", "/dev/null", "new-session", "-d", "-s", "vc",
		"-x", fmt.Sprint(o.cols), "-y", fmt.Sprint(o.rows), vc)
	cmd.Env = append(os.Environ(), "TERM=xterm")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("tmux new-session: %v\n%s", err, out)
	}
	t.Cleanup(func() { exec.Command("tmux", "-S", s.sock, "kill-server").Run() })
	s.waitFor("vc home", 1)
	return s
}

// TestTerminal runs the console in tmux: passwords typed at vc's prompts
// are not echoed, the vault locks itself when idle and asks again, a
// password typed at the vc> prompt by mistake is hidden in the error, and
// none of it reaches the history or any file in VC_HOME.
func TestTerminal(t *testing.T) {
	if _, err := exec.LookPath("tmux"); err != nil {
		t.Skip("tmux is not installed; this test needs a real terminal (apt-get install tmux)")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	dir := t.TempDir()
	home := filepath.Join(dir, "home")
	secrets := map[string]string{
		"vault":       "Term-Vault-Pass-001",
		"wrong vault": "Term-Wrong-Vault-02",
		"ops":         "Term-Ops-Password-3",
		"enable":      "Term-Enable-Secret4",
		"lab":         "Term-Lab-Password-5",
	}
	s := startTmuxSession(t, ctx, dir, home)
	s.typeLine(cheapInit)
	s.waitFor("new vault password: ", 1)
	s.typeLine(secrets["vault"])
	s.waitFor("again, to confirm: ", 1)
	s.typeLine(secrets["vault"])
	s.waitFor("vault initialized", 1)

	s.typeLine("cred add ops --user admin --enable-secret-stdin")
	s.waitFor("password for ops: ", 1)
	s.typeLine(secrets["ops"])
	s.waitFor("enable secret for ops: ", 1)
	s.typeLine(secrets["enable"])
	s.waitFor("added credential ops (password as admin, with an enable secret)", 1)

	// Idle: a real one-second timeout.
	s.typeLine("set vault-timeout 1s")
	s.waitFor("vc home", 4)
	time.Sleep(1500 * time.Millisecond)
	s.typeLine("vault status")
	s.waitFor("vault:        locked", 1)

	// The next command that needs the vault says why it asks again; a
	// wrong password may be retried.
	s.typeLine("cred add lab --user root")
	s.waitFor("the vault locked itself after 1s unused", 1)
	s.waitFor("vault password: ", 1)
	s.typeLine(secrets["wrong vault"])
	s.waitFor("wrong password; try again", 1)
	s.waitFor("vault password: ", 2)
	s.typeLine(secrets["vault"])
	s.waitFor("password for lab: ", 1)
	s.typeLine(secrets["lab"])
	s.waitFor("added credential lab", 1)
	s.typeLine("set vault-timeout off")
	s.typeLine("cred list")
	screen := s.waitFor("lab   root", 1)
	for name, secret := range secrets {
		if strings.Contains(screen, secret) {
			t.Errorf("the terminal echoed the %s secret:\n%s", name, screen)
		}
	}

	// A password typed at the vc> prompt is echoed, as any typing there
	// is, but the error hides it and the history does not keep it.
	s.typeLine(secrets["ops"])
	s.waitFor(`error: unknown command "[secret]"`, 1)
	s.typeLine("quit")

	deadline := time.Now().Add(10 * time.Second)
	for exec.Command("tmux", "-S", s.sock, "has-session", "-t", "vc").Run() == nil {
		if time.Now().After(deadline) {
			t.Fatal("vc did not quit")
		}
		time.Sleep(30 * time.Millisecond)
	}
	hist, err := os.ReadFile(filepath.Join(home, "history"))
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{cheapInit, "cred add ops --user admin --enable-secret-stdin", "set vault-timeout 1s", "cred add lab --user root", "cred list", "quit"} {
		if !strings.Contains(string(hist), want+"\n") {
			t.Errorf("history lacks %q:\n%s", want, hist)
		}
	}
	err = filepath.WalkDir(home, func(path string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		data, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		if l := leaked(data, secrets); len(l) > 0 {
			t.Errorf("%s holds %v", path, l)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

func shellQuote(s string) string { return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'" }
