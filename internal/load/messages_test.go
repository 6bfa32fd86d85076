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
	for _, c := range []struct{ kind, target string }{
		{"static", `kind: "static", addresses: ["10.0.0.1:9100"]`},
		{"static probe", `kind: "probe", module: "http_2xx", static: ["https://example.com"]`},
		{"ingress probe", `kind: "probe", module: "http_2xx", ingress: selector: app: "web"`},
	} {
		t.Run(c.kind, func(t *testing.T) {
			for _, labels := range []string{`team: "net"`, `team: "net", job: "edge-nodes"`} {
				file := envFile(`	name: "prod"
	targets: edge: {` + c.target + `, labels: {` + labels + `}}`)
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
				msg := `env.targets.edge.labels.job: field not allowed: a target's key is its job name, and every series it scrapes carries job="edge" in both flavours`
				if err == nil || !strings.HasPrefix(err.Error(), want) || !strings.Contains(err.Error(), msg) {
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
		{[]string{"targets", "edge", "labels", "team"}, false},
		{[]string{"federation", "edge", "labels", "job"}, false},
		{[]string{"labels", "job"}, false},
	} {
		if got := targetJobLabel(nil, c.rel) != nil; got != c.want {
			t.Errorf("%v: explained %v, want %v", c.rel, got, c.want)
		}
	}
}
