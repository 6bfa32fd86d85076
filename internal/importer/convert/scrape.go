package convert

import (
	"fmt"
	"regexp"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/mongen-dev/mongen/internal/diag"
	"github.com/mongen-dev/mongen/internal/expand"
	"github.com/mongen-dev/mongen/internal/importer/read"
	"github.com/mongen-dev/mongen/internal/model"
)

// SecretItem is one line of the credentials checklist: a Secret key the
// user must create, because the input held a literal credential there
// (never copied) or read it from a file mongen cannot mount.
type SecretItem struct {
	Pos    string
	Secret string
	Key    string
	Why    string
}

func (s SecretItem) String() string {
	return fmt.Sprintf("%s: create Secret %s with key %s (%s)", s.Pos, s.Secret, s.Key, s.Why)
}

// secretPath splits /etc/prometheus/secrets/<secret>/<key>, where mongen
// mounts Secrets, into its parts.
var secretPath = regexp.MustCompile(`^` + regexp.QuoteMeta(expand.SecretsDir) + `/([a-z0-9]([-a-z0-9]*[a-z0-9])?)/([-._a-zA-Z0-9]+)$`)

// scrapeTarget holds what one prometheus.yml scrape config became.
type scrapeResult struct {
	targets    map[string]model.Target
	federation map[string]model.Federation
	raw        map[string]string
}

// scrapeKeys are the scrape config fields a #Target or #Federation
// expresses; a config with any other field is kept raw.
var scrapeKeys = map[string]bool{
	"job_name": true, "scrape_interval": true, "scrape_timeout": true, "metrics_path": true, "scheme": true,
	"honor_labels": true, "params": true, "static_configs": true, "relabel_configs": true,
	"metric_relabel_configs": true, "tls_config": true, "basic_auth": true, "authorization": true,
}

// convertScrapeConfigs turns a prometheus.yml's scrape configs into
// targets (static_configs), federation jobs (/federate with match[]) and,
// for everything else (kubernetes_sd, file_sd and the rest), raw scrape
// configs with literal credentials replaced by Secret file paths.
func (imp *Import) convertScrapeConfigs(f read.File, res *scrapeResult) error {
	d := f.Doc
	root := read.ResolveAlias(d.Root)
	imp.unimportedSections(d, root) // credentials.go
	sc := read.ResolveAlias(read.Get(root, "scrape_configs"))
	if sc == nil {
		return nil
	}
	if err := d.Expect(sc, yaml.SequenceNode, "scrape_configs"); err != nil {
		return err
	}
	for _, j := range sc.Content {
		if err := imp.convertScrapeConfig(d, root, read.ResolveAlias(j), res); err != nil {
			return err
		}
	}
	return nil
}

// convertScrapeConfig converts one scrape config into res: a target or a
// federation job when mongen can say it, else a raw scrape config, with a
// note saying which and why.
func (imp *Import) convertScrapeConfig(d read.Doc, root, j *yaml.Node, res *scrapeResult) error {
	if err := d.Expect(j, yaml.MappingNode, "a scrape config"); err != nil {
		return err
	}
	name, err := d.Scalar(read.Get(j, "job_name"), "job_name")
	if err != nil {
		return err
	}
	if name == "" {
		return d.Errorf(j, "scrape config has no job_name")
	}
	// Credentials become Secret references first (credentials.go).
	if j, err = imp.scrubScrapeConfig(d, j, name); err != nil {
		return err
	}
	if _, dup := res.targets[name]; dup || res.raw[name] != "" || res.federation[name].Addresses != nil {
		return d.Errorf(j, "job_name %q is used twice", name)
	}
	why, err := imp.scrapeConfigTarget(d, root, j, name, res)
	if err != nil || why == "" {
		return err
	}
	raw, err := imp.rawScrapeConfig(d, j, name)
	if err != nil {
		return err
	}
	res.raw[name] = raw
	imp.note(d.Pos(j), NoteWarning, "scrape config %s is kept as a raw scrape config (%s): rendered verbatim by the plain flavour only", name, why)
	return nil
}

