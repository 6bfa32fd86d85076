package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"

	crd "github.com/prometheus-operator/prometheus-operator/example"
	"k8s.io/apiextensions-apiserver/pkg/apis/apiextensions"
	apiextensionsv1 "k8s.io/apiextensions-apiserver/pkg/apis/apiextensions/v1"
	structuralschema "k8s.io/apiextensions-apiserver/pkg/apiserver/schema"
	structuraldefaulting "k8s.io/apiextensions-apiserver/pkg/apiserver/schema/defaulting"
	apiservervalidation "k8s.io/apiextensions-apiserver/pkg/apiserver/validation"
	utiljson "k8s.io/apimachinery/pkg/util/json"
	"k8s.io/apimachinery/pkg/util/validation/field"
	utilyaml "k8s.io/apimachinery/pkg/util/yaml"
	"sigs.k8s.io/yaml"
)

// crdSchema is one served version of one of the operator's CRDs, as the
// API server uses it on create: defaulting, then OpenAPI validation.
type crdSchema struct {
	structural *structuralschema.Structural
	validator  apiservervalidation.SchemaValidator
}

// crdSchemas are the operator's own CRDs (the module's embedded
// example/prometheus-operator-crd), keyed "apiVersion Kind".
type crdSchemas map[string]crdSchema

func loadCRDs() (crdSchemas, error) {
	var buf bytes.Buffer
	if err := crd.PrintAll(&buf); err != nil {
		return nil, fmt.Errorf("operator CRDs: %w", err)
	}
	out := crdSchemas{}
	r := utilyaml.NewYAMLReader(bufio.NewReader(&buf))
	for {
		doc, err := r.Read()
		if errors.Is(err, io.EOF) {
			return out, nil
		}
		if err != nil {
			return nil, fmt.Errorf("operator CRDs: %w", err)
		}
		var def apiextensionsv1.CustomResourceDefinition
		if err := yaml.Unmarshal(doc, &def); err != nil {
			return nil, fmt.Errorf("operator CRDs: %w", err)
		}
		if def.Name == "" {
			continue
		}
		for _, v := range def.Spec.Versions {
			if !v.Served || v.Schema == nil || v.Schema.OpenAPIV3Schema == nil {
				continue
			}
			var internal apiextensions.JSONSchemaProps
			if err := apiextensionsv1.Convert_v1_JSONSchemaProps_To_apiextensions_JSONSchemaProps(v.Schema.OpenAPIV3Schema, &internal, nil); err != nil {
				return nil, fmt.Errorf("CRD %s %s: %w", def.Name, v.Name, err)
			}
			s, err := structuralschema.NewStructural(&internal)
			if err != nil {
				return nil, fmt.Errorf("CRD %s %s: %w", def.Name, v.Name, err)
			}
			validator, _, err := apiservervalidation.NewSchemaValidator(&internal)
			if err != nil {
				return nil, fmt.Errorf("CRD %s %s: %w", def.Name, v.Name, err)
			}
			out[def.Spec.Group+"/"+v.Name+" "+def.Spec.Names.Kind] = crdSchema{structural: s, validator: validator}
		}
	}
}

// admit does to an object what the API server does on create before
// storing it: drop the nulls the schema does not allow, fill in the CRD's
// defaults (the operator relies on them, for
// example scrapeInterval's 30s), then validate it against the CRD's OpenAPI
// schema. Objects of kinds without a CRD are returned as they are.
func (c crdSchemas) admit(key string, js []byte) ([]byte, error) {
	s, ok := c[key]
	if !ok {
		return js, nil
	}
	// As the API server decodes: whole numbers become int64.
	var obj map[string]any
	if err := utiljson.Unmarshal(js, &obj); err != nil {
		return nil, err
	}
	// The API server's decoder drops nulls the schema does not allow
	// (customresource_handler.go), then defaults.
	structuraldefaulting.PruneNonNullableNullsWithoutDefaults(obj, s.structural)
	structuraldefaulting.Default(obj, s.structural)
	if errs := apiservervalidation.ValidateCustomResource(field.NewPath(""), obj, s.validator); len(errs) > 0 {
		return nil, fmt.Errorf("the API server would refuse it: %w", errs.ToAggregate())
	}
	return json.Marshal(obj)
}
