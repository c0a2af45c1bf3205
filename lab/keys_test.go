package lab

import (
	"bytes"
	"context"
	"errors"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"golang.org/x/crypto/ssh"
)

// legacyConfig is a client configured the way one must be for old IOS.
func legacyConfig() *ssh.ClientConfig {
	cfg := clientConfig()
	cfg.KeyExchanges = []string{ssh.InsecureKeyExchangeDH1SHA1}
	cfg.Ciphers = []string{ssh.InsecureCipherAES128CBC}
	cfg.MACs = []string{ssh.HMACSHA1}
	cfg.HostKeyAlgorithms = []string{ssh.KeyAlgoRSA}
	return cfg
}

// TestLegacyAlgorithms: a legacy-only device refuses a modern client and
// serves one that offers diffie-hellman-group1-sha1, aes128-cbc and
// ssh-rsa; other platforms keep modern algorithms.
func TestLegacyAlgorithms(t *testing.T) {
	o := testOptions(2, "cisco_ios", "arista_eos")
	o.Legacy = []string{"cisco_ios"}
	l := startLab(t, o)
	old, modern := devOf(t, l, "cisco_ios"), devOf(t, l, "arista_eos")
	if !old.Legacy || modern.Legacy || !strings.Contains(strings.Join(old.Tags(), ";"), "legacy") {
		t.Fatalf("legacy flags: %+v %+v", old, modern)
	}
	if _, err := dial(old, clientConfig(), 5*time.Second); err == nil || !strings.Contains(err.Error(), "no common algorithm") {
		t.Errorf("modern client against legacy device: %v, want no common algorithm", err)
	} else {
		t.Logf("modern client sees: %v", err)
	}
	var key ssh.PublicKey
	cfg := legacyConfig()
	cfg.HostKeyCallback = func(_ string, _ net.Addr, k ssh.PublicKey) error { key = k; return nil }
	c, err := dial(old, cfg, 10*time.Second)
	if err != nil {
		t.Fatalf("legacy client against legacy device: %v", err)
	}
	defer c.Close()
	if key.Type() != ssh.KeyAlgoRSA {
		t.Errorf("legacy host key type %s, want ssh-rsa", key.Type())
	}
	s, _ := c.NewSession()
	var out bytes.Buffer
	s.Stdout = &out
	if err := s.Run("show version"); err != nil || !strings.HasPrefix(out.String(), "Cisco IOS Software") {
		t.Errorf("show version over legacy algorithms: %v %q", err, head(out.String(), 1))
	}
	if _, err := dial(modern, legacyConfig(), 5*time.Second); err == nil {
		t.Errorf("a modern device accepted legacy-only algorithms")
	}
}

// hostKeyOf returns the key a device presents.
func hostKeyOf(t *testing.T, d Device) ssh.PublicKey {
	t.Helper()
	var key ssh.PublicKey
	cfg := clientConfig()
	cfg.HostKeyCallback = func(_ string, _ net.Addr, k ssh.PublicKey) error { key = k; return nil }
	c, err := dial(d, cfg, 10*time.Second)
	if err != nil {
		t.Fatalf("dial %s: %v", d.Name, err)
	}
	c.Close()
	return key
}

