// Package credgate is mongen's credential gate: it knows what a credential
// looks like (URL user info, token query parameters, known token formats,
// Authorization-like headers) and which fields can only hold one
// (password-like keys at any depth, http_headers secrets, token params,
// relabelling into a token param), over strings, text, YAML, JSON, CUE
// syntax and evaluated CUE values. Every byte mongen writes passes through
// it, and every message it prints is redacted by it. A Finding says where
// and what, never the value.
package credgate

import (
	mathbits "math/bits"
	"regexp"
	"strings"
	"unicode/utf8"
)

// shape is one form a credential takes inside a string. When the
// expression has a group named s, only that part is the secret (what
// Redact replaces); otherwise the whole match is.
type shape struct {
	what string
	re   *regexp.Regexp
	// ok, when set, must accept the secret part too: words are not tokens.
	ok func(string) bool
	// in are lower-case ASCII substrings one of which every match holds
	// (in strings.ToLower of the string): a cheap test before the
	// expression, made for all shapes at once by candidates.
	in []string
	// also, when set, is a further test every match passes (another
	// substring, a digit run), cheaper than the expression.
	also func(s, lower string) bool
}

// hasAt: a URL with user info has an @ after its scheme.
func hasAt(_, lower string) bool { return strings.Contains(lower, "@") }

// digitsColon: a Telegram bot token is at least six digits, a colon and
// at least thirty token characters.
func digitsColon(s, _ string) bool {
	for i := strings.IndexByte(s, ':'); i >= 0; {
		if i >= 6 && len(s)-i > 30 && allDigits(s[i-6:i]) {
			return true
		}
		j := strings.IndexByte(s[i+1:], ':')
		if j < 0 {
			break
		}
		i += 1 + j
	}
	return false
}

func allDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// upperSK: the Twilio shape is case-sensitive.
func upperSK(s, _ string) bool { return strings.Contains(s, "SK") }

// tokenLike tells a token from a word: it has a digit or a symbol, or
// both upper and lower case letters.
func tokenLike(s string) bool {
	upper, lower := false, false
	for _, r := range s {
		switch {
		case r >= 'A' && r <= 'Z':
			upper = true
		case r >= 'a' && r <= 'z':
			lower = true
		default:
			return true
		}
	}
	return upper && lower
}

// match reports whether s holds the shape.
func (sh shape) match(s string) bool {
	if sh.ok == nil {
		return sh.re.MatchString(s)
	}
	idx := sh.re.SubexpIndex("s")
	for _, m := range sh.re.FindAllStringSubmatch(s, -1) {
		if sh.ok(m[idx]) {
			return true
		}
	}
	return false
}

// tokenParams are query and scrape parameter names whose value is a
// credential (lowercase, without separators: see norm).
var tokenParams = map[string]bool{
	"accesstoken": true, "privatetoken": true, "token": true, "authtoken": true, "apitoken": true,
	"apikey": true, "key": true, "secret": true, "clientsecret": true, "password": true, "passwd": true,
	"pwd": true, "sig": true, "signature": true, "code": true, "auth": true, "xapikey": true,
	"jwt": true, "bearer": true, "sessionid": true, "session": true, "idtoken": true, "refreshtoken": true,
	"apisecret": true, "appsecret": true, "secretkey": true, "routingkey": true, "integrationkey": true,
}

const queryParamAlternation = `access[_-]?token|private[_-]?token|token|auth[_-]?token|api[_-]?token|api[_-]?key|key|secret|client[_-]?secret|password|passwd|pwd|sig|signature|code|auth|x-api-key|jwt|bearer|session(?:[_-]?id)?|id[_-]?token|refresh[_-]?token|api[_-]?secret|app[_-]?secret|secret[_-]?key|routing[_-]?key|integration[_-]?key`

// queryParamEnds: each name of queryParamAlternation ends in one of these
// words, so each match holds one of them followed by "=".
var queryParamEnds = []string{"token=", "key=", "secret=", "password=", "passwd=", "pwd=", "sig=", "signature=", "code=", "auth=", "jwt=", "bearer=", "session=", "id="}

