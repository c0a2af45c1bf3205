package console

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"vc/lab"
)

// TestConsoleInTerminal drives the console as a person would, in a real
// terminal of 80 columns: Tab completes, the arrows and Ctrl-R recall,
// a wide table keeps its device column whole, stages work twice on one
// result, Ctrl-C returns quickly with the typed stages applied, a long
// result opens the pager, and leaving restores the terminal exactly.
func TestConsoleInTerminal(t *testing.T) {
	if _, err := exec.LookPath("less"); err != nil {
		t.Skip("less is not installed; this test pages through it (apt-get install less)")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 120*time.Second)
	defer cancel()
	dir := t.TempDir()
	l, inv := startLabWithInventory(t, ctx, lab.Options{Devices: 12, Listen: "127.0.0.1", Port: 0, Platforms: []string{"arista_eos", "cisco_nxos"},
		User: "admin", Password: "admin", Seed: 5, Faults: lab.Faults{Hang: 0.2}}, dir)

	home := filepath.Join(dir, "home")
	before, after := filepath.Join(dir, "stty.before"), filepath.Join(dir, "stty.after")
	s := startTmux(t, ctx, dir, home, tmuxOptions{cols: 80, rows: 30, pager: "less -FRSX",
		script: "stty -a > " + shellQuote(before) + "; $VC; stty -a > " + shellQuote(after) + "; sleep 30"})

	s.loadLab(inv, "Console-Term-Vault-1")

	// sel + Tab completes select.
	s.tmux("send-keys", "-t", "vc", "-l", "sel")
	s.tmux("send-keys", "-t", "vc", "Tab")
	s.waitFor("choose the devices later commands run on", 1)
	s.tmux("send-keys", "-t", "vc", "-l", ` platform == "arista_eos" && !("fault-hang" in tags)`)
	s.tmux("send-keys", "-t", "vc", "Enter")
	s.waitFor("devices selected", 1)

	// A wide table at 80 columns keeps the device names whole.
	s.typeLine("exec show version")
	// The summary is on stderr before the table: the prompt after the
	// table says it is all there.
	s.waitFor("ok, 0 failed", 1)
	scr := s.waitFor("vc home [unlocked] 4> ", 2)
	for _, d := range l.Devices() {
		if d.Platform == "arista_eos" && !strings.HasPrefix(d.Name, "x") && !strings.Contains(strings.Join(d.Tags(), ","), "fault-hang") {
			if !strings.Contains(scr, d.Name+" ") {
				t.Errorf("the device %s is cut in the table at 80 columns:\n%s", d.Name, scr)
			}
		}
	}

	// cols twice on one result: each works on the exec's records.
	s.typeLine("cols device,model")
	s.waitFor("> cols device,model\nDEVICE         MODEL\n", 1)
	s.typeLine("cols device,image")
	s.waitFor("> cols device,image\nDEVICE         IMAGE\n", 1)

	// The up arrow recalls the last line; Ctrl-R finds an earlier one.
	s.tmux("send-keys", "-t", "vc", "Up")
	s.waitFor("> cols device,image", 2)
	s.tmux("send-keys", "-t", "vc", "C-u")
	s.tmux("send-keys", "-t", "vc", "C-r")
	s.tmux("send-keys", "-t", "vc", "-l", "show vers")
	s.waitFor("(reverse-i-search: exec show version)", 1)
	s.tmux("send-keys", "-t", "vc", "C-g")

	// Ctrl-C during a run with hanging devices returns within moments,
	// with the stages typed applied to what finished.
	s.typeLine("select *")
	s.waitFor("12 devices selected", 1)
	s.typeLine("exec show ip arp |> count")
	s.waitFor("running", 1)
	time.Sleep(300 * time.Millisecond)
	start := time.Now()
	s.tmux("send-keys", "-t", "vc", "C-c")
	s.waitFor("COUNT", 1)
	if took := time.Since(start); took > 3*time.Second {
		t.Errorf("Ctrl-C took %s to return", took)
	} else {
		t.Logf("Ctrl-C returned with the stages applied in %s", took)
	}
	s.waitFor("interrupted", 1)

	// A long result opens the pager; q leaves it.
	s.typeLine(`select !("fault-hang" in tags)`)
	s.waitFor("10 devices selected", 1)
	s.typeLine("exec show ip arp")
	deadline := time.Now().Add(15 * time.Second)
	for {
		// less waits at its prompt, a lone colon on the last line.
		pane := s.tmux("capture-pane", "-p", "-t", "vc")
		lines := strings.Split(strings.TrimRight(pane, "\n "), "\n")
		if last := strings.TrimSpace(lines[len(lines)-1]); last == ":" {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("no pager opened for a long result:\n%s", pane)
		}
		time.Sleep(50 * time.Millisecond)
	}
	s.tmux("send-keys", "-t", "vc", "q")
	s.typeLine("echo back from the pager")
	s.waitFor("back from the pager", 2)

	// exit leaves the terminal as it was.
	s.typeLine("exit")
	deadline = time.Now().Add(10 * time.Second)
	for {
		if _, err := os.Stat(after); err == nil {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("vc did not leave on exit:\n%s", s.screen())
		}
		time.Sleep(50 * time.Millisecond)
	}
	time.Sleep(100 * time.Millisecond)
	b1, _ := os.ReadFile(before)
	b2, _ := os.ReadFile(after)
	if string(b1) != string(b2) || len(b1) == 0 {
		t.Errorf("the terminal changed:\nbefore:\n%s\nafter:\n%s", b1, b2)
	}
}

// TestPasswordPromptKeys: at a password prompt, Ctrl-C and Ctrl-D give up
// at once (neither counts as a wrong password), and the console takes the
// next line with its echo back.
func TestPasswordPromptKeys(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	dir := t.TempDir()
	s := startTmuxSession(t, ctx, dir, filepath.Join(dir, "home"))
	s.typeLine(cheapInit)
	s.waitFor("new vault password: ", 1)
	s.tmux("send-keys", "-t", "vc", "C-c")
	s.waitFor("interrupted", 1)
	s.typeLine("vault init --kdf-time 1 --kdf-memory 1 --kdf-threads 1")
	s.waitFor("new vault password: ", 2)
	s.tmux("send-keys", "-t", "vc", "C-d")
	scr := s.waitFor("no password given (Ctrl-D)", 1)
	if strings.Contains(scr, "wrong password") {
		t.Errorf("Ctrl-D counted as a wrong password:\n%s", scr)
	}
	s.typeLine("echo echoed again")
	s.waitFor("> echo echoed again", 1)
	s.waitFor("echoed again", 2)
}
