package e2e

import (
	"bytes"
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/json"
	"encoding/pem"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math/big"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/mongen-dev/mongen/internal/e2e/procserver"
	"github.com/mongen-dev/mongen/internal/platform/kpsproof"
	"github.com/mongen-dev/mongen/internal/verify/promcheck"
	"github.com/prometheus/prometheus/config"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/labels"
	sigsyaml "sigs.k8s.io/yaml"
)

// opconfigInstallTimeout bounds scripts/install-opconfig.sh: a cold build
// compiles the operator's and Prometheus' packages.
const opconfigInstallTimeout = 20 * time.Minute

// installOpconfig runs scripts/install-opconfig.sh, which prints the
// binary's path as its last line.
func installOpconfig(t *testing.T, root string) string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), opconfigInstallTimeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, "bash", filepath.Join(root, "scripts", "install-opconfig.sh"))
	cmd.Dir = root
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("scripts/install-opconfig.sh: %v\n%s", err, stderr.String())
	}
	lines := strings.Split(strings.TrimSpace(stdout.String()), "\n")
	bin := lines[len(lines)-1]
	if err := procserver.CheckExecutable(bin); err != nil {
		t.Fatalf("scripts/install-opconfig.sh printed %q: %v", bin, err)
	}
	return bin
}

// opOutput is what tools/opconfig wrote for one Prometheus CR.
type opOutput struct {
	dir        string
	prometheus kpsproof.Object
	report     opReport
	raw        []byte         // prometheus.yaml as the operator writes it
	cfg        *config.Config // raw, through config.Load
	ruleGroups map[string][]string
	log        string
	exitCode   int
}

// opReport mirrors tools/opconfig's report.json.
type opReport struct {
	OperatorVersion   string              `json:"operatorVersion"`
	Prometheus        string              `json:"prometheus"`
	PrometheusVersion string              `json:"prometheusVersion"`
	Selected          map[string][]string `json:"selected"`
	Rejected          []opEntry           `json:"rejected"`
	NotSelected       []opEntry           `json:"notSelected"`
	Missing           []opEntry           `json:"missing"`
	RuleConfigMaps    []string            `json:"ruleConfigMaps"`
	RuleFiles         []struct {
		ConfigMap      string `json:"configMap"`
		File           string `json:"file"`
		PrometheusRule string `json:"prometheusRule"`
	} `json:"ruleFiles"`
	Args []string `json:"args"`
}

type opEntry struct {
	Kind   string `json:"kind"`
	Object string `json:"object"`
	Reason string `json:"reason"`
}