var shapes = []shape{
	{what: "a private key", re: regexp.MustCompile(`-----BEGIN [A-Z0-9 ]*PRIVATE KEY(?: BLOCK)?-----(?P<s>[\s\S]*?(?:-----END [A-Z0-9 ]*PRIVATE KEY(?: BLOCK)?-----|$))`), in: []string{"private key"}},
	{what: "a URL with a user name or password in it", re: regexp.MustCompile(`(?i)\b[a-z][a-z0-9+.-]*://(?P<s>[^/\s?#@"'<>\\]+)@`), in: []string{"://"}, also: hasAt},
	{what: "an address with a user name or password in it", re: regexp.MustCompile(`(?:^|[\s"'\[,(=])(?P<s>[^\s/@:"'\[\],()=<>]+(?::[^\s/@"'<>]*)?)@\[?[A-Za-z0-9._-]+(?::[A-Za-z0-9:]+\])?:[0-9]{1,5}\b`), in: []string{"@"}},
	{what: "a database address with a password in it", re: regexp.MustCompile(`(?P<s>[^\s/@:"']+:[^\s/@"']+)@(?:tcp|unix|udp)\(`), in: []string{"@tcp(", "@unix(", "@udp("}},
	{what: "a Telegram bot token", re: regexp.MustCompile(`(?:^|[^0-9])(?P<s>[0-9]{6,12}:[A-Za-z0-9_-]{30,})`), in: []string{":"}, also: digitsColon},
	{what: "a Slack webhook URL", re: regexp.MustCompile(`hooks\.slack\.com/(?:services|workflows|triggers)/(?P<s>[^\s"'<>]+)`), in: []string{"hooks.slack.com"}},
	{what: "a Microsoft Teams webhook URL", re: regexp.MustCompile(`webhook\.office\.com/(?P<s>webhook[bB]?2?/[^\s"'<>]+)`), in: []string{"webhook.office.com"}},
	{what: "a Microsoft Teams workflow URL", re: regexp.MustCompile(`\.logic\.azure\.com[^\s"'<>]*?[?&]sig=(?P<s>[^\s"'<>&]+)`), in: []string{"logic.azure.com"}},
	{what: "a Discord webhook URL", re: regexp.MustCompile(`discord(?:app)?\.com/api/webhooks/(?P<s>[^\s"'<>]+)`), in: []string{"discord"}},
	{what: "a Feishu or Lark robot hook URL", re: regexp.MustCompile(`open\.(?:feishu\.cn|larksuite\.com)/open-apis/bot/v2/hook/(?P<s>[^\s"'<>]+)`), in: []string{"/hook/"}},
	{what: "a URL with a credential in its query", re: regexp.MustCompile(`(?i)[?&;#](?:` + queryParamAlternation + `)=(?P<s>[^&\s#"'<>;]+)`), in: queryParamEnds},
	{what: "an Authorization header value", re: regexp.MustCompile("(?i)(?:^|[\"'`=]|\\\\\")\\s*(?:bearer|basic|token|apikey|sso-key|negotiate|bot)\\s+(?P<s>[A-Za-z0-9._~+/=:-]{8,})(?:\\s*$|\\s*[\"'`]|\\\\\")"), ok: tokenLike, in: []string{"bearer", "basic", "token", "apikey", "sso-key", "negotiate", "bot"}},
	{what: "an Authorization header", re: regexp.MustCompile(`(?i)\b(?:proxy-)?authorization["']?\s*[:=]\s*["']?(?:bearer|basic|token|apikey|sso-key|negotiate|bot)\s+(?P<s>[A-Za-z0-9._~+/=:-]{8,})`), ok: tokenLike, in: []string{"authorization"}},
	{what: "a connection string with a key or password", re: regexp.MustCompile(`(?i)(?:accountkey|sharedaccesskey|password|pwd)=(?P<s>[^;&\s"']{4,})`), in: []string{"accountkey=", "accesskey=", "password=", "pwd="}},
	{what: "a Slack token", re: regexp.MustCompile(`\b(?:xox[abposre]|xapp)-[0-9A-Za-z-]{10,}`), in: []string{"xox", "xapp-"}},
	{what: "a GitHub token", re: regexp.MustCompile(`\b(?:gh[pousr]_[0-9A-Za-z]{30,}|github_pat_[0-9A-Za-z_]{40,})`), in: []string{"ghp_", "gho_", "ghu_", "ghs_", "ghr_", "github_pat_"}},
	{what: "a GitLab token", re: regexp.MustCompile(`\bgl(?:pat|ptt|dt|rt|cbt|oas)-[0-9A-Za-z_-]{20,}`), in: []string{"glpat-", "glptt-", "gldt-", "glrt-", "glcbt-", "gloas-"}},
	{what: "an AWS access key id", re: regexp.MustCompile(`\b(?:AKIA|ASIA|AGPA|AIDA|AROA|ANPA|ANVA)[0-9A-Z]{16}\b`), in: []string{"akia", "asia", "agpa", "aida", "aroa", "anpa", "anva"}},
	{what: "a Google API key", re: regexp.MustCompile(`\bAIza[0-9A-Za-z_-]{35}`), in: []string{"aiza"}},
	{what: "a Google OAuth token", re: regexp.MustCompile(`\bya29\.[0-9A-Za-z_-]{20,}`), in: []string{"ya29."}},
	{what: "a Stripe key", re: regexp.MustCompile(`\b(?:sk|rk)_(?:live|test)_[0-9A-Za-z]{16,}`), in: []string{"_live_", "_test_"}},
	{what: "an OpenAI or Anthropic API key", re: regexp.MustCompile(`\bsk-(?:proj-|ant-[a-z0-9]+-|svcacct-)?[A-Za-z0-9_-]{20,}`), in: []string{"sk-"}},
	{what: "a JSON web token", re: regexp.MustCompile(`\beyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}`), in: []string{"eyj"}},
	{what: "a SendGrid API key", re: regexp.MustCompile(`\bSG\.[A-Za-z0-9_-]{16,}\.[A-Za-z0-9_-]{16,}`), in: []string{"sg."}},
	{what: "an npm token", re: regexp.MustCompile(`\bnpm_[A-Za-z0-9]{36}\b`), in: []string{"npm_"}},
	{what: "a PyPI token", re: regexp.MustCompile(`\bpypi-AgE[A-Za-z0-9_-]{20,}`), in: []string{"pypi-"}},
	{what: "a Shopify token", re: regexp.MustCompile(`\bshp(?:at|ca|pa|ss)_[a-fA-F0-9]{32}\b`), in: []string{"shp"}},
	{what: "a DigitalOcean token", re: regexp.MustCompile(`\bdo[por]_v1_[a-f0-9]{64}\b`), in: []string{"_v1_"}},
	{what: "a Grafana token", re: regexp.MustCompile(`\b(?:glsa_[A-Za-z0-9]{32}_[a-fA-F0-9]{8}|glc_[A-Za-z0-9+/=]{32,})`), in: []string{"glsa_", "glc_"}},
	{what: "a HashiCorp Vault or Terraform token", re: regexp.MustCompile(`\b(?:hv[sb]\.[A-Za-z0-9_-]{24,}|[a-zA-Z0-9]{14}\.atlasv1\.[a-zA-Z0-9_-]{60,})`), in: []string{"hvs.", "hvb.", "atlasv1"}},
	{what: "a Mailgun key", re: regexp.MustCompile(`\bkey-[0-9a-f]{32}\b`), in: []string{"key-"}},
	{what: "a Twilio key", re: regexp.MustCompile(`\bSK[0-9a-fA-F]{32}\b`), in: []string{"sk"}, also: upperSK},
	{what: "an Atlassian token", re: regexp.MustCompile(`\bATATT3[A-Za-z0-9_=-]{20,}`), in: []string{"atatt3"}},
	{what: "a Linear API key", re: regexp.MustCompile(`\blin_api_[A-Za-z0-9]{40}\b`), in: []string{"lin_api_"}},
	{what: "a Doppler token", re: regexp.MustCompile(`\bdp\.(?:st|pt|ct|sa|scim|audit)\.[A-Za-z0-9_-]{20,}`), in: []string{"dp."}},
	{what: "a Databricks token", re: regexp.MustCompile(`\bdapi[a-f0-9]{32}\b`), in: []string{"dapi"}},
	{what: "a New Relic key", re: regexp.MustCompile(`\bNR(?:AK|II|JS)-[A-Za-z0-9]{20,}`), in: []string{"nrak-", "nrii-", "nrjs-"}},
	{what: "an Alibaba Cloud access key id", re: regexp.MustCompile(`\bLTAI[A-Za-z0-9]{12,20}\b`), in: []string{"ltai"}},
	{what: "an age secret key", re: regexp.MustCompile(`\bAGE-SECRET-KEY-1[0-9A-Z]{58}\b`), in: []string{"age-secret-key"}},
	{what: "a Hugging Face token", re: regexp.MustCompile(`\bhf_[A-Za-z0-9]{34,}\b`), in: []string{"hf_"}},
	{what: "a Postman API key", re: regexp.MustCompile(`\bPMAK-[a-f0-9]{24}-[a-f0-9]{34}\b`), in: []string{"pmak-"}},
}

