package encode

import (
	"math/rand/v2"
	"sort"
	"strconv"
	"strings"
	"testing"
)

func TestKeysTotallyOrdered(t *testing.T) {
	set := func(keys ...string) map[string]any {
		m := map[string]any{}
		for _, k := range keys {
			m[k] = 1
		}
		return m
	}
	many := map[string]any{}
	for i := range 41 {
		many["k"+strconv.Itoa(i)] = 1
	}
	for _, c := range []struct {
		name string
		v    any
		want bool
	}{
		{"letters and digits", set("k10", "k9", "K", "_", "a0", "a00", "a01", "a1"), true},
		{"cycle", set("8", "700", "7a"), false},
		{"cycle in a list", []any{"x", set("a"), []any{set("8", "700", "7a")}}, false},
		{"cycle under a key", map[string]any{"a": set("8", "700", "7a")}, false},
		{"no maps", []any{"8", "700", "7a"}, true},
		{"too many keys to check", many, false},
	} {
		if got := KeysTotallyOrdered(c.v); got != c.want {
			t.Errorf("%s: KeysTotallyOrdered = %v, want %v", c.name, got, c.want)
		}
	}
}

// TestTotallyOrderedAsBruteForce: SigsYAML's pairwise check of the sorted
// keys answers as KeysTotallyOrdered's check of every pair and triple.
func TestTotallyOrderedAsBruteForce(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	const alphabet = "0017a_Kz"
	cycles := 0
	for range 5000 {
		m := map[string]any{}
		for range 1 + r.IntN(6) {
			var b strings.Builder
			for range 1 + r.IntN(4) {
				b.WriteByte(alphabet[r.IntN(len(alphabet))])
			}
			m[b.String()] = 1
		}
		keys := make([]string, 0, len(m))
		for k := range m {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		sort.SliceStable(keys, func(i, j int) bool { return KeyLess(keys[i], keys[j]) })
		brute := KeysTotallyOrdered(m)
		if got := totallyOrdered(keys); got != brute {
			t.Fatalf("%q: pairwise %v, brute force %v", keys, got, brute)
		}
		if !brute {
			cycles++
		}
	}
	if cycles == 0 {
		t.Fatal("no key set without a total order was drawn: the test compares nothing")
	}
}
