package capture

import (
	"strings"
	"testing"
)

// TestScrub lists, per platform, secret lines as devices print them and
// what is left of them, and lines that must be left alone.
func TestScrub(t *testing.T) {
	for _, c := range []struct {
		platform string
		masked   [][2]string // line, scrubbed
		keep     []string
	}{
		{"cisco_ios", [][2]string{
			{"enable secret 9 $9$lab$xxxxxxxxxxxxxxxxxxxx", "enable secret 9 <removed>"},
			{"enable secret 5 $1$mERr$hx5rVt7rPNoS4wqbXKX7m0", "enable secret 5 <removed>"},
			{"enable password 7 0822455D0A16", "enable password 7 <removed>"},
			{"enable password cisco", "enable password <removed>"},
			{"enable secret level 15 5 $1$abc", "enable secret level 15 5 <removed>"},
			{"username admin privilege 15 secret 9 $9$lab$yyyy", "username admin privilege 15 secret 9 <removed>"},
			{"username ops password 7 094F471A1A0A", "username ops password 7 <removed>"},
			{"snmp-server community lab-ro RO", "snmp-server community <removed> RO"},
			{"snmp-server community 7 RW 10", "snmp-server community <removed> RW 10"},
			{"snmp-server host 10.0.0.9 version 2c s3cr3t", "snmp-server host 10.0.0.9 version 2c <removed>"},
			{"snmp-server host 10.0.0.9 traps s3cr3t", "snmp-server host 10.0.0.9 traps <removed>"},
			{" key 7 0822455D0A16", " key 7 <removed>"},
			{" key-string 7 0822455D0A16", " key-string 7 <removed>"},
			{" key-string plaintext", " key-string <removed>"},
			{" standby 1 authentication md5 key-string 7 08224", " standby 1 authentication md5 key-string 7 <removed>"},
			{" pre-shared-key address 10.0.0.1 key s3cr3t", " pre-shared-key address 10.0.0.1 key <removed>"},
			{" pre-shared-key local s3cr3t", " pre-shared-key local <removed>"},
			{" pre-shared-key s3cr3t", " pre-shared-key <removed>"},
			{"crypto isakmp key s3cr3t address 10.0.0.1", "crypto isakmp key <removed> address 10.0.0.1"},
			{"crypto isakmp key 6 s3cr3t address 10.0.0.1 255.255.255.255", "crypto isakmp key 6 <removed> address 10.0.0.1 255.255.255.255"},
			{"tacacs-server key 7 0822455D0A16", "tacacs-server key 7 <removed>"},
			{"tacacs-server host 10.0.0.5 key s3cr3t", "tacacs-server host 10.0.0.5 key <removed>"},
			{"radius-server key s3cr3t", "radius-server key <removed>"},
			{" ppp chap password 7 0822455D0A16", " ppp chap password 7 <removed>"},
			{" ip ospf authentication-key 7 0822", " ip ospf authentication-key 7 <removed>"},
			{" ip ospf message-digest-key 1 md5 7 0822", " ip ospf message-digest-key 1 md5 7 <removed>"},
			{" neighbor 10.0.0.2 password 7 0822455D0A16", " neighbor 10.0.0.2 password 7 <removed>"},
			{" password 7 0822455D0A16", " password 7 <removed>"},
		}, []string{
			"service password-encryption",
			"key chain OSPF",
			" key 1",
			"crypto key generate rsa modulus 2048",
			"snmp-server location lab",
			"aaa authentication login default group tacacs+ local",
			"username admin privilege 15",
			"hostname secret-lab",
			" description password reset desk",
		}},
		{"arista_eos", [][2]string{
			{"username admin privilege 15 role network-admin secret sha512 $6$lab$zzzz", "username admin privilege 15 role network-admin secret sha512 <removed>"},
			{"enable password sha512 $6$abc", "enable password sha512 <removed>"},
			{"snmp-server community public ro", "snmp-server community <removed> ro"},
			{"snmp-server host 10.0.0.9 vrf MGMT version 2c public", "snmp-server host 10.0.0.9 vrf MGMT version 2c <removed>"},
			{"   neighbor 10.0.0.2 password 7 abc==", "   neighbor 10.0.0.2 password 7 <removed>"},
		}, []string{"username admin nopassword", "no aaa root"}},
		{"cisco_nxos", [][2]string{
			{"username admin password 5 $5$lab$qqqq  role network-admin", "username admin password 5 <removed>  role network-admin"},
			{"snmp-server user admin network-admin auth md5 0x1234 priv 0x5678 localizedkey", "snmp-server user admin network-admin auth md5 <removed> priv <removed> localizedkey"},
			{"snmp-server user ops network-operator auth sha 0xab priv aes-128 0xcd localizedkey", "snmp-server user ops network-operator auth sha <removed> priv aes-128 <removed> localizedkey"},
			{`tacacs-server key 7 "wxyz"`, "tacacs-server key 7 <removed>"},
			{`tacacs-server host 10.0.0.5 key 7 "wxyz"`, "tacacs-server host 10.0.0.5 key 7 <removed>"},
			{"snmp-server community public group network-operator", "snmp-server community <removed> group network-operator"},
		}, []string{"feature tacacs+", "username admin role network-admin"}},
		{"cisco_xr", [][2]string{
			{" secret 10 $6$lab$rrrr", " secret 10 <removed>"},
			{" secret 5 $1$abc", " secret 5 <removed>"},
			{" password encrypted 0822455D0A16", " password encrypted <removed>"},
			{"snmp-server community s3cr3t RO", "snmp-server community <removed> RO"},
			{"  key-string password 0822455D0A16", "  key-string password <removed>"},
			{" pre-shared-key clear s3cr3t", " pre-shared-key clear <removed>"},
		}, []string{"username admin", " group root-lr", "ssh server v2"}},
		{"juniper_junos", [][2]string{
			{`        encrypted-password "$6$lab$jjjj"; ## SECRET-DATA`, `        encrypted-password "<removed>"; ## SECRET-DATA`},
			{`encrypted-password "$6$abc";`, `encrypted-password "<removed>";`},
			{`            secret "$9$abc"; ## SECRET-DATA`, `            secret "<removed>"; ## SECRET-DATA`},
			{`secret "$9$abc";`, `secret "<removed>";`},
			{`    authentication-key "$9$abc"; ## SECRET-DATA`, `    authentication-key "<removed>"; ## SECRET-DATA`},
			{`authentication-key "$9$abc";`, `authentication-key "<removed>";`},
			{`pre-shared-key ascii-text "$9$abc"; ## SECRET-DATA`, `pre-shared-key ascii-text "<removed>"; ## SECRET-DATA`},
			{`    community public {`, `    community <removed> {`},
			{`set snmp community public authorization read-only`, `set snmp community <removed> authorization read-only`},
			{`set system root-authentication encrypted-password "$6$abc"`, `set system root-authentication encrypted-password "<removed>"`},
		}, []string{
			"    community CUST members 65000:100;",
			"    host-name sw-1;",
			"        class super-user;",
		}},
		{"", [][2]string{
			{"enable secret 9 $9$x", "enable secret 9 <removed>"},
			{`encrypted-password "$6$abc"; ## SECRET-DATA`, `encrypted-password "<removed>"; ## SECRET-DATA`},
		}, []string{"hostname a"}},
		{"linux", [][2]string{{" password s3cr3t", " password <removed>"}}, []string{"PRETTY_NAME=\"Debian GNU/Linux 12 (bookworm)\""}},
	} {
		for _, m := range c.masked {
			got := Scrub(c.platform, "a\n"+m[0]+"\nb\n")
			if want := "a\n" + m[1] + "\nb\n"; got != want {
				t.Errorf("%s: Scrub(%q) = %q, want %q", c.platform, m[0], strings.Split(got, "\n")[1], m[1])
			}
			if again := Scrub(c.platform, got); again != got {
				t.Errorf("%s: scrubbing %q again gave %q", c.platform, got, again)
			}
		}
		for _, l := range c.keep {
			if got := Scrub(c.platform, l+"\n"); got != l+"\n" {
				t.Errorf("%s: %q became %q", c.platform, l, got)
			}
		}
	}
}

