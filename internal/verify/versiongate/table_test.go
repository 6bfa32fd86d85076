package versiongate

import (
	"fmt"
	"os"
	"strings"
	"testing"

	"github.com/rogpeppe/go-internal/diff"
	"github.com/rogpeppe/go-internal/txtar"

	"github.com/mongen-dev/mongen/internal/artifact"
	"github.com/mongen-dev/mongen/internal/golden"
	"github.com/mongen-dev/mongen/internal/model"
)

// samples reads testdata/features.txtar: one minimal rendered artifact per
// table entry, named <feature id>/<artifact path>.
func samples(t *testing.T) map[string][]artifact.File {
	t.Helper()
	data, err := os.ReadFile("testdata/features.txtar")
	if err != nil {
		t.Fatal(err)
	}
	out := map[string][]artifact.File{}
	for _, f := range txtar.Parse(data).Files {
		id, p, ok := strings.Cut(f.Name, "/")
		if !ok {
			t.Fatalf("sample %q: want <feature id>/<artifact path>", f.Name)
		}
		out[id] = append(out[id], artifact.File{Path: p, Data: f.Data, Origin: "environments/test/test.cue:1:1"})
	}
	return out
}

// below is a version just older than v: v0.31.0 gives v0.30.999.
func below(v Version) Version {
	switch {
	case v.Patch > 0:
		return Version{v.Major, v.Minor, v.Patch - 1}
	case v.Minor > 0:
		return Version{v.Major, v.Minor - 1, 999}
	}
	return Version{v.Major - 1, 999, 999}
}

func only(c Component, v string) model.Versions {
	var out model.Versions
	switch c {
	case Prometheus:
		out.Prometheus = v
	case Alertmanager:
		out.Alertmanager = v
	case Operator:
		out.Operator = v
	case Thanos:
		out.Thanos = v
	}
	return out
}

func TestTableIsWellFormed(t *testing.T) {
	ids := map[string]bool{}
	for _, f := range Table() {
		if ids[f.ID] {
			t.Errorf("%s listed twice", f.ID)
		}
		ids[f.ID] = true
		if !strings.HasPrefix(f.ID, string(f.Component)+".") {
			t.Errorf("%s: the ID does not start with its component %q", f.ID, f.Component)
		}
		if f.Field == "" || f.Source == "" {
			t.Errorf("%s: field and source are both needed", f.ID)
		}
		if f.Since == (Version{}) {
			t.Errorf("%s: no version", f.ID)
		}
		if f.Cite.Repo == "" || f.Cite.Heading == "" || len(f.Cite.PRs) == 0 || f.Cite.Line == "" {
			t.Errorf("%s: the citation needs a repository, a changelog heading, a PR and the line: %+v", f.ID, f.Cite)
		}
		for _, pr := range f.Cite.PRs {
			if !strings.HasPrefix(pr, "#") || !strings.Contains(f.Cite.Line, strings.TrimPrefix(pr, "#")) {
				t.Errorf("%s: PR %s is not named by the cited line %q", f.ID, pr, f.Cite.Line)
			}
		}
		if b, ok := Baseline(f.Component); !ok || f.Since.Less(b) {
			t.Errorf("%s: since %s is older than the %s baseline %s: such an entry can never refuse anything", f.ID, f.Since, f.Component, b)
		}
	}
	for _, c := range []Component{Prometheus, Alertmanager, Operator, Thanos} {
		if _, ok := Baseline(c); !ok {
			t.Errorf("no baseline for %s", c)
		}
	}
}

