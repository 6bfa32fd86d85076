// Package scaffold writes a new monitoring repository (mongen init): the
// CUE module importing mongen's embedded schemas and library, one
// environment built from library exporters and the standard tier policy, a
// Makefile, GitHub workflows and Flux and Argo CD manifests. It also renders
// the deploy/ manifests on their own, which this repository's own deploy/
// is checked against.
package scaffold

import (
	"bytes"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strings"
	"text/template"

	"github.com/mongen-dev/mongen"

	"github.com/mongen-dev/mongen/internal/model"
	"github.com/mongen-dev/mongen/internal/platform"
)

//go:embed template
var templates embed.FS

// Options describe the repository to create.
type Options struct {
	// Module is the CUE module path, e.g. "example.com/monitoring@v0".
	Module string
	// Env is the first environment's name; Cluster its cluster name.
	Env, Cluster string
	// RepoURL and Branch are where Flux and Argo CD pull from.
	RepoURL, Branch string
	// Name names the GitRepository, the ApplicationSet and the
	// Kustomizations' prefix (default "monitoring").
	Name string
	// MongenVersion is what the Makefile and workflows install and CI
	// caches the binary by: a release tag or pseudo-version, never
	// "latest".
	MongenVersion string
	// Platform is the environment's platform profile (docs/platforms.md):
	// kube-prometheus-stack unless set.
	Platform string
}

// Deploy describes the deploy/ manifests of a repository.
type Deploy struct {
	Name, RepoURL, Branch string
	// Envs get one Flux Kustomization each, or one per cluster when
	// Clusters names the environment's clusters (out/<env>/<cluster>/).
	Envs     []string
	Clusters map[string][]string
}

var envName = regexp.MustCompile(`^[a-z][a-z0-9]*$`)

func (o *Options) defaults() error {
	if o.Env == "" {
		o.Env = "prod"
	}
	if !envName.MatchString(o.Env) {
		return fmt.Errorf("environment name %q: use lower-case letters and digits, starting with a letter (it is also the CUE package name)", o.Env)
	}
	if o.Cluster == "" {
		o.Cluster = o.Env
	}
	if o.Platform == "" {
		o.Platform = model.ProfileKubePrometheusStack
	}
	if !slices.Contains(platform.Profiles(), o.Platform) {
		return fmt.Errorf("platform %q: the known ones are %s", o.Platform, strings.Join(platform.Profiles(), ", "))
	}
	if o.Module == "" {
		o.Module = "example.com/monitoring@v0"
	}
	if !strings.Contains(o.Module, "@") {
		o.Module += "@v0"
	}
	if o.Branch == "" {
		o.Branch = "main"
	}
	if o.RepoURL == "" {
		o.RepoURL = "https://github.com/OWNER/monitoring.git"
	}
	if o.Name == "" {
		o.Name = "monitoring"
	}
	if o.MongenVersion == "" || o.MongenVersion == "latest" {
		// CI caches the binary by this version: latest would be
		// cached once and never upgraded.
		return errors.New("no mongen version to pin: the Makefile and workflows install and cache one release")
	}
	return nil
}

// data is what the templates see.
type data struct {
	Options
	CUEModuleVersion string
}

// Files renders the whole repository: slash paths to contents, sorted by
// Paths.
func Files(o Options) (map[string][]byte, error) {
	if err := o.defaults(); err != nil {
		return nil, err
	}
	out := map[string][]byte{}
	d := data{Options: o, CUEModuleVersion: mongen.CUEModuleVersion}
	err := fs.WalkDir(templates, "template", func(p string, de fs.DirEntry, err error) error {
		if err != nil || de.IsDir() {
			return err
		}
		rel := strings.TrimPrefix(p, "template/")
		if strings.HasPrefix(rel, "deploy/") {
			return nil // below, with the environments
		}
		b, err := render(p, d)
		if err != nil {
			return err
		}
		out[target(rel, o.Env)] = b
		return nil
	})
	if err != nil {
		return nil, err
	}
	dep, err := DeployFiles(Deploy{Name: o.Name, RepoURL: o.RepoURL, Branch: o.Branch, Envs: []string{o.Env}})
	if err != nil {
		return nil, err
	}
	for p, b := range dep {
		out[p] = b
	}
	return out, nil
}