// scrapeConfigTarget turns a scrape config into a Kubernetes target, a
// static target or a federation job in res, and returns ""; or it
// returns why none of them can say it.
func (imp *Import) scrapeConfigTarget(d read.Doc, root, j *yaml.Node, name string, res *scrapeResult) (string, error) {
	if read.Get(j, "kubernetes_sd_configs") == nil {
		if why := imp.expressible(d, j); why != "" {
			return why, nil
		}
		return imp.scrapeToTarget(d, j, name, res)
	}
	interval := "1m" // Prometheus's default
	if v, _ := d.Scalar(read.Get(read.Get(root, "global"), "scrape_interval"), "scrape_interval"); v != "" {
		interval = v
	}
	t, classic, reason := imp.kubernetesTarget(d, j, name, interval)
	if reason != "" {
		return "it has kubernetes_sd_configs, and " + reason, nil
	}
	res.targets[name] = t
	if classic {
		node := ""
		if t.Kind == model.KindService {
			node = " (and node, on a Node's address)"
		}
		imp.note(d.Pos(j), NoteChange, "scrape config %s becomes %s target %s (it renders to the same scrape config, proven with Prometheus's config parser, but for the steps every target adds, as a ServiceMonitor or PodMonitor does: its series gain endpoint=%q%s, and finished Pods are no longer scraped)", name, t.Kind, name, t.Port, node)
		return "", nil
	}
	imp.note(d.Pos(j), NoteChange, "scrape config %s becomes %s target %s (it renders to the same scrape config, proven with Prometheus's config parser)", name, t.Kind, name)
	return "", nil
}

// expressible says why a scrape config cannot be a target, or "".
func (imp *Import) expressible(d read.Doc, j *yaml.Node) string {
	for _, kv := range read.Fields(j) {
		if !scrapeKeys[kv[0].Value] {
			return "it has " + kv[0].Value
		}
	}
	st := read.ResolveAlias(read.Get(j, "static_configs"))
	if st == nil || st.Kind != yaml.SequenceNode || len(st.Content) == 0 {
		return "it has no static_configs"
	}
	if len(st.Content) > 1 {
		return "it has several static_configs"
	}
	return ""
}

// scrapeToTarget converts a static job into a static target or a
// federation job; it returns why not when its fields do not map.
func (imp *Import) scrapeToTarget(d read.Doc, j *yaml.Node, name string, res *scrapeResult) (string, error) {
	st := read.ResolveAlias(read.Get(j, "static_configs")).Content[0]
	var addrs []string
	if ts := read.ResolveAlias(read.Get(st, "targets")); ts != nil && ts.Kind == yaml.SequenceNode {
		for _, t := range ts.Content {
			addrs = append(addrs, t.Value)
		}
	}
	labels, _, err := d.StringMap(read.Get(st, "labels"), "labels")
	if err != nil {
		return "", err
	}
	if len(addrs) == 0 {
		return "its static_configs have no targets", nil
	}
	// A target's or federation job's key is its job (schemas'
	// #TargetLabels refuses labels.job). Prometheus fills job from
	// job_name only where no target label set it, so a job label equal to
	// the name, or empty, says nothing the key does not; another would
	// rename the series.
	if job, ok := labels["job"]; ok {
		if job != "" && job != name {
			return fmt.Sprintf("its static_configs' labels set job to %q, where a target's job is its name", job), nil
		}
		delete(labels, "job")
	}
	t := model.Target{Kind: model.KindStatic, Addresses: addrs, Labels: labels}
	if why := imp.scrapeFields(d, j, name, &t); why != "" {
		return why, nil
	}
	if t.Path == "/federate" && len(t.Params["match[]"]) > 0 && len(t.Params) == 1 && read.Get(j, "relabel_configs") == nil && t.MetricRelabel == nil && t.BearerToken == nil && t.HonorLabels {
		res.federation[name] = model.Federation{Addresses: addrs, Match: t.Params["match[]"], Scheme: t.Scheme,
			Interval: t.Interval, Timeout: t.Timeout, TLS: t.TLS, BasicAuth: t.BasicAuth, Labels: labels}
		imp.note(d.Pos(j), NoteChange, "scrape config %s becomes federation job %s", name, name)
		return "", nil
	}
	var ok bool
	if t.Relabel, ok = relabels(d, read.Get(j, "relabel_configs"), false); !ok {
		return "a relabel step has a field #Relabel lacks", nil
	}
	res.targets[name] = t
	imp.note(d.Pos(j), NoteChange, "scrape config %s becomes static target %s", name, name)
	return "", nil
}

