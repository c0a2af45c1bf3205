package views

import (
	"fmt"
	"net/netip"
	"regexp"
	"strconv"
	"strings"
	"time"

	"vc/templates"
)

// Type is what a view field holds, and so how its values are normalized:
// whatever a platform prints, a field of one type reads the same on every
// device.
type Type string

// The types a view field may have.
const (
	// TypeString is text as the device gave it, trimmed.
	TypeString Type = "string"
	// TypeInt is a whole number.
	TypeInt Type = "int"
	// TypeSeconds is a duration in whole seconds, from any of the
	// notations devices print (00:46:46, 1w2d, 3 weeks, 2 days, 4 hours).
	TypeSeconds Type = "seconds"
	// TypeMAC is a MAC address as aa:bb:cc:dd:ee:ff.
	TypeMAC Type = "mac"
	// TypeIP is an IP address without its prefix length.
	TypeIP Type = "ip"
	// TypePrefix is a network in CIDR notation, 10.1.2.0/24.
	TypePrefix Type = "prefix"
	// TypeInterface is an interface name in its platform's long form.
	TypeInterface Type = "interface"
	// TypeStatus is a port's state: up, down, disabled or notconnect.
	TypeStatus Type = "status"
	// TypeVLAN is a VLAN number, or a word for ports that have none of
	// their own (trunk, routed).
	TypeVLAN Type = "vlan"
	// TypeSpeed is a port speed in Mb/s.
	TypeSpeed Type = "speed"
	// TypeDuplex is full, half or auto.
	TypeDuplex Type = "duplex"
)

var types = map[Type]bool{TypeString: true, TypeInt: true, TypeSeconds: true, TypeMAC: true, TypeIP: true,
	TypePrefix: true, TypeInterface: true, TypeStatus: true, TypeVLAN: true, TypeSpeed: true, TypeDuplex: true}

// typeNames lists the types for messages.
const typeNames = "string, int, seconds, mac, ip, prefix, interface, status, vlan, speed, duplex"

// empty reports a value that says "nothing": devices print a dash or
// similar where a table has no value.
func empty(s string) bool {
	// Most values are none of these: a glance at the length and the
	// first byte spares them the lowering.
	if len(s) > len("not advertised") || (s != "" && strings.IndexByte("-nNuU", s[0]) < 0) {
		return false
	}
	switch strings.ToLower(s) {
	case "", "-", "--", "n/a", "none", "unassigned", "unknown", "not advertised", "never":
		return true
	}
	return false
}

// normalize reads one text value as type t on platform. A value that
// cannot be read as its type is kept as text, so nothing a device said
// is lost; an empty one is nil.
func normalize(t Type, platform, s string, ifs *interfaceNames, bx *templates.Boxer) any {
	s = strings.TrimSpace(s)
	if t != TypeString && empty(s) {
		return nil
	}
	if s == "" {
		return nil
	}
	switch t {
	case TypeInt:
		if n, err := strconv.Atoi(strings.ReplaceAll(s, ",", "")); err == nil {
			return n
		}
	case TypeSeconds:
		if n, ok := Seconds(s); ok {
			return n
		}
	case TypeMAC:
		if m, ok := MAC(s); ok {
			return boxed(bx, m)
		}
	case TypeIP:
		if a, ok := IP(s); ok {
			return boxed(bx, a)
		}
	case TypePrefix:
		if p, ok := Prefix(s, ""); ok {
			return boxed(bx, p)
		}
	case TypeInterface:
		return boxed(bx, ifs.long(platform, s))
	case TypeStatus:
		return boxed(bx, Status(s))
	case TypeVLAN:
		return vlan(s)
	case TypeSpeed:
		if n, ok := Speed(s); ok {
			return n
		}
		if strings.Contains(strings.ToLower(s), "auto") {
			return nil
		}
	case TypeDuplex:
		return boxed(bx, duplex(s))
	}
	return boxed(bx, s)
}