// runOpconfig runs tools/opconfig -strict on the platform's Prometheus CR,
// the objects, and the Secrets the objects name (made up by secretsFor).
// Exit codes 0 and 1 (something rejected or not selected) are the
// caller's to judge; anything else fails the test. config.Load must
// accept the configuration exactly as the operator writes it.
func runOpconfig(t *testing.T, bin string, prom kpsproof.Object, objs []kpsproof.Object, withoutSecrets ...string) *opOutput {
	t.Helper()
	dir := t.TempDir()
	in := filepath.Join(dir, "in")
	if err := os.MkdirAll(in, 0o755); err != nil {
		t.Fatal(err)
	}
	all := objs
	if !slices.ContainsFunc(objs, func(o kpsproof.Object) bool { return o.String() == prom.String() }) {
		all = append([]kpsproof.Object{prom}, objs...)
	}
	for i, o := range all {
		if err := os.WriteFile(filepath.Join(in, fmt.Sprintf("%04d.json", i)), o.JSON, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.WriteFile(filepath.Join(in, "secrets.yaml"), secretsFor(t, all, withoutSecrets), 0o644); err != nil {
		t.Fatal(err)
	}

	out := &opOutput{dir: filepath.Join(dir, "out"), prometheus: prom}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, bin, "-o", out.dir, "-prometheus", prom.Namespace+"/"+prom.Name, "-strict", in)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	err := cmd.Run()
	out.log = stderr.String()
	var exit *exec.ExitError
	switch {
	case err == nil:
	case errors.As(err, &exit) && exit.ExitCode() == 1:
		out.exitCode = 1
	default:
		t.Fatalf("opconfig: %v\n%s", err, out.log)
	}

	data, err := os.ReadFile(filepath.Join(out.dir, "report.json"))
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(data, &out.report); err != nil {
		t.Fatalf("report.json: %v", err)
	}
	if out.raw, err = os.ReadFile(filepath.Join(out.dir, "prometheus.yaml")); err != nil {
		t.Fatal(err)
	}
	if out.cfg, err = config.Load(string(out.raw), slog.New(slog.DiscardHandler)); err != nil {
		t.Fatalf("config.Load refuses the operator's configuration: %v\n%s", err, out.raw)
	}
	out.ruleGroups = map[string][]string{}
	for _, f := range out.ruleFilePaths(t) {
		for g, rules := range ruleFileGroups(t, f) {
			out.ruleGroups[g] = append(out.ruleGroups[g], rules...)
		}
	}
	return out
}

func (o *opOutput) ruleFilePaths(t *testing.T) []string {
	t.Helper()
	files, err := filepath.Glob(filepath.Join(o.dir, "rules", "*", "*.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	sort.Strings(files)
	return files
}

// ruleFileGroups reads one rule file: group name to rule names.
func ruleFileGroups(t *testing.T, path string) map[string][]string {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	groups, err := promcheck.ParseRules(path, data)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string][]string{}
	for _, g := range groups.Groups {
		out[g.Name] = []string{}
		for _, r := range g.Rules {
			out[g.Name] = append(out[g.Name], r.Alert+r.Record)
		}
	}
	return out
}

// jobs are the configuration's scrape job names, sorted.
func (o *opOutput) jobs() []string {
	var out []string
	for _, sc := range o.cfg.ScrapeConfigs {
		out = append(out, sc.JobName)
	}
	sort.Strings(out)
	return out
}

// featureArgs are the --enable-feature flags the operator gives the
// server; the other flags it sets name paths and addresses of the pod.
func (o *opOutput) featureArgs() []string {
	var out []string
	for _, a := range o.report.Args {
		if strings.HasPrefix(a, "--enable-feature=") {
			out = append(out, a)
		}
	}
	return out
}

// problems checks the operator's output against mongen's objects: each
// ServiceMonitor, PodMonitor, Probe, ScrapeConfig and PrometheusRule must
// be selected and accepted, each monitor endpoint must be a scrape job (the
// operator's job names), and each rule group, with its rules, must be in the
// rule file the operator made of its PrometheusRule. Rules that a
// ThanosRuler among the objects selects are the exception: the Prometheus
// must not select them (they would be evaluated twice). Secrets and
// ConfigMaps the Prometheus CR mounts must exist.
func (o *opOutput) problems(objs []kpsproof.Object) []string {
	var out []string
	outcome := map[string]string{}
	for _, e := range o.report.Rejected {
		outcome[e.Kind+" "+e.Object] = "rejected by the operator: " + e.Reason
	}
	for _, e := range o.report.NotSelected {
		outcome[e.Kind+" "+e.Object] = "not selected by " + o.report.Prometheus + ": " + e.Reason
	}
	for _, e := range o.report.Missing {
		out = append(out, fmt.Sprintf("%s %s: %s", e.Kind, e.Object, e.Reason))
	}
	jobs := map[string]bool{}
	for _, j := range o.jobs() {
		jobs[j] = true
	}
	ruleFiles := map[string]string{}
	for _, rf := range o.report.RuleFiles {
		ruleFiles[rf.PrometheusRule] = filepath.Join(o.dir, "rules", rf.ConfigMap, rf.File)
	}
	rulers := thanosRulers(objs)

	for _, obj := range objs {
		key := obj.Namespace + "/" + obj.Name
		var spec struct {
			Endpoints           []json.RawMessage `json:"endpoints"`
			PodMetricsEndpoints []json.RawMessage `json:"podMetricsEndpoints"`
			Groups              []struct {
				Name  string `json:"name"`
				Rules []struct {
					Alert  string `json:"alert"`
					Record string `json:"record"`
				} `json:"rules"`
			} `json:"groups"`
		}
		if err := json.Unmarshal(specOf(obj), &spec); err != nil {
			out = append(out, fmt.Sprintf("%s: %v", obj, err))
			continue
		}
		var wantJobs []string
		switch obj.Kind {
		case "ServiceMonitor":
			for i := range spec.Endpoints {
				wantJobs = append(wantJobs, fmt.Sprintf("serviceMonitor/%s/%d", key, i))
			}
		case "PodMonitor":
			for i := range spec.PodMetricsEndpoints {
				wantJobs = append(wantJobs, fmt.Sprintf("podMonitor/%s/%d", key, i))
			}
		case "Probe":
			wantJobs = append(wantJobs, "probe/"+key)
		case "ScrapeConfig":
			wantJobs = append(wantJobs, "scrapeConfig/"+key)
		case "PrometheusRule":
		default:
			continue
		}
		why, dropped := outcome[obj.Kind+" "+key]
		if obj.Kind == "PrometheusRule" {
			if ruler := rulers.selecting(obj); ruler != "" {
				if !dropped {
					out = append(out, fmt.Sprintf("%s: selected by %s and by ThanosRuler %s: its rules would be evaluated twice", obj, o.report.Prometheus, ruler))
				}
				continue
			}
		}
		if dropped {
			out = append(out, fmt.Sprintf("%s: %s", obj, why))
		}
		for _, j := range wantJobs {
			if !jobs[j] {
				out = append(out, fmt.Sprintf("%s: no scrape job %s in the operator's configuration", obj, j))
			}
		}
		if obj.Kind != "PrometheusRule" {
			continue
		}
		file, ok := ruleFiles[key]
		if !ok {
			out = append(out, fmt.Sprintf("%s: no rule file", obj))
			continue
		}
		got := ruleFileGroupsNoT(file)
		for _, g := range spec.Groups {
			var want []string
			for _, r := range g.Rules {
				want = append(want, r.Alert+r.Record)
			}
			if rules, ok := got[g.Name]; !ok {
				out = append(out, fmt.Sprintf("%s: group %s is not in its rule file %s", obj, g.Name, filepath.Base(file)))
			} else if !slices.Equal(rules, want) {
				out = append(out, fmt.Sprintf("%s: group %s has rules %v in its rule file, want %v", obj, g.Name, rules, want))
			}
		}
	}
	sort.Strings(out)
	return out
}

func specOf(o kpsproof.Object) []byte {
	var w struct {
		Spec json.RawMessage `json:"spec"`
	}
	if err := json.Unmarshal(o.JSON, &w); err != nil || len(w.Spec) == 0 {
		return []byte("{}")
	}
	return w.Spec
}

// ruleFileGroupsNoT reads a rule file without a test handle (problems
// collects errors as problems); an unreadable file has no groups.
func ruleFileGroupsNoT(path string) map[string][]string {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil
	}
	var f struct {
		Groups []struct {
			Name  string `json:"name"`
			Rules []struct {
				Alert  string `json:"alert"`
				Record string `json:"record"`
			} `json:"rules"`
		} `json:"groups"`
	}
	if err := sigsyaml.Unmarshal(data, &f); err != nil {
		return nil
	}
	out := map[string][]string{}
	for _, g := range f.Groups {
		var rules []string
		for _, r := range g.Rules {
			rules = append(rules, r.Alert+r.Record)
		}
		out[g.Name] = rules
	}
	return out
}

// rulerSet are the ThanosRulers among the objects, with their selectors.
type rulerSet []struct {
	name       string
	namespace  string
	sel, nsSel *metav1.LabelSelector
}

func thanosRulers(objs []kpsproof.Object) rulerSet {
	var out rulerSet
	for _, o := range objs {
		if o.Kind != "ThanosRuler" {
			continue
		}
		var spec struct {
			RuleSelector          *metav1.LabelSelector `json:"ruleSelector"`
			RuleNamespaceSelector *metav1.LabelSelector `json:"ruleNamespaceSelector"`
		}
		if err := json.Unmarshal(specOf(o), &spec); err != nil {
			continue
		}
		out = append(out, struct {
			name       string
			namespace  string
			sel, nsSel *metav1.LabelSelector
		}{o.Name, o.Namespace, spec.RuleSelector, spec.RuleNamespaceSelector})
	}
	return out
}

// selecting names the ThanosRuler that selects the PrometheusRule, by the
// CRD's semantics: a null rule selector selects nothing, a null namespace
// selector the ruler's own namespace; namespaces carry the label
// kubernetes.io/metadata.name.
func (rs rulerSet) selecting(rule kpsproof.Object) string {
	for _, r := range rs {
		if r.sel == nil {
			continue
		}
		if r.nsSel == nil {
			if rule.Namespace != r.namespace {
				continue
			}
		} else if nsSel, err := metav1.LabelSelectorAsSelector(r.nsSel); err != nil ||
			!nsSel.Matches(labels.Set{"kubernetes.io/metadata.name": rule.Namespace}) {
			continue
		}
		if sel, err := metav1.LabelSelectorAsSelector(r.sel); err == nil && sel.Matches(labels.Set(rule.Labels)) {
			return r.namespace + "/" + r.name
		}
	}
	return ""
}

// secretsFor makes up the Secrets (and ConfigMaps) the objects name: mongen
// writes only references, never values, so the test supplies them as the
// user would. A TLS CA gets a CA certificate, a client certificate and key
// a pair that CA signed (the operator checks both); any other key gets a
// placeholder value. Secrets a Prometheus CR mounts by name (spec.secrets)
// exist even when no key of theirs is referenced.
func secretsFor(t *testing.T, objs []kpsproof.Object, without []string) []byte {
	t.Helper()
	pki := newTestPKI(t)
	type ref struct{ kind, namespace, name string }
	data := map[ref]map[string]string{}
	add := func(r ref, key, value string) {
		if data[r] == nil {
			data[r] = map[string]string{}
		}
		if key != "" {
			data[r][key] = value
		}
	}
	for _, o := range objs {
		switch o.Kind {
		case "ServiceMonitor", "PodMonitor", "Probe", "ScrapeConfig", "Prometheus":
		default:
			continue
		}
		var v any
		if err := json.Unmarshal(specOf(o), &v); err != nil {
			t.Fatal(err)
		}
		walkRefs(v, nil, func(path []string, name, key string) {
			kind := "Secret"
			if slices.Contains(path, "configMap") {
				kind = "ConfigMap"
			}
			value := "test-" + name + "-" + key
			switch {
			case slices.Contains(path, "keySecret"):
				value = pki.keyPEM
			case slices.Contains(path, "cert"):
				value = pki.certPEM
			case slices.Contains(path, "ca"):
				value = pki.caPEM
			}
			add(ref{kind, o.Namespace, name}, key, value)
		})
		if o.Kind == "Prometheus" {
			var spec struct {
				Secrets    []string `json:"secrets"`
				ConfigMaps []string `json:"configMaps"`
			}
			_ = json.Unmarshal(specOf(o), &spec)
			for _, s := range spec.Secrets {
				add(ref{"Secret", o.Namespace, s}, "", "")
			}
			for _, c := range spec.ConfigMaps {
				add(ref{"ConfigMap", o.Namespace, c}, "", "")
			}
		}
	}
	refs := make([]ref, 0, len(data))
	for r := range data {
		refs = append(refs, r)
	}
	sort.Slice(refs, func(i, j int) bool {
		return fmt.Sprint(refs[i]) < fmt.Sprint(refs[j])
	})
	var buf bytes.Buffer
	for _, r := range refs {
		if slices.Contains(without, r.name) {
			continue
		}
		field := "stringData"
		if r.kind == "ConfigMap" {
			field = "data"
		}
		obj := map[string]any{
			"apiVersion": "v1", "kind": r.kind,
			"metadata": map[string]any{"name": r.name, "namespace": r.namespace},
			field:      data[r],
		}
		js, err := json.Marshal(obj)
		if err != nil {
			t.Fatal(err)
		}
		buf.WriteString("---\n")
		buf.Write(js)
		buf.WriteString("\n")
	}
	return buf.Bytes()
}

// walkRefs calls fn for every key selector in v: an object with string
// fields name and key (Kubernetes' SecretKeySelector and
// ConfigMapKeySelector), with the field path leading to it.
func walkRefs(v any, path []string, fn func(path []string, name, key string)) {
	switch x := v.(type) {
	case map[string]any:
		name, okName := x["name"].(string)
		key, okKey := x["key"].(string)
		if okName && okKey {
			fn(path, name, key)
		}
		keys := make([]string, 0, len(x))
		for k := range x {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			walkRefs(x[k], append(slices.Clone(path), k), fn)
		}
	case []any:
		for _, e := range x {
			walkRefs(e, path, fn)
		}
	}
}

// testPKI is a CA and a certificate with its key that the CA signed.
type testPKI struct{ caPEM, certPEM, keyPEM string }

func newTestPKI(t *testing.T) testPKI {
	t.Helper()
	caKey, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	now := time.Now()
	caTmpl := &x509.Certificate{
		SerialNumber:          big.NewInt(1),
		Subject:               pkix.Name{CommonName: "mongen test CA"},
		NotBefore:             now.Add(-time.Hour),
		NotAfter:              now.Add(24 * time.Hour),
		IsCA:                  true,
		KeyUsage:              x509.KeyUsageCertSign,
		BasicConstraintsValid: true,
	}
	caDER, err := x509.CreateCertificate(rand.Reader, caTmpl, caTmpl, &caKey.PublicKey, caKey)
	if err != nil {
		t.Fatal(err)
	}
	leafKey, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	leafTmpl := &x509.Certificate{
		SerialNumber: big.NewInt(2),
		Subject:      pkix.Name{CommonName: "mongen test client"},
		NotBefore:    now.Add(-time.Hour),
		NotAfter:     now.Add(24 * time.Hour),
		KeyUsage:     x509.KeyUsageDigitalSignature,
		ExtKeyUsage:  []x509.ExtKeyUsage{x509.ExtKeyUsageClientAuth},
	}
	leafDER, err := x509.CreateCertificate(rand.Reader, leafTmpl, caTmpl, &leafKey.PublicKey, caKey)
	if err != nil {
		t.Fatal(err)
	}
	keyDER, err := x509.MarshalPKCS8PrivateKey(leafKey)
	if err != nil {
		t.Fatal(err)
	}
	return testPKI{
		caPEM:   string(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: caDER})),
		certPEM: string(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: leafDER})),
		keyPEM:  string(pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: keyDER})),
	}
}

