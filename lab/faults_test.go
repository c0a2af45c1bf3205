package lab

import (
	"bytes"
	"errors"
	"io"
	"net"
	"strings"
	"testing"
	"time"

	"golang.org/x/crypto/ssh"
)

// faultLab serves seven cisco_ios devices, one per fault and a healthy one.
func faultLab(t *testing.T) *Lab {
	o := testOptions(7, "cisco_ios")
	o.Faults = Faults{Auth: 1.0 / 7, Timeout: 1.0 / 7, Hang: 1.0 / 7, Drop: 1.0 / 7, Slow: 1.0 / 7, Flood: 1.0 / 7}
	o.SlowBy = 300 * time.Millisecond
	return startLab(t, o)
}

func faulty(t *testing.T, l *Lab, f Fault) Device {
	t.Helper()
	for _, d := range l.Devices() {
		if d.Fault == f {
			return d
		}
	}
	t.Fatalf("no device with fault %q", f)
	return Device{}
}

// TestFaultAuth: the client is told authentication failed.
func TestFaultAuth(t *testing.T) {
	l := faultLab(t)
	_, err := dial(faulty(t, l, FaultAuth), clientConfig(), 5*time.Second)
	if err == nil || !strings.Contains(err.Error(), "unable to authenticate") {
		t.Fatalf("dial: %v, want an authentication failure", err)
	}
	t.Logf("client sees: %v", err)
}

// TestFaultTimeout: TCP connects, the SSH banner never comes, and the
// client's own deadline ends the wait.
func TestFaultTimeout(t *testing.T) {
	l := faultLab(t)
	start := time.Now()
	_, err := dial(faulty(t, l, FaultTimeout), clientConfig(), 500*time.Millisecond)
	var ne net.Error
	if !errors.As(err, &ne) || !ne.Timeout() {
		t.Fatalf("dial: %v, want a timeout", err)
	}
	if time.Since(start) < 400*time.Millisecond {
		t.Errorf("gave up after %s, before the client's deadline", time.Since(start))
	}
	t.Logf("client sees: %v", err)
}

// TestFaultHang: half the output arrives, then nothing, and the session
// stays open; the other devices of the lab are unaffected.
func TestFaultHang(t *testing.T) {
	l := faultLab(t)
	d := faulty(t, l, FaultHang)
	full, _ := execOut(t, faulty(t, l, FaultNone), "show version") // a healthy twin's length, for scale
	c := mustDial(t, d)
	s, err := c.NewSession()
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	out, _ := s.StdoutPipe()
	if err := s.Start("show version"); err != nil {
		t.Fatal(err)
	}
	got := readFor(out, time.Second)
	if len(got) == 0 || len(got) >= len(full) || !strings.HasPrefix(got, "Cisco IOS Software") {
		t.Errorf("hang sent %d bytes (healthy: %d): %q", len(got), len(full), head(got, 2))
	}
	done := make(chan error, 1)
	go func() { done <- s.Wait() }()
	select {
	case err := <-done:
		t.Errorf("hung session ended: %v", err)
	case <-time.After(500 * time.Millisecond):
	}
	t.Logf("client sees %d of ~%d bytes, then silence", len(got), len(full))

	// Interactively too: the pager never comes back, nor the prompt.
	tm := openTerm(t, d, 24)
	tm.expect(d.Name+">$", wait)
	tm.send("terminal length 0\r")
	tm.expect(d.Name+">$", wait)
	tm.send("show ip arp\r")
	tm.expect("Internet", wait)
	if tm.closed(500 * time.Millisecond) {
		t.Errorf("hung interactive session closed")
	}
}

// TestFaultDrop: part of the output, then the TCP connection closes under
// the client.
func TestFaultDrop(t *testing.T) {
	l := faultLab(t)
	d := faulty(t, l, FaultDrop)
	c := mustDial(t, d)
	s, err := c.NewSession()
	if err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	s.Stdout = &out
	err = s.Run("show ip arp")
	var exitErr *ssh.ExitError
	if err == nil || errors.As(err, &exitErr) {
		t.Fatalf("Run: %v, want the connection lost without an exit status", err)
	}
	if !strings.HasPrefix(out.String(), "Protocol  Address") || len(out.String()) < 200 {
		t.Errorf("drop sent %q before closing", head(out.String(), 2))
	}
	if err := c.Wait(); err == nil {
		t.Errorf("connection still open after drop")
	}
	t.Logf("client sees %d bytes, then: %v", out.Len(), err)
}

