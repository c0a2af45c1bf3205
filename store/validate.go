package store

import (
	"errors"
	"fmt"
	"net/netip"
	"regexp"
	"regexp/syntax"
	"strconv"
	"strings"
)

// Statuses are the device states vc knows, the first being the default.
var Statuses = []string{"active", "planned", "staged", "offline", "failed", "decommissioned"}

// HostKeyPolicies are the accepted host-key settings: "" checks the key.
var HostKeyPolicies = []string{"", "check", "ignore"}

// Validate checks a record before it is written: every field against its
// rule and the limits in limits.go. A bad field is an *AttrError.
func Validate(e Entity) error {
	if err := ValidName(e.Key()); err != nil {
		return fmt.Errorf("%s name: %w", e.Kind(), err)
	}
	switch v := e.(type) {
	case *Vendor:
		return firstBad(e, check{"description", checkText(v.Description, MaxTextLen)})
	case *Role:
		return firstBad(e, check{"description", checkText(v.Description, MaxTextLen)})
	case *Platform:
		return firstBad(e,
			check{"vendor", checkRef(v.Vendor)},
			check{"paging", checkText(v.Paging, MaxTextLen)},
			check{"prompt", checkPrompt(v.Prompt)},
			check{"description", checkText(v.Description, MaxTextLen)},
		)
	case *Site:
		var sessions error
		if v.MaxSessions < 0 {
			sessions = invalidf("must be 0 (no limit) or more")
		}
		return firstBad(e,
			check{"max-sessions", sessions},
			check{"jump", checkJump(v.Jump)},
			check{"hostkey", checkHostKey(v.HostKey)},
			check{"description", checkText(v.Description, MaxTextLen)},
		)
	case *Device:
		return validateDevice(v)
	}
	return nil
}

// check is one field's verdict, for firstBad.
type check struct {
	attr string
	err  error
}

// firstBad returns the first failed check as e's *AttrError.
func firstBad(e Entity, checks ...check) error {
	for _, c := range checks {
		if c.err != nil {
			return &AttrError{Kind: e.Kind(), Name: e.Key(), Attr: c.attr, Err: c.err}
		}
	}
	return nil
}

func validateDevice(d *Device) error {
	_, addr := ParseAddress(d.Address)
	var port, self error
	if d.Port < 1 || d.Port > 65535 {
		port = invalidf("%d is not between 1 and 65535", d.Port)
	}
	if d.Jump == d.Name && d.Name != "" {
		self = invalidf("a device cannot be its own jump host")
	}
	_, status := ParseStatus(d.Status)
	if err := firstBad(d,
		check{"ip", addr},
		check{"port", port},
		check{"platform", checkRef(d.Platform)},
		check{"site", checkRef(d.Site)},
		check{"role", checkRef(d.Role)},
		check{"vendor", checkRef(d.Vendor)},
		check{"status", status},
		check{"tags", checkTags(d.Tags)},
		check{"cred", checkRef(d.Cred)},
		check{"jump", checkJump(d.Jump)},
		check{"jump", self},
		check{"hostkey", checkHostKey(d.HostKey)},
	); err != nil {
		return err
	}
	if len(d.Fields) > MaxFields {
		return firstBad(d, check{"fields", tooManyFields()})
	}
	for _, k := range d.FieldNames() {
		if err := ValidName(k); err != nil {
			return firstBad(d, check{FieldPrefix + k, fmt.Errorf("custom field name: %w", err)})
		}
		if err := checkText(d.Fields[k], MaxTextLen); err != nil {
			return firstBad(d, check{FieldPrefix + k, err})
		}
	}
	return nil
}

func tooManyFields() error {
	return invalidf("a device may have at most %d custom fields", MaxFields)
}

// checkRef checks a field that names another record; empty names none.
func checkRef(name string) error {
	if name == "" {
		return nil
	}
	return ValidName(name)
}

func checkTags(tags []string) error {
	if len(tags) > MaxTags {
		return invalidf("%d tags, more than the %d a device may have", len(tags), MaxTags)
	}
	for _, t := range tags {
		if err := ValidName(t); err != nil {
			return fmt.Errorf("tag %s: %w", Quote(t), err)
		}
	}
	return nil
}

// checkPrompt checks a prompt override: free text that is a regular
// expression.
func checkPrompt(s string) error {
	if err := checkText(s, MaxTextLen); err != nil || s == "" {
		return err
	}
	if _, err := regexp.Compile(s); err != nil {
		var se *syntax.Error
		if errors.As(err, &se) {
			return invalidf("not a regular expression: %s: %s", se.Code, Quote(se.Expr))
		}
		return invalidf("not a regular expression: %v", err)
	}
	return nil
}

// ValidName checks a record name, tag or field name: a letter or digit,
// then letters, digits and . _ : / + @ -, at most MaxNameLen characters.
func ValidName(s string) error {
	switch {
	case s == "":
		return invalidf("empty")
	case len(s) > MaxNameLen:
		return invalidf("longer than %d characters", MaxNameLen)
	}
	n := 0
	for i, r := range s {
		n++
		if !nameRune(r, i == 0) {
			return invalidf("%s must start with a letter or digit and hold only letters, digits and . _ : / + @ - (character %d is %s)", Quote(s), n, describeRune(s, i, r))
		}
	}
	return nil
}

func nameRune(r rune, first bool) bool {
	switch {
	case 'a' <= r && r <= 'z', 'A' <= r && r <= 'Z', '0' <= r && r <= '9':
		return true
	case first:
		return false
	}
	return strings.ContainsRune("._:/+@-", r)
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

// ParseTags splits a tag list on ';' (the CSV form) or ',' and checks each,
// and that there are at most MaxTags.
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
		if len(tags) == MaxTags {
			return nil, invalidf("more than the %d tags a device may have", MaxTags)
		}
		seen[t] = true
		tags = append(tags, t)
	}
	return tags, nil
}

// ParseSize reads a size such as 256MB, 10M, 1GB, 512k or a number of
// bytes; units are powers of 1024, as people mean them for outputs.
func ParseSize(v string) (int64, error) {
	s := strings.ToUpper(strings.TrimSpace(v))
	s = strings.TrimSuffix(strings.TrimSuffix(s, "B"), "I")
	mult := int64(1)
	if n := len(s); n > 0 {
		switch s[n-1] {
		case 'K':
			mult, s = 1<<10, s[:n-1]
		case 'M':
			mult, s = 1<<20, s[:n-1]
		case 'G':
			mult, s = 1<<30, s[:n-1]
		}
	}
	n, err := strconv.ParseInt(strings.TrimSpace(s), 10, 64)
	if err != nil || n <= 0 || n > (1<<62)/mult {
		return 0, fmt.Errorf("%q is not a size such as 10MB or 1GB", v)
	}
	return n * mult, nil
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
