package sloimport

import (
	"fmt"
	"maps"
	"regexp"
	"slices"
	"strings"

	commonmodel "github.com/prometheus/common/model"
	"github.com/prometheus/prometheus/model/labels"
	"github.com/prometheus/prometheus/promql/parser"
	"go.yaml.in/yaml/v3"

	"github.com/mongen-dev/mongen/internal/credgate"
	"github.com/mongen-dev/mongen/internal/diag"
	"github.com/mongen-dev/mongen/internal/model"
	"github.com/mongen-dev/mongen/internal/slo"
)

// Note is something the import changed or dropped, at the input's
// position.
type Note struct {
	Pos diag.Pos
	Msg string
}

func (n Note) String() string {
	if p := n.Pos.String(); p != "" {
		return p + ": " + n.Msg
	}
	return n.Msg
}

// SLO is one imported SLO: the mongen SLO (with only what the input says:
// CUE fills in the schema's defaults) and where it came from.
type SLO struct {
	model.SLO
	Pos  diag.Pos // the SLO in the input
	From Kind
}

// Result is what Convert made of the documents.
type Result struct {
	SLOs  []SLO  // sorted by service then name
	Notes []Note // sorted by position
	// Operator is true when an input was a Kubernetes resource (the
	// Sloth CRD, a Pyrra SLO): the environment then renders
	// PrometheusRules.
	Operator bool
	// Generated are the input documents of rules the source tool
	// generated (Sloth's output): Check compares with them.
	Generated []Doc
}

var (
	namePattern  = regexp.MustCompile(`^[a-z0-9]([-a-z0-9]*[a-z0-9])?$`)
	alertPattern = regexp.MustCompile(`^[a-zA-Z_][a-zA-Z0-9_]*$`)
	labelPattern = regexp.MustCompile(`^[a-zA-Z_][a-zA-Z0-9_]*$`)
	decPattern   = regexp.MustCompile(`^[0-9]+(\.[0-9]+)?$`)
)

// severityTier is the tier a severity label value names, as the rule
// importer infers it (critical P0, warning P1, info P2).
var severityTier = map[string]string{"critical": "P0", "warning": "P1", "info": "P2"}

// Convert turns the documents into mongen SLOs. Everything the input says
// is kept or named in a note; what cannot be imported (a Sloth SLI plugin,
// a Pyrra bool-gauge indicator, two SLOs with one id) is an error at its
// position, and nothing is converted.
func Convert(docs []Doc) (*Result, error) {
	c := &converter{res: &Result{}}
	for _, d := range docs {
		switch d.Kind {
		case SlothSpec, SlothCRD:
			c.sloth(d)
		case PyrraSLO:
			c.pyrra(d)
		case SlothRules:
			c.res.Generated = append(c.res.Generated, d)
		}
	}
	seen := map[string]diag.Pos{}
	for _, s := range c.res.SLOs {
		if prev, dup := seen[s.ID()]; dup {
			c.errs.Append(diag.Diagnostic{Pos: s.Pos, Msg: fmt.Sprintf("SLO id %q (service-name) is also the id of the SLO at %s", s.ID(), prev), Hint: "rename one", Related: []diag.Pos{prev}})
			continue
		}
		seen[s.ID()] = s.Pos
	}
	if err := c.errs.Err(); err != nil {
		return nil, err
	}
	if len(c.res.SLOs) == 0 {
		return nil, diag.List{diag.At(diag.Pos{File: docs[0].File}, "no SLO among the inputs: give Sloth or Pyrra specs (rules Sloth generated are only compared, with --check)")}
	}
	slices.SortFunc(c.res.SLOs, func(a, b SLO) int { return strings.Compare(a.Service+"\x00"+a.Name, b.Service+"\x00"+b.Name) })
	slices.SortStableFunc(c.res.Notes, func(a, b Note) int {
		switch {
		case a.Pos.Less(b.Pos):
			return -1
		case b.Pos.Less(a.Pos):
			return 1
		}
		return 0
	})
	return c.res, nil
}

type converter struct {
	res  *Result
	errs diag.List
}

func (c *converter) note(pos diag.Pos, format string, args ...any) {
	c.res.Notes = append(c.res.Notes, Note{Pos: pos, Msg: fmt.Sprintf(format, args...)})
}

// decimal is a number kept as its text (99.9, "99.99").
type decimal struct {
	text string
	node *yaml.Node
}

