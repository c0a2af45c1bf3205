package capture

import (
	"regexp"
	"strings"
)

// Masked replaces a secret that Scrub removed.
const Masked = "<removed>"

// scrubRule is a kind of line that carries a secret. has is a literal the
// line must contain, tested first because few lines do; re's group "s" is
// the secret, and every match of it in the line is masked. What surrounds
// the secret stays, so a diff still shows which line changed.
type scrubRule struct {
	has string
	re  *regexp.Regexp
	s   int // index of the group "s" in re
}

func secretRule(has, expr string) scrubRule {
	re := regexp.MustCompile(expr)
	i := re.SubexpIndex("s")
	if i < 0 {
		panic("capture: scrub rule without a secret group: " + expr)
	}
	return scrubRule{has: has, re: re, s: i}
}

// enc is the optional encryption type before a Cisco-style secret: a
// number (0, 5, 7, 8, 9, 10), or EOS's and NX-OS's words for the hash.
const enc = `(?: (?:\d{1,2}|sha512|sha256|md5|cleartext|encrypted|clear))?`

// ciscoScrub are the secrets of IOS, IOS-XE, NX-OS, IOS XR and EOS
// configurations, which share their syntax for them.
var ciscoScrub = []scrubRule{
	// enable secret 9 $9$..., enable password 7 0822..., enable secret sha512 $6$...
	secretRule("enable ", `^\s*enable (?:secret|password)(?: level \d+)?`+enc+` (?P<s>\S+)`),
	// username admin privilege 15 secret 9 $9$... (IOS); ... role
	// network-admin secret sha512 $6$... (EOS); username admin password 5
	// $5$... role network-admin (NX-OS).
	secretRule("username ", `^\s*username \S+ (?:.*? )?(?:secret|password)`+enc+` (?P<s>\S+)`),
	// An IOS XR username block's " secret 10 $6$..." and a line block's
	// " password 7 ...".
	secretRule("secret", `^\s*secret`+enc+` (?P<s>\S+)`),
	secretRule("password", `^\s*password`+enc+` (?P<s>\S+)`),
	// The community is the line's second word: no encryption type comes
	// before it, and one named "7" must not be taken for one.
	secretRule("snmp-server community ", `^\s*snmp-server community (?P<s>\S+)`),
	// snmp-server host 10.0.0.1 version 2c COMMUNITY: the community again.
	secretRule("snmp-server host ", `^\s*snmp-server host \S+(?: vrf \S+)?(?: (?:informs|traps))?(?: version (?:1|2c|3 (?:auth|noauth|priv)))? (?P<s>\S+)`),
	// NX-OS and IOS SNMPv3 users: auth md5 0x... priv aes-128 0x...
	secretRule("snmp-server user ", `\b(?:auth (?:md5|sha\S*)|priv(?: aes-128| aes \d+| des| 3des)?) (?P<s>\S+)`),
	// tacacs-server key 7 ..., radius-server key ..., and the key on a
	// host line.
	secretRule("-server ", `^\s*(?:tacacs|radius)-server (?:host \S+ (?:.*? )?)?key`+enc+` (?P<s>\S+)`),
	// A key of a tacacs or radius server block, or any "key 7 ...".
	secretRule("key ", `(?:^\s*|\s)key (?:\d{1,2}) (?P<s>\S+)`),
	// key chains, HSRP and interface authentication.
	secretRule("key-string", `\bkey-string(?: (?:\d{1,2}|password|clear|encrypted))? (?P<s>\S+)`),
	secretRule("crypto isakmp key", `^\s*crypto isakmp key`+enc+` (?P<s>\S+) (?:address|hostname)`),
	// pre-shared-key address 10.0.0.1 key ..., pre-shared-key local ...,
	// pre-shared-key ...
	secretRule("pre-shared-key", `\bpre-shared-key(?: address \S+(?: \S+)? key| local| remote| password| ascii-text| hexadecimal)?`+enc+` (?P<s>\S+)`),
	secretRule("ppp ", `\bppp (?:chap|pap) (?:password|sent-username \S+ password)`+enc+` (?P<s>\S+)`),
	// OSPF and IS-IS keys, BGP neighbour passwords.
	secretRule("authentication-key", `\bauthentication-key`+enc+` (?P<s>\S+)`),
	secretRule("message-digest-key", `\bmessage-digest-key \d+ md5`+enc+` (?P<s>\S+)`),
	secretRule("neighbor ", `^\s*neighbor \S+ password`+enc+` (?P<s>\S+)`),
}