// TestFaultFlood: a data command's output never ends, over exec and in a
// terminal, until the client goes away.
func TestFaultFlood(t *testing.T) {
	l := faultLab(t)
	d := faulty(t, l, FaultFlood)
	c := mustDial(t, d)
	s, err := c.NewSession()
	if err != nil {
		t.Fatal(err)
	}
	out, _ := s.StdoutPipe()
	if err := s.Start("show version"); err != nil {
		t.Fatal(err)
	}
	const want = 4 << 20
	head := make([]byte, 64)
	if _, err := io.ReadFull(out, head); err != nil || !bytes.HasPrefix(head, []byte("Cisco IOS Software")) {
		t.Fatalf("flood starts with %q: %v", head, err)
	}
	if n, err := io.CopyN(io.Discard, out, want); err != nil {
		t.Fatalf("flood ended after %d bytes: %v", n, err)
	}
	s.Close()

	// In a terminal too; a raw session, since the test terminal would
	// keep all of it.
	ts, err := c.NewSession()
	if err != nil {
		t.Fatal(err)
	}
	defer ts.Close()
	if err := ts.RequestPty("vt100", 24, 80, ssh.TerminalModes{}); err != nil {
		t.Fatal(err)
	}
	in, _ := ts.StdinPipe()
	tout, _ := ts.StdoutPipe()
	if err := ts.Shell(); err != nil {
		t.Fatal(err)
	}
	if _, err := io.WriteString(in, "terminal length 0\rshow version\r"); err != nil {
		t.Fatal(err)
	}
	got := make([]byte, want)
	if _, err := io.ReadFull(tout, got); err != nil {
		t.Fatalf("terminal flood ended: %v", err)
	}
	if n := bytes.Count(got, []byte("Configuration register is 0xF\r\n")); n < 100 {
		t.Errorf("terminal flood repeats show version %d times in %d bytes", n, want)
	}
}

// TestFaultSlowAndLatency: a slow device answers SlowBy late at each step;
// --latency delays every round trip of every device.
func TestFaultSlowAndLatency(t *testing.T) {
	l := faultLab(t)
	start := time.Now()
	if _, status := execOut(t, faulty(t, l, FaultSlow), "show clock"); status != 0 {
		t.Errorf("slow device failed the command")
	}
	// Connecting, authenticating and the command each wait SlowBy.
	if el := time.Since(start); el < 900*time.Millisecond {
		t.Errorf("slow device answered in %s, want at least 3 x 300ms", el)
	}
	t.Logf("slow device: show clock over a new connection in %s", time.Since(start).Round(time.Millisecond))

	o := testOptions(1, "linux")
	o.Latency = 200 * time.Millisecond
	ld := startLab(t, o).Devices()[0]
	start = time.Now()
	execOut(t, ld, "hostname")
	if el := time.Since(start); el < 400*time.Millisecond {
		t.Errorf("with 200ms latency, auth and a command took %s, want at least 400ms", el)
	}
}

// TestFaultsAreDeterministic: the same seed faults the same devices, in
// exact counts, and the inventory tags them.
func TestFaultsAreDeterministic(t *testing.T) {
	o := testOptions(200)
	o.Faults, _ = ParseFaults("auth=2%,timeout=1%,hang=1.5%,drop=1%,slow=0.5%")
	a, b := plan(o), plan(o)
	counts := map[Fault]int{}
	for i := range a {
		if a[i] != b[i] {
			t.Fatalf("device %d differs between plans: %+v vs %+v", i, a[i], b[i])
		}
		counts[a[i].Fault]++
		if a[i].Fault != FaultNone && !strings.Contains(strings.Join(a[i].Tags(), ";"), "fault-"+string(a[i].Fault)) {
			t.Errorf("%s: fault %s not in tags %v", a[i].Name, a[i].Fault, a[i].Tags())
		}
	}
	want := map[Fault]int{FaultAuth: 4, FaultTimeout: 2, FaultHang: 3, FaultDrop: 2, FaultSlow: 1, FaultNone: 188, FaultFlood: 0}
	for f, n := range want {
		if counts[f] != n {
			t.Errorf("%d devices with fault %q, want %d", counts[f], f, n)
		}
	}
	o.Seed++
	c := plan(o)
	same := true
	for i := range a {
		same = same && a[i].Fault == c[i].Fault
	}
	if same {
		t.Errorf("another seed faulted the same devices")
	}
}

// readFor reads what arrives within d.
func readFor(r io.Reader, d time.Duration) string {
	ch := make(chan []byte, 64)
	go func() {
		b := make([]byte, 4096)
		for {
			n, err := r.Read(b)
			if n > 0 {
				ch <- append([]byte(nil), b[:n]...)
			}
			if err != nil {
				close(ch)
				return
			}
		}
	}()
	var out []byte
	end := time.After(d)
	for {
		select {
		case b, ok := <-ch:
			if !ok {
				return string(out)
			}
			out = append(out, b...)
		case <-end:
			return string(out)
		}
	}
}
