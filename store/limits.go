package store

import (
	"strconv"
	"unicode"
	"unicode/utf8"
)

// The limits on what the inventory stores, in one place. They are far
// above what a real inventory needs, and keep a wrong paste or a runaway
// script from putting megabytes into a field that every device list
// decodes and every table shows. Lengths are in bytes.
const (
	// MaxNameLen bounds the name of a record (device, site, role,
	// platform, vendor, credential), a tag, a custom field's name and a
	// credential's user: the length of a DNS name, since device names are
	// often host names.
	MaxNameLen = 253
	// MaxTextLen bounds a value of free text: a description, a paging
	// command, a prompt, a custom field's value, a key file's path.
	MaxTextLen = 4096
	// MaxTags bounds the tags of one device.
	MaxTags = 100
	// MaxFields bounds the custom fields of one device.
	MaxFields = 100
)

// No stored string holds a control character, tabs and newlines included,
// or bytes that are not UTF-8: every one of them ends up in a table cell,
// a CSV cell or a terminal line, where a newline breaks the one record a
// line, a tab the columns, and an escape sequence acts on the terminal.
// Names are held tighter still by ValidName.

// checkText checks a value of free text against limit and the rule above.
// The error says where the fault is, as a character position.
func checkText(s string, limit int) error {
	if len(s) > limit {
		return invalidf("%d bytes, more than the %d allowed", len(s), limit)
	}
	n := 0
	for i, r := range s {
		n++
		if describeRune(s, i, r) == "not UTF-8" {
			return invalidf("character %d (byte %d) is not UTF-8; save the file as UTF-8", n, i+1)
		}
		if unicode.IsControl(r) {
			return invalidf("character %d is the control character %s; tabs, newlines and other control characters are not allowed", n, strconv.QuoteRune(r))
		}
	}
	return nil
}

// describeRune names a character for a message: '\x1b', 'é', or that the
// byte at i of s is not UTF-8.
func describeRune(s string, i int, r rune) string {
	if r == utf8.RuneError {
		if _, size := utf8.DecodeRuneInString(s[i:]); size == 1 {
			return "not UTF-8"
		}
	}
	return strconv.QuoteRune(r)
}
