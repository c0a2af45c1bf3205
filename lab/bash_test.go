package lab

import (
	"strings"
	"testing"
)

// TestLinuxPrintfAndEcho: the linux host's printf and echo behave as
// bash's builtins do (the expectations were taken from bash 5.2), so a
// test can have a device print raw control characters.
func TestLinuxPrintfAndEcho(t *testing.T) {
	l := startLab(t, testOptions(1, "linux"))
	cases := []struct {
		line, want string
		status     int
	}{
		{`printf "L1\n\033]0;pwned\007\033[1A\033[2K X\n"`, "L1\n\x1b]0;pwned\x07\x1b[1A\x1b[2K X\n", 0},
		{`printf '%s=%d\n' a 1 b 2`, "a=1\nb=2\n", 0},
		{`printf '%5s|%-5s|%05d|%x|%X|%o|%c|%%|%.2s|%u\n' ab cd 42 255 255 8 xyz abc 7`, "   ab|cd   |00042|ff|FF|10|x|%|ab|7\n", 0},
		{`printf 'tab\there\\back \e[0m \E[1m \x41\x4a \101 \0101 \u00e9 \q\n'`, "tab\there\\back \x1b[0m \x1b[1m AJ A \b1 \u00e9 \\q\n", 0},
		{`printf '%s\n'`, "\n", 0},
		{`printf '%s %s\n' a`, "a \n", 0},
		{`printf '%d\n' abc`, "-bash: printf: abc: invalid number\n0\n", 1},
		{`printf '%d\n' 1.5`, "-bash: printf: 1.5: invalid number\n1\n", 1},
		{`printf '%d %d %i\n' 010 0x1f "'A"`, "8 31 65\n", 0},
		{`printf '%3d|%-3d|%+d\n' 5 5 5`, "  5|5  |+5\n", 0},
		{`printf '%f %.1f %e %g\n' 1.5 2.25 3 3.14159265`, "1.500000 2.2 3.000000e+00 3.14159\n", 0},
		{`printf '%b|\n' 'a\tb\101\0101\c' z`, "a\tbAA", 0},
		{`printf 'a\cb\n'`, "a\\cb\n", 0},
		{`printf '\x4g\n'`, "\x04g\n", 0},
		{`printf 'no newline'`, "no newline", 0},
		{`printf "%s\n" "two words" three`, "two words\nthree\n", 0},
		{`printf '%z\n'`, "-bash: printf: `z': invalid format character\n", 1},
		{`printf`, "-bash: printf: usage: printf [-v var] format [arguments]\n", 2},
		{`printf 'a\\\nb\n'`, "a\\\nb\n", 0},
		{`echo -e 'a\tb\n'`, "a\tb\n\n", 0},
		{`echo -n hi`, "hi", 0},
		{`echo 'a\nb'`, "a\\nb\n", 0},
		{`echo -x hi`, "-x hi\n", 0},
		{`echo -ne 'x\ty'`, "x\ty", 0},
		{`echo "a   b"  c`, "a   b c\n", 0},
		{`echo -e 'stop\cnot'`, "stop", 0},
		{`echo a\ b`, "a b\n", 0},
		{`echo -e '\0101\x42\101'`, "AB\\101\n", 0},
		{`echo -- -n`, "-- -n\n", 0},
		{`echo`, "\n", 0},
		{`echo -n`, "", 0},
		{`echo "a\\b" 'c\d' e\\f`, "a\\b c\\d e\\f\n", 0},
		{`echo "unterminated`, "-bash: unexpected EOF while looking for matching `\"'\n", 2},
	}
	sh := newShell(l.device(l.Devices()[0].Name), "admin")
	for _, c := range cases {
		r := sh.execute(c.line, 0)
		if r.text != c.want || r.status != c.status {
			t.Errorf("%s\n got %q (status %d)\nwant %q (status %d)", c.line, r.text, r.status, c.want, c.status)
		}
	}
}

// TestLinuxPrintfOverSSH: what the lead's script test sends reaches the
// client byte for byte, over exec and through a terminal.
func TestLinuxPrintfOverSSH(t *testing.T) {
	l := startLab(t, testOptions(1, "linux"))
	d := l.Devices()[0]
	line := `printf "L1\n\033]0;pwned\007\033[1A\033[2K X\n"`
	want := "L1\n\x1b]0;pwned\x07\x1b[1A\x1b[2K X\n"
	if out, status := execOut(t, d, line); out != want || status != 0 {
		t.Errorf("exec: %q (status %d), want %q", out, status, want)
	}
	tm := openTerm(t, d, 24)
	tm.expect(`\$ $`, wait)
	tm.send(line + "\r")
	got := tm.expect(`\$ $`, wait)
	if !strings.Contains(got, strings.ReplaceAll(want, "\n", "\r\n")) {
		t.Errorf("terminal: %q", got)
	}
}
