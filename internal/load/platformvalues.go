package load

import (
	"errors"
	"fmt"
	"io/fs"
	"path"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/mongen-dev/mongen/internal/diag"
	"github.com/mongen-dev/mongen/internal/inputlimit"
	"github.com/mongen-dev/mongen/internal/model"
)

// maxValuesSize caps a chart values file: real ones are tens of kilobytes.
const maxValuesSize = inputlimit.MaxValuesFile

// readPlatformValues reads the chart values file an environment names
// (platform.values, relative to the environment's directory, so that the
// input cache, which hashes that directory, sees every edit of it).
func readPlatformValues(root string, ref Ref, src fs.FS, env *model.Environment) error {
	p := &env.Platform
	if p.Values == "" {
		return nil
	}
	pos := env.Source("platform", "values")
	if pos == "" {
		pos = env.Source("platform")
	}
	at := diag.Origin(pos)
	rel := path.Clean(p.Values)
	if path.IsAbs(rel) || rel == ".." || strings.HasPrefix(rel, "../") {
		return diag.List{diag.At(at, "platform.values %q must be a file inside %s (a path relative to it), so that every edit of it rebuilds the environment", p.Values, ref.Dir)}
	}
	file := ref.Dir + "/" + rel
	var data []byte
	var err error
	if src != nil {
		data, err = fs.ReadFile(src, file)
	} else {
		data, err = inputlimit.Values().ReadFile(filepath.Join(root, filepath.FromSlash(file)), file)
	}
	if inputlimit.Refused(err) {
		return diag.List{{Pos: at, Msg: fmt.Sprintf("platform.values: %v", err), Cause: err}}
	}
	if err != nil {
		return diag.List{diag.At(at, "platform.values: cannot read %s: %v", file, trimPathErr(err))}
	}
	if len(data) > maxValuesSize {
		return diag.List{diag.At(at, "platform.values: %s is %d bytes, more than the %d a chart values file needs", file, len(data), maxValuesSize)}
	}
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil {
		return diag.List{yamlDiag(file, err)}
	}
	values := map[string]any{}
	if err := doc.Decode(&values); err != nil {
		// The decoder's message quotes the offending value, which may be a
		// credential: say where, not what.
		line := 1
		if len(doc.Content) > 0 {
			line = doc.Content[0].Line
		}
		return diag.List{diag.At(diag.Pos{File: file, Line: line, Col: 1}, "chart values must be a YAML mapping of keys to values, as helm reads them")}
	}
	p.UserValues = values
	p.ValuesPositions = map[string]string{}
	if len(doc.Content) > 0 {
		valuePositions(file, doc.Content[0], nil, p.ValuesPositions)
	}
	return nil
}

func valuePositions(file string, n *yaml.Node, prefix []string, out map[string]string) {
	if n.Kind != yaml.MappingNode {
		return
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k := n.Content[i]
		key := append(append([]string{}, prefix...), k.Value)
		out[strings.Join(key, ".")] = fmt.Sprintf("%s:%d:%d", file, k.Line, k.Column)
		valuePositions(file, n.Content[i+1], key, out)
	}
}

func trimPathErr(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}

var yamlLine = regexp.MustCompile(`^yaml: line ([0-9]+): `)

// yamlDiag is a YAML syntax error of file at the line it names.
func yamlDiag(file string, err error) diag.Diagnostic {
	msg := err.Error()
	if m := yamlLine.FindStringSubmatch(msg); m != nil {
		line, _ := strconv.Atoi(m[1])
		return diag.Diagnostic{Pos: diag.Pos{File: file, Line: line}, Msg: "yaml: " + msg[len(m[0]):]}
	}
	return diag.Diagnostic{Pos: diag.Pos{File: file}, Msg: msg}
}
