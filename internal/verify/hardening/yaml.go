package hardening

import (
	"bufio"
	"bytes"
	"cmp"
	"fmt"
	"io"
	"maps"
	"slices"
	"strings"
	"unicode/utf8"

	yamlv2 "go.yaml.in/yaml/v2"
	utilyaml "k8s.io/apimachinery/pkg/util/yaml"
	"sigs.k8s.io/yaml"
)

// Accessors of decoded YAML: a missing or mistyped value reads as absent.

func mapAt(m map[string]any, key string) map[string]any {
	v, _ := m[key].(map[string]any)
	return v
}

func str(m map[string]any, key string) string {
	v, _ := m[key].(string)
	return v
}

func boolAt(m map[string]any, key string, def bool) bool {
	if v, ok := m[key].(bool); ok {
		return v
	}
	return def
}

func intAt(m map[string]any, key string, def int) int {
	switch v := m[key].(type) {
	case float64:
		return int(v)
	case int64:
		return int(v)
	case int:
		return v
	}
	return def
}

func strMap(m map[string]any) map[string]string {
	out := map[string]string{}
	for k, v := range m {
		if s, ok := v.(string); ok {
			out[k] = s
		}
	}
	return out
}

func strList(m map[string]any, key string) []string {
	l, _ := m[key].([]any)
	var out []string
	for _, v := range l {
		if s, ok := v.(string); ok {
			out = append(out, s)
		}
	}
	return out
}

func listOfMaps(m map[string]any, key string) []map[string]any {
	l, _ := m[key].([]any)
	var out []map[string]any
	for _, v := range l {
		if x, ok := v.(map[string]any); ok {
			out = append(out, x)
		}
	}
	return out
}

func labelString(l map[string]string) string {
	parts := make([]string, 0, len(l))
	for _, k := range sortedKeys(l) {
		parts = append(parts, fmt.Sprintf("%s=%s", k, l[k]))
	}
	return strings.Join(parts, ",")
}

func sortedKeys[K cmp.Ordered, V any](m map[K]V) []K { return slices.Sorted(maps.Keys(m)) }

// documents decodes each YAML document of a manifest file as kubectl
// reads it (verify's kube.ParseJSON cuts with the same reader):
// k8s.io/apimachinery's YAMLReader cuts the file at each '\n'-ended line
// that starts with "---" (with nothing after it but spaces or a comment:
// any other such line is a syntax error, where reading stops), and
// sigs.k8s.io/yaml.Unmarshal decodes each part (only its first document:
// a "---" after a '\r', NEL, LS or PS is no cut, and what follows it is
// not read). An empty document is left out; one that does not decode to
// a mapping is skipped and the rest read. The first error is returned,
// with the documents that decode.
func documents(data []byte) ([]map[string]any, error) {
	var out []map[string]any
	var first error
	r := utilyaml.NewYAMLReader(bufio.NewReader(bytes.NewReader(data)))
	for {
		doc, err := r.Read()
		if err == io.EOF {
			return out, first
		}
		if err != nil { // a bad separator (a bytes reader does not fail)
			return out, cmp.Or(first, err)
		}
		var body map[string]any
		if err := yaml.Unmarshal(doc, &body); err != nil {
			first = cmp.Or(first, err)
			continue
		}
		if body != nil {
			out = append(out, body)
		}
	}
}

// Line breaks of YAML 1.1, which yaml.v2 reads (beside '\n' and '\r',
// NEL, LS and PS) and inert refuses.
var unicodeBreaks = []string{"\u0085", "\u2028", "\u2029"}

// inert returns the kind and metadata.name of a PrometheusRule or
// ConfigMap manifest as documents reads them, having decoded only its
// head: the lines before the first top-level key after kind and metadata.
// ok is false when its lines do not show that (the caller decodes it
// whole), or it is another kind.
//
// The rest cannot change what the head says when each of its lines that
// starts in column 0 is a plain key other than kind and metadata, a
// comment or empty, and the file has only '\n' for line breaks (yaml.v2
// breaks lines at '\r', NEL, LS and PS too): no other document starts
// (its marker would be in column 0), no second kind or metadata (the last
// counts) nor a merge key follows, and a head that decodes alone leaves
// no quoted scalar or flow collection open into the rest (a plain or
// block scalar ends at a line in column 0). The head's lines in column 0
// are keys, comments or empty too, so it holds one document. The head is
// decoded with yaml.v2, as sigs.k8s.io/yaml decodes before its JSON step,
// which keeps a string that is valid UTF-8. Only a file that does not
// decode reads otherwise: documents finds no object in it, inert finds
// one, and verify's own parsers report the file.
func inert(data []byte) (kind, name string, ok bool) {
	if bytes.IndexByte(data, '\r') >= 0 {
		return "", "", false
	}
	for _, brk := range unicodeBreaks {
		if bytes.Contains(data, []byte(brk)) {
			return "", "", false
		}
	}
	head := -1
	var sawKind, sawMeta bool
	for pos := 0; pos < len(data); {
		end := len(data)
		if i := bytes.IndexByte(data[pos:], '\n'); i >= 0 {
			end = pos + i + 1
		}
		if c := data[pos]; c != ' ' && c != '#' && c != '\n' {
			key, isKey := plainKey(data[pos:end])
			header := key == "kind" || key == "metadata"
			switch {
			case !isKey:
				return "", "", false
			case head < 0 && (header || !sawKind || !sawMeta):
				sawKind = sawKind || key == "kind"
				sawMeta = sawMeta || key == "metadata"
			case head < 0:
				head = pos
			case header:
				return "", "", false
			}
		}
		pos = end
	}
	if !sawKind || !sawMeta {
		return "", "", false
	}
	if head < 0 {
		head = len(data)
	}
	// Most other kinds are known here, without decoding (refusing is
	// always safe: the caller decodes).
	if !bytes.Contains(data[:head], []byte("PrometheusRule")) && !bytes.Contains(data[:head], []byte("ConfigMap")) {
		return "", "", false
	}
	var m map[any]any
	if yamlv2.Unmarshal(data[:head], &m) != nil {
		return "", "", false
	}
	md, _ := m["metadata"].(map[any]any)
	kind, _ = m["kind"].(string)
	name, _ = md["name"].(string)
	if !utf8.ValidString(name) {
		return "", "", false // a !!binary name, which the JSON step changes
	}
	if kind != "PrometheusRule" && kind != "ConfigMap" || name == "" {
		return "", "", false
	}
	return kind, name, true
}

// plainKey is the key of a line that starts with a plain mapping key
// (letters, digits, '_', '.', '-', '/', then ": " or ":" at the end of
// the line), or false.
func plainKey(line []byte) (string, bool) {
	for i, c := range line {
		switch {
		case c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z', c >= '0' && c <= '9', c == '_':
		case i > 0 && (c == '.' || c == '-' || c == '/'):
		case i > 0 && c == ':':
			if rest := line[i+1:]; len(rest) == 0 || rest[0] == ' ' || rest[0] == '\n' {
				return string(line[:i]), true
			}
			return "", false
		default:
			return "", false
		}
	}
	return "", false
}
