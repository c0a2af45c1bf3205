package capture

import (
	"regexp"
	"strings"
)

// churnRule describes a line that changes without the device changing: a
// clock, an uptime, a stamp of when the configuration was last shown or
// saved. The literal tests come first because almost no line passes them,
// which keeps Normalize at a few nanoseconds a line; re, when set, then has
// the last word. Lines are tested without their leading blanks.
type churnRule struct {
	prefix string // the line starts with it
	has    string // the line contains it
	short  int    // the line is at most this long (0: any length)
	re     *regexp.Regexp
}

func (r *churnRule) match(line string) bool {
	if r.short > 0 && len(line) > r.short {
		return false
	}
	if r.prefix != "" && !strings.HasPrefix(line, r.prefix) {
		return false
	}
	if r.has != "" && !strings.Contains(line, r.has) {
		return false
	}
	return r.re == nil || r.re.MatchString(line)
}

const (
	weekday = `(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun)`
	month   = `(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)`
)

// Lines that are nothing but the time, or an uptime: every platform prints
// them somewhere (show clock, IOS XR's stamp before each output, date,
// show version, uptime).
var commonChurn = []churnRule{
	// show clock on IOS, NX-OS and XR: *10:12:13.123 UTC Tue Dec 1 2026
	// (a leading * or . says the clock is not, or not surely, synced).
	{has: ":", short: 48, re: regexp.MustCompile(`^[*.]?\d{1,2}:\d{2}:\d{2}(?:\.\d+)? [A-Za-z]{2,5} ` + weekday + ` ` + month + ` +\d{1,2} \d{4}$`)},
	// IOS XR's stamp (Tue Dec  1 10:12:13.123 UTC), EOS show clock (Tue
	// Dec  1 10:12:13 2026), date (Tue Dec  1 10:12:13 UTC 2026).
	{has: ":", short: 48, re: regexp.MustCompile(`^` + weekday + ` ` + month + ` +\d{1,2} \d{2}:\d{2}:\d{2}(?:\.\d+)?(?: [A-Za-z]{2,5})?(?: \d{4})?$`)},
	// Junos show system uptime.
	{prefix: "Current time:"},
	{prefix: "System booted:"},
	{prefix: "Protocols started:"},
	// IOS and XR show version (host uptime is ...), NX-OS (Kernel uptime is).
	{has: " uptime is ", re: regexp.MustCompile(`\buptime is \d+ (?:year|week|day|hour|minute|second)`)},
	// EOS show version.
	{prefix: "Uptime:", re: regexp.MustCompile(`^Uptime:\s*\d`)},
	// uptime on Linux and Junos: 10:12:13 up 5 days, 3:02, 1 user, load average: ...
	{has: " up ", re: regexp.MustCompile(`^\d{1,2}:\d{2}(?::\d{2})?\s*(?:[AaPp][Mm])?\s+up\s.*\bload averages?:`)},
}

// churnRules holds each platform's own rules; Normalize adds commonChurn.
// The generic default ("") has only the common ones: on a device we know
// nothing about, a line that merely looks like a stamp may be the point.
var churnRules = map[string][]churnRule{
	"cisco_ios": {
		{prefix: "Building configuration..."},
		{prefix: "Current configuration :", re: regexp.MustCompile(`^Current configuration : \d+ bytes$`)},
		{prefix: "! Last configuration change at "},
		{prefix: "! NVRAM config last updated at "},
		{prefix: "! No configuration change since last restart"},
		// IOS writes its measured clock drift into the running config.
		{prefix: "ntp clock-period "},
	},
	"cisco_xr": {
		{prefix: "Building configuration..."},
		{prefix: "!! Last configuration change at "},
		{prefix: "!! IOS XR Configuration"},
		{prefix: "!! IOS XR Admin Configuration"},
	},
	"cisco_nxos": {
		{prefix: "!Command: "},
		{prefix: "!Running configuration last done at:"},
		{prefix: "!Time:"},
		{prefix: "!Startup config saved at:"},
	},
	"arista_eos": {
		{prefix: "! Command: "},
		{prefix: "! device: ", re: regexp.MustCompile(`^! device: \S+ \(.*\)$`)},
		{prefix: "! Time:"},
		{prefix: "! Startup-config last modified at "},
		// show version and show lldp neighbors.
		{prefix: "Free memory:"},
		{prefix: "Last table change time"},
	},
	"juniper_junos": {
		{prefix: "## Last commit: "},
		{prefix: "## Last changed: "},
		{prefix: "Last configured: "},
	},
	"linux": nil,
}

// Normalize is text without the lines that change while the device does
// not (clocks, uptimes, "last change" and "built" stamps; see churnRules),
// line ends made "\n", every line ending in one. Whether an output changed
// is decided on its normalized form, so a config shown again an hour later
// is not a new version because its header says what time it is.
func Normalize(platform, text string) string {
	own := churnRules[family(platform)]
	// Most outputs (tables, most configs after their first lines) lose
	// nothing: text is returned as it is until a line must go or be
	// rewritten, and only then is a copy made.
	var b strings.Builder
	copied := false
	done := 0 // text[:done] is settled: in b when copied, else as it is
	eachLine(text, func(line string, at int) {
		t := strings.TrimLeft(line, " \t")
		drop := false
		for i := range own {
			if own[i].match(t) {
				drop = true
				break
			}
		}
		for i := 0; !drop && i < len(commonChurn); i++ {
			drop = commonChurn[i].match(t)
		}
		end := at + len(line)
		clean := end < len(text) && text[end] == '\n'
		if !drop && clean && !copied {
			done = end + 1
			return
		}
		if !copied {
			b.Grow(len(text) + 1)
			b.WriteString(text[:done])
			copied = true
		}
		if !drop {
			b.WriteString(line)
			b.WriteByte('\n')
		}
	})
	if !copied {
		return text
	}
	return b.String()
}
