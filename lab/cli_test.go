package lab

import (
	"errors"
	"regexp"
	"strings"
	"testing"
	"time"
)

const wait = 5 * time.Second

// TestShellPromptEchoCRLF checks what a terminal shows on every platform:
// the prompt, the echo of what was typed, CRLF line ends and the prompt
// again after the output.
func TestShellPromptEchoCRLF(t *testing.T) {
	l := startLab(t, testOptions(6, PlatformNames()...))
	cmds := map[string]string{
		"arista_eos": "show clock", "cisco_ios": "show clock", "cisco_nxos": "show clock",
		"cisco_xr": "show clock", "juniper_junos": "show system uptime", "linux": "uname -a",
	}
	prompts := map[string]string{
		"arista_eos": "usa-leaf-001#", "cisco_ios": "usa-leaf-002>", "cisco_nxos": "usa-leaf-003#",
		"cisco_xr": "RP/0/RP0/CPU0:usa-leaf-004#", "juniper_junos": "admin@usa-leaf-005> ", "linux": "admin@usa-server-001:~$ ",
	}
	for _, p := range PlatformNames() {
		t.Run(p, func(t *testing.T) {
			d := devOf(t, l, p)
			tm := openTerm(t, d, 24)
			prompt := prompts[p]
			tm.expect(regexp.QuoteMeta(prompt)+"$", wait)
			tm.send(cmds[p] + "\r")
			got := tm.expect(regexp.QuoteMeta(prompt), wait)
			if !strings.HasPrefix(got, cmds[p]+"\r\n") {
				t.Errorf("no echo of %q: %q", cmds[p], got)
			}
			body := strings.TrimSuffix(got, prompt)
			if strings.Count(body, "\n") != strings.Count(body, "\r\n") || strings.Count(body, "\n") < 2 {
				t.Errorf("want CRLF line ends and some output, got %q", got)
			}
			// A client sending CR LF for Enter, as some do, gets one prompt,
			// not two.
			tm.send("\r\n")
			tm.expect(regexp.QuoteMeta(prompt), wait)
			tm.send("\r")
			tm.expect("^\r\n"+regexp.QuoteMeta(prompt)+"$", wait)
		})
	}
}

// TestShellPaging checks the pager: long outputs stop at the platform's
// pager until a space, Enter shows one more line, q stops, and the
// platform's paging-off command turns it off.
func TestShellPaging(t *testing.T) {
	l := startLab(t, testOptions(6, PlatformNames()...))
	cases := []struct {
		platform, cmd, pager, off string
	}{
		{"cisco_ios", "show mac address-table", " --More-- ", "terminal length 0"},
		{"arista_eos", "show ip arp", " --More-- ", "terminal length 0"},
		{"cisco_nxos", "show ip arp", "--More--", "terminal length 0"},
		{"cisco_xr", "show arp", " --More-- ", "terminal length 0"},
		{"juniper_junos", "show arp no-resolve", `---\(more \d+%\)---`, "set cli screen-length 0"},
	}
	for _, c := range cases {
		t.Run(c.platform, func(t *testing.T) {
			d := devOf(t, l, c.platform)
			prompt := regexp.QuoteMeta(strings.TrimSpace(d.plat().prompt(d.Name, "admin", !d.plat().startUser)))
			tm := openTerm(t, d, 24)
			tm.expect(prompt, wait)
			tm.send(c.cmd + "\r")
			page := tm.expect(regexp.QuoteMeta(c.pager)+"|"+c.pager, wait)
			if n := strings.Count(page, "\r\n"); n != 24 { // the echo's line end and 23 lines
				t.Errorf("first page has %d lines, want 23 and the echo", n-1)
			}
			tm.send(" ")
			page = tm.expect(c.pager, wait)
			if n := strings.Count(page, "\r\n"); n != 23 {
				t.Errorf("second page has %d lines, want 23", n)
			}
			tm.send("\r")
			page = tm.expect(c.pager, wait)
			if n := strings.Count(page, "\r\n"); n != 1 {
				t.Errorf("Enter showed %d lines, want 1", n)
			}
			tm.send("q")
			tm.expect(prompt, wait)

			tm.send(c.off + "\r")
			tm.expect(prompt, wait)
			tm.send(c.cmd + "\r")
			all := tm.expect(prompt, wait)
			if regexp.MustCompile(c.pager).MatchString(all) {
				t.Errorf("paged after %q", c.off)
			}
			want, _ := execOut(t, d, c.cmd)
			if got := strings.Count(all, "\r\n"); got < strings.Count(want, "\r\n") {
				t.Errorf("got %d lines with paging off, want all %d", got, strings.Count(want, "\r\n"))
			}
		})
	}
}

