//go:build !amd64

package filterpattern

// haveIndexAsm says quoteIndexSSE2 exists on this architecture.
const haveIndexAsm = false

func quoteIndexSSE2(b []byte, qm *[indexMax / 64]uint64) (bad bool) {
	panic("filterpattern: no quote index assembly on this architecture")
}
