//go:build !unix

package filterpattern

func processCPU() int64 { return 0 }
