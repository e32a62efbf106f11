package metrics

import (
	"math"
	"slices"
)

// sketch is a mergeable quantile sketch with relative accuracy: a
// DDSketch-style log-bucketed histogram (Masson et al., VLDB 2019). A positive
// value v goes to bucket i = ceil(log_γ v) with γ = (1+α)/(1−α) and α = 1%;
// the bucket's representative 2γ^i/(γ+1) is within α·v of every value in the
// bucket, so any quantile read from the sketch is within 1% (relative) of a
// value of the exact rank. Zeros are counted apart. Negative values are not
// kept: CloudWatch offers no percentile-family statistic for data with a
// negative value, and block Minimum tells the query so.
type sketch struct {
	zero float64
	bins []bin // ascending idx
}

type bin struct {
	idx int32
	n   float64
}

const sketchAlpha = 0.01

var (
	sketchGamma   = (1 + sketchAlpha) / (1 - sketchAlpha)
	sketchLnGamma = math.Log(sketchGamma)
)

func sketchIndex(v float64) int32 { return int32(math.Ceil(math.Log(v) / sketchLnGamma)) }

func sketchValue(i int32) float64 {
	return 2 * math.Exp(float64(i)*sketchLnGamma) / (sketchGamma + 1)
}

func (s *sketch) add(v, w float64) {
	if v < 0 || w <= 0 {
		return
	}
	if v == 0 {
		s.zero += w
		return
	}
	i := sketchIndex(v)
	j, found := slices.BinarySearchFunc(s.bins, i, func(b bin, t int32) int { return int(b.idx) - int(t) })
	if found {
		s.bins[j].n += w
		return
	}
	s.bins = slices.Insert(s.bins, j, bin{i, w})
}

// merge adds o into s.
func (s *sketch) merge(o *sketch) {
	if o == nil {
		return
	}
	s.zero += o.zero
	if len(o.bins) == 0 {
		return
	}
	out := make([]bin, 0, len(s.bins)+len(o.bins))
	i, j := 0, 0
	for i < len(s.bins) && j < len(o.bins) {
		switch {
		case s.bins[i].idx < o.bins[j].idx:
			out = append(out, s.bins[i])
			i++
		case s.bins[i].idx > o.bins[j].idx:
			out = append(out, o.bins[j])
			j++
		default:
			out = append(out, bin{s.bins[i].idx, s.bins[i].n + o.bins[j].n})
			i++
			j++
		}
	}
	out = append(out, s.bins[i:]...)
	out = append(out, o.bins[j:]...)
	s.bins = out
}

func (s *sketch) clone() *sketch {
	return &sketch{zero: s.zero, bins: slices.Clone(s.bins)}
}

// pairs appends the sketch's (value, weight) pairs in ascending value order.
func (s *sketch) pairs(vs, ws []float64) ([]float64, []float64) {
	if s.zero > 0 {
		vs = append(vs, 0)
		ws = append(ws, s.zero)
	}
	for _, b := range s.bins {
		vs = append(vs, sketchValue(b.idx))
		ws = append(ws, b.n)
	}
	return vs, ws
}
