package console

import (
	"context"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"vc/lab"
)

// freePort finds a few consecutive free ports, for a small lab.
func freePort(t *testing.T) int {
	t.Helper()
	p, err := freePorts(8)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// TestREPLInTerminal: the console in a real terminal shows the selection in
// its prompt, survives Ctrl-C at the prompt and during a command, and
// leaves on quit.
func TestREPLInTerminal(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	dir := t.TempDir()
	home := filepath.Join(dir, "home")
	s := startTmuxSession(t, ctx, dir, home)
	s.typeLine("device add r1 ip=10.0.0.1 site=usa")
	s.waitFor("added device r1", 1)
	s.typeLine("select *")
	s.waitFor("vc home 1> ", 1)

	// Ctrl-C at the prompt drops the typed line and offers a new prompt.
	s.tmux("send-keys", "-t", "vc", "-l", "device list half-typed")
	s.tmux("send-keys", "-t", "vc", "C-c")
	s.waitFor("vc home 1> ", 2)
	s.typeLine("echo still here")
	scr := s.waitFor("still here", 2)
	if strings.Contains(scr, "unknown name half") {
		t.Errorf("the interrupted line ran:\n%s", scr)
	}

	// Ctrl-C stops a running command (a lab serving until interrupted) and
	// returns to the prompt.
	port := freePort(t)
	s.typeLine(fmt.Sprintf("lab --devices 2 --port %d", port))
	s.waitFor("lab ready", 1)
	s.tmux("send-keys", "-t", "vc", "C-c")
	s.waitFor("interrupted", 1)
	s.typeLine("echo after the lab")
	s.waitFor("after the lab", 2)
	if c, err := net.Dial("tcp", fmt.Sprintf("127.0.0.1:%d", port)); err == nil {
		c.Close()
		t.Error("the lab still listens after Ctrl-C")
	}

	// templates test without a file takes a pasted output, ended by a dot.
	s.typeLine("templates test cisco_ios_show_clock")
	s.waitFor("paste the output, then a line with only . (or Ctrl-D):", 1)
	s.typeLine("*18:57:38.347 UTC Mon Oct 19 2015")
	s.typeLine(".")
	s.waitFor("cisco_ios_show_clock.textfsm: 1 record, score 1.00", 1)
	s.waitFor("18:57:38.347", 2)

	// Errors are reported and the console goes on.
	s.typeLine("device show nosuch")
	s.waitFor(`error: device show: device "nosuch": not found`, 1)
	s.typeLine("quit")
	deadline := time.Now().Add(5 * time.Second)
	for {
		if _, err := execTmux(s, "has-session", "-t", "vc"); err != nil {
			break // vc left, and tmux with it
		}
		if time.Now().After(deadline) {
			t.Fatal("vc did not leave on quit")
		}
		time.Sleep(50 * time.Millisecond)
	}
	hist, err := os.ReadFile(filepath.Join(home, "history"))
	if err != nil || !strings.Contains(string(hist), "select *\n") {
		t.Errorf("history: %v\n%s", err, hist)
	}
}

// TestExecInTerminal: at the console, exec shows a live progress bar,
// asks before running on more devices than max-targets, and Ctrl-C stops a
// run with devices hanging mid-output, keeps what finished and returns to
// the prompt.
func TestExecInTerminal(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()
	dir := t.TempDir()
	_, inv := startLabWithInventory(t, ctx, lab.Options{Devices: 6, Listen: "127.0.0.1", Port: 0, Platforms: []string{"cisco_nxos"},
		User: "admin", Password: "admin", Seed: 3, Faults: lab.Faults{Hang: 0.5}}, dir)

	s := startTmuxSession(t, ctx, dir, filepath.Join(dir, "home"))
	s.loadLab(inv, "Exec-Term-Vault-1")
	s.typeLine("select *")
	s.waitFor("vc home [unlocked] 6> ", 1)

	// More devices than max-targets: vc asks, and no means no.
	s.typeLine("set max-targets 2")
	s.typeLine("exec show clock")
	s.waitFor(`run "show clock" on 6 devices (more than max-targets 2)? [y/N] `, 1)
	s.typeLine("n")
	s.waitFor("not run", 1)
	// get asks as exec does.
	s.typeLine("get facts")
	s.waitFor(`run get facts on 6 devices (more than max-targets 2)? [y/N] `, 1)
	s.typeLine("n")
	s.waitFor("not run", 2)
	s.typeLine("set max-targets 500")

	// Three devices hang mid-output: the bar shows the other three done.
	s.typeLine("exec show ip arp")
	s.waitFor("3/6", 1)
	s.tmux("send-keys", "-t", "vc", "C-c")
	scr := s.waitFor("(interrupted)", 1)
	if !strings.Contains(scr, "3 ok, 3 failed") {
		t.Errorf("summary after Ctrl-C:\n%s", scr)
	}
	s.waitFor("interrupted\n", 1)
	s.typeLine("failures |> count by kind")
	s.waitFor("canceled", 1)
	s.typeLine("echo still at the console")
	s.waitFor("still at the console", 2)
}
