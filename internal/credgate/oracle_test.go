package credgate

// The gate as it was before the single-pass prefilter (commit 2329cd5):
// Shape's per-shape strings.Contains over strings.ToLower, the
// allocating norm, and the walkers that call them. It is the oracle the
// equivalence tests and the benchmarks compare against; only the names
// differ (old...), and what did not change (the shapes, KeyShaped, the
// position helpers) is shared.

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"path"
	"strings"

	"go.yaml.in/yaml/v3"
)

// mayHold reports whether lower (a string in lower case) holds one of
// the shape's substrings.
func oldMayHold(sh shape, s, lower string) bool {
	for _, n := range sh.in {
		if strings.Contains(lower, n) {
			return sh.also == nil || sh.also(s, lower)
		}
	}
	return false
}

// oldShape says what s looks like when it holds a credential, or "".
func oldShape(s string) string {
	if len(s) < 8 {
		return ""
	}
	lower := strings.ToLower(s)
	for _, sh := range shapes {
		if oldMayHold(sh, s, lower) && sh.match(s) {
			return sh.what
		}
	}
	return ""
}

// oldNorm folds a field name for comparison: lower case, without _ - . and
// spaces, so authPassword, auth_password and Auth-Password are one name.
func oldNorm(name string) string {
	var b strings.Builder
	for _, r := range name {
		switch {
		case r == '_' || r == '-' || r == '.' || r == ' ':
		case r >= 'A' && r <= 'Z':
			b.WriteRune(r + 'a' - 'A')
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}

// oldKey reports whether a field named name can only hold a credential's
// value: password-like names (password, authPassword, smtp_auth_password),
// token-like names (token, api_token, botToken, bearer_token), and the
// names of keys and secrets (apiKey, routing_key, client_secret). Names of
// files and references (password_file, bearerTokenSecret, configSecret)
// are not.
func oldKey(name string) bool {
	n := oldNorm(name)
	if credentialNames[n] {
		return true
	}
	for _, suffix := range []string{"password", "passwd", "passphrase", "token"} {
		if strings.HasSuffix(n, suffix) {
			return true
		}
	}
	return false
}

// oldTokenParam reports whether a URL or scrape parameter named name carries
// a credential (access_token, private_token, code, key, sig, ...).
func oldTokenParam(name string) bool { return tokenParams[oldNorm(name)] }

// oldHeaderCredential reports whether an HTTP header named name carries a
// credential (Authorization, X-Api-Key, Private-Token, Cookie, ...).
func oldHeaderCredential(name string) bool {
	n := oldNorm(name)
	if oldKey(name) || oldTokenParam(name) {
		return true
	}
	for _, part := range []string{"auth", "token", "apikey", "secret", "password", "cookie", "signature"} {
		if strings.Contains(n, part) {
			return true
		}
	}
	return false
}

// oldField says what a string value at path holds when it is a credential,
// or "": a credential's shape anywhere, or a place only credentials go
// (a password-like key, an http_headers secret, a token param, an
// Authorization-like header). path is the field names from the document's
// root, Index for a list item.
func oldField(path []string, s string) string {
	if s == "" {
		return ""
	}
	if what := oldShape(s); what != "" {
		return what
	}
	if name, ok := oldKeyLabel(path); ok {
		if KeyShaped(s) {
			return "a key in the label " + name
		}
		return ""
	}
	return oldPlace(path)
}

// oldKeyLabel reports whether path is the value of a label (a field of a
// labels map: labels, externalLabels, exp_labels) named like a key
// (routing_key, service_key), and its name. A label holds a key only when
// its value has a key's shape: Sloth's examples route pages with
// routing_key: myteam, a team's name (KeyShaped). Labels named like a
// password or a token stay credentials by their name.
func oldKeyLabel(path []string) (string, bool) {
	if len(path) < 2 {
		return "", false
	}
	name, parent := path[len(path)-1], oldNorm(path[len(path)-2])
	if name == Index || !strings.HasSuffix(parent, "labels") || !oldKey(name) || !strings.HasSuffix(oldNorm(name), "key") {
		return "", false
	}
	return name, true
}

// oldPlace says what path is when only credentials go there, or "".
func oldPlace(path []string) string {
	last := ""
	for i := len(path) - 1; i >= 0; i-- {
		if path[i] != Index {
			last = path[i]
			break
		}
	}
	for i, p := range path {
		n := oldNorm(p)
		rest := path[i+1:]
		switch {
		case (n == "httpheaders" || n == "headers") && len(rest) >= 1:
			header := rest[0]
			if len(rest) >= 2 && oldNorm(rest[1]) == "secrets" {
				return "an http_headers secret (" + header + ")"
			}
			if oldHeaderCredential(header) && (len(rest) == 1 || (len(rest) >= 2 && (oldNorm(rest[1]) == "values" || rest[1] == Index))) {
				return "an Authorization-like header (" + header + ")"
			}
		case n == "params" && len(rest) >= 1 && oldTokenParam(rest[0]):
			return "a token parameter (" + rest[0] + ")"
		}
	}
	if last != "" && oldKey(last) {
		return "a credential field (" + last + ")"
	}
	return ""
}

// oldRelabel checks one relabelling step, given its fields: a literal
// replacement written into a token parameter (__param_access_token) or
// into a label named like a credential (api_token) is a credential. It
// returns the field to blame (replacement) and what it is, or "".
func oldRelabel(get func(field string) (string, bool)) (field, what string) {
	target, ok := get("target_label")
	if !ok {
		target, ok = get("targetLabel")
	}
	if !ok || target == "" {
		return "", ""
	}
	repl, ok := get("replacement")
	if !ok || repl == "" || strings.Contains(repl, "$") {
		return "", ""
	}
	if p, isParam := strings.CutPrefix(target, "__param_"); isParam && oldTokenParam(p) {
		return "replacement", "a literal relabelled into the token parameter " + target
	}
	if oldKey(target) {
		return "replacement", "a literal relabelled into the label " + target
	}
	return "", ""
}

// oldFile scans one file about to be written: YAML and JSON structurally
// (field names and shapes, embedded YAML and JSON documents included),
// then every line of any file for shapes. name is used in positions.
func oldFile(name string, data []byte) []Finding {
	var out []Finding
	switch strings.ToLower(path.Ext(name)) {
	case ".yaml", ".yml":
		fs, err := oldYAML(name, data, 0)
		if err == nil {
			out = append(out, fs...)
		}
	case ".json":
		fs, err := oldJSON(name, data, 0)
		if err == nil {
			out = append(out, fs...)
		}
	}
	seen := map[int]bool{}
	for _, f := range out {
		seen[lineOf(f.Pos)] = true
	}
	for _, f := range oldText(name, data) {
		if !seen[lineOf(f.Pos)] {
			out = append(out, f)
		}
	}
	return Sort(out)
}

// oldText scans data line by line for credential shapes.
func oldText(name string, data []byte) []Finding {
	var out []Finding
	line := 0
	for len(data) > 0 {
		line++
		l := data
		if i := bytes.IndexByte(data, '\n'); i >= 0 {
			l, data = data[:i], data[i+1:]
		} else {
			data = nil
		}
		if what := oldShape(string(l)); what != "" {
			out = append(out, Finding{Pos: fmt.Sprintf("%s:%d", name, line), What: what})
		}
	}
	return out
}

// oldYAML scans every document of a YAML (or JSON) stream structurally. Line
// numbers are offset by base (the line before the document's first, when
// it is embedded in another file).
func oldYAML(name string, data []byte, base int) ([]Finding, error) {
	dec := yaml.NewDecoder(bytes.NewReader(data))
	var out []Finding
	for {
		var doc yaml.Node
		err := dec.Decode(&doc)
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return out, err
		}
		w := oldWalker{name: name, base: base}
		w.yaml(&doc, nil)
		out = append(out, w.out...)
	}
	return out, nil
}

type oldWalker struct {
	name string
	base int
	out  []Finding
}

func (w *oldWalker) add(line, col int, p []string, what string) {
	pos := fmt.Sprintf("%s:%d", w.name, w.base+line)
	if col > 0 {
		pos = fmt.Sprintf("%s:%d", pos, col)
	}
	w.out = append(w.out, Finding{Pos: pos, Field: dotted(p), What: what})
}

func (w *oldWalker) yaml(n *yaml.Node, p []string) {
	switch n.Kind {
	case yaml.DocumentNode:
		for _, c := range n.Content {
			w.yaml(c, p)
		}
	case yaml.AliasNode:
		// The anchor is scanned where it is defined.
	case yaml.SequenceNode:
		for _, c := range n.Content {
			w.yaml(c, append(p, Index))
		}
	case yaml.MappingNode:
		scalars := map[string]*yaml.Node{}
		for i := 0; i+1 < len(n.Content); i += 2 {
			k, v := n.Content[i], n.Content[i+1]
			if v.Kind == yaml.ScalarNode {
				scalars[k.Value] = v
			}
			w.yaml(v, append(p[:len(p):len(p)], k.Value))
		}
		field, what := oldRelabel(func(f string) (string, bool) {
			v, ok := scalars[f]
			if !ok {
				return "", false
			}
			return v.Value, true
		})
		if what != "" {
			v := scalars[field]
			w.add(v.Line, v.Column, append(p[:len(p):len(p)], field), what)
		}
	case yaml.ScalarNode:
		if n.ShortTag() != "!!str" || n.Value == "" {
			return
		}
		if what := oldField(p, n.Value); what != "" {
			w.add(n.Line, n.Column, p, what)
			return
		}
		w.embedded(n.Value, n.Line, n.Style, p)
	}
}

// embedded scans a string that is itself a YAML or JSON document (a
// Secret's alertmanager.yaml, a ConfigMap's dashboard, a raw scrape
// config), its positions counted from the string's line.
func (w *oldWalker) embedded(s string, line int, style yaml.Style, p []string) {
	t := strings.TrimSpace(s)
	isJSON := strings.HasPrefix(t, "{") && strings.HasSuffix(t, "}") || strings.HasPrefix(t, "[") && strings.HasSuffix(t, "]")
	if !isJSON && !strings.Contains(s, "\n") {
		return
	}
	base := w.base + line - 1
	if style == yaml.LiteralStyle || style == yaml.FoldedStyle {
		base++
	}
	inner := w.name
	var fs []Finding
	var err error
	if isJSON {
		fs, err = oldJSON(inner, []byte(s), base)
	} else if strings.Contains(s, ":") {
		fs, err = oldYAML(inner, []byte(s), base)
	}
	if err != nil {
		return
	}
	for _, f := range fs {
		if f.Field != "" {
			f.Field = dotted(p) + ">" + f.Field
		}
		w.out = append(w.out, f)
	}
}

// oldJSON scans a JSON stream structurally, with positions.
func oldJSON(name string, data []byte, base int) ([]Finding, error) {
	j := &oldJSONWalker{oldWalker: oldWalker{name: name, base: base}, data: data, lines: newLineIndex(data), dec: json.NewDecoder(bytes.NewReader(data))}
	j.dec.UseNumber()
	for {
		if err := j.value(nil, nil); err != nil {
			if errors.Is(err, io.EOF) {
				return j.out, nil
			}
			return j.out, err
		}
	}
}

type oldJSONWalker struct {
	oldWalker
	data  []byte
	lines lineIndex
	dec   *json.Decoder
}

// next is the offset of the next token: the decoder's offset is before
// the separators and spaces that precede it.
func (j *oldJSONWalker) next() int64 {
	off := j.dec.InputOffset()
	for off < int64(len(j.data)) && strings.IndexByte(" \t\r\n,:", j.data[off]) >= 0 {
		off++
	}
	return off
}

// value walks one value, telling onString about a string.
func (j *oldJSONWalker) value(p []string, onString func(s string, off int64)) error {
	start := j.next()
	tok, err := j.dec.Token()
	if err != nil {
		return err
	}
	switch t := tok.(type) {
	case json.Delim:
		return j.delim(p, t)
	case string:
		if onString != nil {
			onString(t, start)
		}
		j.str(t, start, p)
	}
	return nil
}

// delim walks the rest of an object or array whose opening token was
// read.
func (j *oldJSONWalker) delim(p []string, d json.Delim) error {
	switch d {
	case '{':
		scalars := map[string]string{}
		scalarPos := map[string]int64{}
		for j.dec.More() {
			kt, err := j.dec.Token()
			if err != nil {
				return err
			}
			k, _ := kt.(string)
			if err := j.value(append(p[:len(p):len(p)], k), func(s string, off int64) { scalars[k], scalarPos[k] = s, off }); err != nil {
				return err
			}
		}
		if _, err := j.dec.Token(); err != nil {
			return err
		}
		field, what := oldRelabel(func(f string) (string, bool) { v, ok := scalars[f]; return v, ok })
		if what != "" {
			l, c := j.lines.at(scalarPos[field])
			j.add(l, c, append(p[:len(p):len(p)], field), what)
		}
	case '[':
		for j.dec.More() {
			if err := j.value(append(p[:len(p):len(p)], Index), nil); err != nil {
				return err
			}
		}
		if _, err := j.dec.Token(); err != nil {
			return err
		}
	}
	return nil
}

func (j *oldJSONWalker) str(s string, start int64, p []string) {
	if s == "" {
		return
	}
	if what := oldField(p, s); what != "" {
		l, c := j.lines.at(start)
		j.add(l, c, p, what)
		return
	}
	if strings.Contains(s, "\n") {
		l, _ := j.lines.at(start)
		j.embedded(s, l, yaml.DoubleQuotedStyle, p)
	}
}

// oldHolds reports whether a JSON document holds a credential, by the rules
// of JSON but without positions: the cheap first pass before a positioned
// scan.
func oldHolds(data []byte) (bool, error) {
	var v any
	if err := json.Unmarshal(data, &v); err != nil {
		return false, err
	}
	return oldHoldsValue(v, nil), nil
}

func oldHoldsValue(v any, p []string) bool {
	switch x := v.(type) {
	case map[string]any:
		for k, c := range x {
			if oldHoldsValue(c, append(p[:len(p):len(p)], k)) {
				return true
			}
		}
		_, what := oldRelabel(func(f string) (string, bool) { s, ok := x[f].(string); return s, ok })
		return what != ""
	case []any:
		for _, c := range x {
			if oldHoldsValue(c, append(p[:len(p):len(p)], Index)) {
				return true
			}
		}
	case string:
		if oldField(p, x) != "" {
			return true
		}
		if t := strings.TrimSpace(x); strings.Contains(x, "\n") || strings.HasPrefix(t, "{") {
			return len((&oldWalker{}).embeddedFindings(x)) > 0
		}
	}
	return false
}

// embeddedFindings scans a string that may be a YAML or JSON document.
func (w *oldWalker) embeddedFindings(s string) []Finding {
	w.embedded(s, 1, yaml.DoubleQuotedStyle, nil)
	return w.out
}

// oldCandidates is the old prefilter's first half for every shape at
// once: bit i is set when strings.ToLower(s) holds one of shapes[i].in.
func oldCandidates(s string) uint64 {
	lower := strings.ToLower(s)
	var bits uint64
	for i, sh := range shapes {
		for _, n := range sh.in {
			if strings.Contains(lower, n) {
				bits |= 1 << i
				break
			}
		}
	}
	return bits
}
