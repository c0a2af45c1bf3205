package store

import (
	"slices"
	"strings"
)

// Suggest returns the candidates that name was probably meant to be, best
// first, for a "did you mean". A candidate spelled the same but for case
// and separators wins alone (Cisco-IOS, ciscoios: cisco_ios); else come
// those with a word that is name (ios: cisco_ios; cisco: every cisco_*);
// else the few within a typo or two of name or of one of their words
// (cisco_iso: cisco_ios; nxso: cisco_nxos). Words are split on _ - . and
// spaces.
func Suggest(name string, candidates []string) []string {
	n := squash(name)
	if n == "" {
		return nil
	}
	for _, c := range candidates {
		if squash(c) == n {
			return []string{c}
		}
	}
	var byWord []string
	for _, c := range candidates {
		if slices.Contains(words(c), n) {
			byWord = append(byWord, c)
		}
	}
	if len(byWord) > 0 {
		slices.Sort(byWord)
		return byWord
	}
	type near struct {
		c string
		d int
	}
	var nears []near
	limit := 1
	switch {
	case len(n) > 8:
		limit = 3
	case len(n) > 4:
		limit = 2
	}
	for _, c := range candidates {
		d := editDistance(n, squash(c))
		for _, w := range words(c) {
			d = min(d, editDistance(n, w))
		}
		if d <= limit {
			nears = append(nears, near{c, d})
		}
	}
	slices.SortFunc(nears, func(a, b near) int {
		if a.d != b.d {
			return a.d - b.d
		}
		return strings.Compare(a.c, b.c)
	})
	var out []string
	for _, x := range nears[:min(len(nears), 3)] {
		out = append(out, x.c)
	}
	return out
}

func isSep(r rune) bool { return r == '_' || r == '-' || r == '.' || r == ' ' }

// squash is s in lower case without separators.
func squash(s string) string {
	return strings.Map(func(r rune) rune {
		if isSep(r) {
			return -1
		}
		return r
	}, strings.ToLower(s))
}

func words(s string) []string { return strings.FieldsFunc(strings.ToLower(s), isSep) }

// editDistance counts the insertions, deletions, substitutions and swaps
// of neighbours that turn a into b (optimal string alignment), in bytes:
// the names it compares are ASCII.
func editDistance(a, b string) int {
	// Three rows of the table are enough: a swap looks two rows back.
	prev2 := make([]int, len(b)+1)
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
			if i > 1 && j > 1 && a[i-1] == b[j-2] && a[i-2] == b[j-1] {
				cur[j] = min(cur[j], prev2[j-2]+1)
			}
		}
		prev2, prev, cur = prev, cur, prev2
	}
	return prev[len(b)]
}
