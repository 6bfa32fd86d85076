package encode

import "unicode"

// KeyLess is the order yaml.v2 gives string map keys (its keyList.Less for
// two strings), which render/operator and verify sort by to print YAML
// byte-identical to sigs.k8s.io/yaml: at the first
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
