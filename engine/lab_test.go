package engine

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"vc/lab"
)

// startLab serves a lab for one test; every device takes a free port.
func startLab(t *testing.T, o lab.Options) *lab.Lab {
	t.Helper()
	if o.Devices == 0 {
		o.Devices = len(lab.PlatformNames())
	}
	if o.Platforms == nil {
		o.Platforms = lab.PlatformNames()
	}
	o.Listen, o.Port = "127.0.0.1", 0
	if o.User == "" {
		o.User, o.Password = "admin", "admin"
	}
	if o.Seed == 0 {
		o.Seed = 1
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	l, err := lab.Start(ctx, o)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { l.Close() })
	return l
}

var labCred = Credential{Name: "lab", User: "admin", Password: "admin"}

func targetOf(d lab.Device, creds ...Credential) Target {
	if len(creds) == 0 {
		creds = []Credential{labCred}
	}
	return Target{Name: d.Name, Address: d.Address, Port: d.Port, Platform: d.Platform, Creds: creds, Legacy: d.Legacy}
}

func devicesOf(l *lab.Lab, keep func(lab.Device) bool) []lab.Device {
	var out []lab.Device
	for _, d := range l.Devices() {
		if keep == nil || keep(d) {
			out = append(out, d)
		}
	}
	return out
}

func newTestRunner(t *testing.T, keepalive time.Duration) *Runner {
	t.Helper()
	r, err := NewRunner(Options{KnownHosts: filepath.Join(t.TempDir(), "known_hosts"), Keepalive: keepalive})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { r.Close() })
	return r
}

func quick() Timeouts {
	return Timeouts{Connect: 2 * time.Second, Handshake: 2 * time.Second, Prompt: 3 * time.Second, Command: 3 * time.Second}
}

// versionCommand is a command every platform answers.
func versionCommand(platform string) string {
	if platform == "linux" {
		return "uname -a"
	}
	return "show version"
}

func TestEveryPlatform(t *testing.T) {
	l := startLab(t, lab.Options{})
	r := newTestRunner(t, 0)
	for _, d := range l.Devices() {
		t.Run(d.Platform, func(t *testing.T) {
			cmds := []string{versionCommand(d.Platform), "show clock"}
			switch d.Platform {
			case "linux":
				cmds[1] = "date"
			case "juniper_junos":
				cmds[1] = "show system uptime"
			}
			res := r.Collect(context.Background(), Plan{Targets: []Target{targetOf(d)}, Commands: cmds, Timeouts: quick()})[d.Name]
			if res.Err != nil {
				t.Fatalf("%s: %v", d.Name, res.Err)
			}
			if len(res.Outputs) != 2 {
				t.Fatalf("want 2 outputs, got %d", len(res.Outputs))
			}
			for _, o := range res.Outputs {
				checkClean(t, d, o)
			}
			if res.Cred != "lab" || len(res.Attempts) != 1 || !res.Attempts[0].OK {
				t.Errorf("credential use: cred %q attempts %+v", res.Cred, res.Attempts)
			}
		})
	}
}

// checkClean asserts an output is what the command printed: no echo, no
// prompt, no pager debris, LF line ends.
func checkClean(t *testing.T, d lab.Device, o Output) {
	t.Helper()
	text := o.Text
	if strings.TrimSpace(text) == "" {
		t.Fatalf("%s: empty output", o.Command)
	}
	lines := strings.Split(strings.TrimRight(text, "\n"), "\n")
	if strings.TrimSpace(lines[0]) == o.Command {
		t.Errorf("%s: output starts with the echo", o.Command)
	}
	last := strings.TrimSpace(lines[len(lines)-1])
	if strings.HasSuffix(last, "#") || strings.HasSuffix(last, ">") || strings.HasSuffix(last, "$") {
		t.Errorf("%s: output ends with a prompt: %q", o.Command, last)
	}
	for _, bad := range []string{"\r", "--More--", "---(more", "\x1b", "\b"} {
		if strings.Contains(text, bad) {
			t.Errorf("%s: output holds %q", o.Command, bad)
		}
	}
}

// TestPaging: with paging left on, the engine answers the pager and gets
// the same output as with paging off.
func TestPaging(t *testing.T) {
	l := startLab(t, lab.Options{Platforms: lab.DefaultPlatforms[:4], Devices: 4})
	r := newTestRunner(t, 0)
	for _, d := range l.Devices() {
		t.Run(d.Platform, func(t *testing.T) {
			cmd := "show ip arp"
			if d.Platform == "juniper_junos" {
				cmd = "show arp no-resolve"
			}
			off := targetOf(d)
			on := targetOf(d)
			// A harmless command in place of the paging-off one leaves the
			// device paging.
			on.Paging = "show clock"
			got := r.Collect(context.Background(), Plan{Targets: []Target{off}, Commands: []string{cmd}, Timeouts: quick()})[d.Name]
			paged := r.Collect(context.Background(), Plan{Targets: []Target{on}, Commands: []string{cmd}, Timeouts: quick()})[d.Name]
			if got.Err != nil || paged.Err != nil {
				t.Fatalf("errors: %v / %v", got.Err, paged.Err)
			}
			if n := strings.Count(got.Outputs[0].Text, "\n"); n < 100 {
				t.Fatalf("want a long output, got %d lines", n)
			}
			if got.Outputs[0].Text != paged.Outputs[0].Text {
				t.Errorf("paged output differs:\n%s", firstDiff(got.Outputs[0].Text, paged.Outputs[0].Text))
			}
			checkClean(t, d, paged.Outputs[0])
		})
	}
}

