//go:build !unix

package sns

func processCPU() int64 { return 0 }
