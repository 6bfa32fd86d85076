// Package hardening holds every generated object to the hardened defaults
// of docs/output.md#hardened-defaults: workloads run unprivileged with a
// read-only root filesystem, their own ServiceAccount without a token,
// requests and limits, probes, a PodDisruptionBudget with replicas, a
// NetworkPolicy and images pinned by digest; Prometheus and Thanos Ruler
// keep their data on persistent volumes; TLS is verified and gRPC across
// clusters is encrypted. A finding is an error unless the environment
// accepts it, with a reason, in hardening.accept (schemas/hardening.cue).
package hardening

import (
	"fmt"
	"path"
	"slices"
	"sort"
	"strings"

	"sigs.k8s.io/yaml"

	"github.com/mongen-dev/mongen/internal/artifact"
	"github.com/mongen-dev/mongen/internal/expand"
	"github.com/mongen-dev/mongen/internal/finding"
	"github.com/mongen-dev/mongen/internal/model"
	"github.com/mongen-dev/mongen/internal/textdist"
)

// The checks, by id.
const (
	CheckSecurityContext = "hardening/security-context"
	CheckServiceAccount  = "hardening/service-account"
	CheckResources       = "hardening/resources"
	CheckProbes          = "hardening/probes"
	CheckPDB             = "hardening/pdb"
	CheckImageDigest     = "hardening/image-digest"
	CheckNetworkPolicy   = "hardening/network-policy"
	CheckStorage         = "hardening/storage"
	CheckTLSVerify       = "hardening/tls-verify"
	CheckGRPCTLS         = "hardening/grpc-tls"
	// CheckAccept reports problems in hardening.accept itself.
	CheckAccept = "hardening/accept"
)

// Checks lists every check id that hardening.accept may name.
var Checks = []string{
	CheckGRPCTLS, CheckImageDigest, CheckNetworkPolicy, CheckPDB, CheckProbes,
	CheckResources, CheckSecurityContext, CheckServiceAccount, CheckStorage, CheckTLSVerify,
}

// object is one generated Kubernetes object, decoded loosely.
type object struct {
	file      artifact.File
	kind      string
	name      string
	namespace string
	labels    map[string]string
	body      map[string]any
}

func (o object) id() string { return o.kind + "/" + o.name }

// violation is one finding before acceptance.
type violation struct {
	check, origin, object, msg string
	// reason is why the source accepts it (a target's
	// tls.insecureReason), and by where it says so; empty when nothing
	// does.
	reason, by string
}

// Check holds every object of tree to the hardened defaults and returns
// the findings hardening.accept does not accept, plus problems of
// hardening.accept itself.
func Check(plan *expand.Plan, tree *artifact.Tree) []finding.Finding {
	findings, _ := CheckAll(plan, tree)
	return findings
}

// CheckAll is Check, and also returns the findings the environment
// accepts: by hardening.accept, or by a target's tls.insecureReason. Each
// carries the reason and the position of what accepts it, so mongen build
// can print what is accepted, as mongen vet prints suppressed findings.
func CheckAll(plan *expand.Plan, tree *artifact.Tree) ([]finding.Finding, []finding.Suppressed) {
	objs, vs := objects(tree)
	c := &checker{objs: objs}
	for _, o := range objs {
		c.object(o)
	}
	vs = append(vs, c.vs...)
	vs = append(vs, plainTLS(tree)...)
	reasons := insecureReasons(plan)
	for i, v := range vs {
		if v.check != CheckTLSVerify {
			continue
		}
		// A monitor, scrape config or plain job is named after its job.
		_, name, _ := strings.Cut(v.object, "/")
		vs[i].reason, vs[i].by = reasons[name].reason, reasons[name].by
	}
	return accept(plan.Env, objs, vs)
}