// boxed is s as a cell: from bx's slab when there is one (a shaper's
// worker, which boxes a value for every row), else by the language.
func boxed(bx *templates.Boxer, s string) any {
	if bx == nil {
		return s
	}
	return bx.Box(s)
}

// MAC reads a MAC address in any of the usual notations (aabb.ccdd.eeff,
// aa:bb:cc:dd:ee:ff, aa-bb-cc-dd-ee-ff, aabb-ccdd-eeff, aabbccddeeff) and
// writes it as aa:bb:cc:dd:ee:ff.
func MAC(s string) (string, bool) {
	if len(s) == 17 && s[2] == ':' && s == strings.ToLower(s) && strings.Count(s, ":") == 5 {
		return s, true
	}
	// The digits are written straight into their places; the colons
	// after.
	var out [17]byte
	n := 0
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch lc := c | 0x20; {
		case c >= '0' && c <= '9':
		case lc >= 'a' && lc <= 'f':
			c = lc
		case c == '.' || c == ':' || c == '-':
			continue
		default:
			return "", false
		}
		if n == 12 {
			return "", false
		}
		out[n+n>>1] = c
		n++
	}
	if n != 12 {
		return "", false
	}
	out[2], out[5], out[8], out[11], out[14] = ':', ':', ':', ':', ':'
	return string(out[:]), true
}

// IP reads an address, with or without a prefix length.
func IP(s string) (string, bool) {
	// An IPv4 address as devices print it is already in its one form
	// (netip refuses leading zeros): keep the text.
	if strings.IndexByte(s, '/') < 0 && strings.IndexByte(s, ':') < 0 {
		if a, err := netip.ParseAddr(s); err == nil && a.Is4() {
			return s, true
		}
	}
	if p, err := netip.ParsePrefix(s); err == nil {
		return p.Addr().String(), true
	}
	if a, err := netip.ParseAddr(s); err == nil {
		return a.String(), true
	}
	return "", false
}

// Prefix reads a network: "10.1.2.1/24" on its own, or an address with a
// mask given apart as a length ("24") or dotted ("255.255.255.0"). It is
// written as the network, 10.1.2.0/24.
func Prefix(addr, mask string) (string, bool) {
	addr, mask = strings.TrimSpace(addr), strings.TrimSpace(mask)
	if mask == "" {
		p, err := netip.ParsePrefix(addr)
		if err != nil {
			return "", false
		}
		return p.Masked().String(), true
	}
	a, err := netip.ParseAddr(strings.SplitN(addr, "/", 2)[0])
	if err != nil {
		return "", false
	}
	bits, err := strconv.Atoi(strings.TrimPrefix(mask, "/"))
	if err != nil {
		m, merr := netip.ParseAddr(mask)
		if merr != nil || !m.Is4() {
			return "", false
		}
		if bits = maskBits(m.As4()); bits < 0 {
			return "", false
		}
	}
	p, err := a.Prefix(bits)
	if err != nil {
		return "", false
	}
	return p.String(), true
}

// maskBits is the length of a dotted mask, or -1 when its ones are not
// contiguous.
func maskBits(m [4]byte) int {
	v := uint32(m[0])<<24 | uint32(m[1])<<16 | uint32(m[2])<<8 | uint32(m[3])
	n := 0
	for v&0x80000000 != 0 {
		n++
		v <<= 1
	}
	if v != 0 {
		return -1
	}
	return n
}

// durationUnits are the words devices write durations with, in seconds.
var durationUnits = map[string]int{
	"y": 365 * 86400, "year": 365 * 86400, "years": 365 * 86400, "yr": 365 * 86400,
	"w": 7 * 86400, "week": 7 * 86400, "weeks": 7 * 86400, "wk": 7 * 86400,
	"d": 86400, "day": 86400, "days": 86400, "day(s)": 86400,
	"h": 3600, "hour": 3600, "hours": 3600, "hr": 3600, "hrs": 3600, "hour(s)": 3600,
	"m": 60, "min": 60, "mins": 60, "minute": 60, "minutes": 60, "minute(s)": 60,
	"s": 1, "sec": 1, "secs": 1, "second": 1, "seconds": 1, "second(s)": 1,
}

