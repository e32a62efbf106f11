package console

import (
	"bytes"
	"html/template"
	"image/color"
	"regexp"

	"github.com/localwatch/localwatch/graph"
)

// svgSize matches the root element's fixed size, which the console replaces
// so the graph scales with its box (the viewBox keeps its proportions).
var svgSize = regexp.MustCompile(`^<svg width="[^"]*" height="[^"]*"`)

// drawSVG renders series as an inline SVG element. The renderer escapes
// every text it draws (labels, titles), so the result is safe to embed.
func drawSVG(series []graph.Series, opts graph.Options) (template.HTML, error) {
	opts.Format = "svg"
	if opts.Width == 0 {
		opts.Width = 900
	}
	if opts.Height == 0 {
		opts.Height = 320
	}
	var buf bytes.Buffer
	if err := graph.Render(&buf, series, opts); err != nil {
		return "", err
	}
	return inlineSVG(buf.Bytes())
}

// inlineSVG makes a rendered SVG document an element to embed in a page.
func inlineSVG(b []byte) (template.HTML, error) {
	if i := bytes.Index(b, []byte("<svg")); i >= 0 {
		b = b[i:]
	}
	b = svgSize.ReplaceAll(b, []byte(`<svg class="graph" role="img" preserveAspectRatio="xMidYMid meet"`))
	return template.HTML(b), nil //nolint:gosec // the renderer escapes all text
}

// State colours, as the CloudWatch console shades alarm periods.
var (
	colAlarm        = color.RGBA{0xd1, 0x32, 0x12, 0xff}
	colOK           = color.RGBA{0x1d, 0x81, 0x02, 0xff}
	colInsufficient = color.RGBA{0x8d, 0x99, 0xa8, 0xff}
	colThreshold    = color.RGBA{0xd1, 0x32, 0x12, 0xff}
)
