package kustomize

import (
	"encoding/json"
	"fmt"
	"path"

	"github.com/mongen-dev/mongen/internal/artifact"
)

// MaxObjectSize is the most a generated object may weigh as JSON: kubectl's
// client-side apply copies the object into its last-applied-configuration
// annotation, which the API server caps at 256 KiB (verify.MaxApplySize
// checks every object against it).
const MaxObjectSize = 262144

// RulesDataBudget is how many bytes of data one rules ConfigMap holds at
// most, counted as JSON with kubectl's escaping: the size limit less 16 KiB
// for the object's metadata (name, namespace, the selector labels) and
// margin.
const RulesDataBudget = MaxObjectSize - 16*1024

// RulesConfigMap is one ConfigMap of a plain Prometheus's rule files.
type RulesConfigMap struct {
	Name  string
	Files []string // paths in the tree, sorted
}

// RulesConfigMaps splits the rule files directly in dir into ConfigMaps
// named base, base-1, base-2, ... in path order, each holding as many
// files as fit RulesDataBudget. Mounted together (a projected volume) at
// the rules directory, they give Prometheus every file its rule_files
// glob loads. A single file over the budget is an error naming it and its
// CUE origin: a ConfigMap key cannot be split.
func RulesConfigMaps(t *artifact.Tree, dir, base string) ([]RulesConfigMap, error) {
	var out []RulesConfigMap
	var cur []string
	size := 0
	flush := func() {
		if len(cur) == 0 {
			return
		}
		name := base
		if len(out) > 0 {
			name = fmt.Sprintf("%s-%d", base, len(out))
		}
		out = append(out, RulesConfigMap{Name: name, Files: cur})
		cur, size = nil, 0
	}
	for _, p := range t.Paths() { // sorted
		if path.Dir(p) != dir {
			continue
		}
		f, _ := t.Get(p)
		n := dataEntrySize(path.Base(p), f.Data)
		if n > RulesDataBudget {
			where := ""
			if f.Origin != "" {
				where = f.Origin + ": "
			}
			return nil, fmt.Errorf("%s%s is %d bytes as ConfigMap data, over the %d bytes one rules ConfigMap may hold (%d as a whole): split the rule group into smaller groups", where, p, n, RulesDataBudget, MaxObjectSize)
		}
		if size+n > RulesDataBudget {
			flush()
		}
		cur = append(cur, p)
		size += n
	}
	flush()
	return out, nil
}

// dataEntrySize is what `"key":"value",` adds to a ConfigMap's JSON, with
// encoding/json's escaping (as kubectl's annotation has it; <, > and &
// become \u003c and so on, so this never undercounts).
func dataEntrySize(key string, value []byte) int {
	k, _ := json.Marshal(key)
	v, _ := json.Marshal(string(value))
	return len(k) + 1 + len(v) + 1
}