// objects decodes every manifest of the tree (any YAML file that is a
// Kubernetes object, or a stream of them). Rule groups and ConfigMaps
// hold nothing a check reads (no pod, replicas or TLS setting), and are
// most of a large environment's files: they are known by kind and name
// from their head (inert), and the rest is not decoded.
func objects(tree *artifact.Tree) ([]object, []violation) {
	var out []object
	for _, f := range tree.Files() {
		if path.Ext(f.Path) != ".yaml" || !strings.HasPrefix(f.Path, "manifests/") && !strings.Contains(f.Path, "/manifests/") {
			continue
		}
		if kind, name, ok := inert(f.Data); ok {
			out = append(out, object{file: f, kind: kind, name: name})
			continue
		}
		bodies, _ := documents(f.Data) // verify's own parsers report an error
		for _, body := range bodies {
			o := object{file: f, body: body, kind: str(body, "kind")}
			md := mapAt(body, "metadata")
			o.name, o.namespace = str(md, "name"), str(md, "namespace")
			o.labels = strMap(mapAt(md, "labels"))
			if o.kind != "" && o.name != "" {
				out = append(out, o)
			}
		}
	}
	return out, nil
}

type checker struct {
	objs []object
	vs   []violation
}

func (c *checker) add(check string, o object, format string, args ...any) {
	c.vs = append(c.vs, violation{check: check, origin: o.file.Origin, object: o.id(), msg: fmt.Sprintf(format, args...)})
}

// podKinds hold a pod template at spec.template.
var podKinds = map[string]bool{"Deployment": true, "StatefulSet": true, "DaemonSet": true, "ReplicaSet": true}

// operatorApps are the custom resources whose pods the operator runs, by
// the app.kubernetes.io/name of their pods.
var operatorApps = map[string]string{"Prometheus": "prometheus", "Alertmanager": "alertmanager", "ThanosRuler": "thanos-ruler"}

func (c *checker) object(o object) {
	c.insecureTLS(o, o.body, "")
	spec := mapAt(o.body, "spec")
	switch {
	case podKinds[o.kind]:
		c.workload(o, spec)
	case operatorApps[o.kind] != "":
		replicas := intAt(spec, "replicas", 1)
		app := operatorApps[o.kind]
		if replicas > 1 {
			sel := map[string]string{"app.kubernetes.io/name": app, "app.kubernetes.io/instance": o.name}
			if !c.hasPDB(o.namespace, sel) {
				c.add(CheckPDB, o, "%d replicas and no PodDisruptionBudget selecting its pods (%s): a node drain may take every replica at once", replicas, labelString(sel))
			}
		}
		if o.kind != "Alertmanager" && mapAt(mapAt(spec, "storage"), "volumeClaimTemplate") == nil {
			c.add(CheckStorage, o, "no spec.storage.volumeClaimTemplate: the data lives on emptyDir and a restart loses it (set storage.persistent and storage.size)")
		}
	}
}