// Shape says what s looks like when it holds a credential, or "".
func Shape(s string) string {
	if len(s) < shapeMinLen {
		return ""
	}
	return prefilter(s).shape(s)
}

// prefilter is the set of shapes one of whose substrings
// strings.ToLower(s) holds, in one pass over s when s is ASCII. Shape
// takes a string, lineShape a line of a file's bytes.
func prefilter[T string | []byte](s T) candidateSet {
	c, ascii := candidates(s)
	if ascii {
		return c
	}
	// strings.ToLower maps some non-ASCII runes to ASCII (U+212A KELVIN
	// SIGN to k) and invalid UTF-8 to U+FFFD: the substrings are looked
	// for in what it returns, as they always were.
	str := string(s)
	lower := strings.ToLower(str)
	c = candidatesLower(lower)
	c.lower, c.made, c.str = lower, true, str
	return c
}

// shapeMinLen is the length below which Shape says "".
const shapeMinLen = 8

// needle is one of a shape's in substrings and the shape's bit.
type needle struct {
	s   string
	bit uint64
}

// needleTable holds every shape's in substrings by their first byte, so
// that one pass over a string finds which shapes' substrings it holds
// (instead of a strings.Contains per substring).
type needleTable struct {
	// single are the shapes with a substring of one byte, by that byte.
	single [256]uint64
	// second is, by first byte, the set of second bytes of the longer
	// substrings: most bytes of a string start none.
	second [256][4]uint64
	// long are the substrings of two bytes or more, by first byte.
	long [256][]needle
}

