// Package inputlimit reads the files mongen takes as input (CUE files,
// rule and configuration files for vet and import, chart values) with a
// size limit, and refuses anything that is not a regular file before
// reading a byte of it: a named pipe would block for ever, a device such
// as /dev/zero never ends, and a file far larger than any real one would
// cost memory in proportion (upstream parsers use tens of bytes of memory
// per byte of input).
//
// A file is opened without blocking, its type and size are taken from the
// open descriptor (so a path swapped after a check cannot slip through),
// and at most Max+1 bytes are read, so a file that grows while it is read
// is refused too.
package inputlimit

import (
	"errors"
	"fmt"
	"github.com/mongen-dev/mongen/internal/diag"
	"io"
	"io/fs"
	"os"
)

// The limits mongen applies, in bytes. The largest environment mongen is
// measured with (cmd/benchenv: 10,000 rules, 1,000 SLOs, 200 dashboards)
// has 5.5 MB of CUE, none of it in a file over 300 KB; the largest rule
// file in kube-prometheus-stack is under 100 KB.
const (
	// MaxCUEFile caps one CUE file an environment loads.
	MaxCUEFile = 2 << 20
	// MaxCUETotal caps all the CUE files one environment loads together:
	// a build of that largest environment peaked at 775 MB resident,
	// about 140 bytes of memory per byte of CUE, so this cap keeps a build
	// near 1 GiB.
	MaxCUETotal = 8 << 20
	// MaxYAMLFile caps one file given to mongen vet (about 50 bytes of
	// memory per byte of rules).
	MaxYAMLFile = 8 << 20
	// MaxYAMLTotal caps all the files of one mongen vet.
	MaxYAMLTotal = 16 << 20
	// MaxImportTotal caps all the files of one mongen import, and so each
	// of them: the rules are written to one CUE file of about their size,
	// which must fit MaxCUEFile to build.
	MaxImportTotal = 2 << 20
	// MaxValuesFile caps a chart values file (platform.values).
	MaxValuesFile = 4 << 20
	// MaxOtherFile caps any other file mongen reads beside the CUE (a
	// file in an environment's directory the input cache hashes).
	MaxOtherFile = 16 << 20
)

// ErrNotRegular matches (errors.Is) the error for a named pipe, device,
// socket or directory where a file was expected.
var ErrNotRegular = errors.New("not a regular file")

// ErrTooLarge matches (errors.Is) the error for a file or a set of files
// over its limit.
var ErrTooLarge = errors.New("input over its size limit")

// Limit is the size limit of one kind of file.
type Limit struct {
	// Max is the largest size accepted, in bytes.
	Max int64
	// Kind names the files it applies to: "CUE file".
	Kind string
	// Fix says what to do with a file over the limit.
	Fix string
}

// CUE is the limit of one CUE file.
func CUE() Limit {
	return Limit{Max: MaxCUEFile, Kind: "CUE file", Fix: "split it into several files of the same package (CUE evaluation time and memory grow with the size of a file)"}
}

// YAML is the limit of one file given to mongen vet.
func YAML() Limit {
	return Limit{Max: MaxYAMLFile, Kind: "rule or configuration file", Fix: "split it and pass the parts to separate runs"}
}

// Import is the limit of one file given to mongen import.
func Import() Limit {
	return Limit{Max: MaxImportTotal, Kind: "file to import", Fix: "import its rule groups in parts, into several environments or packages (the CUE written from it would be over the 2 MiB limit of a CUE file)"}
}

// Values is the limit of a chart values file.
func Values() Limit {
	return Limit{Max: MaxValuesFile, Kind: "chart values file", Fix: "keep only the values mongen must know about in it (real ones are tens of kilobytes)"}
}

// Other is the limit of any other input file.
func Other() Limit {
	return Limit{Max: MaxOtherFile, Kind: "file in an environment's directory", Fix: "move it out of the environment's directory"}
}

// refused is the error for a refused file: a diag.List of one diagnostic
// at the file as the user names it (display), saying why and what to do;
// errors.Is matches kind (ErrNotRegular or ErrTooLarge).
func refused(display string, kind error, format string, args ...any) error {
	return diag.List{{Pos: diag.Pos{File: display}, Msg: fmt.Sprintf(format, args...), Cause: kind}}
}

// Refused reports whether err refuses a file (ErrNotRegular or
// ErrTooLarge).
func Refused(err error) bool {
	return errors.Is(err, ErrNotRegular) || errors.Is(err, ErrTooLarge)
}