// podFiles is the operator's configuration laid out as its Prometheus pod
// sees it, under a temporary root.
type podFiles struct {
	root      string
	config    string // <root>/etc/prometheus/config_out/prometheus.env.yaml
	ruleFiles []string
}

// Paths the operator's configuration names inside the Prometheus pod.
const (
	podConfigDir  = "/etc/prometheus/"                               // rules/, certs/, secrets/, configmaps/, config_out/
	podServiceAcc = "/var/run/secrets/kubernetes.io/serviceaccount/" // token, ca.crt (automountServiceAccountToken)
)

// envVar matches the $(VAR) references the operator leaves in the
// configuration for its config-reloader to expand.
var envVar = regexp.MustCompile(`\$\(([A-Za-z_][A-Za-z0-9_]*)\)`)

// layOutPod writes the pod's files under a temporary root. The
// configuration is changed in exactly two documented ways, nothing else:
//
//  1. The config-reloader's expansion, as in the pod: $(POD_NAME) becomes
//     prometheus-<name>-0 and $(SHARD) becomes 0 (shard 0 of replica 0).
//     Any other $(VAR) fails the test, as the reloader would fail on an
//     unset variable.
//  2. The absolute pod paths /etc/prometheus/ and
//     /var/run/secrets/kubernetes.io/serviceaccount/ get the root as a
//     prefix, because this machine is not the pod.
//
// The files those paths name are created: the rule ConfigMaps' files, the
// TLS assets, spec.secrets and spec.configMaps as opconfig wrote them, and
// a service-account token and CA (made up: a test CA certificate) as the
// kubelet mounts them.
func layOutPod(t *testing.T, o *opOutput) podFiles {
	t.Helper()
	root := t.TempDir()
	pod := podFiles{root: root, config: filepath.Join(root, "etc", "prometheus", "config_out", "prometheus.env.yaml")}

	text := o.reloaderConfig(func(m string) {
		t.Errorf("the configuration uses %s, which the config-reloader has no value for here", m)
	})
	text = strings.ReplaceAll(text, podConfigDir, filepath.Join(root, podConfigDir)+"/")
	text = strings.ReplaceAll(text, podServiceAcc, filepath.Join(root, podServiceAcc)+"/")
	writeFile(t, pod.config, []byte(text))

	for _, sub := range []string{"rules", "certs", "secrets", "configmaps"} {
		src := filepath.Join(o.dir, sub)
		if _, err := os.Stat(src); errors.Is(err, os.ErrNotExist) {
			continue
		}
		copyDir(t, src, filepath.Join(root, podConfigDir, sub))
	}
	for _, f := range o.ruleFilePaths(t) {
		rel, _ := filepath.Rel(o.dir, f)
		pod.ruleFiles = append(pod.ruleFiles, filepath.Join(root, podConfigDir, rel))
	}
	writeFile(t, filepath.Join(root, podServiceAcc, "token"), []byte("test-service-account-token"))
	writeFile(t, filepath.Join(root, podServiceAcc, "ca.crt"), []byte(newTestPKI(t).caPEM))
	return pod
}

