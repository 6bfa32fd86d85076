package convert

import (
	"fmt"

	"github.com/mongen-dev/mongen/internal/importer/read"
	"github.com/mongen-dev/mongen/internal/model"
)

// convertTargets turns monitors and prometheus.yml scrape configs into the
// environment's targets, federation jobs and raw scrape configs.
func (imp *Import) convertTargets(in *read.Input) error {
	env := imp.Env
	res := &scrapeResult{targets: map[string]model.Target{}, federation: map[string]model.Federation{}, raw: map[string]string{}}
	imp.MonitorTargets = make([][]string, len(in.Monitors))
	for mi, m := range in.Monitors {
		if err := imp.convertMonitor(mi, m, res.targets); err != nil {
			return err
		}
	}
	for _, f := range in.Prometheus {
		d := f.Doc
		if g := read.Get(read.ResolveAlias(d.Root), "global"); g != nil {
			if v, _ := d.Scalar(read.Get(g, "scrape_interval"), "scrape_interval"); v != "" {
				env.Prometheus.ScrapeInterval = v
			}
			if v, _ := d.Scalar(read.Get(g, "evaluation_interval"), "evaluation_interval"); v != "" {
				env.Prometheus.EvaluationInterval = v
			}
		}
		if err := imp.convertScrapeConfigs(f, res); err != nil {
			return err
		}
	}
	for name := range res.raw {
		if _, dup := res.targets[name]; dup {
			return fmt.Errorf("job %s is both a monitor's target and a raw scrape config: rename one", name)
		}
	}
	if len(res.targets) > 0 {
		env.Targets = res.targets
	}
	if len(res.federation) > 0 {
		env.Federation = res.federation
	}
	if len(res.raw) > 0 {
		env.RawScrapeConfigs = res.raw
	}
	if len(in.Alertmanager) > 1 {
		return fmt.Errorf("%s and %s: an environment has one Alertmanager configuration; import one alertmanager.yml", in.Alertmanager[0].Name, in.Alertmanager[1].Name)
	}
	for _, f := range in.Alertmanager {
		am, err := imp.convertAlertmanager(f)
		if err != nil {
			return err
		}
		env.Alerting = am.alerting
		imp.DisabledInhibits = am.disabledInhibits
	}
	return nil
}
