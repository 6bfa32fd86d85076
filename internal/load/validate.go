package load

import (
	"errors"
	"fmt"
	"net"
	"net/url"
	"regexp"
	"regexp/syntax"
	"sort"
	"strconv"
	"strings"
	"time"
	// The IANA database inside the binary: a timeZone is checked the same
	// on every machine, whatever tzdata it has installed.
	_ "time/tzdata"
	"unicode"

	"cuelang.org/go/cue"
	"github.com/prometheus/common/model"

	"github.com/mongen-dev/mongen/internal/diag"
	mmodel "github.com/mongen-dev/mongen/internal/model"
	"github.com/mongen-dev/mongen/internal/verify/promcheck"
)

// validate checks what the schema cannot say about a decoded environment,
// each problem at the CUE position of the value that causes it: addresses,
// hosts and URLs as the programs that read them parse them, the time zone,
// scrape timeouts against their intervals, relabel regexes, raw scrape
// configs (with Prometheus's own loader), rule names, and fields the
// chosen flavour would silently drop. Everything it finds would otherwise
// be written as it is, or fail later against a generated file.
//
// written maps the label path of every field the environment's own files
// write to its position (syntaxPositions).
func validate(root string, env *mmodel.Environment, envV cue.Value, written map[string]string) diag.List {
	v := &validator{root: root, envV: envV}
	v.prometheus(env)
	v.ignoredFields(env, written)
	for _, name := range sortedKeys(env.Targets) {
		v.target(env, env.Targets[name], "targets", name)
	}
	for _, e := range sortedKeys(env.Exporters) {
		for _, name := range sortedKeys(env.Exporters[e].Targets) {
			v.target(env, env.Exporters[e].Targets[name], "exporters", e, "targets", name)
		}
	}
	for _, name := range sortedKeys(env.Federation) {
		f := env.Federation[name]
		for i, a := range f.Addresses {
			v.hostPort(a, sel("federation", name, "addresses", i))
		}
		v.timeout(f.Timeout, orDefault(f.Interval, env.Prometheus.ScrapeInterval), sel("federation", name))
	}
	for i, rw := range env.RemoteWrite {
		v.url(rw.URL, sel("remoteWrite", i, "url"))
		v.relabel(rw.WriteRelabel, sel("remoteWrite", i, "writeRelabel"))
	}
	for _, name := range sortedKeys(env.RawScrapeConfigs) {
		if err := promcheck.ScrapeConfig(name, env.RawScrapeConfigs[name]); err != nil {
			v.add(sel("rawScrapeConfigs", name), "rawScrapeConfigs.%s: Prometheus refuses this scrape config: %v", name, err)
		}
	}
	for _, g := range sortedKeys(env.Rules) {
		for _, key := range sortedKeys(env.Rules[g]) {
			if strings.TrimSpace(env.Rules[g][key].Name) == "" {
				v.add(sel("rules", g, key), "rules.%s: a rule with an empty name: the key a rule is stored under is its alert or record name; name it (or set name:)", g)
			}
		}
	}
	if a := env.Alerting; a != nil {
		if _, err := time.LoadLocation(a.TimeZone); err != nil || a.TimeZone == "" || a.TimeZone == "Local" {
			v.add(sel("alerting", "timeZone"), "alerting.timeZone: %q is not a time zone Alertmanager can load: write an IANA name such as \"UTC\", \"Europe/Berlin\" or \"Asia/Shanghai\"", a.TimeZone)
		}
		v.hostPort(a.Alertmanager.Address, sel("alerting", "alertmanager", "address"))
		v.url(a.Alertmanager.ExternalURL, sel("alerting", "alertmanager", "externalURL"))
		for _, name := range sortedKeys(a.Receivers) {
			for i, in := range a.Receivers[name].Integrations() {
				path := sel("alerting", "receivers", name, "url")
				if i > 0 {
					path = sel("alerting", "receivers", name, "more", i-1, "url")
				}
				v.url(in.URL, path)
				if in.Smarthost != "" {
					v.hostPort(in.Smarthost, sel("alerting", "receivers", name, "smarthost"))
				}
			}
		}
	}
	v.problems.Sort()
	return v.problems
}

