package journal

// SetDirectIO turns the O_DIRECT write path on or off (tests of both paths)
// and returns the previous setting.
func SetDirectIO(on bool) bool {
	old := useDirectIO
	useDirectIO = on
	return old
}

// DirectIO reports whether the active segment is written with O_DIRECT.
func (j *Journal) DirectIO() bool {
	j.flushMu.Lock()
	defer j.flushMu.Unlock()
	return j.direct
}

// BreakDisk makes every later write of the journal fail, as a failed disk
// would.
func (j *Journal) BreakDisk() {
	j.flushMu.Lock()
	defer j.flushMu.Unlock()
	j.f.Close() // writes to a closed file fail
}
