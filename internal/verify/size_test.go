package verify

import (
	"fmt"
	"strings"
	"testing"

	"github.com/mongen-dev/mongen/internal/artifact"
	"github.com/mongen-dev/mongen/internal/expand"
	"github.com/mongen-dev/mongen/internal/verify/kustomizecheck"
)

// An object over the apply limit is reported at the CUE that made it,
// not only at the generated file.
func TestApplySizeAtTheCUEPosition(t *testing.T) {
	tree := artifact.NewTree()
	for _, f := range []artifact.File{
		{Path: "manifests/prometheusrule-big.yaml", Data: []byte("apiVersion: monitoring.coreos.com/v1\nkind: PrometheusRule\nmetadata:\n  name: big\n"), Origin: "environments/prod/rules.cue:12:3"},
		{Path: "manifests/configmap-small.yaml", Data: []byte("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: small\n"), Origin: "environments/prod/other.cue:1:1"},
	} {
		if err := tree.Add(f); err != nil {
			t.Fatal(err)
		}
	}
	big := kustomizecheck.ResourceID{APIVersion: "monitoring.coreos.com/v1", Kind: "PrometheusRule", Namespace: "monitoring", Name: "big"}
	small := kustomizecheck.ResourceID{APIVersion: "v1", Kind: "ConfigMap", Namespace: "monitoring", Name: "small"}
	var got []string
	add := func(origin, path string, err error) { got = append(got, fmt.Sprintf("%s: %s: %v", origin, path, err)) }
	checkApplySize(&expand.Plan{}, tree, []kustomizecheck.ResourceID{big, small}, map[kustomizecheck.ResourceID]int{big: MaxApplySize + 1, small: 10}, add)
	if len(got) != 1 {
		t.Fatalf("want one problem, got %q", got)
	}
	want := "environments/prod/rules.cue:12:3: kustomization.yaml: monitoring.coreos.com/v1 PrometheusRule/monitoring/big is 262145 bytes as JSON, over the 262144 bytes kubectl's last-applied-configuration annotation can hold: split the rule group into smaller groups, or apply it server-side"
	if !strings.HasPrefix(got[0], "environments/prod/rules.cue:12:3: ") || got[0] != want {
		t.Errorf("got  %s\nwant %s", got[0], want)
	}
}
