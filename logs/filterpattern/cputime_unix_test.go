//go:build unix

package filterpattern

import "syscall"

// processCPU returns the CPU time (user + system) the process has used, in
// nanoseconds: benchmarks report it per op as cpu-ns/op (run with -cpu 1),
// which on a shared, loaded machine varies far less than wall time.
func processCPU() int64 {
	var ru syscall.Rusage
	if syscall.Getrusage(syscall.RUSAGE_SELF, &ru) != nil {
		return 0
	}
	return ru.Utime.Nano() + ru.Stime.Nano()
}
