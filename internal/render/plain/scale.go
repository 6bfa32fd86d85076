package plain

import (
	"maps"

	"github.com/mongen-dev/mongen/internal/model"
	"github.com/mongen-dev/mongen/internal/scale"
)

// externalLabels are the environment's, plus a per-replica label when the
// series meet other clusters' in a global view: replicas of one plain
// Prometheus would otherwise send identical series.
func externalLabels(env *model.Environment) map[string]string {
	if !env.MultiCluster() && env.Global == nil {
		return env.ExternalLabels
	}
	l := maps.Clone(env.ExternalLabels)
	if l == nil {
		l = map[string]string{}
	}
	if _, set := l[scale.ReplicaLabel]; !set && env.Prometheus.Replicas > 1 {
		l[scale.ReplicaLabel] = scale.ReplicaValue
	}
	return l
}
