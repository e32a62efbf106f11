package insights

import (
	"encoding/json"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"sort"
	"strings"
	"testing"
)

// The user guide's sample queries ("Sample queries": Lambda, VPC flow logs,
// Route 53, CloudTrail) run over generated events of those formats, each
// answer checked against obvious Go code that computes the same thing from
// the generated values.

type lambdaReport struct {
	ts               int64
	duration, billed float64
	memMB, maxMemMB  int
}

func genLambda(r *rand.Rand, n int) ([]Event, []lambdaReport) {
	var evs []Event
	var reps []lambdaReport
	for i := range n {
		ts := t0 + int64(i)*17_000
		id := fmt.Sprintf("%08x-0000-4000-8000-%012x", r.Uint32(), i)
		evs = append(evs, Event{Timestamp: ts, Message: "START RequestId: " + id + " Version: $LATEST"})
		rep := lambdaReport{ts: ts + 5, duration: math.Round(r.Float64()*50000) / 100, memMB: 128 * (1 + r.IntN(2)), maxMemMB: 40 + r.IntN(80)}
		rep.billed = math.Ceil(rep.duration)
		reps = append(reps, rep)
		evs = append(evs, Event{Timestamp: ts + 5, Message: fmt.Sprintf("REPORT RequestId: %s\tDuration: %.2f ms\tBilled Duration: %.0f ms\tMemory Size: %d MB\tMax Memory Used: %d MB\t",
			id, rep.duration, rep.billed, rep.memMB, rep.maxMemMB)})
		evs = append(evs, Event{Timestamp: ts + 6, Message: "END RequestId: " + id})
	}
	return evs, reps
}