func (d *decimal) UnmarshalYAML(n *yaml.Node) error {
	d.node = n
	d.text = strings.TrimSpace(n.Value)
	return nil
}

type slothService struct {
	Version string            `yaml:"version"`
	Service string            `yaml:"service"`
	Labels  map[string]string `yaml:"labels"`
	SLOs    []slothSLO        `yaml:"slos"`
}

type slothSLO struct {
	Name        string            `yaml:"name"`
	Objective   decimal           `yaml:"objective"`
	Description string            `yaml:"description"`
	Labels      map[string]string `yaml:"labels"`
	SLI         struct {
		Raw *struct {
			ErrorRatioQuery string `yaml:"error_ratio_query"`
		} `yaml:"raw"`
		Events *struct {
			ErrorQuery string `yaml:"error_query"`
			TotalQuery string `yaml:"total_query"`
		} `yaml:"events"`
		Plugin *struct {
			ID      string            `yaml:"id"`
			Options map[string]string `yaml:"options"`
		} `yaml:"plugin"`
	} `yaml:"sli"`
	Alerting struct {
		Name        string            `yaml:"name"`
		Labels      map[string]string `yaml:"labels"`
		Annotations map[string]string `yaml:"annotations"`
		PageAlert   slothAlert        `yaml:"page_alert"`
		TicketAlert slothAlert        `yaml:"ticket_alert"`
	} `yaml:"alerting"`
}

type slothAlert struct {
	Disable bool `yaml:"disable"`
	// For is newer Sloth's (the alert_for plugin's) for of the alert.
	For         string            `yaml:"for"`
	Labels      map[string]string `yaml:"labels"`
	Annotations map[string]string `yaml:"annotations"`
}

type k8sMeta struct {
	Name        string            `yaml:"name"`
	Namespace   string            `yaml:"namespace"`
	Labels      map[string]string `yaml:"labels"`
	Annotations map[string]string `yaml:"annotations"`
}

// slothKeys are the CRD's (and the raw SLI's) camelCase names of the
// prometheus/v1 spec's fields: one decoder reads both.
var slothKeys = map[string]string{
	"errorQuery": "error_query", "totalQuery": "total_query", "errorRatioQuery": "error_ratio_query",
	"pageAlert": "page_alert", "ticketAlert": "ticket_alert",
}

func snakeKeys(n *yaml.Node) {
	if n == nil {
		return
	}
	if n.Kind == yaml.MappingNode {
		for i := 0; i+1 < len(n.Content); i += 2 {
			if s, ok := slothKeys[n.Content[i].Value]; ok {
				n.Content[i].Value = s
			}
		}
	}
	for _, c := range n.Content {
		snakeKeys(c)
	}
}

// sloth converts a prometheus/v1 spec or a PrometheusServiceLevel.
func (c *converter) sloth(d Doc) {
	specNode, path, ok := c.slothSpecNode(d)
	if !ok {
		return
	}
	snakeKeys(specNode)
	var spec slothService
	if err := d.decode(specNode, &spec, strings.TrimPrefix(path+".", "."), &c.res.Notes); err != nil {
		c.errs.AddErr(err)
		return
	}
	at := func(p ...any) diag.Pos { return d.pos(locate(specNode, p...)) }
	key := func(p ...any) diag.Pos { return d.pos(locateKey(specNode, p...)) }
	if !namePattern.MatchString(spec.Service) {
		c.errs.Add(at("service"), "service %q is not a mongen name (lower case letters, digits and -): rename it", spec.Service)
		return
	}
	for i, s := range spec.SLOs {
		sp := func(p ...any) diag.Pos { return at(append([]any{"slos", i}, p...)...) }
		sk := func(p ...any) diag.Pos { return key(append([]any{"slos", i}, p...)...) }
		if out, ok := c.slothSLO(d, spec, s, sp, sk, key); ok {
			c.res.SLOs = append(c.res.SLOs, out)
		}
	}
}

