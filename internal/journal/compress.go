package journal

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"sync"

	"github.com/klauspost/compress/zstd"
)

// Sealed segments are compressed. A segment is sealed when the journal moves
// on to the next one; from then on it never changes, so the writer goroutine
// compresses it whole, when it has no record to write, into
// NNNNNNNN.log.zst: one zstd frame (with its content checksum) whose content
// is the segment's bytes, unchanged. The compressed file is written beside
// the segment, fsynced, renamed into place and its directory fsynced before
// the segment is removed, so a crash at any point leaves one complete form
// (or both, and the compressed one is read). Records repeat most of their
// bytes (names, dimensions, the records' heads, log lines), so a segment
// shrinks several-fold; the random part of metric values does not compress.
//
// Reading prefers the compressed form. A compressed form that does not
// decode (damage on disk) is recovered like a damaged segment: what decodes
// before the damage is kept as a plain segment, the file is set aside as
// *.damaged, and the later segments too (see the package comment).

// zstSuffix ends the name of a compressed segment.
const zstSuffix = ".zst"

func (j *Journal) zstPath(n int) string { return j.segPath(n) + zstSuffix }

// maxSegmentContent bounds what a compressed segment may decode to: a
// segment closes past SegmentSize, so it holds at most that plus one record.
func (j *Journal) maxSegmentContent() uint64 {
	return uint64(j.opts.SegmentSize) + maxRecord + headerSize
}

var (
	zstdEncOnce sync.Once
	zstdEnc     *zstd.Encoder
	zstdEncMu   sync.Mutex // guards zstdEnc's use (one segment at a time)
)

// compressBytes compresses a sealed segment's bytes.
func compressBytes(b []byte) []byte {
	zstdEncOnce.Do(func() {
		var err error
		zstdEnc, err = zstd.NewWriter(nil, zstd.WithEncoderConcurrency(1), zstd.WithEncoderCRC(true),
			zstd.WithEncoderLevel(zstd.SpeedDefault))
		if err != nil {
			panic("journal: zstd: " + err.Error())
		}
	})
	zstdEncMu.Lock()
	defer zstdEncMu.Unlock()
	return zstdEnc.EncodeAll(b, make([]byte, 0, len(b)/4))
}

// decompressBytes decodes a compressed segment. On damage it returns what
// decoded before it with the error.
func decompressBytes(b []byte, limit uint64) ([]byte, error) {
	opts := []zstd.DOption{zstd.WithDecoderConcurrency(1), zstd.WithDecoderMaxMemory(limit), zstd.WithDecoderMaxWindow(64 << 20)}
	var h zstd.Header
	if h.Decode(b) == nil && h.HasFCS && h.FrameContentSize <= limit {
		// The frame says its size (ours do): decode in one allocation.
		d, err := zstd.NewReader(nil, opts...)
		if err != nil {
			return nil, err
		}
		out, err := d.DecodeAll(b, make([]byte, 0, h.FrameContentSize))
		d.Close()
		if err == nil {
			return out, nil
		}
	}
	// Stream it, to keep what decodes before damage.
	d, err := zstd.NewReader(bytes.NewReader(b), opts...)
	if err != nil {
		return nil, err
	}
	defer d.Close()
	var out bytes.Buffer
	_, err = io.Copy(&out, d)
	return out.Bytes(), err
}

// segRead is what loadSegment read of a segment.
type segRead struct {
	data []byte
	// zerr: the compressed form did not decode (data is what decoded
	// before the damage); plain: the plain form was read instead of it.
	zerr  error
	plain bool
	err   error // the segment cannot be read
}

// loadSegment reads segment n, from its compressed form if it has one. It
// only reads (Replay runs it ahead, on another goroutine, for the next
// segment while it replays one); readSegment acts on what it found.
func (j *Journal) loadSegment(n int) segRead {
	zb, err := os.ReadFile(j.zstPath(n))
	if err == nil {
		data, derr := decompressBytes(zb, j.maxSegmentContent())
		if derr == nil {
			return segRead{data: data}
		}
		if plain, err := os.ReadFile(j.segPath(n)); err == nil {
			return segRead{data: plain, zerr: derr, plain: true}
		}
		return segRead{data: data, zerr: derr}
	}
	if !errors.Is(err, os.ErrNotExist) {
		return segRead{err: fmt.Errorf("journal: %w", err)}
	}
	data, err := os.ReadFile(j.segPath(n))
	if err != nil {
		return segRead{err: fmt.Errorf("journal: %w", err)}
	}
	return segRead{data: data}
}

