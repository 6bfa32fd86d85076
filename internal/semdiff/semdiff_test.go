package semdiff

import (
	"bytes"
	"encoding/json"
	"reflect"
	"strings"
	"testing"

	"github.com/mongen-dev/mongen/internal/artifact"
	"github.com/mongen-dev/mongen/internal/expand"
	"github.com/mongen-dev/mongen/internal/model"
)

func alert(key, tier, team, expr string) expand.Rule {
	return expand.Rule{Key: key, Rule: model.Rule{Kind: model.RuleAlert, Name: key, Tier: tier, Team: team, Expr: expr, For: "5m",
		Labels: map[string]string{"severity": map[string]string{"P0": "critical", "P1": "warning", "P2": "info"}[tier]}}}
}

func record(key, expr string) expand.Rule {
	return expand.Rule{Key: key, Rule: model.Rule{Kind: model.RuleRecord, Name: key, Expr: expr}}
}

func policy(teamP1 ...string) *expand.AlertingPlan {
	a := &model.Alerting{
		Fallback: "mail",
		Tiers: map[string]model.TierPolicy{
			"P0": {Severity: "critical", Receivers: []string{"pager"}},
			"P1": {Severity: "warning", Receivers: []string{"chat"}},
			"P2": {Severity: "info", Receivers: []string{"mail"}},
		},
		Teams: map[string]model.Team{},
	}
	if len(teamP1) > 0 {
		a.Teams["app"] = model.Team{Receivers: map[string][]string{"P1": teamP1}}
	}
	return &expand.AlertingPlan{Policy: a}
}

func side(al *expand.AlertingPlan, jobs []expand.Job, files map[string]string, rules ...expand.Rule) *Side {
	tree := artifact.NewTree()
	for p, d := range files {
		if err := tree.Add(artifact.File{Path: p, Data: []byte(d)}); err != nil {
			panic(err)
		}
	}
	return &Side{Plan: &expand.Plan{Env: &model.Environment{Name: "dev"}, Groups: []expand.Group{{Name: "app", Rules: rules}}, Jobs: jobs, Alerting: al}, Tree: tree}
}

func job(name, interval string, addrs ...string) expand.Job {
	return expand.Job{Name: name, Target: model.Target{Kind: model.KindStatic, Addresses: addrs, Interval: interval, Selector: map[string]string{"app": name}}}
}

