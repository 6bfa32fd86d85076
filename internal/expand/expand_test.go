package expand

import (
	"encoding/json"
	"github.com/mongen-dev/mongen/internal/diag"
	"reflect"
	"strings"
	"testing"

	"github.com/mongen-dev/mongen/internal/model"
)

func env() *model.Environment {
	return &model.Environment{
		Name: "prod", Cluster: "prod-sh1", Flavour: model.FlavourPlain,
		Prometheus: model.Prometheus{Name: "k8s", Namespace: "monitoring"},
	}
}

func static() model.Target {
	return model.Target{Kind: model.KindStatic, Namespace: "monitoring", Path: "/metrics", Scheme: "http", Addresses: []string{"a:1"}}
}

func alert(name string) model.Rule {
	return model.Rule{Kind: model.RuleAlert, Name: name, Expr: "vector(1)", Enabled: true, Tier: "P1"}
}

func record(name string) model.Rule {
	return model.Rule{Kind: model.RuleRecord, Name: name, Expr: "vector(1)", Enabled: true}
}

func TestExpandConflicts(t *testing.T) {
	tests := []struct {
		name  string
		build func(e *model.Environment)
		want  []string
	}{
		{
			name: "job in env targets and in an exporter",
			build: func(e *model.Environment) {
				e.Targets = map[string]model.Target{"node-exporter": static()}
				e.Exporters = map[string]model.Exporter{"node": {Job: "node-exporter", Targets: map[string]model.Target{"node-exporter": static()}}}
				e.Sources = map[string]string{
					"targets/node-exporter":                "environments/prod/main.cue:20:3",
					"exporters/node":                       "environments/prod/main.cue:12:3",
					"exporters/node/targets/node-exporter": "library/exporters/node.cue:8:2",
				}
			},
			want: []string{`environments/prod/main.cue:20:3: duplicate job name "node-exporter", also defined at environments/prod/main.cue:12:3 (exporter "node", from library/exporters/node.cue:8:2): every job needs its own name, because rules select it by job="node-exporter"`},
		},
		{
			name: "job in two exporters",
			build: func(e *model.Environment) {
				e.Exporters = map[string]model.Exporter{
					"a": {Targets: map[string]model.Target{"shared": static()}},
					"b": {Targets: map[string]model.Target{"shared": static()}},
				}
				e.Sources = map[string]string{
					"exporters/a":                "environments/prod/main.cue:5:3",
					"exporters/a/targets/shared": "library/a.cue:3:2",
					"exporters/b":                "environments/prod/main.cue:6:3",
					"exporters/b/targets/shared": "library/b.cue:3:2",
				}
			},
			want: []string{`environments/prod/main.cue:5:3 (exporter "a", from library/a.cue:3:2): duplicate job name "shared", also defined at environments/prod/main.cue:6:3 (exporter "b", from library/b.cue:3:2): every job needs its own name, because rules select it by job="shared"`},
		},
		{
			name: "rule group in an exporter and in env rules",
			build: func(e *model.Environment) {
				e.Exporters = map[string]model.Exporter{"node": {Rules: map[string]model.RuleGroup{"node": {"NodeDown": alert("NodeDown")}}}}
				e.Rules = map[string]model.RuleGroup{"node": {"Mine": alert("Mine")}}
				e.Sources = map[string]string{
					"exporters/node":            "environments/prod/main.cue:12:3",
					"exporters/node/rules/node": "library/node.cue:16:2",
					"rules/node":                "environments/prod/rules.cue:3:2",
				}
			},
			want: []string{`environments/prod/rules.cue:3:2: duplicate rule group "node" (also defined at library/node.cue:16:2): rename one group`},
		},
		{
			name: "rule group in two exporters, positions fall back to the exporter",
			build: func(e *model.Environment) {
				e.Exporters = map[string]model.Exporter{
					"a": {Rules: map[string]model.RuleGroup{"g": {"A": alert("A")}}},
					"b": {Rules: map[string]model.RuleGroup{"g": {"B": alert("B")}}},
				}
				e.Sources = map[string]string{"exporters/a": "main.cue:1:1", "exporters/b": "main.cue:2:1"}
			},
			want: []string{`main.cue:2:1: duplicate rule group "g" (also defined at main.cue:1:1): rename one group`},
		},
		{
			name: "federation named like a job",
			build: func(e *model.Environment) {
				e.Targets = map[string]model.Target{"regions": static()}
				e.Federation = map[string]model.Federation{"regions": {Addresses: []string{"p:9090"}, Match: []string{"up"}}}
				e.Sources = map[string]string{"targets/regions": "main.cue:4:2", "federation/regions": "main.cue:30:2"}
			},
			want: []string{`main.cue:30:2: federation job "regions" has the name of a scrape job defined at main.cue:4:2`},
		},
		{
			name: "federation named like an exporter job",
			build: func(e *model.Environment) {
				e.Exporters = map[string]model.Exporter{"node": {Targets: map[string]model.Target{"node": static()}}}
				e.Federation = map[string]model.Federation{"node": {Addresses: []string{"p:9090"}, Match: []string{"up"}}}
				e.Sources = map[string]string{"exporters/node": "main.cue:4:2", "federation/node": "main.cue:30:2"}
			},
			want: []string{`main.cue:30:2: federation job "node" has the name of a scrape job defined at main.cue:4:2 (exporter "node", from main.cue:4:2)`},
		},
		{
			name: "every problem reported, sorted",
			build: func(e *model.Environment) {
				e.Targets = map[string]model.Target{"x": static(), "y": static()}
				e.Exporters = map[string]model.Exporter{"ex": {Targets: map[string]model.Target{"x": static(), "y": static()}}}
				e.Federation = map[string]model.Federation{"x": {}}
				e.Sources = map[string]string{
					"targets/x": "b.cue:1:1", "targets/y": "a.cue:1:1",
					"exporters/ex": "c.cue:1:1", "federation/x": "d.cue:1:1",
				}
			},
			want: []string{
				`a.cue:1:1: duplicate job name "y", also defined at c.cue:1:1 (exporter "ex", from c.cue:1:1): every job needs its own name, because rules select it by job="y"`,
				`b.cue:1:1: duplicate job name "x", also defined at c.cue:1:1 (exporter "ex", from c.cue:1:1): every job needs its own name, because rules select it by job="x"`,
				`d.cue:1:1: federation job "x" has the name of a scrape job defined at b.cue:1:1`,
			},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			e := env()
			tc.build(e)
			p, err := Expand(e)
			if err == nil {
				t.Fatalf("no error; plan %+v", p)
			}
			if p != nil {
				t.Error("a plan returned with an error")
			}
			if got := problems(t, err); !reflect.DeepEqual(got, tc.want) {
				t.Errorf("problems:\n%q\nwant\n%q", got, tc.want)
			}
		})
	}
}

