package verify

import (
	"encoding/json"

	"sigs.k8s.io/yaml"

	"github.com/mongen-dev/mongen/internal/render/encode"
)

// manifestObject is what checkManifest reads of a manifest, as
// sigs.k8s.io/yaml.Unmarshal decodes it.
type manifestObject struct {
	Kind     string `json:"kind"`
	Metadata struct {
		Name   string            `json:"name"`
		Labels map[string]string `json:"labels"`
	} `json:"metadata"`
	Spec struct {
		Groups []any `json:"groups"`
	} `json:"spec"`
}

// readManifest is sigs.k8s.io/yaml.Unmarshal(data, &m), result and
// error, decoded from js where kube.ParseJSON gave it. Unmarshal converts
// data to JSON with yaml.v2 and decodes that with encoding/json; js is
// YAMLToJSONStrict(data), the same JSON (strict decoding only refuses
// more) but for one thing: Unmarshal turns a number or boolean into the
// string a field wants, where js's fails to decode. Then, and where there
// is no js, data is decoded again.
func readManifest(data, js []byte) (manifestObject, error) {
	if js != nil {
		var m manifestObject
		if json.Unmarshal(js, &m) == nil {
			return m, nil
		}
	}
	var m manifestObject
	err := yaml.Unmarshal(data, &m)
	return m, err
}

// ruleFileYAML is the rule file the operator makes of a PrometheusRule's
// groups (decoded as encoding/json does, numbers float64) as
// sigs.k8s.io/yaml.Marshal(map[string]any{"groups": groups}) prints it:
// rulefmt's errors give positions in these bytes. encode.SigsYAML prints
// them without Marshal's round trip through JSON and a YAML parse; what
// it cannot promise the same bytes for goes through Marshal.
func ruleFileYAML(groups []any) ([]byte, error) {
	if data, err := encode.SigsYAML(map[string]any{"groups": groups}, encode.RefuseInexact); err == nil {
		return data, nil
	}
	return yaml.Marshal(map[string]any{"groups": groups})
}