// TestIOSEnable checks cisco_ios privilege: user mode hides show
// running-config, enable asks for the secret, a wrong secret three times
// is refused, the right one reaches '#', and disable goes back.
func TestIOSEnable(t *testing.T) {
	o := testOptions(1, "cisco_ios")
	o.EnableSecret = "s3cret"
	l := startLab(t, o)
	d := devOf(t, l, "cisco_ios")
	tm := openTerm(t, d, 24)
	tm.expect(d.Name+">$", wait)
	tm.send("terminal length 0\r")
	tm.expect(d.Name+">$", wait)
	tm.send("show running-config\r")
	got := tm.expect(d.Name+">$", wait)
	if want := "\r\n" + strings.Repeat(" ", len(d.Name)+1+5) + "^\r\n% Invalid input detected at '^' marker.\r\n"; !strings.Contains(got, want) {
		t.Errorf("user mode show running-config: got %q, want %q", got, want)
	}
	tm.send("enable\r")
	for range 3 {
		tm.expect("Password: $", wait)
		tm.send("wrong\r")
	}
	tm.expect(`% Bad secrets\r\n\r\n`+d.Name+">$", wait)
	tm.send("enable\r")
	tm.expect("Password: $", wait)
	tm.send("s3cret\r")
	got = tm.expect(d.Name+"#$", wait)
	if strings.Contains(got, "s3cret") {
		t.Errorf("the secret was echoed: %q", got)
	}
	tm.send("show running-config | include ^hostname\r")
	got = tm.expect(d.Name+"#$", wait)
	if !strings.Contains(got, "\r\nhostname "+d.Name+"\r\n") {
		t.Errorf("privileged show running-config | include: %q", got)
	}
	tm.send("disable\r")
	tm.expect(d.Name+">$", wait)
	tm.send("exit\r")
	if !tm.closed(wait) {
		t.Errorf("exit did not end the session")
	}
}

// TestInvalidCommands checks each platform's complaint about a command it
// does not know, caret included where the platform draws one.
func TestInvalidCommands(t *testing.T) {
	l := startLab(t, testOptions(6, PlatformNames()...))
	cases := []struct{ platform, line, want string }{
		{"cisco_ios", "show foo", "     ^\n% Invalid input detected at '^' marker.\n"},
		{"cisco_ios", "sh", "% Incomplete command.\n"},
		{"cisco_ios", "e", "% Ambiguous command:  \"e\"\n"},
		{"arista_eos", "show foo", "% Invalid input\n"},
		{"cisco_nxos", "show foo", "     ^\n% Invalid command at '^' marker.\n"},
		{"cisco_xr", "show foo", "     ^\n% Invalid input detected at '^' marker.\n"},
		{"juniper_junos", "show foo", "     ^\nsyntax error, expecting <command>.\n"},
		{"juniper_junos", "foo", "^\nunknown command.\n"},
		{"linux", "foo bar", "-bash: foo: command not found\n"},
	}
	for _, c := range cases {
		t.Run(c.platform+"/"+c.line, func(t *testing.T) {
			out, status := execOut(t, devOf(t, l, c.platform), c.line)
			if crlfToLF(out) != c.want {
				t.Errorf("got %q, want %q", crlfToLF(out), c.want)
			}
			if status == 0 {
				t.Errorf("exit status 0 for an invalid command")
			}
		})
	}
}