func firstDiff(a, b string) string {
	al, bl := strings.Split(a, "\n"), strings.Split(b, "\n")
	for i := range min(len(al), len(bl)) {
		if al[i] != bl[i] {
			return "line " + itoa(i+1) + ":\n  " + al[i] + "\n  " + bl[i]
		}
	}
	return "lengths " + itoa(len(al)) + " and " + itoa(len(bl))
}

func itoa(n int) string { return strconv.Itoa(n) }

// TestEnable: cisco_ios starts in user mode; show running-config needs
// enable, answered with the enable secret, or the password when the
// credential has none.
func TestEnable(t *testing.T) {
	l := startLab(t, lab.Options{Platforms: []string{"cisco_ios"}, Devices: 1, EnableSecret: "s3cret"})
	d := l.Devices()[0]
	r := newTestRunner(t, 0)
	withSecret := labCred
	withSecret.Enable = "s3cret"
	res := r.Collect(context.Background(), Plan{Targets: []Target{targetOf(d, withSecret)}, Commands: []string{"show running-config"}, Timeouts: quick()})[d.Name]
	if res.Err != nil {
		t.Fatal(res.Err)
	}
	if !strings.Contains(res.Outputs[0].Text, "hostname "+d.Name) {
		t.Errorf("running-config without hostname:\n%s", res.Outputs[0].Text)
	}
	// The password is not the enable secret here: enable must fail clearly.
	res = r.Collect(context.Background(), Plan{Targets: []Target{targetOf(d)}, Commands: []string{"show running-config"}, Timeouts: quick()})[d.Name]
	if res.Err == nil || res.Err.Kind != KindEnable {
		t.Fatalf("want an enable failure, got %v", res.Err)
	}
	if !strings.Contains(res.Err.Reason, "enable secret was refused") {
		t.Errorf("unclear reason: %s", res.Err.Reason)
	}
}

func TestEnableWithPassword(t *testing.T) {
	l := startLab(t, lab.Options{Platforms: []string{"cisco_ios"}, Devices: 1})
	d := l.Devices()[0]
	r := newTestRunner(t, 0)
	res := r.Collect(context.Background(), Plan{Targets: []Target{targetOf(d)}, Commands: []string{"show running-config"}, Timeouts: quick()})[d.Name]
	if res.Err != nil {
		t.Fatal(res.Err)
	}
}

// TestFaults: each misbehaviour is reported as what it is.
func TestFaults(t *testing.T) {
	l := startLab(t, lab.Options{Platforms: []string{"arista_eos"}, Devices: 5, SlowBy: 300 * time.Millisecond,
		Faults: lab.Faults{Auth: 0.2, Timeout: 0.2, Hang: 0.2, Drop: 0.2, Slow: 0.2}})
	r := newTestRunner(t, 0)
	var targets []Target
	for _, d := range l.Devices() {
		targets = append(targets, targetOf(d))
	}
	to := Timeouts{Connect: time.Second, Handshake: time.Second, Prompt: 2 * time.Second, Command: time.Second}
	start := time.Now()
	results := r.Collect(context.Background(), Plan{Targets: targets, Commands: []string{"show ip arp"}, Timeouts: to})
	if d := time.Since(start); d > 4*time.Second {
		t.Errorf("the run took %v: a faulty device held up the rest", d)
	}
	want := map[lab.Fault]struct {
		kind   Kind
		reason string
	}{
		lab.FaultAuth:    {KindAuth, "auth failed (tried lab)"},
		lab.FaultTimeout: {KindTimeout, "timeout after 1s during handshake"},
		lab.FaultHang:    {KindTimeout, "timeout after 1s during command"},
		lab.FaultDrop:    {KindClosed, "connection closed by the device during command"},
	}
	for _, d := range l.Devices() {
		res := results[d.Name]
		if d.Fault == lab.FaultSlow {
			if res.Err != nil {
				t.Errorf("slow device failed: %v", res.Err)
			}
			continue
		}
		w := want[d.Fault]
		if res.Err == nil || res.Err.Kind != w.kind || res.Err.Reason != w.reason {
			t.Errorf("%s fault: got %v (%v), want %q", d.Fault, res.Err, kindOf(res.Err), w.reason)
		}
	}
}

