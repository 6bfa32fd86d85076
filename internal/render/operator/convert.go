package operator

import (
	"fmt"
	"math"
	"slices"
	"strings"

	monitoringv1 "github.com/prometheus-operator/prometheus-operator/pkg/apis/monitoring/v1"
	promodel "github.com/prometheus/common/model"
	"github.com/prometheus/prometheus/model/relabel"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/util/intstr"

	"github.com/mongen-dev/mongen/internal/model"
)

// secretKey selects one key of a Secret in the object's own namespace.
func secretKey(secret, key string) *corev1.SecretKeySelector {
	return &corev1.SecretKeySelector{LocalObjectReference: corev1.LocalObjectReference{Name: secret}, Key: key}
}

// safeTLS converts TLS settings: with a Secret, the CA, certificate and key
// come from its keys (each only when its key name is set). Nil when nothing
// differs from Prometheus's defaults.
func safeTLS(t *model.TLS) *monitoringv1.SafeTLSConfig {
	if t == nil {
		return nil
	}
	var c monitoringv1.SafeTLSConfig
	if t.Secret != "" {
		if t.CAKey != "" {
			c.CA.Secret = secretKey(t.Secret, t.CAKey)
		}
		if t.CertKey != "" {
			c.Cert.Secret = secretKey(t.Secret, t.CertKey)
		}
		if t.KeyKey != "" {
			c.KeySecret = secretKey(t.Secret, t.KeyKey)
		}
	}
	if t.ServerName != "" {
		c.ServerName = ptr(t.ServerName)
	}
	if t.InsecureSkipVerify {
		c.InsecureSkipVerify = ptr(true)
	}
	if c.CA == (monitoringv1.SecretOrConfigMap{}) && c.Cert == (monitoringv1.SecretOrConfigMap{}) &&
		c.KeySecret == nil && c.ServerName == nil && c.InsecureSkipVerify == nil {
		return nil
	}
	return &c
}

func basicAuth(b *model.BasicAuth) *monitoringv1.BasicAuth {
	if b == nil {
		return nil
	}
	return &monitoringv1.BasicAuth{
		Username: *secretKey(b.Username.Secret, b.Username.Key),
		Password: *secretKey(b.Password.Secret, b.Password.Key),
	}
}

func bearer(s *model.SecretRef) *monitoringv1.SafeAuthorization {
	if s == nil {
		return nil
	}
	return &monitoringv1.SafeAuthorization{Type: "Bearer", Credentials: secretKey(s.Secret, s.Key)}
}

// relabels converts relabelling steps, checking each with Prometheus's own
// relabel validation (the operator passes them through unchecked).
func (r *renderer) relabels(origin, what string, in []model.Relabel) []monitoringv1.RelabelConfig {
	if len(in) == 0 {
		return nil
	}
	out := make([]monitoringv1.RelabelConfig, 0, len(in))
	for i, m := range in {
		c, err := convertRelabel(m)
		if err != nil {
			r.fail(origin, "%s[%d]: %v", what, i, err)
			continue
		}
		out = append(out, c)
	}
	return out
}

func convertRelabel(m model.Relabel) (monitoringv1.RelabelConfig, error) {
	c := monitoringv1.RelabelConfig{
		Action:      m.Action,
		Separator:   m.Separator,
		TargetLabel: m.TargetLabel,
		Replacement: m.Replacement,
	}
	for _, l := range m.SourceLabels {
		c.SourceLabels = append(c.SourceLabels, monitoringv1.LabelName(l))
	}
	if m.Regex != nil {
		c.Regex = *m.Regex
		if c.Regex == "" {
			// The CRD field is a plain string with omitempty, so "" would
			// silently become the default (.*). Prometheus anchors
			// regexes: "^$" matches exactly what "" does.
			c.Regex = "^$"
		}
	}
	if m.Modulus > math.MaxInt64 {
		return c, fmt.Errorf("modulus %d too large", m.Modulus)
	}
	c.Modulus = int64(m.Modulus)

	// Prometheus's validation of the same step.
	p := relabel.DefaultRelabelConfig
	if m.Action != "" {
		p.Action = relabel.Action(strings.ToLower(m.Action))
	}
	if m.Separator != nil {
		p.Separator = *m.Separator
	}
	if m.Regex != nil {
		re, err := relabel.NewRegexp(*m.Regex)
		if err != nil {
			return c, fmt.Errorf("regex %q: %w", *m.Regex, err)
		}
		p.Regex = re
	}
	if m.Replacement != nil {
		p.Replacement = *m.Replacement
	}
	p.TargetLabel = m.TargetLabel
	p.Modulus = m.Modulus
	for _, l := range m.SourceLabels {
		p.SourceLabels = append(p.SourceLabels, promodel.LabelName(l))
	}
	switch p.Action {
	case relabel.Replace, relabel.Keep, relabel.Drop, relabel.HashMod, relabel.LabelMap, relabel.LabelDrop,
		relabel.LabelKeep, relabel.Lowercase, relabel.Uppercase, relabel.KeepEqual, relabel.DropEqual:
	default:
		return c, fmt.Errorf("unknown relabel action %q", m.Action)
	}
	if err := p.Validate(promodel.UTF8Validation); err != nil {
		return c, err
	}
	return c, nil
}

// scheme is nil for http, Prometheus's default.
func scheme(s string) *monitoringv1.Scheme {
	if s == "" || strings.EqualFold(s, "http") {
		return nil
	}
	v := monitoringv1.Scheme(s)
	return &v
}

// path is empty for /metrics, Prometheus's default.
func path(p string) string {
	if p == "/metrics" {
		return ""
	}
	return p
}

func params(p map[string][]string) map[string][]string {
	if len(p) == 0 {
		return nil
	}
	out := make(map[string][]string, len(p))
	for k, v := range p {
		out[k] = append([]string(nil), v...)
	}
	return out
}

func copyMap(m map[string]string) map[string]string {
	if len(m) == 0 {
		return nil
	}
	out := make(map[string]string, len(m))
	for k, v := range m {
		out[k] = v
	}
	return out
}

// sortedSet returns the strings sorted and without duplicates.
func sortedSet(in []string) []string { return slices.Compact(slices.Sorted(slices.Values(in))) }

func ptr[T any](v T) *T { return &v }

// optional is nil for the zero value.
func optional[T comparable](v T) *T {
	var zero T
	if v == zero {
		return nil
	}
	return &v
}

func int32Of(n int64) (int32, bool) {
	if n < math.MinInt32 || n > math.MaxInt32 {
		return 0, false
	}
	return int32(n), true
}

func intstrString(s string) intstr.IntOrString { return intstr.FromString(s) }