func writeFile(t *testing.T, path string, data []byte) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, data, 0o644); err != nil {
		t.Fatal(err)
	}
}

// loadConfig loads the laid-out configuration with Prometheus' own loader.
func loadConfig(t *testing.T, path string) {
	t.Helper()
	if _, err := config.LoadFile(path, false, slog.New(slog.DiscardHandler)); err != nil {
		t.Fatalf("config.LoadFile %s: %v", path, err)
	}
}

// loadedJobs are the scrape job names of the configuration a running
// server has loaded (/api/v1/status/config), sorted.
func loadedJobs(ctx context.Context, base string) ([]string, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, base+"/api/v1/status/config", nil)
	if err != nil {
		return nil, err
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		return nil, err
	}
	var r struct {
		Status string `json:"status"`
		Data   struct {
			YAML string `json:"yaml"`
		} `json:"data"`
	}
	if err := json.Unmarshal(body, &r); err != nil || r.Status != "success" {
		return nil, fmt.Errorf("/api/v1/status/config: %s: %s", resp.Status, body)
	}
	var cfg struct {
		ScrapeConfigs []struct {
			JobName string `json:"job_name"`
		} `json:"scrape_configs"`
	}
	if err := sigsyaml.Unmarshal([]byte(r.Data.YAML), &cfg); err != nil {
		return nil, fmt.Errorf("/api/v1/status/config: %w", err)
	}
	var jobs []string
	for _, sc := range cfg.ScrapeConfigs {
		jobs = append(jobs, sc.JobName)
	}
	sort.Strings(jobs)
	return jobs, nil
}

// reloaderConfig is the operator's configuration with what the
// config-reloader fills in (POD_NAME, SHARD) given for shard 0's first
// Pod; unknown is told of any other variable, which is left as it is.
func (o *opOutput) reloaderConfig(unknown func(variable string)) string {
	return envVar.ReplaceAllStringFunc(string(o.raw), func(m string) string {
		switch envVar.FindStringSubmatch(m)[1] {
		case "POD_NAME":
			return "prometheus-" + o.prometheus.Name + "-0"
		case "SHARD":
			return "0"
		}
		unknown(m)
		return m
	})
}