func TestCompare(t *testing.T) {
	base := side(policy(), []expand.Job{job("app", "30s", "a:1"), job("old", "")},
		map[string]string{"prometheus/rules/app.yaml": "x: 1\n", "kustomization.yaml": "a\nb\nc\n", "gone.yaml": "g\n"},
		alert("AppDown", "P1", "app", "up == 0"), alert("AppGone", "P2", "", "x"), record("job:x", "sum(x)"))
	head := side(policy("chat", "app-pager"), []expand.Job{job("app", "15s", "a:1", "a:2"), job("new", "")},
		map[string]string{"prometheus/rules/app.yaml": "x: 2\n", "kustomization.yaml": "a\nB\nc\n", "added.yaml": "1\n2\n"},
		alert("AppDown", "P1", "app", "up == 1"), alert("AppNew", "P0", "", "y"), record("job:x", "sum(rate(x[5m]))"))
	e := Compare(Input{Name: "dev", Base: base, Head: head}, Options{})

	if e.Status != EnvChanged {
		t.Errorf("status %s", e.Status)
	}
	got := map[string]Change{}
	for _, a := range e.Alerts {
		got[a.Name] = a.Change
	}
	if want := map[string]Change{"AppDown": Changed, "AppGone": Removed, "AppNew": Added}; !reflect.DeepEqual(got, want) {
		t.Errorf("alerts %v, want %v", got, want)
	}
	if e.Alerts[0].Name != "AppDown" || !reflect.DeepEqual(e.Alerts[0].Fields, []Field{{"expr", "up == 0", "up == 1"}}) {
		t.Errorf("AppDown fields %+v", e.Alerts[0].Fields)
	}
	if a := e.Alerts[2]; a.Name != "AppNew" || !reflect.DeepEqual(a.Receivers, []string{"pager"}) {
		t.Errorf("AppNew %+v", a)
	}
	if len(e.RecordingRules) != 1 || e.RecordingRules[0].Fields[0].Field != "expr" {
		t.Errorf("recording rules %+v", e.RecordingRules)
	}
	wantRoute := Route{What: "P1 alerts of team app", Tier: "P1", Team: "app", Alerts: []string{"AppDown"}, Before: []string{"chat"}, After: []string{"app-pager", "chat"}}
	if len(e.Routing) != 1 || !reflect.DeepEqual(e.Routing[0], wantRoute) {
		t.Errorf("routing %+v", e.Routing)
	}
	jobs := map[string]Job{}
	for _, j := range e.ScrapeJobs {
		jobs[j.Name] = j
	}
	if j := jobs["app"]; j.Change != Changed || !reflect.DeepEqual(j.Fields, []Field{{"addresses", `["a:1"]`, `["a:1","a:2"]`}, {"interval", "30s", "15s"}}) {
		t.Errorf("job app %+v", j)
	}
	if jobs["old"].Change != Removed || jobs["new"].Change != Added {
		t.Errorf("jobs %+v", e.ScrapeJobs)
	}
	files := map[string]File{}
	for _, f := range e.Files {
		files[f.Path] = f
	}
	if f := files["out/dev/kustomization.yaml"]; f.Change != Changed || f.LinesAdded != 1 || f.LinesRemoved != 1 || !strings.Contains(f.Diff, "-b\n+B\n") {
		t.Errorf("kustomization %+v", f)
	}
	if f := files["out/dev/prometheus/rules/app.yaml"]; f.Change != Changed || f.Diff != "" {
		t.Errorf("a rule file's changes are in the alerts section, not a raw diff: %+v", f)
	}
	if files["out/dev/added.yaml"].LinesAdded != 2 || files["out/dev/gone.yaml"].Change != Removed {
		t.Errorf("files %+v", e.Files)
	}
	if got := e.Counts.Summary(); got != "3 alerts (1 added, 1 removed, 1 changed), 1 recording rule changed, 1 routing change, 3 scrape jobs (1 added, 1 removed, 1 changed), 4 files (1 added, 1 removed, 2 changed)" {
		t.Errorf("summary %q", got)
	}
}

func TestUnchangedAddedRemoved(t *testing.T) {
	s := side(policy(), nil, map[string]string{"a.yaml": "a\n"}, alert("A", "P1", "", "up == 0"))
	if e := Compare(Input{Name: "dev", Base: s, Head: s}, Options{}); e.Status != EnvUnchanged || !e.Counts.Empty() {
		t.Errorf("same side: %+v", e)
	}
	added := Compare(Input{Name: "dev", Head: s}, Options{})
	if added.Status != EnvAdded || added.Counts.Alerts.Added != 1 || len(added.Routing) != 0 || added.Files[0].Diff != "" {
		t.Errorf("added: %+v", added)
	}
	removed := Compare(Input{Name: "dev", Base: s}, Options{})
	if removed.Status != EnvRemoved || removed.Counts.Alerts.Removed != 1 || removed.Counts.Files.Removed != 1 {
		t.Errorf("removed: %+v", removed)
	}
	failed := Compare(Input{Name: "dev", Base: s, Err: "HEAD: broken"}, Options{})
	r := NewReport("HEAD", "working tree", []Env{added, removed, failed})
	if !r.HasChanges() || !r.HasErrors() || r.Totals.Environments.Added != 1 || r.Totals.Environments.Removed != 1 {
		t.Errorf("report totals %+v", r.Totals)
	}
}