// TestExecRequests checks exec requests: no prompt, no echo, the output
// with the platform's line ends, and exit status 0.
func TestExecRequests(t *testing.T) {
	l := startLab(t, testOptions(6, PlatformNames()...))
	cases := []struct{ platform, cmd, want string }{
		{"arista_eos", "show version", "Arista "},
		{"cisco_ios", "show version", "Cisco IOS Software, "},
		{"cisco_nxos", "show version", "Cisco Nexus Operating System (NX-OS) Software\r\n"},
		{"cisco_xr", "show version", "\r\nCisco IOS XR Software, Version "},
		{"juniper_junos", "show version", "Hostname: usa-leaf-005\r\n"},
		{"linux", "uname -a", "Linux usa-server-001 6.1.0-28-amd64 #1 SMP"},
	}
	for _, c := range cases {
		t.Run(c.platform, func(t *testing.T) {
			out, status := execOut(t, devOf(t, l, c.platform), c.cmd)
			if !strings.Contains(out, c.want) || status != 0 {
				t.Errorf("exec %q: status %d, output %q, want it to contain %q", c.cmd, status, head(out, 3), c.want)
			}
			if c.platform == "linux" && strings.Contains(out, "\r") {
				t.Errorf("linux exec output without a pty has CR: %q", out)
			}
			if strings.Contains(out, c.cmd+"\r\n") {
				t.Errorf("exec output echoes the command: %q", head(out, 2))
			}
		})
	}
}

// TestAbbreviationsAndPipes checks that unique prefixes work where the
// platform allows them and that the device applies pipe stages.
func TestAbbreviationsAndPipes(t *testing.T) {
	l := startLab(t, testOptions(6, PlatformNames()...))
	ios := devOf(t, l, "cisco_ios")
	full, _ := execOut(t, ios, "show ip interface brief")
	short, _ := execOut(t, ios, "sh ip int br")
	if full != short || full == "" {
		t.Errorf("sh ip int br differs from show ip interface brief")
	}
	vlans, _ := execOut(t, ios, "sh ip int br | i ^Vlan")
	for _, line := range splitLines(crlfToLF(vlans)) {
		if !strings.HasPrefix(line, "Vlan") {
			t.Errorf("| include kept %q", line)
		}
	}
	if len(splitLines(crlfToLF(vlans))) < 4 {
		t.Errorf("| include kept too little: %q", vlans)
	}
	xr := devOf(t, l, "cisco_xr")
	tm := openTerm(t, xr, 24)
	tm.expect("#$", wait)
	tm.send("terminal exec prompt no-timestamp\r")
	tm.expect("#$", wait)
	tm.send("show clock\r")
	if got := tm.expect("#$", wait); !regexp.MustCompile(`^show clock\r\n\d\d:\d\d:\d\d\.\d{3} UTC \w{3} \w{3} \d+ \d{4}\r\n`).MatchString(got) {
		t.Errorf("XR show clock without timestamp line: %q", got)
	}

	junos := devOf(t, l, "juniper_junos")
	n, _ := execOut(t, junos, "show arp no-resolve | count")
	if !regexp.MustCompile(`^Count: \d{3} lines\r\n$`).MatchString(n) {
		t.Errorf("junos | count: %q", n)
	}
	linux := devOf(t, l, "linux")
	if out, _ := execOut(t, linux, "uname -a | grep Linux"); !strings.HasPrefix(out, "Linux ") {
		t.Errorf("linux | grep Linux: %q", out)
	}
	if out, _ := execOut(t, linux, "uname -a | grep -v Linux"); out != "" {
		t.Errorf("linux | grep -v Linux: %q", out)
	}
}