var durationToken = regexp.MustCompile(`(\d+(?:\.\d+)?)\s*([a-zA-Z]+(?:\(s\))?)|(\d+(?::\d+)+)|(\d+(?:\.\d+)?)`)

// Seconds reads a duration in the notations devices print and returns
// whole seconds: "00:46:46" and "1:02:03:04" (days first), "1w2d",
// "3 weeks, 2 days, 4 hours", "66 weeks, 4 days, 22 hours and 6
// minutes", "1 day(s), 2 hour(s)", "261 days, 23:07" (hours and minutes
// after days, as uptime prints), "12.5" seconds. "-" and other dashes are
// no value.
func Seconds(s string) (int, bool) {
	s = strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(s), " ago"))
	if empty(s) {
		return 0, false
	}
	if n, ok := clockSeconds(s); ok {
		return n, true
	}
	total, found := 0.0, false
	rest := s
	for _, m := range durationToken.FindAllStringSubmatchIndex(s, -1) {
		// Only separators may lie between the tokens.
		gap := s[len(s)-len(rest) : m[0]]
		if strings.Trim(gap, " ,and\t") != "" {
			return 0, false
		}
		rest = s[m[1]:]
		switch {
		case m[2] >= 0:
			n, _ := strconv.ParseFloat(s[m[2]:m[3]], 64)
			unit, ok := durationUnits[strings.ToLower(s[m[4]:m[5]])]
			if !ok {
				return 0, false
			}
			total += n * float64(unit)
		case m[6] >= 0:
			parts := strings.Split(s[m[6]:m[7]], ":")
			// h:m:s, d:h:m:s; after a day count, uptime's h:mm.
			mult := []int{1, 60, 3600, 86400}
			if len(parts) == 2 && found {
				mult = []int{60, 3600}
			} else if len(parts) == 2 {
				mult = []int{1, 60}
			}
			if len(parts) > len(mult) {
				return 0, false
			}
			for i := range parts {
				n, _ := strconv.Atoi(parts[len(parts)-1-i])
				total += float64(n * mult[i])
			}
		default:
			n, _ := strconv.ParseFloat(s[m[8]:m[9]], 64)
			total += n
		}
		found = true
	}
	if !found || strings.Trim(rest, " ,.\t") != "" {
		return 0, false
	}
	return int(total), true
}

// clockSeconds reads the forms an ARP or MAC table's ages take, without
// the expression: a number of seconds ("12") or a clock of two to four
// parts ("0:51:00", "1:02:03:04", days first), as Seconds reads them. It
// says false for anything else, which Seconds then reads its own way.
func clockSeconds(s string) (int, bool) {
	var parts [4]int
	n, digits := 0, 0
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c >= '0' && c <= '9':
			if digits == 9 {
				return 0, false
			}
			parts[n] = parts[n]*10 + int(c-'0')
			digits++
		case c == ':' && digits > 0 && n < 3:
			n++
			digits = 0
		default:
			return 0, false
		}
	}
	if digits == 0 {
		return 0, false
	}
	// The last part is seconds; then minutes, hours and days.
	weights := [4]int{1, 60, 3600, 86400}
	total := 0
	for k := 0; k <= n; k++ {
		total += parts[n-k] * weights[k]
	}
	return total, true
}

// DurationText writes seconds as people read an uptime: "3 weeks, 2
// days, 4 hours, 5 minutes".
func DurationText(secs int) string {
	parts := []struct {
		n    int
		unit string
	}{
		{secs / (7 * 86400), "week"}, {secs % (7 * 86400) / 86400, "day"},
		{secs % 86400 / 3600, "hour"}, {secs % 3600 / 60, "minute"},
	}
	var out []string
	for _, p := range parts {
		if p.n == 0 {
			continue
		}
		u := p.unit
		if p.n != 1 {
			u += "s"
		}
		out = append(out, fmt.Sprintf("%d %s", p.n, u))
	}
	if len(out) == 0 {
		return fmt.Sprintf("%d seconds", secs)
	}
	return strings.Join(out, ", ")
}

