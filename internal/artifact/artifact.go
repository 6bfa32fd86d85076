// Package artifact holds the in-memory form of one environment's output:
// every file the render stage produced, before verify and write see it.
package artifact

import (
	"fmt"
	"path"
	"sort"
	"strings"
)

// File is one generated file.
type File struct {
	// Path is slash-separated and relative to the environment's output
	// directory, e.g. "prometheus/rules/node.yaml".
	Path string
	// Data is the exact bytes to write.
	Data []byte
	// Origin names the CUE source the file came from ("environments/prod/main.cue:12:3"),
	// for error messages; empty when the file has no single source.
	Origin string
}

// Tree is the whole output of one environment.
type Tree struct {
	files map[string]File
}

// NewTree returns an empty tree.
func NewTree() *Tree { return &Tree{files: map[string]File{}} }

// Add stores a file; two renderers writing the same path is a bug in mongen,
// so it is reported rather than silently overwritten.
func (t *Tree) Add(f File) error {
	clean := path.Clean(f.Path)
	if clean != f.Path || strings.HasPrefix(clean, "../") || path.IsAbs(clean) || clean == "." {
		return fmt.Errorf("artifact path %q is not a clean relative path", f.Path)
	}
	if _, dup := t.files[f.Path]; dup {
		return fmt.Errorf("artifact %s rendered twice", f.Path)
	}
	t.files[f.Path] = f
	return nil
}

// Get returns the file at p.
func (t *Tree) Get(p string) (File, bool) {
	f, ok := t.files[p]
	return f, ok
}

// Files returns every file sorted by path.
func (t *Tree) Files() []File {
	out := make([]File, 0, len(t.files))
	for _, f := range t.files {
		out = append(out, f)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Path < out[j].Path })
	return out
}

// Paths returns every path, sorted.
func (t *Tree) Paths() []string {
	out := make([]string, 0, len(t.files))
	for p := range t.files {
		out = append(out, p)
	}
	sort.Strings(out)
	return out
}

// Len is the number of files.
func (t *Tree) Len() int { return len(t.files) }
