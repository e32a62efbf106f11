//go:build !unix

package journal

import "os"

// lockFile does nothing where flock(2) does not exist: two processes must
// not open one directory there.
func lockFile(*os.File) error { return nil }

func unlockFile(*os.File) error { return nil }
