package expand

import (
	"testing"

	"github.com/mongen-dev/mongen/internal/model"
)

func TestRuleOriginsAndPlatformServiceJobs(t *testing.T) {
	p := &Plan{
		Groups: []Group{
			{Name: "a", Origin: "a.cue:1:1", Rules: []Rule{
				{Rule: model.Rule{Kind: model.RuleAlert, Name: "Down"}, Origin: "a.cue:2:2"},
				{Rule: model.Rule{Kind: model.RuleRecord, Name: "job:up:sum"}},
			}},
			{Name: "b", Rules: []Rule{{Rule: model.Rule{Kind: model.RuleAlert, Name: "Down", Scope: model.ScopeGlobal}, Origin: "b.cue:3:3"}}},
		},
		Jobs: []Job{
			{Name: "node-exporter", Target: model.Target{PlatformService: "node-exporter"}},
			{Name: "kubelet", Target: model.Target{PlatformService: "kubelet"}},
			{Name: "cadvisor", Target: model.Target{PlatformService: "kubelet"}},
			{Name: "etcd", Target: model.Target{PlatformService: "etcd", Endpoints: []string{"10.0.0.1:2379"}}},
			{Name: "app", Target: model.Target{}},
		},
	}
	alerts, records := p.RuleOrigins()
	if alerts["Down"] != "a.cue:2:2" || records["job:up:sum"] != "a.cue:1:1" || len(alerts) != 1 || len(records) != 1 {
		t.Errorf("RuleOrigins = %v, %v", alerts, records)
	}
	jobs := p.PlatformServiceJobs()
	if len(jobs) != 3 || jobs["kubelet"].Jobs[0] != "cadvisor" || jobs["kubelet"].External || !jobs["etcd"].External {
		t.Errorf("PlatformServiceJobs = %+v", jobs)
	}
}
