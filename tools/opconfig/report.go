package main

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"

	monitoringv1 "github.com/prometheus-operator/prometheus-operator/pkg/apis/monitoring/v1"
	"github.com/prometheus-operator/prometheus-operator/pkg/operator"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/labels"
	"k8s.io/client-go/tools/cache"
)

// Report says what the operator did with the input. Every list is sorted.
type Report struct {
	OperatorVersion   string `json:"operatorVersion"`
	Prometheus        string `json:"prometheus"`
	PrometheusVersion string `json:"prometheusVersion"`
	KubernetesVersion string `json:"kubernetesVersion"`
	// Selected are the objects, by kind, that the operator selected and
	// accepted (NAMESPACE/NAME): they are in the configuration or rule files.
	Selected map[string][]string `json:"selected"`
	// Rejected were selected, then refused by the operator's checks.
	Rejected []Entry `json:"rejected"`
	// NotSelected are input objects the CR's selectors do not select.
	NotSelected []Entry `json:"notSelected"`
	// Missing are Secrets and ConfigMaps the CR mounts that the input lacks.
	Missing []Entry `json:"missing"`
	// Ignored are input objects of kinds the operator does not read here.
	Ignored []Entry `json:"ignored"`
	// RuleConfigMaps are the ConfigMap names in rule_files, as
	// /etc/prometheus/rules/<name>/*.yaml: the ones written and, up to
	// three, names reserved for later (mounted optional).
	RuleConfigMaps []string   `json:"ruleConfigMaps"`
	RuleFiles      []RuleFile `json:"ruleFiles"`
	// Args are the Prometheus flags the operator sets from the CR
	// (ConfigGenerator.BuildCommonPrometheusArgs).
	Args []string `json:"args"`
}

// Entry is one object and what happened to it.
type Entry struct {
	Kind   string `json:"kind"`
	Object string `json:"object"` // NAMESPACE/NAME
	Reason string `json:"reason"`
}

func (e Entry) String() string { return e.Kind + " " + e.Object + ": " + e.Reason }

// RuleFile is one rule file in a rule ConfigMap and the PrometheusRule it
// comes from.
type RuleFile struct {
	ConfigMap      string   `json:"configMap"`
	File           string   `json:"file"`
	PrometheusRule string   `json:"prometheusRule"`
	Groups         []string `json:"groups"`
}

// Problems are the rejected, not selected and missing objects.
func (r Report) Problems() []string {
	var out []string
	for _, e := range r.Rejected {
		out = append(out, "rejected: "+e.String())
	}
	for _, e := range r.NotSelected {
		out = append(out, "not selected: "+e.String())
	}
	for _, e := range r.Missing {
		out = append(out, "missing: "+e.String())
	}
	return out
}

func (r *Report) sort() {
	for k := range r.Selected {
		slices.Sort(r.Selected[k])
	}
	for _, l := range []*[]Entry{&r.Rejected, &r.NotSelected, &r.Missing, &r.Ignored} {
		slices.SortFunc(*l, func(a, b Entry) int {
			return strings.Compare(a.Kind+"\x00"+a.Object, b.Kind+"\x00"+b.Object)
		})
	}
	slices.SortFunc(r.RuleFiles, func(a, b RuleFile) int {
		return strings.Compare(a.ConfigMap+"\x00"+a.File, b.ConfigMap+"\x00"+b.File)
	})
}

// selectors explains why an object is not selected, with the operator's
// namespace selection and apimachinery's label selectors.
type selectors struct {
	p          *monitoringv1.Prometheus
	namespaces cache.SharedIndexInformer
}