// slothSpecNode finds the spec: the document itself, or a
// PrometheusServiceLevel's spec (whose metadata is checked and whose other
// top-level fields are noted as dropped); false after an error.
func (c *converter) slothSpecNode(d Doc) (*yaml.Node, string, bool) {
	if d.Kind != SlothCRD {
		return d.Node, "", true
	}
	c.res.Operator = true
	var meta k8sMeta
	if mn := get(d.Node, "metadata"); mn != nil {
		if err := d.decode(mn, &meta, "metadata", &c.res.Notes); err != nil {
			c.errs.AddErr(err)
			return nil, "", false
		}
	}
	c.dropTop(d, "apiVersion", "kind", "metadata", "spec", "status")
	specNode := get(d.Node, "spec")
	if specNode == nil {
		c.errs.Add(d.pos(d.Node), "a PrometheusServiceLevel without spec")
		return nil, "", false
	}
	return specNode, "spec", true
}

// slothSLO converts one of the spec's SLOs; sp and sk give positions of
// its values and keys, key of the spec's keys. False after an error.
func (c *converter) slothSLO(d Doc, spec slothService, s slothSLO, sp, sk, key func(...any) diag.Pos) (SLO, bool) {
	out := SLO{Pos: sp(), From: d.Kind}
	out.Service, out.Name, out.Description = spec.Service, s.Name, strings.TrimSpace(s.Description)
	if !namePattern.MatchString(s.Name) {
		c.errs.Add(sp("name"), "SLO name %q is not a mongen name (lower case letters, digits and -): rename it", s.Name)
		return SLO{}, false
	}
	if !c.objective(s.Objective, sp("objective")) {
		return SLO{}, false
	}
	out.Objective = model.Decimal(s.Objective.text)
	out.Period = "30d"
	out.Labels = c.labels(merge(spec.Labels, s.Labels), func(k string) diag.Pos {
		if _, own := s.Labels[k]; own {
			return sk("labels", k)
		}
		return key("labels", k)
	})
	var ok bool
	if out.Indicator, ok = c.slothIndicator(s, sp); !ok {
		return SLO{}, false
	}
	a := s.Alerting
	if a.Name != "" && !alertPattern.MatchString(a.Name) {
		c.errs.Add(sp("alerting", "name"), "alert name %q is not a Prometheus alert name", a.Name)
		return SLO{}, false
	}
	out.Alerting.Labels = c.labels(a.Labels, func(k string) diag.Pos { return sk("alerting", "labels", k) })
	out.Alerting.Annotations = c.annotations(a.Annotations, func(k string) diag.Pos { return sk("alerting", "annotations", k) })
	out.Alerting.Page = c.slothBurnAlert(s, "page", "page_alert", "P0", a.PageAlert, sp, sk)
	out.Alerting.Ticket = c.slothBurnAlert(s, "ticket", "ticket_alert", "P1", a.TicketAlert, sp, sk)
	if a.Name == "" {
		c.note(sp("alerting"), "no alert name: mongen names the alerts %s", slo.AlertName(out.SLO))
	}
	return out, true
}

// slothIndicator maps the SLI: events and raw become a custom indicator;
// a plugin's queries are unknown here, so it is refused.
func (c *converter) slothIndicator(s slothSLO, sp func(...any) diag.Pos) (model.Indicator, bool) {
	switch {
	case s.SLI.Plugin != nil:
		c.errs.Add(sp("sli", "plugin"), "Sloth SLI plugin %q cannot be imported: write the queries it generates as a custom indicator (errors and total with {{.window}}, docs/slo.md#indicators)", s.SLI.Plugin.ID)
	case s.SLI.Events != nil && s.SLI.Raw != nil:
		c.errs.Add(sp("sli"), "an SLI with both events and raw: Sloth takes one")
	case s.SLI.Events != nil:
		return model.Indicator{Kind: model.IndicatorCustom, Errors: strings.TrimSpace(s.SLI.Events.ErrorQuery), Total: strings.TrimSpace(s.SLI.Events.TotalQuery)}, true
	case s.SLI.Raw != nil:
		return model.Indicator{Kind: model.IndicatorCustom, ErrorRatio: strings.TrimSpace(s.SLI.Raw.ErrorRatioQuery)}, true
	default:
		c.errs.Add(sp("sli"), "an SLI needs events (error_query and total_query) or raw (error_ratio_query)")
	}
	return model.Indicator{}, false
}

