//go:build unix

package sns

import "syscall"

// processCPU returns the CPU time (user + system) the process has used, in
// nanoseconds: on a shared, loaded machine it varies far less than wall time.
func processCPU() int64 {
	var ru syscall.Rusage
	if syscall.Getrusage(syscall.RUSAGE_SELF, &ru) != nil {
		return 0
	}
	return ru.Utime.Nano() + ru.Stime.Nano()
}
