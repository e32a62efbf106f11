// Package graph turns metric query results into pictures, as CloudWatch
// draws its graphs: the one renderer behind GetMetricWidgetImage, dashboards
// and the console. It draws PNG and SVG with gonum's plot (its canvases, fonts
// and axes), in CloudWatch's style: a white field with light horizontal grid
// lines, time on the x axis in the widget's time zone, one line per series in
// CloudWatch's default palette (or the series' own colour), gaps where data is
// missing, the legend below, horizontal and vertical annotations with their
// fills, and anomaly-detection bands as a shaded band.
//
// Views: "timeSeries" (lines, or stacked areas with Stacked), "bar" and "pie"
// (each series' value), "singleValue" (each series' latest value, large) and
// "gauge" (the first series' value on a half-circle scale between the left y
// axis' min and max).
//
// Differences from CloudWatch: the fonts are gonum's (Liberation), so text
// widths differ slightly; sparklines under single values are not drawn.
package graph

import (
	"bytes"
	"fmt"
	"image/color"
	"image/png"
	"io"
	"math"
	"strconv"
	"strings"
	"time"

	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
	"gonum.org/v1/plot/vg/vgimg"
	"gonum.org/v1/plot/vg/vgsvg"
)

// Series is one line (or value) of a graph.
type Series struct {
	// Label names the series in the legend.
	Label string
	// Color is the series' colour; nil takes the next colour of the palette.
	Color color.Color
	// Times and Values are the datapoints, Times ascending.
	Times  []time.Time
	Values []float64
	// Period is the datapoints' spacing; a gap longer than one period breaks
	// the line (0: infer from the data).
	Period time.Duration
	// RightAxis draws the series against the right y axis.
	RightAxis bool
	// Band, when set, makes the series a shaded band from Values (lower) to
	// Band (upper), as an anomaly-detection band is drawn.
	Band []float64
}

// HorizontalAnnotation is a line across the graph at a value.
type HorizontalAnnotation struct {
	Value float64
	// Value2, when set, makes a band from Value to Value2.
	Value2    *float64
	Label     string
	Color     color.Color
	Fill      string // "above", "below" or "" (none)
	RightAxis bool
}

// VerticalAnnotation is a line (or band) across the graph at a time.
type VerticalAnnotation struct {
	Time  time.Time
	Time2 *time.Time
	Label string
	Color color.Color
	Fill  string // "before", "after" or ""
}

// Axis is a y axis' range and label; nil Min/Max fit the data.
type Axis struct {
	Min, Max *float64
	Label    string
}

// Options are a graph's size and look.
type Options struct {
	// Width and Height in pixels (defaults 600 x 400, as GetMetricWidgetImage).
	Width, Height int
	// Format is "png" (default) or "svg".
	Format string
	Title  string
	// View is timeSeries (default), bar, pie, singleValue or gauge.
	View    string
	Stacked bool
	// Start and End bound the time axis (default: the data's range).
	Start, End time.Time
	// Location shows times in a time zone (default UTC).
	Location *time.Location
	Left     Axis
	Right    Axis
	// Legend is "bottom" (default), "right" or "hidden".
	Legend     string
	Horizontal []HorizontalAnnotation
	Vertical   []VerticalAnnotation
}

// Palette is CloudWatch's default series colours, in order.
var Palette = []color.RGBA{
	{0x1f, 0x77, 0xb4, 0xff}, {0xff, 0x7f, 0x0e, 0xff}, {0x2c, 0xa0, 0x2c, 0xff}, {0xd6, 0x27, 0x28, 0xff},
	{0x94, 0x67, 0xbd, 0xff}, {0x8c, 0x56, 0x4b, 0xff}, {0xe3, 0x77, 0xc2, 0xff}, {0x7f, 0x7f, 0x7f, 0xff},
	{0xbc, 0xbd, 0x22, 0xff}, {0x17, 0xbe, 0xcf, 0xff},
}

// ParseColor reads "#rrggbb" (or "#rgb"), as widgets give colours.
func ParseColor(s string) (color.RGBA, error) {
	h := strings.TrimPrefix(s, "#")
	if len(h) == 3 {
		h = string([]byte{h[0], h[0], h[1], h[1], h[2], h[2]})
	}
	if len(h) != 6 || !strings.HasPrefix(s, "#") {
		return color.RGBA{}, fmt.Errorf("colour %q is not #rrggbb", s)
	}
	v, err := strconv.ParseUint(h, 16, 32)
	if err != nil {
		return color.RGBA{}, fmt.Errorf("colour %q is not #rrggbb", s)
	}
	return color.RGBA{uint8(v >> 16), uint8(v >> 8), uint8(v), 0xff}, nil
}

