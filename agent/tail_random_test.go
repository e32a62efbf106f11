package agent

import (
	"fmt"
	"math/rand/v2"
	"os"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// TestTailRandomWritesRotationsAndRestarts is a property test: whatever
// the sequence of appends, partial lines, rotations by rename,
// copytruncates, deletions, refused batches and restarts, every line
// arrives exactly once, in order.
func TestTailRandomWritesRotationsAndRestarts(t *testing.T) {
	for seed := range uint64(50) {
		t.Run(fmt.Sprint("seed ", seed), func(t *testing.T) {
			rng := rand.New(rand.NewPCG(seed, 1))
			e := newTailEnv(t, plainEntry)
			var want []string
			seq, partial := 0, false
			finishLine := func() {
				if partial {
					e.write("app.log", "\n")
					partial = false
				}
			}
			for range 60 {
				op := rng.IntN(10)
				switch {
				case op < 4:
					finishLine()
					n := 1 + rng.IntN(30)
					var b []byte
					for range n {
						want = append(want, fmt.Sprintf("L%d", seq))
						b = fmt.Appendf(b, "L%d\n", seq)
						seq++
					}
					e.write("app.log", string(b))
				case op == 4:
					finishLine()
					want = append(want, fmt.Sprintf("L%d", seq))
					e.write("app.log", fmt.Sprintf("L%d", seq))
					seq++
					partial = true
				case op == 5:
					finishLine()
					e.tick(time.Second) // the agent reads before the rotation
					if _, err := os.Stat(e.path("app.log")); err == nil {
						require.NoError(t, os.Rename(e.path("app.log"), e.path(fmt.Sprintf("app.log.%d", seq))))
					}
				case op == 6:
					// Truncation and deletion destroy what was not yet
					// delivered (for the agent too): deliver it first.
					finishLine()
					e.deliver()
					if _, err := os.Stat(e.path("app.log")); err == nil {
						require.NoError(t, os.Truncate(e.path("app.log"), 0))
					}
				case op == 7:
					finishLine()
					e.deliver()
					os.Remove(e.path("app.log"))
				case op == 8:
					e.crash()
				default:
					e.rec.mu.Lock()
					e.rec.fail = rng.IntN(3)
					e.rec.mu.Unlock()
				}
				e.tick(time.Duration(rng.IntN(3000)) * time.Millisecond)
			}
			finishLine()
			e.rec.mu.Lock()
			e.rec.fail = 0
			e.rec.mu.Unlock()
			e.tick(10 * time.Second)
			require.NoError(t, e.host.Close())
			require.Equal(t, want, e.rec.messages("app i-0abc"))
		})
	}
}