// scrapeFields reads onto t what static and kubernetes_sd jobs share:
// metrics path, scheme, intervals, honor_labels, params, metric
// relabelling, TLS files, basic auth and bearer authorization. It returns
// why not when one of them does not map onto a target.
func (imp *Import) scrapeFields(d read.Doc, j *yaml.Node, name string, t *model.Target) string {
	s := func(key string) string { v, _ := d.Scalar(read.Get(j, key), key); return v }
	t.Path, t.Scheme, t.Interval, t.Timeout = s("metrics_path"), s("scheme"), s("scrape_interval"), s("scrape_timeout")
	t.HonorLabels = s("honor_labels") == "true"
	var ok bool
	if t.Params, ok = paramsOf(read.Get(j, "params")); !ok {
		return "a param is not a list of values"
	}
	if t.MetricRelabel, ok = relabels(d, read.Get(j, "metric_relabel_configs"), false); !ok {
		return "a metric relabel step has a field #Relabel lacks"
	}
	if a := read.Get(j, "authorization"); a != nil {
		if typ, _ := d.Scalar(read.Get(a, "type"), "type"); typ != "" && typ != "Bearer" {
			return "its authorization type is " + typ
		}
	}
	if t.TLS, ok = imp.tlsFiles(d, read.Get(j, "tls_config")); !ok {
		return "its TLS files are not mounted Secret keys"
	}
	t.BasicAuth = imp.basicAuth(d, read.Get(j, "basic_auth"), name)
	t.BearerToken = imp.authorization(d, read.Get(j, "authorization"), name)
	return ""
}

// paramsOf reads scrape params ({name: [values]}); nil when there are
// none, false when a value is not a list.
func paramsOf(n *yaml.Node) (map[string][]string, bool) {
	var out map[string][]string
	for _, kv := range read.Fields(read.ResolveAlias(n)) {
		v := read.ResolveAlias(kv[1])
		if v.Kind != yaml.SequenceNode {
			return nil, false
		}
		if out == nil {
			out = map[string][]string{}
		}
		for _, x := range v.Content {
			out[kv[0].Value] = append(out[kv[0].Value], x.Value)
		}
	}
	return out, true
}

// tlsFiles maps a tls_config whose files are mounted Secret keys.
func (imp *Import) tlsFiles(d read.Doc, n *yaml.Node) (*model.TLS, bool) {
	n = read.ResolveAlias(n)
	if n == nil {
		return nil, true
	}
	t := &model.TLS{}
	for _, kv := range read.Fields(n) {
		v := kv[1].Value
		switch kv[0].Value {
		case "server_name":
			t.ServerName = v
		case "insecure_skip_verify":
			t.InsecureSkipVerify = v == "true"
		case "ca_file", "cert_file", "key_file":
			if v == model.ServiceAccountCAFile && kv[0].Value == "ca_file" {
				t.CAFromServiceAccount = true
				continue
			}
			m := secretPath.FindStringSubmatch(v)
			if m == nil || (t.Secret != "" && t.Secret != m[1]) {
				return nil, false
			}
			t.Secret = m[1]
			switch kv[0].Value {
			case "ca_file":
				t.CAKey = m[3]
			case "cert_file":
				t.CertKey = m[3]
			default:
				t.KeyKey = m[3]
			}
		default:
			return nil, false
		}
	}
	return t, true
}

