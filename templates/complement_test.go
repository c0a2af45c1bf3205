package templates

import (
	"regexp"
	"testing"
	"unicode"
)

func TestComplementRangesExact(t *testing.T) {
	for name, in := range map[string]func(rune) bool{"space": isPySpace, "word": isPyWord} {
		re := regexp.MustCompile("^[" + complementRanges(in) + "]$")
		for r := rune(0); r <= unicode.MaxRune; r += 1 {
			if r >= 0xd800 && r <= 0xdfff {
				continue
			}
			if re.MatchString(string(r)) == in(r) {
				t.Fatalf("%s: rune %U wrong", name, r)
			}
		}
	}
}