// slothBurnAlert converts the page or ticket alert (burn) of an SLO: a
// Sloth severity picks the tier, which then sets mongen's severity.
func (c *converter) slothBurnAlert(s slothSLO, burn, key, tier string, in slothAlert, sp, sk func(...any) diag.Pos) model.BurnAlert {
	a := s.Alerting
	ap := func(p ...any) diag.Pos { return sp(append([]any{"alerting", key}, p...)...) }
	apk := func(p ...any) diag.Pos { return sk(append([]any{"alerting", key}, p...)...) }
	ba := model.BurnAlert{Enabled: !in.Disable, Name: a.Name, Tier: tier}
	ba.Labels = c.labels(in.Labels, func(k string) diag.Pos { return apk("labels", k) })
	ba.Annotations = c.annotations(in.Annotations, func(k string) diag.Pos { return apk("annotations", k) })
	if sev, hasSev := merge(a.Labels, in.Labels)["severity"]; hasSev {
		pos := ap("labels", "severity")
		if _, own := in.Labels["severity"]; !own {
			pos = sp("alerting", "labels", "severity")
		}
		if t, known := severityTier[sev]; known {
			ba.Tier = t
		}
		if sev != tierSeverity(ba.Tier) {
			c.note(pos, "%s severity %q: the tier %s sets severity in mongen (%s), and routes the alert", burn, sev, ba.Tier, tierSeverity(ba.Tier))
		}
	}
	switch {
	case in.For != "":
		if _, err := commonmodel.ParseDuration(in.For); err != nil {
			c.errs.Add(ap("for"), "for %q: %v", in.For, err)
		}
		ba.For = in.For
	case burn == "ticket":
		// Sloth's ticket has no for; mongen's default is 15m.
		ba.For = "0s"
	}
	return ba
}

func tierSeverity(tier string) string {
	for sev, t := range severityTier {
		if t == tier {
			return sev
		}
	}
	return tier
}

func (c *converter) dropTop(d Doc, keep ...string) {
	for i := 0; i+1 < len(d.Node.Content); i += 2 {
		if k := d.Node.Content[i]; !slices.Contains(keep, k.Value) {
			c.note(d.pos(k), "%s is not imported", k.Value)
		}
	}
}

func (c *converter) objective(o decimal, pos diag.Pos) bool {
	if o.node != nil {
		pos = diagPos(pos, o.node)
	}
	if !decPattern.MatchString(o.text) {
		c.errs.Add(pos, "objective %q is not a decimal percentage such as 99.9", o.text)
		return false
	}
	return true
}

func diagPos(p diag.Pos, n *yaml.Node) diag.Pos {
	return diag.Pos{File: p.File, Line: n.Line, Col: n.Column}
}

func merge(ms ...map[string]string) map[string]string {
	out := map[string]string{}
	for _, m := range ms {
		maps.Copy(out, m)
	}
	return out
}

// labels keeps the labels mongen lets an SLO carry: severity is the
// tier's, slo_* are mongen's (an error), and sloth_* stay as written.
func (c *converter) labels(in map[string]string, pos func(string) diag.Pos) map[string]string {
	out := map[string]string{}
	for _, k := range slices.Sorted(maps.Keys(in)) {
		switch {
		case k == "severity":
			continue // the tier's: noted by the caller
		case !labelPattern.MatchString(k):
			c.errs.Add(pos(k), "label %q is not a Prometheus label name", k)
		case strings.HasPrefix(k, "slo_"):
			c.errs.Add(pos(k), "label %q: slo_* labels are mongen's own (slo_id, slo_burn, ...): rename it", k)
		case credgate.Field([]string{"labels", k}, in[k]) != "":
			c.errs.Add(pos(k), "label %s holds %s: mongen never writes a credential into CUE or rules; route with a label naming the team and keep the key in the receiver's Secret (the value is not shown)", k, credgate.Field([]string{"labels", k}, in[k]))
		default:
			out[k] = in[k]
		}
	}
	return out
}

func (c *converter) annotations(in map[string]string, pos func(string) diag.Pos) map[string]string {
	out := map[string]string{}
	for _, k := range slices.Sorted(maps.Keys(in)) {
		if !labelPattern.MatchString(k) {
			c.errs.Add(pos(k), "annotation %q is not a Prometheus label name", k)
			continue
		}
		out[k] = in[k]
	}
	return out
}