// TestEveryEntry proves each table entry on its own minimal artifact: the
// field is refused just below the version that first accepts it, with a
// message naming the field, both versions and what to do, and accepted
// from that version on.
func TestEveryEntry(t *testing.T) {
	all := samples(t)
	seen := map[string]bool{}
	for _, f := range Table() {
		seen[f.ID] = true
		t.Run(f.ID, func(t *testing.T) {
			files, ok := all[f.ID]
			if !ok {
				t.Fatalf("no sample in testdata/features.txtar")
			}
			old := below(f.Since).String()
			var got []Problem
			for _, p := range Check(only(f.Component, old), files, nil) {
				if p.Feature.ID == f.ID {
					got = append(got, p)
				}
			}
			if len(got) == 0 {
				t.Fatalf("%s at %s: not refused", f.Field, old)
			}
			for _, p := range got {
				msg := p.String()
				for _, want := range []string{"environments/test/test.cue:1:1: ", files[0].Path, p.Field, "needs " + f.Component.Title() + " " + f.Since.String() + " or later", "the platform runs " + old, f.Instead, f.Cite.Heading, f.Cite.PRs[0]} {
					if !strings.Contains(msg, want) {
						t.Errorf("message %q lacks %q", msg, want)
					}
				}
				if p.Field == "" || p.Deployed != old || p.Component != f.Component {
					t.Errorf("problem %+v", p)
				}
			}
			for _, v := range []string{f.Since.String(), strings.TrimPrefix(f.Since.String(), "v"), f.Since.String() + "-distroless", Version{f.Since.Major, f.Since.Minor + 1, 0}.String()} {
				for _, p := range Check(only(f.Component, v), files, nil) {
					if p.Feature.ID == f.ID {
						t.Errorf("at %s: refused: %s", v, p)
					}
				}
			}
		})
	}
	for id := range all {
		if !seen[id] {
			t.Errorf("testdata/features.txtar has a sample for %q, which the table does not list", id)
		}
	}
}

// TestSamplesPassAtTheirVersion: at the entry's own version, a sample uses
// nothing newer, so the real server of that version can load it.
func TestSamplesPassAtTheirVersion(t *testing.T) {
	all := samples(t)
	for _, f := range Table() {
		for _, p := range Check(only(f.Component, f.Since.String()), all[f.ID], nil) {
			if p.Feature.ID != "" {
				t.Errorf("%s at %s: the sample also uses %s (%s)", f.ID, f.Since, p.Feature.ID, p.Feature.Since)
			}
		}
	}
}

func TestBelow(t *testing.T) {
	for in, want := range map[string]string{"v0.31.0": "v0.30.999", "v0.28.1": "v0.28.0", "v3.0.0": "v2.999.999"} {
		v := mustParseVersion(in)
		if got := below(v).String(); got != want || !below(v).Less(v) {
			t.Errorf("below(%s) = %s, want %s", in, got, want)
		}
	}
}

// docTable renders the table as docs/versions.md shows it.
func docTable() string {
	var b strings.Builder
	comp := Component("")
	for _, f := range Table() {
		if f.Component != comp {
			comp = f.Component
			fmt.Fprintf(&b, "\n### %s\n\n| id | field | rendered for | first version | upstream |\n| --- | --- | --- | --- | --- |\n", f.Component.Title())
		}
		cite := fmt.Sprintf("%s CHANGELOG.md %s, %s: %s", f.Cite.Repo, f.Cite.Heading, strings.Join(f.Cite.PRs, " "), f.Cite.Line)
		if f.Cite.Note != "" {
			cite += " — " + f.Cite.Note
		}
		fmt.Fprintf(&b, "| `%s` | `%s` | %s | %s | %s |\n", f.ID, f.Field, f.Source, f.Since, strings.ReplaceAll(cite, "|", "\\|"))
	}
	b.WriteString("\n")
	return b.String()
}

const (
	docPath       = "../../../docs/versions.md"
	docTableStart = "<!-- generated from internal/verify/versiongate/table.go: UPDATE_GOLDEN=1 go test ./internal/verify/versiongate rewrites it -->\n"
	docTableEnd   = "<!-- end of the generated table -->\n"
)

// TestTableMatchesDocs keeps docs/versions.md's table the code's.
func TestTableMatchesDocs(t *testing.T) {
	data, err := os.ReadFile(docPath)
	if err != nil {
		t.Fatal(err)
	}
	doc := string(data)
	i, j := strings.Index(doc, docTableStart), strings.Index(doc, docTableEnd)
	if i < 0 || j < i {
		t.Fatalf("%s: no generated table between %q and %q", docPath, docTableStart, docTableEnd)
	}
	want := docTable()
	got := doc[i+len(docTableStart) : j]
	if got == want {
		return
	}
	if golden.Update() {
		if err := os.WriteFile(docPath, []byte(doc[:i+len(docTableStart)]+want+doc[j:]), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	t.Errorf("%s: the table differs from table.go (UPDATE_GOLDEN=1 rewrites it):\n%s", docPath, diff.Diff("docs", []byte(got), "table.go", []byte(want)))
}