// DeployFiles renders deploy/: the Flux GitRepository, one Flux
// Kustomization per environment and the Argo CD ApplicationSet.
func DeployFiles(d Deploy) (map[string][]byte, error) {
	out := map[string][]byte{}
	one := func(tmpl, name string, v any) error {
		b, err := render("template/"+tmpl, v)
		if err != nil {
			return err
		}
		out[name] = b
		return nil
	}
	if err := one("deploy/flux/gitrepository.yaml.tmpl", "deploy/flux/gitrepository.yaml", d); err != nil {
		return nil, err
	}
	envs := append([]string(nil), d.Envs...)
	sort.Strings(envs)
	type target struct {
		Deploy
		// Dir is the directory under out/, ID names the Kustomization,
		// Where says which cluster applies it.
		Dir, ID, Where string
	}
	for _, env := range envs {
		targets := []target{{d, env, env, "the cluster of environment " + env}}
		if clusters := d.Clusters[env]; len(clusters) > 0 {
			targets = nil
			for _, c := range slices.Sorted(slices.Values(clusters)) {
				targets = append(targets, target{d, env + "/" + c, env + "-" + c, "cluster " + c + " of environment " + env})
			}
		}
		for _, v := range targets {
			if err := one("deploy/flux/kustomization-ENV.yaml.tmpl", "deploy/flux/kustomization-"+v.ID+".yaml", v); err != nil {
				return nil, err
			}
		}
	}
	if err := one("deploy/argocd/applicationset.yaml.tmpl", "deploy/argocd/applicationset.yaml", d); err != nil {
		return nil, err
	}
	return out, nil
}

// render executes one template; [[ ]] delimit actions, since workflows,
// CUE and Argo CD templates use braces themselves.
func render(name string, v any) ([]byte, error) {
	src, err := templates.ReadFile(name)
	if err != nil {
		return nil, err
	}
	t, err := template.New(path.Base(name)).Delims("[[", "]]").Option("missingkey=error").Parse(string(src))
	if err != nil {
		return nil, fmt.Errorf("template %s: %w", name, err)
	}
	var b bytes.Buffer
	if err := t.Execute(&b, v); err != nil {
		return nil, fmt.Errorf("template %s: %w", name, err)
	}
	return b.Bytes(), nil
}

// target maps a template path to the file it writes: ENV is the
// environment's name, github/ and gitignore gain their dot.
func target(rel, env string) string {
	rel = strings.TrimSuffix(rel, ".tmpl")
	rel = strings.ReplaceAll(rel, "ENV", env)
	switch {
	case strings.HasPrefix(rel, "github/"):
		rel = "." + rel
	case rel == "gitignore":
		rel = ".gitignore"
	}
	return rel
}

// Paths lists files' paths, sorted.
func Paths(files map[string][]byte) []string {
	out := make([]string, 0, len(files))
	for p := range files {
		out = append(out, p)
	}
	sort.Strings(out)
	return out
}

// ErrExists is returned by Write when a file it would create exists.
var ErrExists = errors.New("already exists")

// Write creates the repository in dir (creating dir if needed). It refuses,
// writing nothing, if any of the files exists.
func Write(dir string, o Options) ([]string, error) {
	files, err := Files(o)
	if err != nil {
		return nil, err
	}
	paths := Paths(files)
	var clash []string
	for _, p := range paths {
		if _, err := os.Lstat(filepath.Join(dir, filepath.FromSlash(p))); err == nil {
			clash = append(clash, p)
		}
	}
	if len(clash) > 0 {
		return nil, fmt.Errorf("%s: %s %w; mongen init only creates new files", dir, strings.Join(clash, ", "), ErrExists)
	}
	for _, p := range paths {
		name := filepath.Join(dir, filepath.FromSlash(p))
		if err := os.MkdirAll(filepath.Dir(name), 0o755); err != nil {
			return nil, err
		}
		if err := os.WriteFile(name, files[p], 0o644); err != nil {
			return nil, err
		}
	}
	return paths, nil
}
