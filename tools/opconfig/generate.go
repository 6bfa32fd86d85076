package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"reflect"
	"runtime/debug"
	"slices"
	"strings"
	"time"

	"github.com/blang/semver/v4"
	"github.com/prometheus-operator/prometheus-operator/pkg/apis/monitoring"
	monitoringv1 "github.com/prometheus-operator/prometheus-operator/pkg/apis/monitoring/v1"
	monitoringv1alpha1 "github.com/prometheus-operator/prometheus-operator/pkg/apis/monitoring/v1alpha1"
	"github.com/prometheus-operator/prometheus-operator/pkg/assets"
	monitoringfake "github.com/prometheus-operator/prometheus-operator/pkg/client/versioned/fake"
	"github.com/prometheus-operator/prometheus-operator/pkg/informers"
	"github.com/prometheus-operator/prometheus-operator/pkg/k8s"
	namespacelabeler "github.com/prometheus-operator/prometheus-operator/pkg/namespacelabeler"
	"github.com/prometheus-operator/prometheus-operator/pkg/operator"
	prompkg "github.com/prometheus-operator/prometheus-operator/pkg/prometheus"
	"github.com/prometheus-operator/prometheus-operator/pkg/prometheus/validation"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/prometheus/promql/parser"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/labels"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"
	kubeinformers "k8s.io/client-go/informers"
	kubefake "k8s.io/client-go/kubernetes/fake"
	"k8s.io/client-go/tools/cache"
)

// defaultKubernetesVersion is the Kubernetes version the operator is told
// it runs on unless -kubernetes-version says otherwise. The operator's main
// turns on EndpointSlice discovery from v1.21 and pod topology labels from
// v1.35; a cluster supported today has the first and not the second.
const defaultKubernetesVersion = "v1.34.0"

// operatorModule is the module whose code this program runs.
const operatorModule = "github.com/prometheus-operator/prometheus-operator"

type options struct {
	prometheus        string // NAMESPACE/NAME, or empty for the only one
	kubernetesVersion string
	logTo             io.Writer // the operator's log
}

// result is what the operator writes for one Prometheus CR.
type result struct {
	Config     []byte
	RuleFiles  map[string]map[string]string // ConfigMap name → file name → content
	TLSAssets  map[string][]byte            // file name under /etc/prometheus/certs
	Secrets    map[string]map[string][]byte // spec.secrets: name → key → content
	ConfigMaps map[string]map[string]string // spec.configMaps: name → key → content
	Report     Report
}

