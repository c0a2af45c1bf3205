package store

import (
	"fmt"
	"net/netip"
	"regexp"
	"strconv"
	"strings"
)

// Statuses are the device states vc knows, the first being the default.
var Statuses = []string{"active", "planned", "staged", "offline", "failed", "decommissioned"}

// HostKeyPolicies are the accepted host-key settings: "" checks the key.
var HostKeyPolicies = []string{"", "check", "ignore"}

// Validate checks a record before it is written.
func Validate(e Entity) error {
	if err := ValidName(e.Key()); err != nil {
		return fmt.Errorf("%s name: %w", e.Kind(), err)
	}
	switch v := e.(type) {
	case *Platform:
		if v.Prompt != "" {
			if _, err := regexp.Compile(v.Prompt); err != nil {
				return fmt.Errorf("platform %s prompt: %w", v.Name, invalidf("%v", err))
			}
		}
	case *Site:
		if v.MaxSessions < 0 {
			return fmt.Errorf("site %s max-sessions: %w", v.Name, invalidf("must be 0 (no limit) or more"))
		}
		if err := checkJump(v.Jump); err != nil {
			return fmt.Errorf("site %s jump: %w", v.Name, err)
		}
		if err := checkHostKey(v.HostKey); err != nil {
			return fmt.Errorf("site %s hostkey: %w", v.Name, err)
		}
	case *Device:
		return validateDevice(v)
	}
	return nil
}

func validateDevice(d *Device) error {
	if _, err := ParseAddress(d.Address); err != nil {
		return fmt.Errorf("device %s ip: %w", d.Name, err)
	}
	if d.Port < 1 || d.Port > 65535 {
		return fmt.Errorf("device %s port: %w", d.Name, invalidf("%d is not between 1 and 65535", d.Port))
	}
	if _, err := ParseStatus(d.Status); err != nil {
		return fmt.Errorf("device %s status: %w", d.Name, err)
	}
	for _, t := range d.Tags {
		if err := ValidName(t); err != nil {
			return fmt.Errorf("device %s tag %s: %w", d.Name, Quote(t), err)
		}
	}
	for k := range d.Fields {
		if err := ValidName(k); err != nil {
			return fmt.Errorf("device %s field %s: %w", d.Name, Quote(k), err)
		}
	}
	if err := checkJump(d.Jump); err != nil {
		return fmt.Errorf("device %s jump: %w", d.Name, err)
	}
	if d.Jump == d.Name && d.Name != "" {
		return fmt.Errorf("device %s jump: %w", d.Name, invalidf("a device cannot be its own jump host"))
	}
	if err := checkHostKey(d.HostKey); err != nil {
		return fmt.Errorf("device %s hostkey: %w", d.Name, err)
	}
	return nil
}

