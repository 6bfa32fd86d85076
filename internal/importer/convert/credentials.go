package convert

import (
	"fmt"
	"net/url"
	"regexp"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/mongen-dev/mongen/internal/credgate"
	"github.com/mongen-dev/mongen/internal/expand"
	"github.com/mongen-dev/mongen/internal/importer/read"
)

// userinfoAddress splits user[:password]@host:port, a scrape target with
// its credentials in it.
var userinfoAddress = regexp.MustCompile(`^([^\s/@]+)@([^\s/@]+)$`)

// scrubScrapeConfig returns a copy of scrape config j with every
// credential the credential gate knows turned into a Secret reference on
// the checklist, before the config becomes a target, a federation job or
// a raw config:
//   - user info in a static target address becomes basic_auth files
//     (Secret scrape-<job>, keys username and password);
//   - http_headers secrets, and the values of Authorization-like headers,
//     become header files;
//   - a token param, a literal relabelled into a token param or a
//     credential-named label, and a credential-named static label cannot
//     be read from a file in Prometheus: they are left out, with a
//     warning, and their Secret key is on the checklist;
//
// any other credential (a proxy URL with a password, say) is an error at
// its position: it cannot be kept without copying it.
func (imp *Import) scrubScrapeConfig(d read.Doc, j *yaml.Node, job string) (*yaml.Node, error) {
	sc := &scrubber{imp: imp, d: d, j: deepCopy(j), job: job}
	if err := sc.userInfo(); err != nil {
		return nil, err
	}
	sc.headers()
	sc.params()
	sc.relabelling()
	sc.staticLabels()
	return sc.j, sc.rest()
}

// scrubber takes the credentials out of one scrape config (j, a copy of
// the input's), one kind per step.
type scrubber struct {
	imp *Import
	d   read.Doc
	j   *yaml.Node
	job string
}

// secretFile puts the Secret key for the value at n on the checklist and
// returns the file Prometheus reads it from.
func (sc *scrubber) secretFile(n *yaml.Node, key, why string) string {
	ref := sc.imp.secret(sc.d.Pos(n), sc.job, key, why)
	return expand.SecretPath(ref.Secret, ref.Key)
}

// userInfo strips user info from target addresses and reads it as
// basic_auth from a Secret instead.
func (sc *scrubber) userInfo() error {
	imp, d, j, job := sc.imp, sc.d, sc.j, sc.job
	stripped := false
	var first *yaml.Node
	for _, st := range read.Seq(read.Get(j, "static_configs")) {
		for _, t := range read.Seq(read.Get(st, "targets")) {
			if m := userinfoAddress.FindStringSubmatch(t.Value); m != nil && t.Kind == yaml.ScalarNode {
				t.Value, t.Style = m[2], 0
				if first == nil {
					first = t
				}
				stripped = true
			}
		}
	}
	if stripped {
		if read.Get(j, "basic_auth") != nil || read.Get(j, "authorization") != nil || read.Get(j, "oauth2") != nil {
			return d.Errorf(first, "scrape config %s: a target address carries a user name or password besides the job's own authentication: remove it from the address (the value is not shown)", job)
		}
		why := "a target address had user info, which is not copied"
		auth := &yaml.Node{Kind: yaml.MappingNode, Line: first.Line, Column: first.Column}
		auth.Content = []*yaml.Node{
			scalar("username_file"), scalar(sc.secretFile(first, "username", why)),
			scalar("password_file"), scalar(sc.secretFile(first, "password", why)),
		}
		j.Content = append(j.Content, scalar("basic_auth"), auth)
		imp.note(d.Pos(first), NoteChange, "scrape config %s: the user info of its target addresses becomes basic_auth read from Secret %s", job, SecretName(job))
	}
	return nil
}

// headers turns http_headers secrets, and the values of
// Authorization-like headers, into header files.
func (sc *scrubber) headers() {
	j := sc.j
	for _, h := range read.Fields(read.ResolveAlias(read.Get(j, "http_headers"))) {
		name, hv := h[0].Value, read.ResolveAlias(h[1])
		if hv == nil || hv.Kind != yaml.MappingNode {
			continue
		}
		var files *yaml.Node
		var keep []*yaml.Node
		for i := 0; i+1 < len(hv.Content); i += 2 {
			k, v := hv.Content[i], read.ResolveAlias(hv.Content[i+1])
			isSecret := k.Value == "secrets" || (k.Value == "values" && credgate.Field([]string{"http_headers", name, "values", credgate.Index}, "x") != "")
			switch {
			case k.Value == "files":
				files = v
				keep = append(keep, k, v)
			case isSecret && v.Kind == yaml.SequenceNode:
				for n, s := range v.Content {
					key := fmt.Sprintf("header-%s-%d", GroupKey(strings.ToLower(name)), n)
					if files == nil {
						files = &yaml.Node{Kind: yaml.SequenceNode}
						keep = append(keep, scalar("files"), files)
					}
					files.Content = append(files.Content, scalar(sc.secretFile(s, key, "the input had the value of header "+name+", which is not copied")))
				}
			default:
				keep = append(keep, k, v)
			}
		}
		hv.Content = keep
	}
}

// params leaves out token params: Prometheus cannot read a param from a
// file.
func (sc *scrubber) params() {
	imp, d, j, job := sc.imp, sc.d, sc.j, sc.job
	if p := read.ResolveAlias(read.Get(j, "params")); p != nil && p.Kind == yaml.MappingNode {
		var keep []*yaml.Node
		for i := 0; i+1 < len(p.Content); i += 2 {
			k := p.Content[i]
			if credgate.TokenParam(k.Value) {
				imp.secret(d.Pos(k), job, "param-"+GroupKey(k.Value), "the input had the value of param "+k.Value+"; it is not copied, and Prometheus cannot read a param from a file")
				imp.note(d.Pos(k), NoteWarning, "scrape config %s: param %s holds a credential, which Prometheus can only send literally: it is left out; authenticate the job with authorization or basic_auth from Secret %s instead", job, k.Value, SecretName(job))
				continue
			}
			keep = append(keep, k, p.Content[i+1])
		}
		p.Content = keep
	}
}

