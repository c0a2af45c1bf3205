package templates

import "unicode/utf8"

// nextLine returns the line starting at pos and where the next one starts,
// splitting exactly where Python's str.splitlines does (\n, \r, \r\n, \v,
// \f, \x1c-\x1e, U+0085, U+2028, U+2029), since device output does contain
// form feeds and bare carriage returns and a line split differently is a
// record parsed differently. The caller stops when pos == len(text).
func nextLine(text string, pos int) (line string, next int) {
	for i := pos; i < len(text); i++ {
		b := text[i]
		if b >= 0x20 && b < 0xc2 {
			continue // the usual byte: printable ASCII or a continuation byte
		}
		switch b {
		case '\n', '\v', '\f', 0x1c, 0x1d, 0x1e:
			return text[pos:i], i + 1
		case '\r':
			if i+1 < len(text) && text[i+1] == '\n' {
				return text[pos:i], i + 2
			}
			return text[pos:i], i + 1
		case 0xc2:
			if i+1 < len(text) && text[i+1] == 0x85 {
				return text[pos:i], i + 2
			}
		case 0xe2:
			if i+2 < len(text) && text[i+1] == 0x80 && (text[i+2] == 0xa8 || text[i+2] == 0xa9) {
				return text[pos:i], i + 3
			}
		}
	}
	return text[pos:], len(text)
}

// isBlank reports a line with nothing but Python whitespace.
func isBlank(line string) bool {
	for i := 0; i < len(line); i++ {
		if c := line[i]; c < utf8.RuneSelf {
			if !isPySpaceByte(c) {
				return false
			}
			continue
		}
		return isBlankSlow(line[i:])
	}
	return true
}

func isBlankSlow(line string) bool {
	for _, r := range line {
		if !isPySpace(r) {
			return false
		}
	}
	return true
}
