package kube

import (
	"context"
	"encoding/json"
	"fmt"
	"sort"
	"strconv"
	"strings"
	"sync"

	"k8s.io/apiextensions-apiserver/pkg/apis/apiextensions"
	apiextensionsv1 "k8s.io/apiextensions-apiserver/pkg/apis/apiextensions/v1"
	structuralschema "k8s.io/apiextensions-apiserver/pkg/apiserver/schema"
	"k8s.io/apiextensions-apiserver/pkg/apiserver/schema/cel"
	"k8s.io/apiextensions-apiserver/pkg/apiserver/schema/listtype"
	"k8s.io/apiextensions-apiserver/pkg/apiserver/schema/objectmeta"
	"k8s.io/apiextensions-apiserver/pkg/apiserver/schema/pruning"
	apiservervalidation "k8s.io/apiextensions-apiserver/pkg/apiserver/validation"
	apivalidation "k8s.io/apimachinery/pkg/api/validation"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/util/validation/field"
	celconfig "k8s.io/apiserver/pkg/apis/cel"

	"github.com/mongen-dev/mongen/internal/textdist"
	"github.com/mongen-dev/mongen/internal/verify/kube/internal/crdbundle"
)

// crdType is one served version of one CRD, prepared lazily.
type crdType struct {
	entry crdbundle.Entry

	once       sync.Once
	prepErr    error
	structural *structuralschema.Structural
	schema     apiservervalidation.SchemaValidator
	cel        *cel.Validator // nil when the schema has no CEL rules
}

// prepare builds what the API server builds when it starts serving a CRD
// version (see apiextensions-apiserver's customresource_handler.go).
func (c *crdType) prepare() error {
	c.once.Do(func() {
		props := &apiextensionsv1.JSONSchemaProps{}
		if err := json.Unmarshal(c.entry.Schema, props); err != nil {
			c.prepErr = fmt.Errorf("decoding %s schema: %w", c.entry.Kind, err)
			return
		}
		internal := &apiextensions.CustomResourceValidation{}
		in := &apiextensionsv1.CustomResourceValidation{OpenAPIV3Schema: props}
		if err := apiextensionsv1.Convert_v1_CustomResourceValidation_To_apiextensions_CustomResourceValidation(in, internal, nil); err != nil {
			c.prepErr = fmt.Errorf("converting %s schema: %w", c.entry.Kind, err)
			return
		}
		s, err := structuralschema.NewStructural(internal.OpenAPIV3Schema)
		if err != nil {
			c.prepErr = fmt.Errorf("%s schema is not structural: %w", c.entry.Kind, err)
			return
		}
		v, _, err := apiservervalidation.NewSchemaValidator(internal.OpenAPIV3Schema)
		if err != nil {
			c.prepErr = fmt.Errorf("building %s schema validator: %w", c.entry.Kind, err)
			return
		}
		c.structural = s
		c.schema = v
		// Compiles every x-kubernetes-validations rule once.
		c.cel = cel.NewValidator(s, true, celconfig.PerCallLimit)
	})
	return c.prepErr
}