// generate repeats, with the operator's exported code, what the operator's
// reconcile loop (pkg/prometheus/server Operator.sync, v0.93.1) does before
// it writes the StatefulSet:
//
//   - getSelectedConfigResources: a ResourceSelector selects and checks the
//     ServiceMonitors, PodMonitors, Probes and ScrapeConfigs;
//   - selectPrometheusRules: a PrometheusRuleSelector, with the namespace
//     labeler and PromQL parser options the CR asks for, selects and checks
//     the PrometheusRules and turns them into rule files;
//   - createOrUpdateRuleConfigMaps: a PrometheusRuleSyncer writes the rule
//     ConfigMaps and names three of them for rule_files;
//   - createOrUpdateConfigurationSecret: the remote read/write, API server,
//     Alertmanager and scrape class credentials go into the asset store,
//     the additional* Secrets are loaded, and the ConfigGenerator writes the
//     configuration;
//   - the store's TLS assets, which the operator puts in the
//     prometheus-<name>-tls-assets Secrets.
//
// Those methods are unexported and take a live API server (server.New wants
// a rest.Config), so the calls are repeated here in the same order against
// fake clientsets holding the input.
func generate(objs *objects, opts options) (*result, error) {
	p, err := pickPrometheus(objs, opts.prometheus)
	if err != nil {
		return nil, err
	}
	if p.Spec.Paused {
		return nil, fmt.Errorf("the Prometheus CR %s is paused: the operator generates nothing for it", objectKey(p.Namespace, p.Name))
	}
	// Operator.unmanagedPrometheusConfiguration (the default: unmanaged
	// configuration is not disabled).
	if p.Spec.ServiceMonitorSelector == nil && p.Spec.PodMonitorSelector == nil &&
		p.Spec.ProbeSelector == nil && p.Spec.ScrapeConfigSelector == nil {
		return nil, fmt.Errorf("the Prometheus CR %s has no monitor, probe or scrape config selector: the operator leaves its configuration to the user (an empty Secret)", objectKey(p.Namespace, p.Name))
	}
	kubeVersion, err := semver.ParseTolerant(opts.kubernetesVersion)
	if err != nil {
		return nil, fmt.Errorf("kubernetes version %q: %w", opts.kubernetesVersion, err)
	}

	logger := slog.New(slog.NewTextHandler(orDiscard(opts.logTo), &slog.HandlerOptions{Level: slog.LevelInfo}))
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()

	cl, err := startCluster(ctx, objs, p)
	if err != nil {
		return nil, err
	}
	defer cl.stop()

	rep := Report{
		OperatorVersion:   moduleVersion(operatorModule),
		Prometheus:        objectKey(p.Namespace, p.Name),
		PrometheusVersion: operator.StringValOrDefault(p.Spec.Version, operator.DefaultPrometheusVersion),
		KubernetesVersion: "v" + kubeVersion.String(),
		Selected:          map[string][]string{},
		Rejected:          []Entry{},
		NotSelected:       []Entry{},
		Missing:           []Entry{},
		Ignored:           append([]Entry{}, objs.ignored...),
		RuleFiles:         []RuleFile{},
	}
	for _, other := range objs.prometheuses {
		if other != p {
			rep.Ignored = append(rep.Ignored, Entry{Kind: monitoringv1.PrometheusesKind, Object: objectKey(other.Namespace, other.Name), Reason: "another Prometheus CR"})
		}
	}

	store := assets.NewStoreBuilder(cl.kube.CoreV1(), cl.kube.CoreV1())
	metrics := operator.NewMetrics(prometheus.NewRegistry())
	events := operator.NewFakeRecorder(1024, p)

	// getSelectedConfigResources.
	rs, err := prompkg.NewResourceSelector(logger, p, store, cl.namespaces, metrics, events)
	if err != nil {
		return nil, fmt.Errorf("resource selector: %w", err)
	}
	smons, err := rs.SelectServiceMonitors(ctx, cl.listers[monitoringv1.ServiceMonitorName].ListAllByNamespace)
	if err != nil {
		return nil, fmt.Errorf("selecting ServiceMonitors failed: %w", err)
	}
	pmons, err := rs.SelectPodMonitors(ctx, cl.listers[monitoringv1.PodMonitorName].ListAllByNamespace)
	if err != nil {
		return nil, fmt.Errorf("selecting PodMonitors failed: %w", err)
	}
	probes, err := rs.SelectProbes(ctx, cl.listers[monitoringv1.ProbeName].ListAllByNamespace)
	if err != nil {
		return nil, fmt.Errorf("selecting Probes failed: %w", err)
	}
	scrapeConfigs, err := rs.SelectScrapeConfigs(ctx, cl.listers[monitoringv1alpha1.ScrapeConfigName].ListAllByNamespace)
	if err != nil {
		return nil, fmt.Errorf("selecting ScrapeConfigs failed: %w", err)
	}
	rules, err := selectPrometheusRules(p, cl, events, logger)
	if err != nil {
		return nil, fmt.Errorf("selecting PrometheusRule failed: %w", err)
	}

	sel := selectors{p: p, namespaces: cl.namespaces}
	account(&rep, monitoringv1.ServiceMonitorsKind, smons, objs.serviceMonitors, sel.of(p.Spec.ServiceMonitorSelector, p.Spec.ServiceMonitorNamespaceSelector))
	account(&rep, monitoringv1.PodMonitorsKind, pmons, objs.podMonitors, sel.of(p.Spec.PodMonitorSelector, p.Spec.PodMonitorNamespaceSelector))
	account(&rep, monitoringv1.ProbesKind, probes, objs.probes, sel.of(p.Spec.ProbeSelector, p.Spec.ProbeNamespaceSelector))
	account(&rep, monitoringv1alpha1.ScrapeConfigsKind, scrapeConfigs, objs.scrapeConfigs, sel.of(p.Spec.ScrapeConfigSelector, p.Spec.ScrapeConfigNamespaceSelector))
	account(&rep, monitoringv1.PrometheusRuleKind, rules.Selected(), objs.rules, sel.of(p.Spec.RuleSelector, p.Spec.RuleNamespaceSelector))

	// createOrUpdateRuleConfigMaps.
	prs := operator.NewPrometheusRuleSyncer(
		logger,
		fmt.Sprintf("prometheus-%s", p.Name),
		cl.kube.CoreV1().ConfigMaps(p.Namespace),
		labels.Set{prompkg.LabelPrometheusName: p.Name},
		[]operator.ObjectOption{operator.WithManagingOwner(p)},
	)
	cmNames, err := prs.Sync(ctx, rules.RuleFiles())
	if err != nil {
		return nil, fmt.Errorf("synchronizing PrometheusRules failed: %w", err)
	}
	ruleConfigMapNames := prs.AppendConfigMapNames(cmNames, 3)
	res := &result{
		RuleFiles:  map[string]map[string]string{},
		TLSAssets:  map[string][]byte{},
		Secrets:    map[string]map[string][]byte{},
		ConfigMaps: map[string]map[string]string{},
	}
	for _, name := range cmNames {
		cm, err := cl.kube.CoreV1().ConfigMaps(p.Namespace).Get(ctx, name, metav1.GetOptions{})
		if err != nil {
			return nil, fmt.Errorf("read rule ConfigMap %s: %w", name, err)
		}
		res.RuleFiles[name] = cm.Data
	}
	rep.RuleConfigMaps = ruleConfigMapNames
	rep.RuleFiles = ruleFileEntries(res.RuleFiles, rules.Selected())

	// The ConfigGenerator options the operator's main and Operator.sync
	// choose (feature gates at their defaults: off).
	var cgOpts []prompkg.ConfigGeneratorOption
	if kubeVersion.GTE(semver.MustParse("1.21.0")) {
		cgOpts = append(cgOpts, prompkg.WithEndpointSliceSupport())
	}
	if kubeVersion.GTE(semver.MustParse("1.35.0")) {
		cgOpts = append(cgOpts, prompkg.WithPodTopologyLabelsSupport())
	}
	cg, err := prompkg.NewConfigGenerator(logger, p, cgOpts...)
	if err != nil {
		return nil, err
	}

	// createOrUpdateConfigurationSecret.
	if err := prompkg.AddRemoteReadsToStore(ctx, store, p.GetNamespace(), p.Spec.RemoteRead); err != nil {
		return nil, err
	}
	if err := cg.AddRemoteWriteToStore(ctx, store, p.GetNamespace(), p.Spec.RemoteWrite); err != nil {
		return nil, err
	}
	if err := prompkg.AddAPIServerConfigToStore(ctx, store, p.GetNamespace(), p.Spec.APIServerConfig); err != nil {
		return nil, err
	}
	if p.Spec.Alerting != nil {
		for i, am := range p.Spec.Alerting.Alertmanagers {
			if err := validateAlertmanagerEndpoints(p, am); err != nil {
				return nil, fmt.Errorf("creating config failed: alertmanager %d: %w", i, err)
			}
		}
		if err := addAlertmanagerEndpointsToStore(ctx, store, p.GetNamespace(), p.Spec.Alerting.Alertmanagers); err != nil {
			return nil, fmt.Errorf("creating config failed: %w", err)
		}
	}
	if err := prompkg.AddScrapeClassesToStore(ctx, store, p.GetNamespace(), p.Spec.ScrapeClasses); err != nil {
		return nil, fmt.Errorf("failed to process scrape classes: %w", err)
	}
	secrets := cl.kube.CoreV1().Secrets(p.Namespace)
	additionalScrapeConfigs, err := k8s.LoadSecretRef(ctx, logger, secrets, p.Spec.AdditionalScrapeConfigs)
	if err != nil {
		return nil, fmt.Errorf("loading additional scrape configs from Secret failed: %w", err)
	}
	additionalAlertRelabelConfigs, err := k8s.LoadSecretRef(ctx, logger, secrets, p.Spec.AdditionalAlertRelabelConfigs)
	if err != nil {
		return nil, fmt.Errorf("loading additional alert relabel configs from Secret failed: %w", err)
	}
	additionalAlertManagerConfigs, err := k8s.LoadSecretRef(ctx, logger, secrets, p.Spec.AdditionalAlertManagerConfigs)
	if err != nil {
		return nil, fmt.Errorf("loading additional alert manager configs from Secret failed: %w", err)
	}
	conf, err := cg.GenerateServerConfiguration(
		p,
		smons.ValidResources(),
		pmons.ValidResources(),
		probes.ValidResources(),
		scrapeConfigs.ValidResources(),
		store,
		additionalScrapeConfigs,
		additionalAlertRelabelConfigs,
		additionalAlertManagerConfigs,
		ruleConfigMapNames,
	)
	if err != nil {
		return nil, fmt.Errorf("generating config failed: %w", err)
	}
	res.Config = conf
	for name, content := range store.TLSAssets() {
		res.TLSAssets[name] = content
	}

	// The volumes of spec.secrets and spec.configMaps (not optional: the pod
	// does not start without them).
	for _, name := range p.Spec.Secrets {
		s, err := secrets.Get(ctx, name, metav1.GetOptions{})
		if err != nil {
			rep.Missing = append(rep.Missing, Entry{Kind: "Secret", Object: objectKey(p.Namespace, name), Reason: "named in spec.secrets: " + err.Error()})
			continue
		}
		res.Secrets[name] = s.Data
	}
	for _, name := range p.Spec.ConfigMaps {
		cm, err := cl.kube.CoreV1().ConfigMaps(p.Namespace).Get(ctx, name, metav1.GetOptions{})
		if err != nil {
			rep.Missing = append(rep.Missing, Entry{Kind: "ConfigMap", Object: objectKey(p.Namespace, name), Reason: "named in spec.configMaps: " + err.Error()})
			continue
		}
		res.ConfigMaps[name] = cm.Data
	}

	for _, a := range cg.BuildCommonPrometheusArgs() {
		if a.Value == "" {
			rep.Args = append(rep.Args, "--"+a.Name)
		} else {
			rep.Args = append(rep.Args, "--"+a.Name+"="+a.Value)
		}
	}
	rep.sort()
	res.Report = rep
	return res, nil
}

