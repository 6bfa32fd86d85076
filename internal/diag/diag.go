// Package diag is mongen's one error currency: a problem at a position in
// a file the user wrote (CUE, YAML, a chart values file), with what to do
// about it. Every stage reports its errors as a List of Diagnostics, and
// the CLI prints them in one place (internal/cli), through the credential
// redaction, so each message a user reads carries a position and never a
// credential.
package diag

import (
	"errors"
	"fmt"
	"sort"
	"strconv"
	"strings"
)

// Pos is a position in an input file. File is relative to the repository
// (or to the directory mongen runs in for files outside one); Line and Col
// are 1-based, 0 when unknown.
type Pos struct {
	File string `json:"file,omitempty"`
	Line int    `json:"line,omitempty"`
	Col  int    `json:"column,omitempty"`
}

// IsZero reports whether p names no file.
func (p Pos) IsZero() bool { return p.File == "" }

// String renders p as "file:line:col", "file:line" or "file".
func (p Pos) String() string {
	switch {
	case p.File == "":
		return ""
	case p.Line == 0:
		return p.File
	case p.Col == 0:
		return fmt.Sprintf("%s:%d", p.File, p.Line)
	}
	return fmt.Sprintf("%s:%d:%d", p.File, p.Line, p.Col)
}

// Less orders positions by file, line and column.
func (p Pos) Less(q Pos) bool {
	if p.File != q.File {
		return p.File < q.File
	}
	if p.Line != q.Line {
		return p.Line < q.Line
	}
	return p.Col < q.Col
}

// ParsePos reads a leading "file:line:col: " (or "file:line: ") off s, as
// CUE and the upstream parsers print positions. It returns the position,
// the rest of s, and whether s started with one.
func ParsePos(s string) (Pos, string, bool) {
	// The file may itself contain colons only on Windows drive letters,
	// which mongen never prints (paths are relative), so split on ": ".
	head, rest, ok := strings.Cut(s, ": ")
	if !ok {
		return Pos{}, s, false
	}
	parts := strings.Split(head, ":")
	if len(parts) < 2 || len(parts) > 3 || parts[0] == "" || strings.ContainsAny(parts[0], " \t\n") {
		return Pos{}, s, false
	}
	p := Pos{File: parts[0]}
	var err error
	if p.Line, err = strconv.Atoi(parts[1]); err != nil || p.Line <= 0 {
		return Pos{}, s, false
	}
	if len(parts) == 3 {
		if p.Col, err = strconv.Atoi(parts[2]); err != nil || p.Col <= 0 {
			return Pos{}, s, false
		}
	}
	return p, rest, true
}

// Origin reads a position printed whole as "file:line:col" or
// "file:line" (the model's Source strings, CUE's token.Pos). A string
// that is not one is kept whole as the File, so a message built from it
// still says the same place; "" is the zero Pos.
func Origin(s string) Pos {
	if s == "" {
		return Pos{}
	}
	if p, rest, ok := ParsePos(s + ": "); ok && rest == "" {
		return p
	}
	return Pos{File: s}
}

// Diagnostic is one problem: where, what, and what to do.
type Diagnostic struct {
	// Pos is where the user can fix it; zero only for problems that have
	// no input position (a flag, the environment as a whole).
	Pos Pos `json:"pos"`
	// Msg says what is wrong, in the user's words; it never quotes a
	// credential.
	Msg string `json:"message"`
	// Hint says what to do, when Msg does not already.
	Hint string `json:"hint,omitempty"`
	// Related are other positions involved (the other definition of a
	// duplicate, the default that conflicts).
	Related []Pos `json:"related,omitempty"`
	// Cause is the error behind the diagnostic, for errors.Is and
	// errors.As (a sentinel such as inputlimit.ErrTooLarge); it is never
	// printed.
	Cause error `json:"-"`
}

// Unwrap returns the cause.
func (d Diagnostic) Unwrap() error { return d.Cause }

