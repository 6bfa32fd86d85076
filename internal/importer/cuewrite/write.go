package cuewrite

import (
	"fmt"
	"os"
	"path/filepath"
)

// Write puts the files into dir (environments/<env>). It refuses
// to overwrite an existing file unless force is set. A new directory is
// built beside its final place and renamed into it, so it appears whole or
// not at all; into an existing directory each file is written to a
// temporary name and renamed.
func Write(dir string, files map[string][]byte, force bool) ([]string, error) {
	names := sortedKeys(files)
	if err := gateFiles(dir, files); err != nil {
		return nil, err
	}
	st, err := os.Stat(dir)
	switch {
	case err == nil && !st.IsDir():
		return nil, fmt.Errorf("%s exists and is not a directory", dir)
	case err == nil:
		if !force {
			var existing []string
			for _, n := range names {
				if _, err := os.Stat(filepath.Join(dir, n)); err == nil {
					existing = append(existing, filepath.Join(dir, n))
				}
			}
			if len(existing) > 0 {
				return nil, fmt.Errorf("%s already exists: mongen import does not overwrite files unless --force is given", existing[0])
			}
		}
		for _, n := range names {
			if err := writeFileAtomic(filepath.Join(dir, n), files[n]); err != nil {
				return nil, err
			}
		}
	case os.IsNotExist(err):
		parent := filepath.Dir(dir)
		if err := os.MkdirAll(parent, 0o755); err != nil {
			return nil, fmt.Errorf("create %s: %w", parent, err)
		}
		tmp, err := os.MkdirTemp(parent, ".import-"+filepath.Base(dir)+"-")
		if err != nil {
			return nil, fmt.Errorf("create temporary directory: %w", err)
		}
		for _, n := range names {
			if err := os.WriteFile(filepath.Join(tmp, n), files[n], 0o644); err != nil {
				os.RemoveAll(tmp)
				return nil, fmt.Errorf("write %s: %w", n, err)
			}
		}
		if err := os.Chmod(tmp, 0o755); err != nil {
			os.RemoveAll(tmp)
			return nil, err
		}
		if err := os.Rename(tmp, dir); err != nil {
			os.RemoveAll(tmp)
			return nil, fmt.Errorf("move %s into place: %w", dir, err)
		}
	default:
		return nil, err
	}
	out := make([]string, len(names))
	for i, n := range names {
		out[i] = filepath.Join(dir, n)
	}
	return out, nil
}

func writeFileAtomic(path string, data []byte) error {
	f, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+"-")
	if err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	tmp := f.Name()
	if _, err := f.Write(data); err != nil {
		f.Close()
		os.Remove(tmp)
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err := f.Chmod(0o644); err != nil {
		f.Close()
		os.Remove(tmp)
		return err
	}
	if err := f.Close(); err != nil {
		os.Remove(tmp)
		return err
	}
	if err := os.Rename(tmp, path); err != nil {
		os.Remove(tmp)
		return fmt.Errorf("write %s: %w", path, err)
	}
	return nil
}