func orDiscard(w io.Writer) io.Writer {
	if w == nil {
		return io.Discard
	}
	return w
}

func pickPrometheus(objs *objects, want string) (*monitoringv1.Prometheus, error) {
	var names []string
	for _, p := range objs.prometheuses {
		key := objectKey(p.Namespace, p.Name)
		if want != "" && key == want {
			return p, nil
		}
		names = append(names, key)
	}
	slices.Sort(names)
	switch {
	case want != "":
		return nil, fmt.Errorf("no Prometheus %s in the input (have: %s)", want, strings.Join(names, ", "))
	case len(names) == 0:
		return nil, errors.New("no Prometheus CR in the input")
	case len(names) > 1:
		return nil, fmt.Errorf("several Prometheus CRs in the input (%s): choose one with -prometheus", strings.Join(names, ", "))
	}
	return objs.prometheuses[0], nil
}

// selectPrometheusRules repeats Operator.selectPrometheusRules
// (pkg/prometheus/server/rules.go).
func selectPrometheusRules(p *monitoringv1.Prometheus, cl *cluster, events *operator.EventRecorder, logger *slog.Logger) (operator.PrometheusRuleSelection, error) {
	var rules operator.PrometheusRuleSelection
	namespaces, err := operator.SelectNamespacesFromCache(p, p.Spec.RuleNamespaceSelector, cl.namespaces)
	if err != nil {
		return rules, err
	}
	excluded := p.Spec.ExcludedFromEnforcement
	for _, rule := range p.Spec.PrometheusRulesExcludedFromEnforce { // the deprecated field, which the operator still honours
		excluded = append(excluded, monitoringv1.ObjectReference{
			Namespace: rule.RuleNamespace,
			Group:     monitoring.GroupName,
			Resource:  monitoringv1.PrometheusRuleName,
			Name:      rule.RuleName,
		})
	}
	var parserOptions parser.Options
	for _, f := range p.GetCommonPrometheusFields().EnableFeatures {
		switch f {
		case "promql-experimental-functions":
			parserOptions.EnableExperimentalFunctions = true
		case "promql-duration-expr":
			parserOptions.ExperimentalDurationExpr = true
		case "promql-extended-range-selectors":
			parserOptions.EnableExtendedRangeSelectors = true
		case "promql-binop-fill-modifiers":
			parserOptions.EnableBinopFillModifiers = true
		}
	}
	selector, err := operator.NewPrometheusRuleSelector(
		operator.PrometheusFormat,
		operator.StringValOrDefault(p.GetCommonPrometheusFields().Version, operator.DefaultPrometheusVersion),
		p.Spec.RuleSelector,
		namespacelabeler.New(p.Spec.EnforcedNamespaceLabel, excluded, true),
		cl.listers[monitoringv1.PrometheusRuleName],
		events,
		logger,
		parserOptions,
	)
	if err != nil {
		return rules, fmt.Errorf("initializing PrometheusRules failed: %w", err)
	}
	return selector.Select(namespaces)
}

