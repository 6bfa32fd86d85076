// Package crdbundle builds and reads the compact, embedded form of the
// prometheus-operator CRD schemas that package kube validates against.
//
// The CRD YAML files are read from the operator's Go module in the module
// cache, never copied by hand, so the embedded bundle can be regenerated and
// compared byte for byte (see kube's drift test).
package crdbundle

import (
	"bytes"
	"compress/gzip"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"

	apiextensionsv1 "k8s.io/apiextensions-apiserver/pkg/apis/apiextensions/v1"
	"sigs.k8s.io/yaml"
)

// Module is the Go module whose example/ directory ships the CRD YAML.
const Module = "github.com/prometheus-operator/prometheus-operator"

// OperatorVersion is the one place the operator release is recorded.
//
// It is v0.94.1, not the v0.95.1 of the Go API types in go.mod, because the
// module proxy refuses github.com/prometheus-operator/prometheus-operator at
// v0.95.x (403 "not available"); v0.94.1 is the newest release it serves.
// Bump it together with a `go generate` in package kube.
const OperatorVersion = "v0.94.1"

// CRDDir is the directory inside Module holding one CRD per file.
const CRDDir = "example/prometheus-operator-crd"

// Bundle is the embedded document.
type Bundle struct {
	Module  string `json:"module"`
	Version string `json:"version"`
	// Sum is the module's go.sum hash: records exactly which files the
	// schemas came from.
	Sum  string  `json:"sum"`
	CRDs []Entry `json:"crds"`
}

// Entry is one served group/version/kind.
type Entry struct {
	Group      string `json:"group"`
	Version    string `json:"version"`
	Kind       string `json:"kind"`
	Plural     string `json:"plural"`
	Namespaced bool   `json:"namespaced"`
	// Schema is the version's openAPIV3Schema (an apiextensions/v1
	// JSONSchemaProps) without descriptions, which validation never reads
	// and which make up most of the bytes. It stays raw until a kind is
	// first used: decoding all of them costs over 100ms.
	Schema json.RawMessage `json:"openAPIV3Schema"`
}

// ModuleInfo is the part of `go mod download -json` output we use.
type ModuleInfo struct {
	Path    string
	Version string
	Dir     string
	Sum     string
	Error   string
}

// Download makes sure Module@OperatorVersion is in the module cache and
// returns where. It runs outside any module (dir should be an empty
// temporary directory) so that it never touches go.mod or go.sum.
func Download(ctx context.Context, dir string) (ModuleInfo, error) {
	var info ModuleInfo
	cmd := exec.CommandContext(ctx, "go", "mod", "download", "-json", Module+"@"+OperatorVersion)
	cmd.Dir = dir
	// GOFLAGS=-mod=... from the caller's environment would make a
	// module-less `go mod download` fail.
	cmd.Env = append(os.Environ(), "GOFLAGS=", "GO111MODULE=on")
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	// The JSON carries the useful error even when the exit status is 1.
	if jerr := json.Unmarshal(out, &info); jerr != nil {
		if err != nil {
			return info, fmt.Errorf("go mod download %s@%s: %w: %s", Module, OperatorVersion, err, strings.TrimSpace(stderr.String()))
		}
		return info, fmt.Errorf("go mod download %s@%s: decoding output: %w", Module, OperatorVersion, jerr)
	}
	if info.Error != "" {
		return info, fmt.Errorf("go mod download %s@%s: %s", Module, OperatorVersion, info.Error)
	}
	if err != nil {
		return info, fmt.Errorf("go mod download %s@%s: %w: %s", Module, OperatorVersion, err, strings.TrimSpace(stderr.String()))
	}
	if info.Dir == "" {
		return info, fmt.Errorf("go mod download %s@%s: no directory in output", Module, OperatorVersion)
	}
	return info, nil
}

// Build reads every CRD in the module directory and returns the bundle.
func Build(info ModuleInfo) (*Bundle, error) {
	crdDir := filepath.Join(info.Dir, filepath.FromSlash(CRDDir))
	files, err := filepath.Glob(filepath.Join(crdDir, "*.yaml"))
	if err != nil {
		return nil, fmt.Errorf("listing CRDs: %w", err)
	}
	if len(files) == 0 {
		return nil, fmt.Errorf("no CRD files in %s", crdDir)
	}
	sort.Strings(files)
	b := &Bundle{Module: info.Path, Version: info.Version, Sum: info.Sum}
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			return nil, fmt.Errorf("reading CRD: %w", err)
		}
		entries, err := Entries(filepath.Base(f), data)
		if err != nil {
			return nil, err
		}
		b.CRDs = append(b.CRDs, entries...)
	}
	sort.Slice(b.CRDs, func(i, j int) bool {
		a, c := b.CRDs[i], b.CRDs[j]
		if a.Group != c.Group {
			return a.Group < c.Group
		}
		if a.Kind != c.Kind {
			return a.Kind < c.Kind
		}
		return a.Version < c.Version
	})
	return b, nil
}

