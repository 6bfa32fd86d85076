package inputcache

import (
	"bytes"
	"crypto/sha256"
	"debug/elf"
	"encoding/hex"
	"fmt"
	"io"
	"os"
	"runtime/debug"
)

// BinaryID identifies the running mongen: its Go build ID (a hash the Go
// toolchain computes over everything linked in, the embedded schemas and
// library included, so any code change gives a new one) and its build
// info (version, VCS revision, dependency versions). A binary without a
// build ID is hashed whole, which is slower but as safe.
func BinaryID() (string, error) {
	exe, err := os.Executable()
	if err != nil {
		return "", fmt.Errorf("find the mongen executable: %w", err)
	}
	id, err := buildID(exe)
	if err != nil {
		return "", err
	}
	info := "no build info"
	if bi, ok := debug.ReadBuildInfo(); ok {
		info = bi.String()
	}
	return id + "\n" + info, nil
}

// buildIDMarker precedes the build ID Go writes at the start of the text
// segment of every executable it links (cmd/internal/buildid).
var buildIDMarker = []byte("\xff Go build ID: \"")

// buildID reads the build ID from the first bytes of the executable, or
// hashes the whole file when there is none.
func buildID(exe string) (string, error) {
	if id, ok := elfBuildID(exe); ok {
		return "go-build-id " + id, nil
	}
	f, err := os.Open(exe)
	if err != nil {
		return "", fmt.Errorf("read the mongen executable: %w", err)
	}
	defer f.Close()
	head := make([]byte, 64<<10)
	n, err := io.ReadFull(f, head)
	if err != nil && err != io.ErrUnexpectedEOF {
		return "", fmt.Errorf("read the mongen executable: %w", err)
	}
	head = head[:n]
	if i := bytes.Index(head, buildIDMarker); i >= 0 {
		rest := head[i+len(buildIDMarker):]
		if j := bytes.IndexByte(rest, '"'); j > 0 {
			return "go-build-id " + string(rest[:j]), nil
		}
	}
	if _, err := f.Seek(0, io.SeekStart); err != nil {
		return "", fmt.Errorf("read the mongen executable: %w", err)
	}
	h := sha256.New()
	if _, err := io.Copy(h, f); err != nil {
		return "", fmt.Errorf("read the mongen executable: %w", err)
	}
	return "sha256 " + hex.EncodeToString(h.Sum(nil)), nil
}

// elfBuildID reads the build ID from an ELF executable's .note.go.buildid
// section: namesz, descsz and type (4 bytes each), "Go\x00\x00", the ID.
func elfBuildID(exe string) (string, bool) {
	f, err := elf.Open(exe)
	if err != nil {
		return "", false
	}
	defer f.Close()
	sec := f.Section(".note.go.buildid")
	if sec == nil {
		return "", false
	}
	data, err := sec.Data()
	if err != nil || len(data) < 16 {
		return "", false
	}
	order := f.ByteOrder
	namesz, descsz := order.Uint32(data), order.Uint32(data[4:])
	start := 12 + (namesz+3)&^3
	if namesz != 4 || string(data[12:15]) != "Go\x00" || uint64(start)+uint64(descsz) > uint64(len(data)) || descsz == 0 {
		return "", false
	}
	return string(data[start : start+descsz]), true
}
