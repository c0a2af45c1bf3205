package lab

import (
	"encoding/json"
	"strings"
	"sync"
	"testing"
	"time"
)

type netmikoResult struct {
	Prompt     string
	Outputs    map[string]string
	Error      *string
	Privileged *bool
}

// netmiko drives device d with Netmiko's ConnectHandler for the given
// device type and returns what it saw.
func netmiko(t *testing.T, d Device, deviceType string, enable bool, timeout int, commands ...string) netmikoResult {
	t.Helper()
	req, _ := json.Marshal(map[string]any{
		"host": d.Address, "port": d.Port, "device_type": deviceType,
		"username": "admin", "password": "admin", "secret": "admin",
		"enable": enable, "commands": commands, "timeout": timeout,
	})
	out, err := runPython(t.Context(), "netmiko_client.py", req)
	if err != nil {
		t.Error(err)
		return netmikoResult{}
	}
	var r netmikoResult
	if err := json.Unmarshal(out, &r); err != nil {
		t.Errorf("netmiko helper output: %v: %s", err, out)
	}
	return r
}

// longCommand is a command per platform whose output runs to hundreds of
// lines, so it pages unless the client turned paging off.
var longCommand = map[string]string{
	"arista_eos": "show ip arp", "cisco_ios": "show ip arp", "cisco_nxos": "show ip arp",
	"cisco_xr": "show arp", "juniper_junos": "show arp no-resolve", "linux": "arp -a",
}

// TestNetmikoDrivesEveryPlatform connects with Netmiko 2.4.2's driver for
// each platform, lets it prepare the session as it does for real devices,
// and checks that send_command returns the whole output, the same as an
// exec request gives: the prompt, paging-off and echo handling are right.
func TestNetmikoDrivesEveryPlatform(t *testing.T) {
	needPython(t, "netmiko", "python3-netmiko")
	t.Parallel()
	l := startLab(t, testOptions(6, PlatformNames()...))
	// Netmiko spends its time sleeping, so all platforms run at once
	// rather than -parallel at a time.
	results := map[string]netmikoResult{}
	var mu sync.Mutex
	var wg sync.WaitGroup
	for _, p := range PlatformNames() {
		d := devOf(t, l, p)
		wg.Go(func() {
			cmds := []string{longCommand[p]}
			if p == "cisco_ios" {
				cmds = append(cmds, "show running-config")
			}
			r := netmiko(t, d, p, p == "cisco_ios", 20, cmds...)
			mu.Lock()
			results[p] = r
			mu.Unlock()
		})
	}
	wg.Wait()
	for _, p := range PlatformNames() {
		t.Run(p, func(t *testing.T) {
			d := devOf(t, l, p)
			cmd := longCommand[p]
			r := results[p]
			if r.Error != nil {
				t.Fatalf("netmiko: %s", *r.Error)
			}
			wantPrompt := strings.TrimSpace(d.plat().prompt(d.Name, "admin", true))
			if r.Prompt != wantPrompt {
				t.Errorf("prompt %q, want %q", r.Prompt, wantPrompt)
			}
			want, _ := execOut(t, d, cmd)
			got := r.Outputs[cmd]
			if p == "cisco_xr" { // the first line is a timestamp
				got, want = dropFirstLine(got), dropFirstLine(crlfToLF(want))
			}
			if strings.TrimSpace(got) != strings.TrimSpace(crlfToLF(want)) {
				t.Errorf("send_command(%q) differs from the exec output:\n got %d lines: %s\nwant %d lines: %s",
					cmd, len(splitLines(got)), head(got, 5), len(splitLines(want)), head(want, 5))
			}
			if n := len(splitLines(got)); n < 20 {
				t.Errorf("send_command(%q) returned %d lines, want hundreds", cmd, n)
			}
			if p == "cisco_ios" {
				if r.Privileged == nil || !*r.Privileged {
					t.Errorf("enable did not reach privileged mode")
				}
				if run := r.Outputs["show running-config"]; !strings.Contains(run, "hostname "+d.Name) {
					t.Errorf("show running-config after enable: %q", head(run, 5))
				}
			}
		})
	}
}

// TestNetmikoSeesFaults shows what Netmiko reports for a device that
// refuses the password and for one that never answers the handshake.
func TestNetmikoSeesFaults(t *testing.T) {
	needPython(t, "netmiko", "python3-netmiko")
	t.Parallel()
	o := testOptions(2, "cisco_ios")
	o.Faults = Faults{Auth: 0.5, Timeout: 0.5}
	l := startLab(t, o)
	for _, f := range []Fault{FaultAuth, FaultTimeout} {
		t.Run(string(f), func(t *testing.T) {
			t.Parallel()
			var d Device
			for _, x := range l.Devices() {
				if x.Fault == f {
					d = x
				}
			}
			start := time.Now()
			r := netmiko(t, d, "cisco_ios", false, 3, "show version")
			if r.Error == nil {
				t.Fatalf("netmiko succeeded against a %s fault", f)
			}
			want := map[Fault]string{FaultAuth: "NetMikoAuthenticationException", FaultTimeout: "SSHException"}[f]
			if !strings.Contains(*r.Error, want) {
				t.Errorf("netmiko error %q, want a %s", *r.Error, want)
			}
			t.Logf("%s fault: netmiko says %q after %s", f, *r.Error, time.Since(start).Round(time.Millisecond))
		})
	}
}

func dropFirstLine(s string) string {
	_, rest, _ := strings.Cut(strings.TrimLeft(s, "\n"), "\n")
	return rest
}