// readSegment returns the bytes of segment n as loadSegment read them (r).
// damaged is set when the compressed form does not decode and there is no
// plain form to fall back on: data is then what decoded before the damage,
// now also written as the plain segment (and the compressed file renamed
// *.damaged), so that the repair works on the plain file.
func (j *Journal) readSegment(n int, r segRead) (data []byte, damaged error, err error) {
	if r.err != nil {
		return nil, nil, r.err
	}
	if r.zerr == nil {
		return r.data, nil, nil
	}
	if r.plain {
		// A crash during compression left both forms; the plain one is
		// whole (it is removed only after the other is).
		j.log.Warn("journal: a compressed segment does not decode; reading its plain form", "segment", j.zstPath(n), "err", r.zerr.Error())
		if err := os.Rename(j.zstPath(n), j.zstPath(n)+".damaged"); err != nil {
			return nil, nil, fmt.Errorf("journal: %w", err)
		}
		return r.data, nil, nil
	}
	if err := writeFileSync(j.segPath(n), r.data); err != nil {
		return nil, nil, err
	}
	if err := os.Rename(j.zstPath(n), j.zstPath(n)+".damaged"); err != nil {
		return nil, nil, fmt.Errorf("journal: %w", err)
	}
	if err := syncDir(filepath.Dir(j.segPath(n))); err != nil {
		return nil, nil, err
	}
	return r.data, fmt.Errorf("%w: compressed segment: %v (%d bytes decoded before it)", errDamaged, r.zerr, len(r.data)), nil
}

// segFile returns the path of segment n as it is on disk: its compressed
// form if it has one.
func (j *Journal) segFile(n int) string {
	if _, err := os.Stat(j.zstPath(n)); err == nil {
		return j.zstPath(n)
	}
	return j.segPath(n)
}

// compressSegment writes the compressed form of sealed segment n and removes
// its plain form. It runs on the writer goroutine without flushMu (segment
// n no longer changes) except for the removal, which Snapshot must not see
// half done.
func (j *Journal) compressSegment(n int) error {
	plain, err := os.ReadFile(j.segPath(n))
	if errors.Is(err, os.ErrNotExist) {
		return nil // already compressed
	}
	if err != nil {
		return err
	}
	if err := writeFileSync(j.zstPath(n), compressBytes(plain)); err != nil {
		return err
	}
	j.flushMu.Lock()
	defer j.flushMu.Unlock()
	if !slices.Contains(j.segs, n) {
		// A checkpoint covered it and removed it meanwhile.
		os.Remove(j.zstPath(n))
		return nil
	}
	if err := os.Remove(j.segPath(n)); err != nil {
		return err
	}
	return syncDir(filepath.Dir(j.segPath(n)))
}

// compressSealed compresses the sealed segments waiting for it, while no
// record waits to be written (a record arriving stops it between segments).
func (j *Journal) compressSealed() {
	for {
		j.flushMu.Lock()
		if len(j.sealed) == 0 || j.compressErr != nil {
			j.flushMu.Unlock()
			return
		}
		n := j.sealed[0]
		j.flushMu.Unlock()
		err := j.compressSegment(n)
		j.flushMu.Lock()
		if err != nil {
			// Leave it plain (it reads the same); try no more this run.
			j.compressErr = err
			j.log.Warn("journal: compressing a sealed segment failed; it stays uncompressed", "segment", j.segPath(n), "err", err.Error())
		} else if len(j.sealed) > 0 && j.sealed[0] == n {
			j.sealed = j.sealed[1:] // (a checkpoint may have removed it from the list meanwhile)
		}
		j.flushMu.Unlock()
		if len(j.kick) > 0 {
			return
		}
	}
}