func (c *checker) workload(o object, spec map[string]any) {
	tmpl := mapAt(spec, "template")
	podLabels := strMap(mapAt(mapAt(tmpl, "metadata"), "labels"))
	pod := mapAt(tmpl, "spec")
	podSC := mapAt(pod, "securityContext")
	containers := append(listOfMaps(pod, "initContainers"), listOfMaps(pod, "containers")...)

	// Security context: the pod's settings count for every container.
	for _, ct := range containers {
		name := str(ct, "name")
		sc := mapAt(ct, "securityContext")
		if !boolAt(sc, "runAsNonRoot", boolAt(podSC, "runAsNonRoot", false)) {
			c.add(CheckSecurityContext, o, "container %s: runAsNonRoot is not true", name)
		}
		seccomp := str(mapAt(sc, "seccompProfile"), "type")
		if seccomp == "" {
			seccomp = str(mapAt(podSC, "seccompProfile"), "type")
		}
		if seccomp != "RuntimeDefault" && seccomp != "Localhost" {
			c.add(CheckSecurityContext, o, "container %s: seccompProfile is not RuntimeDefault", name)
		}
		if !boolAt(sc, "readOnlyRootFilesystem", false) {
			c.add(CheckSecurityContext, o, "container %s: readOnlyRootFilesystem is not true", name)
		}
		if boolAt(sc, "allowPrivilegeEscalation", true) {
			c.add(CheckSecurityContext, o, "container %s: allowPrivilegeEscalation is not false", name)
		}
		if boolAt(sc, "privileged", false) {
			c.add(CheckSecurityContext, o, "container %s: privileged", name)
		}
		if !slices.Contains(strList(mapAt(sc, "capabilities"), "drop"), "ALL") {
			c.add(CheckSecurityContext, o, "container %s: capabilities.drop does not list ALL", name)
		}
		if add := strList(mapAt(sc, "capabilities"), "add"); len(add) > 0 {
			c.add(CheckSecurityContext, o, "container %s: adds capabilities %s", name, strings.Join(add, ", "))
		}
		res := mapAt(ct, "resources")
		for _, want := range []string{"requests.cpu", "requests.memory", "limits.memory"} {
			part, key, _ := strings.Cut(want, ".")
			if mapAt(res, part)[key] == nil {
				c.add(CheckResources, o, "container %s: no resources.%s", name, want)
			}
		}
		image := str(ct, "image")
		if !strings.Contains(image, "@sha256:") {
			c.add(CheckImageDigest, o, "container %s: image %s is pinned by tag only, not by digest (a tag can be moved to other content)", name, image)
		}
	}
	for _, ct := range listOfMaps(pod, "containers") {
		for _, p := range []string{"livenessProbe", "readinessProbe"} {
			if mapAt(ct, p) == nil {
				c.add(CheckProbes, o, "container %s: no %s", str(ct, "name"), p)
			}
		}
	}

	// Its own ServiceAccount, without a token unless it needs one.
	sa := str(pod, "serviceAccountName")
	switch {
	case sa == "" || sa == "default":
		c.add(CheckServiceAccount, o, "runs as the namespace's default ServiceAccount: give it its own")
	default:
		var account *object
		users := 0
		for i, other := range c.objs {
			if other.kind == "ServiceAccount" && other.name == sa && other.namespace == o.namespace {
				account = &c.objs[i]
			}
			if podKinds[other.kind] && other.namespace == o.namespace && str(mapAt(mapAt(mapAt(other.body, "spec"), "template"), "spec"), "serviceAccountName") == sa {
				users++
			}
		}
		if account == nil {
			c.add(CheckServiceAccount, o, "ServiceAccount %s is not generated with it: it is shared or missing", sa)
		} else if users > 1 {
			c.add(CheckServiceAccount, o, "ServiceAccount %s is shared by %d workloads: give each its own", sa, users)
		}
		mount := true
		if account != nil {
			mount = boolAt(account.body, "automountServiceAccountToken", true)
		}
		if boolAt(pod, "automountServiceAccountToken", mount) {
			c.add(CheckServiceAccount, o, "the ServiceAccount token is mounted (automountServiceAccountToken is not false)")
		}
	}

	if replicas := intAt(spec, "replicas", 1); replicas > 1 && o.kind != "DaemonSet" && !c.hasPDB(o.namespace, podLabels) {
		c.add(CheckPDB, o, "%d replicas and no PodDisruptionBudget selecting its pods: a node drain may take every replica at once", replicas)
	}
	if !c.hasIngressPolicy(o.namespace, podLabels) {
		c.add(CheckNetworkPolicy, o, "no NetworkPolicy with policyTypes Ingress selects its pods: anything in the cluster can connect to them")
	}
	c.grpcTLS(o, listOfMaps(pod, "containers"))
}

// grpcTLS flags a Thanos Query dialling a store outside the cluster in
// plain text.
func (c *checker) grpcTLS(o object, containers []map[string]any) {
	for _, ct := range containers {
		args := append(strList(ct, "command"), strList(ct, "args")...)
		if !slices.Contains(args, "query") || slices.Contains(args, "--grpc-client-tls-secure") {
			continue
		}
		var remote []string
		for _, a := range args {
			if e, ok := strings.CutPrefix(a, "--endpoint="); ok && !clusterLocal(e) {
				remote = append(remote, e)
			}
		}
		if len(remote) > 0 {
			sort.Strings(remote)
			c.add(CheckGRPCTLS, o, "container %s: queries %s over plain gRPC across clusters (set global.thanos.grpcTLS)", str(ct, "name"), strings.Join(remote, ", "))
		}
	}
}

