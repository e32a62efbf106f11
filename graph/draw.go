package graph

import (
	"image/color"
	"math"
	"slices"
	"time"

	xfont "golang.org/x/image/font"
	"gonum.org/v1/plot"
	"gonum.org/v1/plot/font"
	"gonum.org/v1/plot/text"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
)

// CloudWatch's chrome colours.
var (
	textColor  = color.RGBA{0x16, 0x19, 0x1f, 0xff}
	mutedColor = color.RGBA{0x5f, 0x6b, 0x7a, 0xff}
	gridColor  = color.RGBA{0xe9, 0xeb, 0xed, 0xff}
	bandGray   = color.RGBA{0x7f, 0x7f, 0x7f, 0xff}
)

func style(size vg.Length, c color.Color, bold bool) text.Style {
	f := font.Font{Typeface: "Liberation", Variant: "Sans", Size: size}
	if bold {
		f.Weight = xfont.WeightBold
	}
	return text.Style{Color: c, Font: f, Handler: plot.DefaultTextHandler}
}

// layout is the plot area inside the canvas and the pieces around it.
type layout struct {
	area        vg.Rectangle // the data area
	legendTop   vg.Length
	legendLeft  vg.Length
	legendRight bool
}

// frame draws the title and reserves room for the axes and the legend.
func frame(dc draw.Canvas, series []Series, opts Options, axes bool) layout {
	r := dc.Rectangle
	pad := vg.Length(8)
	top := r.Max.Y - pad
	if opts.Title != "" {
		ts := style(10.5, textColor, true)
		dc.FillText(ts, vg.Point{X: r.Min.X + pad, Y: top - ts.Height("M")}, opts.Title)
		top -= ts.Height("M") + 6
	}
	var l layout
	bottom := r.Min.Y + pad
	right := r.Max.X - pad
	legendRows := 0
	if opts.Legend != "hidden" && len(series) > 0 {
		if opts.Legend == "right" {
			l.legendRight = true
			right -= 120
			l.legendLeft = right + 10
			l.legendTop = top
		} else {
			legendRows = legendLines(series, r.Max.X-r.Min.X-2*pad)
			bottom += vg.Length(legendRows) * 12
			l.legendTop = bottom - 2
			l.legendLeft = r.Min.X + pad
		}
	}
	left := r.Min.X + pad
	if axes {
		left += 34 // value labels
		bottom += 14
		if hasRight(series, opts) {
			right -= 34
		}
	}
	l.area = vg.Rectangle{Min: vg.Point{X: left, Y: bottom}, Max: vg.Point{X: right, Y: top - 4}}
	return l
}

func hasRight(series []Series, opts Options) bool {
	for _, s := range series {
		if s.RightAxis {
			return true
		}
	}
	for _, h := range opts.Horizontal {
		if h.RightAxis {
			return true
		}
	}
	return false
}

// legendLines counts the rows the bottom legend needs in width w.
func legendLines(series []Series, w vg.Length) int {
	ls := style(7.5, textColor, false)
	rows, x := 1, vg.Length(0)
	for _, s := range series {
		ew := ls.Width(s.Label) + 22
		if x > 0 && x+ew > w {
			rows++
			x = 0
		}
		x += ew
	}
	return rows
}

func drawLegend(dc draw.Canvas, series []Series, colors []color.Color, l layout, opts Options) {
	if opts.Legend == "hidden" {
		return
	}
	ls := style(7.5, textColor, false)
	h := ls.Height("M")
	x, y := l.legendLeft, l.legendTop
	maxX := dc.Rectangle.Max.X - 8
	for i, s := range series {
		ew := ls.Width(s.Label) + 22
		if l.legendRight {
			y -= 12
			x = l.legendLeft
		} else if x > l.legendLeft && x+ew > maxX {
			x = l.legendLeft
			y -= 12
		}
		sq := vg.Rectangle{Min: vg.Point{X: x, Y: y - h + 1}, Max: vg.Point{X: x + 8, Y: y - h + 9}}
		dc.FillPolygon(colors[i], []vg.Point{sq.Min, {X: sq.Max.X, Y: sq.Min.Y}, sq.Max, {X: sq.Min.X, Y: sq.Max.Y}})
		dc.FillText(ls, vg.Point{X: x + 12, Y: y - h + 1}, s.Label)
		x += ew
	}
}

// yRange is the value range of one axis.
type yRange struct{ min, max float64 }

