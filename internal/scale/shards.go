package scale

import (
	"fmt"
	"slices"

	"github.com/prometheus/prometheus/promql/parser"

	"github.com/mongen-dev/mongen/internal/expand"
	"github.com/mongen-dev/mongen/internal/finding"
	"github.com/mongen-dev/mongen/internal/model"
)

// CheckShardAggregation is the finding for recording rules that aggregate
// across the shards of a sharded Prometheus.
const CheckShardAggregation = "scale/shard-aggregation"

// shardLabel is the label the targets are split by: hashmod of the target
// address, which becomes the instance label.
const shardLabel = "instance"

// ShardFindings flags recording rules that a sharded Prometheus evaluates
// on each shard's slice of the targets while they aggregate over targets:
// each shard records a partial result under the same series. A rule
// keeping the instance label, or evaluated globally, is exact.
func ShardFindings(p *expand.Plan) []finding.Finding {
	if p.Env.Prometheus.Shards <= 1 {
		return nil
	}
	var out []finding.Finding
	for _, g := range p.Groups {
		for _, r := range g.Rules {
			if r.Kind != model.RuleRecord || r.Scope == model.ScopeGlobal {
				continue
			}
			expr, err := promql.ParseExpr(r.Expr)
			if err != nil {
				continue
			}
			if agg := acrossShards(expr); agg != nil {
				out = append(out, finding.Finding{
					Check:    CheckShardAggregation,
					Severity: finding.Warning,
					Position: r.ExprOrigin,
					Subject:  "rule " + r.Name,
					Message:  fmt.Sprintf("%s drops the %s label across %d shards, so each shard records a partial result under the same series: keep %s, or mark the rule scope: \"global\"", agg.Op, shardLabel, p.Env.Prometheus.Shards, shardLabel),
				})
			}
		}
	}
	return out
}

// acrossShards is the first aggregation that drops the shard label.
func acrossShards(expr parser.Expr) *parser.AggregateExpr {
	var found *parser.AggregateExpr
	parser.Inspect(expr, func(n parser.Node, _ []parser.Node) error {
		agg, ok := n.(*parser.AggregateExpr)
		if !ok || found != nil {
			return nil
		}
		switch agg.Op {
		case parser.TOPK, parser.BOTTOMK, parser.LIMITK, parser.LIMIT_RATIO:
			return nil // selects series, keeps their labels
		}
		if agg.Without == slices.Contains(agg.Grouping, shardLabel) {
			found = agg
		}
		return nil
	})
	return found
}
