package kube

import (
	"strings"
	"testing"
)

// PodDisruptionBudgets and NetworkPolicies (the hardened workloads') are
// decoded strictly and checked as the API server would refuse them.
func TestPolicyKinds(t *testing.T) {
	v, err := NewValidator()
	if err != nil {
		t.Fatal(err)
	}
	pdb := `apiVersion: policy/v1
kind: PodDisruptionBudget
metadata: {name: bridge, namespace: monitoring}
spec:
  maxUnavailable: 1
  selector: {matchLabels: {app.kubernetes.io/name: bridge}}
`
	np := `apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: bridge, namespace: monitoring}
spec:
  podSelector: {matchLabels: {app.kubernetes.io/name: bridge}}
  policyTypes: [Ingress]
  ingress:
  - from:
    - namespaceSelector: {matchLabels: {kubernetes.io/metadata.name: monitoring}}
      podSelector: {matchLabels: {app.kubernetes.io/name: alertmanager}}
    - ipBlock: {cidr: 203.0.113.0/24}
    ports:
    - {port: http, protocol: TCP}
`
	for name, doc := range map[string]string{"pdb": pdb, "networkpolicy": np} {
		if err := v.Validate([]byte(doc)); err != nil {
			t.Errorf("%s: %v", name, err)
		}
	}
	for name, c := range map[string]struct{ doc, want string }{
		"both budgets":     {strings.Replace(pdb, "  maxUnavailable: 1\n", "  maxUnavailable: 1\n  minAvailable: 1\n", 1), "exactly one of minAvailable and maxUnavailable"},
		"no selector":      {strings.Replace(pdb, "  selector: {matchLabels: {app.kubernetes.io/name: bridge}}\n", "", 1), "spec.selector"},
		"misspelt field":   {strings.Replace(pdb, "maxUnavailable", "maxUnavailabel", 1), "maxUnavailabel"},
		"bad policy type":  {strings.Replace(np, "[Ingress]", "[Inbound]", 1), "Inbound"},
		"bad CIDR":         {strings.Replace(np, "203.0.113.0/24", "203.0.113.0", 1), "cidr"},
		"bad protocol":     {strings.Replace(np, "protocol: TCP", "protocol: ICMP", 1), "ICMP"},
		"ipBlock and pods": {strings.Replace(np, "    - ipBlock: {cidr: 203.0.113.0/24}\n", "      ipBlock: {cidr: 203.0.113.0/24}\n", 1), "ipBlock cannot be combined"},
		"bad port name":    {strings.Replace(np, "port: http", "port: Not_A_Port", 1), "Not_A_Port"},
	} {
		err := v.Validate([]byte(c.doc))
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: got %v, want an error containing %q", name, err, c.want)
		}
	}
}