var nameRE = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9._:/+@-]*$`)

// ValidName checks a record name, tag or field name: a letter or digit,
// then letters, digits and . _ : / + @ -, at most 253 characters.
func ValidName(s string) error {
	switch {
	case s == "":
		return invalidf("empty")
	case len(s) > 253:
		return invalidf("longer than 253 characters")
	case !nameRE.MatchString(s):
		return invalidf("%s must start with a letter or digit and hold only letters, digits and . _ : / + @ -", Quote(s))
	}
	return nil
}

var hostLabelRE = regexp.MustCompile(`^[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?$`)

// ParseAddress accepts an IPv4 or IPv6 address or a DNS name and returns it
// in canonical form.
func ParseAddress(s string) (string, error) {
	if s == "" {
		return "", invalidf("empty address (an IPv4 or IPv6 address or a DNS name)")
	}
	if a, err := netip.ParseAddr(strings.Trim(s, "[]")); err == nil {
		return a.String(), nil
	}
	// Something made only of digits and dots, or holding a colon, was meant
	// as an IP address; do not let it pass as a host name.
	if strings.Contains(s, ":") || strings.Trim(s, "0123456789.") == "" {
		return "", invalidf("%s is not a valid IP address", Quote(s))
	}
	name := strings.TrimSuffix(s, ".")
	if len(name) > 253 {
		return "", invalidf("host name %s is longer than 253 characters", Quote(s))
	}
	for _, label := range strings.Split(name, ".") {
		if !hostLabelRE.MatchString(label) {
			return "", invalidf("%s is neither an IP address nor a valid host name", Quote(s))
		}
	}
	return strings.ToLower(name), nil
}

// ParsePort accepts a TCP port number; empty means 22.
func ParsePort(s string) (int, error) {
	if s == "" {
		return 22, nil
	}
	p, err := strconv.Atoi(s)
	if err != nil || p < 1 || p > 65535 {
		return 0, invalidf("port %s is not a number between 1 and 65535", Quote(s))
	}
	return p, nil
}

// ParseStatus accepts a device status; empty means active.
func ParseStatus(s string) (string, error) {
	if s == "" {
		return Statuses[0], nil
	}
	for _, st := range Statuses {
		if strings.EqualFold(s, st) {
			return st, nil
		}
	}
	return "", invalidf("status %s is not one of %s", Quote(s), strings.Join(Statuses, ", "))
}

// ParseTags splits a tag list on ';' (the CSV form) or ',' and checks each.
func ParseTags(s string) ([]string, error) {
	var tags []string
	seen := map[string]bool{}
	for _, t := range strings.FieldsFunc(s, func(r rune) bool { return r == ';' || r == ',' }) {
		t = strings.TrimSpace(t)
		if t == "" || seen[t] {
			continue
		}
		if err := ValidName(t); err != nil {
			return nil, fmt.Errorf("tag %s: %w", Quote(t), err)
		}
		seen[t] = true
		tags = append(tags, t)
	}
	return tags, nil
}

// ParseBool accepts the usual spellings of yes and no.
func ParseBool(s string) (bool, error) {
	switch strings.ToLower(s) {
	case "yes", "true", "on", "1", "y":
		return true, nil
	case "no", "false", "off", "0", "n", "":
		return false, nil
	}
	return false, invalidf("%s is not yes or no", Quote(s))
}

func checkHostKey(s string) error {
	for _, p := range HostKeyPolicies {
		if s == p {
			return nil
		}
	}
	return invalidf("%s is not check or ignore", Quote(s))
}

// checkJump accepts a device name or user@host:port.
func checkJump(s string) error {
	if s == "" {
		return nil
	}
	if _, err := ParseJump(s); err != nil {
		return err
	}
	return nil
}

// Jump is a parsed jump-host reference.
type Jump struct {
	// Device names an inventory device, when the reference is one.
	Device string
	User   string
	Host   string
	Port   int
}

// ParseJump reads a jump host: a device name, or [user@]host[:port].
func ParseJump(s string) (Jump, error) {
	if !strings.ContainsAny(s, "@:") && ValidName(s) == nil {
		return Jump{Device: s}, nil
	}
	var j Jump
	rest := s
	if i := strings.LastIndex(rest, "@"); i >= 0 {
		j.User, rest = rest[:i], rest[i+1:]
		if j.User == "" {
			return Jump{}, invalidf("jump %s has an empty user", Quote(s))
		}
	}
	host, port := rest, "22"
	if h, p, ok := splitHostPort(rest); ok {
		host, port = h, p
	}
	addr, err := ParseAddress(host)
	if err != nil {
		return Jump{}, fmt.Errorf("jump %s: %w", Quote(s), err)
	}
	j.Host = addr
	if j.Port, err = ParsePort(port); err != nil {
		return Jump{}, fmt.Errorf("jump %s: %w", Quote(s), err)
	}
	return j, nil
}

// splitHostPort splits host:port, [v6]:port; a bare IPv6 address has no port.
func splitHostPort(s string) (host, port string, ok bool) {
	if strings.HasPrefix(s, "[") {
		i := strings.Index(s, "]")
		if i < 0 {
			return "", "", false
		}
		if rest := s[i+1:]; strings.HasPrefix(rest, ":") {
			return s[1:i], rest[1:], true
		}
		return s[1:i], "22", true
	}
	if strings.Count(s, ":") != 1 {
		return "", "", false
	}
	i := strings.Index(s, ":")
	return s[:i], s[i+1:], true
}
