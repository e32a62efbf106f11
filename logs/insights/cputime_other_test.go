//go:build !unix

package insights

func processCPU() int64 { return -1 }
