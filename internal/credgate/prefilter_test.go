package credgate

import (
	"bufio"
	"bytes"
	"io/fs"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// shapeByExpression is Shape without the prefilters: every expression on
// every string.
func shapeByExpression(s string) string {
	if len(s) < 8 {
		return ""
	}
	for _, sh := range shapes {
		if sh.match(s) {
			return sh.what
		}
	}
	return ""
}

// sampleLines is every line of the corpus, the clean values and the
// shipped output, and 200,000 random strings built from the shapes' own
// parts.
func sampleLines(t testing.TB) []string {
	t.Helper()
	var lines []string
	add := func(data []byte) {
		sc := bufio.NewScanner(bytes.NewReader(data))
		sc.Buffer(make([]byte, 1<<20), 1<<24)
		for sc.Scan() {
			lines = append(lines, sc.Text())
		}
	}
	for _, name := range []string{"testdata/corpus.txtar", "testdata/clean.txtar"} {
		data, err := os.ReadFile(name)
		if err != nil {
			t.Fatal(err)
		}
		add(data)
	}
	for _, f := range outFiles(t) {
		add(f.data)
	}
	parts := []string{"https://", "http://", "alice", ":", "@", "10.0.0.1", ":9100", "?", "&", "token=", "access_token=", "Key=", "sig=",
		"1234567890", "123456", ":AAEhBOweik6ad9r_QXMENQjcrGbqCr4K-ab", "Bearer ", "bot", "ghp_", "glpat-", "SK", "sk",
		"0123456789abcdef0123456789abcdef", "AKIA", "ABCDEFGHIJKLMNOP", "password=", "pwd=", "AccountKey=", "xoxb-", "eyJ", ".", "-", "_", " ", "\"", "/",
		// Runes strings.ToLower folds to ASCII, and invalid UTF-8.
		"\u212a", "\u0130", "\xff", "\xe2\x84", "TO\u212aEN=", "P\u0130", "\u00e9"}
	rng := rand.New(rand.NewPCG(1, 2))
	for range 200000 {
		var b strings.Builder
		for range 2 + rng.IntN(8) {
			b.WriteString(parts[rng.IntN(len(parts))])
		}
		lines = append(lines, b.String())
	}
	return lines
}

// outFile is one file of the shipped output, its name slash-separated.
type outFile struct {
	name string
	data []byte
}

// outFiles is every file of out/, the committed output of the shipped
// environments.
func outFiles(t testing.TB) []outFile {
	t.Helper()
	var out []outFile
	err := filepath.WalkDir(filepath.Join("..", "..", "out"), func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		out = append(out, outFile{name: filepath.ToSlash(p), data: data})
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(out) < 50 {
		t.Fatalf("found %d files in out/, want the shipped output", len(out))
	}
	return out
}

// TestPrefiltersLoseNothing: the cheap tests before each expression never
// change Shape's answer, on every sample line; and the one-pass candidate
// set is exactly the old per-substring strings.Contains over
// strings.ToLower, on strings and on lines as bytes.
func TestPrefiltersLoseNothing(t *testing.T) {
	lines := sampleLines(t)
	hits, nonASCII := 0, 0
	for _, l := range lines {
		got, want := Shape(l), shapeByExpression(l)
		if got != want {
			t.Fatalf("Shape = %q, the expressions alone say %q, for a line of %d bytes", got, want, len(l))
		}
		if old := oldShape(l); got != old {
			t.Fatalf("Shape = %q, the old prefilter's Shape says %q, for %q", got, old, l)
		}
		if got, want := prefilter(l).bits, oldCandidates(l); got != want {
			t.Fatalf("candidate set %b, the old prefilter's %b, for %q", got, want, l)
		}
		if got := lineShape([]byte(l)); got != want {
			t.Fatalf("lineShape = %q, Shape %q, for %q", got, want, l)
		}
		if want != "" {
			hits++
		}
		if !isASCII(l) {
			nonASCII++
		}
	}
	if hits < 1000 || nonASCII < 1000 {
		t.Errorf("only %d of %d lines hold a shape, %d are not ASCII: the sample does not exercise the prefilters", hits, len(lines), nonASCII)
	}
	t.Logf("%d lines, %d with a shape, %d not ASCII", len(lines), hits, nonASCII)
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 {
			return false
		}
	}
	return true
}
