package encode

import "unicode"

// KeyLess is the order yaml.v2 gives string map keys (its keyList.Less for
// two strings), which SigsYAML sorts by to print YAML byte-identical to
// sigs.k8s.io/yaml: at the first
// rune that differs, letters compare as runes and come after anything
// else; otherwise the runs of digits starting there compare as numbers
// (a run after a non-zero digit keeps its leading zeros' weight), then
// the shorter run first, then the runes. A key that is a prefix of the
// other comes first.
func KeyLess(a, b string) bool {
	ar, br := []rune(a), []rune(b)
	for i := 0; i < len(ar) && i < len(br); i++ {
		if ar[i] == br[i] {
			continue
		}
		aLetter, bLetter := unicode.IsLetter(ar[i]), unicode.IsLetter(br[i])
		switch {
		case aLetter && bLetter:
			return ar[i] < br[i]
		case aLetter || bLetter:
			return bLetter
		}
		var an, bn int64
		if ar[i] == '0' || br[i] == '0' {
			if nonZeroDigitBefore(ar, i) {
				an, bn = 1, 1
			}
		}
		ai, an := digitRun(ar, i, an)
		bi, bn := digitRun(br, i, bn)
		if an != bn {
			return an < bn
		}
		if ai != bi {
			return ai < bi
		}
		return ar[i] < br[i]
	}
	return len(ar) < len(br)
}

// nonZeroDigitBefore reports whether the run of digits ending just before
// i holds a digit other than 0.
func nonZeroDigitBefore(r []rune, i int) bool {
	for j := i - 1; j >= 0 && unicode.IsDigit(r[j]); j-- {
		if r[j] != '0' {
			return true
		}
	}
	return false
}

// digitRun reads the digits from i on into n and returns where they end.
func digitRun(r []rune, i int, n int64) (int, int64) {
	for ; i < len(r) && unicode.IsDigit(r[i]); i++ {
		n = n*10 + int64(r[i]-'0')
	}
	return i, n
}

// KeysTotallyOrdered reports whether KeyLess is a strict total order on
// the keys of every map in v, a decoded JSON value: then yaml.v2 sorts
// each map one way only, so sigs.k8s.io/yaml.Marshal's output is unique
// and SigsYAML's must be it. The tests of SigsYAML's callers compare
// with it there. It checks every pair and triple by brute force, apart
// from SigsYAML's own check; a map of more than 40 keys is too slow to
// check and counts as not ordered.
func KeysTotallyOrdered(v any) bool {
	switch x := v.(type) {
	case map[string]any:
		keys := make([]string, 0, len(x))
		for k, c := range x {
			if !KeysTotallyOrdered(c) {
				return false
			}
			keys = append(keys, k)
		}
		if len(keys) > 40 {
			return false
		}
		for _, a := range keys {
			for _, b := range keys {
				if a != b && KeyLess(a, b) == KeyLess(b, a) {
					return false
				}
				for _, c := range keys {
					if KeyLess(a, b) && KeyLess(b, c) && !KeyLess(a, c) {
						return false
					}
				}
			}
		}
	case []any:
		for _, c := range x {
			if !KeysTotallyOrdered(c) {
				return false
			}
		}
	}
	return true
}
