package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"

	monitoringv1 "github.com/prometheus-operator/prometheus-operator/pkg/apis/monitoring/v1"
	monitoringv1alpha1 "github.com/prometheus-operator/prometheus-operator/pkg/apis/monitoring/v1alpha1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	utilyaml "k8s.io/apimachinery/pkg/util/yaml"
	"sigs.k8s.io/yaml"
)

// objects are the input, by kind, in input order.
type objects struct {
	prometheuses    []*monitoringv1.Prometheus
	serviceMonitors []*monitoringv1.ServiceMonitor
	podMonitors     []*monitoringv1.PodMonitor
	probes          []*monitoringv1.Probe
	scrapeConfigs   []*monitoringv1alpha1.ScrapeConfig
	rules           []*monitoringv1.PrometheusRule
	secrets         []*corev1.Secret
	configMaps      []*corev1.ConfigMap
	namespaces      []*corev1.Namespace
	// ignored are objects of kinds the operator's Prometheus controller
	// does not read.
	ignored []Entry
	crds    crdSchemas
}

// readPaths reads every path: a file is one YAML or JSON stream, a
// directory contributes its *.yaml, *.yml and *.json files (recursively, in
// lexical path order).
func readPaths(paths []string) (*objects, error) {
	crds, err := loadCRDs()
	if err != nil {
		return nil, err
	}
	objs := &objects{crds: crds}
	for _, p := range paths {
		files, err := expand(p)
		if err != nil {
			return nil, err
		}
		for _, f := range files {
			data, err := os.ReadFile(f)
			if err != nil {
				return nil, fmt.Errorf("read objects: %w", err)
			}
			if err := objs.addStream(data, f); err != nil {
				return nil, err
			}
		}
	}
	return objs, nil
}

func expand(p string) ([]string, error) {
	info, err := os.Stat(p)
	if err != nil {
		return nil, fmt.Errorf("read objects: %w", err)
	}
	if !info.IsDir() {
		return []string{p}, nil
	}
	var files []string
	err = filepath.WalkDir(p, func(path string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		switch strings.ToLower(filepath.Ext(path)) {
		case ".yaml", ".yml", ".json":
			if !d.IsDir() {
				files = append(files, path)
			}
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("read objects under %s: %w", p, err)
	}
	slices.Sort(files)
	return files, nil
}

// addStream decodes each document of a YAML or JSON stream. The operator's
// kinds first get their CRD's defaults and are validated against its
// schema, as the API server does on create (crds.go). Documents are
// decoded strictly: a field the object's Go type (the operator's API types,
// or Kubernetes' for core objects) does not have is an error, as it is for
// kubectl's default server-side field validation.
func (o *objects) addStream(data []byte, source string) error {
	r := utilyaml.NewYAMLReader(bufio.NewReader(bytes.NewReader(data)))
	for doc := 1; ; doc++ {
		raw, err := r.Read()
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return fmt.Errorf("%s: document %d: %w", source, doc, err)
		}
		js, err := yaml.YAMLToJSON(raw)
		if err != nil {
			return fmt.Errorf("%s: document %d: %w", source, doc, err)
		}
		if t := bytes.TrimSpace(js); len(t) == 0 || string(t) == "null" {
			continue
		}
		if err := o.add(js); err != nil {
			return fmt.Errorf("%s: document %d: %w", source, doc, err)
		}
	}
}

func (o *objects) add(js []byte) error {
	var head struct {
		metav1.TypeMeta
		Metadata metav1.ObjectMeta `json:"metadata"`
	}
	if err := json.Unmarshal(js, &head); err != nil {
		return fmt.Errorf("read kind: %w", err)
	}
	key := head.APIVersion + " " + head.Kind
	js, err := o.crds.admit(key, js)
	if err != nil {
		return fmt.Errorf("%s %s: %w", head.Kind, objectKey(head.Metadata.Namespace, head.Metadata.Name), err)
	}
	switch key {
	case "monitoring.coreos.com/v1 Prometheus":
		return decodeInto(js, &o.prometheuses)
	case "monitoring.coreos.com/v1 ServiceMonitor":
		return decodeInto(js, &o.serviceMonitors)
	case "monitoring.coreos.com/v1 PodMonitor":
		return decodeInto(js, &o.podMonitors)
	case "monitoring.coreos.com/v1 Probe":
		return decodeInto(js, &o.probes)
	case "monitoring.coreos.com/v1alpha1 ScrapeConfig":
		return decodeInto(js, &o.scrapeConfigs)
	case "monitoring.coreos.com/v1 PrometheusRule":
		return decodeInto(js, &o.rules)
	case "v1 Secret":
		if err := decodeInto(js, &o.secrets); err != nil {
			return err
		}
		// The API server merges stringData into data.
		s := o.secrets[len(o.secrets)-1]
		for k, v := range s.StringData {
			if s.Data == nil {
				s.Data = map[string][]byte{}
			}
			s.Data[k] = []byte(v)
		}
		s.StringData = nil
		return nil
	case "v1 ConfigMap":
		return decodeInto(js, &o.configMaps)
	case "v1 Namespace":
		return decodeInto(js, &o.namespaces)
	}
	o.ignored = append(o.ignored, Entry{
		Kind:   head.Kind,
		Object: objectKey(head.Metadata.Namespace, head.Metadata.Name),
		Reason: "not read by the operator's Prometheus controller (" + head.APIVersion + ")",
	})
	return nil
}

// decodeInto strictly decodes js into a new T and appends it to list. A
// namespaced object without a namespace is put in "default", as kubectl
// does.
func decodeInto[T any, PT interface {
	*T
	metav1.Object
}](js []byte, list *[]PT) error {
	dec := json.NewDecoder(bytes.NewReader(js))
	dec.DisallowUnknownFields()
	obj := PT(new(T))
	if err := dec.Decode(obj); err != nil {
		return fmt.Errorf("decode: %w", err)
	}
	if obj.GetName() == "" {
		return errors.New("object without metadata.name")
	}
	if _, isNamespace := any(obj).(*corev1.Namespace); !isNamespace && obj.GetNamespace() == "" {
		obj.SetNamespace(metav1.NamespaceDefault)
	}
	*list = append(*list, obj)
	return nil
}

func objectKey(namespace, name string) string {
	if namespace == "" {
		return name
	}
	return namespace + "/" + name
}
