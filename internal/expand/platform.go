package expand

import (
	"sort"

	"github.com/mongen-dev/mongen/internal/model"
)

// RuleOrigins maps the name of every alert and of every recorded series
// the plan defines, in any group, to the CUE position of its first rule:
// what a platform's own rules must not define again.
func (p *Plan) RuleOrigins() (alerts, records map[string]string) {
	alerts, records = map[string]string{}, map[string]string{}
	for _, g := range p.Groups {
		for _, r := range g.Rules {
			origin := r.Origin
			if origin == "" {
				origin = g.Origin
			}
			names := alerts
			if r.Kind == model.RuleRecord {
				names = records
			}
			if _, ok := names[r.Name]; !ok {
				names[r.Name] = origin
			}
		}
	}
	return alerts, records
}

// ServiceJobs are the jobs that scrape one platform Service.
type ServiceJobs struct {
	Jobs []string // sorted
	// External: a job brings its own endpoints (and Service) instead of
	// selecting the platform's.
	External bool
}

// PlatformServiceJobs groups the jobs of library exporters by the platform
// Service they scrape (model.Target.PlatformService).
func (p *Plan) PlatformServiceJobs() map[string]ServiceJobs {
	out := map[string]ServiceJobs{}
	for _, j := range p.Jobs {
		s := j.Target.PlatformService
		if s == "" {
			continue
		}
		sj := out[s]
		sj.Jobs = append(sj.Jobs, j.Name)
		sj.External = sj.External || len(j.Target.Endpoints) > 0
		out[s] = sj
	}
	for s, sj := range out {
		sort.Strings(sj.Jobs)
		out[s] = sj
	}
	return out
}
