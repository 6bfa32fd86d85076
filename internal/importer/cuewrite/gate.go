package cuewrite

import (
	"fmt"
	"path/filepath"
	"strings"

	"cuelang.org/go/cue/parser"
	"cuelang.org/go/cue/token"
	"github.com/mongen-dev/mongen/internal/credgate"
	"github.com/mongen-dev/mongen/internal/diag"
)

// gateFiles passes every file import is about to write through the
// credential gate, the last step before a byte is written: a hit (a
// credential the conversion missed) is an error naming the file, line and
// field, never the value, and nothing is written.
func gateFiles(dir string, files map[string][]byte) error {
	rel := filepath.ToSlash(filepath.Join(filepath.Base(filepath.Dir(dir)), filepath.Base(dir)))
	var fs []credgate.Finding
	for _, n := range sortedKeys(files) {
		name := rel + "/" + n
		if strings.HasSuffix(n, ".cue") {
			f, err := parser.ParseFile(name, files[n])
			if err != nil {
				return fmt.Errorf("%s: import generated CUE that does not parse: %w", name, err)
			}
			fs = append(fs, credgate.Syntax(f, func(p token.Pos) string {
				return fmt.Sprintf("%s:%d:%d", name, p.Line(), p.Column())
			}, nil)...)
		}
		fs = append(fs, credgate.File(name, files[n])...)
	}
	if len(fs) == 0 {
		return nil
	}
	out := make(diag.List, 0, len(fs))
	for _, f := range credgate.Sort(fs) {
		out = append(out, diag.FromString(f.String()+": a credential would be written; remove it from the input or make it a file (the value is not shown); nothing was written"))
	}
	return out
}
