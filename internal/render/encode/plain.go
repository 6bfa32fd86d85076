package encode

import "strings"

// PrintsPlain reports that YAML and YAMLWithHeader print the string s, as
// a mapping value or a block sequence item, as exactly s: unquoted, on the
// line of its key or dash. That is so for the strings it accepts, and it
// accepts only those of one class, so false says nothing about s: a
// non-empty string of ASCII letters, digits, '.', '_', '-' and '/' that
// starts with a letter or digit and holds a '/', or starts with a letter
// and holds a '-'. Such a string has no indicator or comment character and
// no space (a plain scalar without spaces is never folded), and yaml.v3
// resolves it to no boolean (y, yes, on, ...), null, number or timestamp:
// those are words without '/' or '-', or start with a digit, sign or '.'
// and hold no '/'. Callers write such strings into encoder output
// themselves (a kustomization's resources and generators).
func PrintsPlain(s string) bool {
	if s == "" || !isAlnum(s[0]) {
		return false
	}
	slash := strings.IndexByte(s, '/') >= 0
	if !slash && !(isLetter(s[0]) && strings.IndexByte(s, '-') >= 0) {
		return false
	}
	for i := 1; i < len(s); i++ {
		if c := s[i]; !isAlnum(c) && c != '.' && c != '_' && c != '-' && c != '/' {
			return false
		}
	}
	return true
}

func isLetter(c byte) bool { return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' }

func isAlnum(c byte) bool { return isLetter(c) || c >= '0' && c <= '9' }
