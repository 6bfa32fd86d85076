package kpsproof

import (
	"bytes"
	"cmp"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"k8s.io/apimachinery/pkg/util/yaml"
	sigsyaml "sigs.k8s.io/yaml"
)

// Object is one Kubernetes object of a platform (rendered chart, manifests)
// or of mongen's output, kept as JSON and decoded into the upstream types
// where a check needs them.
type Object struct {
	APIVersion string
	Kind       string
	Namespace  string // empty for cluster-scoped objects
	Name       string
	Labels     map[string]string
	// Source says where the object comes from: the chart template, the
	// manifest file, or what is assumed of the cluster.
	Source string
	JSON   []byte
}

// String is "Kind namespace/name" (or "Kind name" when cluster-scoped).
func (o Object) String() string {
	if o.Namespace == "" {
		return o.Kind + " " + o.Name
	}
	return o.Kind + " " + o.Namespace + "/" + o.Name
}

func (o Object) decode(into any) error {
	if err := json.Unmarshal(o.JSON, into); err != nil {
		return fmt.Errorf("decode %s: %w", o, err)
	}
	return nil
}

// clusterScoped are the kinds the platforms render without a namespace.
var clusterScoped = map[string]bool{
	"Namespace": true, "ClusterRole": true, "ClusterRoleBinding": true,
	"CustomResourceDefinition": true, "MutatingWebhookConfiguration": true,
	"ValidatingWebhookConfiguration": true, "APIService": true,
	"PriorityClass": true, "StorageClass": true, "PersistentVolume": true,
	"IngressClass": true, "RuntimeClass": true,
}

// ParseObjects reads a YAML stream of objects (a helm manifest, a
// kustomize build, a manifest file). Namespaced objects without a
// namespace get defaultNamespace, as helm install and kubectl apply -n
// give them. A "# Source: <chart>/<path>" comment heading a document (as
// helm writes) becomes the object's Source; otherwise source is used.
// List kinds (ConfigMapList, List) are flattened. Objects are sorted by
// kind, namespace and name.
func ParseObjects(stream []byte, defaultNamespace, source string) ([]Object, error) {
	var out []Object
	for i, doc := range splitDocuments(stream) {
		src := source
		for _, line := range strings.Split(string(doc), "\n") {
			if s, ok := strings.CutPrefix(strings.TrimSpace(line), "# Source: "); ok {
				src = s
				break
			}
		}
		js, err := sigsyaml.YAMLToJSON(doc)
		if err != nil {
			return nil, fmt.Errorf("%s: document %d: %w", source, i+1, err)
		}
		if bytes.Equal(bytes.TrimSpace(js), []byte("null")) {
			continue
		}
		objs, err := fromJSON(js, defaultNamespace, src)
		if err != nil {
			return nil, fmt.Errorf("%s: document %d: %w", source, i+1, err)
		}
		out = append(out, objs...)
	}
	sortObjects(out)
	return out, nil
}

func fromJSON(js []byte, defaultNamespace, src string) ([]Object, error) {
	var head struct {
		APIVersion string            `json:"apiVersion"`
		Kind       string            `json:"kind"`
		Items      []json.RawMessage `json:"items"`
		Metadata   struct {
			Name      string            `json:"name"`
			Namespace string            `json:"namespace"`
			Labels    map[string]string `json:"labels"`
		} `json:"metadata"`
	}
	if err := json.Unmarshal(js, &head); err != nil {
		return nil, err
	}
	if head.Kind == "" {
		return nil, errors.New("no kind")
	}
	if strings.HasSuffix(head.Kind, "List") && head.Items != nil {
		var out []Object
		for _, item := range head.Items {
			objs, err := fromJSON(item, defaultNamespace, src)
			if err != nil {
				return nil, err
			}
			out = append(out, objs...)
		}
		return out, nil
	}
	ns := head.Metadata.Namespace
	if clusterScoped[head.Kind] {
		ns = ""
	} else if ns == "" {
		ns = defaultNamespace
	}
	return []Object{{
		APIVersion: head.APIVersion, Kind: head.Kind, Namespace: ns,
		Name: head.Metadata.Name, Labels: head.Metadata.Labels, Source: src, JSON: js,
	}}, nil
}

func splitDocuments(stream []byte) [][]byte {
	r := yaml.NewYAMLReader(bufioReader(stream))
	var docs [][]byte
	for {
		doc, err := r.Read()
		if err == io.EOF {
			return docs
		}
		if err != nil { // the reader only fails on I/O; a bytes reader does not
			return append(docs, stream)
		}
		if len(bytes.TrimSpace(doc)) > 0 {
			docs = append(docs, doc)
		}
	}
}

func sortObjects(objs []Object) {
	slices.SortStableFunc(objs, func(a, b Object) int {
		return cmp.Or(strings.Compare(a.Kind, b.Kind), strings.Compare(a.Namespace, b.Namespace), strings.Compare(a.Name, b.Name))
	})
}

// ReadManifests reads every *.yaml file of a directory of generated
// manifests (kube-prometheus's manifests/), in file name order, each
// object with its file name as Source.
func ReadManifests(dir, defaultNamespace string) ([]Object, error) {
	names, err := filepath.Glob(filepath.Join(dir, "*.yaml"))
	if err != nil {
		return nil, fmt.Errorf("read manifests: %w", err)
	}
	if len(names) == 0 {
		return nil, fmt.Errorf("read manifests: no *.yaml in %s", dir)
	}
	slices.Sort(names)
	var out []Object
	for _, name := range names {
		data, err := os.ReadFile(name)
		if err != nil {
			return nil, fmt.Errorf("read manifests: %w", err)
		}
		objs, err := ParseObjects(data, defaultNamespace, filepath.Base(name))
		if err != nil {
			return nil, fmt.Errorf("read manifests: %w", err)
		}
		out = append(out, objs...)
	}
	sortObjects(out)
	return out, nil
}
