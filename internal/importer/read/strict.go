package read

import (
	"errors"
	"log/slog"
	"regexp"
	"regexp/syntax"
	"strconv"
	"strings"

	"github.com/prometheus/prometheus/config"
	"go.yaml.in/yaml/v3"
)

// duplicateKeys refuses a mapping that sets one key twice. yaml.v3's node
// decoding keeps both; Prometheus and Alertmanager refuse such a file
// ("already set"), and a reader that keeps the first or the last silently
// drops the other. Merge keys (<<) may repeat, and a key merged in may be
// set again: that is what merging is for. Aliases are not followed, so an
// alias bomb costs nothing here.
func duplicateKeys(d Doc) error {
	var walk func(n *yaml.Node, depth int) error
	walk = func(n *yaml.Node, depth int) error {
		if n == nil || depth > 200 {
			return nil
		}
		switch n.Kind {
		case yaml.MappingNode:
			seen := map[string]*yaml.Node{}
			for i := 0; i+1 < len(n.Content); i += 2 {
				k := n.Content[i]
				if !(k.Value == "<<" && k.Tag == "!!merge") && k.Kind == yaml.ScalarNode {
					if first, ok := seen[k.Value]; ok {
						return d.Errorf(k, "key %s is set twice in one mapping (first at line %d): Prometheus and Alertmanager refuse the file, and other readers keep only one of the two values; keep one", strconv.Quote(k.Value), first.Line)
					}
					seen[k.Value] = k
				}
				if err := walk(n.Content[i+1], depth+1); err != nil {
					return err
				}
			}
		case yaml.SequenceNode, yaml.DocumentNode:
			for _, c := range n.Content {
				if err := walk(c, depth+1); err != nil {
					return err
				}
			}
		}
		return nil
	}
	return walk(d.Root, 0)
}

// registeredSD are the service discovery mechanisms mongen links into
// Prometheus's config loader; others are blanked out before loading.
var registeredSD = map[string]bool{"static_configs": true, "kubernetes_sd_configs": true, "file_sd_configs": true}

var sdKey = regexp.MustCompile(`^[a-z0-9_]+_sd_configs$`)

// checkPrometheusConfig loads a prometheus.yml with Prometheus's own config
// loader before anything reads its fields, so that a value Prometheus
// refuses (scrape_interval: banana, a timeout over its interval, an unknown
// field) is an error at its line instead of being converted. Service
// discovery mechanisms mongen does not link (consul, ec2, ...) are blanked
// out line by line first, so line numbers stay the file's. A job_name
// written as a number is refused too: Prometheus reads 5 as the name "5",
// which was rarely meant.
func checkPrometheusConfig(d Doc, data []byte) error {
	root := ResolveAlias(d.Root)
	lines := strings.Split(string(data), "\n")
	if scs := Get(root, "scrape_configs"); scs != nil && scs.Kind == yaml.SequenceNode {
		for _, sc := range scs.Content {
			sc = ResolveAlias(sc)
			if jn := Get(sc, "job_name"); jn != nil && jn.Kind == yaml.ScalarNode && jn.Tag != "!!str" {
				what := map[string]string{"!!int": "a number", "!!float": "a number", "!!bool": "a boolean", "!!null": "empty"}[jn.Tag]
				if what == "" {
					what = "not a string"
				}
				return d.Errorf(jn, "job_name %s is %s, not a name: quote it (job_name: %q) if that is the job's name", jn.Value, what, jn.Value)
			}
			if sc.Kind != yaml.MappingNode {
				continue
			}
			for i := 0; i+1 < len(sc.Content); i += 2 {
				k := sc.Content[i]
				if sdKey.MatchString(k.Value) && !registeredSD[k.Value] {
					blank(lines, k.Line, lastLine(sc.Content[i+1]))
				}
			}
		}
	}
	_, err := config.Load(strings.Join(lines, "\n"), slog.New(slog.DiscardHandler))
	if err == nil {
		return nil
	}
	msg := strings.TrimSpace(strings.TrimPrefix(err.Error(), "yaml: unmarshal errors:"))
	if strings.Contains(msg, "error parsing regexp") {
		// Prometheus quotes the regex anchored; point at the one written.
		if n, why := badRegex(root, 0); n != nil {
			return d.Errorf(n, "Prometheus refuses this configuration: the regex %s does not compile: %s", strconv.Quote(n.Value), why)
		}
	}
	return d.Errorf(locate(root, msg), "Prometheus refuses this configuration: %s", tidyConfigError(msg))
}