func TestExpandAccepts(t *testing.T) {
	tests := []struct {
		name  string
		build func(e *model.Environment)
	}{
		{"empty environment", func(e *model.Environment) {}},
		{"same group name, one all disabled", func(e *model.Environment) {
			off := alert("Off")
			off.Enabled = false
			e.Exporters = map[string]model.Exporter{"node": {Rules: map[string]model.RuleGroup{"node": {"Off": off}}}}
			e.Rules = map[string]model.RuleGroup{"node": {"Mine": alert("Mine")}}
		}},
		{"job and rule group may share a name", func(e *model.Environment) {
			e.Targets = map[string]model.Target{"app": static()}
			e.Rules = map[string]model.RuleGroup{"app": {"AppDown": alert("AppDown")}}
		}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			e := env()
			tc.build(e)
			if _, err := Expand(e); err != nil {
				t.Fatal(err)
			}
		})
	}
}

func TestJobs(t *testing.T) {
	e := env()
	e.Targets = map[string]model.Target{"zeta": static(), "alpha": static()}
	e.Exporters = map[string]model.Exporter{
		"node": {Targets: map[string]model.Target{"node-exporter": static()}},
	}
	e.Federation = map[string]model.Federation{"fed-b": {}, "fed-a": {}}
	e.Sources = map[string]string{
		"targets/zeta":                         "main.cue:9:2",
		"exporters/node/targets/node-exporter": "library/node.cue:3:2",
		"federation/fed-a":                     "main.cue:40:2",
	}
	p, err := Expand(e)
	if err != nil {
		t.Fatal(err)
	}
	type jobSummary struct{ Name, Exporter, Origin string }
	var jobs []jobSummary
	for _, j := range p.Jobs {
		jobs = append(jobs, jobSummary{j.Name, j.Exporter, j.Origin})
	}
	want := []jobSummary{
		{"alpha", "", ""},
		{"node-exporter", "node", "library/node.cue:3:2"},
		{"zeta", "", "main.cue:9:2"},
	}
	if !reflect.DeepEqual(jobs, want) {
		t.Errorf("jobs = %+v, want %+v", jobs, want)
	}
	var feds []jobSummary
	for _, f := range p.Federation {
		feds = append(feds, jobSummary{f.Name, "", f.Origin})
	}
	if want := []jobSummary{{"fed-a", "", "main.cue:40:2"}, {"fed-b", "", ""}}; !reflect.DeepEqual(feds, want) {
		t.Errorf("federation = %+v, want %+v", feds, want)
	}
	if p.Env != e {
		t.Error("plan does not point at its environment")
	}
}