// junosScrub are Junos' secrets, which it quotes and often marks itself.
var junosScrub = []scrubRule{
	// Whatever Junos marks as secret: "$9$..."; ## SECRET-DATA
	secretRule("SECRET-DATA", `"(?P<s>[^"]*)";?\s*## SECRET-DATA`),
	secretRule("encrypted-password", `\bencrypted-password "?(?P<s>[^";\s]+)"?`),
	secretRule("secret ", `\bsecret "(?P<s>[^"]*)"`),
	secretRule("authentication-key", `\b(?:hello-)?authentication-key "(?P<s>[^"]*)"`),
	secretRule("pre-shared-key", `\bpre-shared-key (?:ascii-text|hexadecimal) "?(?P<s>[^";\s]+)"?`),
	secretRule("simple-password", `\bsimple-password "(?P<s>[^"]*)"`),
	// snmp { community public { ... } } and set snmp community public ...;
	// the brace tells an SNMP community from a BGP one in policy-options
	// (community NAME members ...;), which is no secret.
	secretRule("community ", `^\s*community "?(?P<s>[^"{;\s]+)"? \{`),
	secretRule("snmp community ", `\bsnmp community "?(?P<s>[^"{;\s]+)"?`),
}

// scrubRules holds each platform's secret lines; the generic default ("")
// takes every rule, since masking too much is the safe mistake when
// someone asked for secrets to be kept out.
var scrubRules = map[string][]scrubRule{
	"cisco_ios":     ciscoScrub,
	"cisco_xr":      ciscoScrub,
	"cisco_nxos":    ciscoScrub,
	"arista_eos":    ciscoScrub,
	"juniper_junos": junosScrub,
	"linux":         append(append([]scrubRule(nil), ciscoScrub...), junosScrub...),
	"":              append(append([]scrubRule(nil), ciscoScrub...), junosScrub...),
}

// Scrub is text with the secrets of the platform's configuration masked as
// Masked: enable secrets, user passwords, SNMP communities, server and
// routing keys, pre-shared keys (see scrubRules). Only the secret goes;
// the rest of the line stays so a diff still shows which line changed.
// Scrubbing what was scrubbed changes nothing.
func Scrub(platform, text string) string {
	rules := scrubRules[family(platform)]
	var b strings.Builder
	start := 0 // text[start:] is not yet copied to b
	changed := false
	eachLine(text, func(line string, at int) {
		masked := scrubLine(rules, line)
		if masked == line {
			return
		}
		if !changed {
			b.Grow(len(text))
			changed = true
		}
		b.WriteString(text[start:at])
		b.WriteString(masked)
		start = at + len(line)
	})
	if !changed {
		return text
	}
	b.WriteString(text[start:])
	return b.String()
}

func scrubLine(rules []scrubRule, line string) string {
	for i := range rules {
		r := &rules[i]
		if !strings.Contains(line, r.has) {
			continue
		}
		ms := r.re.FindAllStringSubmatchIndex(line, -1)
		if ms == nil {
			continue
		}
		var b strings.Builder
		last, masked := 0, false
		for _, m := range ms {
			from, to := m[2*r.s], m[2*r.s+1]
			if from < 0 || line[from:to] == Masked {
				continue
			}
			b.WriteString(line[last:from])
			b.WriteString(Masked)
			last, masked = to, true
		}
		if masked {
			b.WriteString(line[last:])
			line = b.String()
		}
	}
	return line
}
