package grafanatypes

import (
	"testing"

	"github.com/mongen-dev/mongen/internal/golden"
)

// BenchmarkDecode decodes every dashboard of the corpus.
func BenchmarkDecode(b *testing.B) {
	ar, err := golden.ParseFile("testdata/corpus.txtar")
	if err != nil {
		b.Fatal(err)
	}
	n := 0
	for _, f := range ar.Files {
		n += len(f.Data)
	}
	b.SetBytes(int64(n))
	for b.Loop() {
		for _, f := range ar.Files {
			Decode(f.Data)
		}
	}
}