// TestScrubLabConfigs holds that no secret of the lab's configurations
// survives, and that nothing else changes.
func TestScrubLabConfigs(t *testing.T) {
	secrets := []string{"$9$lab$", "$6$lab$", "$5$lab$", "lab-ro"}
	for _, p := range platforms {
		cfg := config(p, "leaf-1", 0, t0)
		got := Scrub(p, cfg)
		for _, s := range secrets {
			if strings.Contains(got, s) {
				t.Errorf("%s: %q survived:\n%s", p, s, got)
			}
		}
		if got == cfg {
			t.Errorf("%s: nothing was scrubbed", p)
		}
		if countLines(got) != countLines(cfg) {
			t.Errorf("%s: scrubbing changed the line count", p)
		}
		if d, _ := Unified(Side{Text: cfg}, Side{Text: got}, 0); d.Added > 3 || d.Added != d.Removed {
			t.Errorf("%s: %d lines changed:\n%s", p, d.Added, d.Text)
		}
	}
}

func TestScrubKeepsLineEnds(t *testing.T) {
	in := "enable secret 5 $1$x\r\nhostname a\r\nenable password p"
	want := "enable secret 5 <removed>\r\nhostname a\r\nenable password <removed>"
	if got := Scrub("cisco_ios", in); got != want {
		t.Errorf("got %q, want %q", got, want)
	}
}