// validateAlertmanagerEndpoints repeats the operator's unexported function
// of the same name (pkg/prometheus/server/operator.go).
func validateAlertmanagerEndpoints(p *monitoringv1.Prometheus, am monitoringv1.AlertmanagerEndpoints) error {
	var set []string
	//lint:ignore SA1019 the operator checks the deprecated field
	if am.BearerTokenFile != "" {
		set = append(set, `"bearerTokenFile"`)
	}
	for _, f := range []struct {
		name string
		v    any
	}{{"authorization", am.Authorization}, {"basicAuth", am.BasicAuth}, {"sigv4", am.Sigv4}} {
		if !reflect.ValueOf(f.v).IsNil() {
			set = append(set, fmt.Sprintf("%q", f.name))
		}
	}
	if len(set) > 1 {
		return fmt.Errorf("%s can't be set at the same time, at most one of them must be defined", strings.Join(set, " and "))
	}
	lcv, err := validation.NewLabelConfigValidator(p)
	if err != nil {
		return err
	}
	if err := lcv.Validate(am.RelabelConfigs); err != nil {
		return fmt.Errorf("invalid relabelings: %w", err)
	}
	if err := lcv.Validate(am.AlertRelabelConfigs); err != nil {
		return fmt.Errorf("invalid alertRelabelings: %w", err)
	}
	return nil
}

