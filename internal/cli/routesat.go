package cli

import (
	"fmt"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/prometheus/alertmanager/config"
	"github.com/prometheus/alertmanager/timeinterval"

	"github.com/mongen-dev/mongen/internal/model"
)

// moment is a parsed --at: an absolute time (RFC 3339), or a weekday and
// time of day (or a time of day alone) resolved in the environment's
// alerting.timeZone, or a date and time there.
type moment struct {
	abs     time.Time
	isAbs   bool
	weekday time.Weekday
	anyDay  bool
	date    string // "2006-01-02" when given
	hour    int
	minute  int
}

var (
	atWeekdayTime = regexp.MustCompile(`^(?i)([a-z]+)\s+(\d{1,2}):(\d{2})$`)
	atDateTime    = regexp.MustCompile(`^(\d{4}-\d{2}-\d{2})[ T](\d{1,2}):(\d{2})$`)
	atTime        = regexp.MustCompile(`^(\d{1,2}):(\d{2})$`)
)

// parseAt reads --at: "Sat 03:00", "saturday 3:00", "03:00", "2026-12-12
// 03:00" (the last three in alerting.timeZone) or RFC 3339.
func parseAt(s string) (moment, error) {
	s = strings.TrimSpace(s)
	bad := func(why string) error {
		return fmt.Errorf(`--at %q: %s; write a weekday and a time ("Sat 03:00"), a date and a time ("2026-12-12 03:00"), both in alerting.timeZone, or an RFC 3339 time ("2026-12-12T03:00:00+08:00")`, s, why)
	}
	if t, err := time.Parse(time.RFC3339, s); err == nil {
		return moment{abs: t, isAbs: true}, nil
	}
	var m moment
	var hh, mm string
	switch {
	case atWeekdayTime.MatchString(s):
		g := atWeekdayTime.FindStringSubmatch(s)
		wd, ok := parseWeekday(g[1])
		if !ok {
			return moment{}, bad(fmt.Sprintf("%q is not a weekday", g[1]))
		}
		m.weekday, hh, mm = wd, g[2], g[3]
	case atDateTime.MatchString(s):
		g := atDateTime.FindStringSubmatch(s)
		if _, err := time.Parse("2006-01-02", g[1]); err != nil {
			return moment{}, bad(fmt.Sprintf("%q is not a date", g[1]))
		}
		m.date, hh, mm = g[1], g[2], g[3]
	case atTime.MatchString(s):
		g := atTime.FindStringSubmatch(s)
		m.anyDay, hh, mm = true, g[1], g[2]
	default:
		return moment{}, bad("not a time mongen reads")
	}
	m.hour, _ = strconv.Atoi(hh)
	m.minute, _ = strconv.Atoi(mm)
	if m.hour > 23 || m.minute > 59 {
		return moment{}, bad(fmt.Sprintf("%s:%s is not a time of day", hh, mm))
	}
	return m, nil
}

func parseWeekday(s string) (time.Weekday, bool) {
	s = strings.ToLower(s)
	for d := time.Sunday; d <= time.Saturday; d++ {
		name := strings.ToLower(d.String())
		if s == name || (len(s) >= 3 && strings.HasPrefix(name, s)) {
			return d, true
		}
	}
	return 0, false
}

// resolve places the moment in loc: a weekday is the next one at or after
// now (its date is printed, for intervals that name days of the month).
func (m moment) resolve(now time.Time, loc *time.Location) time.Time {
	if m.isAbs {
		return m.abs
	}
	if m.date != "" {
		d, _ := time.ParseInLocation("2006-01-02", m.date, loc)
		return time.Date(d.Year(), d.Month(), d.Day(), m.hour, m.minute, 0, 0, loc)
	}
	n := now.In(loc).Truncate(time.Minute)
	for i := 0; i < 8; i++ {
		d := n.AddDate(0, 0, i)
		t := time.Date(d.Year(), d.Month(), d.Day(), m.hour, m.minute, 0, 0, loc)
		if t.Before(n) || (!m.anyDay && t.Weekday() != m.weekday) {
			continue
		}
		return t
	}
	return n // unreachable: one of eight days matches
}

// formatMoment is "Saturday 2026-12-12 03:00 Asia/Shanghai".
func formatMoment(t time.Time, loc *time.Location) string {
	t = t.In(loc)
	return fmt.Sprintf("%s %s %s", t.Weekday(), t.Format("2006-01-02 15:04"), loc)
}

// clock evaluates routes' time intervals with Alertmanager's own
// timeinterval package, as its notification pipeline does.
type clock struct {
	intervals *timeinterval.Intervener
	loc       *time.Location
}

func newClock(cfg *config.Config, loc *time.Location) *clock {
	m := map[string][]timeinterval.TimeInterval{}
	for _, ti := range cfg.MuteTimeIntervals {
		m[ti.Name] = ti.TimeIntervals
	}
	for _, ti := range cfg.TimeIntervals {
		m[ti.Name] = ti.TimeIntervals
	}
	return &clock{intervals: timeinterval.NewIntervener(m), loc: loc}
}

// state says whether a route with these intervals notifies at t, and why
// not: outside every active interval, or inside a mute interval.
func (c *clock) state(active, mute []string, t time.Time) (notifies bool, why string, err error) {
	if len(mute) > 0 {
		muted, in, err := c.intervals.Mutes(mute, t)
		if err != nil {
			return false, "", err
		}
		if muted {
			return false, "inside " + strings.Join(in, ", "), nil
		}
	}
	if len(active) > 0 {
		on, _, err := c.intervals.Mutes(active, t)
		if err != nil {
			return false, "", err
		}
		if !on {
			return false, "outside " + strings.Join(active, ", "), nil
		}
	}
	return true, "", nil
}

// next is the first minute after t at which the route notifies, within a
// year; ok is false when there is none.
func (c *clock) next(active, mute []string, t time.Time) (time.Time, bool) {
	t = t.Truncate(time.Minute)
	for i := 1; i <= 366*24*60; i++ {
		u := t.Add(time.Duration(i) * time.Minute)
		if on, _, err := c.state(active, mute, u); err == nil && on {
			return u, true
		}
	}
	return time.Time{}, false
}

// describeIntervals renders alerting.timeIntervals for the listing:
// "working-hours: monday:friday 09:00-18:00".
func describeIntervals(intervals map[string][]model.TimeInterval) []string {
	names := make([]string, 0, len(intervals))
	for n := range intervals {
		names = append(names, n)
	}
	sort.Strings(names)
	var out []string
	for _, n := range names {
		var alts []string
		for _, ti := range intervals[n] {
			var parts []string
			if len(ti.Weekdays) > 0 {
				parts = append(parts, strings.Join(ti.Weekdays, ","))
			}
			for _, r := range ti.Times {
				parts = append(parts, r.Start+"-"+r.End)
			}
			if len(ti.DaysOfMonth) > 0 {
				parts = append(parts, "days "+strings.Join(ti.DaysOfMonth, ","))
			}
			if len(ti.Months) > 0 {
				parts = append(parts, "months "+strings.Join(ti.Months, ","))
			}
			if len(ti.Years) > 0 {
				parts = append(parts, "years "+strings.Join(ti.Years, ","))
			}
			if len(parts) == 0 {
				parts = append(parts, "always")
			}
			alts = append(alts, strings.Join(parts, " "))
		}
		out = append(out, fmt.Sprintf("%s: %s", n, strings.Join(alts, " or ")))
	}
	return out
}
