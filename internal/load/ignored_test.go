package load

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	mmodel "github.com/mongen-dev/mongen/internal/model"
)

// ignoredEnv is an environment of the given profile with extra written at
// a line of its own, and the number of that line.
func ignoredEnv(profile, extra string, clusters bool) (string, int) {
	head := `package prod

import (
	"mongen.dev/mongen/schemas"
	"mongen.dev/mongen/library/policy"
)

env: schemas.#Environment & {
	name:     "prod"
	platform: profile: "` + profile + `"
	selector: {}
	alerting: policy.#Standard & {
		fallback: "hook"
		tiers: {
			P0: receivers: ["hook"]
			P1: {receivers: ["hook"], activeTimeIntervals: []}
			P2: receivers: ["hook"]
		}
		receivers: hook: {kind: "webhook", urlSecret: {secret: "hooks", key: "hook"}}
	}
`
	if clusters {
		head += "\tclusters: {a: {}, b: {}}\n"
	} else {
		head += "\tcluster: \"c1\"\n"
	}
	return head + "\t" + extra + "\n}\n", strings.Count(head, "\n") + 1
}

// ignoredSnippet writes each field of the table in CUE.
var ignoredSnippet = map[string]string{
	"prometheus/name":                   `prometheus: name: "prom"`,
	"prometheus/replicas":               `prometheus: replicas: 1`,
	"prometheus/retention":              `prometheus: retention: "3d"`,
	"prometheus/serviceAccount":         `prometheus: serviceAccount: "prom"`,
	"prometheus/externalURL":            `prometheus: externalURL: "https://prometheus.example.com"`,
	"prometheus/storage":                `prometheus: storage: size: "10Gi"`,
	"rawScrapeConfigs":                  `rawScrapeConfigs: legacy: "job_name: legacy\nstatic_configs: [{targets: ['10.0.0.1:9100']}]\n"`,
	"alerting/alertmanager/replicas":    `alerting: alertmanager: replicas: 1`,
	"alerting/alertmanager/externalURL": `alerting: alertmanager: externalURL: "https://alertmanager.example.com"`,
	"alerting/alertmanager/address":     `alerting: alertmanager: address: "am.example.com:9093"`,
	"alerting/alertmanager/secretsDir":  `alerting: alertmanager: secretsDir: "/secrets"`,
	"global/federation/prometheus":      `global: {engine: "federation", cluster: "a", federation: {endpoints: b: "prom.b.example.com:443", prometheus: retention: "30d"}}`,
}

// needsClusters are the fields that only exist in a multi-cluster
// environment.
var needsClusters = map[string]bool{"global/federation/prometheus": true}

func loadIgnored(t *testing.T, text string) error {
	t.Helper()
	root := writeFiles(t, map[string]string{
		"cue.mod/module.cue":         userModule,
		"environments/prod/prod.cue": text,
	})
	_, err := Environments(root, Ref{Name: "prod", Dir: "environments/prod"}, Options{})
	return err
}

// TestIgnoredFields sets every field of the table under every profile: the
// profiles that ignore it refuse it at its line, saying who ignores it,
// why and what to do instead; the others do not call it ignored.
func TestIgnoredFields(t *testing.T) {
	profiles := []string{mmodel.ProfilePlain, mmodel.ProfileOperator, mmodel.ProfileKubePrometheusStack, mmodel.ProfileKubePrometheus}
	for _, profile := range profiles {
		t.Run("baseline/"+profile, func(t *testing.T) {
			text, _ := ignoredEnv(profile, "", false)
			if err := loadIgnored(t, text); err != nil {
				t.Fatalf("the environment without the field must load: %v", err)
			}
		})
	}
	// Which profiles ignore each field, and how each says it.
	type verdict struct{ why, instead string }
	table := map[string]map[string]verdict{}
	for _, f := range ignoredFields() {
		if _, ok := ignoredSnippet[f.path]; !ok {
			t.Errorf("ignoredFields lists %s, which this test does not write", f.path)
			continue
		}
		if table[f.path] == nil {
			table[f.path] = map[string]verdict{}
		}
		for _, p := range f.profiles {
			table[f.path][p] = verdict{f.why, f.instead}
		}
	}
	for path, snippet := range ignoredSnippet {
		field := strings.ReplaceAll(path, "/", ".")
		for _, profile := range profiles {
			t.Run(path+"/"+profile, func(t *testing.T) {
				text, line := ignoredEnv(profile, snippet, needsClusters[path])
				err := loadIgnored(t, text)
				msg := ""
				if err != nil {
					msg = err.Error()
				}
				v, ignored := table[path][profile]
				if !ignored {
					if strings.Contains(msg, field+": ") && strings.Contains(msg, "ignores this field") {
						t.Errorf("profile %s uses %s, but it was called ignored:\n%s", profile, field, msg)
					}
					return
				}
				want := fmt.Sprintf("environments/prod/prod.cue:%d:", line)
				says := fmt.Sprintf("%s: %s ignores this field (%s); %s", field, profileWho(profile), v.why, v.instead)
				if !strings.Contains(msg, says) || !strings.Contains(msg, want) {
					t.Errorf("want an error at %s saying\n%s\ngot:\n%s", want, says, msg)
				}
			})
		}
	}
}

