package localwatch

import "testing"

// Options.CheckpointAfter as the journal gets it: 0 is the default, a
// negative value turns the account's own checkpoints off (the journal's 0).
func TestCheckpointAfterDefaultsAndOff(t *testing.T) {
	for _, c := range []struct {
		name      string
		in, wants int64
	}{
		{"zero: the default", 0, DefaultCheckpointAfter},
		{"negative: none by itself", -1, 0},
		{"very negative: none by itself", -1 << 40, 0},
		{"positive: as given", 4096, 4096},
	} {
		if got := checkpointAfter(c.in); got != c.wants {
			t.Errorf("%s: checkpointAfter(%d) = %d, want %d", c.name, c.in, got, c.wants)
		}
	}
}
