package capture

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"strings"
)

// MaxTypeLen bounds a capture type, which is also a folder name under
// collections/.
const MaxTypeLen = 64

// TypeOf is the capture type of a command when the caller gives none: the
// command made a safe word, so it can name a folder. Blanks and the
// punctuation of a command line (a device pipe, a path, a prefix) become
// one "_" each, quotes are dropped, and what remains holds only letters,
// digits and . _ - and starts and ends with a letter or digit:
//
//	show running-config       -> show_running-config
//	show run | include ntp    -> show_run_include_ntp
//	show ip route 10.0.0.0/8  -> show_ip_route_10.0.0.0_8
//
// A word longer than MaxTypeLen is cut and given a short hash of the whole
// command, so two long commands that differ only at the end stay apart. A
// command with nothing usable in it gets a name made of its hash alone.
// Case is kept: device CLIs mostly ignore it, but Linux commands do not.
func TypeOf(command string) string {
	var b strings.Builder
	b.Grow(len(command))
	sep := false
	for _, r := range command {
		switch {
		case r < 0x80 && isWordByte(byte(r)) && r != '_':
			if sep && b.Len() > 0 {
				b.WriteByte('_')
			}
			sep = false
			b.WriteRune(r)
		case r == '"' || r == '\'' || r == '`':
			// Quotes group words for the device; they carry no meaning in a
			// name, and "ntp server" should read like ntp server.
		default:
			sep = true
		}
	}
	word := strings.Trim(b.String(), "._-")
	if word == "" {
		return "cmd-" + shortHash(command)
	}
	if len(word) > MaxTypeLen {
		word = strings.TrimRight(word[:MaxTypeLen-9], "._-") + "-" + shortHash(command)
	}
	return word
}

// ValidType checks a capture type given by a person (exec --type, a job):
// at most MaxTypeLen letters, digits and . _ -, starting with a letter or
// digit, which rules out "", "." and ".." and anything that would climb out
// of collections/.
func ValidType(s string) error {
	switch {
	case s == "":
		return fmt.Errorf("%w: empty", ErrInvalidType)
	case len(s) > MaxTypeLen:
		return fmt.Errorf("%w: %q is longer than %d characters", ErrInvalidType, s[:MaxTypeLen]+"…", MaxTypeLen)
	case !isAlnum(s[0]):
		return fmt.Errorf("%w: %q must start with a letter or digit", ErrInvalidType, s)
	}
	for i := 0; i < len(s); i++ {
		if !isWordByte(s[i]) {
			return fmt.Errorf("%w: %q may hold only letters, digits and . _ -", ErrInvalidType, s)
		}
	}
	return nil
}

func isAlnum(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9'
}

func isWordByte(c byte) bool { return isAlnum(c) || c == '.' || c == '_' || c == '-' }

func shortHash(s string) string {
	sum := sha256.Sum256([]byte(s))
	return hex.EncodeToString(sum[:4])
}