type validator struct {
	root     string
	envV     cue.Value
	problems diag.List
}

// sel builds a CUE path from field names and list indexes.
func sel(parts ...any) cue.Path {
	sels := make([]cue.Selector, len(parts))
	for i, p := range parts {
		switch x := p.(type) {
		case int:
			sels[i] = cue.Index(x)
		case string:
			sels[i] = cue.Str(x)
		}
	}
	return cue.MakePath(sels...)
}

// add records one problem at the position of path, or of the closest
// enclosing value that has one.
func (v *validator) add(path cue.Path, format string, args ...any) {
	pos := ""
	sels := path.Selectors()
	for n := len(sels); n > 0 && pos == ""; n-- {
		if x := v.envV.LookupPath(cue.MakePath(sels[:n]...)); x.Exists() {
			pos = bestPosition(v.root, x)
		}
	}
	if pos == "" {
		pos = bestPosition(v.root, v.envV)
	}
	v.problems.Add(diag.Origin(pos), format, args...)
}

func (v *validator) prometheus(env *mmodel.Environment) {
	p := env.Prometheus
	v.url(p.ExternalURL, sel("prometheus", "externalURL"))
	if p.ScrapeTimeout != "" {
		v.timeoutAt(p.ScrapeTimeout, p.ScrapeInterval, sel("prometheus", "scrapeTimeout"), "prometheus.scrapeTimeout", "prometheus.scrapeInterval")
	}
}

func (v *validator) target(env *mmodel.Environment, t mmodel.Target, parts ...any) {
	name := strings.Join(strParts(parts), ".")
	for i, a := range t.Addresses {
		v.hostPort(a, sel(append(parts, "addresses", i)...))
	}
	if t.Kind == mmodel.KindProbe && t.Prober != "" {
		v.hostPort(t.Prober, sel(append(parts, "prober")...))
	}
	for i, s := range t.Static {
		if bad := badChar(s); bad != "" {
			v.add(sel(append(parts, "static", i)...), "%s.static[%d]: a probe target holds %s: write one URL or host per entry", name, i, bad)
		}
	}
	v.timeout(t.Timeout, orDefault(t.Interval, env.Prometheus.ScrapeInterval), sel(parts...))
	v.relabel(t.Relabel, sel(append(parts, "relabel")...))
	v.relabel(t.MetricRelabel, sel(append(parts, "metricRelabel")...))
}

func strParts(parts []any) []string {
	out := make([]string, len(parts))
	for i, p := range parts {
		out[i] = fmt.Sprint(p)
	}
	return out
}

// timeout checks a scrape job's timeout against its interval, as
// Prometheus does when it loads the configuration.
func (v *validator) timeout(timeout, interval string, job cue.Path) {
	if timeout == "" {
		return
	}
	sels := job.Selectors()
	name := make([]string, len(sels))
	for i, s := range sels {
		name[i] = s.String()
	}
	field := strings.Join(name, ".")
	v.timeoutAt(timeout, interval, cue.MakePath(append(sels, cue.Str("timeout"))...), field+".timeout", "its interval")
}

func (v *validator) timeoutAt(timeout, interval string, path cue.Path, field, intervalName string) {
	t, err1 := model.ParseDuration(timeout)
	i, err2 := model.ParseDuration(interval)
	if err1 != nil || err2 != nil || t <= i {
		return
	}
	v.add(path, "%s: %s is longer than %s (%s): Prometheus refuses a scrape timeout over the interval; shorten the timeout or lengthen the interval", field, timeout, intervalName, interval)
}

// relabel compiles every regex as Prometheus does (anchored, RE2).
func (v *validator) relabel(steps []mmodel.Relabel, path cue.Path) {
	for i, r := range steps {
		if r.Regex == nil {
			continue
		}
		_, err := regexp.Compile(*r.Regex)
		if err == nil {
			_, err = regexp.Compile("^(?s:" + *r.Regex + ")$")
		}
		if err != nil {
			msg := err.Error()
			var re *syntax.Error
			if errors.As(err, &re) {
				msg = string(re.Code)
				if re.Expr != "" && re.Expr != *r.Regex {
					msg += " at " + strconv.Quote(re.Expr)
				}
			}
			p := cue.MakePath(append(path.Selectors(), cue.Index(i), cue.Str("regex"))...)
			v.add(p, "%s: the regex %q does not compile: %s (Prometheus reads Go's RE2 syntax, anchored at both ends)", pathString(p), *r.Regex, msg)
		}
	}
}

