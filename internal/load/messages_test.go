package load

import (
	"fmt"
	"strings"
	"testing"

	"cuelang.org/go/cue"
	"cuelang.org/go/cue/cuecontext"
	cueerrors "cuelang.org/go/cue/errors"
)

// A default the user never wrote is not quoted, and the pattern is said
// in words.
func TestExplainDisjunctionWithDefault(t *testing.T) {
	v := cuecontext.New().CompileString(`
#Duration: =~"^([0-9]+(ms|s|m|h|d|w|y))+$"
env: {period: *"30d" | #Duration} & {period: "28 d"}
`)
	err := v.Validate(cue.Concrete(true))
	if err == nil {
		t.Fatal("no error")
	}
	var msgs []string
	for _, e := range explainCUE(v.LookupPath(cue.ParsePath("env")), cueerrors.Errors(err)) {
		msgs = append(msgs, e.Error())
	}
	if len(msgs) != 1 || !strings.Contains(msgs[0], `invalid value "28 d": a duration is a number and a unit with nothing between`) {
		t.Fatalf("got %q", msgs)
	}
	if strings.Contains(msgs[0], `"30d"`) {
		t.Errorf("the default the user never wrote is quoted: %s", msgs[0])
	}
}

func TestExplainUnknownField(t *testing.T) {
	v := cuecontext.New().CompileString(`
#T: {addresses?: [...string], interval?: string}
env: targets: app: #T & {adresses: ["x"]}
`)
	err := v.Validate()
	if err == nil {
		t.Fatal("no error")
	}
	var msgs []string
	for _, e := range explainCUE(v.LookupPath(cue.ParsePath("env")), cueerrors.Errors(err)) {
		msgs = append(msgs, e.Error())
	}
	if len(msgs) != 1 || !strings.HasSuffix(msgs[0], `adresses: field not allowed: the schema has no such field (did you mean "addresses"?)`) {
		t.Fatalf("got %q", msgs)
	}
}

// A static target or probe may attach labels but not job: its key is its
// job name in both flavours (schemas' #TargetLabels). The message says so
// at labels.job, for every kind that has labels; other labels load.
func TestTargetLabelsRefuseJob(t *testing.T) {
	for _, c := range []struct{ kind, at, closing, what, job, field string }{
		{"static", `targets: edge: {kind: "static", addresses: ["10.0.0.1:9100"], `, "}", "target", "edge", "targets.edge"},
		{"static probe", `targets: edge: {kind: "probe", module: "http_2xx", static: ["https://example.com"], `, "}", "target", "edge", "targets.edge"},
		{"ingress probe", `targets: edge: {kind: "probe", module: "http_2xx", ingress: selector: app: "web", `, "}", "target", "edge", "targets.edge"},
		{"federation", `federation: edge: {addresses: ["prom:9090"], match: ["up"], `, "}", "federation job", "edge", "federation.edge"},
		{"blackbox probe", `exporters: blackbox: exporter.#BlackboxExporter & {probes: edge: {module: "http_2xx", static: ["https://example.com"], `, "}}", "probe", "probe-edge", "exporters.blackbox.probes.edge"},
	} {
		t.Run(c.kind, func(t *testing.T) {
			for _, labels := range []string{`team: "net"`, `team: "net", job: "edge-nodes"`} {
				file := envFile(`	name: "prod"
	` + c.at + `labels: {` + labels + `}` + c.closing)
				root := writeFiles(t, map[string]string{"cue.mod/module.cue": userModule, "environments/prod/prod.cue": file})
				_, err := Environment(root, limitsRef, Options{})
				if !strings.Contains(labels, "job") {
					if err != nil {
						t.Errorf("labels {%s}: %v", labels, err)
					}
					continue
				}
				// At the job field itself.
				lines := strings.Split(file, "\n")
				want := fmt.Sprintf("environments/prod/prod.cue:%d:%d: ", len(lines)-2, strings.Index(lines[len(lines)-3], "job:")+1)
				msg := `env.` + c.field + `.labels.job: field not allowed: a ` + c.what + `'s key names its job, and every series it scrapes carries job="` + c.job + `" in both flavours`
				// One message: not CUE's others at the same place.
				if err == nil || !strings.HasPrefix(err.Error(), want) || !strings.Contains(err.Error(), msg) || strings.Count(err.Error(), "\n") > 0 {
					t.Errorf("labels {%s}: error %v, want it at %s... saying %q", labels, err, want, msg)
				}
			}
		})
	}
}

// targetJobLabel explains job under a target's labels, the environment's
// or an exporter's, and nothing else.
func TestTargetJobLabelPaths(t *testing.T) {
	for _, c := range []struct {
		rel  []string
		want bool
	}{
		{[]string{"targets", "edge", "labels", "job"}, true},
		{[]string{"exporters", "node", "targets", "edge", "labels", "job"}, true},
		{[]string{"federation", "edge", "labels", "job"}, true},
		{[]string{"exporters", "blackbox", "probes", "web", "labels", "job"}, true},
		{[]string{"targets", "edge", "labels", "team"}, false},
		{[]string{"rules", "edge", "labels", "job"}, false},
		{[]string{"slos", "svc", "probes", "web", "labels", "job"}, false},
		{[]string{"exporters", "blackbox", "federation", "edge", "labels", "job"}, false},
		{[]string{"labels", "job"}, false},
	} {
		if got := targetJobLabel(nil, c.rel) != nil; got != c.want {
			t.Errorf("%v: explained %v, want %v", c.rel, got, c.want)
		}
	}
}

// A service or pod target's port names a port: an empty name is refused
// at its position (plain's keep step would match every port).
func TestTargetPortNotEmpty(t *testing.T) {
	for _, kind := range []string{"service", "pod"} {
		file := envFile(`	name: "prod"
	targets: web: {kind: "` + kind + `", selector: app: "web", port: ""}`)
		root := writeFiles(t, map[string]string{"cue.mod/module.cue": userModule, "environments/prod/prod.cue": file})
		_, err := Environment(root, limitsRef, Options{})
		lines := strings.Split(file, "\n")
		want := fmt.Sprintf("environments/prod/prod.cue:%d:%d: env.targets.web.port: ", len(lines)-2, strings.Index(lines[len(lines)-3], `port:`)+1)
		want += `an empty name: write the name of the Service's or Pod's port to scrape, such as "metrics"`
		if err == nil || !strings.HasPrefix(err.Error(), want) {
			t.Errorf("%s: error %v, want it to start %q", kind, err, want)
		}
	}
}
