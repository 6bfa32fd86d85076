package plain

import (
	"fmt"
	"regexp"
	"sort"

	"go.yaml.in/yaml/v3"

	"github.com/mongen-dev/mongen/internal/render/encode"
)

// rawCredential names scrape config fields that hold a credential's value;
// a raw scrape config must read them from files instead.
var rawCredential = regexp.MustCompile(`^(password|credentials|bearer_token|client_secret)$`)

// appendRawScrapeConfigs adds the environment's raw scrape configs
// (schemas/raw.cue) to a rendered prometheus.yml, each as written, after
// the generated ones and sorted by job name. A raw config whose job_name
// differs from its key, or that holds a credential's value, is an error.
func appendRawScrapeConfigs(data []byte, raw map[string]string) ([]byte, error) {
	if len(raw) == 0 {
		return data, nil
	}
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil {
		return nil, err
	}
	// encode.YAML writes the generated-file header again.
	doc.HeadComment = ""
	root := doc.Content[0]
	root.HeadComment = ""
	if len(root.Content) > 0 {
		root.Content[0].HeadComment = ""
	}
	var list *yaml.Node
	for i := 0; i+1 < len(root.Content); i += 2 {
		if root.Content[i].Value == "scrape_configs" {
			list = root.Content[i+1]
		}
	}
	if list == nil {
		list = &yaml.Node{Kind: yaml.SequenceNode}
		root.Content = append(root.Content, &yaml.Node{Kind: yaml.ScalarNode, Value: "scrape_configs"}, list)
	}
	names := make([]string, 0, len(raw))
	for n := range raw {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, name := range names {
		var sc yaml.Node
		if err := yaml.Unmarshal([]byte(raw[name]), &sc); err != nil {
			return nil, fmt.Errorf("rawScrapeConfigs.%s: %w", name, err)
		}
		if len(sc.Content) == 0 || sc.Content[0].Kind != yaml.MappingNode {
			return nil, fmt.Errorf("rawScrapeConfigs.%s: not a scrape config (a YAML mapping)", name)
		}
		m := sc.Content[0]
		job := ""
		for i := 0; i+1 < len(m.Content); i += 2 {
			if m.Content[i].Value == "job_name" {
				job = m.Content[i+1].Value
			}
		}
		if job != name {
			return nil, fmt.Errorf("rawScrapeConfigs.%s: job_name is %q: it must be the key", name, job)
		}
		if field := credentialField(m); field != "" {
			return nil, fmt.Errorf("rawScrapeConfigs.%s: %s holds a credential's value: read it from a file (%s_file) mounted from a Secret", name, field, field)
		}
		list.Content = append(list.Content, m)
	}
	return encode.YAML(&doc)
}

func credentialField(n *yaml.Node) string {
	switch n.Kind {
	case yaml.MappingNode:
		for i := 0; i+1 < len(n.Content); i += 2 {
			if rawCredential.MatchString(n.Content[i].Value) && n.Content[i+1].Kind == yaml.ScalarNode && n.Content[i+1].Value != "" {
				return n.Content[i].Value
			}
			if f := credentialField(n.Content[i+1]); f != "" {
				return f
			}
		}
	case yaml.SequenceNode:
		for _, c := range n.Content {
			if f := credentialField(c); f != "" {
				return f
			}
		}
	}
	return ""
}