func TestFormats(t *testing.T) {
	base := side(policy(), nil, map[string]string{"x.yaml": "a\n"}, alert("A", "P1", "", "up == 0"))
	head := side(policy(), nil, map[string]string{"x.yaml": "b\n"}, alert("A", "P1", "", "up == 1"))
	r := NewReport("main (1234567)", "working tree", []Env{Compare(Input{Name: "dev", Base: base, Head: head}, Options{})})

	var plain, color bytes.Buffer
	if err := Write(&plain, Text, r, WriteOptions{}); err != nil {
		t.Fatal(err)
	}
	if err := Write(&color, Text, r, WriteOptions{Color: true}); err != nil {
		t.Fatal(err)
	}
	if strings.Contains(plain.String(), "\x1b[") {
		t.Error("colour without Color")
	}
	if !strings.Contains(color.String(), ansiGreen+"up == 1"+ansiReset) {
		t.Errorf("no colour with Color:\n%q", color.String())
	}
	if !strings.HasPrefix(plain.String(), "mongen diff main (1234567) → working tree: 1 of 1 environment changed\ndev: 1 alert changed, 1 file changed\n") {
		t.Errorf("text:\n%s", plain.String())
	}

	var md bytes.Buffer
	if err := Write(&md, Markdown, r, WriteOptions{}); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{CommentMarker + "\n", "<details><summary><b>Alerts</b>: 1 changed</summary>", "-expr: up == 0\n+expr: up == 1\n", "```diff\n@@ -1,1 +1,1 @@\n-a\n+b\n```"} {
		if !strings.Contains(md.String(), want) {
			t.Errorf("markdown lacks %q:\n%s", want, md.String())
		}
	}

	var js bytes.Buffer
	if err := Write(&js, JSON, r, WriteOptions{}); err != nil {
		t.Fatal(err)
	}
	var back Report
	if err := json.Unmarshal(js.Bytes(), &back); err != nil || !reflect.DeepEqual(&back, r) {
		t.Errorf("JSON does not round-trip: %v\n%s", err, js.String())
	}
}

// TestMarkdownSizeLimit: a comment that would pass GitHub's limit loses its
// raw diffs, not its semantic sections.
func TestMarkdownSizeLimit(t *testing.T) {
	var a, b strings.Builder
	for i := 0; i < 5000; i++ {
		a.WriteString("line a " + strings.Repeat("x", 20) + "\n")
		b.WriteString("line b " + strings.Repeat("y", 20) + "\n")
	}
	base := side(policy(), nil, map[string]string{"big.yaml": a.String()}, alert("A", "P1", "", "up == 0"))
	head := side(policy(), nil, map[string]string{"big.yaml": b.String()}, alert("A", "P1", "", "up == 1"))
	r := NewReport("main", "working tree", []Env{Compare(Input{Name: "dev", Base: base, Head: head}, Options{MaxDiffLines: 100000})})
	var md bytes.Buffer
	if err := Write(&md, Markdown, r, WriteOptions{}); err != nil {
		t.Fatal(err)
	}
	if md.Len() > maxComment || !strings.Contains(md.String(), "Raw diffs left out") || !strings.Contains(md.String(), "+expr: up == 1") {
		t.Errorf("markdown of %d bytes:\n%.2000s", md.Len(), md.String())
	}
}

func TestTruncate(t *testing.T) {
	d := "diff a b\n--- a\n+++ b\n@@ -1,3 +1,3 @@\n-1\n+2\n 3\n 4\n"
	if got := truncate([]byte(d), 2); got != "@@ -1,3 +1,3 @@\n-1\n… 3 more lines\n" {
		t.Errorf("truncate = %q", got)
	}
	if a, r := countChanges([]byte("diff a b\n--- a\n+++ b\n@@ -1 +1 @@\n--- x\n+++ y\n")); a != 1 || r != 1 {
		t.Errorf("countChanges counts a removed '-- x' line as a header: +%d -%d", a, r)
	}
}