// basicAuth turns basic_auth into Secret references: files already under
// the Secrets mount map directly; anything else (a literal username or
// password, another file) becomes a key of Secret scrape-<job> on the
// checklist. A literal value is never copied.
func (imp *Import) basicAuth(d read.Doc, n *yaml.Node, job string) *model.BasicAuth {
	n = read.ResolveAlias(n)
	if n == nil {
		return nil
	}
	ref := func(field, fileField, key string) model.SecretRef {
		if f, _ := d.Scalar(read.Get(n, fileField), fileField); f != "" {
			if m := secretPath.FindStringSubmatch(f); m != nil {
				return model.SecretRef{Secret: m[1], Key: m[3]}
			}
			return imp.secret(d.Pos(read.Get(n, fileField)), job, key, fmt.Sprintf("%s read %s", fileField, f))
		}
		why := "the input had its value, which is not copied"
		if read.Get(n, field) == nil {
			why = "the input had none"
		}
		return imp.secret(d.Pos(n), job, key, why)
	}
	return &model.BasicAuth{Username: ref("username", "username_file", "username"), Password: ref("password", "password_file", "password")}
}

func (imp *Import) authorization(d read.Doc, n *yaml.Node, job string) *model.SecretRef {
	n = read.ResolveAlias(n)
	if n == nil {
		return nil
	}
	if f, _ := d.Scalar(read.Get(n, "credentials_file"), "credentials_file"); f != "" {
		if m := secretPath.FindStringSubmatch(f); m != nil {
			return &model.SecretRef{Secret: m[1], Key: m[3]}
		}
		r := imp.secret(d.Pos(n), job, "token", "credentials_file read "+f)
		return &r
	}
	r := imp.secret(d.Pos(n), job, "token", "the input had the token's value, which is not copied")
	return &r
}

func (imp *Import) secret(pos, job, key, why string) model.SecretRef {
	return imp.secretIn(pos, SecretName(job), key, why)
}

func (imp *Import) secretIn(pos, name, key, why string) model.SecretRef {
	imp.Secrets = append(imp.Secrets, SecretItem{Pos: pos, Secret: name, Key: key, Why: why})
	return model.SecretRef{Secret: name, Key: key}
}

// secretName is the Secret an imported job's credentials go in.
func SecretName(job string) string { return "scrape-" + GroupKey(job) }

var relabelKeys = map[string]string{
	"action": "action", "source_labels": "sourceLabels", "separator": "separator", "target_label": "targetLabel",
	"regex": "regex", "modulus": "modulus", "replacement": "replacement",
}

var relabelActions = map[string]bool{
	"replace": true, "keep": true, "drop": true, "hashmod": true, "labelmap": true, "labeldrop": true,
	"labelkeep": true, "lowercase": true, "uppercase": true, "keepequal": true, "dropequal": true,
}

// relabels maps relabel_configs (camel: the operator's relabelings) onto
// #Relabel steps; false when a step has a field #Relabel lacks.
func relabels(d read.Doc, n *yaml.Node, camel bool) ([]model.Relabel, bool) {
	n = read.ResolveAlias(n)
	if n == nil {
		return nil, true
	}
	if n.Kind != yaml.SequenceNode {
		return nil, false
	}
	var out []model.Relabel
	for _, step := range n.Content {
		r, ok := relabelStep(read.ResolveAlias(step), camel)
		if !ok {
			return nil, false
		}
		out = append(out, r)
	}
	return out, true
}

