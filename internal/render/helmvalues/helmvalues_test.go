package helmvalues

import (
	"strings"
	"testing"

	"github.com/mongen-dev/mongen/internal/model"
	"github.com/mongen-dev/mongen/internal/platform/kpsrules"
)

func TestMergeSaysEveryReasonOnce(t *testing.T) {
	got, err := merge([]Setting{
		{Key: []string{"a", "enabled"}, Value: true, Why: "one"},
		{Key: []string{"a", "enabled"}, Value: true, Why: "two"},
		{Key: []string{"a", "enabled"}, Value: true, Why: "one"},
		{Key: []string{"b"}, Value: false, Why: "three"},
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 2 || got[0].Why != "one; two" || got[1].Name() != "b" {
		t.Errorf("merge = %+v", got)
	}
	if _, err := merge([]Setting{{Key: []string{"a"}, Value: true, Why: "x"}, {Key: []string{"a"}, Value: false, Why: "y"}}); err == nil {
		t.Error("contradicting settings merged without an error")
	}
}

func TestConflictsNameTheUsersLine(t *testing.T) {
	pl := model.Platform{
		UserValues: map[string]any{
			"kubeEtcd":     map[string]any{"enabled": true},
			"alertmanager": map[string]any{"enabled": true},
		},
		ValuesPositions: map[string]string{"kubeEtcd.enabled": "v.yaml:2:3", "alertmanager.enabled": "v.yaml:4:3"},
	}
	probs := conflicts(pl, []Setting{
		{Key: []string{"kubeEtcd", "enabled"}, Value: false, Why: "mongen scrapes etcd itself"},
		{Key: []string{"alertmanager", "enabled"}, Value: true, Why: "routing"},
		{Key: []string{"grafana", "enabled"}, Value: true, Why: "absent from the user's values"},
	})
	if len(probs) != 1 || !strings.HasPrefix(probs[0].Error(), "v.yaml:2:3: your values set kubeEtcd.enabled: true, but mongen's output needs false: mongen scrapes etcd itself") {
		t.Errorf("conflicts = %q", probs)
	}
}

func TestSelectorConflicts(t *testing.T) {
	env := &model.Environment{Selector: map[string]string{"release": "r"}, Platform: model.Platform{
		UserValues: map[string]any{"prometheus": map[string]any{"prometheusSpec": map[string]any{
			"serviceMonitorSelector": map[string]any{"matchLabels": map[string]any{"team": "x"}},
			"podMonitorSelector":     map[string]any{"matchLabels": map[string]any{"release": "r"}},
			"probeSelector":          map[string]any{},
			"ruleSelector":           map[string]any{"matchExpressions": []any{map[string]any{"key": "release", "operator": "Bogus"}}},
		}}},
		ValuesPositions: map[string]string{},
	}}
	probs := selectorConflicts(env, nil)
	if len(probs) != 2 || !strings.Contains(probs[0].Msg, "serviceMonitorSelector to {matchLabels: {team: x}}, which does not select mongen's objects") || !strings.Contains(probs[1].Msg, "ruleSelector, which is not a label selector") {
		t.Errorf("selectorConflicts = %q", probs)
	}
}

func TestEncodeSortsKeysAndComments(t *testing.T) {
	data, err := Encode(model.Platform{Chart: "88.5.3", Release: "r", Namespace: "m"}, []Setting{
		{Key: []string{"z", "b"}, Value: 1, Why: "second"},
		{Key: []string{"a"}, Value: []string{"x", "y"}, Why: "first"},
		{Key: []string{"z", "a"}, Value: "s", Why: "third"},
	})
	if err != nil {
		t.Fatal(err)
	}
	body := string(data[strings.Index(string(data), "# first"):])
	want := "# first\na:\n  - x\n  - \"y\"\nz:\n  # third\n  a: s\n  # second\n  b: 1\n"
	if body != want {
		t.Errorf("Encode body =\n%s\nwant\n%s", body, want)
	}
}

func TestAlsoOffNamesTheOtherRulesOfAGatedFile(t *testing.T) {
	down := kpsrules.Rule{Name: "KubeSchedulerDown", Group: "g", Template: "t"}
	unreachable := kpsrules.Rule{Name: "KubeSchedulerInstanceUnreachable", Group: "g", Template: "t"}
	off := kpsrules.Rule{Name: "Elsewhere", Group: "h", Template: "u"}
	gated := map[string][]kpsrules.Rule{"KubeSchedulerDown": {down, unreachable, off}}
	enabled := map[kpsrules.Rule]bool{down: true, unreachable: true}
	if got := alsoOff(gated, enabled, "KubeSchedulerDown"); len(got) != 1 || got[0] != "KubeSchedulerInstanceUnreachable" {
		t.Errorf("alsoOff = %q", got)
	}
	if got := alsoOff(gated, enabled, "NodeDown"); len(got) != 0 {
		t.Errorf("alsoOff of an ungated alert = %q", got)
	}
}

// A value of the user's is quoted only when it cannot be a credential.
func TestConflictsNeverQuoteTheUsersStrings(t *testing.T) {
	pl := model.Platform{
		UserValues: map[string]any{"prometheus": map[string]any{"prometheusSpec": map[string]any{
			"thanos": map[string]any{"objectStorageConfig": map[string]any{"secret": map[string]any{"secret_key": "AKIASECRETVALUE"}}},
		}}, "alertmanager": map[string]any{"alertmanagerSpec": map[string]any{"configSecret": "hunter2-secret-name"}}},
		ValuesPositions: map[string]string{},
	}
	probs := conflicts(pl, []Setting{
		{Key: []string{"prometheus", "prometheusSpec", "thanos"}, Value: map[string]any{"objectStorageConfig": map[string]any{"existingSecret": map[string]any{"name": "s", "key": "k"}}}, Why: "sidecar"},
		{Key: []string{"alertmanager", "alertmanagerSpec", "configSecret"}, Value: "mine", Why: "config"},
	})
	if len(probs) != 2 {
		t.Fatalf("conflicts = %q", probs)
	}
	for _, p := range probs {
		if strings.Contains(p.Error(), "AKIASECRETVALUE") || strings.Contains(p.Error(), "hunter2") {
			t.Errorf("a message quotes the user's value: %s", p)
		}
	}
	if !strings.Contains(probs[1].Msg, "prometheus.prometheusSpec.thanos: a mapping") {
		t.Errorf("the message does not say what kind of value: %s", probs[1])
	}
}
