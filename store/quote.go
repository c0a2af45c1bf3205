package store

import (
	"fmt"
	"strconv"
)

// quoteMax is how many characters of a value a message shows.
const quoteMax = 40

// Quote quotes s for a message that echoes what a user gave, as %q does,
// but of a longer value shows only the first 40 characters, then … and the
// full length: a mistake in a 10 MB value should not make a 10 MB message.
// Control characters come out escaped, so they cannot act on a terminal.
func Quote(s string) string {
	if len(s) <= quoteMax {
		return strconv.Quote(s)
	}
	n := 0
	for i := range s {
		if n == quoteMax {
			return fmt.Sprintf("%s… (%d bytes)", strconv.Quote(s[:i]), len(s))
		}
		n++
	}
	return strconv.Quote(s)
}
