package load

import (
	"strings"
	"testing"
)

func TestProbeExportersEvaluatesTheLibraryWithParameters(t *testing.T) {
	const sentinel = 987654.321
	got, err := ProbeExporters(nil, []ExporterProbe{
		{Definition: "#NodeExporter", Job: "nodes", Namespace: "obs"},
		{Definition: "#NodeExporter"},
		{Definition: "#NodeExporter", Job: "Not A Name"},
		{Definition: "#NoSuchExporter"},
	}, sentinel)
	if err != nil {
		t.Fatal(err)
	}
	nodes := got[0]
	if nodes.Err != nil {
		t.Fatal(nodes.Err)
	}
	r := nodes.Rules["node-exporter"]["NodeMemoryHigh"]
	if !strings.Contains(r.Expr, `job="nodes"`) || r.Threshold == nil || *r.Threshold != 85 || !strings.Contains(r.Expr, "> 85") {
		t.Errorf("default rule = %+v", r)
	}
	s := nodes.Sentinel["node-exporter"]["NodeMemoryHigh"]
	if !strings.Contains(s.Expr, "> 987654.321") || !strings.Contains(s.Annotations["summary"], "987654.321") {
		t.Errorf("sentinel rule = %q / %q", s.Expr, s.Annotations["summary"])
	}
	if down := nodes.Sentinel["node-exporter"]["NodeDown"]; down.Expr != nodes.Rules["node-exporter"]["NodeDown"].Expr {
		t.Errorf("a rule without threshold changed with the sentinel: %q", down.Expr)
	}
	if tg, ok := nodes.Targets["nodes"]; !ok || tg.Namespace != "obs" || nodes.Job != "nodes" || nodes.Team != "platform" {
		t.Errorf("job %q team %q targets %v", nodes.Job, nodes.Team, nodes.Targets)
	}
	if got[1].Err != nil || got[1].Job != "node-exporter" {
		t.Errorf("default job: %q, %v", got[1].Job, got[1].Err)
	}
	if got[2].Err == nil {
		t.Errorf("an invalid job evaluated: %+v", got[2].Rules)
	}
	if got[3].Err == nil {
		t.Error("an unknown definition evaluated")
	}
	if _, err := ProbeExporters(nil, []ExporterProbe{{Definition: "#X & {}"}}, sentinel); err == nil {
		t.Error("a definition that is an expression was accepted")
	}
}

func TestProbeExportersReportsExportersThatNeedParameters(t *testing.T) {
	// #App requires a team; without it the exporter is incomplete.
	got, err := ProbeExporters(nil, []ExporterProbe{{Definition: "#App", Job: "shop"}}, 1)
	if err != nil {
		t.Fatal(err)
	}
	if got[0].Err == nil {
		t.Errorf("an exporter with a required parameter unset decoded: %+v", got[0].Exporter)
	}
}
