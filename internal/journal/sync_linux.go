package journal

import (
	"os"
	"syscall"
)

// datasync flushes f's data and the metadata needed to read it back (its
// size), not its times: fdatasync(2), cheaper than fsync for appends.
func datasync(f *os.File) error {
	for {
		err := syscall.Fdatasync(int(f.Fd()))
		if err != syscall.EINTR {
			return err
		}
	}
}

// openDirect opens path for writing with O_DIRECT|O_DSYNC: each write goes
// to the device, bypassing the page cache, and returns once it is durable
// (with its size change), which costs about one device write, less than a
// buffered write followed by fdatasync(2) and with a much shorter tail.
// Writes must be aligned (see directBlock). It fails where the file system
// has no O_DIRECT (tmpfs); the caller then writes through the page cache.
func openDirect(path string, flag int) (*os.File, error) {
	return os.OpenFile(path, flag|syscall.O_DIRECT|syscall.O_DSYNC, 0o644)
}
