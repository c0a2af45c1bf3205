package lab

import (
	"fmt"
	"net/netip"
	"strconv"
	"strings"
	"time"
)

// Helpers shared by the platforms' renderers.

// plural renders "1 day" or "3 days".
func plural(n int, unit string) string {
	if n == 1 {
		return fmt.Sprintf("1 %s", unit)
	}
	return fmt.Sprintf("%d %ss", n, unit)
}

// ciscoUptime renders an uptime as IOS does: "1 year, 3 weeks, 2 days,
// 4 hours, 12 minutes", leaving out leading zero units.
func ciscoUptime(d time.Duration) string {
	mins := int(d.Minutes())
	parts := []struct {
		n    int
		unit string
	}{
		{mins / (365 * 24 * 60), "year"},
		{mins % (365 * 24 * 60) / (7 * 24 * 60), "week"},
		{mins % (7 * 24 * 60) / (24 * 60), "day"},
		{mins % (24 * 60) / 60, "hour"},
		{mins % 60, "minute"},
	}
	var out []string
	for i, p := range parts {
		if p.n == 0 && len(out) == 0 && i < len(parts)-1 {
			continue
		}
		out = append(out, plural(p.n, p.unit))
	}
	return strings.Join(out, ", ")
}

// aristaUptime renders "3 weeks, 0 days, 20 hours and 45 minutes".
func aristaUptime(d time.Duration) string {
	mins := int(d.Minutes())
	weeks, days, hours, m := mins/(7*24*60), mins%(7*24*60)/(24*60), mins%(24*60)/60, mins%60
	return fmt.Sprintf("%s, %s, %s and %s", plural(weeks, "week"), plural(days, "day"), plural(hours, "hour"), plural(m, "minute"))
}

// truncate cuts s to n bytes, as fixed-width device tables do.
func truncate(s string, n int) string {
	if len(s) > n {
		return s[:n]
	}
	return s
}

// lines joins lines with "\n" and ends the text with one.
func lines(ls ...string) string { return strings.Join(ls, "\n") + "\n" }

// ipOrUnassigned renders an interface address as Cisco's brief tables do.
func (i *iface) ipOrUnassigned() string {
	if !i.ip.IsValid() {
		return "unassigned"
	}
	return i.ip.Addr().String()
}

// speedName renders a speed in Mb/s as "1G", "10G" or "100M".
func speedName(mbps int) string {
	if mbps >= 1000 {
		return fmt.Sprintf("%dG", mbps/1000)
	}
	return fmt.Sprintf("%dM", mbps)
}

// nothing is the output of a command that says nothing when it works.
func nothing(*shell, []string) string { return "" }

// setLength handles the paging-off commands: "terminal length 0" and kin.
func setLength(s *shell, args []string) string {
	var n int
	if _, err := fmt.Sscanf(args[0], "%d", &n); err != nil || n < 0 || n > 512 {
		return s.dev.plat.invalid + "\n"
	}
	s.length = n
	return ""
}

// show wraps a renderer that needs only the model and the time.
func show(f func(m *model, now time.Time) string) func(*shell, []string) string {
	return func(s *shell, _ []string) string { return f(s.model(), s.now()) }
}

// static wraps a renderer whose output depends on the model alone (not
// the time): the text is built once per model and kept with it, as a
// thousand-device benchmark would otherwise spend the lab's CPU rendering
// the same ARP tables again for every run.
func static(key string, f func(m *model, now time.Time) string) func(*shell, []string) string {
	return func(s *shell, _ []string) string {
		m := s.model()
		if v, ok := m.rendered.Load(key); ok {
			return v.(string)
		}
		text := f(m, time.Time{})
		m.rendered.Store(key, text)
		return text
	}
}

// ciscoSessionCommands are the terminal and session commands every
// Cisco-like CLI accepts, including what Netmiko sends while preparing a
// session.
func ciscoSessionCommands() []command {
	return []command{
		{words: "terminal length <word>", run: setLength},
		{words: "terminal width <word>", run: nothing},
		{words: "terminal monitor", run: nothing},
		{words: "terminal no monitor", run: nothing},
		{words: "exit", run: nothing},
		{words: "quit", run: nothing},
		{words: "logout", run: nothing},
	}
}

// enableCommands give user and privileged modes.
func enableCommands() []command {
	return []command{
		{words: "enable", run: nothing},
		{words: "disable", run: func(s *shell, _ []string) string { s.priv = false; return "" }},
	}
}

// Appenders for the tables a benchmark asks of every device: fmt's
// verbs cost most of the lab's CPU in rendering them.

// appendLeft appends s left-justified in w columns (%-ws).
func appendLeft(b []byte, s string, w int) []byte {
	b = append(b, s...)
	for n := len(s); n < w; n++ {
		b = append(b, ' ')
	}
	return b
}

// appendRight appends s right-justified in w columns (%ws).
func appendRight(b []byte, s string, w int) []byte {
	for n := len(s); n < w; n++ {
		b = append(b, ' ')
	}
	return append(b, s...)
}

// append2 appends n with at least two digits (%02d).
func append2(b []byte, n int) []byte {
	if n >= 0 && n < 10 {
		b = append(b, '0')
	}
	return strconv.AppendInt(b, int64(n), 10)
}

const hexDigits = "0123456789abcdef"

// appendDotted appends the address as dotted does.
func (m hwAddr) appendDotted(b []byte) []byte {
	for i, c := range m {
		if i == 2 || i == 4 {
			b = append(b, '.')
		}
		b = append(b, hexDigits[c>>4], hexDigits[c&15])
	}
	return b
}

// appendAddr appends an address left-justified in w columns.
func appendAddr(b []byte, ip netip.Addr, w int) []byte {
	at := len(b)
	b = ip.AppendTo(b)
	for len(b)-at < w {
		b = append(b, ' ')
	}
	return b
}