func kindOf(e *Error) Kind {
	if e == nil {
		return KindOther
	}
	return e.Kind
}

// TestCredentialFallback: only an authentication failure moves on to the
// next credential, and every attempt is reported for recording.
func TestCredentialFallback(t *testing.T) {
	l := startLab(t, lab.Options{Platforms: []string{"cisco_nxos"}, Devices: 1})
	d := l.Devices()[0]
	r := newTestRunner(t, 0)
	// Credentials are offered in turn only to a host whose key is on
	// record: a first run records it.
	if res := r.Collect(context.Background(), Plan{Targets: []Target{targetOf(d)}, Commands: []string{"show clock"}, Timeouts: quick()})[d.Name]; res.Err != nil {
		t.Fatal(res.Err)
	}
	bad := Credential{Name: "old", User: "admin", Password: "wrong"}
	other := Credential{Name: "ops", User: "ops", Password: "admin"}
	res := r.Collect(context.Background(), Plan{Targets: []Target{targetOf(d, bad, other, labCred)}, Commands: []string{"show clock"}, Timeouts: quick()})[d.Name]
	if res.Err != nil {
		t.Fatal(res.Err)
	}
	want := []Attempt{{Cred: "old"}, {Cred: "ops"}, {Cred: "lab", OK: true}}
	if len(res.Attempts) != 3 || res.Attempts[0] != want[0] || res.Attempts[1] != want[1] || res.Attempts[2] != want[2] {
		t.Errorf("attempts %+v, want %+v", res.Attempts, want)
	}
	if res.Cred != "lab" {
		t.Errorf("cred %q", res.Cred)
	}
	res = r.Collect(context.Background(), Plan{Targets: []Target{targetOf(d, bad, other)}, Commands: []string{"show clock"}, Timeouts: quick()})[d.Name]
	if res.Err == nil || res.Err.Reason != "auth failed (tried old, ops)" || !errors.Is(res.Err, ErrAuthFailed) {
		t.Errorf("got %v", res.Err)
	}
}

// TestRejectedCommand: a device's complaint about a command fails the
// device with the complaint, and keeps the output and the session.
func TestRejectedCommand(t *testing.T) {
	l := startLab(t, lab.Options{Platforms: []string{"cisco_ios", "juniper_junos"}, Devices: 2})
	r := newTestRunner(t, time.Minute)
	for _, d := range l.Devices() {
		res := r.Collect(context.Background(), Plan{Targets: []Target{targetOf(d)}, Commands: []string{"show frobnication", versionCommand(d.Platform)}, Timeouts: quick()})[d.Name]
		if res.Err == nil || res.Err.Kind != KindCommand || !strings.HasPrefix(res.Err.Reason, "the device rejected the command: ") {
			t.Errorf("%s: %v", d.Platform, res.Err)
		}
		if len(res.Outputs) != 2 || res.Outputs[1].Err != nil {
			t.Errorf("%s: the next command should run: %+v", d.Platform, res.Outputs)
		}
		if len(r.Sessions()) == 0 {
			t.Errorf("%s: the session was dropped", d.Platform)
		}
	}
}

// TestPromptNotFound: a prompt pattern the device never shows fails the
// device after the prompt timeout, saying what it saw instead.
func TestPromptNotFound(t *testing.T) {
	l := startLab(t, lab.Options{Platforms: []string{"cisco_nxos"}, Devices: 1})
	d := l.Devices()[0]
	r := newTestRunner(t, 0)
	tg := targetOf(d)
	tg.Prompt = `^never-this-prompt>$`
	to := quick()
	to.Prompt = 500 * time.Millisecond
	res := r.Collect(context.Background(), Plan{Targets: []Target{tg}, Commands: []string{"show clock"}, Timeouts: to})[d.Name]
	if res.Err == nil || res.Err.Kind != KindPrompt || !strings.HasPrefix(res.Err.Reason, "prompt not found after 500ms (last line \"") {
		t.Fatalf("got %v", res.Err)
	}
}

// TestOverallTimeout: the run's own deadline fails the devices still
// talking, and only those.
func TestOverallTimeout(t *testing.T) {
	l := startLab(t, lab.Options{Platforms: []string{"arista_eos"}, Devices: 4, Faults: lab.Faults{Hang: 0.5}})
	r := newTestRunner(t, 0)
	var targets []Target
	for _, d := range l.Devices() {
		targets = append(targets, targetOf(d))
	}
	start := time.Now()
	results := r.Collect(context.Background(), Plan{Targets: targets, Commands: []string{"show ip arp"}, Timeouts: DefaultTimeouts(), Overall: 700 * time.Millisecond})
	if took := time.Since(start); took > 2*time.Second {
		t.Errorf("run took %v with a 700ms deadline", took)
	}
	ok, timedOut := 0, 0
	for _, res := range results {
		switch {
		case res.Err == nil:
			ok++
		case res.Err.Kind == KindTimeout && strings.Contains(res.Err.Reason, "the run's time ran out"):
			timedOut++
		default:
			t.Errorf("%s: %v", res.Target, res.Err)
		}
	}
	if ok != 2 || timedOut != 2 {
		t.Errorf("ok %d, timed out %d; want 2 and 2", ok, timedOut)
	}
}

