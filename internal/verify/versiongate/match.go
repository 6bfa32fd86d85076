package versiongate

import (
	"fmt"
	"sort"
	"strings"
)

// Patterns name key paths in a decoded YAML document, segments separated
// by dots:
//
//	key      the value of a mapping key
//	key[]    each element of the list under key
//	key*     zero or more steps into the elements of the list under key
//	         (route.routes*.matchers: the matchers of every route)
//	**       any depth of mappings and lists
//
// A Kubernetes object's pattern starts with its kind, or "*" for any:
// "Probe:spec.params".

// step is one move from a node to a child, remembered so the subject
// (the receiver, rule or job) can be read from the path.
type step struct {
	key   string // mapping key, "" for a list element
	index int    // list index, -1 for a mapping key
	node  any    // the value reached
}

// pathString renders a trail as "receivers[3].wechat_configs[0].api_secret_file".
func pathString(trail []step) string {
	var b strings.Builder
	for _, s := range trail {
		if s.index >= 0 {
			fmt.Fprintf(&b, "[%d]", s.index)
			continue
		}
		if b.Len() > 0 {
			b.WriteByte('.')
		}
		b.WriteString(s.key)
	}
	return b.String()
}

// match calls fn for each value the pattern reaches, with the path to it.
// A value reached twice (through "**") is reported once.
func match(root any, pattern string, fn func(trail []step, v any)) {
	seen := map[string]bool{}
	var walk func(node any, segs []string, trail []step)
	walk = func(node any, segs []string, trail []step) {
		if len(segs) == 0 {
			p := pathString(trail)
			if !seen[p] {
				seen[p] = true
				fn(append([]step(nil), trail...), node)
			}
			return
		}
		seg := segs[0]
		switch {
		case seg == "**":
			walk(node, segs[1:], trail)
			for _, c := range children(node) {
				walk(c.node, segs, append(trail, c))
			}
		case strings.HasSuffix(seg, "[]"):
			key := strings.TrimSuffix(seg, "[]")
			m, _ := node.(map[string]any)
			l, _ := m[key].([]any)
			for i, e := range l {
				walk(e, segs[1:], append(trail, step{key: key, index: -1, node: l}, step{index: i, node: e}))
			}
		case strings.HasSuffix(seg, "*"):
			key := strings.TrimSuffix(seg, "*")
			walk(node, segs[1:], trail)
			m, _ := node.(map[string]any)
			l, _ := m[key].([]any)
			for i, e := range l {
				walk(e, segs, append(trail, step{key: key, index: -1, node: l}, step{index: i, node: e}))
			}
		default:
			m, _ := node.(map[string]any)
			if v, ok := m[seg]; ok {
				walk(v, segs[1:], append(trail, step{key: seg, index: -1, node: v}))
			}
		}
	}
	walk(root, strings.Split(pattern, "."), nil)
}

// children are a node's direct children, mapping keys sorted.
func children(node any) []step {
	switch n := node.(type) {
	case map[string]any:
		keys := make([]string, 0, len(n))
		for k := range n {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		out := make([]step, 0, len(keys))
		for _, k := range keys {
			out = append(out, step{key: k, index: -1, node: n[k]})
		}
		return out
	case []any:
		out := make([]step, 0, len(n))
		for i, e := range n {
			out = append(out, step{index: i, node: e})
		}
		return out
	}
	return nil
}

// str reads a string field of a mapping.
func str(node any, key string) string {
	m, _ := node.(map[string]any)
	s, _ := m[key].(string)
	return s
}
