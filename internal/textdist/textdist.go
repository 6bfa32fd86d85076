// Package textdist finds the name a user probably meant: "did you mean"
// hints for misspelt rules, labels and teams.
package textdist

// Distance is the Levenshtein distance between a and b, in bytes.
func Distance(a, b string) int {
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
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}

// Closest returns the candidate other than s itself nearest to s, if it is
// within maxDistance edits; the first one wins a tie, so pass candidates
// sorted for a stable answer.
func Closest(s string, candidates []string, maxDistance int) string {
	best, bestD := "", maxDistance+1
	for _, c := range candidates {
		if c == s || c == "" {
			continue
		}
		if d := Distance(s, c); d < bestD {
			best, bestD = c, d
		}
	}
	return best
}
