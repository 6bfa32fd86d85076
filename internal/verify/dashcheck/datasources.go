package dashcheck

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/mongen-dev/mongen/internal/jsonscan"
	"github.com/mongen-dev/mongen/internal/render/grafana"
)

// The datasource check reads every object of a rendered dashboard. It used
// to decode the whole document into a tree of maps (treeRefs), a second
// full decode next to grafanatypes' (which cannot serve it: that one
// decodes into the SDK's types, part by part, and is cached under its own
// key). scanRefs reads the same bytes in place and answers as treeRefs
// does (datasources_test holds it to that over every shipped dashboard);
// where it cannot (not JSON, or a number encoding/json refuses), the tree
// gives the answer and its error.

// badRef is a datasource reference that is not the datasource variable:
// where it is (".panels[0].targets[1]") and its uid as encoding/json
// decodes it into any (nil when it has none).
type badRef struct {
	path string
	uid  any
}

// refs is every bad datasource reference of a dashboard's JSON, or the
// error of decoding it.
func refs(data []byte) ([]badRef, error) {
	if out, ok := scanRefs(data); ok {
		return out, nil
	}
	return treeRefs(data)
}

// treeRefs is the long way: the document decoded into any and walked.
// Members of an object come in map order.
func treeRefs(data []byte) ([]badRef, error) {
	var doc any
	if err := json.Unmarshal(data, &doc); err != nil {
		return nil, err
	}
	var out []badRef
	var walk func(v any, path string)
	walk = func(v any, path string) {
		switch v := v.(type) {
		case map[string]any:
			if ds, ok := v["datasource"].(map[string]any); ok && ds["uid"] != grafana.DatasourceRef {
				out = append(out, badRef{path, ds["uid"]})
			}
			for k, e := range v {
				walk(e, path+"."+k)
			}
		case []any:
			for i, e := range v {
				walk(e, fmt.Sprintf("%s[%d]", path, i))
			}
		}
	}
	walk(doc, "")
	return out, nil
}

// scanRefs is treeRefs read in place, in one walk after jsonscan.Valid;
// ok is false when data is not valid JSON or holds a number out of
// float64's range (json.Unmarshal into any fails on both).
func scanRefs(data []byte) ([]badRef, bool) {
	if !jsonscan.Valid(data) {
		return nil, false
	}
	w := &refWalker{data: data}
	w.value(jsonscan.SkipSpace(data, 0))
	return w.refs, !w.unfit
}

// refWalker walks valid JSON. path holds the segments down to the value
// being read, made into text only for a bad reference; members is a
// stack of the members of the objects being read.
type refWalker struct {
	data    []byte
	path    []segment
	members []scanMember
	refs    []badRef
	// unfit is set by a number out of float64's range.
	unfit bool
}

// segment is an object member's key (its text), or an array index when
// index is not -1.
type segment struct {
	key   []byte
	index int
}

// scanMember is one member of an object: its key's text, where its value
// starts and ends, and the refs found inside its value.
type scanMember struct {
	key              []byte
	start, end       int
	refsFrom, refsTo int
}

// value walks the value that starts at data[i] and returns its end.
func (w *refWalker) value(i int) int {
	switch c := w.data[i]; {
	case c == '{':
		return w.object(i)
	case c == '[':
		j := jsonscan.SkipSpace(w.data, i+1)
		if w.data[j] == ']' {
			return j + 1
		}
		for n := 0; ; n++ {
			w.path = append(w.path, segment{index: n})
			j = w.value(j)
			w.path = w.path[:len(w.path)-1]
			j = jsonscan.SkipSpace(w.data, j)
			if w.data[j] != ',' {
				return j + 1
			}
			j = jsonscan.SkipSpace(w.data, j+1)
		}
	case c == '-' || c >= '0' && c <= '9':
		end := jsonscan.SkipValue(w.data, i)
		if !jsonscan.FitsFloat64(w.data[i:end]) {
			w.unfit = true
		}
		return end
	}
	return jsonscan.SkipValue(w.data, i)
}

