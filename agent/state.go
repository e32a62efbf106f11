package agent

import (
	"fmt"
	"hash/crc32"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
)

// fileID identifies a file across renames: its device and inode (zero
// where the platform has none; then only paths identify files).
type fileID struct{ dev, ino uint64 }

// offsetState is what the state directory keeps per log file path: how far
// the file's lines have been delivered (or dropped by a filter), and which
// file that was. Like the agent, which keeps one state file per tailed path
// in its state folder holding the offset and the path, it writes one small
// file per path, named after the path with "/", " " and ":" replaced by "_";
// the third line (device and inode) lets a restart tell a rotated file from
// the one it was reading.
type offsetState struct {
	offset int64
	id     fileID
	// fpLen and fp fingerprint the file: the CRC-32 of its first fpLen bytes
	// (at most fingerprintBytes) as they were read. Inodes are reused: a file
	// deleted and another created may share one, and the fingerprint tells
	// them apart.
	fpLen int64
	fp    uint32
}

// fingerprintBytes is how much of a file's beginning its fingerprint covers.
const fingerprintBytes = 1024

type stateStore struct{ dir string }

func stateFileName(path string) string {
	return strings.NewReplacer("/", "_", "\\", "_", " ", "_", ":", "_").Replace(path)
}

func (s stateStore) load(path string) (offsetState, bool) {
	if s.dir == "" {
		return offsetState{}, false
	}
	b, err := os.ReadFile(filepath.Join(s.dir, stateFileName(path)))
	if err != nil {
		return offsetState{}, false
	}
	lines := strings.Split(string(b), "\n")
	if len(lines) < 2 || lines[1] != path {
		return offsetState{}, false
	}
	off, err := strconv.ParseInt(strings.TrimSpace(lines[0]), 10, 64)
	if err != nil || off < 0 {
		return offsetState{}, false
	}
	st := offsetState{offset: off}
	if len(lines) > 2 {
		fmt.Sscanf(lines[2], "%d %d %d %d", &st.id.dev, &st.id.ino, &st.fpLen, &st.fp)
	}
	return st, true
}

// remove forgets a path's state (its file is gone).
func (s stateStore) remove(path string) {
	if s.dir != "" {
		os.Remove(filepath.Join(s.dir, stateFileName(path)))
	}
}

// fingerprint is the CRC-32 of the first n bytes of f.
func fingerprint(f io.ReaderAt, n int64) (uint32, bool) {
	b := make([]byte, n)
	if _, err := f.ReadAt(b, 0); err != nil && !(err == io.EOF && n == 0) {
		return 0, false
	}
	return crc32.ChecksumIEEE(b), true
}

// save writes the state atomically (a temporary file renamed over the old).
func (s stateStore) save(path string, st offsetState) error {
	if s.dir == "" {
		return nil
	}
	if err := os.MkdirAll(s.dir, 0o755); err != nil {
		return err
	}
	name := filepath.Join(s.dir, stateFileName(path))
	tmp := name + ".tmp"
	data := fmt.Sprintf("%d\n%s\n%d %d %d %d\n", st.offset, path, st.id.dev, st.id.ino, st.fpLen, st.fp)
	if err := os.WriteFile(tmp, []byte(data), 0o644); err != nil {
		return err
	}
	return os.Rename(tmp, name)
}
