package lint

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"text/template/parse"
	"time"

	"github.com/prometheus/common/model"
	"github.com/prometheus/prometheus/promql"
	"github.com/prometheus/prometheus/template"
)

// templateDefs are what the rule manager prepends to every label and
// annotation template of an alert (rules/alerting.go).
var templateDefs = strings.Join([]string{
	"{{$labels := .Labels}}",
	"{{$externalLabels := .ExternalLabels}}",
	"{{$externalURL := .ExternalURL}}",
	"{{$value := .Value}}",
}, "")

// templateField is one label or annotation value of a rule.
type templateField struct {
	kind, key, text, origin string
}

func (r *rule) templates() []templateField {
	var out []templateField
	for _, k := range sortedKeys(r.Labels) {
		out = append(out, templateField{"label", k, r.Labels[k], r.labelOrigin(k)})
	}
	for _, k := range sortedKeys(r.Annotations) {
		out = append(out, templateField{"annotation", k, r.Annotations[k], r.annotationOrigin(k)})
	}
	return out
}

// checkTemplateSyntax parses every alert's label and annotation templates
// as the rule manager does, with Prometheus' template functions.
func checkTemplateSyntax(p *pass) {
	for _, r := range p.todo {
		if !r.alert() {
			continue // recording rules' labels are not templates
		}
		for _, t := range r.templates() {
			// The verdict depends on the rule's name (the template's name
			// in Prometheus) and the text alone.
			key := p.cfg.Verified.Key("template/syntax", []byte(r.Name), []byte(t.text))
			p.cfg.Verified.Check(key, func() bool {
				tree, err := p.template(r.Name, t.text)
				if err == nil && tree != nil {
					err = executeTemplate(r.Name, t.text, labelRefs(t.text, tree))
				}
				if err != nil {
					p.report("template/syntax", "", t.origin, r, "%s %q: %s", t.kind, t.key, err)
				}
				return err == nil
			})
		}
	}
}

// parsedTemplate is a template's parse tree, or why it does not parse.
type parsedTemplate struct {
	tree *parse.Tree
	err  error
}

// template parses text once per pass, as rulefmt does: the rule manager's
// variable definitions prepended, Prometheus' template functions defined.
// It returns a nil tree for text without actions.
func (p *pass) template(rule, text string) (*parse.Tree, error) {
	if !strings.Contains(text, "{{") {
		return nil, nil // plain text always parses
	}
	if pt, ok := p.templates[text]; ok {
		return pt.tree, pt.err
	}
	tree, err := parseTemplate(rule, text)
	if p.templates == nil {
		p.templates = map[string]parsedTemplate{}
	}
	p.templates[text] = parsedTemplate{tree, err}
	return tree, err
}

// parseTemplate parses text with the text/template parser, then checks
// that every function it calls is one Prometheus defines. Errors have no
// "template: name:" prefix but keep the line.
func parseTemplate(rule, text string) (*parse.Tree, error) {
	name := "__alert_" + rule
	tree := parse.New(name)
	tree.Mode = parse.SkipFuncCheck
	defined := map[string]*parse.Tree{}
	if _, err := tree.Parse(templateDefs+text, "", "", defined); err != nil {
		msg := strings.TrimPrefix(err.Error(), "template: "+name+":")
		if msg != err.Error() {
			msg = "line " + msg
		}
		return nil, errors.New(msg)
	}
	var undefined error
	walkTemplate(tree.Root, true, func(n parse.Node, _ bool) {
		if tn, ok := n.(*parse.TemplateNode); ok && undefined == nil {
			// The rule manager expands each template alone: only the
			// templates it defines itself exist.
			if _, ok := defined[tn.Name]; !ok {
				line, _ := LineCol(text, max(0, int(tn.Position())-len(templateDefs)))
				undefined = fmt.Errorf("line %d: template %q is not defined: an alert's label or annotation can only call templates it defines itself ({{define %q}}...{{end}})", line, tn.Name, tn.Name)
			}
			return
		}
		id, ok := n.(*parse.IdentifierNode)
		if !ok || undefined != nil || templateFunc(id.Ident) {
			return
		}
		line, _ := LineCol(text, max(0, int(id.Position())-len(templateDefs)))
		undefined = fmt.Errorf("line %d: function %q not defined", line, id.Ident)
	})
	return tree, undefined
}

// templateFuncs caches whether Prometheus' template engine defines a
// function name.
var templateFuncs sync.Map

func templateFunc(name string) bool {
	if v, ok := templateFuncs.Load(name); ok {
		return v.(bool)
	}
	tmplData := template.AlertTemplateData(map[string]string{}, map[string]string{}, "", promql.Sample{})
	exp := template.NewTemplateExpander(context.Background(), "{{ "+name+" }}", "f", tmplData, model.TimeFromUnixNano(time.Unix(0, 0).UnixNano()), nil, nil, nil)
	ok := exp.ParseTest() == nil
	templateFuncs.Store(name, ok)
	return ok
}