func TestDisabledRules(t *testing.T) {
	off := func(r model.Rule) model.Rule { r.Enabled = false; return r }
	e := env()
	e.Exporters = map[string]model.Exporter{"node": {Team: "platform", Rules: map[string]model.RuleGroup{
		"node":     {"NodeDown": alert("NodeDown"), "NodeMemoryHigh": off(alert("NodeMemoryHigh")), "node:rec": off(record("node:rec"))},
		"node-off": {"A": off(alert("A")), "b": off(record("b"))},
	}}}
	e.Rules = map[string]model.RuleGroup{
		"app":   {"AppDown": alert("AppDown")},
		"empty": {"Off": off(alert("Off"))},
		"none":  {},
	}
	p, err := Expand(e)
	if err != nil {
		t.Fatal(err)
	}
	got := map[string][]string{}
	var order []string
	for _, g := range p.Groups {
		order = append(order, g.Name)
		for _, r := range g.Rules {
			got[g.Name] = append(got[g.Name], r.Key)
		}
	}
	if want := []string{"app", "node"}; !reflect.DeepEqual(order, want) {
		t.Errorf("groups = %q, want %q (all-disabled and empty groups omitted, sorted)", order, want)
	}
	if want := map[string][]string{"app": {"AppDown"}, "node": {"NodeDown"}}; !reflect.DeepEqual(got, want) {
		t.Errorf("rules = %v, want %v", got, want)
	}
	for _, g := range p.Groups {
		if g.Name == "node" && g.Exporter != "node" {
			t.Errorf("group node: exporter %q", g.Exporter)
		}
		if g.Name == "app" && g.Exporter != "" {
			t.Errorf("group app: exporter %q", g.Exporter)
		}
	}
}

func TestTeamDefaulting(t *testing.T) {
	withTeam := func(r model.Rule, team string) model.Rule { r.Team = team; return r }
	e := env()
	e.Exporters = map[string]model.Exporter{
		"node": {
			Team: "platform",
			Targets: map[string]model.Target{
				"node-exporter": static(),
				"node-owned":    func() model.Target { t := static(); t.Team = "storage"; return t }(),
			},
			Rules: map[string]model.RuleGroup{"node": {
				"NodeDown":     alert("NodeDown"),
				"NodeOwned":    withTeam(alert("NodeOwned"), "sre"),
				"node:cpu":     record("node:cpu"),
				"node:teamrec": withTeam(record("node:teamrec"), "sre"),
			}},
		},
		"teamless": {
			Targets: map[string]model.Target{"teamless": static()},
			Rules:   map[string]model.RuleGroup{"teamless": {"Orphan": alert("Orphan")}},
		},
	}
	e.Targets = map[string]model.Target{"app": static()}
	e.Rules = map[string]model.RuleGroup{"app": {
		"AppDown": alert("AppDown"),
		"AppWeb":  withTeam(alert("AppWeb"), "web"),
	}}
	before, _ := json.Marshal(e)
	p, err := Expand(e)
	if err != nil {
		t.Fatal(err)
	}
	if after, _ := json.Marshal(e); string(before) != string(after) {
		t.Errorf("Expand changed the environment:\n%s\n%s", before, after)
	}
	jobTeams := map[string]string{}
	for _, j := range p.Jobs {
		jobTeams[j.Name] = j.Target.Team
	}
	wantJobs := map[string]string{
		"node-exporter": "platform", // from the exporter
		"node-owned":    "storage",  // its own
		"teamless":      "",
		"app":           "", // env targets have no exporter to default from
	}
	if !reflect.DeepEqual(jobTeams, wantJobs) {
		t.Errorf("job teams = %v, want %v", jobTeams, wantJobs)
	}
	ruleTeams := map[string]string{}
	for _, g := range p.Groups {
		for _, r := range g.Rules {
			ruleTeams[r.Key] = r.Team
		}
	}
	wantRules := map[string]string{
		"NodeDown":     "platform", // alert without team: the exporter's
		"NodeOwned":    "sre",      // the rule's own team wins
		"node:cpu":     "",         // records are never defaulted
		"node:teamrec": "sre",      // a record keeps what it says
		"Orphan":       "",
		"AppDown":      "", // env rules have no exporter
		"AppWeb":       "web",
	}
	if !reflect.DeepEqual(ruleTeams, wantRules) {
		t.Errorf("rule teams = %v, want %v", ruleTeams, wantRules)
	}
}

