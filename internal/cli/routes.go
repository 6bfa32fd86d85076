package cli

import (
	"errors"
	"fmt"
	"io"
	"regexp"
	"sort"
	"strings"
	"time"

	"github.com/prometheus/alertmanager/dispatch"
	amlabels "github.com/prometheus/alertmanager/pkg/labels"
	"github.com/prometheus/common/model"
	"github.com/spf13/cobra"

	"github.com/mongen-dev/mongen/internal/expand"
	"github.com/mongen-dev/mongen/internal/load"
	"github.com/mongen-dev/mongen/internal/pipeline"
	"github.com/mongen-dev/mongen/internal/render/alertmanager"
	"github.com/mongen-dev/mongen/internal/textdist"
	"github.com/mongen-dev/mongen/internal/verify/amcheck"
)

type routesFlags struct {
	at string
}

func newRoutesCmd(a *app) *cobra.Command {
	var f routesFlags
	cmd := &cobra.Command{
		Use:   "routes ENV [label=value ...] [--at TIME]",
		Short: "Print the alert routing tree, or which receivers a label set reaches and why; --at: who is notified at a moment",
		Long: `Without labels, prints the routing tree with each route's receiver, its
endpoints, group_by, group_wait, group_interval, repeat_interval and time
intervals, then alerting.timeZone and the time intervals. With
label=value arguments, prints the routes an alert with those labels
reaches, as Alertmanager matches it. A label value that no route matches,
so that the alert lands on the fallback receiver (severity=warnin), is an
error with the values the routes use.

--at TIME ("Sat 03:00", "03:00", "2026-12-12 03:00", in alerting.timeZone,
or RFC 3339) also says, for each route, whether it notifies at that moment
or is muted by its active or mute time intervals (evaluated with
Alertmanager's own timeinterval package), and when it next notifies.`,
		Args: func(_ *cobra.Command, args []string) error {
			if len(args) == 0 {
				return usageError{errors.New("name an environment: mongen routes env/prod [label=value ...]")}
			}
			return nil
		},
		RunE: func(_ *cobra.Command, args []string) error { return a.routes(args[0], args[1:], f) },
	}
	cmd.Flags().StringVar(&f.at, "at", "", `show who is notified at TIME: "Sat 03:00", "03:00", "2026-12-12 03:00" (alerting.timeZone) or RFC 3339`)
	return cmd
}

func (a *app) routes(envArg string, labelArgs []string, f routesFlags) error {
	labels := map[string]string{}
	for _, arg := range labelArgs {
		k, v, ok := strings.Cut(arg, "=")
		if !ok || k == "" {
			return usageError{fmt.Errorf("label %q: write label=value", arg)}
		}
		labels[k] = strings.Trim(v, `"`)
	}
	var at *moment
	if f.at != "" {
		m, err := parseAt(f.at)
		if err != nil {
			return usageError{err}
		}
		at = &m
	}
	root, err := load.FindRoot(a.cwd)
	if err != nil {
		return err
	}
	ref, err := load.Resolve(root, envArg)
	if err != nil {
		return usageError{err}
	}
	res, err := pipeline.Compile(root, ref, load.Options{})
	if err != nil {
		printError(a.stderr, ref.Name, err)
		return failure{ExitFailed}
	}
	// A multi-cluster environment routes per cluster: the alert's cluster
	// label picks one, else the first; a shared Alertmanager routes for all.
	cluster := res.Clusters[0]
	for _, c := range res.Clusters {
		if c.Name != "" && c.Name == labels["cluster"] {
			cluster = c
		}
	}
	for _, c := range res.Clusters {
		if !cluster.Plan.Env.RunsAlertmanager() && c.Plan.Env.RunsAlertmanager() {
			cluster = c
		}
	}
	plan := cluster.Plan.Alerting
	if plan == nil {
		fmt.Fprintf(a.stderr, "%s: the environment has no alerting section\n", ref.Name)
		return failure{ExitFailed}
	}
	file, ok := cluster.Tree.Get(alertmanager.ConfigPath)
	if !ok {
		return fmt.Errorf("%s: no %s was generated to route with", ref.Name, alertmanager.ConfigPath)
	}
	cfg, err := amcheck.Load(file.Data)
	if err != nil {
		return err
	}
	tz := plan.Policy.TimeZone
	if tz == "" {
		tz = "UTC"
	}
	loc, err := time.LoadLocation(tz)
	if err != nil {
		return fmt.Errorf("%s: alerting.timeZone %q: %w", ref.Name, tz, err)
	}
	v := routesView{w: a.stdout, clock: newClock(cfg, loc), loc: loc}
	if at != nil {
		t := at.resolve(time.Now(), loc)
		v.at = &t
	}
	endpoints := map[string][]string{}
	for _, r := range plan.Receivers {
		endpoints[r.Name] = r.Endpoints
	}
	if len(labels) == 0 {
		if v.at != nil {
			fmt.Fprintf(a.stdout, "at %s:\n", v.moment())
		}
		if err := v.printRoute(plan.Route, endpoints, "", "", true, ""); err != nil {
			return err
		}
		fmt.Fprintf(a.stdout, "time zone: %s (alerting.timeZone)\n", tz)
		if ds := describeIntervals(plan.Policy.TimeIntervals); len(ds) > 0 {
			fmt.Fprintln(a.stdout, "time intervals:")
			for _, d := range ds {
				fmt.Fprintf(a.stdout, "  %s\n", d)
			}
		}
		return nil
	}
	return v.printMatches(a.stderr, ref.Name, dispatch.NewRoute(cfg.Route, nil), labels, endpoints, tz)
}

