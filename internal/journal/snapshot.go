package journal

import (
	"archive/tar"
	"errors"
	"fmt"
	"io"
	"os"
	"path"
	"path/filepath"
	"strings"
	"time"
)

// Snapshot writes a consistent copy of the directory's FORMAT, seed and
// journal to w as a tar stream: calls wait while it is taken (it holds the
// account's order), and the copy holds every call made before it. The
// objects (CloudTrail and Config files) are not in it: replaying the journal
// writes them again.
func (j *Journal) Snapshot(w io.Writer) error {
	j.mu.Lock()
	defer j.mu.Unlock()
	if j.closed {
		return errors.New("journal: closed")
	}
	j.flushMu.Lock()
	defer j.flushMu.Unlock()
	j.flushLocked(false)
	if j.writeErr != nil {
		return fmt.Errorf("journal: snapshot: %w", j.writeErr)
	}
	tw := tar.NewWriter(w)
	files := []string{"FORMAT", "seed"}
	for _, n := range j.segs {
		files = append(files, "journal/"+filepath.Base(j.segFile(n)))
	}
	for _, name := range files {
		b, err := os.ReadFile(filepath.Join(j.dir, filepath.FromSlash(name)))
		if errors.Is(err, os.ErrNotExist) && strings.HasPrefix(name, "journal/") {
			continue // the active segment before Start
		}
		if err != nil {
			return fmt.Errorf("journal: snapshot: %w", err)
		}
		if j.f != nil && name == "journal/"+segName(j.lastSeg()) && int64(len(b)) > j.fSize {
			b = b[:j.fSize] // not the zeros written ahead
		}
		if err := tw.WriteHeader(&tar.Header{Name: name, Mode: 0o644, Size: int64(len(b)), ModTime: time.Unix(0, 0), Typeflag: tar.TypeReg}); err != nil {
			return fmt.Errorf("journal: snapshot: %w", err)
		}
		if _, err := tw.Write(b); err != nil {
			return fmt.Errorf("journal: snapshot: %w", err)
		}
	}
	if err := tw.Close(); err != nil {
		return fmt.Errorf("journal: snapshot: %w", err)
	}
	return nil
}

// Restore writes the snapshot read from r (see [Journal.Snapshot]) into
// dir, which must not exist or be empty; [Open] then opens it.
func Restore(r io.Reader, dir string) error {
	if ents, err := os.ReadDir(dir); err == nil && len(ents) > 0 {
		return fmt.Errorf("journal: restore: %s is not empty", dir)
	}
	if err := os.MkdirAll(filepath.Join(dir, "journal"), 0o755); err != nil {
		return fmt.Errorf("journal: restore: %w", err)
	}
	tr := tar.NewReader(r)
	var format bool
	var formatBody []byte
	for {
		h, err := tr.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			return fmt.Errorf("journal: restore: reading the snapshot: %w", err)
		}
		name := path.Clean(h.Name)
		ok := name == "FORMAT" || name == "seed"
		if base, found := strings.CutPrefix(name, "journal/"); found {
			plain := strings.TrimSuffix(base, zstSuffix)
			ok = len(plain) == 12 && strings.HasSuffix(plain, ".log") && !strings.Contains(base, "/")
		}
		if !ok || h.Typeflag != tar.TypeReg {
			return fmt.Errorf("journal: restore: unexpected entry %q in the snapshot", h.Name)
		}
		b, err := io.ReadAll(tr)
		if err != nil {
			return fmt.Errorf("journal: restore: reading the snapshot: %w", err)
		}
		if name == "FORMAT" {
			format, formatBody = true, b // written last: it marks the directory initialised
			continue
		}
		if err := writeFileSync(filepath.Join(dir, filepath.FromSlash(name)), b); err != nil {
			return err
		}
	}
	if !format {
		return errors.New("journal: restore: the snapshot has no FORMAT")
	}
	return writeFileSync(filepath.Join(dir, "FORMAT"), formatBody)
}