// Error renders the diagnostic as "pos: msg (also at …); hint".
func (d Diagnostic) Error() string {
	var b strings.Builder
	if s := d.Pos.String(); s != "" {
		b.WriteString(s)
		b.WriteString(": ")
	}
	b.WriteString(d.Msg)
	if len(d.Related) > 0 {
		rel := make([]string, len(d.Related))
		for i, r := range d.Related {
			rel[i] = r.String()
		}
		b.WriteString(" (see " + strings.Join(rel, ", ") + ")")
	}
	if d.Hint != "" {
		b.WriteString("; " + d.Hint)
	}
	return b.String()
}

// At is a Diagnostic at pos with a formatted message.
func At(pos Pos, format string, args ...any) Diagnostic {
	return Diagnostic{Pos: pos, Msg: fmt.Sprintf(format, args...)}
}

// FromString turns a message of the older form "file:line:col: msg" into
// a Diagnostic, keeping messages without a leading position whole.
func FromString(s string) Diagnostic {
	if p, rest, ok := ParsePos(s); ok {
		return Diagnostic{Pos: p, Msg: rest}
	}
	return Diagnostic{Msg: s}
}

// List is an error made of diagnostics. Its Error prints one per line, in
// position order.
type List []Diagnostic

// Add appends a diagnostic at pos.
func (l *List) Add(pos Pos, format string, args ...any) {
	*l = append(*l, At(pos, format, args...))
}

// Append adds diagnostics to the list.
func (l *List) Append(ds ...Diagnostic) { *l = append(*l, ds...) }

// AddErr adds err's diagnostics (As); an error that carries none adds one
// diagnostic per line, each line's leading position read by FromString.
func (l *List) AddErr(err error) {
	if err == nil {
		return
	}
	l.Append(FromError(err)...)
}

// FromError is err as a List: its diagnostics when it carries some (As),
// otherwise one per line of its message, with leading positions read by
// FromString, the first keeping err as its Cause (so errors.Is still
// sees it).
func FromError(err error) List {
	if err == nil {
		return nil
	}
	if l, ok := As(err); ok {
		return l
	}
	var out List
	for i, line := range strings.Split(err.Error(), "\n") {
		d := FromString(line)
		if i == 0 {
			d.Cause = err
		}
		out = append(out, d)
	}
	return out
}

// Sort orders the list by position, then message, and drops exact
// duplicates, so output is stable.
func (l *List) Sort() {
	s := *l
	sort.SliceStable(s, func(i, j int) bool {
		if s[i].Pos != s[j].Pos {
			return s[i].Pos.Less(s[j].Pos)
		}
		return s[i].Msg < s[j].Msg
	})
	out := s[:0]
	for i, d := range s {
		if i > 0 && d.Error() == s[i-1].Error() {
			continue
		}
		out = append(out, d)
	}
	*l = out
}

// Err returns the sorted list as an error, or nil when it is empty.
func (l List) Err() error {
	if len(l) == 0 {
		return nil
	}
	c := append(List(nil), l...)
	c.Sort()
	return c
}

// Unwrap returns the diagnostics' causes, so errors.Is and errors.As see
// through a List to them.
func (l List) Unwrap() []error {
	var out []error
	for _, d := range l {
		if d.Cause != nil {
			out = append(out, d.Cause)
		}
	}
	return out
}

func (l List) Error() string {
	lines := make([]string, len(l))
	for i, d := range l {
		lines[i] = d.Error()
	}
	return strings.Join(lines, "\n")
}

// As finds the diagnostics in err's chain: a List, a single Diagnostic,
// or any error with a Diagnostics method. ok is false when err carries
// none, in which case the CLI prints err as a problem without a position.
func As(err error) (List, bool) {
	var l List
	if errors.As(err, &l) {
		return l, true
	}
	var d Diagnostic
	if errors.As(err, &d) {
		return List{d}, true
	}
	var p interface{ Diagnostics() List }
	if errors.As(err, &p) {
		return p.Diagnostics(), true
	}
	return nil, false
}

// Wrap prefixes each diagnostic's message with context, keeping positions;
// it is fmt.Errorf("context: %w") for a List.
func Wrap(err error, context string) error {
	l, ok := As(err)
	if !ok {
		return fmt.Errorf("%s: %w", context, err)
	}
	out := make(List, len(l))
	for i, d := range l {
		d.Msg = context + ": " + d.Msg
		out[i] = d
	}
	return out
}