// Entries reads one CRD (YAML, named name in errors) and returns an entry per
// served version, its schema without descriptions.
func Entries(name string, data []byte) ([]Entry, error) {
	var crd apiextensionsv1.CustomResourceDefinition
	// Strict, so a CRD format change upstream fails loudly instead of
	// silently dropping something validation needs.
	if err := yaml.UnmarshalStrict(data, &crd); err != nil {
		return nil, fmt.Errorf("parsing %s: %w", name, err)
	}
	if crd.Kind != "CustomResourceDefinition" {
		return nil, fmt.Errorf("%s: kind %q is not CustomResourceDefinition", name, crd.Kind)
	}
	var out []Entry
	for _, v := range crd.Spec.Versions {
		if !v.Served {
			continue // the API server rejects objects of unserved versions
		}
		if v.Schema == nil || v.Schema.OpenAPIV3Schema == nil {
			return nil, fmt.Errorf("%s: version %s has no openAPIV3Schema", name, v.Name)
		}
		s := v.Schema.OpenAPIV3Schema.DeepCopy()
		stripDescriptions(s)
		raw, err := json.Marshal(s)
		if err != nil {
			return nil, fmt.Errorf("%s: encoding schema: %w", name, err)
		}
		out = append(out, Entry{
			Group:      crd.Spec.Group,
			Version:    v.Name,
			Kind:       crd.Spec.Names.Kind,
			Plural:     crd.Spec.Names.Plural,
			Namespaced: crd.Spec.Scope == apiextensionsv1.NamespaceScoped,
			Schema:     raw,
		})
	}
	return out, nil
}

// stripDescriptions clears documentation recursively; validation ignores it.
func stripDescriptions(s *apiextensionsv1.JSONSchemaProps) {
	if s == nil {
		return
	}
	s.Description = ""
	if s.Items != nil {
		stripDescriptions(s.Items.Schema)
		for i := range s.Items.JSONSchemas {
			stripDescriptions(&s.Items.JSONSchemas[i])
		}
	}
	for _, l := range [][]apiextensionsv1.JSONSchemaProps{s.AllOf, s.OneOf, s.AnyOf} {
		for i := range l {
			stripDescriptions(&l[i])
		}
	}
	stripDescriptions(s.Not)
	for _, m := range []map[string]apiextensionsv1.JSONSchemaProps{s.Properties, s.PatternProperties, s.Definitions} {
		for k, p := range m {
			stripDescriptions(&p)
			m[k] = p
		}
	}
	if s.AdditionalProperties != nil {
		stripDescriptions(s.AdditionalProperties.Schema)
	}
	if s.AdditionalItems != nil {
		stripDescriptions(s.AdditionalItems.Schema)
	}
	for k, d := range s.Dependencies {
		stripDescriptions(d.Schema)
		s.Dependencies[k] = d
	}
}

// Encode returns the deterministic gzip-compressed JSON of b: map keys are
// sorted by encoding/json, and the gzip header carries no name and mtime 0.
func Encode(b *Bundle) ([]byte, error) {
	js, err := json.Marshal(b)
	if err != nil {
		return nil, fmt.Errorf("encoding bundle: %w", err)
	}
	var buf bytes.Buffer
	zw, err := gzip.NewWriterLevel(&buf, gzip.BestCompression)
	if err != nil {
		return nil, err
	}
	if _, err := zw.Write(js); err != nil {
		return nil, fmt.Errorf("compressing bundle: %w", err)
	}
	if err := zw.Close(); err != nil {
		return nil, fmt.Errorf("compressing bundle: %w", err)
	}
	return buf.Bytes(), nil
}

// Decode is the inverse of Encode.
func Decode(gz []byte) (*Bundle, error) {
	js, err := Decompress(gz)
	if err != nil {
		return nil, err
	}
	var b Bundle
	if err := json.Unmarshal(js, &b); err != nil {
		return nil, fmt.Errorf("decoding CRD bundle: %w", err)
	}
	if b.Version != OperatorVersion {
		return nil, fmt.Errorf("CRD bundle is for %s, want %s: run go generate in internal/verify/kube", b.Version, OperatorVersion)
	}
	return &b, nil
}

// Decompress returns the JSON inside gz.
func Decompress(gz []byte) ([]byte, error) {
	zr, err := gzip.NewReader(bytes.NewReader(gz))
	if err != nil {
		return nil, fmt.Errorf("reading CRD bundle: %w", err)
	}
	js, err := io.ReadAll(zr)
	if err != nil {
		return nil, fmt.Errorf("reading CRD bundle: %w", err)
	}
	if err := zr.Close(); err != nil {
		return nil, fmt.Errorf("reading CRD bundle: %w", err)
	}
	return js, nil
}

// Generate downloads the module (in a fresh temporary directory) and returns
// the encoded bundle.
func Generate(ctx context.Context) ([]byte, error) {
	tmp, err := os.MkdirTemp("", "crdbundle")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(tmp)
	info, err := Download(ctx, tmp)
	if err != nil {
		return nil, err
	}
	b, err := Build(info)
	if err != nil {
		return nil, err
	}
	if len(b.CRDs) == 0 {
		return nil, errors.New("no served CRD versions found")
	}
	return Encode(b)
}
