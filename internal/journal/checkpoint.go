package journal

import (
	"bufio"
	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc32"
	"io"
	"os"
	"path/filepath"
	"slices"
	"time"

	"github.com/klauspost/compress/zstd"
)

// Checkpoints. [Journal.Checkpoint] (which the account calls as it
// closes, before closing its services, and when its user asks), when
// Options.SaveState is set, begins a new segment and writes DIR/checkpoint:
// the account's whole state (what SaveState writes: every service's state,
// the ID source's position, the clock's pending timers) as of the last
// record, with that record's sequence number and the position after it in
// the journal (segment number and offset in the segment's content: the new
// segment's start). It then removes the segments before that position. Opening
// loads the checkpoint with Options.LoadState instead of replaying the
// records before it, and replays only those after it (a crash after the
// checkpoint leaves some).
//
// Layout: "LWCKPT01", the sequence number (8 bytes), the segment number (8),
// the offset (8) and the clock's time (Unix ns, 8), little-endian; then the
// state, zstd-compressed; then a CRC-32C (4 bytes) of everything before it.
// It is written to checkpoint.tmp, fsynced and renamed, so a crash leaves
// the previous checkpoint or the new one whole; the covered segments are
// removed only once the new one is in place.
//
// A checkpoint that cannot be read is reported and the whole journal
// replayed, when the journal still begins at segment 1; otherwise, and when
// a service refuses a checkpoint, the open fails with an error naming what
// to do (see the package comment).

const checkpointMagic = "LWCKPT01"

// checkpointHeader is the fixed part of a checkpoint file.
type checkpointHeader struct {
	Seq     uint64
	Segment int
	Offset  int64
	Time    time.Time
}

func (j *Journal) checkpointPath() string { return filepath.Join(j.dir, "checkpoint") }

// ErrNoCheckpoint, returned by Options.SaveState, says that no checkpoint
// is to be written this time (not every service of the account can save
// its state): the journal is then replayed whole on the next open.
var ErrNoCheckpoint = errors.New("journal: no checkpoint")

// writeCheckpointLocked writes the checkpoint of the state after record
// j.seq, at the end of the active segment (flushed), with the clock held
// at now. Called by Checkpoint with mu and flushMu held.
func (j *Journal) writeCheckpointLocked(now time.Time) error {
	h := checkpointHeader{Seq: j.seq, Segment: j.lastSeg(), Offset: j.fSize, Time: now}
	tmp := j.checkpointPath() + ".tmp"
	f, err := os.OpenFile(tmp, os.O_CREATE|os.O_TRUNC|os.O_WRONLY, 0o644)
	if err != nil {
		return err
	}
	defer os.Remove(tmp)
	defer f.Close()
	crc := crc32.New(castagnoli)
	bw := bufio.NewWriterSize(io.MultiWriter(f, crc), 1<<20)
	var head [40]byte
	copy(head[:], checkpointMagic)
	binary.LittleEndian.PutUint64(head[8:], h.Seq)
	binary.LittleEndian.PutUint64(head[16:], uint64(h.Segment))
	binary.LittleEndian.PutUint64(head[24:], uint64(h.Offset))
	binary.LittleEndian.PutUint64(head[32:], uint64(h.Time.UnixNano()))
	if _, err := bw.Write(head[:]); err != nil {
		return err
	}
	zw, err := zstd.NewWriter(bw, zstd.WithEncoderConcurrency(2), zstd.WithEncoderLevel(zstd.SpeedFastest), zstd.WithEncoderCRC(true))
	if err != nil {
		return err
	}
	if err := j.opts.SaveState(zw); err != nil {
		zw.Close()
		return err
	}
	if err := zw.Close(); err != nil {
		return err
	}
	if err := bw.Flush(); err != nil {
		return err
	}
	if _, err := f.Write(binary.LittleEndian.AppendUint32(nil, crc.Sum32())); err != nil {
		return err
	}
	if err := f.Sync(); err != nil {
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}
	if err := os.Rename(tmp, j.checkpointPath()); err != nil {
		return err
	}
	return syncDir(j.dir)
}

// dropCoveredLocked removes the segments the checkpoint just written covers:
// every one before the active segment, at whose start it points (see
// dropBefore). Called by Checkpoint with mu and flushMu held.
func (j *Journal) dropCoveredLocked() {
	active := j.lastSeg()
	j.dropBefore(active)
	j.sealed = slices.DeleteFunc(j.sealed, func(n int) bool { return n < active })
	if err := syncDir(filepath.Join(j.dir, "journal")); err != nil {
		j.log.Warn("journal: syncing the journal directory after removing the segments a checkpoint covers failed", "dir", j.dir, "err", err.Error())
	}
}