func (s selectors) of(sel, nsSel *metav1.LabelSelector) func(metav1.Object) string {
	return func(o metav1.Object) string {
		nss, err := operator.SelectNamespacesFromCache(s.p, nsSel, s.namespaces)
		if err != nil {
			return "namespace selector: " + err.Error()
		}
		if !slices.Contains(nss, o.GetNamespace()) {
			if nsSel == nil {
				return fmt.Sprintf("namespace %s is not the Prometheus' own (%s), and the namespace selector is null", o.GetNamespace(), s.p.Namespace)
			}
			return fmt.Sprintf("namespace %s is not selected by %s", o.GetNamespace(), metav1.FormatLabelSelector(nsSel))
		}
		if sel == nil {
			return "the Prometheus CR's selector is null, which selects nothing"
		}
		ls, err := metav1.LabelSelectorAsSelector(sel)
		if err != nil {
			return "label selector: " + err.Error()
		}
		if !ls.Matches(labels.Set(o.GetLabels())) {
			return fmt.Sprintf("labels %s do not match the selector %s", labels.Set(o.GetLabels()), metav1.FormatLabelSelector(sel))
		}
		return "dropped by the operator (see its log)"
	}
}

// account records, for one kind, the operator's selection against the
// input: accepted, rejected (with the operator's condition message) and not
// selected.
func account[T operator.ConfigurationResource, O metav1.Object](rep *Report, kind string, selection operator.TypedResourcesSelection[T], input []O, why func(metav1.Object) string) {
	selected := []string{}
	for key, res := range selection {
		ok := true
		for _, c := range res.Conditions() {
			if c.Status != monitoringv1.ConditionTrue {
				ok = false
				rep.Rejected = append(rep.Rejected, Entry{Kind: kind, Object: key, Reason: c.Message})
			}
		}
		if ok {
			selected = append(selected, key)
		}
	}
	rep.Selected[kind] = selected
	for _, o := range input {
		key := objectKey(o.GetNamespace(), o.GetName())
		if _, ok := selection[key]; !ok {
			rep.NotSelected = append(rep.NotSelected, Entry{Kind: kind, Object: key, Reason: why(o)})
		}
	}
}

// ruleFileEntries maps each rule file back to its PrometheusRule: the
// operator names the file <namespace>-<name>-<uid>.yaml.
func ruleFileEntries(files map[string]map[string]string, selection operator.TypedResourcesSelection[*monitoringv1.PrometheusRule]) []RuleFile {
	byFile := map[string]*monitoringv1.PrometheusRule{}
	for _, res := range selection {
		r := res.Resource()
		byFile[fmt.Sprintf("%v-%v-%v.yaml", r.Namespace, r.Name, r.UID)] = r
	}
	var out []RuleFile
	for cm, data := range files {
		for file := range data {
			rf := RuleFile{ConfigMap: cm, File: file, Groups: []string{}}
			if r, ok := byFile[file]; ok {
				rf.PrometheusRule = objectKey(r.Namespace, r.Name)
				for _, g := range r.Spec.Groups {
					rf.Groups = append(rf.Groups, g.Name)
				}
			}
			out = append(out, rf)
		}
	}
	return out
}

// write writes the result under dir, replacing what an earlier run wrote
// there.
func (r *result) write(dir string) error {
	for _, name := range []string{"prometheus.yaml", "report.json", "rules", "certs", "secrets", "configmaps"} {
		if err := os.RemoveAll(filepath.Join(dir, name)); err != nil {
			return fmt.Errorf("clear %s: %w", dir, err)
		}
	}
	files := map[string][]byte{"prometheus.yaml": r.Config}
	rep, err := json.MarshalIndent(r.Report, "", "  ")
	if err != nil {
		return fmt.Errorf("encode report: %w", err)
	}
	files["report.json"] = append(rep, '\n')
	for cm, data := range r.RuleFiles {
		for name, content := range data {
			files[filepath.Join("rules", cm, name)] = []byte(content)
		}
	}
	for name, content := range r.TLSAssets {
		files[filepath.Join("certs", name)] = content
	}
	for s, data := range r.Secrets {
		for k, v := range data {
			files[filepath.Join("secrets", s, k)] = v
		}
	}
	for cm, data := range r.ConfigMaps {
		for k, v := range data {
			files[filepath.Join("configmaps", cm, k)] = []byte(v)
		}
	}
	for name, content := range files {
		path := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			return fmt.Errorf("write %s: %w", path, err)
		}
		if err := os.WriteFile(path, content, 0o644); err != nil {
			return fmt.Errorf("write %s: %w", path, err)
		}
	}
	return nil
}