// needles is built once and never written.
var needles = func() *needleTable {
	if len(shapes) > 64 {
		panic("credgate: more shapes than bits in a candidate set")
	}
	var t needleTable
	for i, sh := range shapes {
		for _, n := range sh.in {
			if n == "" {
				panic("credgate: a shape has an empty substring")
			}
			for j := 0; j < len(n); j++ {
				if n[j] >= utf8.RuneSelf || n[j] >= 'A' && n[j] <= 'Z' {
					panic("credgate: a shape's substring is not lower-case ASCII: " + n)
				}
			}
			if len(n) == 1 {
				t.single[n[0]] |= 1 << i
				continue
			}
			t.second[n[0]][n[1]>>6] |= 1 << (n[1] & 63)
			t.long[n[0]] = append(t.long[n[0]], needle{s: n, bit: 1 << i})
		}
	}
	return &t
}()

// candidateSet is what one pass over a string found: the shapes (bit i
// for shapes[i]) one of whose substrings the lower-case string holds, and
// whether the string has an upper-case ASCII letter. When made is set,
// lower is the lower-case string (the also tests take it) and str the
// string itself (made once, when the string was bytes).
type candidateSet struct {
	bits  uint64
	upper bool
	made  bool
	lower string
	str   string
}

// candidates finds, in one pass over ASCII s, the shapes one of whose
// substrings strings.ToLower(s) holds: for ASCII, ToLower folds A-Z and
// nothing else, so comparing folded bytes is comparing with the lower-case
// string. ascii is false (and the set empty) when s has a byte beyond
// ASCII.
func candidates[T string | []byte](s T) (c candidateSet, ascii bool) {
	return scanNeedles(s, true)
}