func TestRuleOrder(t *testing.T) {
	named := func(r model.Rule, name string) model.Rule { r.Name = name; return r }
	e := env()
	e.Rules = map[string]model.RuleGroup{"g": {
		"z-alert":   alert("Alpha"),
		"a-alert":   alert("Beta"),
		"m-alert":   alert("Alpha"),
		"rec-2":     named(record("x"), "job:b"),
		"rec-1":     named(record("x"), "job:b"),
		"rec-0":     named(record("x"), "job:a"),
		"0-zz":      record("zz:last"),
		"AAA-first": alert("Zulu"),
	}}
	p, err := Expand(e)
	if err != nil {
		t.Fatal(err)
	}
	var got [][2]string
	for _, r := range p.Groups[0].Rules {
		got = append(got, [2]string{r.Name, r.Key})
	}
	want := [][2]string{
		{"job:a", "rec-0"},
		{"job:b", "rec-1"},
		{"job:b", "rec-2"},
		{"zz:last", "0-zz"},
		{"Alpha", "m-alert"},
		{"Alpha", "z-alert"},
		{"Beta", "a-alert"},
		{"Zulu", "AAA-first"},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("order (name, key):\n%q\nwant\n%q", got, want)
	}
}

func TestRuleOrigins(t *testing.T) {
	r := alert("AppDown")
	r.Labels = map[string]string{"severity": "critical", "owner": "web"}
	r.Annotations = map[string]string{"summary": "s", "description": "d"}
	e := env()
	e.Rules = map[string]model.RuleGroup{"app": {"AppDown": r}}
	e.Exporters = map[string]model.Exporter{"node": {Rules: map[string]model.RuleGroup{"node": {"NodeDown": alert("NodeDown")}}}}
	e.Sources = map[string]string{
		"rules/app":                                "rules.cue:3:2",
		"rules/app/AppDown":                        "rules.cue:4:3",
		"rules/app/AppDown/expr":                   "rules.cue:5:4",
		"rules/app/AppDown/annotations/summary":    "rules.cue:8:5",
		"rules/app/AppDown/labels/severity":        "rules.cue:6:5",
		"exporters/node":                           "main.cue:12:3",
		"exporters/node/rules/node/NodeDown/expr":  "library/node.cue:20:4",
		"exporters/node/rules/node/NodeDown/other": "ignored",
	}
	p, err := Expand(e)
	if err != nil {
		t.Fatal(err)
	}
	byKey := map[string]Rule{}
	origins := map[string]string{}
	for _, g := range p.Groups {
		origins[g.Name] = g.Origin
		for _, r := range g.Rules {
			byKey[r.Key] = r
		}
	}
	if want := map[string]string{"app": "rules.cue:3:2", "node": "main.cue:12:3"}; !reflect.DeepEqual(origins, want) {
		t.Errorf("group origins = %v, want %v", origins, want)
	}
	app := byKey["AppDown"]
	if app.Origin != "rules.cue:4:3" || app.ExprOrigin != "rules.cue:5:4" {
		t.Errorf("AppDown origin %q expr %q", app.Origin, app.ExprOrigin)
	}
	// A template without a position of its own points at the rule.
	if want := map[string]string{"summary": "rules.cue:8:5", "description": "rules.cue:4:3"}; !reflect.DeepEqual(app.AnnotationOrigins, want) {
		t.Errorf("annotation origins = %v, want %v", app.AnnotationOrigins, want)
	}
	if want := map[string]string{"severity": "rules.cue:6:5", "owner": "rules.cue:4:3"}; !reflect.DeepEqual(app.LabelOrigins, want) {
		t.Errorf("label origins = %v, want %v", app.LabelOrigins, want)
	}
	node := byKey["NodeDown"]
	if node.Origin != "main.cue:12:3" || node.ExprOrigin != "library/node.cue:20:4" {
		t.Errorf("NodeDown origin %q expr %q", node.Origin, node.ExprOrigin)
	}
}

