package insightrules_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/localwatch/localwatch/insightrules"
)

// BenchmarkGetInsightRuleReport100k measures a report over 100,000 JSON
// events of 1,000 contributors: parsing, filtering and aggregation per event.
func BenchmarkGetInsightRuleReport100k(b *testing.B) {
	s, logs, _ := newService(&testing.T{})
	defer s.Close()
	if _, err := s.PutInsightRule(nilCtx, insightrules.PutInsightRuleInput{RuleName: "bytes", RuleDefinition: bytesByIP}); err != nil {
		b.Fatal(err)
	}
	const n = 100_000
	for i := range n {
		logs.put("api-1", t0.Add(time.Duration(i)*time.Millisecond), fmt.Sprintf(`{"ip": "10.0.%d.%d", "bytes": %d, "method": "PUT", "path": "/items/%d"}`, i%1000/250, i%250, i%1500, i))
	}
	in := insightrules.GetInsightRuleReportInput{RuleName: "bytes", StartTime: t0, EndTime: t0.Add(time.Hour), Period: 60, Metrics: []string{"UniqueContributors", "Sum"}}
	b.ReportAllocs()
	b.ResetTimer()
	for range b.N {
		if _, err := s.GetInsightRuleReport(nilCtx, in); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(n)*float64(b.N)/b.Elapsed().Seconds(), "events/s")
}