// MaxPixels bounds a graph's size (GetMetricWidgetImage allows up to 2,000 x
// 2,000).
const MaxPixels = 2000

// Render draws the series and writes the picture to w.
func Render(w io.Writer, series []Series, opts Options) error {
	if opts.Width == 0 {
		opts.Width = 600
	}
	if opts.Height == 0 {
		opts.Height = 400
	}
	if opts.Width < 1 || opts.Height < 1 || opts.Width > MaxPixels || opts.Height > MaxPixels {
		return fmt.Errorf("graph size %dx%d is outside 1x1 to %dx%d", opts.Width, opts.Height, MaxPixels, MaxPixels)
	}
	if opts.Location == nil {
		opts.Location = time.UTC
	}
	colors := make([]color.Color, len(series))
	next := 0
	for i, s := range series {
		if s.Color != nil {
			colors[i] = s.Color
			continue
		}
		if len(s.Band) > 0 {
			colors[i] = bandGray // bands are grey unless given a colour
			continue
		}
		colors[i] = Palette[next%len(Palette)]
		next++
	}
	// One CSS pixel is 0.75 points, so a w x h canvas at 96 DPI is w x h pixels.
	wPt, hPt := vg.Length(opts.Width)*0.75, vg.Length(opts.Height)*0.75
	var c vg.CanvasSizer
	var img *vgimg.Canvas
	var svg *vgsvg.Canvas
	switch opts.Format {
	case "", "png":
		img = vgimg.NewWith(vgimg.UseWH(wPt, hPt), vgimg.UseDPI(96), vgimg.UseBackgroundColor(color.White))
		c = img
	case "svg":
		svg = vgsvg.New(wPt, hPt)
		c = svg
	default:
		return fmt.Errorf("output format %q is not png or svg", opts.Format)
	}
	dc := draw.New(c)
	dc.SetColor(color.White)
	dc.Fill(dc.Rectangle.Path())
	switch opts.View {
	case "", "timeSeries":
		drawTimeSeries(dc, series, colors, opts)
	case "bar":
		drawBars(dc, series, colors, opts)
	case "pie":
		drawPie(dc, series, colors, opts)
	case "singleValue":
		drawSingleValues(dc, series, colors, opts)
	case "gauge":
		drawGauge(dc, series, colors, opts)
	default:
		return fmt.Errorf("view %q is not timeSeries, bar, pie, singleValue or gauge", opts.View)
	}
	var buf bytes.Buffer
	if img != nil {
		// Half of a graph's time went to zlib at the default level; the
		// fastest level costs a few percent more bytes.
		enc := png.Encoder{CompressionLevel: png.BestSpeed}
		if err := enc.Encode(&buf, img.Image()); err != nil {
			return err
		}
	} else if _, err := svg.WriteTo(&buf); err != nil {
		return err
	}
	_, err := w.Write(buf.Bytes())
	return err
}

// lastValue is a series' latest datapoint (NaN when it has none).
func lastValue(s Series) float64 {
	for i := len(s.Values) - 1; i >= 0; i-- {
		if !math.IsNaN(s.Values[i]) {
			return s.Values[i]
		}
	}
	return math.NaN()
}

// FormatValue shows a value as CloudWatch's graphs do: up to three
// significant decimals, with k/M/B/T suffixes for large values.
func FormatValue(v float64) string {
	if math.IsNaN(v) {
		return "--"
	}
	a := math.Abs(v)
	for _, u := range []struct {
		div    float64
		suffix string
	}{{1e12, "T"}, {1e9, "B"}, {1e6, "M"}, {1e3, "k"}} {
		if a >= u.div {
			return trimZeros(strconv.FormatFloat(v/u.div, 'f', 2, 64)) + u.suffix
		}
	}
	switch {
	case a >= 100 || a == 0:
		return trimZeros(strconv.FormatFloat(v, 'f', 1, 64))
	case a >= 1:
		return trimZeros(strconv.FormatFloat(v, 'f', 2, 64))
	}
	return strconv.FormatFloat(v, 'g', 3, 64)
}

func trimZeros(s string) string {
	if strings.Contains(s, ".") {
		s = strings.TrimRight(strings.TrimRight(s, "0"), ".")
	}
	return s
}
