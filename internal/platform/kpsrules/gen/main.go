// Command gen writes the default-rule inventory of a kube-prometheus-stack
// chart: every alerting and recording rule of the PrometheusRule templates
// under templates/prometheus/rules-1.14/, with the values that gate it, read
// from the templates' own {{ if }} conditions (parsed with text/template's
// parser, not with regular expressions over actions) and the defaults of
// those values from the chart's values.yaml.
//
//	go run ./gen -chart ../../../../shared/corpus/kube-prometheus-stack/chart -o inventory
//
// writes inventory/<chart version>.json.
package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"log"
	"os"
	"path"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"text/template/parse"

	"sigs.k8s.io/yaml"

	"github.com/mongen-dev/mongen/internal/platform/kpsrules"
)

// RulesDir is where the chart keeps its default-rule templates.
const RulesDir = "templates/prometheus/rules-1.14"

// Inventory is the file format (kpsrules reads the same shape).
type Inventory struct {
	Chart string `json:"chart"`
	// Defaults holds, for every gating value path, whether the chart's
	// values.yaml makes it true (Go template truth); paths absent from
	// values.yaml are false and listed with false.
	Defaults map[string]bool `json:"defaults"`
	Rules    []Rule          `json:"rules"`
}

// Rule is one rule of a template with the conditions that must all hold
// for the chart to render it.
type Rule struct {
	Name     string `json:"name"`
	Record   bool   `json:"record,omitempty"`
	Group    string `json:"group"`
	Template string `json:"template"`
	Gates    []Gate `json:"gates"`
}

// Gate is one condition: the value at Path is true (or, with Negate,
// not true) in the Go template sense.
type Gate struct {
	Path   string `json:"path"`
	Negate bool   `json:"negate,omitempty"`
}

func main() {
	chartDir := flag.String("chart", "", "the unpacked kube-prometheus-stack chart directory")
	out := flag.String("o", "inventory", "output directory")
	flag.Parse()
	if *chartDir == "" {
		log.Fatal("gen: -chart is required")
	}
	inv, err := Generate(*chartDir)
	if err != nil {
		log.Fatal(err)
	}
	data, err := Encode(inv)
	if err != nil {
		log.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(*out, inv.Chart+".json"), data, 0o644); err != nil {
		log.Fatal(err)
	}
}

// Encode is the inventory as indented JSON with a final newline.
func Encode(inv *Inventory) ([]byte, error) {
	data, err := json.MarshalIndent(inv, "", "  ")
	if err != nil {
		return nil, fmt.Errorf("encode inventory: %w", err)
	}
	return append(data, '\n'), nil
}

// Generate reads the chart at dir.
func Generate(dir string) (*Inventory, error) {
	chartYAML, err := os.ReadFile(filepath.Join(dir, "Chart.yaml"))
	if err != nil {
		return nil, fmt.Errorf("read chart: %w", err)
	}
	var meta struct {
		Name    string `json:"name"`
		Version string `json:"version"`
	}
	if err := yaml.Unmarshal(chartYAML, &meta); err != nil {
		return nil, fmt.Errorf("parse Chart.yaml: %w", err)
	}
	if meta.Name != "kube-prometheus-stack" || meta.Version == "" {
		return nil, fmt.Errorf("%s is chart %q version %q, not kube-prometheus-stack", dir, meta.Name, meta.Version)
	}
	valuesYAML, err := os.ReadFile(filepath.Join(dir, "values.yaml"))
	if err != nil {
		return nil, fmt.Errorf("read values: %w", err)
	}
	var values map[string]any
	if err := yaml.Unmarshal(valuesYAML, &values); err != nil {
		return nil, fmt.Errorf("parse values.yaml: %w", err)
	}
	names, err := filepath.Glob(filepath.Join(dir, filepath.FromSlash(RulesDir), "*.yaml"))
	if err != nil || len(names) == 0 {
		return nil, fmt.Errorf("no rule templates in %s: %v", filepath.Join(dir, RulesDir), err)
	}
	slices.Sort(names)
	inv := &Inventory{Chart: meta.Version, Defaults: map[string]bool{}}
	for _, name := range names {
		text, err := os.ReadFile(name)
		if err != nil {
			return nil, fmt.Errorf("read template: %w", err)
		}
		tmpl := path.Join(RulesDir, filepath.Base(name))
		rules, err := templateRules(tmpl, string(text))
		if err != nil {
			return nil, err
		}
		if len(rules) == 0 {
			return nil, fmt.Errorf("%s: no rules found", tmpl)
		}
		inv.Rules = append(inv.Rules, rules...)
	}
	for _, r := range inv.Rules {
		for _, g := range r.Gates {
			inv.Defaults[g.Path] = kpsrules.Truth(lookup(values, g.Path))
		}
	}
	return inv, nil
}

