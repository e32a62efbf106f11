//go:build race

package localwatch_test

// raceEnabled tells the reliability tests that the race detector slows
// every call down (about tenfold), so their time limits scale with it.
const raceEnabled = true