func (c *crdType) validate(r *report, obj map[string]any) {
	if err := c.prepare(); err != nil {
		r.addErr("", err)
		return
	}
	// Pruning deletes what it reports; work on a copy so that value
	// validation sees the object without the already reported fields, as
	// the API server does after decoding.
	obj = runtime.DeepCopyJSON(obj)

	// The API server itself only requires a path-segment name for custom
	// resources, but the operator derives StatefulSet and Secret names from
	// it, so hold it to a DNS subdomain like most built-in kinds.
	validateMetadata(r, obj, c.entry.Namespaced, apivalidation.NameIsDNSSubdomain)

	// Unknown fields: the API server prunes them silently (or, with
	// fieldValidation=Strict, rejects them); we always reject them.
	unknown := pruning.PruneWithOptions(obj, c.structural, true, structuralschema.UnknownFieldPathOptions{TrackUnknownFieldPaths: true})
	for _, p := range unknown {
		r.add(p, "unknown field"+c.suggest(p))
	}
	// Metadata of embedded resources (x-kubernetes-embedded-resource).
	if ferr, paths := objectmeta.CoerceWithOptions(nil, obj, c.structural, false, objectmeta.CoerceOptions{ReturnUnknownFieldPaths: true}); ferr != nil {
		r.addFieldErrors(field.ErrorList{ferr})
	} else {
		for _, p := range paths {
			r.add(p, "unknown field")
		}
	}
	errs := apiservervalidation.ValidateCustomResource(nil, obj, c.schema)
	errs = append(errs, objectmeta.Validate(context.Background(), nil, obj, c.structural, false)...)
	errs = append(errs, listtype.ValidateListSetsAndMaps(nil, c.structural, obj)...)
	if c.cel != nil {
		// Like the API server: CEL rules assume a well-typed object, so they
		// only run once the structural errors are fixed.
		if hasBlockingErr(errs) {
			r.add("", "x-kubernetes-validations rules were not checked because of the other errors")
		} else {
			celErrs, _ := c.cel.Validate(context.Background(), nil, c.structural, obj, nil, celconfig.RuntimeCELCostBudget)
			errs = append(errs, celErrs...)
		}
	}
	r.addFieldErrors(errs)
}

// hasBlockingErr mirrors the unexported function of the same name in
// apiextensions-apiserver's registry/customresource.
func hasBlockingErr(errs field.ErrorList) bool {
	for _, err := range errs {
		switch err.Type {
		case field.ErrorTypeNotSupported, field.ErrorTypeRequired, field.ErrorTypeTooLong, field.ErrorTypeTooMany, field.ErrorTypeTypeInvalid:
			return true
		}
	}
	return false
}

// suggest returns ` (did you mean "x"?)` when the unknown field at path is
// close to a declared sibling: most unknown fields are typos.
func (c *crdType) suggest(path string) string {
	segs := splitPath(path)
	if len(segs) == 0 {
		return ""
	}
	s := c.structural
	for _, seg := range segs[:len(segs)-1] {
		if s == nil {
			return ""
		}
		if seg.index {
			s = s.Items
			continue
		}
		if p, ok := s.Properties[seg.key]; ok {
			s = &p
		} else if s.AdditionalProperties != nil {
			s = s.AdditionalProperties.Structural
		} else {
			return ""
		}
	}
	if s == nil {
		return ""
	}
	names := make([]string, 0, len(s.Properties))
	for k := range s.Properties {
		names = append(names, k)
	}
	if best := closest(segs[len(segs)-1].key, names); best != "" {
		return fmt.Sprintf(" (did you mean %q?)", best)
	}
	return ""
}

type pathSeg struct {
	key   string
	index bool
}

// splitPath parses the paths pruning reports ("a.b[0].c"). Map keys that
// contain dots are split wrongly; suggest then finds nothing, which is fine.
func splitPath(p string) []pathSeg {
	var segs []pathSeg
	for _, part := range strings.Split(p, ".") {
		key, rest, _ := strings.Cut(part, "[")
		segs = append(segs, pathSeg{key: key})
		for rest != "" {
			idx, after, ok := strings.Cut(rest, "]")
			if !ok {
				break
			}
			if _, err := strconv.Atoi(idx); err != nil {
				break
			}
			segs = append(segs, pathSeg{index: true})
			rest = strings.TrimPrefix(after, "[")
		}
	}
	return segs
}

// closest returns the candidate within a small edit distance of name (case
// differences count as near), or "" if none is clearly meant.
func closest(name string, candidates []string) string {
	sort.Strings(candidates) // deterministic choice between equals
	best, bestD := "", -1
	for _, c := range candidates {
		d := textdist.Distance(strings.ToLower(name), strings.ToLower(c))
		if d == 0 {
			return c
		}
		if bestD < 0 || d < bestD {
			best, bestD = c, d
		}
	}
	limit := len(name) / 4
	if limit < 1 {
		limit = 1
	}
	if limit > 3 {
		limit = 3
	}
	if bestD < 0 || bestD > limit {
		return ""
	}
	return best
}