func (r yRange) y(area vg.Rectangle, v float64) vg.Length {
	if r.max == r.min {
		return area.Min.Y
	}
	return area.Min.Y + vg.Length((v-r.min)/(r.max-r.min))*(area.Max.Y-area.Min.Y)
}

// fitRange chooses an axis range covering vals with round ticks, CloudWatch
// style: the range starts at 0 for non-negative data.
func fitRange(vals []float64, ax Axis) (yRange, []float64) {
	lo, hi := math.Inf(1), math.Inf(-1)
	for _, v := range vals {
		if !math.IsNaN(v) && !math.IsInf(v, 0) {
			lo, hi = min(lo, v), max(hi, v)
		}
	}
	if math.IsInf(lo, 1) {
		lo, hi = 0, 1
	}
	if lo > 0 {
		lo = 0
	}
	if ax.Min != nil {
		lo = *ax.Min
	}
	if ax.Max != nil {
		hi = *ax.Max
	}
	if hi <= lo {
		hi = lo + 1
	}
	step := niceStep((hi - lo) / 4)
	if ax.Min == nil {
		lo = math.Floor(lo/step) * step
	}
	if ax.Max == nil {
		hi = math.Ceil(hi/step) * step
	}
	var ticks []float64
	for v := math.Ceil(lo/step) * step; v <= hi+step/1e9 && len(ticks) < 20; v += step {
		ticks = append(ticks, v)
	}
	return yRange{lo, hi}, ticks
}

// niceStep rounds a raw tick step to 1, 2, 2.5 or 5 times a power of ten.
func niceStep(raw float64) float64 {
	if raw <= 0 || math.IsNaN(raw) || math.IsInf(raw, 0) {
		return 1
	}
	p := math.Pow(10, math.Floor(math.Log10(raw)))
	for _, m := range []float64{1, 2, 2.5, 5, 10} {
		if raw <= m*p {
			return m * p
		}
	}
	return 10 * p
}

// timeTicks picks round tick times between start and end.
func timeTicks(start, end time.Time, loc *time.Location, maxTicks int) ([]time.Time, string) {
	span := end.Sub(start)
	steps := []time.Duration{time.Minute, 5 * time.Minute, 10 * time.Minute, 15 * time.Minute, 30 * time.Minute,
		time.Hour, 3 * time.Hour, 6 * time.Hour, 12 * time.Hour, 24 * time.Hour, 7 * 24 * time.Hour, 30 * 24 * time.Hour}
	step := steps[len(steps)-1]
	for _, s := range steps {
		if span/s <= time.Duration(maxTicks) {
			step = s
			break
		}
	}
	layout := "15:04"
	if step >= 24*time.Hour {
		layout = "01/02"
	} else if span > 24*time.Hour {
		layout = "01/02 15:04"
	}
	_, off := start.In(loc).Zone()
	offset := time.Duration(off) * time.Second
	first := start.Add(offset).Truncate(step).Add(-offset)
	if first.Before(start) {
		first = first.Add(step)
	}
	var ticks []time.Time
	for t := first; !t.After(end) && len(ticks) < 50; t = t.Add(step) {
		ticks = append(ticks, t)
	}
	return ticks, layout
}

// timeRange is the graph's time axis.
func timeRange(series []Series, opts Options) (time.Time, time.Time) {
	start, end := opts.Start, opts.End
	if start.IsZero() || end.IsZero() {
		var lo, hi time.Time
		for _, s := range series {
			if len(s.Times) > 0 {
				if lo.IsZero() || s.Times[0].Before(lo) {
					lo = s.Times[0]
				}
				if t := s.Times[len(s.Times)-1]; t.After(hi) {
					hi = t
				}
			}
		}
		if start.IsZero() {
			start = lo
		}
		if end.IsZero() {
			end = hi
		}
	}
	if start.IsZero() {
		end = time.Unix(0, 0)
		start = end.Add(-3 * time.Hour)
	}
	if !end.After(start) {
		end = start.Add(time.Minute)
	}
	return start, end
}

func period(s Series) time.Duration {
	if s.Period > 0 {
		return s.Period
	}
	var best time.Duration
	for i := 1; i < len(s.Times); i++ {
		if d := s.Times[i].Sub(s.Times[i-1]); d > 0 && (best == 0 || d < best) {
			best = d
		}
	}
	return best
}