// TestConnectionRefused is not an authentication failure: the next
// credential is not tried.
func TestConnectionRefused(t *testing.T) {
	r := newTestRunner(t, 0)
	tg := Target{Name: "nothing", Address: "127.0.0.1", Port: 1, Platform: "cisco_ios",
		Creds: []Credential{{Name: "a", User: "x", Password: "y"}, {Name: "b", User: "x", Password: "y"}}}
	res := r.Collect(context.Background(), Plan{Targets: []Target{tg}, Commands: []string{"show clock"}, Timeouts: quick()})["nothing"]
	if res.Err == nil || res.Err.Kind != KindRefused || res.Err.Reason != "connection refused" || len(res.Attempts) != 0 {
		t.Errorf("got %v, attempts %+v", res.Err, res.Attempts)
	}
}

func TestLegacyOnly(t *testing.T) {
	l := startLab(t, lab.Options{Platforms: []string{"cisco_ios"}, Devices: 1, Legacy: []string{"cisco_ios"}})
	d := l.Devices()[0]
	r := newTestRunner(t, 0)
	modern := targetOf(d)
	modern.Legacy = false
	res := r.Collect(context.Background(), Plan{Targets: []Target{modern}, Commands: []string{"show clock"}, Timeouts: quick()})[d.Name]
	if res.Err == nil || res.Err.Kind != KindAlgorithm || !strings.Contains(res.Err.Reason, "legacy=yes") {
		t.Fatalf("modern client on a legacy device: %v", res.Err)
	}
	res = r.Collect(context.Background(), Plan{Targets: []Target{targetOf(d)}, Commands: []string{"show clock"}, Timeouts: quick()})[d.Name]
	if res.Err != nil {
		t.Fatalf("legacy allowed: %v", res.Err)
	}
}

func TestHostKeyChange(t *testing.T) {
	l := startLab(t, lab.Options{Platforms: []string{"arista_eos"}, Devices: 1})
	d := l.Devices()[0]
	r := newTestRunner(t, 0)
	plan := Plan{Targets: []Target{targetOf(d)}, Commands: []string{"show clock"}, Timeouts: quick()}
	if res := r.Collect(context.Background(), plan)[d.Name]; res.Err != nil {
		t.Fatal(res.Err)
	}
	if err := l.Touch(d.Name, lab.TouchOptions{HostKey: true}); err != nil {
		t.Fatal(err)
	}
	res := r.Collect(context.Background(), plan)[d.Name]
	if res.Err == nil || res.Err.Kind != KindHostKey || !strings.HasPrefix(res.Err.Reason, "host key changed!") {
		t.Fatalf("got %v", res.Err)
	}
	// A fresh runner reads the file: the refusal persists across sessions.
	r2, err := NewRunner(Options{KnownHosts: r.HostKeys().path})
	if err != nil {
		t.Fatal(err)
	}
	defer r2.Close()
	if res := r2.Collect(context.Background(), plan)[d.Name]; res.Err == nil || res.Err.Kind != KindHostKey {
		t.Fatalf("after reload: %v", res.Err)
	}
	n, err := r2.HostKeys().Forget(plan.Targets[0].Addr())
	if err != nil || n != 1 {
		t.Fatalf("forget: %d, %v", n, err)
	}
	if res := r2.Collect(context.Background(), plan)[d.Name]; res.Err != nil {
		t.Fatalf("after forget: %v", res.Err)
	}
	plan.Targets[0].IgnoreHostKey = true
	if err := l.Touch(d.Name, lab.TouchOptions{HostKey: true}); err != nil {
		t.Fatal(err)
	}
	if res := r2.Collect(context.Background(), plan)[d.Name]; res.Err != nil {
		t.Fatalf("hostkey=ignore: %v", res.Err)
	}
}

