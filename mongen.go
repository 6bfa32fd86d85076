// Package mongen carries the CUE module that every mongen binary embeds: the
// schemas and the library, offered to CUE as module mongen.dev/mongen@v0 so
// that a user's own repository can import them without a copy.
package mongen

import "embed"

// CUEModule holds cue.mod/module.cue, schemas/ and library/.
//
//go:embed cue.mod/module.cue schemas/*.cue library
var CUEModule embed.FS

// CUEModulePath is the module path users import the schemas from.
const CUEModulePath = "mongen.dev/mongen@v0"

// CUEModuleVersion is the version the embedded module is served as.
const CUEModuleVersion = "v0.1.0"
