//go:build !unix

package metrics

func processCPU() int64 { return 0 }
