package convert

import (
	"testing"

	"github.com/mongen-dev/mongen/internal/model"
)

func TestSameTargetFillsTheSchemaDefaults(t *testing.T) {
	lib := model.Target{Kind: model.KindService, Namespace: "monitoring", Selector: map[string]string{"app.kubernetes.io/name": "node-exporter"}, Port: "metrics", Path: "/metrics", Scheme: "http", Team: "platform"}
	imported := model.Target{Kind: model.KindService, Namespace: "monitoring", Selector: map[string]string{"app.kubernetes.io/name": "node-exporter"}, Port: "metrics"}
	if !sameTarget("node-exporter", imported, lib) {
		t.Error("an imported target equal but for defaults is not the library's")
	}
	imported.Port = "https"
	if sameTarget("node-exporter", imported, lib) {
		t.Error("another port is the same target")
	}
	imported.Port = "metrics"
	imported.Relabel = []model.Relabel{{Action: "drop"}}
	if sameTarget("node-exporter", imported, lib) {
		t.Error("relabelling is ignored")
	}
	// A monitor naming its job by relabelling and listing its own
	// namespace says what the library's target says.
	job := "node-exporter"
	imported.Relabel = []model.Relabel{{Action: "replace", TargetLabel: "job", Replacement: &job}}
	imported.Namespaces = []string{"monitoring"}
	if !sameTarget("node-exporter", imported, lib) {
		t.Error("a job relabel and the own namespace make another target")
	}
	if sameTarget("other", imported, lib) {
		t.Error("a relabel to another job is ignored")
	}
}
