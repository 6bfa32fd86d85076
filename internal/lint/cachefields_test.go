package lint

import (
	"bytes"
	"reflect"
	"testing"

	"github.com/mongen-dev/mongen/internal/expand"
)

// TestRuleVerdictKeyCoversRuleFields: every field of a rule is either in
// the content a cached per-rule verdict is keyed by (writeContent), and
// then changing it changes the key, or listed here as one no per-rule
// check reads. A field added to expand.Rule or model.Rule fails this test
// until someone decides which it is: a check that starts reading a field
// left out of the key would be served a stale pass.
func TestRuleVerdictKeyCoversRuleFields(t *testing.T) {
	keyed := map[string]bool{"Kind": true, "Name": true, "Expr": true, "SLO": true, "Tier": true, "For": true, "Threshold": true, "Labels": true, "Annotations": true}
	notRead := map[string]string{
		"KeepFiringFor":     "no per-rule check reads it",
		"Team":              "no per-rule check reads it (the tier policy routes by labels)",
		"Tests":             "rule tests run in ruletest, not lint",
		"Scope":             "no per-rule check reads it",
		"Order":             "no per-rule check reads it",
		"Enabled":           "disabled rules are not in the plan's groups",
		"Key":               "keys the template and name-pair verdicts, which have keys of their own",
		"Origin":            "positions go into messages only, and only passes are cached",
		"ExprOrigin":        "positions go into messages only",
		"AnnotationOrigins": "positions go into messages only",
		"LabelOrigins":      "positions go into messages only",
		"TestOrigins":       "positions go into messages only",
	}
	base := func() *rule { return &rule{} }
	content := func(r *rule) []byte {
		var w KeyWriter
		r.writeContent(&w)
		return w.Bytes()
	}
	empty := content(base())
	var walk func(typ reflect.Type, path []int)
	walk = func(typ reflect.Type, path []int) {
		for i := range typ.NumField() {
			f := typ.Field(i)
			p := append(append([]int{}, path...), i)
			if f.Anonymous {
				walk(f.Type, p)
				continue
			}
			_, skip := notRead[f.Name]
			switch {
			case keyed[f.Name] && skip:
				t.Errorf("%s is both keyed and listed as not read", f.Name)
			case skip:
				continue
			case !keyed[f.Name]:
				t.Errorf("rule field %s is neither in the verdict key (writeContent) nor listed as read by no per-rule check", f.Name)
				continue
			}
			r := base()
			v := reflect.ValueOf(&r.Rule).Elem().FieldByIndex(p)
			switch v.Kind() {
			case reflect.String:
				v.SetString("x")
			case reflect.Pointer:
				v.Set(reflect.New(v.Type().Elem()))
				v.Elem().SetFloat(1)
			case reflect.Map:
				v.Set(reflect.ValueOf(map[string]string{"k": "v"}))
			default:
				t.Fatalf("%s: no test value for kind %s", f.Name, v.Kind())
			}
			if bytes.Equal(content(r), empty) {
				t.Errorf("changing %s does not change the verdict key", f.Name)
			}
		}
	}
	walk(reflect.TypeOf(expand.Rule{}), nil)
}