type pyrraSpec struct {
	Description string  `yaml:"description"`
	Target      decimal `yaml:"target"`
	Window      string  `yaml:"window"`
	Indicator   struct {
		Ratio *struct {
			Errors   pyrraMetric `yaml:"errors"`
			Total    pyrraMetric `yaml:"total"`
			Grouping []string    `yaml:"grouping"`
		} `yaml:"ratio"`
		Latency *struct {
			Success  pyrraMetric `yaml:"success"`
			Total    pyrraMetric `yaml:"total"`
			Grouping []string    `yaml:"grouping"`
		} `yaml:"latency"`
		LatencyNative *yaml.Node `yaml:"latencyNative"`
		BoolGauge     *yaml.Node `yaml:"bool_gauge"`
	} `yaml:"indicator"`
	Alerting struct {
		Name      string     `yaml:"name"`
		Disabled  *bool      `yaml:"disabled"`
		Burnrates *bool      `yaml:"burnrates"`
		Absent    *yaml.Node `yaml:"absent"`
	} `yaml:"alerting"`
}

type pyrraMetric struct {
	Metric string `yaml:"metric"`
}

// pyrra converts a ServiceLevelObjective. Its service is the namespace
// (default when none), its name the resource's.
func (c *converter) pyrra(d Doc) {
	meta, spec, ok := c.pyrraSpec(d)
	if !ok {
		return
	}
	at := func(p ...any) diag.Pos { return d.pos(locate(d.Node, p...)) }
	svc := meta.Namespace
	if svc == "" {
		svc = "default"
	}
	out := SLO{Pos: at("metadata", "name"), From: PyrraSLO}
	out.Service, out.Name, out.Description = svc, meta.Name, strings.TrimSpace(spec.Description)
	if !namePattern.MatchString(out.Name) || !namePattern.MatchString(svc) {
		c.errs.Add(at("metadata"), "%s/%s: the namespace and name become the SLO's service and name, which must be mongen names (lower case letters, digits and -)", svc, out.Name)
		return
	}
	if !c.objective(spec.Target, at("spec", "target")) {
		return
	}
	out.Objective = model.Decimal(spec.Target.text)
	out.Period = spec.Window
	if out.Period == "" {
		out.Period = "30d"
	}
	if len(meta.Labels) > 0 {
		c.note(at("metadata", "labels"), "metadata.labels select the PrometheusRule Pyrra writes (for the Prometheus operator): the environment's selector does that in mongen")
	}
	c.note(at("spec"), "Pyrra gives each window pair its own alert with its own for and scales the windows with the SLO's window; mongen has one page (1h/5m, 6h/30m) and one ticket (1d/2h, 3d/6h) alert (docs/slo.md#alerts)")
	if out.Indicator, ok = c.pyrraIndicator(spec, at); !ok {
		return
	}
	name := spec.Alerting.Name
	if name != "" && !alertPattern.MatchString(name) {
		c.errs.Add(at("spec", "alerting", "name"), "alert name %q is not a Prometheus alert name", name)
		return
	}
	enabled := (spec.Alerting.Disabled == nil || !*spec.Alerting.Disabled) && (spec.Alerting.Burnrates == nil || *spec.Alerting.Burnrates)
	out.Alerting.Page = model.BurnAlert{Enabled: enabled, Name: name, Tier: "P0"}
	out.Alerting.Ticket = model.BurnAlert{Enabled: enabled, Name: name, Tier: "P1"}
	if spec.Alerting.Absent != nil {
		c.note(at("spec", "alerting", "absent"), "absent alerts are not imported: mongen's target checks report a job without series")
	}
	c.res.SLOs = append(c.res.SLOs, out)
}

// pyrraSpec decodes a ServiceLevelObjective's metadata and spec, noting
// the other top-level fields as dropped; false after an error.
func (c *converter) pyrraSpec(d Doc) (k8sMeta, pyrraSpec, bool) {
	c.res.Operator = true
	var meta k8sMeta
	if mn := get(d.Node, "metadata"); mn != nil {
		if err := d.decode(mn, &meta, "metadata", &c.res.Notes); err != nil {
			c.errs.AddErr(err)
			return k8sMeta{}, pyrraSpec{}, false
		}
	}
	c.dropTop(d, "apiVersion", "kind", "metadata", "spec", "status")
	specNode := get(d.Node, "spec")
	if specNode == nil {
		c.errs.Add(d.pos(d.Node), "a ServiceLevelObjective without spec")
		return k8sMeta{}, pyrraSpec{}, false
	}
	var spec pyrraSpec
	if err := d.decode(specNode, &spec, "spec", &c.res.Notes); err != nil {
		c.errs.AddErr(err)
		return k8sMeta{}, pyrraSpec{}, false
	}
	return meta, spec, true
}