func TestCommitMessage(t *testing.T) {
	base := side(policy(), []expand.Job{job("app", "30s")}, nil, alert("A", "P1", "app", "up == 0"))
	head := side(policy("pager"), []expand.Job{job("app", "15s")}, nil, alert("A", "P1", "app", "up == 1"), alert("B", "P2", "", "x"))
	r := NewReport("1234567 (out/dev)", "working tree", []Env{Compare(Input{Name: "dev", Base: base, Head: head}, Options{})})
	want := `mongen build: dev

Changes from 1234567 (out/dev) to the working tree, as mongen diff reports them:

dev: 2 alerts (1 added, 1 changed), 1 routing change, 1 scrape job changed
  ~ alert A (group app): expr
  + alert B (group app) → mail
  ~ P1 alerts of team app: chat → pager (A)
  ~ scrape job app (static): interval
`
	if got := CommitMessage(r, []string{"dev"}); got != want {
		t.Errorf("CommitMessage:\n%s\nwant:\n%s", got, want)
	}
}

func TestParseFormat(t *testing.T) {
	for in, want := range map[string]Format{"text": Text, "markdown": Markdown, "md": Markdown, "json": JSON} {
		if f, err := ParseFormat(in); err != nil || f != want {
			t.Errorf("%s: %v %v", in, f, err)
		}
	}
	if _, err := ParseFormat("yaml"); err == nil {
		t.Error("yaml accepted")
	}
}

// TestDashboards: a changed query, unit and title show as fields of the
// dashboard, by panel title; added and removed dashboards as headings; the
// dashboard JSON files get no raw diff (the section explains them).
func TestDashboards(t *testing.T) {
	dash := func(uid, title, unit, expr string) expand.Dashboard {
		return expand.Dashboard{Source: "environment", Origin: "environments/dev/d.cue:3:1", Dashboard: model.Dashboard{UID: uid, Title: title,
			Panels: []model.Panel{{Type: model.PanelStat, Title: "Up", Unit: unit, Targets: []model.Query{{Expr: expr}}}}}}
	}
	base := side(nil, nil, map[string]string{"dashboards/a.json": "{\"a\": 1}\n"})
	base.Plan.Dashboards = []expand.Dashboard{dash("a", "A", "short", "sum(up)"), dash("gone", "Gone", "short", "up")}
	head := side(nil, nil, map[string]string{"dashboards/a.json": "{\"a\": 2}\n"})
	head.Plan.Dashboards = []expand.Dashboard{dash("a", "A2", "none", `sum(up{job="x"})`), dash("new", "New", "short", "up")}
	e := Compare(Input{Name: "dev", Base: base, Head: head}, Options{})
	want := []Dashboard{
		{Change: Changed, UID: "a", Title: "A2", Source: "environment", Origin: "environments/dev/d.cue:3:1", Fields: []Field{
			{Field: `panels."Up".queries.A`, Before: "sum(up)", After: `sum(up{job="x"})`},
			{Field: `panels."Up".unit`, Before: "short", After: "none"},
			{Field: "title", Before: "A", After: "A2"},
		}},
		{Change: Removed, UID: "gone", Title: "Gone", Source: "environment", Origin: "environments/dev/d.cue:3:1"},
		{Change: Added, UID: "new", Title: "New", Source: "environment", Origin: "environments/dev/d.cue:3:1"},
	}
	if !reflect.DeepEqual(e.Dashboards, want) {
		t.Errorf("dashboards:\n got %+v\nwant %+v", e.Dashboards, want)
	}
	if e.Counts.Dashboards != (Tally{Added: 1, Removed: 1, Changed: 1}) {
		t.Errorf("counts %+v", e.Counts.Dashboards)
	}
	for _, f := range e.Files {
		if f.Diff != "" {
			t.Errorf("%s has a raw diff", f.Path)
		}
	}
	var text bytes.Buffer
	if err := Write(&text, Text, NewReport("base", "head", []Env{e}), WriteOptions{}); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(text.String(), `panels."Up".unit: short → none`) || !strings.Contains(text.String(), "3 dashboards (1 added, 1 removed, 1 changed)") {
		t.Errorf("text report:\n%s", text.String())
	}
}