func lookup(values map[string]any, p string) any {
	var cur any = values
	for _, k := range strings.Split(p, ".") {
		m, ok := cur.(map[string]any)
		if !ok {
			return nil
		}
		cur = m[k]
	}
	return cur
}

var (
	alertLine  = regexp.MustCompile(`(?m)^\s*- alert: *(.*)$`)
	recordLine = regexp.MustCompile(`(?m)^\s*(?:- )?record: *(.*)$`)
	groupLine  = regexp.MustCompile(`(?m)^  (?:- |  )name: *(.*)$`)
	ruleName   = regexp.MustCompile(`^[a-zA-Z_:][a-zA-Z0-9_:]*$`)
	groupName  = regexp.MustCompile(`^[a-zA-Z0-9_.:-]+$`)
	// The kube version check every template starts with; the inventory
	// assumes a Kubernetes version inside it.
	kubeVersionCheck = []string{`">=1.14.0-0"`, `"<9.9.9-9"`}
)

// walker collects rules under the gates of the {{ if }} blocks enclosing
// them.
type walker struct {
	src   string // the template's text
	tmpl  string
	group string
	rules []Rule
}

func templateRules(tmpl, text string) ([]Rule, error) {
	t := parse.New(tmpl)
	t.Mode = parse.SkipFuncCheck
	trees := map[string]*parse.Tree{}
	if _, err := t.Parse(text, "", "", trees); err != nil {
		return nil, fmt.Errorf("parse template %s: %w", tmpl, err)
	}
	w := &walker{src: text, tmpl: tmpl}
	if err := w.list(t.Root, nil); err != nil {
		return nil, fmt.Errorf("%s: %w", tmpl, err)
	}
	return w.rules, nil
}

func (w *walker) list(l *parse.ListNode, gates []Gate) error {
	if l == nil {
		return nil
	}
	for _, n := range l.Nodes {
		if err := w.node(n, gates); err != nil {
			return err
		}
	}
	return nil
}

func (w *walker) node(n parse.Node, gates []Gate) error {
	switch n := n.(type) {
	case *parse.TextNode:
		// A trim marker ({{-) removes the newline that ended the last
		// line: the line ended if the source has one before the action.
		rest := w.src[int(n.Pos)+len(n.Text):]
		ended := strings.HasPrefix(strings.TrimLeft(rest, " \t"), "\n") || rest == ""
		return w.text(string(n.Text), ended, gates)
	case *parse.IfNode:
		if n.ElseList != nil && hasRules(n.ElseList) {
			return fmt.Errorf("line %s: rules under an {{ else }}: not modelled", pos(n))
		}
		if !hasRules(n.List) {
			return nil
		}
		cond, err := condition(n.Pipe)
		if err != nil {
			return fmt.Errorf("gate %s: %w", n.Pipe, err)
		}
		inner := slices.Clone(gates)
		for _, g := range cond {
			if !slices.Contains(inner, g) { // a file gate repeated on its rule
				inner = append(inner, g)
			}
		}
		return w.list(n.List, inner)
	case *parse.WithNode, *parse.RangeNode:
		if hasRules(n) {
			return fmt.Errorf("rules under %s: not modelled", n)
		}
	}
	return nil
}

func pos(n parse.Node) string { return fmt.Sprint(n.Position()) }

func hasRules(n parse.Node) bool {
	found := false
	var visit func(parse.Node)
	visit = func(n parse.Node) {
		switch n := n.(type) {
		case *parse.ListNode:
			if n == nil {
				return
			}
			for _, c := range n.Nodes {
				visit(c)
			}
		case *parse.TextNode:
			if alertLine.Match(n.Text) || recordLine.Match(n.Text) {
				found = true
			}
		case *parse.IfNode:
			visit(n.List)
			visit(n.ElseList)
		case *parse.WithNode:
			visit(n.List)
			visit(n.ElseList)
		case *parse.RangeNode:
			visit(n.List)
			visit(n.ElseList)
		}
	}
	visit(n)
	return found
}