// badRegex finds the first regex: value that does not compile.
func badRegex(n *yaml.Node, depth int) (*yaml.Node, string) {
	if n == nil || depth > 200 || n.Kind == yaml.AliasNode {
		return nil, ""
	}
	if n.Kind == yaml.MappingNode {
		for i := 0; i+1 < len(n.Content); i += 2 {
			if v := n.Content[i+1]; n.Content[i].Value == "regex" && v.Kind == yaml.ScalarNode {
				if _, err := regexp.Compile(v.Value); err != nil {
					why := err.Error()
					var se *syntax.Error
					if errors.As(err, &se) {
						why = string(se.Code)
					}
					return v, why
				}
			}
		}
	}
	for _, c := range n.Content {
		if f, why := badRegex(c, depth+1); f != nil {
			return f, why
		}
	}
	return nil, ""
}

// blank comments out lines from..to (1-based), keeping the line count.
func blank(lines []string, from, to int) {
	for l := from; l <= to && l <= len(lines); l++ {
		lines[l-1] = "#"
	}
}

// lastLine is the last line a node's text reaches.
func lastLine(n *yaml.Node) int {
	last := n.Line
	for _, c := range n.Content {
		if l := lastLine(c); l > last {
			last = l
		}
	}
	return last
}

var (
	lineRe   = regexp.MustCompile(`^line (\d+): `)
	quotedRe = regexp.MustCompile(`"((?:[^"\\]|\\.)*)"`)
)

// locate finds the node an error of config.Load is about: the line it
// names, or else the scalar it quotes (a bad duration, a job name).
func locate(root *yaml.Node, msg string) *yaml.Node {
	var want func(*yaml.Node) bool
	if m := lineRe.FindStringSubmatch(msg); m != nil {
		line, _ := strconv.Atoi(m[1])
		want = func(n *yaml.Node) bool { return n.Line == line }
	} else if m := quotedRe.FindStringSubmatch(msg); m != nil {
		v, err := strconv.Unquote(`"` + m[1] + `"`)
		if err != nil {
			v = m[1]
		}
		want = func(n *yaml.Node) bool { return n.Kind == yaml.ScalarNode && n.Value == v }
	} else {
		return root
	}
	var found *yaml.Node
	var walk func(n *yaml.Node, depth int)
	walk = func(n *yaml.Node, depth int) {
		if n == nil || found != nil || depth > 200 || n.Kind == yaml.AliasNode {
			return
		}
		if want(n) {
			found = n
			return
		}
		for _, c := range n.Content {
			walk(c, depth+1)
		}
	}
	walk(root, 0)
	if found == nil {
		return root
	}
	return found
}

// tidyConfigError drops the line prefix the position already gives and
// names Go types as a user knows them.
func tidyConfigError(msg string) string {
	msg = lineRe.ReplaceAllString(msg, "")
	for _, r := range [][2]string{
		{"model.Duration", "a duration (30s, 5m)"},
		{"config.ScrapeConfig", "a scrape config"},
		{"config.GlobalConfig", "global"},
		{"config.AlertingConfig", "alerting"},
		{"relabel.Config", "a relabel config"},
		{"config.Config", "prometheus.yml"},
	} {
		msg = strings.ReplaceAll(msg, r[0], r[1])
	}
	return msg
}
