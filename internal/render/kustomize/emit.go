package kustomize

import (
	"bytes"
	"strings"

	"github.com/mongen-dev/mongen/internal/render/encode"
)

// encodeKustomization is encode.YAML(k) for a kustomization listing
// thousands of manifests: the encoder prints one resource, and the others
// are written as the lines it prints for them ("  - path"). yaml.v3 spent
// as long on a 1,700-entry list as on all the operator objects it
// rendered. Only paths it prints plain are written so (plainPath); any
// other list is encoded whole, and a test holds both ways to the same
// bytes.
func encodeKustomization(k kustomization) ([]byte, error) {
	if len(k.Resources) < 2 || !allPlain(k.Resources) {
		return encode.YAML(k)
	}
	head := k
	head.Resources = k.Resources[:1]
	data, err := encode.YAML(head)
	if err != nil {
		return nil, err
	}
	first := []byte("\nresources:\n  - " + k.Resources[0] + "\n")
	at := bytes.Index(data, first)
	if at < 0 || bytes.Count(data, first) != 1 {
		return encode.YAML(k)
	}
	at += len(first)
	var b bytes.Buffer
	b.Grow(len(data) + len(k.Resources)*48)
	b.Write(data[:at])
	for _, r := range k.Resources[1:] {
		b.WriteString("  - ")
		b.WriteString(r)
		b.WriteByte('\n')
	}
	b.Write(data[at:])
	return b.Bytes(), nil
}

func allPlain(paths []string) bool {
	for _, p := range paths {
		if !plainPath(p) {
			return false
		}
	}
	return true
}

// plainPath reports whether yaml.v3 prints p as a plain scalar: a path
// of letters, digits, '.', '_', '-' and '/' that starts with a letter or
// digit and holds a '/' (so it reads as no number, boolean, null or
// timestamp), on one line of any length (a plain scalar without spaces
// is never folded).
func plainPath(p string) bool {
	if p == "" || !strings.Contains(p, "/") {
		return false
	}
	for i := 0; i < len(p); i++ {
		c := p[i]
		switch {
		case c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z', c >= '0' && c <= '9':
		case i > 0 && (c == '.' || c == '_' || c == '-' || c == '/'):
		default:
			return false
		}
	}
	return true
}