// candidatesLower is the candidate set of lower, a string
// strings.ToLower returned: it holds no A-Z (folding changes nothing), and
// a byte beyond ASCII is in no substring.
func candidatesLower(lower string) candidateSet {
	c, _ := scanNeedles(lower, false)
	return c
}

// scanNeedles is candidates; with ascii set it gives up at the first byte
// beyond ASCII, otherwise it passes over such bytes.
func scanNeedles[T string | []byte](s T, ascii bool) (candidateSet, bool) {
	var c candidateSet
	t := needles
	for i := 0; i < len(s); i++ {
		b := s[i]
		switch {
		case b >= utf8.RuneSelf:
			if ascii {
				return candidateSet{}, false
			}
			continue
		case b >= 'A' && b <= 'Z':
			b += 'a' - 'A'
			c.upper = true
		}
		c.bits |= t.single[b]
		if i+1 == len(s) {
			break
		}
		b2 := s[i+1]
		if b2 >= 'A' && b2 <= 'Z' {
			b2 += 'a' - 'A'
		}
		if t.second[b][b2>>6]&(1<<(b2&63)) == 0 {
			continue
		}
		for _, n := range t.long[b] {
			if c.bits&n.bit == 0 && hasFoldedPrefix(s[i+1:], n.s[1:]) {
				c.bits |= n.bit
			}
		}
	}
	return c, true
}

// hasFoldedPrefix reports whether s, with A-Z folded to a-z, starts with
// the lower-case prefix.
func hasFoldedPrefix[T string | []byte](s T, prefix string) bool {
	if len(s) < len(prefix) {
		return false
	}
	for i := 0; i < len(prefix); i++ {
		b := s[i]
		if b >= 'A' && b <= 'Z' {
			b += 'a' - 'A'
		}
		if b != prefix[i] {
			return false
		}
	}
	return true
}

// shape runs the shapes in c, the candidate set of s, in order, past
// their further test and their expression. Unless c holds it, lower case
// s is made when an also test first needs it: s is then ASCII, and its own
// lower case when it has no upper case.
func (c candidateSet) shape(s string) string {
	if c.bits == 0 {
		return ""
	}
	lower, made := c.lower, c.made
	if !made && !c.upper {
		lower, made = s, true
	}
	// Bit by bit, lowest first: the shapes' order.
	for bits := c.bits; bits != 0; bits &= bits - 1 {
		sh := &shapes[mathbits.TrailingZeros64(bits)]
		if sh.also != nil {
			if !made {
				lower, made = strings.ToLower(s), true
			}
			if !sh.also(s, lower) {
				continue
			}
		}
		if sh.match(s) {
			return sh.what
		}
	}
	return ""
}

// Redacted is what a credential is replaced with in a message.
const Redacted = "<redacted>"

// Redact replaces every credential shape in s (the secret part of each:
// a URL keeps its host) with Redacted.
func Redact(s string) string {
	if Shape(s) == "" {
		return s
	}
	for _, sh := range shapes {
		s = redactShape(s, sh)
	}
	return s
}

func redactShape(s string, sh shape) string {
	re := sh.re
	idx := re.SubexpIndex("s")
	ms := re.FindAllStringSubmatchIndex(s, -1)
	if len(ms) == 0 {
		return s
	}
	var b strings.Builder
	last := 0
	for _, m := range ms {
		start, end := m[0], m[1]
		if idx >= 0 && m[2*idx] >= 0 {
			start, end = m[2*idx], m[2*idx+1]
		}
		if sh.ok != nil && !sh.ok(s[start:end]) {
			continue
		}
		if start < last {
			continue
		}
		b.WriteString(s[last:start])
		b.WriteString(Redacted)
		last = end
	}
	b.WriteString(s[last:])
	return b.String()
}