// TestJumpHost goes through a linux lab device to reach the others, with
// one connection to the jump host for all of them.
func TestJumpHost(t *testing.T) {
	l := startLab(t, lab.Options{Platforms: []string{"linux", "cisco_ios", "arista_eos"}, Devices: 3})
	r := newTestRunner(t, 0)
	jumpDev := devicesOf(l, func(d lab.Device) bool { return d.Platform == "linux" })[0]
	jump := &JumpHost{Name: jumpDev.Name, Address: jumpDev.Address, Port: jumpDev.Port, Creds: []Credential{labCred}}
	var targets []Target
	for _, d := range devicesOf(l, func(d lab.Device) bool { return d.Platform != "linux" }) {
		tg := targetOf(d)
		tg.Jump = jump
		targets = append(targets, tg)
	}
	results := r.Collect(context.Background(), Plan{Targets: targets, Commands: []string{"show clock"}, Timeouts: quick()})
	for _, tg := range targets {
		if res := results[tg.Name]; res.Err != nil {
			t.Errorf("%s through %s: %v", tg.Name, jump.Name, res.Err)
		}
	}
	if n := len(r.dial.jumps.clients); n != 1 {
		t.Errorf("%d jump connections, want 1", n)
	}
	// A jump host that refuses us is named in the failure.
	bad := *jump
	bad.Name, bad.Creds = "bastion", []Credential{{Name: "x", User: "admin", Password: "nope"}}
	targets[0].Jump = &bad
	res := r.Collect(context.Background(), Plan{Targets: targets[:1], Commands: []string{"show clock"}, Timeouts: quick()})[targets[0].Name]
	if res.Err == nil || !strings.Contains(res.Err.Reason, "jump host bastion") {
		t.Errorf("got %v", res.Err)
	}
}

// TestWarmSessions: a second run reuses the sessions of the first; a
// session the device closed is reopened without the user noticing.
func TestWarmSessions(t *testing.T) {
	l := startLab(t, lab.Options{Devices: 6, IdleTimeout: time.Minute})
	r := newTestRunner(t, time.Minute)
	var targets []Target
	for _, d := range l.Devices() {
		targets = append(targets, targetOf(d))
	}
	cmd := func(p string) string { return versionCommand(p) }
	for round := range 2 {
		plan := Plan{Targets: targets, Timeouts: quick()}
		results := map[string]*Result{}
		for _, tg := range targets {
			p := Plan{Targets: []Target{tg}, Commands: []string{cmd(tg.Platform)}, Timeouts: plan.Timeouts}
			results[tg.Name] = r.Collect(context.Background(), p)[tg.Name]
		}
		for _, tg := range targets {
			res := results[tg.Name]
			if res.Err != nil {
				t.Fatalf("round %d %s: %v", round, tg.Name, res.Err)
			}
			if res.Reused != (round == 1) {
				t.Errorf("round %d %s: reused=%v", round, tg.Name, res.Reused)
			}
		}
	}
	if n := len(r.Sessions()); n != len(targets) {
		t.Errorf("%d warm sessions, want %d", n, len(targets))
	}
	// Kill the sessions under the runner's feet, as a device's exec-timeout
	// would: the next run logs in again.
	r.mu.Lock()
	for _, s := range r.sessions {
		s.conn.Close()
	}
	r.mu.Unlock()
	time.Sleep(50 * time.Millisecond)
	results := r.Collect(context.Background(), Plan{Targets: targets[:1], Commands: []string{cmd(targets[0].Platform)}, Timeouts: quick()})
	if res := results[targets[0].Name]; res.Err != nil || res.Reused {
		t.Errorf("after the device closed it: %v reused=%v", res.Err, res.Reused)
	}
	if n := r.CloseSessions(func(string) bool { return true }); n != 1 {
		t.Errorf("closed %d sessions, want 1 (the dead ones were dropped)", n)
	}
}

