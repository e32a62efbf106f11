//go:build !race

package logs

// raceEnabled tells the allocation tests that the race detector allocates.
const raceEnabled = false
