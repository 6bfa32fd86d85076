package credgate

import (
	"strings"
	"unicode/utf8"
)

// norm folds a field name for comparison: lower case, without _ - . and
// spaces, so authPassword, auth_password and Auth-Password are one name.
// A name already folded is returned as it is.
func norm(name string) string {
	if folded(name) {
		return name
	}
	var buf [64]byte
	return string(appendNorm(buf[:0], name))
}

// folded reports whether name is ASCII and norm would not change it.
func folded(name string) bool {
	for i := 0; i < len(name); i++ {
		switch b := name[i]; {
		case b >= utf8.RuneSelf, b >= 'A' && b <= 'Z', b == '_' || b == '-' || b == '.' || b == ' ':
			return false
		}
	}
	return true
}

// appendNorm appends norm(name) to dst. Like ranging over the string, it
// writes an invalid UTF-8 byte as U+FFFD.
func appendNorm(dst []byte, name string) []byte {
	for i := 0; i < len(name); {
		b := name[i]
		if b >= utf8.RuneSelf {
			r, size := utf8.DecodeRuneInString(name[i:])
			dst = utf8.AppendRune(dst, r)
			i += size
			continue
		}
		i++
		if f, keep := foldByte(b); keep {
			dst = append(dst, f)
		}
	}
	return dst
}

// foldByte is norm's fold of one ASCII byte: keep is false for the
// separators it drops, and an upper-case letter comes out in lower case.
func foldByte(b byte) (f byte, keep bool) {
	switch {
	case b == '_' || b == '-' || b == '.' || b == ' ':
		return 0, false
	case b >= 'A' && b <= 'Z':
		return b + 'a' - 'A', true
	}
	return b, true
}

// normIs reports whether norm(name) == target, target being folded ASCII,
// without making the folded name: it stops at the first difference. A
// byte beyond ASCII folds to bytes beyond ASCII, which target lacks.
func normIs(name, target string) bool {
	j := 0
	for i := 0; i < len(name); i++ {
		b, keep := foldByte(name[i])
		if !keep {
			continue
		}
		if j == len(target) || b != target[j] {
			return false
		}
		j++
	}
	return j == len(target)
}

// normHasSuffix reports whether norm(name) ends in suffix, folded ASCII,
// reading name from its end; as in normIs, a byte beyond ASCII matches
// no byte of suffix.
func normHasSuffix(name, suffix string) bool {
	j := len(suffix)
	for i := len(name) - 1; i >= 0 && j > 0; i-- {
		b, keep := foldByte(name[i])
		if !keep {
			continue
		}
		j--
		if b != suffix[j] {
			return false
		}
	}
	return j == 0
}

// credentialNames are field names that only ever hold a credential's value
// (folded, see norm), besides the suffixes of Key.
var credentialNames = map[string]bool{
	"apisecret": true, "clientsecret": true, "urlsecret": true, "appsecret": true, "sharedsecret": true,
	"signingsecret": true, "webhooksecret": true, "hmacsecret": true, "secretkey": true, "secretaccesskey": true,
	"accesskeysecret": true, "apikey": true, "xapikey": true, "routingkey": true, "servicekey": true,
	"privatekey": true, "integrationkey": true, "signingkey": true, "authkey": true, "licensekey": true,
	"credentials": true, "credential": true, "webhookurl": true, "authorization": true,
	"proxyauthorization": true, "cookie": true, "setcookie": true, "sessionkey": true,
	"objectstorage": true,
}

// Key reports whether a field named name can only hold a credential's
// value: password-like names (password, authPassword, smtp_auth_password),
// token-like names (token, api_token, botToken, bearer_token), and the
// names of keys and secrets (apiKey, routing_key, client_secret). Names of
// files and references (password_file, bearerTokenSecret, configSecret)
// are not.
func Key(name string) bool {
	var buf [64]byte
	n := appendNorm(buf[:0], name)
	if credentialNames[string(n)] {
		return true
	}
	for _, suffix := range []string{"password", "passwd", "passphrase", "token"} {
		if len(n) >= len(suffix) && string(n[len(n)-len(suffix):]) == suffix {
			return true
		}
	}
	return false
}

// TokenParam reports whether a URL or scrape parameter named name carries
// a credential (access_token, private_token, code, key, sig, ...).
func TokenParam(name string) bool {
	var buf [64]byte
	return tokenParams[string(appendNorm(buf[:0], name))]
}

// headerCredential reports whether an HTTP header named name carries a
// credential (Authorization, X-Api-Key, Private-Token, Cookie, ...).
func headerCredential(name string) bool {
	n := norm(name)
	if Key(name) || TokenParam(name) {
		return true
	}
	for _, part := range []string{"auth", "token", "apikey", "secret", "password", "cookie", "signature"} {
		if strings.Contains(n, part) {
			return true
		}
	}
	return false
}

