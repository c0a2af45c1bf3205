package jobs

import (
	"fmt"
	"path"
	"strings"

	"vc/store"
)

// MaxSlug bounds a job's slug.
const MaxSlug = 64

func quote(s string) string { return store.Quote(s) }

// ValidSlug checks a job's name: lowercase words of letters and digits
// joined by one - or _ each (arista-arp, core_configs), at most MaxSlug
// characters. A name it refuses comes as a *SlugError that says why and,
// when it can, what to write instead.
func ValidSlug(s string) error {
	bad := func(reason string) error { return &SlugError{Slug: s, Reason: reason, Suggest: Slugify(s)} }
	switch {
	case s == "":
		return &SlugError{Slug: s, Reason: "empty; name a job with lowercase words joined by - or _, such as arista-arp"}
	case len(s) > MaxSlug:
		return bad(fmt.Sprintf("longer than %d characters", MaxSlug))
	case strings.ToLower(s) != s:
		return bad("job names are lowercase")
	case isSep(s[0]) || isSep(s[len(s)-1]):
		return bad("must start and end with a letter or digit")
	}
	n := 0
	for i, r := range s {
		n++
		switch {
		case r >= 'a' && r <= 'z', r >= '0' && r <= '9':
		case r == '-' || r == '_':
			if isSep(s[i+1]) {
				return bad("join words with one - or _, not two")
			}
		default:
			return bad(fmt.Sprintf("character %d is %s; job names hold only lowercase letters, digits, - and _", n, quote(string(r))))
		}
	}
	return nil
}

func isSep(c byte) bool { return c == '-' || c == '_' }

// Slugify makes a slug of any text: lowercase, every run of other
// characters one - (or the _ that began it), cut to MaxSlug. "Arista ARP
// (daily)" is arista-arp-daily; text with no letter or digit gives "".
func Slugify(s string) string {
	var b []byte
	for _, r := range strings.ToLower(s) {
		switch {
		case r >= 'a' && r <= 'z', r >= '0' && r <= '9':
			b = append(b, byte(r))
		case len(b) > 0 && !isSep(b[len(b)-1]):
			if r == '_' {
				b = append(b, '_')
			} else {
				b = append(b, '-')
			}
		}
	}
	if len(b) > MaxSlug {
		b = b[:MaxSlug]
	}
	return strings.Trim(string(b), "-_")
}

// IsPattern reports whether an argument is a glob pattern (arista-*)
// rather than a slug.
func IsPattern(s string) bool { return strings.ContainsAny(s, "*?[") }

// matchPattern reports whether a slug matches a glob pattern, or the
// pattern's fault.
func matchPattern(pattern, slug string) (bool, error) {
	ok, err := path.Match(pattern, slug)
	if err != nil {
		return false, fmt.Errorf("pattern %s: %w", quote(pattern), err)
	}
	return ok, nil
}
