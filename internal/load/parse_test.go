package load

import (
	"fmt"
	"io/fs"
	"maps"
	"os"
	"path/filepath"
	"reflect"
	"runtime"
	"slices"
	"strings"
	"testing"

	"cuelang.org/go/cue/ast"
	cueload "cuelang.org/go/cue/load"
	"cuelang.org/go/cue/parser"

	"github.com/mongen-dev/mongen/internal/benchenv"
)

// The loader gets from the ahead parser exactly the syntax it parses
// itself, and takes files the helper parsed.
func TestAheadParserGivesTheLoaderItsOwnSyntax(t *testing.T) {
	repo, synthetic := syntheticRepo(t)
	for _, c := range []struct{ root, env string }{{repo, "prod"}, {synthetic, benchenv.Name}} {
		t.Run(c.env, func(t *testing.T) {
			dir := filepath.Join(EnvironmentsDir, c.env)
			own := loadFiles(t, c.root, dir, nil)
			ahead := newAheadParser(filepath.Join(c.root, dir), nil)
			files := maps.Clone(ahead.files) // stop lets go of them
			got := loadFiles(t, c.root, dir, ahead)
			if len(got) != len(own) || len(got) == 0 {
				t.Fatalf("%d files with the ahead parser, %d without", len(got), len(own))
			}
			for i := range own {
				if g, w := syntaxShape(got[i]), syntaxShape(own[i]); g != w {
					t.Errorf("%s: the ahead parser's syntax differs from the loader's", own[i].Filename)
				}
			}
			helped := 0
			for _, f := range files {
				if !f.claimed.Load() {
					t.Errorf("%s: the loader never asked for it", f.name)
				}
				if f.file != nil && slices.Contains(got, f.file) {
					helped++
				}
			}
			if c.env == benchenv.Name && helped == 0 && aheadOnSecondCore() {
				t.Errorf("none of %d files was taken from the helper", len(files))
			}
			t.Logf("%d files, %d parsed ahead", len(files), helped)
		})
	}
}

// Every way a load reads its files (the disk; a cached rebuild's Overlay;
// a git revision's Source, as diff --base loads it) hands the loader files
// the helper parsed: a name the helper keys differently from the loader's
// would silently parse everything twice.
func TestEveryLoadPathTakesFilesParsedAhead(t *testing.T) {
	_, root := syntheticRepo(t)
	overlay := map[string][]byte{}
	err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		data, err := os.ReadFile(p)
		rel, _ := filepath.Rel(root, p)
		overlay[filepath.ToSlash(rel)] = data
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	ref := Ref{Name: benchenv.Name, Dir: EnvironmentsDir + "/" + benchenv.Name}
	for _, c := range []struct {
		path string
		opts Options
	}{
		{"disk", Options{}},
		{"overlay", Options{Overlay: overlay}},
		{"source", Options{Source: os.DirFS(root)}},
	} {
		t.Run(c.path, func(t *testing.T) {
			served := -1
			c.opts.parsedAhead = func(n int) { served = n }
			if _, err := Environments(root, ref, c.opts); err != nil {
				t.Fatal(err)
			}
			if served <= 0 && aheadOnSecondCore() {
				t.Errorf("the loader took %d files from the helper", served)
			}
			t.Logf("%d files parsed ahead", served)
		})
	}
}

// aheadOnSecondCore reports whether the helper can be expected to get
// ahead of the loader: only on a second core; on one, whether it parses
// any file first is the scheduler's choice.
func aheadOnSecondCore() bool { return runtime.GOMAXPROCS(0) >= 2 }

// syntheticRepo is this repository's root and a new one holding a small
// synthetic environment (benchenv.Name) of 40 rule files.
func syntheticRepo(t *testing.T) (repo, synthetic string) {
	t.Helper()
	repo, err := FindRoot(".")
	if err != nil {
		t.Fatal(err)
	}
	synthetic = t.TempDir()
	if err := benchenv.Write(synthetic, repo, benchenv.Spec{Services: 3, Rules: 400, Groups: 40, SLOs: 6, Dashboards: 2}); err != nil {
		t.Fatal(err)
	}
	return repo, synthetic
}

