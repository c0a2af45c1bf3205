package engine

import (
	"regexp"
	"slices"
)

// Platform is what vc knows about driving one kind of device. Driver
// behaviour is data: a new platform is a new entry, not a new type.
type Platform struct {
	Name string
	// Prompt recognises a prompt at the end of the output; the exact prompt
	// is learned from the device, this only finds it.
	Prompt *regexp.Regexp
	// Setup are commands sent once a session opens (paging off, width).
	Setup []string
	// Pager recognises a pager's prompt at the end of the output; the
	// engine answers it with a space.
	Pager *regexp.Regexp
	// Enable is the command that reaches privileged mode from a prompt
	// ending in UserMode; empty when the platform has none.
	Enable   string
	UserMode string
	// EnablePassword recognises enable's password prompt.
	EnablePassword *regexp.Regexp
	// Failure recognises a line that says the command failed on the device.
	Failure *regexp.Regexp
	// Exec runs each command on its own exec channel instead of a shell:
	// the output needs no prompt handling and carries an exit status.
	Exec bool
	// Legacy means the platform's devices often need old algorithms.
	Legacy bool
}

// Generic prompts end in #, >, $ or %, perhaps followed by a space.
var genericPrompt = regexp.MustCompile(`[\w.\-@()/:~\[\]]{1,}[#>$%] ?$`)

var (
	ciscoPager   = regexp.MustCompile(`(?i)-+ ?more ?-+\s*$|<--- More --->\s*$`)
	ciscoFailure = regexp.MustCompile(`(?m)^% ?(Invalid input|Incomplete command|Ambiguous command|Unknown command|Invalid command)`)
	enablePass   = regexp.MustCompile(`(?i)password:\s*$`)
)

// platformTable is the table of platform facts, by Netmiko device type. Like
// the command table, it is data that is built once and never changes.
var platformTable = buildPlatforms()

func buildPlatforms() map[string]*Platform {
	ios := &Platform{
		Name:   "cisco_ios",
		Prompt: regexp.MustCompile(`[\w.\-@()/:]+[>#] ?$`),
		Setup:  []string{"terminal length 0", "terminal width 511"},
		Pager:  ciscoPager, Enable: "enable", UserMode: ">", EnablePassword: enablePass,
		Failure: ciscoFailure,
	}
	return map[string]*Platform{
		"cisco_ios": ios,
		"cisco_xe":  withName(ios, "cisco_xe"),
		"cisco_nxos": {
			Name: "cisco_nxos", Prompt: ios.Prompt, Setup: []string{"terminal length 0", "terminal width 511"},
			Pager: ciscoPager, Failure: ciscoFailure,
		},
		"cisco_xr": {
			Name: "cisco_xr", Prompt: regexp.MustCompile(`[\w.\-@()/:]+[>#] ?$`), Setup: []string{"terminal length 0", "terminal width 512"},
			Pager: ciscoPager, Failure: ciscoFailure,
		},
		"arista_eos": {
			Name: "arista_eos", Prompt: ios.Prompt, Setup: []string{"terminal length 0", "terminal width 32767"},
			Pager: ciscoPager, Enable: "enable", UserMode: ">", EnablePassword: enablePass, Failure: ciscoFailure,
		},
		"juniper_junos": {
			Name: "juniper_junos", Prompt: regexp.MustCompile(`[\w.\-@()/:]+[>#%] ?$`),
			Setup:   []string{"set cli screen-length 0", "set cli screen-width 511"},
			Pager:   regexp.MustCompile(`---\(more( \d+%)?\)---\s*$`),
			Failure: regexp.MustCompile(`(?m)^\s*(error: |syntax error|unknown command)`),
		},
		"linux": {
			Name: "linux", Prompt: regexp.MustCompile(`[\w.\-@()/:~\[\]]+[#$] ?$`), Exec: true,
		},
		"generic": {
			Name: "generic", Prompt: genericPrompt, Pager: ciscoPager,
		},
	}
}

func withName(p *Platform, name string) *Platform {
	c := *p
	c.Name = name
	return &c
}

// PlatformFor returns the platform facts for a Netmiko device type, or the
// generic platform.
func PlatformFor(name string) *Platform {
	if p, ok := platformTable[name]; ok {
		return p
	}
	return platformTable["generic"]
}

// PlatformNames lists the platforms with a driver.
func PlatformNames() []string {
	names := make([]string, 0, len(platformTable))
	for n := range platformTable {
		names = append(names, n)
	}
	slices.Sort(names)
	return names
}