// TestHostKeys: keys are ed25519, differ between devices, survive a lab
// restart with the same seed, and change when Touch rotates them, which a
// client checking known hosts sees as a changed key.
func TestHostKeys(t *testing.T) {
	o := testOptions(2, "linux")
	l1 := startLab(t, o)
	a, b := l1.Devices()[0], l1.Devices()[1]
	ka, kb := hostKeyOf(t, a), hostKeyOf(t, b)
	if ka.Type() != ssh.KeyAlgoED25519 {
		t.Errorf("host key type %s, want ssh-ed25519", ka.Type())
	}
	if bytes.Equal(ka.Marshal(), kb.Marshal()) {
		t.Errorf("two devices share a host key")
	}
	l2 := startLab(t, o)
	if k := hostKeyOf(t, l2.Devices()[0]); !bytes.Equal(k.Marshal(), ka.Marshal()) {
		t.Errorf("same seed and name, different host key")
	}
	if err := l1.Touch(a.Name, TouchOptions{HostKey: true}); err != nil {
		t.Fatal(err)
	}
	known := ssh.FixedHostKey(ka)
	cfg := clientConfig()
	cfg.HostKeyCallback = known
	_, err := dial(a, cfg, 5*time.Second)
	if err == nil || !strings.Contains(err.Error(), "host key mismatch") {
		t.Errorf("after rotation: %v, want a host key mismatch", err)
	} else {
		t.Logf("client pinned to the old key sees: %v", err)
	}
	if k := hostKeyOf(t, b); !bytes.Equal(k.Marshal(), kb.Marshal()) {
		t.Errorf("rotating %s changed %s's key", a.Name, b.Name)
	}
}

// TestTouchChangesRunningConfig: each touch adds an operator change to
// the running configuration, on every platform, and only on that device.
func TestTouchChangesRunningConfig(t *testing.T) {
	l := startLab(t, testOptions(6, PlatformNames()...))
	show := map[string]string{"juniper_junos": "show configuration"}
	for _, p := range PlatformNames() {
		if p == "linux" {
			continue
		}
		t.Run(p, func(t *testing.T) {
			d := devOf(t, l, p)
			cmd := show[p]
			if cmd == "" {
				cmd = "show running-config"
			}
			before := privileged(t, d, cmd)
			again := privileged(t, d, cmd)
			if p != "cisco_nxos" && p != "cisco_xr" && before != again { // those two print the time
				t.Fatalf("running config changed untouched")
			}
			if err := l.Touch(d.Name, TouchOptions{}); err != nil {
				t.Fatal(err)
			}
			after := privileged(t, d, cmd)
			if !strings.Contains(after, "changed-by-operator-r1") || strings.Contains(before, "changed-by-operator") {
				t.Errorf("touch did not show in %s", cmd)
			}
			if !strings.Contains(after, "touch-1") {
				t.Errorf("touch did not add its VLAN")
			}
		})
	}
	if err := l.Touch("no-such-device", TouchOptions{}); err == nil {
		t.Errorf("touching an unknown device succeeded")
	}
}