// relabelStep maps one relabel step; its action defaults to replace, as
// in Prometheus.
func relabelStep(step *yaml.Node, camel bool) (model.Relabel, bool) {
	if step.Kind != yaml.MappingNode {
		return model.Relabel{}, false
	}
	r := model.Relabel{Action: "replace"}
	for _, kv := range read.Fields(step) {
		key, ok := relabelKey(kv[0].Value, camel)
		if !ok {
			return model.Relabel{}, false
		}
		if !setRelabelField(&r, key, read.ResolveAlias(kv[1])) {
			return model.Relabel{}, false
		}
	}
	return r, true
}

// relabelKey is a step's key in Prometheus's snake case (the operator's
// relabelings spell it in camel case); false for a key #Relabel lacks.
func relabelKey(key string, camel bool) (string, bool) {
	if !camel {
		_, ok := relabelKeys[key]
		return key, ok
	}
	found := false
	for snake, c := range relabelKeys {
		if c == key {
			key, found = snake, true
		}
	}
	return key, found
}

// setRelabelField sets one field of r from its YAML value; false when the
// value is not one #Relabel can hold (unknown action, bad modulus, ...).
func setRelabelField(r *model.Relabel, key string, v *yaml.Node) bool {
	switch key {
	case "action":
		r.Action = strings.ToLower(v.Value)
		if !relabelActions[r.Action] {
			return false
		}
	case "source_labels":
		if v.Kind != yaml.SequenceNode {
			return false
		}
		for _, x := range v.Content {
			r.SourceLabels = append(r.SourceLabels, x.Value)
		}
	case "separator":
		s := v.Value
		r.Separator = &s
	case "target_label":
		r.TargetLabel = v.Value
	case "regex":
		s := v.Value
		r.Regex = &s
	case "replacement":
		s := v.Value
		r.Replacement = &s
	case "modulus":
		var m uint64
		if _, err := fmt.Sscan(v.Value, &m); err != nil {
			return false
		}
		r.Modulus = m
	}
	return true
}

// rawCredentials are scrape config fields holding a credential's value,
// and the file field that replaces each.
var rawCredentials = map[string]string{"password": "password_file", "credentials": "credentials_file", "bearer_token": "bearer_token_file", "client_secret": "client_secret_file"}

// rawScrapeConfig keeps a scrape config as YAML, with every literal
// credential replaced by a file in Secret scrape-<job>.
func (imp *Import) rawScrapeConfig(d read.Doc, j *yaml.Node, name string) (string, error) {
	var replace func(n *yaml.Node)
	replace = func(n *yaml.Node) {
		n = read.ResolveAlias(n)
		switch n.Kind {
		case yaml.MappingNode:
			for i := 0; i+1 < len(n.Content); i += 2 {
				k, v := n.Content[i], read.ResolveAlias(n.Content[i+1])
				if file, ok := rawCredentials[k.Value]; ok && v.Kind == yaml.ScalarNode && v.Value != "" {
					ref := imp.secret(d.Pos(k), name, k.Value, "the input had the value of "+k.Value+", which is not copied")
					n.Content[i] = &yaml.Node{Kind: yaml.ScalarNode, Value: file}
					n.Content[i+1] = &yaml.Node{Kind: yaml.ScalarNode, Value: expand.SecretPath(ref.Secret, ref.Key)}
					continue
				}
				replace(v)
			}
		case yaml.SequenceNode:
			for _, c := range n.Content {
				replace(c)
			}
		}
	}
	// Work on a copy: the input stays as read.
	cp := deepCopy(j)
	replace(cp)
	out, err := yaml.Marshal(cp)
	if err != nil {
		return "", diag.List{{Pos: d.At(j), Msg: err.Error()}}
	}
	return string(out), nil
}

// deepCopy copies a node tree with its positions, resolving aliases.
func deepCopy(n *yaml.Node) *yaml.Node {
	n = read.ResolveAlias(n)
	c := *n
	c.Content = make([]*yaml.Node, len(n.Content))
	for i, x := range n.Content {
		c.Content[i] = deepCopy(x)
	}
	c.Anchor = ""
	return &c
}
