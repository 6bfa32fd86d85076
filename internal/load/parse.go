package load

import (
	"bytes"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"sync/atomic"

	"cuelang.org/go/cue/ast"
	"cuelang.org/go/cue/parser"
)

// aheadParser parses an environment directory's CUE files on a second
// core while cue/load, which parses each file when it reaches it, one
// after another, asks for them (cueload.Config.ParseFile). A large
// environment is megabytes of CUE: parsing was about 0.26 of the loader's
// 0.33 CPU-seconds on one core.
//
// The loader gets a file parsed ahead only when it asks with the same
// name, bytes and parser configuration the file was parsed with; anything
// else it parses itself. The parser is a function of those three, so the
// loader sees the syntax it would have parsed.
type aheadParser struct {
	files   map[string]*aheadFile // by the absolute name the loader uses
	order   []*aheadFile          // the helper's order: the loader's, reversed
	started sync.Once
	stopped atomic.Bool
	helper  sync.WaitGroup
}

type aheadFile struct {
	name    string
	src     []byte
	claimed atomic.Bool   // by the loader or the helper, whichever is first
	served  atomic.Bool   // the helper's syntax went to the loader
	done    chan struct{} // closed once file and err are set
	cfg     parser.Config
	file    *ast.File
	err     error
}

// newAheadParser reads dir's .cue files from disk or, when overlay is not
// nil, takes only overlay's files in dir (by absolute name); a file it
// cannot read is left to the loader, which reports it.
func newAheadParser(dir string, overlay map[string][]byte) *aheadParser {
	p := &aheadParser{files: map[string]*aheadFile{}}
	var names []string
	if overlay != nil {
		for name := range overlay {
			if filepath.Dir(name) == dir && loadable(filepath.Base(name)) {
				names = append(names, name)
			}
		}
	} else if entries, err := os.ReadDir(dir); err == nil {
		for _, e := range entries {
			if e.Type().IsRegular() && loadable(e.Name()) {
				names = append(names, filepath.Join(dir, e.Name()))
			}
		}
	}
	slices.Sort(names)
	for _, name := range names {
		src, ok := overlay[name]
		if overlay == nil {
			var err error
			src, err = os.ReadFile(name)
			ok = err == nil
		}
		if !ok {
			continue
		}
		f := &aheadFile{name: name, src: src, done: make(chan struct{})}
		p.files[name] = f
		p.order = append(p.order, f)
	}
	slices.Reverse(p.order)
	return p
}

// parseFile is the loader's cueload.Config.ParseFile.
func (p *aheadParser) parseFile(name string, src any, cfg parser.Config) (*ast.File, error) {
	f := p.files[name]
	b, isBytes := src.([]byte)
	if f == nil || !isBytes {
		return parser.ParseFile(name, src, cfg)
	}
	if cfg.Mode&(parser.PackageClauseOnly|parser.ImportsOnly) != 0 {
		// The loader reads every file's package clause and imports
		// first, then parses the files whole: the helper starts at the
		// first header, parsing whole as the loader will.
		p.started.Do(func() {
			whole := wholeFile(cfg)
			p.helper.Go(func() { p.parseAhead(whole) })
		})
		return parser.ParseFile(name, b, cfg)
	}
	p.started.Do(func() { p.helper.Go(func() { p.parseAhead(cfg) }) })
	if f.claimed.CompareAndSwap(false, true) {
		defer close(f.done)
		return parser.ParseFile(name, b, cfg)
	}
	<-f.done
	// A syntax tree goes to the loader once, as a parse of its own would:
	// should it ask again, it gets a new one.
	if f.cfg == cfg && bytes.Equal(f.src, b) && f.served.CompareAndSwap(false, true) {
		return f.file, f.err
	}
	return parser.ParseFile(name, b, cfg)
}

// wholeFile is the configuration cue/load v0.17 parses a whole file with,
// given the one it read the file's header with: comments kept, the same
// language version. Should a later loader parse otherwise, parseFile finds
// the configurations differ and parses the file itself.
func wholeFile(header parser.Config) parser.Config {
	whole := header
	whole.Mode = header.Mode&^(parser.PackageClauseOnly|parser.ImportsOnly) | parser.ParseComments
	return whole
}

// parseAhead parses every file the loader has not asked for yet.
func (p *aheadParser) parseAhead(cfg parser.Config) {
	for _, f := range p.order {
		if p.stopped.Load() {
			return
		}
		if !f.claimed.CompareAndSwap(false, true) {
			continue
		}
		f.cfg = cfg
		f.file, f.err = parser.ParseFile(f.name, f.src, cfg)
		close(f.done)
	}
}

// stop ends the helper once the loader is done: a file the loader did not
// ask for (another package's, say) need not be parsed. The instances keep
// parseFile, so the files are let go of; a later call parses itself. It
// returns how many files the loader took from the helper (0 once
// stopped).
func (p *aheadParser) stop() (served int) {
	p.stopped.Store(true)
	p.helper.Wait()
	for _, f := range p.order {
		if f.served.Load() {
			served++
		}
	}
	p.files, p.order = nil, nil
	return served
}

// loadable is a file name cue/load reads: a .cue file not hidden by a
// leading "." or "_".
func loadable(name string) bool {
	return strings.HasSuffix(name, ".cue") && !strings.HasPrefix(name, ".") && !strings.HasPrefix(name, "_")
}
