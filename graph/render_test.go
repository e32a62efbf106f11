package graph

import (
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"testing"
	"time"
)

var t0 = time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)

// sample builds n series of points one minute apart over three hours.
func sample(n, points int, seed uint64) []Series {
	r := rand.New(rand.NewPCG(seed, 1))
	out := make([]Series, n)
	for i := range out {
		s := Series{Label: "i-0" + string(rune('a'+i)) + " CPUUtilization"}
		for j := range points {
			s.Times = append(s.Times, t0.Add(time.Duration(j)*180*time.Minute/time.Duration(points)))
			s.Values = append(s.Values, 40+15*math.Sin(float64(j)/20+float64(i))+5*r.Float64()+float64(i*5))
		}
		out[i] = s
	}
	return out
}

func writeDemo(t *testing.T, name string, series []Series, opts Options) {
	dir := os.Getenv("GRAPH_DEMO_DIR")
	if dir == "" {
		return
	}
	f, err := os.Create(filepath.Join(dir, name))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if err := Render(f, series, opts); err != nil {
		t.Fatal(err)
	}
}

func TestDemoPictures(t *testing.T) {
	s := sample(3, 180, 1)
	// A gap in the second series.
	for j := 60; j < 80; j++ {
		s[1].Values[j] = math.NaN()
	}
	v2 := 70.0
	writeDemo(t, "timeseries.png", s, Options{Title: "CPU utilization", Horizontal: []HorizontalAnnotation{{Value: 60, Label: "High CPU", Fill: "above"}},
		Vertical: []VerticalAnnotation{{Time: t0.Add(90 * time.Minute), Label: "deploy"}}})
	_ = v2
	writeDemo(t, "stacked.png", sample(4, 60, 2), Options{Title: "Requests by host", Stacked: true})
	band := sample(1, 180, 3)
	b := band[0]
	lower := Series{Label: "band", Times: b.Times}
	for _, v := range b.Values {
		lower.Values = append(lower.Values, v-10)
		lower.Band = append(lower.Band, v+10)
	}
	writeDemo(t, "band.png", []Series{lower, b}, Options{Title: "Latency with anomaly band"})
	writeDemo(t, "single.png", sample(3, 10, 4), Options{Title: "Now", View: "singleValue"})
	writeDemo(t, "bar.png", sample(5, 10, 5), Options{Title: "Bars", View: "bar"})
	writeDemo(t, "pie.png", sample(5, 10, 6), Options{Title: "Pie", View: "pie", Legend: "right"})
	mx := 100.0
	mn := 0.0
	writeDemo(t, "gauge.png", sample(1, 10, 7), Options{Title: "Gauge", View: "gauge", Left: Axis{Min: &mn, Max: &mx}, Horizontal: []HorizontalAnnotation{{Value: 80, Fill: "above"}}})
	writeDemo(t, "timeseries.svg", s, Options{Title: "CPU utilization", Format: "svg"})
}
