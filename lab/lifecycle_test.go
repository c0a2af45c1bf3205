package lab

import (
	"runtime"
	"strings"
	"testing"
	"time"

	"golang.org/x/crypto/ssh"
)

// TestWindowChangeResizesPages: a terminal resized to 10 rows gets pages
// of 9 lines, as a device following the window does.
func TestWindowChangeResizesPages(t *testing.T) {
	l := startLab(t, testOptions(1, "arista_eos"))
	d := l.Devices()[0]
	tm := openTerm(t, d, 24)
	tm.expect(d.Name+"#$", wait)
	if err := tm.s.WindowChange(10, 80); err != nil {
		t.Fatal(err)
	}
	time.Sleep(50 * time.Millisecond) // the request and the command travel separately
	tm.send("show ip arp\r")
	page := tm.expect(" --More-- ", wait)
	if n := strings.Count(page, "\r\n"); n != 10 { // the echo's line end and 9 lines
		t.Errorf("page after resize to 10 rows has %d lines, want 9", n-1)
	}
}

// TestIdleTimeout: a session nobody types in is closed, as exec-timeout
// does on a device.
func TestIdleTimeout(t *testing.T) {
	o := testOptions(1, "cisco_nxos")
	o.IdleTimeout = 300 * time.Millisecond
	l := startLab(t, o)
	d := l.Devices()[0]
	tm := openTerm(t, d, 24)
	tm.expect(d.Name+"#$", wait)
	for range 3 { // typing keeps the session alive past the timeout
		time.Sleep(150 * time.Millisecond)
		tm.send("\r")
		tm.expect(d.Name+"#$", wait)
	}
	if !tm.closed(2 * time.Second) {
		t.Errorf("idle session still open")
	}
}

// TestCloseEndsEverything: Close returns promptly with sessions open,
// hung or not, and leaves no goroutine behind.
func TestCloseEndsEverything(t *testing.T) {
	before := runtime.NumGoroutine()
	o := testOptions(4, "cisco_ios", "juniper_junos", "linux", "arista_eos")
	o.Faults = Faults{Hang: 0.25, Timeout: 0.25}
	l, err := Start(t.Context(), o)
	if err != nil {
		t.Fatal(err)
	}
	var clients []*ssh.Client
	for _, d := range l.Devices() {
		switch d.Fault {
		case FaultTimeout:
			go func() { _, _ = dial(d, clientConfig(), 10*time.Second) }()
		case FaultHang:
			c, err := dial(d, clientConfig(), 5*time.Second)
			if err != nil {
				t.Fatal(err)
			}
			clients = append(clients, c)
			s, _ := c.NewSession()
			_ = s.Start("show version")
		default:
			c, err := dial(d, clientConfig(), 5*time.Second)
			if err != nil {
				t.Fatal(err)
			}
			clients = append(clients, c)
			s, _ := c.NewSession()
			_ = s.RequestPty("vt100", 24, 80, ssh.TerminalModes{})
			_ = s.Shell()
		}
	}
	time.Sleep(100 * time.Millisecond)
	start := time.Now()
	if err := l.Close(); err != nil {
		t.Fatal(err)
	}
	if el := time.Since(start); el > time.Second {
		t.Errorf("Close took %s", el)
	}
	for _, c := range clients {
		c.Close()
	}
	deadline := time.Now().Add(3 * time.Second)
	for runtime.NumGoroutine() > before && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	if n := runtime.NumGoroutine(); n > before {
		buf := make([]byte, 1<<16)
		t.Errorf("%d goroutines after Close, %d before:\n%s", n, before, buf[:runtime.Stack(buf, true)])
	}
}

// TestExecRepliesBeforeClosing: the device answers an exec request before
// the command's output and the channel's close, as OpenSSH does; a client
// waiting for that answer must never see the channel end first (it reads
// that as EOF). One fast command, many times over, shows the order.
func TestExecRepliesBeforeClosing(t *testing.T) {
	l := startLab(t, testOptions(2, "arista_eos", "linux"))
	for _, d := range l.Devices() {
		c := mustDial(t, d)
		for i := range 300 {
			s, err := c.NewSession()
			if err != nil {
				t.Fatalf("%s: session %d: %v", d.Platform, i, err)
			}
			if _, err := s.Output(versionFor(d)); err != nil {
				t.Fatalf("%s: exec %d: %v", d.Platform, i, err)
			}
			s.Close()
		}
	}
}

func versionFor(d Device) string {
	if d.Platform == "linux" {
		return "hostname"
	}
	return "show clock"
}
