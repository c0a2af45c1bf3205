package lab

import (
	"fmt"
	"strings"
	"time"
)

// linuxCommands is what the bash of a linux server answers. Words are not
// abbreviated; arguments follow the command.
var linuxCommands = []command{
	{words: "uname <rest>", data: true, run: linuxUname},
	{words: "hostname", run: func(s *shell, _ []string) string { return s.dev.Name + "\n" }},
	{words: "whoami", run: func(s *shell, _ []string) string { return s.user + "\n" }},
	{words: "id", run: func(s *shell, _ []string) string {
		return fmt.Sprintf("uid=1000(%s) gid=1000(%s) groups=1000(%s),27(sudo)\n", s.user, s.user, s.user)
	}},
	{words: "date", run: show(func(_ *model, now time.Time) string { return now.UTC().Format("Mon Jan _2 15:04:05 MST 2006") + "\n" })},
	{words: "uptime", run: show(linuxUptime)},
	{words: "ip <rest>", data: true, run: linuxIP},
	{words: "arp <rest>", data: true, run: static("linuxARP", linuxARP)},
	{words: "cat /etc/os-release", run: func(*shell, []string) string { return osRelease }},
	{words: "cat /proc/uptime", run: show(linuxProcUptime)},
	{words: "hostnamectl", run: show(linuxHostnamectl)},
	{words: "echo <rest>", run: linuxEcho},
	{words: "printf <rest>", runStatus: linuxPrintf},
	// What scripts and clients send to tame a shell: harmless and silent.
	{words: "export <rest>", run: nothing},
	{words: "unset <rest>", run: nothing},
	{words: "stty <rest>", run: nothing},
	{words: "true", run: nothing},
	{words: "exit", run: nothing},
	{words: "logout", run: nothing},
}

const osRelease = `PRETTY_NAME="Debian GNU/Linux 12 (bookworm)"
NAME="Debian GNU/Linux"
VERSION_ID="12"
VERSION="12 (bookworm)"
VERSION_CODENAME=bookworm
ID=debian
`

func linuxUname(s *shell, args []string) string {
	m := s.model()
	parts := map[string]string{
		"s": "Linux", "n": m.host, "r": m.version, "v": "#1 SMP PREEMPT_DYNAMIC Debian 6.1.119-1 (2024-11-22)",
		"m": "x86_64", "o": "GNU/Linux",
	}
	if len(args) == 0 {
		return "Linux\n"
	}
	var out []string
	for _, a := range args {
		if a == "-a" || a == "--all" {
			return strings.Join([]string{parts["s"], parts["n"], parts["r"], parts["v"], parts["m"], parts["o"]}, " ") + "\n"
		}
		if !strings.HasPrefix(a, "-") {
			return fmt.Sprintf("uname: extra operand '%s'\nTry 'uname --help' for more information.\n", a)
		}
		for _, c := range a[1:] {
			p, ok := parts[string(c)]
			if !ok {
				return fmt.Sprintf("uname: invalid option -- '%c'\nTry 'uname --help' for more information.\n", c)
			}
			out = append(out, p)
		}
	}
	return strings.Join(out, " ") + "\n"
}

func linuxUptime(m *model, now time.Time) string {
	up := m.uptime(now)
	days, hours, mins := int(up.Hours())/24, int(up.Hours())%24, int(up.Minutes())%60
	return fmt.Sprintf(" %s up %d days, %2d:%02d,  1 user,  load average: 0.08, 0.03, 0.01\n", now.UTC().Format("15:04:05"), days, hours, mins)
}

