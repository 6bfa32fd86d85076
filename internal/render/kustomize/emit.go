package kustomize

import (
	"bytes"
	"encoding/json"
	"strings"

	"github.com/mongen-dev/mongen/internal/render/encode"
)

// encodeKustomization is encode.YAML(k) for a kustomization listing
// thousands of manifests and dashboards' ConfigMap generators: yaml.v3
// spent as long on those lists as on all the operator objects it
// rendered. The encoder prints the kustomization with one resource and
// one generator; the other resources are written as the lines it prints
// for them ("  - path"), and each other generator from the block the
// encoder printed for one of the same shape (namespace, options), with
// its name and file put in. Only names and paths it prints plain are
// written so (encode.PrintsPlain); anything else is encoded whole, and
// tests hold both ways to the same bytes.
func encodeKustomization(k kustomization) ([]byte, error) {
	data, ok := spliced(k)
	if !ok {
		return encode.YAML(k)
	}
	return data, nil
}

// spliced is encodeKustomization's way round the encoder; ok is false
// where it does not apply or the encoder fails (encoding whole then
// reports the failure).
func spliced(k kustomization) (data []byte, ok bool) {
	if !allPlain(k.Resources) || !generatorsPlain(k.ConfigMapGenerator) || len(k.Resources)+len(k.ConfigMapGenerator) < 3 {
		return nil, false
	}
	head := k
	if len(k.Resources) > 0 {
		head.Resources = k.Resources[:1]
	}
	if len(k.ConfigMapGenerator) > 0 {
		head.ConfigMapGenerator = k.ConfigMapGenerator[:1]
	}
	data, err := encode.YAML(head)
	if err != nil {
		return nil, false
	}
	if len(k.Resources) > 1 {
		first := []byte("\nresources:\n  - " + k.Resources[0] + "\n")
		var rest bytes.Buffer
		rest.Grow(len(k.Resources) * 48)
		for _, r := range k.Resources[1:] {
			rest.WriteString("  - ")
			rest.WriteString(r)
			rest.WriteByte('\n')
		}
		if data, ok = insertAfter(data, first, rest.Bytes()); !ok {
			return nil, false
		}
	}
	if len(k.ConfigMapGenerator) > 1 {
		blocks := generatorBlocks{}
		firstBlock, err := blocks.block(k.ConfigMapGenerator[0])
		if err != nil {
			return nil, false
		}
		var rest bytes.Buffer
		for _, g := range k.ConfigMapGenerator[1:] {
			b, err := blocks.block(g)
			if err != nil {
				return nil, false
			}
			rest.Write(b)
		}
		first := append([]byte("\nconfigMapGenerator:\n"), firstBlock...)
		if data, ok = insertAfter(data, first, rest.Bytes()); !ok {
			return nil, false
		}
	}
	return data, true
}

// insertAfter inserts text after the one occurrence of marker in data; ok
// is false when marker is not there exactly once.
func insertAfter(data, marker, text []byte) ([]byte, bool) {
	at := bytes.Index(data, marker)
	if at < 0 || bytes.Count(data, marker) != 1 {
		return nil, false
	}
	at += len(marker)
	out := make([]byte, 0, len(data)+len(text))
	out = append(out, data[:at]...)
	out = append(out, text...)
	return append(out, data[at:]...), true
}

// Placeholders a generator's name and file take in the block encoded for
// its shape: printed plain, and in no namespace, label or annotation.
const (
	placeholderName = "mongen-generator-name-placeholder"
	placeholderFile = "mongen/generator-file-placeholder"
)

// generatorBlocks encodes a generator's block ("  - name: ...", indented
// as under configMapGenerator) once per shape.
type generatorBlocks map[string][]byte

func (gb generatorBlocks) block(g generator) ([]byte, error) {
	shape := g
	shape.Name, shape.Files = placeholderName, []string{placeholderFile}
	key, err := json.Marshal(shape)
	if err != nil {
		return nil, err
	}
	tmpl, ok := gb[string(key)]
	if !ok {
		if tmpl, err = encodeBlock(shape); err != nil {
			return nil, err
		}
		gb[string(key)] = tmpl
	}
	name := []byte("  - name: " + placeholderName + "\n")
	file := []byte("\n      - " + placeholderFile + "\n")
	if bytes.Count(tmpl, []byte(placeholderName)) != 1 || bytes.Count(tmpl, []byte(placeholderFile)) != 1 || !bytes.HasPrefix(tmpl, name) || !bytes.Contains(tmpl, file) {
		return encodeBlock(g)
	}
	out := bytes.Replace(tmpl, name, []byte("  - name: "+g.Name+"\n"), 1)
	return bytes.Replace(out, file, []byte("\n      - "+g.Files[0]+"\n"), 1), nil
}

// encodeBlock is the encoder's block for one generator under
// configMapGenerator.
func encodeBlock(g generator) ([]byte, error) {
	data, err := encode.YAMLWithHeader("", struct {
		G []generator `yaml:"configMapGenerator"`
	}{[]generator{g}})
	if err != nil {
		return nil, err
	}
	return bytes.TrimPrefix(data, []byte("configMapGenerator:\n")), nil
}

// generatorsPlain reports whether every generator has a name and one file
// the encoder prints plain, and no placeholder anywhere.
func generatorsPlain(gens []generator) bool {
	for _, g := range gens {
		if !encode.PrintsPlain(g.Name) || len(g.Files) != 1 || !encode.PrintsPlain(g.Files[0]) || g.Name == placeholderName || g.Files[0] == placeholderFile {
			return false
		}
		if strings.Contains(g.Namespace, "placeholder") {
			return false
		}
		if g.Options != nil {
			for _, m := range []map[string]string{g.Options.Labels, g.Options.Annotations} {
				for k, v := range m {
					if strings.Contains(k, "placeholder") || strings.Contains(v, "placeholder") {
						return false
					}
				}
			}
		}
	}
	return true
}

// allPlain reports whether the encoder prints every path plain.
func allPlain(paths []string) bool {
	for _, p := range paths {
		if !encode.PrintsPlain(p) {
			return false
		}
	}
	return true
}