// addAlertmanagerEndpointsToStore repeats the operator's unexported function
// of the same name.
func addAlertmanagerEndpointsToStore(ctx context.Context, store *assets.StoreBuilder, namespace string, ams []monitoringv1.AlertmanagerEndpoints) error {
	for i, am := range ams {
		if err := store.AddBasicAuth(ctx, namespace, am.BasicAuth); err != nil {
			return fmt.Errorf("alertmanager %d: %w", i, err)
		}
		if err := store.AddSafeAuthorizationCredentials(ctx, namespace, am.Authorization); err != nil {
			return fmt.Errorf("alertmanager %d: %w", i, err)
		}
		if err := store.AddSigV4(ctx, namespace, am.Sigv4); err != nil {
			return fmt.Errorf("alertmanager %d: %w", i, err)
		}
		if err := store.AddTLSConfig(ctx, namespace, am.TLSConfig); err != nil {
			return fmt.Errorf("alertmanager %d: %w", i, err)
		}
		if err := store.AddProxyConfig(ctx, namespace, am.ProxyConfig); err != nil {
			return fmt.Errorf("alertmanager %d: %w", i, err)
		}
	}
	return nil
}

// cluster is the input served through fake clientsets and the operator's
// own informers.
type cluster struct {
	kube       *kubefake.Clientset
	namespaces cache.SharedIndexInformer
	listers    map[string]*informers.ForResource // by resource name
	stop       context.CancelFunc
}