// hostPort checks an address Prometheus or Alertmanager dials: a host
// (name or IP) with an optional numeric port, nothing else. Addresses with
// user information are left to the credential gate, which never quotes
// them.
func (v *validator) hostPort(addr string, path cue.Path) {
	if addr == "" || strings.Contains(addr, "@") {
		return
	}
	field := pathString(path)
	if bad := badChar(addr); bad != "" {
		v.add(path, "%s: the address holds %s: write one host:port, such as \"app.example.com:9100\"", field, bad)
		return
	}
	if err := checkHostPort(addr); err != "" {
		v.add(path, "%s: %q is not a host:port address (%s): write it as host:port, such as \"app.example.com:9100\" or \"[2001:db8::1]:9100\"", field, addr, err)
	}
}

// checkHostPort returns why addr is not host[:port], or "".
func checkHostPort(addr string) string {
	if strings.Contains(addr, "://") {
		return "it is a URL; the scheme goes in the scheme field"
	}
	host, port := addr, ""
	if strings.Contains(addr, ":") {
		h, p, err := net.SplitHostPort(addr)
		if err != nil {
			if ae, ok := err.(*net.AddrError); ok {
				return ae.Err
			}
			return err.Error()
		}
		host, port = h, p
	}
	if port != "" {
		n, err := strconv.Atoi(port)
		if err != nil || n < 1 || n > 65535 {
			return "the port is not a number from 1 to 65535"
		}
	}
	if host == "" {
		return "no host"
	}
	if net.ParseIP(host) != nil {
		return ""
	}
	if !hostName.MatchString(host) {
		return "the host is neither a DNS name nor an IP address"
	}
	return ""
}

var hostName = regexp.MustCompile(`^[A-Za-z0-9_]([-A-Za-z0-9_]*[A-Za-z0-9_])?(\.[A-Za-z0-9_]([-A-Za-z0-9_]*[A-Za-z0-9_])?)*\.?$`)

// url checks an http(s) URL a server is given.
func (v *validator) url(s string, path cue.Path) {
	if s == "" || strings.Contains(s, "@") {
		return
	}
	field := pathString(path)
	if bad := badChar(s); bad != "" {
		v.add(path, "%s: the URL holds %s: write one URL such as \"https://example.com/path\"", field, bad)
		return
	}
	u, err := url.Parse(s)
	switch {
	case err != nil:
		msg := err.Error()
		if ue, ok := err.(*url.Error); ok {
			msg = ue.Err.Error()
		}
		v.add(path, "%s: %q is not a URL (%s)", field, s, msg)
	case u.Scheme != "http" && u.Scheme != "https":
		v.add(path, "%s: %q is not an http or https URL", field, s)
	case u.Host == "":
		v.add(path, "%s: %q names no host: write it as https://host[:port]/path", field, s)
	default:
		if why := checkHostPort(u.Host); why != "" {
			v.add(path, "%s: %q has an invalid host (%s)", field, s, why)
		}
	}
}

// badChar names the first whitespace or control character in s, or "".
func badChar(s string) string {
	for _, r := range s {
		switch {
		case r == '\n':
			return "a line break"
		case r == '\t':
			return "a tab"
		case unicode.IsSpace(r):
			return "a space"
		case unicode.IsControl(r):
			return fmt.Sprintf("the control character %U", r)
		}
	}
	return ""
}

func pathString(p cue.Path) string {
	var b strings.Builder
	for i, s := range p.Selectors() {
		if s.Type() == cue.IndexLabel {
			fmt.Fprintf(&b, "[%s]", s.String())
			continue
		}
		if i > 0 {
			b.WriteByte('.')
		}
		b.WriteString(s.String())
	}
	return b.String()
}

func orDefault(s, def string) string {
	if s != "" {
		return s
	}
	return def
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
