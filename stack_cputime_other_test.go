//go:build !unix

package localwatch_test

func processCPU() int64 { return 0 }
