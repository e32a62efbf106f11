//go:build !unix

package awsapi

// processCPU is 0 where getrusage is not available: cpu-ns/op then reads 0.
func processCPU() int64 { return 0 }
