package cli

import (
	"strings"
	"testing"
	"time"

	"github.com/mongen-dev/mongen/internal/verify/amcheck"
)

func TestParseAtResolve(t *testing.T) {
	sh, err := time.LoadLocation("Asia/Shanghai")
	if err != nil {
		t.Fatal(err)
	}
	// Saturday 2026-12-12 02:00 in Shanghai.
	now := time.Date(2026, 12, 12, 2, 0, 0, 0, sh)
	for in, want := range map[string]string{
		"Sat 03:00":                 "2026-12-12 03:00", // later today
		"saturday 01:59":            "2026-12-19 01:59", // passed today: next week
		"Sat 02:00":                 "2026-12-12 02:00", // now counts
		"mon 9:00":                  "2026-12-14 09:00",
		"Fri 23:59":                 "2026-12-18 23:59",
		"01:00":                     "2026-12-13 01:00",
		"04:00":                     "2026-12-12 04:00",
		"2027-01-01 00:00":          "2027-01-01 00:00",
		"2026-12-11T19:00:00Z":      "2026-12-12 03:00",
		"2026-12-12T03:00:00+08:00": "2026-12-12 03:00",
	} {
		m, err := parseAt(in)
		if err != nil {
			t.Errorf("parseAt(%q): %v", in, err)
			continue
		}
		if got := m.resolve(now, sh).In(sh).Format("2006-01-02 15:04"); got != want {
			t.Errorf("%q at %s: %s, want %s", in, now, got, want)
		}
	}
	for in, want := range map[string]string{
		"Sa 03:00":         `"Sa" is not a weekday`,
		"Sat 24:00":        "24:00 is not a time of day",
		"2026-13-01 03:00": `"2026-13-01" is not a date`,
		"tomorrow":         "not a time mongen reads",
		"":                 "not a time mongen reads",
	} {
		if _, err := parseAt(in); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("parseAt(%q) = %v, want %q", in, err, want)
		}
	}
}

// TestClock evaluates intervals with their location, across a daylight
// saving change, and finds the next minute a route notifies.
func TestClock(t *testing.T) {
	cfg, err := amcheck.Load([]byte(`route:
  receiver: r
receivers:
  - name: r
time_intervals:
  - name: office
    time_intervals:
      - weekdays: ['monday:friday']
        times: [{start_time: "09:00", end_time: "17:00"}]
        location: America/New_York
  - name: freeze
    time_intervals:
      - days_of_month: ['-1']
        months: ['december']
`))
	if err != nil {
		t.Fatal(err)
	}
	ny, _ := time.LoadLocation("America/New_York")
	c := newClock(cfg, ny)
	for _, tc := range []struct {
		at           time.Time
		active, mute []string
		on           bool
		why          string
	}{
		// 13:30 UTC is 09:30 in New York in summer (EDT), 08:30 in winter (EST).
		{time.Date(2026, 7, 6, 13, 30, 0, 0, time.UTC), []string{"office"}, nil, true, ""},
		{time.Date(2026, 12, 7, 13, 30, 0, 0, time.UTC), []string{"office"}, nil, false, "outside office"},
		{time.Date(2026, 12, 7, 14, 30, 0, 0, time.UTC), []string{"office"}, nil, true, ""},
		{time.Date(2026, 12, 31, 15, 0, 0, 0, time.UTC), []string{"office"}, []string{"freeze"}, false, "inside freeze"},
		{time.Date(2026, 12, 30, 15, 0, 0, 0, time.UTC), nil, []string{"freeze"}, true, ""},
	} {
		on, why, err := c.state(tc.active, tc.mute, tc.at)
		if err != nil || on != tc.on || why != tc.why {
			t.Errorf("state(%v, %v) at %s = %t %q %v, want %t %q", tc.active, tc.mute, tc.at, on, why, err, tc.on, tc.why)
		}
	}
	// Friday 17:00 New York time: next notified Monday 09:00.
	next, ok := c.next([]string{"office"}, nil, time.Date(2026, 12, 4, 17, 0, 0, 0, ny))
	if want := time.Date(2026, 12, 7, 9, 0, 0, 0, ny); !ok || !next.Equal(want) {
		t.Errorf("next = %s %t, want %s", next, ok, want)
	}
	if _, _, err := c.state([]string{"nope"}, nil, time.Now()); err == nil {
		t.Error("an unknown interval is not an error")
	}
}
