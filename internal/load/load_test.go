package load

import (
	"errors"
	"github.com/mongen-dev/mongen/internal/diag"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func writeFiles(t *testing.T, files map[string]string) string {
	t.Helper()
	root := t.TempDir()
	for name, content := range files {
		p := filepath.Join(root, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return root
}

const userModule = `module: "example.com/mon@v0"
language: version: "v0.17.0"
deps: "mongen.dev/mongen@v0": v: "v0.1.0"
`

func TestResolveAcceptsEveryForm(t *testing.T) {
	root := writeFiles(t, map[string]string{
		"cue.mod/module.cue":           userModule,
		"environments/prod/prod.cue":   "package prod\n",
		"environments/dev/dev.cue":     "package dev\n",
		"environments/empty/README.md": "no cue here",
	})
	for _, arg := range []string{"prod", "env/prod", "environments/prod", "./environments/prod/", "envs/prod"} {
		ref, err := Resolve(root, arg)
		if err != nil {
			t.Errorf("Resolve(%q): %v", arg, err)
			continue
		}
		if ref != (Ref{Name: "prod", Dir: "environments/prod"}) {
			t.Errorf("Resolve(%q) = %+v", arg, ref)
		}
	}
	_, err := Resolve(root, "stagin")
	if err == nil || !strings.Contains(err.Error(), "no directory environments/stagin (known: dev, prod)") {
		t.Errorf("unknown environment: %v", err)
	}
	for _, bad := range []string{"", "a/b", "..", "env/"} {
		if _, err := Resolve(root, bad); err == nil {
			t.Errorf("Resolve(%q) accepted", bad)
		}
	}
	all, err := All(root)
	if err != nil || len(all) != 2 || all[0].Name != "dev" || all[1].Name != "prod" {
		t.Errorf("All = %v, %v; want dev, prod (empty/ has no CUE)", all, err)
	}
}

func TestFindRoot(t *testing.T) {
	root := writeFiles(t, map[string]string{"cue.mod/module.cue": userModule, "environments/prod/x.cue": "package prod\n"})
	got, err := FindRoot(filepath.Join(root, "environments", "prod"))
	if err != nil || got != root {
		t.Errorf("FindRoot = %q, %v; want %q", got, err, root)
	}
	if _, err := FindRoot(t.TempDir()); err == nil || !strings.Contains(err.Error(), "no cue.mod/module.cue") {
		t.Errorf("FindRoot outside a repository: %v", err)
	}
}

func envFile(body string) string {
	return `package prod

import (
	"mongen.dev/mongen/schemas"
	"mongen.dev/mongen/library/exporter"
)

_unused: exporter.#NodeExporter

env: schemas.#Environment & {
	cluster:  "c1"
	flavour:  "plain"
	selector: {}
` + body + "\n}\n"
}

func TestEnvironmentFromEmbeddedModule(t *testing.T) {
	root := writeFiles(t, map[string]string{
		"cue.mod/module.cue": userModule,
		"environments/prod/prod.cue": envFile(`	name: "prod"
	exporters: node: exporter.#NodeExporter & {job: "nodes"}
	overrides: NodeMemoryHigh: {threshold: 70, for: "1h", tier: "P2", reason: "test"}`),
	})
	env, err := Environment(root, Ref{Name: "prod", Dir: "environments/prod"}, Options{})
	if err != nil {
		t.Fatal(err)
	}
	r := env.Exporters["node"].Rules["node-exporter"]["NodeMemoryHigh"]
	if !strings.Contains(r.Expr, `job="nodes"`) || !strings.Contains(r.Expr, "> 70") {
		t.Errorf("renamed job and overridden threshold must reach the expression: %s", r.Expr)
	}
	if r.For != "1h" || r.Tier != "P2" || r.Labels["severity"] != "info" {
		t.Errorf("override not applied: for=%s tier=%s labels=%v", r.For, r.Tier, r.Labels)
	}
	if _, ok := env.Exporters["node"].Targets["nodes"]; !ok {
		t.Errorf("target not renamed with the job: %v", env.Exporters["node"].Targets)
	}
	if got := env.Source("overrides", "NodeMemoryHigh"); !strings.HasPrefix(got, "environments/prod/prod.cue:") {
		t.Errorf("override source = %q", got)
	}
	if got := env.Source("exporters", "node", "rules", "node-exporter", "NodeMemoryHigh", "expr"); !strings.HasPrefix(got, "mongen.dev/mongen@v0.1.0/library/exporter/node.cue:") {
		t.Errorf("library expr source = %q", got)
	}
	if env.ExternalLabels["cluster"] != "c1" {
		t.Errorf("cluster external label: %v", env.ExternalLabels)
	}
}

func TestEnvironmentErrors(t *testing.T) {
	cases := []struct {
		name, body, want string
	}{
		{"name mismatch", `	name: "staging"`, `environments/prod/prod.cue:14:8: env.name is "staging" but the directory is environments/prod`},
		{"threshold on a rule without one", `	name: "prod"
	exporters: node: exporter.#NodeExporter
	overrides: NodeDown: {threshold: 3, reason: "x"}`, `prod.cue:16:35: env.overrides.NodeDown.threshold: library rule NodeDown (exporter node) has no threshold to change`},
		{"override typo", `	name: "prod"
	exporters: node: exporter.#NodeExporter
	overrides: NodeDwn: {for: "1m", reason: "x"}`, `override "NodeDwn" names no library rule in this environment's exporters (did you mean "NodeDown"?)`},
		{"override without reason", `	name: "prod"
	exporters: node: exporter.#NodeExporter
	overrides: NodeDown: {for: "1m"}`, `env.overrides.NodeDown.reason: field is required but not present`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			root := writeFiles(t, map[string]string{
				"cue.mod/module.cue":         userModule,
				"environments/prod/prod.cue": envFile(c.body),
			})
			_, err := Environment(root, Ref{Name: "prod", Dir: "environments/prod"}, Options{})
			l, ok := diag.As(err)
			if !ok {
				t.Fatalf("want diagnostics, got %v", err)
			}
			for _, d := range l {
				if d.Pos.Line == 0 || !strings.HasPrefix(d.Pos.File, "environments/") && !strings.HasPrefix(d.Pos.File, "mongen.dev/") {
					t.Errorf("%q: not at a line of a file relative to the repository", d.Error())
				}
			}
			if !strings.Contains(err.Error(), c.want) {
				t.Errorf("error:\n%s\nwant it to contain:\n%s", err, c.want)
			}
		})
	}
}

func TestRegistryRefusesOtherModules(t *testing.T) {
	root := writeFiles(t, map[string]string{
		"cue.mod/module.cue": userModule + `deps: "example.com/other@v0": v: "v0.1.0"` + "\n",
		"environments/prod/prod.cue": `package prod

import "example.com/other/pkg"

env: pkg.x
`,
	})
	_, err := Environment(root, Ref{Name: "prod", Dir: "environments/prod"}, Options{})
	if err == nil || !strings.Contains(err.Error(), "mongen serves only mongen.dev/mongen@v0") {
		t.Errorf("want a refusal naming the embedded module, got %v", err)
	}
}

func TestLiteralCredentialsAreRefusedWithoutEchoingThem(t *testing.T) {
	const slack = "https://hooks.slack.com/services/T000/B000/XXXXSECRETXXXX"
	root := writeFiles(t, map[string]string{
		"cue.mod/module.cue": userModule,
		"environments/prod/prod.cue": envFile(`	name: "prod"
	targets: app: {kind: "static", addresses: ["127.0.0.1:1"]}
	rules: app: AppDown: {
		tier: "P2"
		expr: "up == 0"
		annotations: summary: "` + slack + `"
	}
	remoteWrite: [{url: "https://writer:hunter2@example.com/api/v1/write"}]`),
	})
	_, err := Environment(root, Ref{Name: "prod", Dir: "environments/prod"}, Options{})
	if !errors.Is(err, ErrCredential) {
		t.Fatalf("want a credential error, got %v", err)
	}
	msg := err.Error()
	for _, want := range []string{
		"environments/prod/prod.cue:19:25: env.rules.app.AppDown.annotations.summary: a literal credential in CUE (a Slack webhook URL)",
		"environments/prod/prod.cue:21:22: env.remoteWrite.url: a literal credential in CUE (a URL with a user name or password in it)",
	} {
		if !strings.Contains(msg, want) {
			t.Errorf("error:\n%s\nwant: %s", msg, want)
		}
	}
	for _, secret := range []string{"XXXXSECRETXXXX", "hunter2"} {
		if strings.Contains(msg, secret) {
			t.Errorf("the error quotes the secret %q:\n%s", secret, msg)
		}
	}
}

// The credentials of the opsgenie, telegram and discord receivers are
// refused as literals by field name, a Discord webhook URL by its shape
// wherever it is, and none of them is quoted.
func TestLiteralReceiverCredentialsAreRefused(t *testing.T) {
	const (
		token   = "123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsawq"
		discord = "https://discord.com/api/webhooks/1234/SECRETPART"
		apiKey  = "0f1e2d3c-opsgenie-key"
	)
	root := writeFiles(t, map[string]string{
		"cue.mod/module.cue": userModule,
		"environments/prod/prod.cue": envFile(`	name: "prod"
	targets: app: {kind: "static", addresses: ["127.0.0.1:1"]}
	alerting: receivers: {
		tg: {kind: "telegram", botToken: "` + token + `", chatID: 1}
		dc: {kind: "webhook", url: "` + discord + `"}
		og: {kind: "opsgenie", apiKey: "` + apiKey + `"}
	}
	rules: app: AppDown: {tier: "P2", expr: "up == 0", annotations: summary: "ask bot ` + token + `"}`),
	})
	_, err := Environment(root, Ref{Name: "prod", Dir: "environments/prod"}, Options{})
	if !errors.Is(err, ErrCredential) {
		t.Fatalf("want a credential error, got %v", err)
	}
	msg := err.Error()
	for _, want := range []string{
		"environments/prod/prod.cue:17:36: env.alerting.receivers.tg.botToken: a literal credential in CUE (botToken takes a Secret reference, not a value)",
		"environments/prod/prod.cue:18:30: env.alerting.receivers.dc.url: a literal credential in CUE (a Discord webhook URL)",
		"environments/prod/prod.cue:19:34: env.alerting.receivers.og.apiKey: a literal credential in CUE (apiKey takes a Secret reference, not a value)",
		"environments/prod/prod.cue:21:75: env.rules.app.AppDown.annotations.summary: a literal credential in CUE (a Telegram bot token)",
	} {
		if !strings.Contains(msg, want) {
			t.Errorf("error:\n%s\nwant: %s", msg, want)
		}
	}
	for _, secret := range []string{"AAHdqTcv", "SECRETPART", apiKey} {
		if strings.Contains(msg, secret) {
			t.Errorf("the error quotes the secret %q:\n%s", secret, msg)
		}
	}
}