func drawTimeSeries(dc draw.Canvas, series []Series, colors []color.Color, opts Options) {
	l := frame(dc, series, opts, true)
	a := l.area
	start, end := timeRange(series, opts)
	xOf := func(t time.Time) vg.Length {
		return a.Min.X + vg.Length(float64(t.Sub(start))/float64(end.Sub(start)))*(a.Max.X-a.Min.X)
	}
	// Values per axis (stacked series add up).
	var leftVals, rightVals []float64
	stacked := opts.Stacked
	var stackTop map[int64]float64
	if stacked {
		stackTop = map[int64]float64{}
	}
	for _, s := range series {
		for i, v := range s.Values {
			if stacked && !s.RightAxis && len(s.Band) == 0 {
				k := s.Times[i].UnixMilli()
				stackTop[k] += v
				v = stackTop[k]
			}
			if s.RightAxis {
				rightVals = append(rightVals, v)
			} else {
				leftVals = append(leftVals, v)
			}
		}
		for _, v := range s.Band {
			if s.RightAxis {
				rightVals = append(rightVals, v)
			} else {
				leftVals = append(leftVals, v)
			}
		}
	}
	for _, h := range opts.Horizontal {
		vals := &leftVals
		if h.RightAxis {
			vals = &rightVals
		}
		*vals = append(*vals, h.Value)
		if h.Value2 != nil {
			*vals = append(*vals, *h.Value2)
		}
	}
	left, lticks := fitRange(leftVals, opts.Left)
	right, rticks := fitRange(rightVals, opts.Right)

	// Grid and value labels.
	ls := style(7.5, mutedColor, false)
	ls.XAlign = text.XRight
	ls.YAlign = text.YCenter
	for _, v := range lticks {
		y := left.y(a, v)
		dc.StrokeLine2(draw.LineStyle{Color: gridColor, Width: 0.75}, a.Min.X, y, a.Max.X, y)
		dc.FillText(ls, vg.Point{X: a.Min.X - 4, Y: y}, FormatValue(v))
	}
	if len(rightVals) > 0 {
		rs := ls
		rs.XAlign = text.XLeft
		for _, v := range rticks {
			dc.FillText(rs, vg.Point{X: a.Max.X + 4, Y: right.y(a, v)}, FormatValue(v))
		}
	}
	if opts.Left.Label != "" {
		s := style(7.5, mutedColor, false)
		s.Rotation = math.Pi / 2
		s.XAlign = text.XCenter
		dc.FillText(s, vg.Point{X: dc.Rectangle.Min.X + 10, Y: (a.Min.Y + a.Max.Y) / 2}, opts.Left.Label)
	}
	dc.StrokeLine2(draw.LineStyle{Color: mutedColor, Width: 0.75}, a.Min.X, a.Min.Y, a.Max.X, a.Min.Y)
	ts := style(7.5, mutedColor, false)
	ts.XAlign = text.XCenter
	ticks, layout := timeTicks(start, end, opts.Location, max(2, int((a.Max.X-a.Min.X)/45)))
	for _, t := range ticks {
		x := xOf(t)
		dc.StrokeLine2(draw.LineStyle{Color: mutedColor, Width: 0.75}, x, a.Min.Y, x, a.Min.Y-3)
		label := t.In(opts.Location).Format(layout)
		if half := ts.Width(label) / 2; x-half < dc.Rectangle.Min.X || x+half > dc.Rectangle.Max.X {
			continue // a label that would be cut off at the edge is left out
		}
		dc.FillText(ts, vg.Point{X: x, Y: a.Min.Y - 12}, label)
	}

	clip := dc
	clip.Rectangle = a
	// Vertical annotations (behind the data).
	for _, v := range opts.Vertical {
		c := v.Color
		if c == nil {
			c = Palette[3]
		}
		x := xOf(v.Time)
		fill := withAlpha(c, 0x30)
		switch {
		case v.Time2 != nil:
			x2 := xOf(*v.Time2)
			fillRect(clip, fill, max(a.Min.X, min(x, x2)), a.Min.Y, min(a.Max.X, max(x, x2)), a.Max.Y)
		case v.Fill == "before":
			fillRect(clip, fill, a.Min.X, a.Min.Y, max(a.Min.X, min(x, a.Max.X)), a.Max.Y)
		case v.Fill == "after":
			fillRect(clip, fill, min(a.Max.X, max(x, a.Min.X)), a.Min.Y, a.Max.X, a.Max.Y)
		}
		if x >= a.Min.X && x <= a.Max.X {
			dc.StrokeLine2(draw.LineStyle{Color: c, Width: 1}, x, a.Min.Y, x, a.Max.Y)
			if v.Label != "" {
				s := style(7, c, false)
				dc.FillText(s, vg.Point{X: x + 2, Y: a.Max.Y - 9}, v.Label)
			}
		}
	}
	// Horizontal annotations.
	for _, h := range opts.Horizontal {
		c := h.Color
		if c == nil {
			c = Palette[3]
		}
		rg := left
		if h.RightAxis {
			rg = right
		}
		y := rg.y(a, h.Value)
		fill := withAlpha(c, 0x30)
		switch {
		case h.Value2 != nil:
			y2 := rg.y(a, *h.Value2)
			fillRect(clip, fill, a.Min.X, max(a.Min.Y, min(y, y2)), a.Max.X, min(a.Max.Y, max(y, y2)))
		case h.Fill == "above":
			fillRect(clip, fill, a.Min.X, max(a.Min.Y, min(y, a.Max.Y)), a.Max.X, a.Max.Y)
		case h.Fill == "below":
			fillRect(clip, fill, a.Min.X, a.Min.Y, a.Max.X, min(a.Max.Y, max(y, a.Min.Y)))
		}
		if y >= a.Min.Y && y <= a.Max.Y {
			dc.StrokeLine2(draw.LineStyle{Color: c, Width: 1, Dashes: []vg.Length{4, 3}}, a.Min.X, y, a.Max.X, y)
			if h.Label != "" {
				s := style(7, c, false)
				s.XAlign = text.XRight
				dc.FillText(s, vg.Point{X: a.Max.X - 2, Y: y + 2}, h.Label)
			}
		}
	}
	// The data: bands, stacked areas, lines.
	var base map[int64]float64
	if stacked {
		base = map[int64]float64{}
	}
	for i, s := range series {
		rg := left
		if s.RightAxis {
			rg = right
		}
		segs := segments(s)
		if len(s.Band) == len(s.Values) && len(s.Band) > 0 {
			for _, sg := range segs {
				poly := make([]vg.Point, 0, 2*(sg[1]-sg[0]))
				for j := sg[0]; j < sg[1]; j++ {
					poly = append(poly, vg.Point{X: xOf(s.Times[j]), Y: rg.y(a, s.Band[j])})
				}
				for j := sg[1] - 1; j >= sg[0]; j-- {
					poly = append(poly, vg.Point{X: xOf(s.Times[j]), Y: rg.y(a, s.Values[j])})
				}
				clip.FillPolygon(withAlpha(colors[i], 0x50), clipPolygon(poly, a))
			}
			continue
		}
		if stacked && !s.RightAxis {
			for _, sg := range segs {
				var top, bot []vg.Point
				for j := sg[0]; j < sg[1]; j++ {
					k := s.Times[j].UnixMilli()
					b := base[k]
					base[k] = b + s.Values[j]
					x := xOf(s.Times[j])
					top = append(top, vg.Point{X: x, Y: rg.y(a, b+s.Values[j])})
					bot = append(bot, vg.Point{X: x, Y: rg.y(a, b)})
				}
				poly := append(slices.Clone(top), reversed(bot)...)
				clip.FillPolygon(withAlpha(colors[i], 0x80), clipPolygon(poly, a))
				strokeClipped(clip, colors[i], top, a)
			}
			continue
		}
		for _, sg := range segs {
			pts := make([]vg.Point, 0, sg[1]-sg[0])
			for j := sg[0]; j < sg[1]; j++ {
				pts = append(pts, vg.Point{X: xOf(s.Times[j]), Y: rg.y(a, s.Values[j])})
			}
			if len(pts) == 1 { // a lone datapoint shows as a dot
				p := pts[0]
				if p.X >= a.Min.X && p.X <= a.Max.X && p.Y >= a.Min.Y && p.Y <= a.Max.Y {
					dc.DrawGlyph(draw.GlyphStyle{Color: colors[i], Radius: 1.5, Shape: draw.CircleGlyph{}}, p)
				}
				continue
			}
			strokeClipped(clip, colors[i], pts, a)
		}
	}
	drawLegend(dc, series, colors, l, opts)
}

