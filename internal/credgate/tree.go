package credgate

import (
	"github.com/mongen-dev/mongen/internal/artifact"
)

// Tree scans every file of an output tree, as File does; positions are
// the files' paths. This is the gate before write.
func Tree(t *artifact.Tree) []Finding {
	var out []Finding
	for _, f := range t.Files() {
		out = append(out, File(f.Path, f.Data)...)
	}
	return Sort(out)
}
