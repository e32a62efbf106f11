package awsapi

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"image/png"
	"net/url"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

const testWidget = `{"metrics": [["Shop", "Orders"]], "start": "-PT1H", "width": 300, "height": 200}`

// GetMetricWidgetImage answers the PNG in the protocol's blob for
// OutputFormat png (the SDK's way), and the raw PNG body with Content-Type
// image/png for OutputFormat image/png, as the API reference describes.
func TestGetMetricWidgetImageOutputFormats(t *testing.T) {
	r := newRig(t, Options{})
	body, _ := json.Marshal(map[string]string{"MetricWidget": testWidget, "OutputFormat": "png"})
	resp := r.do(t, jsonReq("GraniteServiceVersion20100801.GetMetricWidgetImage", string(body)))
	require.Equal(t, 200, resp.StatusCode)
	var out struct{ MetricWidgetImage string }
	require.NoError(t, json.Unmarshal(readAll(t, resp), &out))
	img, err := base64.StdEncoding.DecodeString(out.MetricWidgetImage)
	require.NoError(t, err)
	_, err = png.Decode(bytes.NewReader(img))
	require.NoError(t, err, "png: the image is a base64 blob in the JSON answer")

	form := url.Values{"Action": {"GetMetricWidgetImage"}, "Version": {"2010-08-01"}, "MetricWidget": {testWidget}, "OutputFormat": {"image/png"}}
	resp = r.do(t, queryReq("monitoring", form.Encode()))
	require.Equal(t, 200, resp.StatusCode)
	assert.Equal(t, "image/png", resp.Header.Get("Content-Type"))
	raw := readAll(t, resp)
	decoded, err := png.Decode(bytes.NewReader(raw))
	require.NoError(t, err, "image/png: the body is the PNG itself")
	assert.Equal(t, 300, decoded.Bounds().Dx())
	assert.False(t, strings.HasPrefix(string(raw), "<"), "not XML")
}
