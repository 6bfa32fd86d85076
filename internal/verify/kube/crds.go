package kube

import (
	"fmt"
	"sort"

	"k8s.io/apimachinery/pkg/runtime/schema"

	"github.com/mongen-dev/mongen/internal/verify/kube/internal/crdbundle"
)

// NewValidatorFromCRDs builds a validator for the served versions of other
// projects' CRDs (YAML, by file name for errors), with the same checks as
// for the embedded prometheus-operator schemas, plus the built-in kinds.
// The tests of deploy/ use it with Flux's and Argo CD's CRDs read from their
// Go modules.
func NewValidatorFromCRDs(crds map[string][]byte) (*Validator, error) {
	names := make([]string, 0, len(crds))
	for n := range crds {
		names = append(names, n)
	}
	sort.Strings(names)
	v := &Validator{crds: map[schema.GroupVersionKind]*crdType{}}
	for _, n := range names {
		entries, err := crdbundle.Entries(n, crds[n])
		if err != nil {
			return nil, err
		}
		for _, e := range entries {
			gvk := schema.GroupVersionKind{Group: e.Group, Version: e.Version, Kind: e.Kind}
			if _, dup := v.crds[gvk]; dup {
				return nil, fmt.Errorf("%s: %s defined twice", n, gvk)
			}
			v.crds[gvk] = &crdType{entry: e}
		}
	}
	return v, nil
}
