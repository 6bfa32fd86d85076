package read

import (
	"maps"
	"slices"
	"time"

	"github.com/prometheus/common/model"
)

func SameDuration(a, b string) bool {
	if a == b {
		return true
	}
	return DurationOf(a) == DurationOf(b)
}

func DurationOf(s string) time.Duration {
	if s == "" {
		return 0
	}
	d, err := model.ParseDuration(s)
	if err != nil {
		return -1
	}
	return time.Duration(d)
}

func sortedKeys[V any](m map[string]V) []string { return slices.Sorted(maps.Keys(m)) }
