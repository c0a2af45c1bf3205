package lab

import (
	"slices"
	"strings"
	"sync"
)

// platform holds what distinguishes one kind of device from another: how it
// prompts, pages, escalates and complains. Behaviour lives in this table
// rather than in a type per vendor, so adding a platform is adding a row.
type platform struct {
	name   string // Netmiko device type
	vendor string
	// serverVersion is the SSH identification string the device sends.
	serverVersion string
	// userPrompt and privPrompt use {host} and {user}; privileged is where
	// a session starts unless startUser is set.
	userPrompt, privPrompt string
	startUser              bool
	// enable is the command that reaches privileged mode, if any.
	enable string
	// enableAsks says whether enable asks for the enable secret.
	enableAsks bool
	// blankBeforePrompt writes an empty line between an output and the
	// next prompt, as Junos does.
	blankBeforePrompt bool
	// banner is written once before the first prompt of a shell.
	banner string
	// pager is shown when a page is full; pagerErase is written after the
	// key that answers it, to wipe the pager from the line.
	pager, pagerErase string
	// percentPager shows how far through the output a page is, as Junos
	// does with ---(more 42%)---.
	percentPager bool
	// abbreviate accepts unique prefixes of keywords ("sh ip int br").
	abbreviate bool
	// caretErrors point at the offending word with a '^' under it.
	caretErrors bool
	invalid     string // message for a command that does not exist; {word} is its first word
	// unknownFirst, when set, replaces invalid when the very first word is
	// unknown, as Junos says "unknown command." there.
	unknownFirst string
	// invalidStatus is the exec exit status of an invalid command.
	invalidStatus int
	incomplete    string // message for a command that needs more words
	ambiguous     string // message for a prefix matching several keywords; {line} is the line
	// crlf says whether exec output ends lines with CRLF, as network
	// operating systems do even without a terminal.
	crlf bool
	// host marks a server rather than a network device: its role is
	// server, it has NICs rather than ports, and its shell logs out on
	// Ctrl-D.
	host bool
	// commands is what the device understands; see commands.go.
	commands []command
	kwOnce   sync.Once
	kw       map[*command][]string // see keywords
	// filters are the pipe stages the device's CLI offers after '|'.
	filters []filter
	// chainPipes takes each further " | " as one more stage; without it
	// (IOS) the first stage's argument runs to the end of the line.
	chainPipes bool
	// Interface names, long and short, as printf formats of one number.
	portName, portShort     string
	portBase                int
	uplinkName, uplinkShort string
	uplinkBase              int
	sviName, sviShort       string
	loopName, mgmtName      string
	// sysDescr is the system description the device sends its LLDP
	// neighbours, with {hw} and {version}.
	sysDescr string
}

// prompt renders the prompt for host and user in the given mode.
func (p *platform) prompt(host, user string, privileged bool) string {
	t := p.privPrompt
	if !privileged {
		t = p.userPrompt
	}
	return strings.NewReplacer("{host}", host, "{user}", user).Replace(t)
}

var (
	ciscoPager      = " --More-- "
	ciscoPagerErase = strings.Repeat("\b", len(ciscoPager)) + strings.Repeat(" ", len(ciscoPager)) + strings.Repeat("\b", len(ciscoPager))
	junosPagerErase = "\r" + strings.Repeat(" ", 20) + "\r"
)