// Index is the path element of a list item.
const Index = "[]"

// Field says what a string value at path holds when it is a credential,
// or "": a credential's shape anywhere, or a place only credentials go
// (a password-like key, an http_headers secret, a token param, an
// Authorization-like header). path is the field names from the document's
// root, Index for a list item.
func Field(path []string, s string) string {
	if s == "" {
		return ""
	}
	if what := Shape(s); what != "" {
		return what
	}
	if name, ok := keyLabel(path); ok {
		if KeyShaped(s) {
			return "a key in the label " + name
		}
		return ""
	}
	return place(path)
}

// keyLabel reports whether path is the value of a label (a field of a
// labels map: labels, externalLabels, exp_labels) named like a key
// (routing_key, service_key), and its name. A label holds a key only when
// its value has a key's shape: Sloth's examples route pages with
// routing_key: myteam, a team's name (KeyShaped). Labels named like a
// password or a token stay credentials by their name.
func keyLabel(path []string) (string, bool) {
	if len(path) < 2 {
		return "", false
	}
	name, parent := path[len(path)-1], path[len(path)-2]
	if name == Index || !normHasSuffix(parent, "labels") || !normHasSuffix(name, "key") || !Key(name) {
		return "", false
	}
	return name, true
}

// KeyShaped reports whether s has the shape of an integration or API key
// rather than a name: 32 hexadecimal digits (a PagerDuty integration key),
// a UUID (Opsgenie, Splunk On-Call), or 20 or more token characters
// (letters, digits, + / = _ -) holding at least four digits and four
// letters and an unbroken run of 16 letters and digits. myteam,
// #alerts-myteam and sre-team-2024-q3-escalation are names.
func KeyShaped(s string) bool {
	s = strings.TrimSpace(s)
	hex, digits, letters, run, longest := 0, 0, 0, 0, 0
	for _, r := range s {
		alnum := r >= '0' && r <= '9' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z'
		if alnum {
			run++
			longest = max(longest, run)
		} else {
			run = 0
		}
		switch {
		case r >= '0' && r <= '9':
			digits++
			hex++
		case r >= 'a' && r <= 'f' || r >= 'A' && r <= 'F':
			letters++
			hex++
		case r >= 'g' && r <= 'z' || r >= 'G' && r <= 'Z':
			letters++
		case r == '+' || r == '/' || r == '=' || r == '_' || r == '-':
		default:
			return false // a space, #, a dot: words, channels, hosts
		}
	}
	switch {
	case len(s) == 32 && hex == 32:
		return true
	case len(s) == 36 && hex == 32 && strings.Count(s, "-") == 4 && s[8] == '-' && s[13] == '-' && s[18] == '-' && s[23] == '-':
		return true
	}
	return len(s) >= 20 && digits >= 4 && letters >= 4 && longest >= 16
}

// place says what path is when only credentials go there, or "".
func place(path []string) string {
	last := ""
	for i := len(path) - 1; i >= 0; i-- {
		if path[i] != Index {
			last = path[i]
			break
		}
	}
	for i, p := range path {
		rest := path[i+1:]
		switch {
		case len(rest) >= 1 && (normIs(p, "httpheaders") || normIs(p, "headers")):
			header := rest[0]
			if len(rest) >= 2 && normIs(rest[1], "secrets") {
				return "an http_headers secret (" + header + ")"
			}
			if headerCredential(header) && (len(rest) == 1 || (len(rest) >= 2 && (normIs(rest[1], "values") || rest[1] == Index))) {
				return "an Authorization-like header (" + header + ")"
			}
		case len(rest) >= 1 && normIs(p, "params") && TokenParam(rest[0]):
			return "a token parameter (" + rest[0] + ")"
		}
	}
	if last != "" && Key(last) {
		return "a credential field (" + last + ")"
	}
	return ""
}

// Relabel checks one relabelling step, given its fields: a literal
// replacement written into a token parameter (__param_access_token) or
// into a label named like a credential (api_token) is a credential. It
// returns the field to blame (replacement) and what it is, or "".
func Relabel(get func(field string) (string, bool)) (field, what string) {
	target, ok := get("target_label")
	if !ok {
		target, ok = get("targetLabel")
	}
	if !ok || target == "" {
		return "", ""
	}
	repl, ok := get("replacement")
	if !ok || repl == "" || strings.Contains(repl, "$") {
		return "", ""
	}
	if p, isParam := strings.CutPrefix(target, "__param_"); isParam && TokenParam(p) {
		return "replacement", "a literal relabelled into the token parameter " + target
	}
	if Key(target) {
		return "replacement", "a literal relabelled into the label " + target
	}
	return "", ""
}
