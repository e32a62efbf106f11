package graph_test

import (
	"bytes"
	"fmt"
	"image/png"
	"time"

	"github.com/localwatch/localwatch/graph"
)

// Draw two series with a threshold annotation to a 600x400 PNG.
func Example() {
	t0 := time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)
	a := graph.Series{Label: "p99 latency"}
	b := graph.Series{Label: "p50 latency"}
	for i := range 60 {
		ts := t0.Add(time.Duration(i) * time.Minute)
		a.Times, a.Values = append(a.Times, ts), append(a.Values, 200+float64(i%7)*10)
		b.Times, b.Values = append(b.Times, ts), append(b.Values, 80+float64(i%5)*5)
	}
	var buf bytes.Buffer
	err := graph.Render(&buf, []graph.Series{a, b}, graph.Options{Title: "Latency",
		Horizontal: []graph.HorizontalAnnotation{{Value: 250, Label: "SLO", Fill: "above"}}})
	if err != nil {
		panic(err)
	}
	img, _ := png.Decode(&buf)
	fmt.Println(img.Bounds().Dx(), "x", img.Bounds().Dy())
	// Output: 600 x 400
}
