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

// TestPrefiltersLoseNothing: the cheap tests before each expression never
// change Shape's answer, on every line of the corpus, the clean values,
// the shipped output and random strings built from the shapes' own parts.
func TestPrefiltersLoseNothing(t *testing.T) {
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
	_ = filepath.WalkDir("../../out", func(p string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			if data, err := os.ReadFile(p); err == nil {
				add(data)
			}
		}
		return nil
	})
	parts := []string{"https://", "http://", "alice", ":", "@", "10.0.0.1", ":9100", "?", "&", "token=", "access_token=", "Key=", "sig=",
		"1234567890", "123456", ":AAEhBOweik6ad9r_QXMENQjcrGbqCr4K-ab", "Bearer ", "bot", "ghp_", "glpat-", "SK", "sk",
		"0123456789abcdef0123456789abcdef", "AKIA", "ABCDEFGHIJKLMNOP", "password=", "pwd=", "AccountKey=", "xoxb-", "eyJ", ".", "-", "_", " ", "\"", "/"}
	rng := rand.New(rand.NewPCG(1, 2))
	for range 200000 {
		var b strings.Builder
		for range 2 + rng.IntN(8) {
			b.WriteString(parts[rng.IntN(len(parts))])
		}
		lines = append(lines, b.String())
	}
	hits := 0
	for _, l := range lines {
		got, want := Shape(l), shapeByExpression(l)
		if got != want {
			t.Fatalf("Shape = %q, the expressions alone say %q, for a line of %d bytes", got, want, len(l))
		}
		if want != "" {
			hits++
		}
	}
	if hits < 1000 {
		t.Errorf("only %d of %d lines hold a shape: the sample does not exercise the prefilters", hits, len(lines))
	}
	t.Logf("%d lines, %d with a shape", len(lines), hits)
}
