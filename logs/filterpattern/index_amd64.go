package filterpattern

// haveIndexAsm says quoteIndexSSE2 exists on this architecture.
const haveIndexAsm = true

// quoteIndexSSE2 builds the quote index of b (16 <= len(b) <= indexMax) into
// qm, which must be zero, and reports whether b has a backslash or a control
// character. See index_amd64.s.
//
//go:noescape
func quoteIndexSSE2(b []byte, qm *[indexMax / 64]uint64) (bad bool)