// routesView prints routes, and with at their state at that moment.
type routesView struct {
	w     io.Writer
	clock *clock
	loc   *time.Location
	at    *time.Time
}

func (v routesView) moment() string { return formatMoment(*v.at, v.loc) }

// when says whether a route with these intervals notifies at the moment,
// and if not, until when it is muted.
func (v routesView) when(active, mute []string) (bool, string, error) {
	on, why, err := v.clock.state(active, mute, *v.at)
	if err != nil || on {
		return on, "", err
	}
	if next, ok := v.clock.next(active, mute, *v.at); ok {
		return false, fmt.Sprintf("muted: %s until %s", why, formatMoment(next, v.loc)), nil
	}
	return false, fmt.Sprintf("muted: %s for at least a year", why), nil
}

// printMatches prints the routes labels reach, and fails when a label
// value no route matches sends the alert to the fallback.
func (v routesView) printMatches(stderr io.Writer, env string, tree *dispatch.Route, labels map[string]string, endpoints map[string][]string, tz string) error {
	paths := map[*dispatch.Route][]string{}
	var walk func(r *dispatch.Route, path []string)
	walk = func(r *dispatch.Route, path []string) {
		path = append(append([]string(nil), path...), amcheck.MatchersString(r.Matchers))
		paths[r] = path
		for _, c := range r.Routes {
			walk(c, path)
		}
	}
	walk(tree, nil)
	ls := model.LabelSet{}
	for k, val := range labels {
		ls[model.LabelName(k)] = model.LabelValue(val)
	}
	matches := tree.Match(ls)
	var notified, muted []string
	for _, m := range matches {
		o := m.RouteOpts
		fmt.Fprintf(v.w, "%s → %s\n", o.Receiver, strings.Join(endpoints[o.Receiver], ", "))
		fmt.Fprintf(v.w, "  path:     %s\n", strings.Join(paths[m], " > "))
		groupBy := make([]string, 0, len(o.GroupBy))
		for l := range o.GroupBy {
			groupBy = append(groupBy, string(l))
		}
		sort.Strings(groupBy)
		if o.GroupByAll {
			groupBy = []string{"..."}
		}
		fmt.Fprintf(v.w, "  group_by: %s\n", strings.Join(groupBy, ", "))
		fmt.Fprintf(v.w, "  timing:   group_wait %s, group_interval %s, repeat_interval %s\n",
			model.Duration(o.GroupWait), model.Duration(o.GroupInterval), model.Duration(o.RepeatInterval))
		if len(o.ActiveTimeIntervals) > 0 {
			fmt.Fprintf(v.w, "  active:   %s (%s)\n", strings.Join(o.ActiveTimeIntervals, ", "), tz)
		}
		if len(o.MuteTimeIntervals) > 0 {
			fmt.Fprintf(v.w, "  mute:     %s (%s)\n", strings.Join(o.MuteTimeIntervals, ", "), tz)
		}
		if v.at != nil {
			on, why, err := v.when(o.ActiveTimeIntervals, o.MuteTimeIntervals)
			if err != nil {
				return err
			}
			if on {
				notified = append(notified, o.Receiver)
				fmt.Fprintln(v.w, "  --at:     notified")
			} else {
				muted = append(muted, o.Receiver)
				fmt.Fprintf(v.w, "  --at:     %s\n", why)
			}
		}
	}
	if v.at != nil {
		if len(notified) > 0 {
			fmt.Fprintf(v.w, "at %s: %s notified\n", v.moment(), strings.Join(notified, ", "))
		} else {
			fmt.Fprintf(v.w, "at %s: nobody is notified (%s muted)\n", v.moment(), strings.Join(muted, ", "))
		}
	}
	if len(matches) == 1 && matches[0] == tree {
		if problems := unmatchedValues(tree, labels); len(problems) > 0 {
			for _, p := range problems {
				// A label value given on the command line: no position.
				printError(stderr, env, errors.New(p))
			}
			return failure{ExitFailed}
		}
	}
	return nil
}

