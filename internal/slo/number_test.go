package slo

import (
	"math/big"
	"strings"
	"testing"
)

func TestFormat(t *testing.T) {
	for _, tc := range []struct {
		in   *big.Rat
		want string
	}{
		{big.NewRat(999, 1000), "0.999"},
		{big.NewRat(1, 1000), "0.001"},
		{big.NewRat(144, 10), "14.4"},
		{big.NewRat(6, 1), "6"},
		{big.NewRat(1344, 100), "13.44"},
		{big.NewRat(14, 15), "14 / 15"},
		{big.NewRat(7, 30), "7 / 30"},
		{big.NewRat(1, 3), "1 / 3"},
		{big.NewRat(0, 1), "0"},
		{big.NewRat(-5, 2), "-2.5"},
		{big.NewRat(1, 1024), "0.0009765625"},
		{big.NewRat(9999, 10000), "0.9999"},
	} {
		if got := Format(tc.in); got != tc.want {
			t.Errorf("Format(%s) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

func TestParseDecimalKeepsTheWrittenValue(t *testing.T) {
	for in, want := range map[string]string{"99.9": "0.999", "99.90": "0.999", "9.99e1": "0.999", "99.999": "0.99999", "99": "0.99"} {
		r, err := ParseDecimal(in)
		if err != nil {
			t.Fatal(err)
		}
		if got := Format(r.Quo(r, big.NewRat(100, 1))); got != want {
			t.Errorf("%s%% = %s, want %s", in, got, want)
		}
	}
	if _, err := ParseDecimal("ninety"); err == nil {
		t.Error("ParseDecimal(ninety) succeeded")
	}
}

// FuzzFormat: whatever the rational, Format's text reads back as exactly
// the same number, and is a decimal exactly when one exists.
func FuzzFormat(f *testing.F) {
	f.Add(int64(999), int64(1000))
	f.Add(int64(14), int64(15))
	f.Add(int64(-7), int64(30))
	f.Fuzz(func(t *testing.T, num, den int64) {
		if den == 0 {
			return
		}
		r := big.NewRat(num, den)
		s := Format(r)
		back, ok := new(big.Rat).SetString(strings.ReplaceAll(s, " ", ""))
		if !ok || back.Cmp(r) != 0 {
			t.Fatalf("Format(%s) = %q reads back as %v", r, s, back)
		}
		if _, terminates := decimalDigits(r.Denom()); terminates == strings.Contains(s, "/") {
			t.Fatalf("Format(%s) = %q: terminating %v", r, s, terminates)
		}
	})
}