// strokeChunk is how many points one stroke holds. The rasterizer's cost per
// stroke grows with the cells the stroke has in a row, so a 1,440-point line
// drawn in chunks of 32 segments costs a third of one drawn whole; the joins
// between chunks are invisible at this width.
const strokeChunk = 33

func strokeClipped(dc draw.Canvas, c color.Color, pts []vg.Point, a vg.Rectangle) {
	dc.Rectangle = a
	sty := draw.LineStyle{Color: c, Width: 1.1}
	for _, line := range dc.ClipLinesXY(pts) {
		for len(line) > strokeChunk {
			dc.StrokeLines(sty, line[:strokeChunk])
			line = line[strokeChunk-1:]
		}
		dc.StrokeLines(sty, line)
	}
}

func clipPolygon(poly []vg.Point, a vg.Rectangle) []vg.Point {
	out := make([]vg.Point, len(poly))
	for i, p := range poly {
		out[i] = vg.Point{X: min(max(p.X, a.Min.X), a.Max.X), Y: min(max(p.Y, a.Min.Y), a.Max.Y)}
	}
	return out
}

func reversed(p []vg.Point) []vg.Point {
	out := slices.Clone(p)
	slices.Reverse(out)
	return out
}

// segments splits a series where a datapoint is missing (NaN) or more than
// one period after the previous one.
func segments(s Series) [][2]int {
	p := period(s)
	var out [][2]int
	start := -1
	for i := range s.Values {
		if math.IsNaN(s.Values[i]) || math.IsInf(s.Values[i], 0) || len(s.Band) > 0 && (math.IsNaN(s.Band[i]) || math.IsInf(s.Band[i], 0)) {
			if start >= 0 {
				out = append(out, [2]int{start, i})
				start = -1
			}
			continue
		}
		if start >= 0 && p > 0 && s.Times[i].Sub(s.Times[i-1]) > p {
			out = append(out, [2]int{start, i})
			start = -1
		}
		if start < 0 {
			start = i
		}
	}
	if start >= 0 {
		out = append(out, [2]int{start, len(s.Values)})
	}
	return out
}