func startCluster(ctx context.Context, objs *objects, p *monitoringv1.Prometheus) (*cluster, error) {
	var kubeObjs, monObjs []runtime.Object
	for _, ns := range namespaceObjects(objs, p) {
		kubeObjs = append(kubeObjs, ns)
	}
	for _, s := range objs.secrets {
		kubeObjs = append(kubeObjs, s)
	}
	for _, cm := range objs.configMaps {
		kubeObjs = append(kubeObjs, cm)
	}
	for _, o := range objs.serviceMonitors {
		monObjs = append(monObjs, o)
	}
	for _, o := range objs.podMonitors {
		monObjs = append(monObjs, o)
	}
	for _, o := range objs.probes {
		monObjs = append(monObjs, o)
	}
	for _, o := range objs.scrapeConfigs {
		monObjs = append(monObjs, o)
	}
	for _, o := range objs.rules {
		monObjs = append(monObjs, o)
	}
	kube := kubefake.NewSimpleClientset(kubeObjs...)
	mon := monitoringfake.NewSimpleClientset(monObjs...)

	runCtx, stop := context.WithCancel(context.Background())
	cl := &cluster{kube: kube, listers: map[string]*informers.ForResource{}, stop: stop}

	kf := kubeinformers.NewSharedInformerFactory(kube, 0)
	cl.namespaces = kf.Core().V1().Namespaces().Informer()
	kf.Start(runCtx.Done())

	// As the operator's main does when it watches every namespace.
	factories := informers.NewMonitoringInformerFactories(
		map[string]struct{}{corev1.NamespaceAll: {}}, map[string]struct{}{}, mon, 0, nil)
	for _, gvr := range []schema.GroupVersionResource{
		monitoringv1.SchemeGroupVersion.WithResource(monitoringv1.ServiceMonitorName),
		monitoringv1.SchemeGroupVersion.WithResource(monitoringv1.PodMonitorName),
		monitoringv1.SchemeGroupVersion.WithResource(monitoringv1.ProbeName),
		monitoringv1alpha1.SchemeGroupVersion.WithResource(monitoringv1alpha1.ScrapeConfigName),
		monitoringv1.SchemeGroupVersion.WithResource(monitoringv1.PrometheusRuleName),
	} {
		inf, err := informers.NewInformersForResource(factories, gvr)
		if err != nil {
			stop()
			return nil, fmt.Errorf("informer for %s: %w", gvr.Resource, err)
		}
		inf.Start(runCtx.Done())
		cl.listers[gvr.Resource] = inf
	}
	synced := []cache.InformerSynced{cl.namespaces.HasSynced}
	for _, inf := range cl.listers {
		synced = append(synced, inf.HasSynced)
	}
	if !cache.WaitForCacheSync(ctx.Done(), synced...) {
		stop()
		return nil, errors.New("informer caches did not sync")
	}
	return cl, nil
}

// namespaceObjects are the input's Namespaces plus one for every namespace
// an object lives in that the input does not define, labelled as the API
// server labels every namespace.
func namespaceObjects(objs *objects, p *monitoringv1.Prometheus) []*corev1.Namespace {
	have := map[string]*corev1.Namespace{}
	for _, ns := range objs.namespaces {
		have[ns.Name] = ns
	}
	need := []string{p.Namespace}
	for _, o := range allMonitoringObjects(objs) {
		need = append(need, o.GetNamespace())
	}
	for _, s := range objs.secrets {
		need = append(need, s.Namespace)
	}
	for _, cm := range objs.configMaps {
		need = append(need, cm.Namespace)
	}
	for _, name := range need {
		if _, ok := have[name]; !ok {
			have[name] = &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{
				Name:   name,
				Labels: map[string]string{corev1.LabelMetadataName: name},
			}}
		}
	}
	out := make([]*corev1.Namespace, 0, len(have))
	for _, ns := range have {
		out = append(out, ns)
	}
	slices.SortFunc(out, func(a, b *corev1.Namespace) int { return strings.Compare(a.Name, b.Name) })
	return out
}

func allMonitoringObjects(objs *objects) []metav1.Object {
	var out []metav1.Object
	for _, o := range objs.serviceMonitors {
		out = append(out, o)
	}
	for _, o := range objs.podMonitors {
		out = append(out, o)
	}
	for _, o := range objs.probes {
		out = append(out, o)
	}
	for _, o := range objs.scrapeConfigs {
		out = append(out, o)
	}
	for _, o := range objs.rules {
		out = append(out, o)
	}
	return out
}

// moduleVersion is the version of module path built into this binary.
func moduleVersion(path string) string {
	info, ok := debug.ReadBuildInfo()
	if !ok {
		return "unknown"
	}
	for _, d := range info.Deps {
		if d.Path == path {
			if d.Replace != nil {
				return d.Replace.Version
			}
			return d.Version
		}
	}
	return "unknown"
}
