package hardening

import (
	"bytes"
	"cmp"
	"fmt"
	"maps"
	"slices"
	"strings"
	"unicode/utf8"

	yamlv2 "go.yaml.in/yaml/v2"
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

// documents decodes each YAML document of a manifest file as
// sigs.k8s.io/yaml.Unmarshal decodes a file of one (kubectl reads a
// manifest so): the file is cut where a document starts ("---" at the
// start of a line, then a space, tab, line break or the end: YAML reads
// it nowhere else), and each part decoded. A document that is empty or no
// mapping is left out; the first error is returned, with the documents
// that decode.
func documents(data []byte) ([]map[string]any, error) {
	var out []map[string]any
	var first error
	for _, doc := range cutDocuments(data) {
		var body map[string]any
		if err := yaml.Unmarshal(doc, &body); err != nil {
			if first == nil {
				first = err
			}
			continue
		}
		if body != nil {
			out = append(out, body)
		}
	}
	return out, first
}

// Line breaks of YAML 1.1, which yaml.v2 reads: beside '\n' and '\r',
// NEL, LS and PS.
var unicodeBreaks = []string{"\u0085", "\u2028", "\u2029"}

// cutDocuments cuts data before each document start marker.
func cutDocuments(data []byte) [][]byte {
	var out [][]byte
	start := 0
	for at := 0; ; at += 3 {
		i := bytes.Index(data[at:], []byte("---"))
		if i < 0 {
			break
		}
		at += i
		if at > start && lineStart(data, at) && markerEnd(data[at+3:]) {
			out = append(out, data[start:at])
			start = at
		}
	}
	return append(out, data[start:])
}

// lineStart reports whether data[at] starts a line (the file, after a
// byte order mark, or a line break).
func lineStart(data []byte, at int) bool {
	before := data[:at]
	if len(before) == 0 || string(before) == "\ufeff" {
		return true
	}
	if c := before[len(before)-1]; c == '\n' || c == '\r' {
		return true
	}
	for _, b := range unicodeBreaks {
		if bytes.HasSuffix(before, []byte(b)) {
			return true
		}
	}
	return false
}

// markerEnd reports whether what follows "---" makes it a marker.
func markerEnd(rest []byte) bool {
	if len(rest) == 0 || rest[0] == ' ' || rest[0] == '\t' || rest[0] == '\n' || rest[0] == '\r' {
		return true
	}
	for _, b := range unicodeBreaks {
		if bytes.HasPrefix(rest, []byte(b)) {
			return true
		}
	}
	return false
}

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