// Check refuses name (shown as display) without reading it when it is not
// a regular file (following symlinks, as every reader does) or is larger
// than l.Max. It returns the file's size.
func (l Limit) Check(name, display string) (int64, error) {
	fi, err := os.Stat(name)
	if err != nil {
		return 0, err
	}
	if err := l.check(fi, display); err != nil {
		return 0, err
	}
	return fi.Size(), nil
}

// ReadFile reads name (shown as display in errors) whole, refusing it
// before reading when it is not a regular file or is larger than l.Max.
func (l Limit) ReadFile(name, display string) ([]byte, error) {
	f, err := os.OpenFile(name, os.O_RDONLY|openFlags, 0)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return nil, err
	}
	if err := l.check(fi, display); err != nil {
		return nil, err
	}
	// Room for the size Stat gave and a little more, as os.ReadFile does;
	// the limited reader stops a file that grows at Max+1 bytes.
	buf := make([]byte, 0, min(fi.Size(), l.Max)+512)
	r := io.LimitReader(f, l.Max+1)
	for {
		if len(buf) == cap(buf) {
			buf = append(buf, 0)[:len(buf)] // grow
		}
		n, err := r.Read(buf[len(buf):cap(buf)])
		buf = buf[:len(buf)+n]
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, err
		}
	}
	if int64(len(buf)) > l.Max {
		return nil, refused(display, ErrTooLarge, "grew past the %s limit of a %s while it was read: %s", Size(l.Max), l.Kind, l.Fix)
	}
	return buf, nil
}

func (l Limit) check(fi fs.FileInfo, display string) error {
	if !fi.Mode().IsRegular() {
		return NotRegular(display, fi.Mode())
	}
	if fi.Size() > l.Max {
		return refused(display, ErrTooLarge, "is %s, more than the %s limit of a %s: %s", Size(fi.Size()), Size(l.Max), l.Kind, l.Fix)
	}
	return nil
}

// NotRegular is the error for a file of the given mode where a regular
// file was expected.
func NotRegular(display string, mode fs.FileMode) error {
	var what string
	switch {
	case mode.IsDir():
		what = "a directory"
	case mode&fs.ModeNamedPipe != 0:
		what = "a named pipe (FIFO)"
	case mode&fs.ModeCharDevice != 0:
		what = "a character device"
	case mode&fs.ModeDevice != 0:
		what = "a device"
	case mode&fs.ModeSocket != 0:
		what = "a socket"
	default:
		what = "not a regular file (" + mode.Type().String() + ")"
	}
	return refused(display, ErrNotRegular, "is %s; mongen reads only regular files: name a regular file instead", what)
}

// Budget caps the total size of a set of files, each within its own
// Limit. The zero value has no room; make one with NewBudget.
type Budget struct {
	max       int64
	used      int64
	kind, fix string
}

// NewBudget returns a budget of max bytes for the files of kind ("the CUE
// files of one environment"), with what to do when they exceed it.
func NewBudget(max int64, kind, fix string) *Budget {
	return &Budget{max: max, kind: kind, fix: fix}
}

// CUEBudget is the budget of all the CUE files one environment loads.
func CUEBudget() *Budget {
	return NewBudget(MaxCUETotal, "the CUE files of one environment", "split the environment into several (evaluation memory grows with the CUE an environment loads)")
}

// YAMLBudget is the budget of the files of one mongen vet.
func YAMLBudget() *Budget {
	return NewBudget(MaxYAMLTotal, "the files of one run", "pass them to separate runs")
}

// ImportBudget is the budget of the files of one mongen import.
func ImportBudget() *Budget {
	return NewBudget(MaxImportTotal, "the files of one import", "import them in several runs, into separate environments")
}

// Take counts n bytes of display against the budget; the file that takes
// the total over the limit is named in the error.
func (b *Budget) Take(display string, n int64) error {
	b.used += n
	if b.used > b.max {
		return refused(display, ErrTooLarge, "brings %s to %s, more than their %s limit: %s", b.kind, Size(b.used), Size(b.max), b.fix)
	}
	return nil
}

// Size prints a byte count the way the limits are given: "2 MiB",
// "3.5 MiB", "700 KiB", "12 bytes".
func Size(n int64) string {
	switch {
	case n >= 1<<20:
		return trim(fmt.Sprintf("%.1f", float64(n)/(1<<20))) + " MiB"
	case n >= 1<<10:
		return trim(fmt.Sprintf("%.1f", float64(n)/(1<<10))) + " KiB"
	case n == 1:
		return "1 byte"
	}
	return fmt.Sprintf("%d bytes", n)
}

func trim(s string) string {
	if len(s) > 2 && s[len(s)-2:] == ".0" {
		return s[:len(s)-2]
	}
	return s
}