func TestSecrets(t *testing.T) {
	ref := func(s string) *model.SecretRef { return &model.SecretRef{Secret: s, Key: "k"} }
	basic := func(u, p string) *model.BasicAuth {
		return &model.BasicAuth{Username: model.SecretRef{Secret: u, Key: "user"}, Password: model.SecretRef{Secret: p, Key: "pass"}}
	}
	withT := func(f func(*model.Target)) model.Target { t := static(); f(&t); return t }
	tests := []struct {
		name  string
		build func(e *model.Environment)
		want  []string
	}{
		{"none", func(e *model.Environment) {
			e.Targets = map[string]model.Target{"a": static()}
		}, nil},
		{"target TLS with a Secret", func(e *model.Environment) {
			e.Targets = map[string]model.Target{"a": withT(func(t *model.Target) { t.TLS = &model.TLS{Secret: "tls-a", CAKey: "ca.crt"} })}
		}, []string{"tls-a"}},
		{"target TLS without a Secret mounts nothing", func(e *model.Environment) {
			e.Targets = map[string]model.Target{"a": withT(func(t *model.Target) { t.TLS = &model.TLS{InsecureSkipVerify: true} })}
		}, nil},
		{"basic auth: both Secrets", func(e *model.Environment) {
			e.Targets = map[string]model.Target{"a": withT(func(t *model.Target) { t.BasicAuth = basic("users", "passwords") })}
		}, []string{"passwords", "users"}},
		{"bearer token", func(e *model.Environment) {
			e.Targets = map[string]model.Target{"a": withT(func(t *model.Target) { t.BearerToken = ref("token") })}
		}, []string{"token"}},
		{"exporter targets", func(e *model.Environment) {
			e.Exporters = map[string]model.Exporter{"etcd": {Targets: map[string]model.Target{
				"etcd": withT(func(t *model.Target) { t.TLS = &model.TLS{Secret: "etcd-certs"} }),
			}}}
		}, []string{"etcd-certs"}},
		{"remote write", func(e *model.Environment) {
			e.RemoteWrite = []model.RemoteWrite{
				{URL: "https://a", BasicAuth: basic("rw-auth", "rw-auth"), TLS: &model.TLS{Secret: "rw-tls"}},
				{URL: "https://b", BearerToken: ref("rw-token")},
				{URL: "https://c", TLS: &model.TLS{ServerName: "c"}},
			}
		}, []string{"rw-auth", "rw-tls", "rw-token"}},
		{"federation", func(e *model.Environment) {
			e.Federation = map[string]model.Federation{"fed": {TLS: &model.TLS{Secret: "fed-tls"}, BasicAuth: basic("fed-user", "fed-pass")}}
		}, []string{"fed-pass", "fed-tls", "fed-user"}},
		{"everything, deduplicated and sorted", func(e *model.Environment) {
			e.Targets = map[string]model.Target{
				"z": withT(func(t *model.Target) { t.BearerToken = ref("shared"); t.TLS = &model.TLS{Secret: "zz"} }),
				"a": withT(func(t *model.Target) { t.BasicAuth = basic("shared", "mm") }),
			}
			e.Federation = map[string]model.Federation{"fed": {TLS: &model.TLS{Secret: "shared"}}}
			e.RemoteWrite = []model.RemoteWrite{{URL: "https://a", BearerToken: ref("aa")}}
		}, []string{"aa", "mm", "shared", "zz"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			e := env()
			tc.build(e)
			p, err := Expand(e)
			if err != nil {
				t.Fatal(err)
			}
			if len(p.Secrets) == 0 && len(tc.want) == 0 {
				return
			}
			if !reflect.DeepEqual(p.Secrets, tc.want) {
				t.Errorf("Secrets = %q, want %q", p.Secrets, tc.want)
			}
		})
	}
}

func TestSecretPath(t *testing.T) {
	tests := []struct{ secret, key, want string }{
		{"etcd-certs", "ca.crt", "/etc/prometheus/secrets/etcd-certs/ca.crt"},
		{"api-auth", "password.txt", "/etc/prometheus/secrets/api-auth/password.txt"},
		{"t", "token", "/etc/prometheus/secrets/t/token"},
	}
	for _, tc := range tests {
		if got := SecretPath(tc.secret, tc.key); got != tc.want {
			t.Errorf("SecretPath(%q, %q) = %q, want %q", tc.secret, tc.key, got, tc.want)
		}
	}
	if SecretsDir != "/etc/prometheus/secrets" {
		t.Errorf("SecretsDir = %q: the operator mounts spec.secrets at /etc/prometheus/secrets", SecretsDir)
	}
}

// problems is the diagnostics an Expand error carries, one string each;
// every one must have a position.
func problems(t *testing.T, err error) []string {
	t.Helper()
	l, ok := diag.As(err)
	if !ok {
		t.Fatalf("error %T carries no diagnostics: %v", err, err)
	}
	var out []string
	for _, d := range l {
		out = append(out, d.Error())
	}
	if strings.Join(out, "\n") != err.Error() {
		t.Errorf("Error() = %q, not the diagnostics one per line", err.Error())
	}
	return out
}
