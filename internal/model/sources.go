package model

import "strings"

// SourcePath builds the key under which Environment.Sources records the CUE
// position of one part of the environment, e.g.
// SourcePath("rules", "app", "AppDown", "expr").
func SourcePath(parts ...string) string { return strings.Join(parts, "/") }

// Source returns the recorded position for the most specific of the given
// path's prefixes, so a caller asking for a rule's expr still gets the rule
// when the expr itself has no position.
func (e *Environment) Source(parts ...string) string {
	for n := len(parts); n > 0; n-- {
		if pos, ok := e.Sources[SourcePath(parts[:n]...)]; ok {
			return pos
		}
	}
	return ""
}
