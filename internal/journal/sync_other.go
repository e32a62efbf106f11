//go:build !linux

package journal

import (
	"errors"
	"os"
)

// datasync is f.Sync where fdatasync(2) is not available.
func datasync(f *os.File) error { return f.Sync() }

// openDirect is not available here: the journal writes through the page
// cache and fsyncs.
func openDirect(string, int) (*os.File, error) { return nil, errors.ErrUnsupported }