// TestPipesKeepRegexAlternation: a '|' is a pipe only with blanks around
// it, as IOS and NX-OS read a line, so "include hostname|ntp" is one
// regular expression; platforms that chain stages take several pipes,
// IOS takes one and reads the rest of the line as its regex; a shell
// splits at any '|' outside quotes.
func TestPipesKeepRegexAlternation(t *testing.T) {
	l := startLab(t, testOptions(6, PlatformNames()...))
	cases := []struct {
		platform, line string
		want           func(lines []string) bool
	}{
		{"cisco_ios", "show running-config | include hostname|ntp", func(ls []string) bool {
			return has(ls, "hostname ") && has(ls, "ntp ") && all(ls, "hostname|ntp")
		}},
		// One pipe on IOS: the regex is "Interface | Vlan", which only
		// the header matches (its "Interface " and no " Vlan").
		{"cisco_ios", "show ip interface brief | include Interface | Vlan", func(ls []string) bool {
			return len(ls) == 1 && strings.HasPrefix(ls[0], "Interface ")
		}},
		{"cisco_nxos", "show running-config | include hostname|feature | exclude feature", func(ls []string) bool {
			return len(ls) == 1 && strings.HasPrefix(ls[0], "hostname ")
		}},
		{"arista_eos", "show running-config | include hostname|ntp", func(ls []string) bool {
			return has(ls, "hostname ") && all(ls, "hostname|ntp")
		}},
		{"juniper_junos", "show arp no-resolve | match MAC|ge- | count", func(ls []string) bool {
			return len(ls) == 1 && strings.HasPrefix(ls[0], "Count: ")
		}},
		{"linux", "uname -a | grep -E 'Linux|BSD'|wc -l", func(ls []string) bool {
			return len(ls) == 1 && ls[0] == "1"
		}},
	}
	for _, c := range cases {
		t.Run(c.platform+"/"+c.line, func(t *testing.T) {
			out := privileged(t, devOf(t, l, c.platform), c.line)
			lines := splitLines(out)
			if strings.TrimSpace(out) == "" || !c.want(lines) {
				t.Errorf("got:\n%s", out)
			}
		})
	}
}

// has says whether a line starts with prefix.
func has(lines []string, prefix string) bool {
	for _, l := range lines {
		if strings.HasPrefix(l, prefix) {
			return true
		}
	}
	return false
}

// all says whether every line matches re.
func all(lines []string, re string) bool {
	rx := regexp.MustCompile(re)
	for _, l := range lines {
		if !rx.MatchString(l) {
			return false
		}
	}
	return true
}

// TestIOSEnableModes: how cisco_ios answers enable is an option: asking
// for the secret, straight to privileged mode (AAA gave privilege 15),
// no enable secret configured, or access denied.
func TestIOSEnableModes(t *testing.T) {
	cases := []struct {
		mode EnableMode
		want string // what follows the echo of enable, up to the prompt
	}{
		{EnableModeSecret, "Password: "},
		{EnableModeNone, "{host}#"},
		{EnableModeNoPassword, "% No password set\r\n{host}>"},
		{EnableModeDenied, "% Access denied\r\n\r\n{host}>"},
	}
	for _, c := range cases {
		t.Run(string(c.mode), func(t *testing.T) {
			o := testOptions(1, "cisco_ios")
			o.Enable = c.mode
			l := startLab(t, o)
			d := l.Devices()[0]
			tm := openTerm(t, d, 24)
			tm.expect(d.Name+">$", wait)
			tm.send("enable\r")
			want := strings.ReplaceAll(c.want, "{host}", d.Name)
			if got := tm.expect(regexp.QuoteMeta(want)+"$", wait); got != "enable\r\n"+want {
				t.Errorf("got %q, want %q", got, "enable\r\n"+want)
			}
		})
	}
	o := testOptions(1, "cisco_ios")
	o.Enable = "sometimes"
	if _, err := Start(t.Context(), o); !errors.Is(err, ErrOptions) {
		t.Errorf("an unknown enable mode: %v", err)
	}
}