// dropBefore removes the segments before segment first, which a
// checkpoint covers, oldest first, so that a crash in the middle leaves a
// journal that does not begin at segment 1, which is never replayed whole
// (see Replay). A segment it cannot remove is reported; the next open
// removes it (Replay calls dropBefore too, for those a crash left).
func (j *Journal) dropBefore(first int) {
	i := 0
	for i < len(j.segs) && j.segs[i] < first {
		for _, p := range []string{j.segPath(j.segs[i]), j.zstPath(j.segs[i])} {
			if err := os.Remove(p); err != nil && !errors.Is(err, os.ErrNotExist) {
				j.log.Warn("journal: removing a segment a checkpoint covers failed; the next open removes it", "segment", p, "err", err.Error())
			}
		}
		i++
	}
	j.segs = j.segs[i:]
}

// errNoCheckpointFile: there is no checkpoint.
var errNoCheckpointFile = errors.New("no checkpoint")

// openCheckpoint checks the checkpoint file and returns its header and a
// reader of its state (to close), or why it cannot be used
// (errNoCheckpointFile when there is none).
func (j *Journal) openCheckpoint() (h checkpointHeader, state io.ReadCloser, why error) {
	f, err := os.Open(j.checkpointPath())
	if errors.Is(err, os.ErrNotExist) {
		return h, nil, errNoCheckpointFile
	}
	bad := func(why string, args ...any) (checkpointHeader, io.ReadCloser, error) {
		if f != nil {
			f.Close()
		}
		if len(args) > 0 {
			why = fmt.Sprint(append([]any{why}, args...)...)
		}
		return checkpointHeader{}, nil, errors.New(why)
	}
	if err != nil {
		return bad(err.Error())
	}
	st, err := f.Stat()
	if err != nil || st.Size() < 44 {
		return bad("too short")
	}
	// Check the CRC first, in one pass over the file.
	crc := crc32.New(castagnoli)
	if _, err := io.Copy(crc, io.NewSectionReader(f, 0, st.Size()-4)); err != nil {
		return bad(err.Error())
	}
	var tail [4]byte
	if _, err := f.ReadAt(tail[:], st.Size()-4); err != nil || binary.LittleEndian.Uint32(tail[:]) != crc.Sum32() {
		return bad("CRC mismatch")
	}
	var head [40]byte
	if _, err := f.ReadAt(head[:], 0); err != nil || string(head[:8]) != checkpointMagic {
		return bad("not a checkpoint of this format")
	}
	h = checkpointHeader{Seq: binary.LittleEndian.Uint64(head[8:]), Segment: int(binary.LittleEndian.Uint64(head[16:])),
		Offset: int64(binary.LittleEndian.Uint64(head[24:])), Time: time.Unix(0, int64(binary.LittleEndian.Uint64(head[32:]))).UTC()}
	// The position must be in the journal: the segment there, and at
	// least as long. A checkpoint at the start of a segment that is gone,
	// with none after it, is the end of the journal (the empty segment
	// the checkpoint began was lost, or removed by hand): nothing came
	// after it.
	n, err := j.segmentLen(h.Segment)
	endOfJournal := h.Offset == 0 && errors.Is(err, os.ErrNotExist) && (len(j.segs) == 0 || j.segs[len(j.segs)-1] < h.Segment)
	if !endOfJournal && (err != nil || n < h.Offset) {
		return bad(fmt.Sprintf("its position (segment %d, offset %d) is not in the journal", h.Segment, h.Offset))
	}
	zr, err := zstd.NewReader(bufio.NewReaderSize(io.NewSectionReader(f, 40, st.Size()-44), 1<<20), zstd.WithDecoderConcurrency(2))
	if err != nil {
		return bad(err.Error())
	}
	return h, &checkpointReader{zr: zr, f: f}, nil
}

// segmentLen returns the length of segment n's content.
func (j *Journal) segmentLen(n int) (int64, error) {
	if f, err := os.Open(j.zstPath(n)); err == nil {
		defer f.Close()
		// The frame's head says the size (ours do): read no more of it.
		head := make([]byte, zstd.HeaderMaxSize)
		k, _ := io.ReadFull(f, head)
		var zh zstd.Header
		if err := zh.Decode(head[:k]); err == nil && zh.HasFCS {
			return int64(zh.FrameContentSize), nil
		}
		b, err := os.ReadFile(j.zstPath(n))
		if err != nil {
			return 0, err
		}
		data, err := decompressBytes(b, j.maxSegmentContent())
		return int64(len(data)), err
	}
	st, err := os.Stat(j.segPath(n))
	if err != nil {
		return 0, err
	}
	return st.Size(), nil
}

type checkpointReader struct {
	zr *zstd.Decoder
	f  *os.File
}

func (c *checkpointReader) Read(p []byte) (int, error) { return c.zr.Read(p) }
func (c *checkpointReader) Close() error {
	c.zr.Close()
	return c.f.Close()
}
