package metrics

import (
	"bytes"
	"math"
	"math/rand/v2"
	"testing"
)

// planesReference is appendPlanes one byte at a time: the definition of
// the layout.
func planesReference(vs []float64, mask byte) []byte {
	var out []byte
	for k := range 8 {
		if mask&(1<<k) == 0 {
			continue
		}
		for _, v := range vs {
			out = append(out, byte(math.Float64bits(v)>>(8*k)))
		}
	}
	return out
}

// appendPlanes and readPlanes (8×8 transposes, then a byte at a time for the
// rest) write exactly the reference layout and read it back, for every
// length around the groups of eight and for masks that leave planes out (a
// plane left out reads as zero).
func TestBytePlanesMatchTheReferenceLayout(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	for _, n := range []int{0, 1, 7, 8, 9, 15, 16, 17, 60, 63, 64, 65, 4095, 4096} {
		for _, mask := range []byte{0xff, 0x00, 0xc0, 0x01, 0x81, 0x5a, byte(r.Uint32())} {
			vs := make([]float64, n)
			for i := range vs {
				vs[i] = math.Float64frombits(r.Uint64())
			}
			got := appendPlanes([]byte("prefix"), vs, mask)
			want := planesReference(vs, mask)
			if string(got[:6]) != "prefix" || !bytes.Equal(got[6:], want) {
				t.Fatalf("n %d mask %08b: planes differ from the reference", n, mask)
			}
			back := make([]float64, n)
			readPlanes(back, want, mask)
			var keep uint64
			for k := range 8 {
				if mask&(1<<k) != 0 {
					keep |= 0xff << (8 * k)
				}
			}
			for i := range vs {
				if math.Float64bits(back[i]) != math.Float64bits(vs[i])&keep {
					t.Fatalf("n %d mask %08b: value %d reads back as %x, want %x", n, mask, i, math.Float64bits(back[i]), math.Float64bits(vs[i])&keep)
				}
			}
		}
	}
}

func BenchmarkBytePlanes(b *testing.B) {
	vs := benchValues()[:ckPlaneChunk]
	buf := make([]byte, 0, 8*len(vs))
	b.Run("write", func(b *testing.B) {
		b.SetBytes(int64(8 * len(vs)))
		for b.Loop() {
			buf = appendPlanes(buf[:0], vs, 0xff)
		}
	})
	b.Run("read", func(b *testing.B) {
		src := appendPlanes(nil, vs, 0xff)
		out := make([]float64, len(vs))
		b.SetBytes(int64(8 * len(vs)))
		for b.Loop() {
			readPlanes(out, src, 0xff)
		}
	})
}