// walkTemplate calls fn for every node under n, with whether "." is still
// the template data (range and with change it).
func walkTemplate(n parse.Node, dot bool, fn func(parse.Node, bool)) {
	if n == nil {
		return
	}
	switch n := n.(type) {
	case *parse.ListNode:
		if n == nil {
			return
		}
		for _, c := range n.Nodes {
			walkTemplate(c, dot, fn)
		}
		return
	case *parse.PipeNode:
		if n == nil {
			return
		}
	case *parse.BranchNode:
		if n == nil {
			return
		}
	}
	fn(n, dot)
	switch n := n.(type) {
	case *parse.ActionNode:
		walkTemplate(n.Pipe, dot, fn)
	case *parse.PipeNode:
		for _, c := range n.Cmds {
			walkTemplate(c, dot, fn)
		}
	case *parse.CommandNode:
		for _, a := range n.Args {
			walkTemplate(a, dot, fn)
		}
	case *parse.ChainNode:
		walkTemplate(n.Node, dot, fn)
	case *parse.IfNode:
		walkTemplate(n.Pipe, dot, fn)
		walkTemplate(n.List, dot, fn)
		walkTemplate(n.ElseList, dot, fn)
	case *parse.RangeNode:
		walkTemplate(n.Pipe, dot, fn)
		walkTemplate(n.List, false, fn)
		walkTemplate(n.ElseList, dot, fn)
	case *parse.WithNode:
		walkTemplate(n.Pipe, dot, fn)
		walkTemplate(n.List, false, fn)
		walkTemplate(n.ElseList, dot, fn)
	case *parse.TemplateNode:
		walkTemplate(n.Pipe, dot, fn)
	}
}

// labelRef is one use of a label in a template: $labels.name,
// .Labels.name or index $labels "name".
type labelRef struct {
	name      string
	line, col int // in the template text
}

// labelRefs lists the labels a template reads, from its parse tree.
func labelRefs(text string, tree *parse.Tree) []labelRef {
	if tree == nil {
		return nil
	}
	var refs []labelRef
	add := func(name string, pos parse.Pos) {
		off := int(pos) - len(templateDefs)
		if off < 0 {
			return
		}
		line, col := LineCol(text, off)
		refs = append(refs, labelRef{name, line, col})
	}
	walkTemplate(tree.Root, true, func(n parse.Node, dot bool) {
		switch n := n.(type) {
		case *parse.CommandNode:
			if len(n.Args) == 3 {
				if id, ok := n.Args[0].(*parse.IdentifierNode); ok && id.Ident == "index" {
					if v, ok := n.Args[1].(*parse.VariableNode); ok && len(v.Ident) == 1 && v.Ident[0] == "$labels" {
						if s, ok := n.Args[2].(*parse.StringNode); ok {
							add(s.Text, s.Position())
						}
					}
				}
			}
		case *parse.VariableNode:
			if len(n.Ident) > 1 && n.Ident[0] == "$labels" {
				add(n.Ident[1], n.Position())
			}
		case *parse.FieldNode:
			if dot && len(n.Ident) > 1 && n.Ident[0] == "Labels" {
				add(n.Ident[1], n.Position())
			}
		}
	})
	return refs
}

// checkTemplateLabels reports templates that read a label the alert's
// series cannot have: aggregated away, dropped by a one-to-one match with
// on(), or never there (absent(), vector()). Rule labels are not in
// $labels: the rule manager expands templates with the series' labels.
func checkTemplateLabels(p *pass) {
	for _, r := range p.todo {
		if !r.alert() || r.expr == nil {
			continue
		}
		ls := outLabels(r.Expr, r.expr)
		for _, t := range r.templates() {
			seen := map[string]bool{}
			tree, _ := p.template(r.Name, t.text)
			for _, ref := range labelRefs(t.text, tree) {
				lacking, why := ls.lacks(ref.name)
				if !lacking || seen[ref.name] {
					continue
				}
				seen[ref.name] = true
				p.report("template/labels", "", t.origin, r, "%s %q (%d:%d) reads label %s, which the alert's series never have: %s", t.kind, t.key, ref.line, ref.col, ref.name, why())
			}
		}
	}
}

// executeTemplate expands a template as the rule manager would for a
// sample alert: every label it reads set to a sample value, value 1, no
// external labels. What fails for every alert (a function given the wrong
// type, a missing template) fails here, at build time. Templates that
// query Prometheus are only parsed: their results depend on the data.
func executeTemplate(rule, text string, refs []labelRef) error {
	if strings.Contains(text, "query") {
		return nil
	}
	lbls := map[string]string{"alertname": rule}
	for _, r := range refs {
		lbls[r.name] = "sample-" + r.name
	}
	data := template.AlertTemplateData(lbls, map[string]string{}, "http://prometheus.example", promql.Sample{F: 1})
	exp := template.NewTemplateExpander(context.Background(), templateDefs+text, "__alert_"+rule, data, model.TimeFromUnixNano(0), nil, nil, nil)
	if _, err := exp.Expand(); err != nil {
		msg := err.Error()
		msg = strings.TrimPrefix(msg, "error expanding template: ")
		msg = strings.TrimPrefix(msg, "error executing template __alert_"+rule+": ")
		msg = strings.TrimPrefix(msg, "template: __alert_"+rule+":")
		return fmt.Errorf("fails on a sample alert: %s", msg)
	}
	return nil
}
