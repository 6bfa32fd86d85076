package inputcache

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/mongen-dev/mongen/internal/artifact"
)

// OutFile is one output file and the SHA-256 of its bytes.
type OutFile struct {
	Path   string `json:"path"`
	SHA256 string `json:"sha256"`
}

// Manifest lists a rendered tree's files with their hashes, by path.
func Manifest(tree *artifact.Tree) []OutFile {
	files := tree.Files()
	out := make([]OutFile, len(files))
	for i, f := range files {
		sum := sha256.Sum256(f.Data)
		out[i] = OutFile{Path: f.Path, SHA256: hex.EncodeToString(sum[:])}
	}
	return out
}

// Matches reports whether dir holds exactly the files of want, byte for
// byte (by SHA-256), and nothing else: what write.Compare would find
// empty. Anything unexpected (a symlink, an unreadable file) is a
// mismatch, so the build runs and reports it.
func Matches(dir string, want []OutFile) bool {
	byPath := make(map[string]string, len(want))
	for _, f := range want {
		byPath[f.Path] = f.SHA256
	}
	seen := 0
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			return nil
		}
		if !d.Type().IsRegular() {
			return errMismatch
		}
		rel, err := filepath.Rel(dir, p)
		if err != nil {
			return err
		}
		sum, ok := byPath[filepath.ToSlash(rel)]
		if !ok {
			return errMismatch
		}
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		got := sha256.Sum256(data)
		if hex.EncodeToString(got[:]) != sum {
			return errMismatch
		}
		seen++
		return nil
	})
	if errors.Is(err, fs.ErrNotExist) {
		return len(want) == 0 && !exists(dir)
	}
	return err == nil && seen == len(want)
}

var errMismatch = errors.New("output differs")

func exists(p string) bool {
	_, err := os.Lstat(p)
	return err == nil
}
