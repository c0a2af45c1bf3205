package lab

import (
	"strings"
	"testing"
)

// TestOddInputs runs every command of every platform whole, cut short,
// with extra words and with broken pipes, in both modes: a handler that
// panics would take the whole lab down, so none may.
func TestOddInputs(t *testing.T) {
	l := startLab(t, testOptions(6, PlatformNames()...))
	extras := []string{"", " x", " |", " | ", " | bogus", " | include", " | i (", " | count", " | no-more", " | grep", " | head -n x", " 999999999999"}
	odd := []string{"", " ", "|", "||", "?", "\t", "show |", "sh ip", "terminal length", "terminal length -1", "terminal length x",
		"set cli screen-length x", "ip", "uname", "uname -z", "uname x", "echo", "arp", "enable", "disable", "e", "s", "q"}
	for _, d := range l.Devices() {
		p := d.plat()
		var lines []string
		for _, c := range p.commands {
			words := strings.Fields(strings.NewReplacer("<word>", "0", "<rest>", "-a").Replace(c.words))
			for i := 1; i <= len(words); i++ {
				for _, x := range extras {
					lines = append(lines, strings.Join(words[:i], " ")+x)
				}
			}
		}
		lines = append(lines, odd...)
		for _, priv := range []bool{false, true} {
			sh := newShell(l.device(d.Name), "admin")
			sh.priv = priv
			for _, line := range lines {
				r := sh.execute(line, 10)
				if strings.TrimSpace(line) == "" && r.text != "" {
					t.Errorf("%s: empty line answered %q", p.name, r.text)
				}
			}
		}
	}
}
