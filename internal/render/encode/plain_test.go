package encode

import (
	"math/rand/v2"
	"strings"
	"testing"
)

// printedAs is how the encoder prints s as a mapping value and as a
// sequence item, read back from its output lines.
func printedAs(t *testing.T, s string) (value, item string) {
	t.Helper()
	data, err := YAMLWithHeader("", struct {
		V string   `yaml:"v"`
		L []string `yaml:"l"`
	}{s, []string{s}})
	if err != nil {
		t.Fatalf("%q: %v", s, err)
	}
	out := string(data)
	v, rest, ok := strings.Cut(out, "\nl:\n  - ")
	if !ok || !strings.HasPrefix(v, "v: ") {
		// Not printed on the lines of its key and dash (a literal
		// block, say): neither reads back as s.
		return "", ""
	}
	return strings.TrimPrefix(v, "v: "), strings.TrimSuffix(rest, "\n")
}

// checkPlain holds PrintsPlain to yaml.v3: where it says plain, the
// encoder prints s as is on both lines.
func checkPlain(t *testing.T, s string) bool {
	t.Helper()
	if !PrintsPlain(s) {
		return false
	}
	if v, item := printedAs(t, s); v != s || item != s {
		t.Errorf("PrintsPlain(%q), but the encoder prints %q and %q", s, v, item)
	}
	return true
}

func TestPrintsPlain(t *testing.T) {
	for _, c := range []struct {
		s    string
		want bool
	}{
		{"manifests/prometheusrule-team-0001.yaml", true},
		{"dashboards/slo-svc001.json", true},
		{"mongen-dashboard-slo-svc001", true},
		{"Mongen-Dashboard", true},
		{"1/2", true},
		{"a//b", true},
		{"x/y.z_w-v", true},
		{"a/" + strings.Repeat("x", 300), true},
		// Not of the class; the encoder prints some plain anyway.
		{"", false}, {"a", false}, {"mongen", false}, {"y", false}, {"yes", false}, {"on", false}, {"null", false}, {"~", false},
		{"true", false}, {"0x1F", false}, {"1e-3", false}, {"2001-12-14", false}, {"1-2", false}, {".inf", false}, {"-a/b", false},
		{"/a", false}, {"./a", false}, {"_a-b", false}, {"a b/c", false}, {"a:b/c", false}, {"a#b/c", false}, {"a/é", false},
		{"a/b\nc", false}, {"a'b/c", false}, {"manifests/", true},
	} {
		if got := checkPlain(t, c.s); got != c.want {
			t.Errorf("PrintsPlain(%q) = %v, want %v", c.s, got, c.want)
		}
	}
}

// Random strings over the class's characters and ones next to it: every
// one PrintsPlain accepts is printed as is, and it accepts many.
func TestPrintsPlainRandom(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	// Half over the class's characters only, half with others too.
	alphabets := []string{"aZyYnN0129eE.-_/", "aZy0129eE.-_/+:# '\"\n"}
	accepted := 0
	for i := range 20000 {
		alphabet := alphabets[i%2]
		var b strings.Builder
		for range 1 + r.IntN(12) {
			b.WriteByte(alphabet[r.IntN(len(alphabet))])
		}
		if checkPlain(t, b.String()) {
			accepted++
		}
	}
	if accepted < 3000 {
		t.Fatalf("only %d of 20000 accepted: the test checks too little", accepted)
	}
}

func FuzzPrintsPlain(f *testing.F) {
	for _, s := range []string{"manifests/a.yaml", "mongen-a", "1/2", "2001-12-14/x", "0x1F/", "y-", "n/", "1e3/", "a/b: c"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) { checkPlain(t, s) })
}
