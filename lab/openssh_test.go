package lab

import (
	"context"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"
)

// needOpenSSH skips unless ssh and sshpass are installed.
func needOpenSSH(t *testing.T) {
	t.Helper()
	for _, bin := range []string{"ssh", "sshpass"} {
		if _, err := exec.LookPath(bin); err != nil {
			t.Skipf("%s missing: apt-get install openssh-client sshpass", bin)
		}
	}
}

// openssh runs the OpenSSH client against d with password "admin" through
// sshpass, feeding stdin, and returns its combined output.
func openssh(t *testing.T, d Device, knownHosts, stdin string, args ...string) (string, error) {
	t.Helper()
	ctx, cancel := context.WithTimeout(t.Context(), 20*time.Second)
	defer cancel()
	base := []string{"-p", "admin", "ssh",
		"-o", "UserKnownHostsFile=" + knownHosts, "-o", "GlobalKnownHostsFile=/dev/null",
		"-o", "StrictHostKeyChecking=accept-new", "-o", "PreferredAuthentications=password,keyboard-interactive",
		"-o", "PubkeyAuthentication=no", "-o", "ConnectTimeout=5", "-F", "/dev/null",
		"-p", strconv.Itoa(d.Port), "-l", "admin"}
	cmd := exec.CommandContext(ctx, "sshpass", append(append(base, args...), d.Address)...)
	if len(args) > 0 && !strings.HasPrefix(args[len(args)-1], "-") {
		// The last argument is a remote command: it goes after the host.
		cmd = exec.CommandContext(ctx, "sshpass", append(append(base, args[:len(args)-1]...), d.Address, args[len(args)-1])...)
	}
	cmd.Stdin = strings.NewReader(stdin)
	out, err := cmd.CombinedOutput()
	return string(out), err
}

// TestOpenSSHEveryPlatform drives every platform with the OpenSSH client:
// an exec request, then an interactive session fed on a forced tty, as a
// person typing would.
func TestOpenSSHEveryPlatform(t *testing.T) {
	needOpenSSH(t)
	l := startLab(t, testOptions(6, PlatformNames()...))
	kh := filepath.Join(t.TempDir(), "known_hosts")
	cases := map[string]struct{ exec, want, script string }{
		"arista_eos":    {"show version", "Software image version: ", "terminal length 0\nshow ip interface brief\nexit\n"},
		"cisco_ios":     {"show version", "Processor board ID ", "enable\nadmin\nterminal length 0\nshow running-config\nexit\n"},
		"cisco_nxos":    {"show version", "  NXOS: version ", "terminal length 0\nshow lldp neighbors\nexit\n"},
		"cisco_xr":      {"show version", "Cisco IOS XR Software, Version ", "terminal length 0\nshow ip interface brief\nexit\n"},
		"juniper_junos": {"show version", "Junos: ", "set cli screen-length 0\nshow interfaces terse\nexit\n"},
		"linux":         {"uname -a", "GNU/Linux", "hostname\nexit\n"},
	}
	interactive := map[string]string{
		"arista_eos": "Loopback0", "cisco_ios": "hostname usa-leaf-002", "cisco_nxos": "usa-leaf-001",
		"cisco_xr": "MgmtEth0/RP0/CPU0/0", "juniper_junos": "irb.100", "linux": "usa-server-001",
	}
	for _, p := range PlatformNames() {
		t.Run(p, func(t *testing.T) {
			d, c := devOf(t, l, p), cases[p]
			out, err := openssh(t, d, kh, "", c.exec)
			if err != nil || !strings.Contains(out, c.want) {
				t.Errorf("ssh %s %q: %v\n%s", d.Name, c.exec, err, head(out, 5))
			}
			out, err = openssh(t, d, kh, c.script, "-tt")
			prompt := strings.TrimSpace(d.plat().prompt(d.Name, "admin", true))
			if err != nil || !strings.Contains(out, interactive[p]) || !strings.Contains(out, prompt) {
				t.Errorf("ssh -tt %s with %q: %v\n%s", d.Name, c.script, err, head(out, 8))
			}
			if strings.Contains(out, "--More--") || strings.Contains(out, "---(more") {
				t.Errorf("paged after paging was turned off:\n%s", out)
			}
		})
	}
	// With paging left on, OpenSSH's user meets the pager: a space shows
	// the next page, q returns to the prompt.
	d := devOf(t, l, "cisco_ios")
	out, err := openssh(t, d, kh, "show ip arp\n q\nexit\n", "-tt")
	if err != nil || strings.Count(out, " --More-- ") != 2 || !strings.Contains(out, d.Name+">exit") {
		t.Errorf("paging through OpenSSH: %v\n%s", err, out)
	}
	if n := strings.Count(out, "Internet  "); n != 2*23-1 { // less the header line
		t.Errorf("two pages of 23 lines from a 24-row terminal, got %d ARP lines and the header", n)
	}
}

// TestOpenSSHLegacyAndKnownHosts: OpenSSH reaches a legacy-only device
// once told to accept its old algorithms, and refuses a device whose host
// key changed since it was recorded in known_hosts.
func TestOpenSSHLegacyAndKnownHosts(t *testing.T) {
	needOpenSSH(t)
	o := testOptions(2, "cisco_ios", "linux")
	o.Legacy = []string{"cisco_ios"}
	l := startLab(t, o)
	kh := filepath.Join(t.TempDir(), "known_hosts")
	old := devOf(t, l, "cisco_ios")
	if out, err := openssh(t, old, kh, "", "show clock"); err == nil {
		t.Errorf("default OpenSSH reached a legacy-only device:\n%s", out)
	} else {
		t.Logf("default OpenSSH sees: %s", strings.TrimSpace(out))
	}
	out, err := openssh(t, old, kh, "", "-o", "KexAlgorithms=+diffie-hellman-group1-sha1", "-o", "Ciphers=+aes128-cbc",
		"-o", "HostKeyAlgorithms=+ssh-rsa", "show clock")
	if err != nil || !strings.Contains(out, " UTC ") {
		t.Errorf("OpenSSH with legacy algorithms: %v\n%s", err, out)
	}

	srv := devOf(t, l, "linux")
	if out, err := openssh(t, srv, kh, "", "hostname"); err != nil {
		t.Fatalf("first connection: %v\n%s", err, out)
	}
	if err := l.Touch(srv.Name, TouchOptions{HostKey: true}); err != nil {
		t.Fatal(err)
	}
	out, err = openssh(t, srv, kh, "", "-o", "StrictHostKeyChecking=yes", "hostname")
	if err == nil || !strings.Contains(out, "REMOTE HOST IDENTIFICATION HAS CHANGED") {
		t.Errorf("after rotation: %v\n%s", err, out)
	}
}
