package dashcheck

import (
	"fmt"
	"regexp"
	"sort"
	"strings"
)

// Sentinel replaces a variable used inside a quoted string (a label
// matcher's value), so the query parses and the matcher can be recognised
// and ignored: a variable may hold any value.
const Sentinel = "__mongen_var__"

// builtins are Grafana's global variables that PromQL queries use, with a
// stand-in value of the right kind.
var builtins = map[string]string{
	"__rate_interval": "5m", "__interval": "1m", "__range": "1h",
	"__interval_ms": "60000", "__range_s": "3600", "__range_ms": "3600000",
	"__from": "1700000000000", "__to": "1700003600000",
}

// varRef matches $name, ${name}, ${name:format} (formats may take
// arguments: ${__to:date:seconds}) and the deprecated [[name]] and
// [[name:format]].
var varRef = regexp.MustCompile(`\$\{([A-Za-z0-9_]+)(?::[^}]*)?\}|\$([A-Za-z0-9_]+)|\[\[([A-Za-z0-9_]+)(?::[^\]]*)?\]\]`)

// replacement maps one substituted span back to the original text.
type replacement struct{ newStart, newEnd, oldStart, oldEnd int }

// Substituted is a query with Grafana's variables replaced so the PromQL
// parser accepts it.
type Substituted struct {
	Expr string
	reps []replacement
}

// Orig maps an offset in Expr back to the written query.
func (s Substituted) Orig(off int) int {
	delta := 0
	for _, r := range s.reps {
		if off < r.newStart {
			break
		}
		if off < r.newEnd {
			return r.oldStart
		}
		delta = r.oldEnd - r.newEnd
	}
	return off + delta
}

// Substitute replaces every variable of expr: a builtin by a stand-in
// duration or number, a custom variable outside quotes by its first value,
// any variable inside quotes by Sentinel. custom maps custom variables to
// their first value; known holds every variable the dashboard defines.
func Substitute(expr string, known map[string]bool, custom map[string]string) (Substituted, error) {
	var out strings.Builder
	var s Substituted
	quoted := quotedSpans(expr)
	last := 0
	var unknown []string
	for _, m := range varRef.FindAllStringSubmatchIndex(expr, -1) {
		name := ""
		for g := 1; g <= 3; g++ {
			if m[2*g] >= 0 {
				name = expr[m[2*g]:m[2*g+1]]
			}
		}
		inQuotes := quoted(m[0])
		var val string
		switch {
		case builtins[name] != "" && !inQuotes:
			val = builtins[name]
		case !known[name] && builtins[name] == "":
			unknown = append(unknown, "$"+name)
			val = Sentinel
		case inQuotes:
			val = Sentinel
		case custom[name] != "":
			val = custom[name]
		default:
			return s, fmt.Errorf("$%s is used outside a quoted label value; only $__rate_interval and the like, and custom variables, can stand there", name)
		}
		out.WriteString(expr[last:m[0]])
		start := out.Len()
		out.WriteString(val)
		s.reps = append(s.reps, replacement{newStart: start, newEnd: out.Len(), oldStart: m[0], oldEnd: m[1]})
		last = m[1]
	}
	out.WriteString(expr[last:])
	s.Expr = out.String()
	if len(unknown) > 0 {
		sort.Strings(unknown)
		return s, fmt.Errorf("uses %s, which the dashboard does not define", strings.Join(unknown, ", "))
	}
	return s, nil
}

// quotedSpans returns whether an offset of expr lies inside a PromQL
// string ("...", '...' or `...`).
func quotedSpans(expr string) func(int) bool {
	var spans [][2]int
	for i := 0; i < len(expr); i++ {
		q := expr[i]
		if q != '"' && q != '\'' && q != '`' {
			continue
		}
		start := i
		for i++; i < len(expr) && expr[i] != q; i++ {
			if expr[i] == '\\' && q != '`' {
				i++
			}
		}
		spans = append(spans, [2]int{start, i})
	}
	return func(off int) bool {
		for _, sp := range spans {
			if off > sp[0] && off < sp[1] {
				return true
			}
		}
		return false
	}
}