func withAlpha(c color.Color, a uint8) color.Color {
	r, g, b, _ := c.RGBA()
	// Premultiplied, as color.RGBA is.
	f := float64(a) / 255
	return color.RGBA{uint8(float64(r>>8) * f), uint8(float64(g>>8) * f), uint8(float64(b>>8) * f), a}
}

func fillRect(dc draw.Canvas, c color.Color, x0, y0, x1, y1 vg.Length) {
	if x1 <= x0 || y1 <= y0 {
		return
	}
	dc.FillPolygon(c, []vg.Point{{X: x0, Y: y0}, {X: x1, Y: y0}, {X: x1, Y: y1}, {X: x0, Y: y1}})
}

func drawSingleValues(dc draw.Canvas, series []Series, colors []color.Color, opts Options) {
	opts.Legend = "hidden"
	l := frame(dc, series, opts, false)
	a := l.area
	n := max(1, len(series))
	cols := min(n, 4)
	rows := (n + cols - 1) / cols
	cw := (a.Max.X - a.Min.X) / vg.Length(cols)
	rh := (a.Max.Y - a.Min.Y) / vg.Length(rows)
	size := min(vg.Length(28), rh*0.45, cw*0.2)
	for i, s := range series {
		x := a.Min.X + vg.Length(i%cols)*cw + 6
		y := a.Max.Y - vg.Length(i/cols)*rh
		lab := style(8, mutedColor, false)
		dc.FillText(lab, vg.Point{X: x, Y: y - lab.Height("M")}, s.Label)
		vs := style(size, colors[i], false)
		dc.FillText(vs, vg.Point{X: x, Y: y - lab.Height("M") - 4 - vs.Height("M")}, FormatValue(lastValue(s)))
	}
}

func drawBars(dc draw.Canvas, series []Series, colors []color.Color, opts Options) {
	l := frame(dc, series, opts, true)
	a := l.area
	vals := make([]float64, len(series))
	for i, s := range series {
		vals[i] = lastValue(s)
	}
	rg, ticks := fitRange(vals, opts.Left)
	ls := style(7.5, mutedColor, false)
	ls.XAlign = text.XRight
	ls.YAlign = text.YCenter
	for _, v := range ticks {
		y := rg.y(a, v)
		dc.StrokeLine2(draw.LineStyle{Color: gridColor, Width: 0.75}, a.Min.X, y, a.Max.X, y)
		dc.FillText(ls, vg.Point{X: a.Min.X - 4, Y: y}, FormatValue(v))
	}
	n := max(1, len(series))
	slot := (a.Max.X - a.Min.X) / vg.Length(n)
	for i, v := range vals {
		if math.IsNaN(v) {
			continue
		}
		x0 := a.Min.X + vg.Length(i)*slot + slot*0.15
		y0, y1 := rg.y(a, 0), rg.y(a, v)
		fillRect(dc, colors[i], x0, min(y0, y1), x0+slot*0.7, max(y0, y1))
	}
	drawLegend(dc, series, colors, l, opts)
}

