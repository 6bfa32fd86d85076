package credgate

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"cuelang.org/go/cue/cuecontext"
	"cuelang.org/go/cue/parser"
	"cuelang.org/go/cue/token"
	"go.yaml.in/yaml/v3"
)

// A label named like a key (Sloth's routing_key) holding a team's name is
// no credential; the same label holding a key's shape is, as is a
// routing_key outside a labels map (a PagerDuty receiver), whatever its
// value. Each way the gate reads a document: written YAML and JSON, CUE
// syntax and evaluated CUE.
func TestKeyLabels(t *testing.T) {
	const pdKey = "0123456789abcdef0123456789abcdef" // a PagerDuty integration key's shape
	for _, tc := range []struct {
		name, yaml string
		found      bool
	}{
		{"routing label, team name", "groups:\n- rules:\n  - alert: A\n    labels:\n      routing_key: myteam\n", false},
		{"routing label, channel", "labels:\n  routing_key: '#alerts-myteam'\n  service_key: payments-oncall-primary\n", false},
		{"routing label, PagerDuty key", "groups:\n- rules:\n  - alert: A\n    labels:\n      routing_key: " + pdKey + "\n", true},
		{"routing label, UUID", "labels:\n  routing_key: 3f2a9c1e-7b4d-4e8a-9c0f-1a2b3c4d5e6f\n", true},
		{"routing label, token", "exp_labels:\n  integration_key: Ab12Cd34Ef56Gh78Ij90Kl\n", true},
		{"receiver routing key, a name", "receivers:\n- name: pd\n  pagerduty_configs:\n  - routing_key: myteam\n", true},
		{"password label, a word", "labels:\n  password: hunter\n", true},
		{"token label, a word", "labels:\n  api_token: teamname\n", true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			fs := File("x.yaml", []byte(tc.yaml))
			if got := len(fs) > 0; got != tc.found {
				t.Errorf("YAML: found %v (%v), want %v", got, fs, tc.found)
			}
			for _, f := range fs {
				if strings.Contains(f.String(), pdKey) {
					t.Errorf("finding quotes the key: %s", f)
				}
			}
			if got := yamlAsJSONHolds(t, tc.yaml); got != tc.found {
				t.Errorf("JSON: holds %v, want %v", got, tc.found)
			}
		})
	}
	for _, tc := range []struct {
		name, cue string
		found     bool
	}{
		{"team name", `alerting: page: labels: routing_key: "myteam"`, false},
		{"PagerDuty key", `alerting: page: labels: routing_key: "` + pdKey + `"`, true},
		{"receiver", `receivers: pd: pagerduty: routing_key: "myteam"`, true},
		{"interpolated label", `team: "myteam", labels: routing_key: "\(team)"`, true},
	} {
		t.Run("cue "+tc.name, func(t *testing.T) {
			f, err := parser.ParseFile("x.cue", tc.cue)
			if err != nil {
				t.Fatal(err)
			}
			pos := func(p token.Pos) string { return fmt.Sprintf("x.cue:%d:%d", p.Line(), p.Column()) }
			fs := Syntax(f, pos, nil)
			if got := len(fs) > 0; got != tc.found {
				t.Errorf("syntax: found %v (%v), want %v", got, fs, tc.found)
			}
			if tc.name == "interpolated label" {
				return // syntax judges the name: the value is evaluated below
			}
			v := cuecontext.New().BuildFile(f)
			if got := len(Value(v, nil, pos)) > 0; got != tc.found {
				t.Errorf("value: found %v, want %v", got, tc.found)
			}
		})
	}
}

func yamlAsJSONHolds(t *testing.T, y string) bool {
	t.Helper()
	var v any
	if err := yaml.Unmarshal([]byte(y), &v); err != nil {
		t.Fatal(err)
	}
	j, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	ok, err := Holds(j)
	if err != nil {
		t.Fatal(err)
	}
	return ok
}

func TestKeyShaped(t *testing.T) {
	for s, want := range map[string]bool{
		"myteam": false, "#alerts-myteam": false, "payments-oncall-primary": false, "team-2": false,
		"0123456789abcdef0123456789abcdef": true, "0123456789ABCDEF0123456789ABCDEF": true,
		"3f2a9c1e-7b4d-4e8a-9c0f-1a2b3c4d5e6f": true, "Ab12Cd34Ef56Gh78Ij90Kl": true,
		"abcdefabcdefabcdefabcdefabcdefab": true,  // 32 hex digits, letters only
		"sre-team-2024-q3-escalation":      false, // words with digits
	} {
		if got := KeyShaped(s); got != want {
			t.Errorf("KeyShaped(%q) = %v, want %v", s, got, want)
		}
	}
}
