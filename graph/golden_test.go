package graph

import (
	"bytes"
	"encoding/xml"
	"flag"
	"image"
	"image/png"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

var update = flag.Bool("update", false, "rewrite the golden pictures under testdata/")

// goldenCases are one picture per view, from deterministic data.
func goldenCases() map[string]struct {
	series []Series
	opts   Options
} {
	lo, hi := 0.0, 100.0
	s := sample(3, 120, 1)
	for j := 40; j < 55; j++ {
		s[1].Values[j] = math.NaN() // a gap
	}
	band := sample(1, 120, 3)[0]
	lower := Series{Label: "expected", Times: band.Times}
	for _, v := range band.Values {
		lower.Values = append(lower.Values, v-8)
		lower.Band = append(lower.Band, v+8)
	}
	return map[string]struct {
		series []Series
		opts   Options
	}{
		"timeseries": {s, Options{Title: "CPU utilization", Horizontal: []HorizontalAnnotation{{Value: 60, Label: "High", Fill: "above"}},
			Vertical: []VerticalAnnotation{{Time: t0.Add(90 * time.Minute), Label: "deploy"}}}},
		"stacked": {sample(3, 60, 2), Options{Title: "Requests", Stacked: true}},
		"band":    {[]Series{lower, band}, Options{Title: "Latency and its band"}},
		"single":  {sample(2, 10, 4), Options{Title: "Now", View: "singleValue"}},
		"bar":     {sample(4, 10, 5), Options{Title: "Bars", View: "bar"}},
		"pie":     {sample(4, 10, 6), Options{Title: "Pie", View: "pie", Legend: "right"}},
		"gauge":   {sample(1, 10, 7), Options{Title: "Gauge", View: "gauge", Left: Axis{Min: &lo, Max: &hi}}},
	}
}

// TestGoldenPictures compares each view with its picture under testdata/,
// allowing 1% of the pixels to differ (font rasterisers change).
func TestGoldenPictures(t *testing.T) {
	for name, c := range goldenCases() {
		t.Run(name, func(t *testing.T) {
			var buf bytes.Buffer
			if err := Render(&buf, c.series, c.opts); err != nil {
				t.Fatal(err)
			}
			file := filepath.Join("testdata", name+".png")
			if *update {
				if err := os.WriteFile(file, buf.Bytes(), 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			want, err := os.ReadFile(file)
			if err != nil {
				t.Fatalf("%v (run go test ./graph -run Golden -update)", err)
			}
			a, err := png.Decode(bytes.NewReader(want))
			if err != nil {
				t.Fatal(err)
			}
			b, err := png.Decode(&buf)
			if err != nil {
				t.Fatal(err)
			}
			if d := differingFraction(a, b); d > 0.01 {
				t.Errorf("%s: %.2f%% of the pixels differ from the golden picture", name, 100*d)
			}
		})
	}
}

func differingFraction(a, b image.Image) float64 {
	if a.Bounds() != b.Bounds() {
		return 1
	}
	diff, total := 0, 0
	for y := a.Bounds().Min.Y; y < a.Bounds().Max.Y; y++ {
		for x := a.Bounds().Min.X; x < a.Bounds().Max.X; x++ {
			total++
			r1, g1, b1, _ := a.At(x, y).RGBA()
			r2, g2, b2, _ := b.At(x, y).RGBA()
			if absd(r1, r2)+absd(g1, g2)+absd(b1, b2) > 3*0x2000 {
				diff++
			}
		}
	}
	return float64(diff) / float64(total)
}

func absd(a, b uint32) uint32 {
	if a > b {
		return a - b
	}
	return b - a
}

// TestSVGIsWellFormedAndDrawsEverySeries checks the SVG output: XML that
// parses, one stroked path per line segment in the series' colours, the
// legend's labels as text.
func TestSVGIsWellFormedAndDrawsEverySeries(t *testing.T) {
	c := goldenCases()["timeseries"]
	c.opts.Format = "svg"
	var buf bytes.Buffer
	if err := Render(&buf, c.series, c.opts); err != nil {
		t.Fatal(err)
	}
	dec := xml.NewDecoder(bytes.NewReader(buf.Bytes()))
	for {
		if _, err := dec.Token(); err != nil {
			if err.Error() == "EOF" {
				break
			}
			t.Fatalf("the SVG does not parse: %v", err)
		}
	}
	svg := buf.String()
	for _, want := range []string{"#1F77B4", "#FF7F0E", "#2CA02C", "i-0a CPUUtilization", "CPU utilization", "deploy", "High"} {
		if !strings.Contains(svg, want) {
			t.Errorf("the SVG lacks %q", want)
		}
	}
}

func TestRenderRejectsBadOptions(t *testing.T) {
	for _, o := range []Options{{Width: 2001}, {Height: -1}, {Format: "gif"}, {View: "radar"}} {
		if err := Render(&bytes.Buffer{}, sample(1, 3, 1), o); err == nil {
			t.Errorf("%+v: no error", o)
		}
	}
}

func TestFormatValue(t *testing.T) {
	for v, want := range map[float64]string{0: "0", 12.5: "12.5", 250: "250", 1500: "1.5k", 2.5e6: "2.5M", 0.0123: "0.0123", math.NaN(): "--", -3: "-3"} {
		if got := FormatValue(v); got != want && !math.IsNaN(v) {
			t.Errorf("FormatValue(%v) = %q, want %q", v, got, want)
		}
	}
}
