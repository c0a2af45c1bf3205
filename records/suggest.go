package records

import (
	"strings"
	"unicode/utf8"
)

// Suggest returns the candidates that name was most likely meant to be,
// best first, at most three: the same name in another case, then names
// that start with it or hold it (mac for mac_address), then names a
// typo or two away (adress for address). It returns nothing when no
// candidate is close enough to be worth saying: a wrong guess in an
// error message sends people the wrong way.
func Suggest(name string, candidates []string) []string {
	const most = 3
	lower := strings.ToLower(name)
	if lower == "" {
		return nil
	}
	type scored struct {
		s    string
		rank int // 0 case, 1 prefix, 2 substring, 3+ edit distance
	}
	var best []scored
	for _, c := range candidates {
		lc := strings.ToLower(c)
		rank := -1
		switch {
		case lc == lower:
			if c == name {
				continue
			}
			rank = 0
		case len(lower) >= 2 && strings.HasPrefix(lc, lower):
			rank = 1
		case len(lower) >= 3 && strings.Contains(lc, lower):
			rank = 2
		default:
			// A third of the name may be wrong, and at least one
			// character: "nme" is name, "ip" is not "id".
			limit := max(1, utf8.RuneCountInString(lower)/3)
			if utf8.RuneCountInString(lower) <= 2 {
				limit = 0
			}
			if d := distance(lower, lc, limit); d <= limit {
				rank = 2 + d
			}
		}
		if rank < 0 {
			continue
		}
		best = append(best, scored{c, rank})
	}
	// A stable insertion sort: candidates of equal rank keep their order
	// (the order of the columns, which is how people read them).
	for i := 1; i < len(best); i++ {
		for j := i; j > 0 && best[j].rank < best[j-1].rank; j-- {
			best[j], best[j-1] = best[j-1], best[j]
		}
	}
	out := make([]string, 0, min(len(best), most))
	for _, b := range best[:min(len(best), most)] {
		out = append(out, b.s)
	}
	return out
}

// distance is the Levenshtein distance between a and b, or limit+1 as
// soon as it is known to be more than limit.
func distance(a, b string, limit int) int {
	ra, rb := []rune(a), []rune(b)
	if d := len(ra) - len(rb); d > limit || -d > limit {
		return limit + 1
	}
	prev := make([]int, len(rb)+1)
	cur := make([]int, len(rb)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(ra); i++ {
		cur[0] = i
		low := cur[0]
		for j := 1; j <= len(rb); j++ {
			cost := 1
			if ra[i-1] == rb[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
			low = min(low, cur[j])
		}
		if low > limit {
			return limit + 1
		}
		prev, cur = cur, prev
	}
	return prev[len(rb)]
}

// orList joins names for a "did you mean" question: a, b or c.
func orList(names []string) string {
	switch len(names) {
	case 0:
		return ""
	case 1:
		return names[0]
	}
	return strings.Join(names[:len(names)-1], ", ") + " or " + names[len(names)-1]
}

// DidYouMean is " (did you mean a or b?)" for the suggestions, or "".
func DidYouMean(suggestions []string) string {
	if len(suggestions) == 0 {
		return ""
	}
	return " (did you mean " + orList(suggestions) + "?)"
}
