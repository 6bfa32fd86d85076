package credgate

import (
	"bytes"
	"strings"
	"testing"

	"go.yaml.in/yaml/v3"
)

// BenchmarkOutTree runs the gate over every file of out/, new and old (the
// oracle) in the same run: File per file, Shape per line, Field per string
// value at its path, Holds per JSON file. Compare ns/op of old/... with
// new/....
func BenchmarkOutTree(b *testing.B) {
	files := outFiles(b)
	size := 0
	var lines []string
	type value struct {
		path []string
		s    string
	}
	var values []value
	var jsons [][]byte
	for _, f := range files {
		size += len(f.data)
		lines = append(lines, strings.Split(string(f.data), "\n")...)
		if strings.HasSuffix(f.name, ".json") {
			jsons = append(jsons, f.data)
		}
		dec := yaml.NewDecoder(bytes.NewReader(f.data))
		for {
			var doc yaml.Node
			if dec.Decode(&doc) != nil {
				break
			}
			eachScalar(&doc, nil, func(p []string, s string) { values = append(values, value{p, s}) })
		}
	}
	for _, impl := range []struct {
		name  string
		file  func(string, []byte) []Finding
		shape func(string) string
		field func([]string, string) string
		holds func([]byte) (bool, error)
	}{
		{"new", File, Shape, Field, Holds},
		{"old", oldFile, oldShape, oldField, oldHolds},
	} {
		b.Run(impl.name+"/File", func(b *testing.B) {
			b.SetBytes(int64(size))
			b.ReportAllocs()
			for b.Loop() {
				for _, f := range files {
					impl.file(f.name, f.data)
				}
			}
		})
		b.Run(impl.name+"/Shape", func(b *testing.B) {
			b.SetBytes(int64(size))
			b.ReportAllocs()
			for b.Loop() {
				for _, l := range lines {
					impl.shape(l)
				}
			}
		})
		b.Run(impl.name+"/Field", func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				for _, v := range values {
					impl.field(v.path, v.s)
				}
			}
		})
		b.Run(impl.name+"/Holds", func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				for _, j := range jsons {
					if _, err := impl.holds(j); err != nil {
						b.Fatal(err)
					}
				}
			}
		})
	}
}
