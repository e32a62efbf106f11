package metrics

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"

	"github.com/localwatch/localwatch/internal/awserr"
)

// Page sizes are pointers so that an explicit 0 is told from absent: AWS
// rejects MaxResults 0 (its minimum is 1) and pages by the default when the
// member is absent.
func TestExplicitZeroPageSizeIsRejectedAndAbsentMeansTheDefault(t *testing.T) {
	s, _ := newTestService(t)
	ctx := context.Background()
	gmd := func(n *int32) error {
		_, err := s.GetMetricData(ctx, GetMetricDataInput{StartTime: t0.Add(-time.Hour), EndTime: t0, MaxDatapoints: n,
			MetricDataQueries: []MetricDataQuery{{Id: "m1", MetricStat: &MetricStat{Metric: Metric{Namespace: "App", MetricName: "M"}, Period: 60, Stat: "Sum"}}}})
		return err
	}
	cases := []struct {
		name string
		call func(n *int32) error
	}{
		{"DescribeAnomalyDetectors MaxResults", func(n *int32) error {
			_, err := s.DescribeAnomalyDetectors(ctx, DescribeAnomalyDetectorsInput{MaxResults: n})
			return err
		}},
		{"ListMetricStreams MaxResults", func(n *int32) error {
			_, err := s.ListMetricStreams(ctx, ListMetricStreamsInput{MaxResults: n})
			return err
		}},
		{"GetMetricData MaxDatapoints", gmd},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			assert.NoError(t, tc.call(nil), "absent: the default page size")
			assert.NoError(t, tc.call(Int32(1)))
			err := tc.call(Int32(0))
			assert.Error(t, err, "explicit 0")
			assert.Contains(t, []string{"InvalidParameterValue", "ValidationError"}, awserr.Code(err))
		})
	}
}
