package load

import (
	"path/filepath"
	"strings"
	"testing"
)

// Each way of smuggling a credential into an environment is an error at
// the position that produced the value, and no message quotes it: literal
// shapes, what concatenation and interpolation build, values from a user
// package the environment imports, places only credentials go (params,
// relabelling, labels, raw scrape configs), and literals on fields the
// schema types as Secret references, whatever CUE's own error says.
func TestCredentialsRefusedAtTheirPosition(t *testing.T) {
	cases := []struct {
		name   string
		body   string
		files  map[string]string
		want   []string
		secret string
	}{{
		name:   "concatenation",
		body:   `	alerting: receivers: hook: {kind: "webhook", url: "https://alice:" + "SECRETCONCAT@hooks.example.com/x"}`,
		want:   []string{"environments/prod/prod.cue:14:52: env.alerting.receivers.hook.url: a literal credential in CUE (a URL with a user name or password in it)"},
		secret: "SECRETCONCAT",
	}, {
		name: "interpolation",
		body: `	let pw = "SECRETINTERP"
	alerting: receivers: hook: {kind: "webhook", url: "https://alice:\(pw)@hooks.example.com/x"}`,
		want:   []string{"environments/prod/prod.cue:15:52: env.alerting.receivers.hook.url: a literal credential in CUE (a URL with a user name or password in it)"},
		secret: "SECRETINTERP",
	}, {
		name: "imported package literal and concatenation",
		body: `	alerting: receivers: {
		a: {kind: "webhook", url: urls.hook}
		b: {kind: "webhook", url: urls.built}
	}`,
		files: map[string]string{"urls/urls.cue": "package urls\n\nhook:  \"https://bob:SECRETPKG1@hooks.example.com/y\"\nbuilt: \"https://bob:\" + \"SECRETPKG2@hooks.example.com/y\"\n"},
		want: []string{
			"urls/urls.cue:3:8: hook: a literal credential in CUE (a URL with a user name or password in it)",
		},
		secret: "SECRETPKG",
	}, {
		name:   "imported package value built by evaluation",
		body:   `	alerting: receivers: b: {kind: "webhook", url: urls.built}`,
		files:  map[string]string{"urls/urls.cue": "package urls\n\nbuilt: \"https://bob:\" + \"SECRETPKG2@hooks.example.com/y\"\n"},
		want:   []string{"urls/urls.cue:3:8: env.alerting.receivers.b.url: a literal credential in CUE (a URL with a user name or password in it)"},
		secret: "SECRETPKG2",
	}, {
		name:   "token query parameters and a Telegram bot URL",
		body:   `	alerting: receivers: {a: {kind: "webhook", url: "https://gitlab.example/api?private_token=SECRETPRIV"}, b: {kind: "webhook", url: "https://fn.example/api/x?code=SECRETCODE"}, c: {kind: "webhook", url: "https://api.telegram.org/bot1234567890:AAEhSECRETTELEGRAMxxxxxxxxxxxxxxxxxx/sendMessage"}}`,
		want:   []string{"env.alerting.receivers.a.url: a literal credential in CUE (a URL with a credential in its query)", "env.alerting.receivers.b.url: a literal credential in CUE (a URL with a credential in its query)", "env.alerting.receivers.c.url: a literal credential in CUE (a Telegram bot token)"},
		secret: "SECRET",
	}, {
		name:   "URL user info without a password",
		body:   `	alerting: receivers: {a: {kind: "webhook", url: "https://:SECRETEMPTYUSER@h.example/"}, b: {kind: "webhook", url: "https://SECRETTOKUSER@h.example/"}}`,
		want:   []string{"prod.cue:14:50: env.alerting.receivers.a.url", "prod.cue:14:116: env.alerting.receivers.b.url"},
		secret: "SECRET",
	}, {
		name:   "scrape params",
		body:   `	targets: app: {kind: "static", addresses: ["127.0.0.1:1"], params: access_token: ["SECRETPARAM"]}`,
		want:   []string{"prod.cue:14:84: env.targets.app.params.access_token: a literal credential in CUE (a token parameter (access_token))"},
		secret: "SECRETPARAM",
	}, {
		name:   "addresses with user info",
		body:   `	targets: app: {kind: "static", addresses: ["alice:SECRETADDR@10.0.0.1:9100"]}` + "\n" + `	federation: up: {addresses: ["ops:SECRETFED@prom-a.example:9090"], match: ["{job=\"x\"}"]}`,
		want:   []string{"prod.cue:14:45: env.targets.app.addresses: a literal credential in CUE (an address with a user name or password in it)", "prod.cue:15:31: env.federation.up.addresses: a literal credential in CUE (an address with a user name or password in it)"},
		secret: "SECRET",
	}, {
		name:   "relabelling into a token parameter, and a credential label",
		body:   `	targets: app: {kind: "static", addresses: ["127.0.0.1:1"], relabel: [{targetLabel: "__param_access_token", replacement: _r}, {targetLabel: "api_token", replacement: _r}], labels: {for k, v in _m {"\(k)_token": v}}}` + "\n\t_r: \"SECRETRE\" + \"LABEL\"\n\t_m: api: \"SECRETLABEL\"",
		want:   []string{"prod.cue:15:6: env.targets.app.relabel[].replacement: a literal credential in CUE (a literal relabelled into the token parameter __param_access_token)", "prod.cue:15:6: env.targets.app.relabel[].replacement: a literal credential in CUE (a literal relabelled into the label api_token)", "prod.cue:16:11: env.targets.app.labels.api_token: a literal credential in CUE (a credential field (api_token))"},
		secret: "SECRET",
	}, {
		name: "raw scrape configs",
		body: `	rawScrapeConfigs: raw: """
		job_name: raw
		http_headers:
		  X-Api:
		    secrets: [SECRETHEADER]
		params:
		  access_token: [SECRETRAWPARAM]
		static_configs:
		- targets: ['alice:SECRETRAWADDR@10.0.0.1:9100']
		oauth2: {client_id: c, client_secret: SECRETOAUTH}
		nested: {deep: {er: {db_password: SECRETDEEP}}}
		"""`,
		want: []string{
			"prod.cue:18: env.rawScrapeConfigs.raw>http_headers.X-Api.secrets[]: a literal credential in CUE (an http_headers secret (X-Api))",
			"prod.cue:20: env.rawScrapeConfigs.raw>params.access_token[]: a literal credential in CUE (a token parameter (access_token))",
			"prod.cue:22: env.rawScrapeConfigs.raw>static_configs[].targets[]: a literal credential in CUE (an address with a user name or password in it)",
			"prod.cue:23: env.rawScrapeConfigs.raw>oauth2.client_secret",
			"prod.cue:24: env.rawScrapeConfigs.raw>nested.deep.er.db_password",
		},
		secret: "SECRET",
	}, {
		name:   "literal on a Secret reference, written in place",
		body:   `	alerting: receivers: {m: {kind: "email", to: ["a@example.com"], from: "b@example.com", smarthost: "smtp.example.com:587", authPassword: "S3cr3tAUTH"}, w: {kind: "wechat", corpID: "c", agentID: "1", apiSecret: "SEC" + "RETWECHAT"}}`,
		want:   []string{"env.alerting.receivers.m.authPassword: a literal credential in CUE (authPassword takes a Secret reference, not a value)", "env.alerting.receivers.w.apiSecret: a literal credential in CUE (apiSecret takes a Secret reference, not a value)"},
		secret: "S3cr3tAUTH",
	}, {
		name:   "literal on a Secret reference through a reference: CUE's conflict is redacted",
		body:   "\t_pw: \"S3cr3tREF\"\n\t_built: \"SEC\" + \"RETBUILT\"\n\t_url: \"https://hooks.example.com/SECRETURL\"\n" + `	alerting: receivers: {m: {kind: "email", to: ["a@example.com"], from: "b@example.com", smarthost: "smtp.example.com:587", authPassword: _pw}, w: {kind: "webhook", urlSecret: _url}, x: {kind: "wechat", corpID: "c", agentID: "1", apiSecret: _built}}`,
		want:   []string{"env.alerting.receivers.m.authPassword: conflicting values", "env.alerting.receivers.w.urlSecret: conflicting values", "env.alerting.receivers.x.apiSecret: conflicting values", `"<redacted>"`},
		secret: "S3cr3tREF|RETBUILT|SECRETURL",
	}, {
		name:   "smarthost with user info",
		body:   `	alerting: receivers: m: {kind: "email", to: ["a@example.com"], from: "b@example.com", smarthost: _h}` + "\n\t_h: \"alice:SECRETSMTP@smtp.example.com:587\"",
		want:   []string{"prod.cue:15:6: env._h: a literal credential in CUE (an address with a user name or password in it)"},
		secret: "SECRETSMTP",
	}}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			files := map[string]string{
				"cue.mod/module.cue":         userModule,
				"environments/prod/prod.cue": envFileImporting(c.body, len(c.files) > 0),
			}
			for n, s := range c.files {
				files[n] = s
			}
			root := writeFiles(t, files)
			_, err := Environment(root, Ref{Name: "prod", Dir: "environments/prod"}, Options{})
			if err == nil {
				t.Fatal("loaded")
			}
			msg := err.Error()
			for _, want := range c.want {
				if !strings.Contains(msg, want) {
					t.Errorf("error:\n%s\nwant: %s", msg, want)
				}
			}
			for _, s := range strings.Split(c.secret, "|") {
				if strings.Contains(msg, s) {
					t.Errorf("the error quotes %q:\n%s", s, msg)
				}
			}
		})
	}
}

// envFileImporting is envFile, importing the user's package urls when
// asked.
func envFileImporting(body string, urls bool) string {
	f := envFile(body)
	if urls {
		f = strings.Replace(f, "import (\n", "import (\n\t\"example.com/mon/urls\"\n", 1)
	}
	return f
}

// The shipped environments hold no credential: the gate passes them.
func TestShippedEnvironmentsPassTheGate(t *testing.T) {
	for _, name := range []string{"dev", "prod"} {
		root, err := filepath.Abs("../..")
		if err != nil {
			t.Fatal(err)
		}
		if _, err := Environments(root, Ref{Name: name, Dir: "environments/" + name}, Options{}); err != nil {
			t.Errorf("%s: %v", name, err)
		}
	}
}
