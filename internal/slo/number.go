package slo

import (
	"fmt"
	"math/big"
	"strings"
)

// ParseDecimal reads a number written in decimal (99.9, 99.95, 9.99e1)
// exactly: no float ever holds an objective.
func ParseDecimal(s string) (*big.Rat, error) {
	r, ok := new(big.Rat).SetString(strings.TrimSpace(s))
	if !ok {
		return nil, fmt.Errorf("%q is not a decimal number", s)
	}
	return r, nil
}

// Format prints r exactly and as short as possible: the shortest decimal
// when one exists (0.999, 14.4, 6, never 0.9990000000000001), otherwise
// the reduced fraction "14 / 15". PromQL evaluates "14 / 15 * 0.001" left
// to right, so a fraction can stand as the left factor of a product.
func Format(r *big.Rat) string {
	if digits, ok := decimalDigits(r.Denom()); ok {
		s := r.FloatString(digits)
		if strings.Contains(s, ".") {
			s = strings.TrimRight(strings.TrimRight(s, "0"), ".")
		}
		if s == "-0" {
			s = "0"
		}
		return s
	}
	return r.Num().String() + " / " + r.Denom().String()
}

// decimalDigits returns how many digits after the point a fraction with
// denominator d needs, and whether it terminates at all: d = 2^a·5^b needs
// max(a, b) digits; any other prime factor never terminates.
func decimalDigits(d *big.Int) (int, bool) {
	n := new(big.Int).Set(d)
	two, five := big.NewInt(2), big.NewInt(5)
	var a, b int
	mod := new(big.Int)
	for {
		if q, m := new(big.Int).QuoRem(n, two, mod); m.Sign() == 0 {
			n, a = q, a+1
			continue
		}
		break
	}
	for {
		if q, m := new(big.Int).QuoRem(n, five, mod); m.Sign() == 0 {
			n, b = q, b+1
			continue
		}
		break
	}
	return max(a, b), n.Cmp(big.NewInt(1)) == 0
}
