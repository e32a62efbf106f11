package journal

import (
	"archive/tar"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strings"
	"time"
)

// Snapshot writes a consistent copy of the directory to w as a tar stream:
// FORMAT, seed, the checkpoint (if one was written), the journal's segments
// after it, and the directories Options.Beside names (the account's
// objects). Calls wait while it is taken (it holds the account's order), and
// the copy holds every call made before it, none made after. [Restore]
// unpacks it; opening the result loads the checkpoint and replays the
// segments, as opening the directory itself would.
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
	files := []string{"FORMAT", "seed", "checkpoint"}
	for _, n := range j.segs {
		files = append(files, "journal/"+filepath.Base(j.segFile(n)))
	}
	for _, dir := range j.opts.Beside {
		err := filepath.WalkDir(filepath.Join(j.dir, dir), func(p string, d fs.DirEntry, err error) error {
			if errors.Is(err, fs.ErrNotExist) && p == filepath.Join(j.dir, dir) {
				return nil // none written yet
			}
			if err != nil || d.IsDir() || !d.Type().IsRegular() {
				return err
			}
			rel, err := filepath.Rel(j.dir, p)
			files = append(files, filepath.ToSlash(rel))
			return err
		})
		if err != nil {
			return fmt.Errorf("journal: snapshot: %w", err)
		}
	}
	for _, name := range files {
		f, err := os.Open(filepath.Join(j.dir, filepath.FromSlash(name)))
		if errors.Is(err, os.ErrNotExist) && (strings.HasPrefix(name, "journal/") || name == "checkpoint") {
			continue // the active segment before Start; no checkpoint yet
		}
		if err != nil {
			return fmt.Errorf("journal: snapshot: %w", err)
		}
		err = snapshotFile(tw, name, f, j.snapshotLen(name))
		f.Close()
		if err != nil {
			return fmt.Errorf("journal: snapshot: %w", err)
		}
	}
	if err := tw.Close(); err != nil {
		return fmt.Errorf("journal: snapshot: %w", err)
	}
	return nil
}

// snapshotLen returns how much of file name Snapshot copies: the active
// segment's records, not the zeros written ahead of them (-1: all).
func (j *Journal) snapshotLen(name string) int64 {
	if j.f != nil && name == "journal/"+segName(j.lastSeg()) {
		return j.fSize
	}
	return -1
}

// snapshotFile writes file f to tw as name, its first n bytes (-1: all).
func snapshotFile(tw *tar.Writer, name string, f *os.File, n int64) error {
	st, err := f.Stat()
	if err != nil {
		return err
	}
	if n < 0 || n > st.Size() {
		n = st.Size()
	}
	if err := tw.WriteHeader(&tar.Header{Name: name, Mode: 0o644, Size: n, ModTime: time.Unix(0, 0), Typeflag: tar.TypeReg}); err != nil {
		return err
	}
	_, err = io.Copy(tw, io.LimitReader(f, n))
	return err
}

// Restore writes the snapshot read from r (see [Journal.Snapshot]) into
// dir, which must not exist or be empty; [Open] then opens it. beside are
// the directories besides the journal the snapshot may hold (the
// Options.Beside of the journal that wrote it).
//
// A snapshot that cannot be restored (unreadable, or holding what a
// snapshot does not) leaves dir as it was: what Restore wrote is removed.
func Restore(r io.Reader, dir string, beside ...string) error {
	ents, err := os.ReadDir(dir)
	if err == nil && len(ents) > 0 {
		return fmt.Errorf("journal: restore: %s is not empty", dir)
	}
	existed := err == nil
	if err := restore(r, dir, beside); err != nil {
		if existed {
			written, _ := os.ReadDir(dir)
			for _, e := range written {
				os.RemoveAll(filepath.Join(dir, e.Name()))
			}
		} else {
			os.RemoveAll(dir)
		}
		return err
	}
	return nil
}

// restore is Restore into dir, empty or missing.
func restore(r io.Reader, dir string, beside []string) error {
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
		ok := name == "FORMAT" || name == "seed" || name == "checkpoint"
		if base, found := strings.CutPrefix(name, "journal/"); found {
			plain := strings.TrimSuffix(base, zstSuffix)
			ok = len(plain) == 12 && strings.HasSuffix(plain, ".log") && !strings.Contains(base, "/")
		}
		if top, _, found := strings.Cut(name, "/"); found && slices.Contains(beside, top) {
			ok = filepath.IsLocal(filepath.FromSlash(name)) && name == h.Name
		}
		if !ok || h.Typeflag != tar.TypeReg {
			return fmt.Errorf("journal: restore: unexpected entry %q in the snapshot", h.Name)
		}
		if name == "FORMAT" {
			b, err := io.ReadAll(io.LimitReader(tr, 1<<10))
			if err != nil {
				return fmt.Errorf("journal: restore: reading the snapshot: %w", err)
			}
			format, formatBody = true, b // written last: it marks the directory initialised
			continue
		}
		if err := restoreFile(filepath.Join(dir, filepath.FromSlash(name)), tr); err != nil {
			return err
		}
	}
	if !format {
		return errors.New("journal: restore: the snapshot has no FORMAT")
	}
	for _, d := range []string{filepath.Join(dir, "journal"), dir} {
		if err := syncDir(d); err != nil {
			return err
		}
	}
	return writeFileSync(filepath.Join(dir, "FORMAT"), formatBody)
}

// restoreFile writes p (and its directories) from r and fsyncs it.
func restoreFile(p string, r io.Reader) error {
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		return fmt.Errorf("journal: restore: %w", err)
	}
	f, err := os.OpenFile(p, os.O_CREATE|os.O_EXCL|os.O_WRONLY, 0o644)
	if err != nil {
		return fmt.Errorf("journal: restore: %w", err)
	}
	_, err = io.Copy(f, r)
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return fmt.Errorf("journal: restore: %w", err)
	}
	return nil
}