// relabelling leaves out relabelling steps that write a literal
// credential into a token param or a credential label.
func (sc *scrubber) relabelling() {
	imp, d, j, job := sc.imp, sc.d, sc.j, sc.job
	for _, key := range []string{"relabel_configs", "metric_relabel_configs"} {
		rc := read.ResolveAlias(read.Get(j, key))
		if rc == nil || rc.Kind != yaml.SequenceNode {
			continue
		}
		var keep []*yaml.Node
		for _, step := range rc.Content {
			step := read.ResolveAlias(step)
			if _, what := credgate.Relabel(func(f string) (string, bool) {
				v := read.Get(step, f)
				if v == nil {
					return "", false
				}
				return v.Value, true
			}); what != "" {
				target := read.Get(step, "target_label").Value
				imp.secret(d.Pos(step), job, "relabel-"+GroupKey(strings.ToLower(target)), "the input relabelled a literal credential into "+target+"; it is not copied, and Prometheus cannot relabel from a file")
				imp.note(d.Pos(step), NoteWarning, "scrape config %s: a relabelling writes a literal credential into %s: it is left out; authenticate the job with authorization or basic_auth from Secret %s instead", job, target, SecretName(job))
				continue
			}
			keep = append(keep, step)
		}
		rc.Content = keep
	}
}

// staticLabels leaves out credential-named static labels.
func (sc *scrubber) staticLabels() {
	imp, d, j, job := sc.imp, sc.d, sc.j, sc.job
	for _, st := range read.Seq(read.Get(j, "static_configs")) {
		l := read.ResolveAlias(read.Get(st, "labels"))
		if l == nil || l.Kind != yaml.MappingNode {
			continue
		}
		var keep []*yaml.Node
		for i := 0; i+1 < len(l.Content); i += 2 {
			k := l.Content[i]
			if credgate.Key(k.Value) {
				imp.secret(d.Pos(k), job, "label-"+GroupKey(strings.ToLower(k.Value)), "the input had the value of label "+k.Value+"; it is not copied, and a label cannot be read from a file")
				imp.note(d.Pos(k), NoteWarning, "scrape config %s: label %s holds a credential: it is left out (a label is stored with every series)", job, k.Value)
				continue
			}
			keep = append(keep, k, l.Content[i+1])
		}
		l.Content = keep
	}
}

// rest is an error for any other credential the gate knows: it cannot be
// kept without copying it, so nothing is written.
func (sc *scrubber) rest() error {
	d, j, job := sc.d, sc.j, sc.job
	var ferr error
	walkScalars(j, nil, func(n *yaml.Node, path []string) {
		if ferr != nil || n.Value == "" {
			return
		}
		if rawCredentials[lastKey(path)] != "" {
			return // rawScrapeConfig and basicAuth turn these into files
		}
		if what := credgate.Field(path, n.Value); what != "" {
			ferr = d.Errorf(n, "scrape config %s: %s holds a credential (%s) that cannot be read from a Secret: remove it from the input (the value is not shown)", job, strings.Join(path, "."), what)
		}
	})
	return ferr
}

// unimportedSections warns about what a prometheus.yml holds that import
// does not convert, naming each entry without its credentials.
func (imp *Import) unimportedSections(d read.Doc, root *yaml.Node) {
	for i, rw := range read.Seq(read.Get(root, "remote_write")) {
		imp.note(d.Pos(rw), NoteWarning, "remote_write[%d] (to %s) is not imported: declare it as env.remoteWrite, with its credentials as Secret references; none of its values is copied", i, hostOf(read.Get(rw, "url")))
	}
	for i, am := range read.Seq(read.Get(read.Get(root, "alerting"), "alertmanagers")) {
		imp.note(d.Pos(am), NoteWarning, "alerting.alertmanagers[%d] is not imported: mongen points Prometheus at the Alertmanager the environment runs or names (env.alerting); none of its values, credentials included, is copied", i)
	}
}

// hostOf names a URL by its host only, so no user info or query is shown.
func hostOf(n *yaml.Node) string {
	n = read.ResolveAlias(n)
	if n == nil {
		return "no URL"
	}
	u, err := url.Parse(n.Value)
	if err != nil || u.Host == "" {
		return "an unparsable URL"
	}
	return u.Host
}

func scalar(s string) *yaml.Node { return &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: s} }

func lastKey(path []string) string {
	for i := len(path) - 1; i >= 0; i-- {
		if path[i] != credgate.Index {
			return path[i]
		}
	}
	return ""
}

// walkScalars calls fn on every string scalar under n with its key path.
func walkScalars(n *yaml.Node, path []string, fn func(*yaml.Node, []string)) {
	n = read.ResolveAlias(n)
	if n == nil {
		return
	}
	switch n.Kind {
	case yaml.MappingNode:
		for i := 0; i+1 < len(n.Content); i += 2 {
			walkScalars(n.Content[i+1], append(path[:len(path):len(path)], n.Content[i].Value), fn)
		}
	case yaml.SequenceNode:
		for _, c := range n.Content {
			walkScalars(c, append(path[:len(path):len(path)], credgate.Index), fn)
		}
	case yaml.ScalarNode:
		if n.ShortTag() == "!!str" {
			fn(n, path)
		}
	}
}