// pyrraIndicator maps ratio and latency indicators; Pyrra's others have
// no mongen indicator yet, so they are refused. False after an error.
func (c *converter) pyrraIndicator(spec pyrraSpec, at func(...any) diag.Pos) (model.Indicator, bool) {
	ind := spec.Indicator
	switch {
	case ind.Ratio != nil:
		r := ind.Ratio
		return model.Indicator{Kind: model.IndicatorRatio, Errors: r.Errors.Metric, Total: r.Total.Metric, GroupBy: r.Grouping}, true
	case ind.Latency != nil:
		l := ind.Latency
		i, err := pyrraLatency(l.Success.Metric, l.Total.Metric)
		if err != nil {
			c.errs.Add(at("spec", "indicator", "latency"), "%v", err)
			return model.Indicator{}, false
		}
		i.GroupBy = l.Grouping
		if i.Kind == model.IndicatorLatency && !strings.Contains(i.Threshold, ".") {
			c.note(at("spec", "indicator", "latency", "success", "metric"), "le=%q: Prometheus 3 stores an integer bound as %q; write threshold: %q if your Prometheus does (docs/slo.md#indicators)", i.Threshold, i.Threshold+".0", i.Threshold+".0")
		}
		return i, true
	case ind.LatencyNative != nil, ind.BoolGauge != nil:
		c.errs.Add(at("spec", "indicator"), "Pyrra's latencyNative and bool_gauge indicators cannot be imported yet: write the SLI as a custom indicator (docs/slo.md#indicators)")
	default:
		c.errs.Add(at("spec", "indicator"), "an indicator needs ratio or latency")
	}
	return model.Indicator{}, false
}

// pyrraLatency reads Pyrra's latency indicator: success selects a
// histogram's bucket at one le, total its _count with the same other
// matchers. It becomes a latency indicator; other pairs become a custom
// one (errors: total minus success).
func pyrraLatency(success, total string) (model.Indicator, error) {
	p := parser.NewParser(parser.Options{})
	parse := func(what, s string) (*parser.VectorSelector, error) {
		e, err := p.ParseExpr(s)
		if err != nil {
			return nil, fmt.Errorf("%s %q: %w", what, s, err)
		}
		vs, ok := e.(*parser.VectorSelector)
		if !ok {
			return nil, fmt.Errorf("%s %q is not a vector selector", what, s)
		}
		return vs, nil
	}
	sv, err := parse("success.metric", success)
	if err != nil {
		return model.Indicator{}, err
	}
	tv, err := parse("total.metric", total)
	if err != nil {
		return model.Indicator{}, err
	}
	le := ""
	var rest []*labels.Matcher
	for _, m := range sv.LabelMatchers {
		switch {
		case m.Name == "le" && m.Type == labels.MatchEqual:
			le = m.Value
		case m.Name != commonmodel.MetricNameLabel:
			rest = append(rest, m)
		}
	}
	var totalRest []*labels.Matcher
	for _, m := range tv.LabelMatchers {
		if m.Name != commonmodel.MetricNameLabel {
			totalRest = append(totalRest, m)
		}
	}
	family, isBucket := strings.CutSuffix(slo.MetricName(sv), "_bucket")
	if le != "" && isBucket && slo.MetricName(tv) == family+"_count" && sameMatchers(rest, totalRest) {
		bucket := &parser.VectorSelector{Name: family + "_bucket", LabelMatchers: rest}
		return model.Indicator{Kind: model.IndicatorLatency, Bucket: bucket.String(), Threshold: le}, nil
	}
	w := "[" + slo.WindowPlaceholder + "]"
	return model.Indicator{
		Kind:   model.IndicatorCustom,
		Errors: "sum(rate(" + total + w + ")) - sum(rate(" + success + w + "))",
		Total:  "sum(rate(" + total + w + "))",
	}, nil
}

func sameMatchers(a, b []*labels.Matcher) bool {
	key := func(ms []*labels.Matcher) []string {
		var out []string
		for _, m := range ms {
			out = append(out, m.String())
		}
		slices.Sort(out)
		return out
	}
	return slices.Equal(key(a), key(b))
}