// text records the rules and the group of one literal piece of template.
// A rule or group name made by an action would end the line early; that
// is refused.
func (w *walker) text(s string, ended bool, gates []Gate) error {
	type hit struct {
		at     int
		end    int
		name   string
		record bool
		group  bool
	}
	var hits []hit
	for _, m := range groupLine.FindAllStringSubmatchIndex(s, -1) {
		hits = append(hits, hit{at: m[0], end: m[1], name: s[m[2]:m[3]], group: true})
	}
	for _, m := range alertLine.FindAllStringSubmatchIndex(s, -1) {
		hits = append(hits, hit{at: m[0], end: m[1], name: s[m[2]:m[3]]})
	}
	for _, m := range recordLine.FindAllStringSubmatchIndex(s, -1) {
		hits = append(hits, hit{at: m[0], end: m[1], name: s[m[2]:m[3]], record: true})
	}
	slices.SortFunc(hits, func(a, b hit) int { return a.at - b.at })
	for _, h := range hits {
		name := unquote(strings.TrimSpace(h.name))
		valid := ruleName
		if h.group {
			valid = groupName
		}
		if h.end == len(s) && !ended || !valid.MatchString(name) {
			// The line goes on in an action, or is not a plain name.
			return fmt.Errorf("rule or group name %q is not literal", name)
		}
		if h.group {
			w.group = name
			continue
		}
		if w.group == "" {
			return fmt.Errorf("rule %s before any group", name)
		}
		w.rules = append(w.rules, Rule{
			Name: name, Record: h.record, Group: w.group, Template: w.tmpl,
			Gates: slices.Clone(gates),
		})
	}
	return nil
}

// condition turns an {{ if }} pipeline into gates. The forms the chart
// uses are: and of conditions; .Values.a.b; not (.Values.a.b | default
// false); and the kube version check, which is dropped.
func condition(p *parse.PipeNode) ([]Gate, error) {
	if len(p.Decl) > 0 || len(p.Cmds) != 1 {
		return nil, fmt.Errorf("unsupported pipeline")
	}
	return command(p.Cmds[0])
}

func command(c *parse.CommandNode) ([]Gate, error) {
	if len(c.Args) == 1 {
		return arg(c.Args[0])
	}
	id, ok := c.Args[0].(*parse.IdentifierNode)
	if !ok {
		return nil, fmt.Errorf("unsupported command %s", c)
	}
	switch id.Ident {
	case "and":
		var out []Gate
		for _, a := range c.Args[1:] {
			g, err := arg(a)
			if err != nil {
				return nil, err
			}
			out = append(out, g...)
		}
		return out, nil
	case "semverCompare":
		if len(c.Args) == 3 && slices.Contains(kubeVersionCheck, c.Args[1].String()) && c.Args[2].String() == "$kubeTargetVersion" {
			return nil, nil
		}
	case "not":
		if len(c.Args) != 2 {
			break
		}
		p, err := valuePath(c.Args[1])
		if err != nil {
			return nil, err
		}
		return []Gate{{Path: p, Negate: true}}, nil
	}
	return nil, fmt.Errorf("unsupported command %s", c)
}

func arg(n parse.Node) ([]Gate, error) {
	switch n := n.(type) {
	case *parse.PipeNode:
		return condition(n)
	case *parse.FieldNode:
		p, err := valuePath(n)
		if err != nil {
			return nil, err
		}
		return []Gate{{Path: p}}, nil
	}
	return nil, fmt.Errorf("unsupported argument %s", n)
}

// valuePath reads .Values.a.b, or (.Values.a.b | default false), whose
// truth is the same.
func valuePath(n parse.Node) (string, error) {
	if p, ok := n.(*parse.PipeNode); ok {
		if len(p.Decl) == 0 && len(p.Cmds) == 2 && len(p.Cmds[0].Args) == 1 && p.Cmds[1].String() == "default false" {
			return valuePath(p.Cmds[0].Args[0])
		}
		if len(p.Decl) == 0 && len(p.Cmds) == 1 && len(p.Cmds[0].Args) == 1 {
			return valuePath(p.Cmds[0].Args[0])
		}
		return "", fmt.Errorf("unsupported value %s", n)
	}
	f, ok := n.(*parse.FieldNode)
	if !ok || len(f.Ident) < 2 || f.Ident[0] != "Values" {
		return "", fmt.Errorf("unsupported value %s", n)
	}
	return strings.Join(f.Ident[1:], "."), nil
}

// unquote removes the YAML quotes of a quoted scalar ('a' or "a"); names
// the chart quotes hold no escapes.
func unquote(s string) string {
	if len(s) >= 2 && (s[0] == '\'' || s[0] == '"') && s[len(s)-1] == s[0] {
		return s[1 : len(s)-1]
	}
	return s
}