// TestCancel: cancelling mid-run ends it in well under a second and leaves
// no goroutine behind.
func TestCancel(t *testing.T) {
	l := startLab(t, lab.Options{Platforms: []string{"cisco_nxos"}, Devices: 20, Faults: lab.Faults{Hang: 0.5}})
	before := runtime.NumGoroutine()
	r, err := NewRunner(Options{})
	if err != nil {
		t.Fatal(err)
	}
	var targets []Target
	for _, d := range l.Devices() {
		targets = append(targets, targetOf(d))
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	events := r.Run(ctx, Plan{Targets: targets, Commands: []string{"show ip arp"}, Timeouts: DefaultTimeouts()})
	var done, canceled int
	var stopped time.Time
	for ev := range events {
		switch ev.Kind {
		case EventDone:
			done++
			if done == 10 {
				stopped = time.Now()
				cancel()
			}
		case EventFailed:
			if ev.Err.Kind == KindCanceled {
				canceled++
			}
		}
	}
	if took := time.Since(stopped); took > time.Second {
		t.Errorf("the run took %v to end after cancel", took)
	}
	if done != 10 || canceled != 10 {
		t.Errorf("done %d canceled %d, want 10 and 10", done, canceled)
	}
	r.Close()
	deadline := time.Now().Add(2 * time.Second)
	for runtime.NumGoroutine() > before && time.Now().Before(deadline) {
		time.Sleep(20 * time.Millisecond)
	}
	if n := runtime.NumGoroutine(); n > before {
		buf := make([]byte, 1<<16)
		t.Errorf("%d goroutines left (was %d):\n%s", n, before, buf[:runtime.Stack(buf, true)])
	}
}

// TestGroupLimit: a site's max-sessions caps how many of its devices are
// talked to at once.
func TestGroupLimit(t *testing.T) {
	l := startLab(t, lab.Options{Platforms: []string{"arista_eos"}, Devices: 4, Latency: 50 * time.Millisecond})
	r := newTestRunner(t, 0)
	var targets []Target
	for _, d := range l.Devices() {
		tg := targetOf(d)
		tg.Group = "dc1"
		targets = append(targets, tg)
	}
	var active, peak int
	for ev := range r.Run(context.Background(), Plan{Targets: targets, Commands: []string{"show clock"}, Timeouts: quick(), GroupLimits: map[string]int{"dc1": 1}}) {
		switch ev.Kind {
		case EventStarted:
			active++
			peak = max(peak, active)
		case EventDone, EventFailed:
			active--
			if ev.Err != nil {
				t.Errorf("%s: %v", ev.Target, ev.Err)
			}
		}
	}
	if peak != 1 {
		t.Errorf("peak %d devices at once in a group limited to 1", peak)
	}
}

// TestHostKeyTypeSwap: a device whose recorded ed25519 key gave way to an
// RSA key has changed its key, as OpenSSH says, and the RSA key is not
// recorded; a device offering both still connects, with the recorded
// type. A host seen for the first time is asked for ed25519 first.
func TestHostKeyTypeSwap(t *testing.T) {
	l := startLab(t, lab.Options{Platforms: []string{"arista_eos"}, Devices: 1})
	d := l.Devices()[0]
	r := newTestRunner(t, 0)
	plan := Plan{Targets: []Target{targetOf(d)}, Commands: []string{"show clock"}, Timeouts: quick()}
	if err := l.Touch(d.Name, lab.TouchOptions{HostKeyTypes: []string{"rsa", "ed25519"}}); err != nil {
		t.Fatal(err)
	}
	if res := r.Collect(context.Background(), plan)[d.Name]; res.Err != nil {
		t.Fatal(res.Err)
	}
	known := readKnown(t, r)
	if len(known) != 1 || !strings.Contains(known[0], " ssh-ed25519 ") {
		t.Fatalf("first contact recorded %q, want one ed25519 key", known)
	}
	if err := l.Touch(d.Name, lab.TouchOptions{HostKeyTypes: []string{"rsa"}}); err != nil {
		t.Fatal(err)
	}
	res := r.Collect(context.Background(), plan)[d.Name]
	var changed *HostKeyChangedError
	if res.Err == nil || res.Err.Kind != KindHostKey || !errors.As(res.Err, &changed) || !slices.Contains(changed.Offered, "ssh-rsa") ||
		!strings.HasPrefix(res.Err.Reason, "host key changed! ") || !strings.Contains(res.Err.Reason, "hostkey forget "+d.Name) {
		t.Fatalf("RSA key where ed25519 is recorded: %v", res.Err)
	}
	t.Logf("reason: %s", res.Err.Reason)
	if got := readKnown(t, r); len(got) != 1 {
		t.Errorf("known_hosts after the swap: %q", got)
	}
	if err := l.Touch(d.Name, lab.TouchOptions{HostKeyTypes: []string{"rsa", "ed25519"}}); err != nil {
		t.Fatal(err)
	}
	if res := r.Collect(context.Background(), plan)[d.Name]; res.Err != nil {
		t.Fatalf("both types offered, ed25519 recorded: %v", res.Err)
	}
	if got := readKnown(t, r); len(got) != 1 {
		t.Errorf("known_hosts after connecting with both types: %q", got)
	}
}

func readKnown(t *testing.T, r *Runner) []string {
	t.Helper()
	b, err := os.ReadFile(r.HostKeys().path)
	if err != nil {
		t.Fatal(err)
	}
	return strings.Split(strings.TrimSpace(string(b)), "\n")
}

// TestCredentialsOnlyForKnownHosts: a host whose key was first seen in
// the connection gets one credential: an impostor that refuses it does not
// collect the others, and is not recorded as known for the next run. A
// host on record, or the user's OfferAllCreds, gets them all.
func TestCredentialsOnlyForKnownHosts(t *testing.T) {
	l := startLab(t, lab.Options{Platforms: []string{"cisco_nxos"}, Devices: 1})
	d := l.Devices()[0]
	wrong := Credential{Name: "wrong", User: "admin", Password: "nope"}
	run := func(r *Runner, tg Target) *Result {
		return r.Collect(context.Background(), Plan{Targets: []Target{tg}, Commands: []string{"show clock"}, Timeouts: quick()})[d.Name]
	}
	t.Run("first seen", func(t *testing.T) {
		r := newTestRunner(t, 0)
		res := run(r, targetOf(d, wrong, labCred))
		want := "auth failed with wrong; other credentials were not offered because this host's key was first seen in this connection (exec --all-creds offers them)"
		if res.Err == nil || res.Err.Kind != KindAuth || res.Err.Reason != want || !errors.Is(res.Err, ErrAuthFailed) || !errors.Is(res.Err, ErrCredsWithheld) {
			t.Fatalf("got %v", res.Err)
		}
		if len(res.Attempts) != 1 || res.Attempts[0] != (Attempt{Cred: "wrong"}) {
			t.Errorf("attempts %+v", res.Attempts)
		}
		if b, err := os.ReadFile(r.HostKeys().path); err == nil && len(b) > 0 {
			t.Errorf("a host that refused the login was recorded:\n%s", b)
		}
	})
	t.Run("on record", func(t *testing.T) {
		r := newTestRunner(t, 0)
		if res := run(r, targetOf(d)); res.Err != nil {
			t.Fatal(res.Err)
		}
		res := run(r, targetOf(d, wrong, labCred))
		if res.Err != nil || res.Cred != "lab" || len(res.Attempts) != 2 {
			t.Errorf("got %v, cred %q, attempts %+v", res.Err, res.Cred, res.Attempts)
		}
	})
	t.Run("all creds", func(t *testing.T) {
		r := newTestRunner(t, 0)
		tg := targetOf(d, wrong, labCred)
		tg.OfferAllCreds = true
		if res := run(r, tg); res.Err != nil || res.Cred != "lab" || len(res.Attempts) != 2 {
			t.Errorf("got %v, cred %q, attempts %+v", res.Err, res.Cred, res.Attempts)
		}
		if got := readKnown(t, r); len(got) != 1 {
			t.Errorf("known_hosts after a login: %q", got)
		}
	})
	t.Run("hostkey ignore", func(t *testing.T) {
		r := newTestRunner(t, 0)
		tg := targetOf(d, wrong, labCred)
		tg.IgnoreHostKey = true
		res := run(r, tg)
		if res.Err == nil || !errors.Is(res.Err, ErrCredsWithheld) || !strings.Contains(res.Err.Reason, "because this host's key is not checked (hostkey=ignore;") {
			t.Errorf("got %v", res.Err)
		}
	})
	t.Run("jump host first seen", func(t *testing.T) {
		jl := startLab(t, lab.Options{Platforms: []string{"linux"}, Devices: 1})
		jd := jl.Devices()[0]
		r := newTestRunner(t, 0)
		tg := targetOf(d)
		tg.Jump = &JumpHost{Name: jd.Name, Address: jd.Address, Port: jd.Port, Creds: []Credential{wrong, labCred}}
		res := run(r, tg)
		if res.Err == nil || !errors.Is(res.Err, ErrCredsWithheld) || !strings.Contains(res.Err.Reason, "jump host "+jd.Name) {
			t.Fatalf("got %v", res.Err)
		}
		tg.Jump.OfferAllCreds = true
		if res := run(r, tg); res.Err != nil {
			t.Errorf("jump host with all credentials: %v", res.Err)
		}
	})
}

// TestOutputLimit: a device whose output passes Plan.MaxOutput fails with
// its own kind, naming the limit, and its session is closed; in a shell
// and on an exec channel, with endless output and with a long one.
func TestOutputLimit(t *testing.T) {
	l := startLab(t, lab.Options{Platforms: []string{"cisco_ios", "linux"}, Devices: 2, Faults: lab.Faults{Flood: 1}})
	healthy := startLab(t, lab.Options{Platforms: []string{"arista_eos"}, Devices: 1})
	r := newTestRunner(t, time.Minute)
	for _, d := range append(l.Devices(), healthy.Devices()...) {
		t.Run(d.Platform, func(t *testing.T) {
			cmd, limit := versionCommand(d.Platform), int64(1<<20)
			if d.Fault == lab.FaultNone {
				cmd, limit = "show ip arp", 2000
			}
			plan := Plan{Targets: []Target{targetOf(d, labCred)}, Commands: []string{cmd}, Timeouts: quick(), MaxOutput: limit}
			res := r.Collect(context.Background(), plan)[d.Name]
			if res.Err == nil || res.Err.Kind != KindOutputLimit || res.Err.Kind.String() != "output-limit" {
				t.Fatalf("got %v (%v)", res.Err, kindOf(res.Err))
			}
			want := "1 MiB"
			if limit == 2000 {
				want = "2000 bytes"
			}
			if !strings.Contains(res.Err.Reason, want) {
				t.Errorf("reason does not name the limit (%s): %s", want, res.Err.Reason)
			}
			t.Logf("reason: %s", res.Err.Reason)
			for _, s := range r.Sessions() {
				if s.Target == d.Name {
					t.Errorf("the session was kept")
				}
			}
		})
	}
}

// TestEnableModes: a device whose enable goes straight to # is in
// privileged mode; one that says "% No password set" or "% Access
// denied" fails the device promptly with what it said.
func TestEnableModes(t *testing.T) {
	cases := []struct {
		mode   lab.EnableMode
		reason string // empty: success
	}{
		{lab.EnableModeNone, ""},
		{lab.EnableModeNoPassword, `enable failed: the device said "% No password set" (credential lab)`},
		{lab.EnableModeDenied, `enable failed: the device said "% Access denied" (credential lab)`},
	}
	for _, c := range cases {
		t.Run(string(c.mode), func(t *testing.T) {
			l := startLab(t, lab.Options{Platforms: []string{"cisco_ios"}, Devices: 1, Enable: c.mode})
			d := l.Devices()[0]
			r := newTestRunner(t, 0)
			to := quick()
			to.Prompt = 20 * time.Second // a hang would show as a timeout, not pass
			res := r.Collect(context.Background(), Plan{Targets: []Target{targetOf(d)}, Commands: []string{"show running-config"}, Timeouts: to})[d.Name]
			if c.reason == "" {
				if res.Err != nil {
					t.Fatal(res.Err)
				}
				if !strings.Contains(res.Outputs[0].Text, "hostname "+d.Name) {
					t.Errorf("running-config without hostname:\n%s", res.Outputs[0].Text)
				}
				return
			}
			if res.Err == nil || res.Err.Kind != KindEnable || res.Err.Reason != c.reason {
				t.Errorf("got %v (%v), want %q", res.Err, kindOf(res.Err), c.reason)
			}
		})
	}
}

// TestExecDropped: a linux host that drops the connection in the middle of
// a command's output closed the session; it did not fail the command.
func TestExecDropped(t *testing.T) {
	l := startLab(t, lab.Options{Platforms: []string{"linux"}, Devices: 1, Faults: lab.Faults{Drop: 1}})
	d := l.Devices()[0]
	r := newTestRunner(t, 0)
	res := r.Collect(context.Background(), Plan{Targets: []Target{targetOf(d)}, Commands: []string{"uname -a"}, Timeouts: quick()})[d.Name]
	if res.Err == nil || res.Err.Kind != KindClosed || res.Err.Reason != "connection closed by the device during command" {
		t.Errorf("got %v (%v)", res.Err, kindOf(res.Err))
	}
}

// TestSessionLog: a target's transcript shows the session as the device
// saw it, setup and enable included, without a secret; a warm session
// writes the next run's transcript, not the last one's.
func TestSessionLog(t *testing.T) {
	l := startLab(t, lab.Options{Platforms: []string{"cisco_ios", "linux"}, Devices: 2, User: "admin", Password: "Lab-Pass-1", EnableSecret: "Lab-Enable-1"})
	cred := Credential{Name: "lab", User: "admin", Password: "Lab-Pass-1", Enable: "Lab-Enable-1"}
	r := newTestRunner(t, time.Minute)
	for _, d := range l.Devices() {
		t.Run(d.Platform, func(t *testing.T) {
			cmds := []string{"show running-config", "show clock"}
			want := []string{d.Name + ">", "enable\r\n", "Password: ********\n", "terminal length 0", d.Name + "#", "show running-config\r\n", "hostname " + d.Name, "show clock\r\n"}
			if d.Platform == "linux" {
				cmds = []string{"uname -a", "echo Lab-Pass-1 Lab-Enable-1"}
				want = []string{"uname -a\n", "Linux " + d.Name, "echo ******** ********\n", "******** ********\n"}
			}
			var first, second syncWriter
			tg := targetOf(d, cred)
			tg.SessionLog = &first
			res := r.Collect(context.Background(), Plan{Targets: []Target{tg}, Commands: cmds, Timeouts: quick()})[d.Name]
			if res.Err != nil {
				t.Fatal(res.Err)
			}
			got := first.String()
			for _, w := range want {
				if !strings.Contains(got, w) {
					t.Errorf("transcript lacks %q:\n%s", w, got)
				}
			}
			for _, secret := range []string{cred.Password, cred.Enable} {
				if strings.Contains(got, secret) {
					t.Errorf("transcript shows the secret %q:\n%s", secret, got)
				}
			}
			tg.SessionLog = &second
			res = r.Collect(context.Background(), Plan{Targets: []Target{tg}, Commands: []string{versionCommand(d.Platform)}, Timeouts: quick()})[d.Name]
			if res.Err != nil || !res.Reused {
				t.Fatalf("second run: %v, reused %v", res.Err, res.Reused)
			}
			if first.String() != got {
				t.Errorf("the first run's transcript grew after it ended")
			}
			if s := second.String(); !strings.Contains(s, versionCommand(d.Platform)) || strings.Contains(s, "show clock") {
				t.Errorf("second transcript:\n%s", s)
			}
		})
	}
}
