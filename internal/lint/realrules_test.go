package lint_test

import (
	"bufio"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/mongen-dev/mongen/internal/finding"
	"github.com/mongen-dev/mongen/internal/importer/read"
	"github.com/mongen-dev/mongen/internal/importer/vet"
)

// realRuleSets are the directories of testdata/realrules, each vetted in
// one run as `mongen vet FILE...` would (testdata/realrules/SOURCE says
// where each file comes from).
var realRuleSets = []string{"awesome-prometheus-alerts", "kube-prometheus", "kube-prometheus-stack"}

// verdict is one line of testdata/realrules/classification.txt: an
// error-level finding, by position, check and subject, judged by reading
// the rule.
type verdict struct {
	key  string // "file:line:col check subject"
	true bool
	note string
}

func readClassification(t *testing.T) map[string]verdict {
	t.Helper()
	f, err := os.Open(filepath.Join("testdata", "realrules", "classification.txt"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	out := map[string]verdict{}
	sc := bufio.NewScanner(f)
	n := 0
	for sc.Scan() {
		n++
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		// key | true/false | note
		parts := strings.SplitN(line, " | ", 3)
		if len(parts) != 3 || (parts[1] != "true" && parts[1] != "false") {
			t.Fatalf("classification.txt:%d: want `file:line:col check subject | true|false | why`, got %q", n, line)
		}
		if _, dup := out[parts[0]]; dup {
			t.Fatalf("classification.txt:%d: %s is classified twice", n, parts[0])
		}
		out[parts[0]] = verdict{key: parts[0], true: parts[1] == "true", note: parts[2]}
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

// vetRealRules runs `mongen vet FILE...` on each rule set and returns
// its error-level findings by key.
func vetRealRules(t *testing.T) (map[string]finding.Finding, int) {
	t.Helper()
	errs := map[string]finding.Finding{}
	rules := 0
	for _, set := range realRuleSets {
		files, err := filepath.Glob(filepath.Join("testdata", "realrules", set, "*.y*ml"))
		if err != nil || len(files) == 0 {
			t.Fatalf("rule set %s: no files (%v)", set, err)
		}
		sort.Strings(files)
		in := &read.Input{}
		for _, name := range files {
			data, err := os.ReadFile(name)
			if err != nil {
				t.Fatal(err)
			}
			if err := in.Read(filepath.ToSlash(name), data); err != nil {
				t.Fatalf("read %s: %v", name, err)
			}
		}
		for _, g := range in.Groups {
			rules += len(g.Rules)
		}
		res, err := vet.Run(in, vet.Options{})
		if err != nil {
			t.Fatalf("vet %s: %v", set, err)
		}
		for _, f := range res.Findings {
			if f.Severity != finding.Error {
				continue
			}
			key := fmt.Sprintf("%s %s %s", strings.TrimPrefix(f.Position, "testdata/realrules/"), f.Check, f.Subject)
			errs[key] = f
		}
	}
	return errs, rules
}

// TestRealRulesPrecision keeps docs/lint.md's precision claim true: every
// error-level finding of `mongen vet FILE` on the collected real rule
// sets is listed in testdata/realrules/classification.txt, as true or
// false after reading the rule, every listed finding still appears, and at
// least 95% of them are true.
func TestRealRulesPrecision(t *testing.T) {
	verdicts := readClassification(t)
	got, rules := vetRealRules(t)
	var unlisted, gone []string
	for key, f := range got {
		if _, ok := verdicts[key]; !ok {
			unlisted = append(unlisted, fmt.Sprintf("%s | ? | %s", key, f.Message))
		}
	}
	nTrue := 0
	for key, v := range verdicts {
		if _, ok := got[key]; !ok {
			gone = append(gone, key)
		}
		if v.true {
			nTrue++
		}
	}
	sort.Strings(unlisted)
	sort.Strings(gone)
	if len(unlisted) > 0 {
		t.Errorf("%d error-level findings are not classified: read each rule and add it to testdata/realrules/classification.txt (and docs/lint.md):\n%s", len(unlisted), strings.Join(unlisted, "\n"))
	}
	if len(gone) > 0 {
		t.Errorf("%d classified findings no longer appear: remove them from testdata/realrules/classification.txt and update docs/lint.md:\n%s", len(gone), strings.Join(gone, "\n"))
	}
	if len(verdicts) > 0 && float64(nTrue) < 0.95*float64(len(verdicts)) {
		t.Errorf("precision %d/%d (%.1f%%) is under the 95%% docs/lint.md promises", nTrue, len(verdicts), 100*float64(nTrue)/float64(len(verdicts)))
	}
	t.Logf("%d rules, %d error-level findings, %d true (%.1f%%)", rules, len(verdicts), nTrue, 100*float64(nTrue)/float64(max(1, len(verdicts))))
}