// statusWords maps what devices say of a port to the one vocabulary.
var statusWords = map[string]string{
	"up": "up", "connected": "up", "connect": "up", "enabled": "up", "active": "up",
	"down": "down", "lowerlayerdown": "down", "monitoring": "down", "inactive": "down",
	"notconnect": "notconnect", "notconnec": "notconnect", "notconn": "notconnect", "not connected": "notconnect",
	"sfpabsent": "notconnect", "xcvrabsen": "notconnect", "xcvrabsent": "notconnect", "nolink": "notconnect",
	"disabled": "disabled", "administratively down": "disabled", "admin down": "disabled", "shutdown": "disabled",
	"admin-down": "disabled", "err-disabled": "disabled", "errdisabled": "disabled", "err-disable": "disabled",
	"deleted": "disabled",
}

// Status reads a port state into up, down, disabled or notconnect. NX-OS
// states (protocol-up/link-up/admin-up) are read by their worst part.
func Status(s string) string {
	l := strings.ToLower(strings.TrimSpace(s))
	if w, ok := statusWords[l]; ok {
		return w
	}
	if strings.Contains(l, "/") {
		switch {
		case strings.Contains(l, "admin-down"):
			return "disabled"
		case strings.Contains(l, "-down"):
			return "down"
		case strings.Contains(l, "-up"):
			return "up"
		}
	}
	return l
}

// adminDown reports an administrative state that means the port was
// shut down ("administratively down", "disabled", "shutdown"), or one of
// the words a platform's admin column says it with (Junos: down).
func adminDown(s string, words []string) bool {
	if Status(s) == "disabled" {
		return true
	}
	for _, w := range words {
		if strings.EqualFold(strings.TrimSpace(s), w) {
			return true
		}
	}
	return false
}

func vlan(s string) any {
	if n, err := strconv.Atoi(s); err == nil {
		return n
	}
	return strings.ToLower(s)
}

var speedRe = regexp.MustCompile(`(?i)^(?:a-)?(\d+(?:\.\d+)?)\s*([kmgt]?)(?:b(?:ps|/s)?|bit)?$`)

// Speed reads a port speed (a-1000, 1G, 10G, 100M, 1000mbps, 10Gbps,
// 10000Mb/s) as Mb/s; a bare number is Mb/s.
func Speed(s string) (int, bool) {
	m := speedRe.FindStringSubmatch(strings.TrimSpace(s))
	if m == nil {
		return 0, false
	}
	n, err := strconv.ParseFloat(m[1], 64)
	if err != nil {
		return 0, false
	}
	switch strings.ToLower(m[2]) {
	case "k":
		n /= 1000
	case "g":
		n *= 1000
	case "t":
		n *= 1000000
	}
	return int(n), true
}

func duplex(s string) string {
	l := strings.ToLower(s)
	switch {
	case strings.Contains(l, "full"):
		return "full"
	case strings.Contains(l, "half"):
		return "half"
	case strings.Contains(l, "auto"):
		return "auto"
	}
	return l
}

// timeLayouts are the ways a timestamp assembled from a template's date
// and time fields may read.
var timeLayouts = []string{"2006 01 02 15:04:05 MST", "2006 01 02 15:04:05", "2006 Jan 02 15:04:05 MST", "2006 Jan 02 15:04:05"}

// parseStamp reads a timestamp joined from several fields.
func parseStamp(s string) (time.Time, bool) {
	s = strings.Join(strings.Fields(s), " ")
	for _, l := range timeLayouts {
		if t, err := time.Parse(l, s); err == nil {
			return t, true
		}
	}
	return time.Time{}, false
}