// TestRunAndTouchAcrossProcesses runs the lab as `vc lab` does, then
// touches a device through the inventory file only, as `vc lab touch`
// does from another process.
func TestRunAndTouchAcrossProcesses(t *testing.T) {
	dir := t.TempDir()
	inv := filepath.Join(dir, "lab.csv")
	o := testOptions(3, "cisco_ios", "juniper_junos", "linux")
	o.Inventory = inv
	o.Faults = Faults{Auth: 0.34}
	ctx, cancel := context.WithCancel(t.Context())
	out := &syncBuffer{}
	done := make(chan error, 1)
	go func() { done <- Run(ctx, o, out) }()
	deadline := time.Now().Add(5 * time.Second)
	for !strings.Contains(out.String(), "ready") {
		if time.Now().After(deadline) {
			t.Fatalf("no ready line: %q", out.String())
		}
		time.Sleep(5 * time.Millisecond)
	}
	if !strings.Contains(out.String(), "3 devices") {
		t.Errorf("ready line: %q", out.String())
	}
	csv, err := os.ReadFile(inv)
	if err != nil {
		t.Fatal(err)
	}
	rows := splitLines(string(csv))
	if rows[0] != "name,ip,port,platform,site,role,vendor,status,tags" || len(rows) != 4 {
		t.Fatalf("inventory:\n%s", csv)
	}
	if !strings.Contains(string(csv), ";fault-auth") || !strings.Contains(string(csv), ",juniper_junos,usa,leaf,juniper,active,lab") {
		t.Errorf("inventory rows:\n%s", csv)
	}
	var d Device
	for _, row := range rows[1:] {
		f := strings.Split(row, ",")
		if f[3] == "cisco_ios" && !strings.Contains(f[8], "fault") {
			d = Device{Name: f[0], Address: f[1], Platform: f[3]}
			d.Port = atoi(t, f[2])
		}
	}
	if d.Name == "" {
		t.Fatalf("no healthy cisco_ios device in\n%s", csv)
	}
	key := hostKeyOf(t, d)
	runCfg := func() string { return privileged(t, d, "show running-config") }
	if strings.Contains(runCfg(), "changed-by-operator") {
		t.Fatalf("fresh lab has touched config")
	}
	if err := Touch(inv, d.Name, TouchOptions{}); err != nil {
		t.Fatal(err)
	}
	if err := Touch(inv, d.Name, TouchOptions{}); err != nil {
		t.Fatal(err)
	}
	if cfg := runCfg(); !strings.Contains(cfg, "changed-by-operator-r2") {
		t.Errorf("two touches through the file not seen by the lab")
	}
	if err := Touch(inv, d.Name, TouchOptions{HostKey: true}); err != nil {
		t.Fatal(err)
	}
	if k := hostKeyOf(t, d); bytes.Equal(k.Marshal(), key.Marshal()) {
		t.Errorf("host key rotation through the file not seen by the lab")
	}
	if err := Touch(inv, "nope", TouchOptions{}); err == nil || !strings.Contains(err.Error(), "unknown device") {
		t.Errorf("touch of unknown device: %v", err)
	}
	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Errorf("Run: %v", err)
		}
	case <-time.After(5 * time.Second):
		t.Fatalf("Run did not return after cancel")
	}
	if _, err := net.DialTimeout("tcp", addr(d), time.Second); err == nil {
		t.Errorf("device still listening after Run returned")
	}
}

// TestHostKeyTypes: a touch switches the key types a device serves: RSA
// only, as a device whose keys were regenerated as RSA does, or both,
// where a client gets the type it asks for. The keys stay those of the
// device's rotation.
func TestHostKeyTypes(t *testing.T) {
	l := startLab(t, testOptions(2, "arista_eos"))
	d, other := l.Devices()[0], l.Devices()[1]
	ed := hostKeyOf(t, d)
	if err := l.Touch(d.Name, TouchOptions{HostKeyTypes: []string{"rsa"}}); err != nil {
		t.Fatal(err)
	}
	rsaKey := hostKeyOf(t, d)
	if rsaKey.Type() != ssh.KeyAlgoRSA {
		t.Fatalf("after the switch to rsa: %s", rsaKey.Type())
	}
	if k := hostKeyOf(t, other); k.Type() != ssh.KeyAlgoED25519 {
		t.Errorf("switching %s changed %s to %s", d.Name, other.Name, k.Type())
	}
	if err := l.Touch(d.Name, TouchOptions{HostKeyTypes: []string{"ed25519", "rsa"}}); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		algos []string
		want  ssh.PublicKey
	}{
		{[]string{ssh.KeyAlgoED25519}, ed},
		{[]string{ssh.KeyAlgoRSASHA512}, rsaKey},
	} {
		var got ssh.PublicKey
		cfg := clientConfig()
		cfg.HostKeyAlgorithms = c.algos
		cfg.HostKeyCallback = func(_ string, _ net.Addr, k ssh.PublicKey) error { got = k; return nil }
		cl, err := dial(d, cfg, 10*time.Second)
		if err != nil {
			t.Fatalf("%v: %v", c.algos, err)
		}
		cl.Close()
		if !bytes.Equal(got.Marshal(), c.want.Marshal()) {
			t.Errorf("asking for %v got a %s key that is not the device's", c.algos, got.Type())
		}
	}
	if err := l.Touch(d.Name, TouchOptions{HostKeyTypes: []string{"dsa"}}); !errors.Is(err, ErrOptions) {
		t.Errorf("an unknown key type: %v", err)
	}
}
