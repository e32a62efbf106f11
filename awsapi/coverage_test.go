package awsapi

import (
	"fmt"
	"slices"
	"strings"
	"testing"
)

// coverageFloor is how many of each service's AWS API operations localwatch
// serves at least (issue 27 counts coverage against botocore's models; the
// README's coverage table comes from this test's log: go test ./awsapi -run
// Coverage -v). A service losing an operation fails here.
var coverageFloor = map[string]int{"cloudwatch": 42, "logs": 70, "cloudtrail": 21, "config": 41, "sns": 42}

func TestCoverageAgainstTheModels(t *testing.T) {
	ids := make([]string, 0)
	for id := range services() {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	var b strings.Builder
	served, total := 0, 0
	fmt.Fprintln(&b, "| service | served | in AWS's model |")
	fmt.Fprintln(&b, "| --- | --- | --- |")
	for _, id := range ids {
		s := services()[id]
		fmt.Fprintf(&b, "| %s | %d | %d |\n", id, len(s.ops), len(s.modelOps))
		served += len(s.ops)
		total += len(s.modelOps)
		if len(s.ops) < coverageFloor[id] {
			t.Errorf("%s serves %d operations, fewer than %d", id, len(s.ops), coverageFloor[id])
		}
	}
	fmt.Fprintf(&b, "| all | %d | %d |\n", served, total)
	t.Log("\n" + b.String())
}
