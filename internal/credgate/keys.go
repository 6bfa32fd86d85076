package credgate

import (
	"strings"
)

// norm folds a field name for comparison: lower case, without _ - . and
// spaces, so authPassword, auth_password and Auth-Password are one name.
func norm(name string) string {
	var b strings.Builder
	for _, r := range name {
		switch {
		case r == '_' || r == '-' || r == '.' || r == ' ':
		case r >= 'A' && r <= 'Z':
			b.WriteRune(r + 'a' - 'A')
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
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
	n := norm(name)
	if credentialNames[n] {
		return true
	}
	for _, suffix := range []string{"password", "passwd", "passphrase", "token"} {
		if strings.HasSuffix(n, suffix) {
			return true
		}
	}
	return false
}

// TokenParam reports whether a URL or scrape parameter named name carries
// a credential (access_token, private_token, code, key, sig, ...).
func TokenParam(name string) bool { return tokenParams[norm(name)] }

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
	return place(path)
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
		n := norm(p)
		rest := path[i+1:]
		switch {
		case (n == "httpheaders" || n == "headers") && len(rest) >= 1:
			header := rest[0]
			if len(rest) >= 2 && norm(rest[1]) == "secrets" {
				return "an http_headers secret (" + header + ")"
			}
			if headerCredential(header) && (len(rest) == 1 || (len(rest) >= 2 && (norm(rest[1]) == "values" || rest[1] == Index))) {
				return "an Authorization-like header (" + header + ")"
			}
		case n == "params" && len(rest) >= 1 && TokenParam(rest[0]):
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