// clusterLocal reports whether a Thanos endpoint is a Service of this
// cluster.
func clusterLocal(endpoint string) bool {
	for _, p := range []string{"dnssrv+", "dnssrvnoa+", "dns+"} {
		endpoint = strings.TrimPrefix(endpoint, p)
	}
	host := endpoint
	if h, _, ok := strings.Cut(endpoint, ":"); ok {
		host = h
	}
	return strings.HasSuffix(host, ".svc") || strings.HasSuffix(host, ".svc.cluster.local") || !strings.Contains(host, ".")
}

func (c *checker) hasPDB(ns string, podLabels map[string]string) bool {
	for _, p := range c.objs {
		if p.kind == "PodDisruptionBudget" && p.namespace == ns && selects(mapAt(mapAt(p.body, "spec"), "selector"), podLabels) {
			return true
		}
	}
	return false
}

func (c *checker) hasIngressPolicy(ns string, podLabels map[string]string) bool {
	for _, p := range c.objs {
		spec := mapAt(p.body, "spec")
		if p.kind == "NetworkPolicy" && p.namespace == ns && slices.Contains(strList(spec, "policyTypes"), "Ingress") && selects(mapAt(spec, "podSelector"), podLabels) {
			return true
		}
	}
	return false
}

// selects reports whether a label selector with matchLabels only (what
// mongen writes) selects labels; an empty selector selects every pod.
func selects(sel map[string]any, labels map[string]string) bool {
	if sel == nil {
		return false
	}
	if len(listOfMaps(sel, "matchExpressions")) > 0 {
		return false // not written by mongen; not proved here
	}
	for k, v := range strMap(mapAt(sel, "matchLabels")) {
		if labels[k] != v {
			return false
		}
	}
	return true
}

// insecureTLS flags every insecureSkipVerify: true in an object.
func (c *checker) insecureTLS(o object, v any, at string) {
	switch x := v.(type) {
	case map[string]any:
		for _, k := range sortedKeys(x) {
			p := k
			if at != "" {
				p = at + "." + k
			}
			if k == "insecureSkipVerify" && x[k] == true {
				c.add(CheckTLSVerify, o, "%s: the target's certificate is not verified (verify it with caFromServiceAccount and serverName, or a CA from a Secret; or say why it cannot be in tls.insecureReason)", p)
				continue
			}
			c.insecureTLS(o, x[k], p)
		}
	case []any:
		for i, e := range x {
			c.insecureTLS(o, e, fmt.Sprintf("%s[%d]", at, i))
		}
	}
}

// insecureReasons are the tls.insecureReason of each job and federation
// job that skips verification, by job name.
func insecureReasons(plan *expand.Plan) map[string]insecure {
	out := map[string]insecure{}
	for _, j := range plan.Jobs {
		if t := j.Target.TLS; t != nil && t.InsecureSkipVerify && t.InsecureReason != "" {
			out[j.Name] = insecure{t.InsecureReason, j.Origin}
		}
	}
	for _, f := range plan.Federation {
		if t := f.Federation.TLS; t != nil && t.InsecureSkipVerify && t.InsecureReason != "" {
			out[f.Name] = insecure{t.InsecureReason, f.Origin}
		}
	}
	return out
}

// insecure is a job's tls.insecureReason and where the job is written.
type insecure struct{ reason, by string }

// plainTLS flags insecure_skip_verify in the plain flavour's Prometheus
// configuration files.
func plainTLS(tree *artifact.Tree) []violation {
	var out []violation
	for _, f := range tree.Files() {
		if !strings.HasPrefix(path.Base(f.Path), "prometheus") || path.Ext(f.Path) != ".yml" {
			continue
		}
		var body map[string]any
		if err := yaml.Unmarshal(f.Data, &body); err != nil {
			continue
		}
		for _, sc := range listOfMaps(body, "scrape_configs") {
			if boolAt(mapAt(sc, "tls_config"), "insecure_skip_verify", false) {
				job := str(sc, "job_name")
				out = append(out, violation{check: CheckTLSVerify, origin: f.Origin, object: "job/" + job,
					msg: fmt.Sprintf("%s: job %s: tls_config.insecure_skip_verify: the target's certificate is not verified", f.Path, job)})
			}
		}
	}
	return out
}