func drawPie(dc draw.Canvas, series []Series, colors []color.Color, opts Options) {
	l := frame(dc, series, opts, false)
	a := l.area
	total := 0.0
	vals := make([]float64, len(series))
	for i, s := range series {
		if v := lastValue(s); !math.IsNaN(v) && v > 0 {
			vals[i] = v
			total += v
		}
	}
	cx, cy := (a.Min.X+a.Max.X)/2, (a.Min.Y+a.Max.Y)/2
	r := min(a.Max.X-a.Min.X, a.Max.Y-a.Min.Y) / 2 * 0.9
	if total == 0 || r <= 0 {
		drawLegend(dc, series, colors, l, opts)
		return
	}
	angle := math.Pi / 2
	for i, v := range vals {
		if v == 0 {
			continue
		}
		sweep := 2 * math.Pi * v / total
		var p vg.Path
		p.Move(vg.Point{X: cx, Y: cy})
		steps := max(2, int(sweep*40))
		for k := 0; k <= steps; k++ {
			t := angle - sweep*float64(k)/float64(steps)
			p.Line(vg.Point{X: cx + r*vg.Length(math.Cos(t)), Y: cy + r*vg.Length(math.Sin(t))})
		}
		p.Close()
		dc.SetColor(colors[i])
		dc.Fill(p)
		angle -= sweep
	}
	drawLegend(dc, series, colors, l, opts)
}

func drawGauge(dc draw.Canvas, series []Series, colors []color.Color, opts Options) {
	l := frame(dc, series, opts, false)
	a := l.area
	lo, hi := 0.0, 100.0
	if opts.Left.Min != nil {
		lo = *opts.Left.Min
	}
	if opts.Left.Max != nil {
		hi = *opts.Left.Max
	}
	v := math.NaN()
	if len(series) > 0 {
		v = lastValue(series[0])
	}
	cx := (a.Min.X + a.Max.X) / 2
	r := min((a.Max.X-a.Min.X)/2, a.Max.Y-a.Min.Y) * 0.85
	cy := a.Min.Y + (a.Max.Y-a.Min.Y-r)/2
	arc := func(from, to float64, c color.Color) {
		var p vg.Path
		inner := r * 0.7
		steps := max(2, int((to-from)*40))
		for k := 0; k <= steps; k++ {
			t := math.Pi - (from+(to-from)*float64(k)/float64(steps))*math.Pi
			pt := vg.Point{X: cx + r*vg.Length(math.Cos(t)), Y: cy + r*vg.Length(math.Sin(t))}
			if k == 0 {
				p.Move(pt)
			} else {
				p.Line(pt)
			}
		}
		for k := steps; k >= 0; k-- {
			t := math.Pi - (from+(to-from)*float64(k)/float64(steps))*math.Pi
			p.Line(vg.Point{X: cx + inner*vg.Length(math.Cos(t)), Y: cy + inner*vg.Length(math.Sin(t))})
		}
		p.Close()
		dc.SetColor(c)
		dc.Fill(p)
	}
	arc(0, 1, gridColor)
	// Horizontal annotations colour the scale from their value.
	for _, h := range opts.Horizontal {
		c := h.Color
		if c == nil {
			c = Palette[3]
		}
		f := (h.Value - lo) / (hi - lo)
		f = min(max(f, 0), 1)
		if h.Fill == "below" {
			arc(0, f, withAlpha(c, 0x60))
		} else {
			arc(f, 1, withAlpha(c, 0x60))
		}
	}
	if !math.IsNaN(v) && hi > lo {
		f := min(max((v-lo)/(hi-lo), 0), 1)
		c := color.Color(Palette[0])
		if len(colors) > 0 {
			c = colors[0]
		}
		arc(0, f, c)
	}
	vs := style(min(vg.Length(26), r*0.3), textColor, false)
	vs.XAlign = text.XCenter
	dc.FillText(vs, vg.Point{X: cx, Y: cy + 2}, FormatValue(v))
	ls := style(7.5, mutedColor, false)
	ls.XAlign = text.XCenter
	dc.FillText(ls, vg.Point{X: cx - r*0.85, Y: cy - 10}, FormatValue(lo))
	dc.FillText(ls, vg.Point{X: cx + r*0.85, Y: cy - 10}, FormatValue(hi))
	drawLegend(dc, series, colors, l, opts)
}
