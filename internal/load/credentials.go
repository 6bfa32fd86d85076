package load

import (
	"fmt"
	"regexp"
	"sort"
	"strings"

	"cuelang.org/go/cue/ast"
	"cuelang.org/go/cue/build"
	"cuelang.org/go/cue/literal"
	"cuelang.org/go/cue/token"
)

// credentialPatterns recognise credentials written as literals. Each names
// what it found; the value itself is never printed.
var credentialPatterns = []struct {
	what string
	re   *regexp.Regexp
}{
	{"a URL with a password in it", regexp.MustCompile(`://[^/\s:@]+:[^/\s@]+@`)},
	{"a Slack webhook URL", regexp.MustCompile(`hooks\.slack\.com/services/`)},
	{"a Microsoft Teams webhook URL", regexp.MustCompile(`webhook\.office\.com/webhook|\.logic\.azure\.com.*sig=`)},
	{"a DingTalk robot URL with its access token", regexp.MustCompile(`oapi\.dingtalk\.com/robot/send\?.*access_token=`)},
	{"a Discord webhook URL", regexp.MustCompile(`discord(app)?\.com/api/webhooks/`)},
	{"a Telegram bot token", regexp.MustCompile(`\b[0-9]{6,12}:[A-Za-z0-9_-]{30,}\b`)},
	{"a Feishu robot hook URL", regexp.MustCompile(`open\.(feishu\.cn|larksuite\.com)/open-apis/bot/v2/hook/`)},
	{"a WeCom robot URL with its key", regexp.MustCompile(`qyapi\.weixin\.qq\.com/cgi-bin/webhook/send\?.*key=`)},
	{"a URL with a credential in its query", regexp.MustCompile(`(?i)[?&](access_token|token|api_?key|key|secret|password|passwd|sig|signature|auth)=[^&\s]+`)},
	{"a Slack token", regexp.MustCompile(`\bxox[abprs]-[0-9A-Za-z-]{10,}`)},
	{"a GitHub token", regexp.MustCompile(`\bgh[pousr]_[0-9A-Za-z]{30,}`)},
	{"an AWS access key id", regexp.MustCompile(`\bAKIA[0-9A-Z]{16}\b`)},
	{"a private key", regexp.MustCompile(`-----BEGIN [A-Z ]*PRIVATE KEY-----`)},
}

// credentialFields are field names whose literal string value can only be
// a credential.
var credentialFields = regexp.MustCompile(`(?i)^(password|passwd|token|api_?key|apiSecret|routingKey|serviceKey|bearerToken|botToken|credentials|webhookURL|apiURL)$`)

// CredentialError lists literal credentials found in an environment's CUE.
type CredentialError struct{ Problems []string }

func (e *CredentialError) Error() string { return strings.Join(e.Problems, "\n") }

// scanCredentials looks at every string literal the environment's own files
// contain, before evaluation, so that no CUE error message can quote one.
func scanCredentials(root string, inst *build.Instance) error {
	var problems []string
	for _, f := range inst.Files {
		ast.Walk(f, func(n ast.Node) bool {
			switch x := n.(type) {
			case *ast.Field:
				if lit, ok := x.Value.(*ast.BasicLit); ok && lit.Kind == token.STRING {
					if name, _, err := ast.LabelName(x.Label); err == nil && credentialFields.MatchString(name) {
						problems = append(problems, fmt.Sprintf("%s: %s: a literal credential in CUE: keep it in a Kubernetes Secret and reference it, e.g. %s: {secret: \"name\", key: \"key\"}", position(root, lit.Pos()), name, name))
						return false
					}
				}
			case *ast.BasicLit:
				if x.Kind != token.STRING {
					return true
				}
				s, err := literal.Unquote(x.Value)
				if err != nil {
					return true
				}
				for _, p := range credentialPatterns {
					if p.re.MatchString(s) {
						problems = append(problems, fmt.Sprintf("%s: a literal credential in CUE (%s): keep it in a Kubernetes Secret and reference it (urlSecret, apiURL, routingKey ... take {secret: \"name\", key: \"key\"})", position(root, x.Pos()), p.what))
						break
					}
				}
			}
			return true
		}, nil)
	}
	if len(problems) == 0 {
		return nil
	}
	sort.Strings(problems)
	return &CredentialError{Problems: problems}
}