// unmatchedValues explains an alert that reached only the root: each
// label the routes match on whose value none of them matches, with the
// values they use and the nearest one.
func unmatchedValues(tree *dispatch.Route, labels map[string]string) []string {
	byName := map[string][]*amlabels.Matcher{}
	tree.Walk(func(r *dispatch.Route) {
		if r == tree {
			return
		}
		for _, m := range r.Matchers {
			byName[m.Name] = append(byName[m.Name], m)
		}
	})
	names := make([]string, 0, len(labels))
	for n := range labels {
		names = append(names, n)
	}
	sort.Strings(names)
	var out []string
	for _, name := range names {
		ms := byName[name]
		if len(ms) == 0 {
			continue
		}
		value := labels[name]
		matched := false
		set := map[string]bool{}
		for _, m := range ms {
			if m.Matches(value) {
				matched = true
			}
			for _, v := range literalValues(m) {
				set[v] = true
			}
		}
		if matched {
			continue
		}
		values := make([]string, 0, len(set))
		for v := range set {
			values = append(values, v)
		}
		sort.Strings(values)
		msg := fmt.Sprintf("%s=%q: no route matches this value, so the alert reaches only the root's fallback receiver", name, value)
		if len(values) > 0 {
			msg += fmt.Sprintf("; the routes match %s %s", name, quoteAll(values))
			if s := textdist.Closest(value, values, max(2, len(value)/3)); s != "" {
				msg += fmt.Sprintf(": did you mean %q?", s)
			}
		}
		out = append(out, msg)
	}
	return out
}

var literalAlternation = regexp.MustCompile(`^[\w.:/-]+(\|[\w.:/-]+)*$`)

// literalValues are the values a matcher accepts when it names them: the
// value of label="v", each of label=~"a|b".
func literalValues(m *amlabels.Matcher) []string {
	switch m.Type {
	case amlabels.MatchEqual:
		return []string{m.Value}
	case amlabels.MatchRegexp:
		if literalAlternation.MatchString(m.Value) {
			return strings.Split(m.Value, "|")
		}
	}
	return nil
}

// printRoute draws the routing tree with the endpoints of each receiver.
// A route without a receiver of its own sends to its parent's, as in
// Alertmanager.
func (v routesView) printRoute(r expand.Route, endpoints map[string][]string, indent, branch string, root bool, inherited string) error {
	if r.Receiver == "" {
		r.Receiver = inherited
	}
	var opts []string
	if len(r.GroupBy) > 0 {
		opts = append(opts, "group_by="+strings.Join(r.GroupBy, ","))
	}
	for _, o := range []struct{ k, v string }{{"group_wait", r.GroupWait}, {"group_interval", r.GroupInterval}, {"repeat_interval", r.RepeatInterval}} {
		if o.v != "" {
			opts = append(opts, o.k+"="+o.v)
		}
	}
	if len(r.ActiveTimeIntervals) > 0 {
		opts = append(opts, "active="+strings.Join(r.ActiveTimeIntervals, ","))
	}
	if len(r.MuteTimeIntervals) > 0 {
		opts = append(opts, "mute="+strings.Join(r.MuteTimeIntervals, ","))
	}
	if r.Continue {
		opts = append(opts, "continue")
	}
	eps := append([]string(nil), endpoints[r.Receiver]...)
	sort.Strings(eps)
	what := r.Describe()
	if root {
		what = "root"
	}
	fmt.Fprintf(v.w, "%s%s%s → %s (%s)", indent, branch, what, r.Receiver, strings.Join(eps, ", "))
	if len(opts) > 0 {
		fmt.Fprintf(v.w, "  [%s]", strings.Join(opts, " "))
	}
	if v.at != nil {
		on, why, err := v.when(r.ActiveTimeIntervals, r.MuteTimeIntervals)
		if err != nil {
			return err
		}
		if on {
			fmt.Fprint(v.w, "  notified")
		} else {
			fmt.Fprintf(v.w, "  %s", why)
		}
	}
	fmt.Fprintln(v.w)
	child := indent
	switch branch {
	case "├─ ":
		child += "│  "
	case "└─ ":
		child += "   "
	}
	for i, c := range r.Routes {
		b := "├─ "
		if i == len(r.Routes)-1 {
			b = "└─ "
		}
		if err := v.printRoute(c, endpoints, child, b, false, r.Receiver); err != nil {
			return err
		}
	}
	return nil
}
