package capture

import (
	"strings"
	"testing"
	"time"
)

// TestNormalizeLabConfigs holds that a configuration shown again later,
// with nothing changed on the device, normalizes to the same text on every
// platform, and that a real change does not.
func TestNormalizeLabConfigs(t *testing.T) {
	later := t0.Add(25*time.Hour + 17*time.Minute + 3*time.Second)
	for _, p := range platforms {
		a, b := config(p, "leaf-1", 0, t0), config(p, "leaf-1", 0, later)
		if a == b {
			t.Fatalf("%s: the test configs have no churn", p)
		}
		if Normalize(p, a) != Normalize(p, b) {
			t.Errorf("%s: churn changed the normalized config:\n%s", p, diffLines(Normalize(p, a), Normalize(p, b)))
		}
		if c := config(p, "leaf-1", 1, later); Normalize(p, a) == Normalize(p, c) {
			t.Errorf("%s: a real change normalized away", p)
		}
	}
}

func diffLines(a, b string) string {
	d, _ := Unified(Side{Text: a}, Side{Text: b}, 0)
	return d.Text
}

// TestNormalizeLines lists, per platform, churn lines the lab and real
// devices print (dropped) and lines that look alike but matter (kept).
func TestNormalizeLines(t *testing.T) {
	for _, c := range []struct {
		platform string
		drop     []string
		keep     []string
	}{
		{"cisco_ios", []string{
			"Building configuration...",
			"Current configuration : 4711 bytes",
			"! Last configuration change at 10:12:13 UTC Tue Dec 1 2026 by admin",
			"! NVRAM config last updated at 10:12:13 UTC Tue Dec 1 2026 by admin",
			"! No configuration change since last restart",
			"ntp clock-period 17179869",
			"*10:12:13.123 UTC Tue Dec 1 2026",
			"10:12:13.123 UTC Tue Dec 1 2026",
			".10:12:13.123 PST Tue Dec 1 2026",
			"core-1 uptime is 1 year, 2 weeks, 3 days, 4 hours, 5 minutes",
		}, []string{
			"ntp server 10.0.1.251",
			"! Last configuration",
			"hostname core-1",
			"System restarted at 10:12:13 UTC Tue Dec 1 2026",
			"interface GigabitEthernet1/0/1",
			" description uptime is important",
		}},
		{"cisco_xe", []string{"Current configuration : 12 bytes", "! Last configuration change at 10:12:13 UTC Tue Dec 1 2026"}, nil},
		{"cisco_ios_ssh", []string{"Building configuration..."}, nil},
		{"arista_eos", []string{
			"! Command: show running-config",
			"! device: leaf-1 (DCS-7050TX-64, EOS-4.30.1F)",
			"! device: leaf-1 (DCS-7050TX-64, EOS-4.30.1F, built 2026-12-01)",
			"! Time: Tue Dec  1 10:12:13 2026",
			"Tue Dec  1 10:12:13 2026",
			"Uptime: 5 weeks, 1 day, 3 hours and 2 minutes",
			"Free memory: 1801000 kB",
			"Last table change time   : 0:12:41 ago",
		}, []string{"Total memory: 3982456 kB", "! boot system flash:/EOS-4.30.1F.swi", "hostname leaf-1"}},
		{"cisco_nxos", []string{
			"!Command: show running-config",
			"!Running configuration last done at: Tue Dec  1 09:12:13 2026",
			"!Time: Tue Dec  1 10:12:13 2026",
			"Kernel uptime is 12 day(s), 3 hour(s), 4 minute(s), 5 second(s)",
			"10:12:13.123 UTC Tue Dec 1 2026",
		}, []string{"Time source is NTP", "version 10.2(5) Bios:version 07.69 "}},
		{"cisco_xr", []string{
			"Tue Dec  1 10:12:13.123 UTC",
			"Building configuration...",
			"!! IOS XR Configuration 7.9.2",
			"!! Last configuration change at Tue Dec  1 09:12:13 2026 by admin",
			"System uptime is 3 weeks, 2 days",
		}, []string{"hostname pe-1", "!", " secret 10 $6$x"}},
		{"juniper_junos", []string{
			"## Last commit: 2026-12-01 09:12:13 UTC by admin",
			"## Last changed: 2026-12-01 09:12:13 UTC",
			"Current time: 2026-12-01 10:12:13 UTC",
			"System booted: 2024-01-02 03:04:05 UTC (100w2d 03:04 ago)",
			"Protocols started: 2024-01-02 03:06:05 UTC (100w2d 03:02 ago)",
			"Last configured: 2026-12-01 09:12:13 UTC by admin",
			"10:12AM  up 702 days, 3:04, 1 user, load averages: 0.21, 0.18, 0.15",
		}, []string{"Time Source:  NTP CLOCK ", "version 21.4R3;", "    host-name sw-1;"}},
		{"linux", []string{
			" 10:12:13 up 5 days,  3:02,  1 user,  load average: 0.08, 0.03, 0.01",
			"Tue Dec  1 10:12:13 UTC 2026",
		}, []string{"Linux web-1 6.1.0 #1 SMP PREEMPT_DYNAMIC Debian 6.1.119-1 (2024-11-22) x86_64 GNU/Linux"}},
		{"", []string{"Tue Dec  1 10:12:13 UTC 2026", "host uptime is 5 days, 3 hours"},
			[]string{"! Last configuration change at 10:12:13 UTC Tue Dec 1 2026", "Building configuration..."}},
	} {
		for _, l := range c.drop {
			if got := Normalize(c.platform, "a\n"+l+"\nb\n"); got != "a\nb\n" {
				t.Errorf("%s: %q was kept", c.platform, l)
			}
		}
		for _, l := range c.keep {
			if got := Normalize(c.platform, "a\n"+l+"\nb\n"); got != "a\n"+l+"\nb\n" {
				t.Errorf("%s: %q was dropped", c.platform, l)
			}
		}
	}
}

func TestNormalizeLineEnds(t *testing.T) {
	if a, b := Normalize("cisco_ios", "a\r\nb\r\n"), Normalize("cisco_ios", "a\nb"); a != "a\nb\n" || b != a {
		t.Errorf("got %q and %q", a, b)
	}
	if got := Normalize("cisco_ios", ""); got != "" {
		t.Errorf("empty: %q", got)
	}
	if got := Normalize("cisco_ios", strings.Repeat("\n", 3)); got != "\n\n\n" {
		t.Errorf("blank lines: %q", got)
	}
}