// A file asked for with other bytes or another configuration than the
// helper parsed it with is parsed again from what the loader gives, and
// so is a file asked for a second time.
func TestAheadParserParsesChangedFilesItself(t *testing.T) {
	dir := t.TempDir()
	name := filepath.Join(dir, "a.cue")
	ahead := newAheadParser(dir, map[string][]byte{name: []byte("package a\nx: 1\n")})
	header := parser.NewConfig(parser.ImportsOnly)
	whole := wholeFile(header)
	if _, err := ahead.parseFile(name, []byte("package a\nx: 1\n"), header); err != nil {
		t.Fatal(err)
	}
	ahead.helper.Wait() // the helper has parsed a.cue as it was
	if !ahead.files[name].claimed.Load() || ahead.files[name].file == nil {
		t.Fatal("the helper did not parse a.cue")
	}
	for _, c := range []struct {
		what string
		src  string
		cfg  parser.Config
		want string
	}{
		{"other bytes", "package a\ny: 2\n", whole, "y"},
		{"another configuration", "package a\nx: 1\n", parser.NewConfig(), "x"},
		{"the same", "package a\nx: 1\n", whole, "x"},
		{"the same again", "package a\nx: 1\n", whole, "x"},
	} {
		f, err := ahead.parseFile(name, []byte(c.src), c.cfg)
		if err != nil {
			t.Fatal(err)
		}
		served := f == ahead.files[name].file
		if served != (c.what == "the same") {
			t.Errorf("%s: served the helper's syntax = %v", c.what, served)
		}
		if got := fieldNames(f); got != c.want {
			t.Errorf("%s: fields %q, want %q", c.what, got, c.want)
		}
	}
}

// A file the helper finds broken gives the loader the parser's own error.
func TestAheadParserKeepsParseErrors(t *testing.T) {
	dir := t.TempDir()
	name := filepath.Join(dir, "a.cue")
	src := []byte("package a\nx: {\n")
	ahead := newAheadParser(dir, map[string][]byte{name: src})
	header := parser.NewConfig(parser.ImportsOnly)
	ahead.parseFile(name, src, header)
	ahead.helper.Wait()
	_, got := ahead.parseFile(name, src, wholeFile(header))
	_, want := parser.ParseFile(name, src, wholeFile(header))
	if got == nil || want == nil || got.Error() != want.Error() {
		t.Errorf("error %v, want the parser's %v", got, want)
	}
}

func loadFiles(t *testing.T, root, dir string, ahead *aheadParser) []*ast.File {
	t.Helper()
	cfg := &cueload.Config{Dir: root, ModuleRoot: root}
	if ahead != nil {
		cfg.ParseFile = ahead.parseFile
	}
	insts := cueload.Instances([]string{"./" + filepath.ToSlash(dir)}, cfg)
	if ahead != nil {
		ahead.stop()
	}
	if err := insts[0].Err; err != nil {
		t.Fatal(err)
	}
	return insts[0].Files
}

// syntaxShape lists every node of f with its type and position.
func syntaxShape(f *ast.File) string {
	var b strings.Builder
	ast.Walk(f, func(n ast.Node) bool {
		fmt.Fprintf(&b, "%s %s %v\n", reflect.TypeOf(n), n.Pos(), n.End())
		for _, c := range ast.Comments(n) {
			fmt.Fprintf(&b, "comment %s %s\n", c.Pos(), c.Text())
		}
		return true
	}, nil)
	return b.String()
}

func fieldNames(f *ast.File) string {
	var names []string
	for _, d := range f.Decls {
		if field, ok := d.(*ast.Field); ok {
			name, _, _ := ast.LabelName(field.Label)
			names = append(names, name)
		}
	}
	return strings.Join(names, ",")
}
