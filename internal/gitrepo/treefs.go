package gitrepo

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"path"
	"sort"
	"sync"
	"time"

	"github.com/go-git/go-git/v5"
	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/filemode"
	"github.com/go-git/go-git/v5/plumbing/object"
)

// treeFS is a git tree as a read-only fs.FS. The directory structure is
// read once, up front; file contents are read on demand. go-git's object
// storage is not documented as safe for concurrent use, so every read of
// it holds mu.
type treeFS struct {
	mu    sync.Mutex
	repo  *git.Repository
	nodes map[string]*node // by slash path; "." is the root
	mtime time.Time
	// blobs caches contents read: several environments compiled from one
	// revision read the same files.
	blobs map[plumbing.Hash][]byte
}

type node struct {
	name     string
	dir      bool
	mode     filemode.FileMode
	hash     plumbing.Hash
	children []string // names, sorted (directories only)
	size     int64    // -1 until read
}

func newTreeFS(repo *git.Repository, tree *object.Tree, mtime time.Time) (*treeFS, error) {
	t := &treeFS{repo: repo, nodes: map[string]*node{".": {name: ".", dir: true}}, mtime: mtime, blobs: map[plumbing.Hash][]byte{}}
	w := object.NewTreeWalker(tree, true, nil)
	defer w.Close()
	for {
		name, e, err := w.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, fmt.Errorf("read tree: %w", err)
		}
		switch e.Mode {
		case filemode.Submodule:
			continue // a commit of another repository: not files here
		case filemode.Dir:
			t.nodes[name] = &node{name: e.Name, dir: true, mode: e.Mode, hash: e.Hash}
		default:
			t.nodes[name] = &node{name: e.Name, mode: e.Mode, hash: e.Hash, size: -1}
		}
		parent := path.Dir(name)
		if p, ok := t.nodes[parent]; ok {
			p.children = append(p.children, e.Name)
		}
	}
	for _, n := range t.nodes {
		sort.Strings(n.children)
	}
	return t, nil
}

func (t *treeFS) lookup(op, name string) (*node, error) {
	if !fs.ValidPath(name) {
		return nil, &fs.PathError{Op: op, Path: name, Err: fs.ErrInvalid}
	}
	n, ok := t.nodes[name]
	if !ok {
		return nil, &fs.PathError{Op: op, Path: name, Err: fs.ErrNotExist}
	}
	return n, nil
}

// Open implements fs.FS.
func (t *treeFS) Open(name string) (fs.File, error) {
	n, err := t.lookup("open", name)
	if err != nil {
		return nil, err
	}
	if n.dir {
		entries := make([]fs.DirEntry, len(n.children))
		for i, c := range n.children {
			entries[i] = dirEntry{fs: t, path: path.Join(name, c)}
		}
		return &dirFile{info: t.info(n), entries: entries}, nil
	}
	data, err := t.read(n)
	if err != nil {
		return nil, &fs.PathError{Op: "open", Path: name, Err: err}
	}
	return &file{Reader: bytes.NewReader(data), info: t.info(n)}, nil
}

// ReadFile implements fs.ReadFileFS.
func (t *treeFS) ReadFile(name string) ([]byte, error) {
	n, err := t.lookup("read", name)
	if err != nil {
		return nil, err
	}
	if n.dir {
		return nil, &fs.PathError{Op: "read", Path: name, Err: errors.New("is a directory")}
	}
	data, err := t.read(n)
	if err != nil {
		return nil, &fs.PathError{Op: "read", Path: name, Err: err}
	}
	return bytes.Clone(data), nil // the caller may write to it
}

// Stat implements fs.StatFS.
func (t *treeFS) Stat(name string) (fs.FileInfo, error) {
	n, err := t.lookup("stat", name)
	if err != nil {
		return nil, err
	}
	return t.info(n), nil
}

func (t *treeFS) read(n *node) ([]byte, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if data, ok := t.blobs[n.hash]; ok {
		return data, nil
	}
	blob, err := t.repo.BlobObject(n.hash)
	if err != nil {
		return nil, err
	}
	r, err := blob.Reader()
	if err != nil {
		return nil, err
	}
	defer r.Close()
	data, err := io.ReadAll(r)
	if err != nil {
		return nil, err
	}
	n.size = int64(len(data))
	t.blobs[n.hash] = data
	return data, nil
}

func (t *treeFS) info(n *node) fileInfo {
	fi := fileInfo{name: n.name, dir: n.dir, mtime: t.mtime}
	if n.dir {
		return fi
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	if n.size < 0 {
		if blob, err := t.repo.BlobObject(n.hash); err == nil {
			n.size = blob.Size
		}
	}
	fi.size = n.size
	switch n.mode {
	case filemode.Executable:
		fi.mode = 0o555
	case filemode.Symlink:
		fi.mode = fs.ModeSymlink | 0o444
	default:
		fi.mode = 0o444
	}
	return fi
}

type fileInfo struct {
	name  string
	dir   bool
	size  int64
	mode  fs.FileMode
	mtime time.Time
}

func (fi fileInfo) Name() string       { return path.Base(fi.name) }
func (fi fileInfo) Size() int64        { return fi.size }
func (fi fileInfo) ModTime() time.Time { return fi.mtime }
func (fi fileInfo) IsDir() bool        { return fi.dir }
func (fi fileInfo) Sys() any           { return nil }
func (fi fileInfo) Mode() fs.FileMode {
	if fi.dir {
		return fs.ModeDir | 0o555
	}
	return fi.mode
}

type dirEntry struct {
	fs   *treeFS
	path string
}

func (d dirEntry) node() *node                { return d.fs.nodes[d.path] }
func (d dirEntry) Name() string               { return d.node().name }
func (d dirEntry) IsDir() bool                { return d.node().dir }
func (d dirEntry) Type() fs.FileMode          { return d.fs.infoType(d.node()) }
func (d dirEntry) Info() (fs.FileInfo, error) { return d.fs.info(d.node()), nil }

// infoType is the type bits of n's mode, without reading its blob.
func (t *treeFS) infoType(n *node) fs.FileMode {
	switch {
	case n.dir:
		return fs.ModeDir
	case n.mode == filemode.Symlink:
		return fs.ModeSymlink
	}
	return 0
}

type file struct {
	*bytes.Reader
	info fileInfo
}

func (f *file) Stat() (fs.FileInfo, error) { return f.info, nil }
func (f *file) Close() error               { return nil }

type dirFile struct {
	info    fileInfo
	entries []fs.DirEntry
	off     int
}

func (d *dirFile) Stat() (fs.FileInfo, error) { return d.info, nil }
func (d *dirFile) Close() error               { return nil }
func (d *dirFile) Read([]byte) (int, error) {
	return 0, &fs.PathError{Op: "read", Path: d.info.name, Err: errors.New("is a directory")}
}

// ReadDir implements fs.ReadDirFile.
func (d *dirFile) ReadDir(n int) ([]fs.DirEntry, error) {
	rest := d.entries[d.off:]
	if n <= 0 {
		d.off = len(d.entries)
		return rest, nil
	}
	if len(rest) == 0 {
		return nil, io.EOF
	}
	n = min(n, len(rest))
	d.off += n
	return rest[:n], nil
}