// platforms is the table of platform facts, in the order `vc lab` spreads
// devices over them.
var platforms = []*platform{
	{
		name: "arista_eos", vendor: "arista", serverVersion: "SSH-2.0-OpenSSH_7.8",
		userPrompt: "{host}>", privPrompt: "{host}#",
		enable: "enable",
		pager:  ciscoPager, pagerErase: ciscoPagerErase,
		abbreviate: true,
		invalid:    "% Invalid input", incomplete: "% Incomplete command", ambiguous: "% Ambiguous command",
		crlf: true, invalidStatus: 1,
		chainPipes: true,
		commands:   eosCommands, filters: ciscoFilters,
		portName: "Ethernet%d", portShort: "Et%d", portBase: 1,
		uplinkName: "Ethernet%d/1", uplinkBase: 49, uplinkShort: "Et%d/1",
		sviName: "Vlan%d", sviShort: "Vl%d", loopName: "Loopback0", mgmtName: "Management1",
		sysDescr: "Arista Networks EOS version {version} running on an Arista Networks {hw}",
	},
	{
		name: "cisco_ios", vendor: "cisco", serverVersion: "SSH-2.0-Cisco-1.25",
		userPrompt: "{host}>", privPrompt: "{host}#", startUser: true,
		enable: "enable", enableAsks: true,
		pager: ciscoPager, pagerErase: ciscoPagerErase,
		abbreviate: true, caretErrors: true,
		invalid: "% Invalid input detected at '^' marker.", incomplete: "% Incomplete command.",
		ambiguous: `% Ambiguous command:  "{line}"`,
		crlf:      true, invalidStatus: 1,
		commands: iosCommands, filters: ciscoFilters,
		portName: "GigabitEthernet1/0/%d", portShort: "Gi1/0/%d", portBase: 1,
		uplinkName: "TenGigabitEthernet1/1/%d", uplinkBase: 1, uplinkShort: "Te1/1/%d",
		sviName: "Vlan%d", sviShort: "Vl%d", loopName: "Loopback0", mgmtName: "GigabitEthernet0/0",
		sysDescr: "Cisco IOS Software, Catalyst L3 Switch Software ({hw}), Version {version}, RELEASE SOFTWARE (fc1)",
	},
	{
		name: "cisco_nxos", vendor: "cisco", serverVersion: "SSH-2.0-OpenSSH_8.3",
		userPrompt: "{host}#", privPrompt: "{host}#",
		pager: "--More--", pagerErase: "\r        \r",
		abbreviate: true, caretErrors: true,
		invalid: "% Invalid command at '^' marker.", incomplete: "% Incomplete command at '^' marker.",
		ambiguous: "% Ambiguous command at '^' marker.",
		crlf:      true, invalidStatus: 1,
		chainPipes: true,
		commands:   nxosCommands, filters: ciscoFilters,
		portName: "Ethernet1/%d", portShort: "Eth1/%d", portBase: 1,
		uplinkName: "Ethernet2/%d", uplinkBase: 1, uplinkShort: "Eth2/%d",
		sviName: "Vlan%d", sviShort: "Vlan%d", loopName: "loopback0", mgmtName: "mgmt0",
		sysDescr: "Cisco Nexus Operating System (NX-OS) Software {version}",
	},
	{
		name: "cisco_xr", vendor: "cisco", serverVersion: "SSH-2.0-Cisco-2.0",
		userPrompt: "RP/0/RP0/CPU0:{host}#", privPrompt: "RP/0/RP0/CPU0:{host}#",
		pager: ciscoPager, pagerErase: ciscoPagerErase,
		abbreviate: true, caretErrors: true,
		invalid: "% Invalid input detected at '^' marker.", incomplete: "% Incomplete command.",
		ambiguous: `% Ambiguous command:  "{line}"`,
		crlf:      true, invalidStatus: 1,
		chainPipes: true,
		commands:   xrCommands, filters: ciscoFilters,
		portName: "GigabitEthernet0/0/0/%d", portShort: "Gi0/0/0/%d", portBase: 0,
		uplinkName: "TenGigE0/0/1/%d", uplinkBase: 0, uplinkShort: "Te0/0/1/%d",
		sviName: "BVI%d", sviShort: "BV%d", loopName: "Loopback0", mgmtName: "MgmtEth0/RP0/CPU0/0",
		sysDescr: "Cisco IOS XR Software, Version {version}",
	},
	{
		name: "juniper_junos", vendor: "juniper", serverVersion: "SSH-2.0-OpenSSH_7.5",
		userPrompt: "{user}@{host}> ", privPrompt: "{user}@{host}> ",
		banner:            "--- JUNOS 21.4R3.15 Kernel 64-bit  JNPR-12.1-20230120.7a2a3c2_buil\n",
		blankBeforePrompt: true,
		pager:             "---(more)---", pagerErase: junosPagerErase, percentPager: true,
		abbreviate: true, caretErrors: true,
		invalid: "syntax error, expecting <command>.", unknownFirst: "unknown command.", incomplete: "error: command is not complete",
		ambiguous: "syntax error.",
		crlf:      true, invalidStatus: 1,
		chainPipes: true,
		commands:   junosCommands, filters: junosFilters,
		portName: "ge-0/0/%d", portShort: "ge-0/0/%d", portBase: 0,
		uplinkName: "xe-0/1/%d", uplinkBase: 0, uplinkShort: "xe-0/1/%d",
		sviName: "irb.%d", sviShort: "irb.%d", loopName: "lo0", mgmtName: "em0",
		sysDescr: "Juniper Networks, Inc. {hw} Ethernet Switch, kernel JUNOS {version}, Build date: 2023-01-20 10:00:00 UTC",
	},
	{
		name: "linux", vendor: "linux", serverVersion: "SSH-2.0-OpenSSH_9.2p1 Debian-2+deb12u3",
		userPrompt: "{user}@{host}:~$ ", privPrompt: "{user}@{host}:~$ ",
		banner:  "Linux {host} 6.1.0-28-amd64 #1 SMP PREEMPT_DYNAMIC Debian 6.1.119-1 (2024-11-22) x86_64\n\nThe programs included with the Debian GNU/Linux system are free software.\n",
		invalid: "-bash: {word}: command not found", invalidStatus: 127, host: true,
		crlf:       false,
		chainPipes: true,
		commands:   linuxCommands, filters: linuxFilters,
		portName: "eth%d", portShort: "eth%d", portBase: 1,
		uplinkName: "ens%d", uplinkBase: 3, uplinkShort: "ens%d",
		sviName: "vlan%d", sviShort: "vlan%d", loopName: "lo", mgmtName: "eth0",
		sysDescr: "Debian GNU/Linux 12 (bookworm) Linux 6.1.0-28-amd64 #1 SMP PREEMPT_DYNAMIC Debian 6.1.119-1 (2024-11-22) x86_64",
	},
}

// platformByName returns the platform row for a Netmiko device type, or nil.
func platformByName(name string) *platform {
	for _, p := range platforms {
		if p.name == name {
			return p
		}
	}
	return nil
}

// PlatformNames lists the platforms a lab can serve.
func PlatformNames() []string {
	names := make([]string, 0, len(platforms))
	for _, p := range platforms {
		names = append(names, p.name)
	}
	return slices.Clip(names)
}