func TestSampleQueryLambdaDurationByBin(t *testing.T) {
	evs, reps := genLambda(rand.New(rand.NewPCG(1, 2)), 400)
	type agg struct{ sum, max, min, n float64 }
	want := map[int64]*agg{}
	for _, r := range reps {
		b := r.ts - r.ts%300_000
		a := want[b]
		if a == nil {
			a = &agg{max: math.Inf(-1), min: math.Inf(1)}
			want[b] = a
		}
		a.sum += r.duration
		a.n++
		a.max = max(a.max, r.duration)
		a.min = min(a.min, r.duration)
	}
	got := run(t, `filter @type = "REPORT" | stats avg(@duration), max(@duration), min(@duration) by bin(5m)`, evs...)
	must(t, len(got) == len(want), "bins: got %d, want %d", len(got), len(want))
	keys := make([]int64, 0, len(want))
	for k := range want {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for i, k := range keys {
		a := want[k]
		exp := fmt.Sprintf("bin(5m)=%s avg(@duration)=%s max(@duration)=%s min(@duration)=%s",
			timestamp(k).String(), formatNumber(a.sum/a.n), formatNumber(a.max), formatNumber(a.min))
		if !closeRow(got[i], exp) {
			t.Errorf("bin %d:\n got  %s\n want %s", i, got[i], exp)
		}
	}
}

func TestSampleQueryLambdaOverprovisionedMemory(t *testing.T) {
	evs, reps := genLambda(rand.New(rand.NewPCG(3, 4)), 300)
	provisioned, smallest, maxUsed, sum := 0.0, math.Inf(1), 0.0, 0.0
	for _, r := range reps {
		provisioned = max(provisioned, float64(r.memMB))
		smallest = min(smallest, float64(r.maxMemMB))
		maxUsed = max(maxUsed, float64(r.maxMemMB))
		sum += float64(r.maxMemMB)
	}
	got := run(t, `filter @type = "REPORT"
| stats max(@memorySize / 1000 / 1000) as provisonedMemoryMB,
  min(@maxMemoryUsed / 1000 / 1000) as smallestMemoryRequestMB,
  avg(@maxMemoryUsed / 1000 / 1000) as avgMemoryUsedMB,
  max(@maxMemoryUsed / 1000 / 1000) as maxMemoryUsedMB,
  provisonedMemoryMB - maxMemoryUsedMB as overProvisionedMB`, evs...)
	exp := fmt.Sprintf("provisonedMemoryMB=%s smallestMemoryRequestMB=%s avgMemoryUsedMB=%s maxMemoryUsedMB=%s overProvisionedMB=%s",
		formatNumber(provisioned), formatNumber(smallest), formatNumber(sum/float64(len(reps))), formatNumber(maxUsed), formatNumber(provisioned-maxUsed))
	must(t, len(got) == 1 && closeRow(got[0], exp), "got %v\nwant %s", got, exp)
}

type flow struct {
	src, dst string
	bytes    int
	action   string
}

func genVPC(r *rand.Rand, n int) ([]Event, []flow) {
	var evs []Event
	var flows []flow
	hosts := []string{"10.0.1.5", "10.0.1.6", "10.0.2.9", "172.31.16.139", "172.31.16.21", "203.0.113.12"}
	for i := range n {
		f := flow{src: hosts[r.IntN(len(hosts))], dst: hosts[r.IntN(len(hosts))], bytes: 40 + r.IntN(100000), action: []string{"ACCEPT", "ACCEPT", "REJECT"}[r.IntN(3)]}
		flows = append(flows, f)
		start := 1418530010 + int64(i)
		evs = append(evs, Event{Timestamp: t0 + int64(i)*1000, Message: fmt.Sprintf("2 123456789010 eni-1235b8ca123456789 %s %s %d 22 6 %d %d %d %d %s OK",
			f.src, f.dst, 1024+r.IntN(60000), 1+r.IntN(50), f.bytes, start, start+60, f.action)})
	}
	return evs, flows
}

func TestSampleQueryVPCTopTalkers(t *testing.T) {
	evs, flows := genVPC(rand.New(rand.NewPCG(5, 6)), 2000)
	type pair struct{ src, dst string }
	sums := map[pair]int{}
	for _, f := range flows {
		sums[pair{f.src, f.dst}] += f.bytes
	}
	type kv struct {
		p pair
		n int
	}
	var all []kv
	for p, n := range sums {
		all = append(all, kv{p, n})
	}
	sort.SliceStable(all, func(i, j int) bool { return all[i].n > all[j].n })
	got := run(t, `stats sum(bytes) as bytesTransferred by srcAddr, dstAddr | sort bytesTransferred desc | limit 10`, evs...)
	must(t, len(got) == 10, "rows: %d", len(got))
	for i, row := range got {
		exp := fmt.Sprintf("srcAddr=%s dstAddr=%s bytesTransferred=%d", all[i].p.src, all[i].p.dst, all[i].n)
		if row != exp {
			t.Errorf("row %d: got %s, want %s", i, row, exp)
		}
	}
}

func TestSampleQueryVPCRejections(t *testing.T) {
	evs, flows := genVPC(rand.New(rand.NewPCG(7, 8)), 1500)
	counts := map[string]int{}
	for _, f := range flows {
		if f.action == "REJECT" {
			counts[f.src]++
		}
	}
	got := run(t, `filter action="REJECT" | stats count(*) as numRejections by srcAddr | sort numRejections desc | limit 20`, evs...)
	must(t, len(got) == len(counts), "rows: got %d, want %d", len(got), len(counts))
	prev := math.MaxInt
	for _, row := range got {
		var src string
		var n int
		if _, err := fmt.Sscanf(strings.ReplaceAll(row, "=", " "), "srcAddr %s numRejections %d", &src, &n); err != nil {
			t.Fatalf("%q: %v", row, err)
		}
		if counts[src] != n || n > prev {
			t.Errorf("%s: got %d (after %d), want %d in descending order", src, n, prev, counts[src])
		}
		prev = n
	}
}

func TestSampleQueryRoute53ByTypeAndHour(t *testing.T) {
	r := rand.New(rand.NewPCG(9, 10))
	types := []string{"A", "AAAA", "CNAME", "MX"}
	want := map[string]int{}
	var evs []Event
	for i := range 3000 {
		ts := t0 + int64(i)*7_000
		qt := types[r.IntN(len(types))]
		evs = append(evs, Event{Timestamp: ts, Message: fmt.Sprintf("1.0 %s Z123412341234 example.com %s NOERROR UDP FRA6 192.168.1.1 -",
			timestampISO(ts), qt)})
		want[qt+" "+timestamp(ts-ts%3_600_000).String()]++
	}
	got := run(t, `stats count(*) by queryType, bin(1h)`, evs...)
	must(t, len(got) == len(want), "groups: got %d, want %d", len(got), len(want))
	for _, row := range got {
		f := rowFields(row)
		if n := want[f["queryType"]+" "+f["bin(1h)"]]; fmt.Sprint(n) != f["count(*)"] {
			t.Errorf("%s: want %d", row, n)
		}
	}
}

func TestSampleQueryCloudTrailByServiceEventRegion(t *testing.T) {
	r := rand.New(rand.NewPCG(11, 12))
	calls := [][2]string{{"ec2.amazonaws.com", "StartInstances"}, {"ec2.amazonaws.com", "StopInstances"}, {"s3.amazonaws.com", "CreateBucket"}, {"iam.amazonaws.com", "CreateUser"}}
	regions := []string{"us-east-1", "eu-west-1"}
	want := map[string]int{}
	var evs []Event
	for i := range 1000 {
		c := calls[r.IntN(len(calls))]
		reg := regions[r.IntN(len(regions))]
		rec := map[string]any{"eventVersion": "1.11", "eventSource": c[0], "eventName": c[1], "awsRegion": reg,
			"userIdentity":      map[string]any{"type": "IAMUser", "userName": fmt.Sprint("user", r.IntN(5))},
			"requestParameters": map[string]any{"instancesSet": map[string]any{"items": []any{map[string]any{"instanceId": "i-abcde123"}}}}}
		b, _ := json.Marshal(rec)
		evs = append(evs, Event{Timestamp: t0 + int64(i)*1000, Message: string(b)})
		want[c[0]+" "+c[1]+" "+reg]++
	}
	got := run(t, `stats count(*) by eventSource, eventName, awsRegion`, evs...)
	must(t, len(got) == len(want), "groups: got %d, want %d", len(got), len(want))
	for _, row := range got {
		f := rowFields(row)
		if n := want[f["eventSource"]+" "+f["eventName"]+" "+f["awsRegion"]]; fmt.Sprint(n) != f["count(*)"] {
			t.Errorf("%s: want %d", row, n)
		}
	}
	// Nested fields and array elements by index, as the guide's CloudTrail
	// example names them.
	got = run(t, `filter eventName = "StartInstances" | fields userIdentity.userName, requestParameters.instancesSet.items.0.instanceId | limit 1`, evs...)
	must(t, len(got) == 1 && strings.Contains(got[0], "requestParameters.instancesSet.items.0.instanceId=i-abcde123") &&
		strings.HasPrefix(got[0], "userIdentity.userName=user"), "got %v", got)
}

func timestampISO(ms int64) string {
	return strings.Replace(timestamp(ms).String(), " ", "T", 1) + "Z"
}

// rowFields splits "a=1 b=2" as run renders rows; a word without "=" belongs
// to the previous value (timestamps hold a space).
func rowFields(row string) map[string]string {
	m := map[string]string{}
	last := ""
	for _, kv := range strings.Fields(row) {
		k, v, ok := strings.Cut(kv, "=")
		if !ok && last != "" {
			m[last] += " " + kv
			continue
		}
		m[k] = v
		last = k
	}
	return m
}

// closeRow compares rendered rows allowing the last digits of floating-point
// sums to differ (the reference adds in another order).
func closeRow(got, want string) bool {
	g, w := rowFields(got), rowFields(want)
	if len(g) != len(w) {
		return false
	}
	for k, wv := range w {
		gv, ok := g[k]
		if !ok {
			return false
		}
		var gf, wf float64
		_, e1 := fmt.Sscan(gv, &gf)
		_, e2 := fmt.Sscan(wv, &wf)
		if e1 == nil && e2 == nil {
			if math.Abs(gf-wf) > 1e-9*math.Max(1, math.Abs(wf)) {
				return false
			}
			continue
		}
		if gv != wv {
			return false
		}
	}
	return true
}

func must(t *testing.T, ok bool, format string, args ...any) {
	t.Helper()
	if !ok {
		t.Fatalf(format, args...)
	}
}