// object walks the object at data[i] as treeRefs walks its map: a member
// whose key comes again later is not in the map, so what was found in it
// is dropped again.
func (w *refWalker) object(i int) int {
	base := len(w.members)
	defer func() { w.members = w.members[:base] }()
	j := jsonscan.SkipSpace(w.data, i+1)
	if w.data[j] == '}' {
		return j + 1
	}
	for {
		kend := jsonscan.SkipString(w.data, j)
		m := scanMember{key: keyText(w.data[j:kend]), refsFrom: len(w.refs)}
		m.start = jsonscan.SkipSpace(w.data, jsonscan.SkipSpace(w.data, kend)+1) // past the colon
		w.path = append(w.path, segment{key: m.key, index: -1})
		m.end = w.value(m.start)
		w.path = w.path[:len(w.path)-1]
		m.refsTo = len(w.refs)
		w.members = append(w.members, m)
		j = jsonscan.SkipSpace(w.data, m.end)
		if w.data[j] != ',' {
			break
		}
		j = jsonscan.SkipSpace(w.data, j+1)
	}
	ms := w.members[base:]
	if shadowed(ms) {
		ms = w.dropShadowed(ms)
	}
	if ds, ok := find(ms, "datasource"); ok && w.data[ds.start] == '{' {
		if uid, bad := w.uid(ds); bad {
			w.refs = append(w.refs, badRef{w.pathText(), uid})
		}
	}
	return j + 1
}

// shadowed reports whether a key of ms comes again later.
func shadowed(ms []scanMember) bool {
	if len(ms) > 16 {
		seen := make(map[string]bool, len(ms))
		for _, m := range ms {
			if seen[string(m.key)] {
				return true
			}
			seen[string(m.key)] = true
		}
		return false
	}
	for i := range ms {
		for j := i + 1; j < len(ms); j++ {
			if bytes.Equal(ms[i].key, ms[j].key) {
				return true
			}
		}
	}
	return false
}

// dropShadowed keeps the last member of each key, as decoding into a map
// does, and the refs found in the members kept. The refs found since the
// object began are the members', in order.
func (w *refWalker) dropShadowed(ms []scanMember) []scanMember {
	last := map[string]int{}
	for i, m := range ms {
		last[string(m.key)] = i
	}
	var kept []scanMember
	refs := w.refs[:ms[0].refsFrom]
	for i, m := range ms {
		if last[string(m.key)] == i {
			refs = append(refs, w.refs[m.refsFrom:m.refsTo]...)
			kept = append(kept, m)
		}
	}
	w.refs = refs
	return kept
}

// datasourceLit is the uid every reference must have, as rendered.
var datasourceLit = []byte(strconv.Quote(grafana.DatasourceRef))

// uid reads the uid of the datasource object ds and reports whether it is
// not the datasource variable, with the uid decoded as treeRefs has it.
func (w *refWalker) uid(ds scanMember) (any, bool) {
	var raw []byte // the last uid's value: the one a map keeps
	j := jsonscan.SkipSpace(w.data, ds.start+1)
	if w.data[j] != '}' {
		for {
			kend := jsonscan.SkipString(w.data, j)
			k := keyText(w.data[j:kend])
			j = jsonscan.SkipSpace(w.data, jsonscan.SkipSpace(w.data, kend)+1) // past the colon
			vend := jsonscan.SkipValue(w.data, j)
			if string(k) == "uid" {
				raw = w.data[j:vend]
			}
			j = jsonscan.SkipSpace(w.data, vend)
			if w.data[j] != ',' {
				break
			}
			j = jsonscan.SkipSpace(w.data, j+1)
		}
	}
	if raw == nil {
		return nil, true
	}
	if bytes.Equal(raw, datasourceLit) {
		return nil, false
	}
	if s, ok := jsonscan.Unquote(raw); ok && s == grafana.DatasourceRef {
		return nil, false
	}
	var v any
	if err := json.Unmarshal(raw, &v); err != nil {
		// raw is a value of the valid JSON checked, with numbers that fit.
		panic(fmt.Sprintf("dashcheck: a checked uid does not decode: %v", err))
	}
	return v, true
}

// pathText is the path as treeRefs writes it: ".key" and "[i]".
func (w *refWalker) pathText() string {
	var b strings.Builder
	for _, s := range w.path {
		if s.index >= 0 {
			b.WriteString("[" + strconv.Itoa(s.index) + "]")
			continue
		}
		b.WriteByte('.')
		b.Write(s.key)
	}
	return b.String()
}

// keyText is a checked key literal's text as encoding/json decodes it:
// its inside as it is when it has no escape and is valid UTF-8.
func keyText(lit []byte) []byte {
	in := lit[1 : len(lit)-1]
	if bytes.IndexByte(in, '\\') < 0 && utf8.Valid(in) {
		return in
	}
	s, ok := jsonscan.Unquote(lit)
	if !ok {
		panic("dashcheck: a checked key is not a JSON string: " + string(lit))
	}
	return []byte(s)
}

func find(ms []scanMember, key string) (scanMember, bool) {
	for _, m := range ms {
		if string(m.key) == key {
			return m, true
		}
	}
	return scanMember{}, false
}