// linuxIP answers "ip address", "ip a", "ip addr show" and "ip neigh".
func linuxIP(s *shell, args []string) string {
	if len(args) == 0 {
		return "Usage: ip [ OPTIONS ] OBJECT { COMMAND | help }\n"
	}
	// Options before the object: -s (statistics) adds the neighbours'
	// timers.
	stats := false
	for len(args) > 1 && strings.HasPrefix(args[0], "-") {
		stats = stats || args[0] == "-s" || args[0] == "-stats" || args[0] == "-statistics"
		args = args[1:]
	}
	obj := args[0]
	switch {
	case strings.HasPrefix("address", obj):
		return linuxIPAddress(s.model())
	case strings.HasPrefix("neighbour", obj) || strings.HasPrefix("neighbor", obj):
		var b strings.Builder
		m := s.model()
		for _, a := range m.arps {
			if stats {
				// used/confirmed/updated, in seconds: the lab's ages are
				// minutes.
				secs := a.age*60 + 7
				fmt.Fprintf(&b, "%s dev %s lladdr %s ref 1 used %d/%d/%d probes 1 REACHABLE\n", a.ip, m.ifaces[a.port].name, a.mac.colon(), secs/2, secs, secs)
				continue
			}
			fmt.Fprintf(&b, "%s dev %s lladdr %s REACHABLE\n", a.ip, m.ifaces[a.port].name, a.mac.colon())
		}
		return b.String()
	}
	return fmt.Sprintf("Object \"%s\" is unknown, try \"ip help\".\n", obj)
}

func linuxIPAddress(m *model) string {
	var b strings.Builder
	for i := range m.ifaces {
		f := &m.ifaces[i]
		if f.kind == ifLoopback {
			fmt.Fprintf(&b, "%d: lo: <LOOPBACK,UP,LOWER_UP> mtu 65536 qdisc noqueue state UNKNOWN group default qlen 1000\n", i+1)
			b.WriteString("    link/loopback 00:00:00:00:00:00 brd 00:00:00:00:00:00\n")
			b.WriteString("    inet 127.0.0.1/8 scope host lo\n       valid_lft forever preferred_lft forever\n")
			b.WriteString("    inet6 ::1/128 scope host noprefixroute \n       valid_lft forever preferred_lft forever\n")
			continue
		}
		fmt.Fprintf(&b, "%d: %s: <BROADCAST,MULTICAST,UP,LOWER_UP> mtu 1500 qdisc mq state UP group default qlen 1000\n", i+1, f.name)
		fmt.Fprintf(&b, "    link/ether %s brd ff:ff:ff:ff:ff:ff\n", f.mac.colon())
		bcast := f.ip.Masked().Addr().As4()
		bcast[3] = 255
		fmt.Fprintf(&b, "    inet %s brd %d.%d.%d.%d scope global %s\n       valid_lft forever preferred_lft forever\n", f.ip, bcast[0], bcast[1], bcast[2], bcast[3], f.name)
		fmt.Fprintf(&b, "    inet6 fe80::5054:ff:fe%02x:%02x%02x/64 scope link \n       valid_lft forever preferred_lft forever\n", f.mac[3], f.mac[4], f.mac[5])
	}
	return b.String()
}

func linuxARP(m *model, _ time.Time) string {
	var b strings.Builder
	for _, a := range m.arps {
		fmt.Fprintf(&b, "? (%s) at %s [ether] on %s\n", a.ip, a.mac.colon(), m.ifaces[a.port].name)
	}
	return b.String()
}

func linuxProcUptime(m *model, now time.Time) string {
	up := m.uptime(now).Seconds()
	return fmt.Sprintf("%.2f %.2f\n", up, up*1.9)
}

// linuxHostnamectl is what systemd's hostnamectl says of a KVM guest.
func linuxHostnamectl(m *model, _ time.Time) string {
	return lines(
		" Static hostname: "+m.host,
		"       Icon name: computer-vm",
		"         Chassis: vm",
		fmt.Sprintf("      Machine ID: %032x", m.baseMAC[3:]),
		fmt.Sprintf("         Boot ID: %032x", m.baseMAC[2:]),
		"  Virtualization: kvm",
		"Operating System: Debian GNU/Linux 12 (bookworm)",
		"          Kernel: Linux "+m.version,
		"    Architecture: x86-64",
		" Hardware Vendor: QEMU",
		"  Hardware Model: Standard PC _Q35 + ICH9, 2009_",
		" Hardware Serial: "+m.serial,
		"Firmware Version: 1.16.2-debian-1.16.2-1",
	)
}
