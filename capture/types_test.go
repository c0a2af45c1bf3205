package capture

import (
	"errors"
	"strings"
	"testing"
)

func TestTypeOf(t *testing.T) {
	for _, c := range []struct{ cmd, want string }{
		{"show running-config", "show_running-config"},
		{"show run | include ntp", "show_run_include_ntp"},
		{`show run | include "ntp server"`, "show_run_include_ntp_server"},
		{"  show   ip arp  ", "show_ip_arp"},
		{"show ip route 10.0.0.0/8", "show_ip_route_10.0.0.0_8"},
		{"show interfaces Gi1/0/1", "show_interfaces_Gi1_0_1"},
		{"cat /etc/os-release", "cat_etc_os-release"},
		{"show_version", "show_version"},
		{"show\tclock", "show_clock"},
		{"display current-configuration", "display_current-configuration"},
		{"../../etc/passwd", "etc_passwd"},
		{"-v", "v"},
		{"show ïnterfaces", "show_nterfaces"},
	} {
		if got := TypeOf(c.cmd); got != c.want {
			t.Errorf("TypeOf(%q) = %q, want %q", c.cmd, got, c.want)
		}
	}
}

func TestTypeOfNeverUnsafe(t *testing.T) {
	long := "show running-config " + strings.Repeat("interface GigabitEthernet1/0/1 ", 5)
	cmds := []string{"", " ", "|", "..", ".", "/", "\"\"", "ü", long, long + "x", "...show...", "__a__"}
	for _, c := range cmds {
		got := TypeOf(c)
		if err := ValidType(got); err != nil {
			t.Errorf("TypeOf(%q) = %q, which ValidType refuses: %v", c, got, err)
		}
	}
	if a, b := TypeOf("|"), TypeOf("/"); a == b {
		t.Errorf("commands with nothing usable share the name %q", a)
	}
	if a, b := TypeOf(long), TypeOf(long+"x"); a == b || !strings.HasPrefix(a, "show_running-config_interface") {
		t.Errorf("long commands: %q and %q", a, b)
	}
}

func TestValidType(t *testing.T) {
	for _, ok := range []string{"arp", "show_running-config", "a.b-c_d", "0", strings.Repeat("x", MaxTypeLen)} {
		if err := ValidType(ok); err != nil {
			t.Errorf("ValidType(%q) = %v", ok, err)
		}
	}
	for _, bad := range []string{"", ".", "..", "_x", "-x", ".hidden", "a/b", `a\b`, "a b", "a\x00b", "ü", strings.Repeat("x", MaxTypeLen+1)} {
		if err := ValidType(bad); !errors.Is(err, ErrInvalidType) {
			t.Errorf("ValidType(%q) = %v, want ErrInvalidType", bad, err)
		}
	}
}