// accept applies hardening.accept: a finding is dropped when its check is
// accepted for every object or for its object; what remains is an error.
// An accepted check that is unknown, names an object mongen does not
// generate, or accepts nothing is reported too.
func accept(env *model.Environment, objs []object, vs []violation) ([]finding.Finding, []finding.Suppressed) {
	var out []finding.Finding
	var accepted []finding.Suppressed
	used := map[string]map[string]bool{}
	for _, v := range vs {
		f := finding.Finding{Check: v.check, Severity: finding.Error, Position: v.origin, Subject: v.object, Message: v.msg}
		if v.reason != "" {
			// The target says why (tls.insecureReason).
			accepted = append(accepted, finding.Suppressed{Finding: f, Reason: v.reason, By: v.by})
			continue
		}
		a, ok := env.Hardening.Accept[v.check]
		if ok && (len(a.Objects) == 0 || slices.Contains(a.Objects, v.object)) {
			if used[v.check] == nil {
				used[v.check] = map[string]bool{}
			}
			used[v.check][v.object] = true
			accepted = append(accepted, finding.Suppressed{Finding: f, Reason: a.Reason, By: env.Source("hardening", "accept", v.check)})
			continue
		}
		out = append(out, finding.Finding{Check: v.check, Severity: finding.Error, Position: v.origin, Subject: v.object,
			Message: v.msg + "; fix it, or accept it with a reason in hardening.accept (docs/output.md#hardened-defaults)"})
	}
	known := map[string]bool{}
	for _, o := range objs {
		known[o.id()] = true
	}
	for _, v := range vs {
		known[v.object] = true
	}
	// An environment of several clusters renders each alone: an object
	// or finding of another cluster is not seen here.
	single := !env.MultiCluster()
	for _, id := range sortedKeys(env.Hardening.Accept) {
		a := env.Hardening.Accept[id]
		pos := env.Source("hardening", "accept", id)
		report := func(sev finding.Severity, format string, args ...any) {
			out = append(out, finding.Finding{Check: CheckAccept, Severity: sev, Position: pos, Subject: "hardening.accept." + id, Message: fmt.Sprintf(format, args...)})
		}
		if !slices.Contains(Checks, id) {
			hint := ""
			if s := textdist.Closest(id, Checks, 4); s != "" {
				hint = fmt.Sprintf(" (did you mean %q?)", s)
			}
			report(finding.Error, "no hardening check is called %q%s; the checks are listed in docs/output.md#hardened-defaults", id, hint)
			continue
		}
		if !single {
			continue
		}
		if len(a.Objects) == 0 {
			if len(used[id]) == 0 {
				report(finding.Warning, "accepts nothing: %s finds nothing in this environment; remove it", id)
			}
			continue
		}
		for _, obj := range a.Objects {
			switch {
			case !known[obj]:
				report(finding.Error, "%s is not an object mongen generates for this environment", obj)
			case !used[id][obj]:
				report(finding.Warning, "accepts nothing for %s: %s finds nothing there; remove it", obj, id)
			}
		}
	}
	finding.Sort(out)
	sort.SliceStable(accepted, func(i, j int) bool {
		a, b := accepted[i], accepted[j]
		if a.Finding != b.Finding {
			return lessFinding(a.Finding, b.Finding)
		}
		return a.Reason < b.Reason
	})
	return out, slices.CompactFunc(accepted, func(a, b finding.Suppressed) bool { return a == b })
}

// lessFinding orders findings as finding.Sort does: by position, check,
// subject and message.
func lessFinding(a, b finding.Finding) bool {
	for _, c := range [][2]string{{a.Position, b.Position}, {a.Check, b.Check}, {a.Subject, b.Subject}} {
		if c[0] != c[1] {
			return c[0] < c[1]
		}
	}
	return a.Message < b.Message
}
