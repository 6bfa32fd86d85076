package load

import (
	"encoding/json"
	"testing"
)

func TestQuickDev(t *testing.T) {
	root, err := FindRoot(".")
	if err != nil {
		t.Fatal(err)
	}
	ref, err := Resolve(root, "env/dev")
	if err != nil {
		t.Fatal(err)
	}
	env, err := Environment(root, ref, Options{})
	if err != nil {
		t.Fatal(err)
	}
	b, _ := json.MarshalIndent(env, "", " ")
	t.Log(string(b))
	t.Log(env.Sources)
}