// TestIgnoredFieldsWhereUsed: the plain flavour reads replicas in a global
// view (a replica label) and the Alertmanager's replicas where this
// cluster runs the shared Alertmanager, so neither is refused there.
func TestIgnoredFieldsWhereUsed(t *testing.T) {
	text, _ := ignoredEnv(mmodel.ProfilePlain, `clusters: b: prometheus: replicas: 1`, true)
	if err := loadIgnored(t, text); err != nil {
		t.Errorf("replicas in a multi-cluster plain environment: %v", err)
	}
	text, _ = ignoredEnv(mmodel.ProfilePlain, `alertingTopology: {mode: "shared", cluster: "a", addresses: ["am.example.com:9093"]}
	alerting: alertmanager: replicas: 2`, true)
	if err := loadIgnored(t, text); err != nil {
		t.Errorf("the shared Alertmanager's replicas in its own cluster: %v", err)
	}
	// In the other cluster the shared Alertmanager is not this
	// environment's to size: b refuses it, a does not.
	text, _ = ignoredEnv(mmodel.ProfilePlain, `alertingTopology: {mode: "shared", cluster: "a", addresses: ["am.example.com:9093"]}
	clusters: b: alerting: alertmanager: replicas: 2`, true)
	err := loadIgnored(t, text)
	if err == nil || !strings.Contains(err.Error(), "cluster b: alerting.alertmanager.replicas: the plain flavour ignores this field") || strings.Contains(err.Error(), "cluster a:") {
		t.Errorf("replicas of the shared Alertmanager set in a cluster that does not run it: %v", err)
	}
}

// TestIgnoredFieldsDocumented: docs/platforms.md lists every field of the
// table under the profiles that ignore it, and no other.
func TestIgnoredFieldsDocumented(t *testing.T) {
	data, err := os.ReadFile(filepath.Join("..", "..", "docs", "platforms.md"))
	if err != nil {
		t.Fatal(err)
	}
	_, section, ok := strings.Cut(string(data), "\n## Fields a profile ignores\n")
	if !ok {
		t.Fatal("docs/platforms.md has no section \"Fields a profile ignores\"")
	}
	section, _, _ = strings.Cut(section, "\n## ")
	row := regexp.MustCompile("(?m)^\\| `([A-Za-z.]+)` \\| ([a-z, -]+) \\|")
	documented := map[string][]string{}
	for _, m := range row.FindAllStringSubmatch(section, -1) {
		for _, p := range strings.Split(m[2], ", ") {
			documented[m[1]] = append(documented[m[1]], strings.TrimSpace(p))
		}
	}
	code := map[string][]string{}
	for _, f := range ignoredFields() {
		field := strings.ReplaceAll(f.path, "/", ".")
		code[field] = append(code[field], f.profiles...)
	}
	for field, ps := range code {
		slices.Sort(ps)
		got := slices.Clone(documented[field])
		slices.Sort(got)
		if !slices.Equal(ps, got) {
			t.Errorf("docs/platforms.md lists %s as ignored by %v; the code by %v", field, got, ps)
		}
	}
	for field := range documented {
		if _, ok := code[field]; !ok {
			t.Errorf("docs/platforms.md lists %s, which no profile ignores", field)
		}
	}
}
