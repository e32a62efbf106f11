package logs

import (
	"bytes"
	"context"
	"fmt"
	"sort"
	"sync"
	"testing"
	"time"

	"github.com/localwatch/localwatch/bus"
	"github.com/localwatch/localwatch/clock"
	"github.com/localwatch/localwatch/internal/event"
	"github.com/localwatch/localwatch/internal/ids"
	"github.com/localwatch/localwatch/metrics"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// ckEnv is one service of the checkpoint test with what it published.
type ckEnv struct {
	s     *Service
	clk   *clock.Manual
	ids   *ids.Source
	mu    sync.Mutex
	data  []metrics.DataEvent
	subs  []SubscriptionDelivery
	fn    []SubscriptionDelivery // what the registered destination function got
	calls []string               // API calls on the bus (name, request and event IDs)
}

const ckSeed = 42

func newCkEnv(t testing.TB, start time.Time) *ckEnv {
	e := &ckEnv{clk: clock.NewManual(start), ids: ids.New(ckSeed)}
	b := &bus.Bus{}
	bus.Subscribe(b, "ck-metrics", func(_ context.Context, d metrics.DataEvent) error {
		e.mu.Lock()
		e.data = append(e.data, d)
		e.mu.Unlock()
		return nil
	})
	bus.Subscribe(b, "ck-subs", func(_ context.Context, d SubscriptionDelivery) error {
		e.mu.Lock()
		e.subs = append(e.subs, d)
		e.mu.Unlock()
		return nil
	})
	bus.Subscribe(b, "ck-calls", func(_ context.Context, c event.APICall) error {
		e.mu.Lock()
		e.calls = append(e.calls, fmt.Sprintf("%+v", c))
		e.mu.Unlock()
		return nil
	})
	e.s = New(Options{Clock: e.clk, Bus: b, IDs: e.ids, RetentionSweep: 30 * time.Minute})
	e.s.RegisterDestination(lambdaARN, func(_ context.Context, d SubscriptionDelivery) error {
		e.mu.Lock()
		e.fn = append(e.fn, d)
		e.mu.Unlock()
		return nil
	})
	t.Cleanup(e.s.Close)
	return e
}

// published returns what e published since the marks.
func (e *ckEnv) published(data, subs, fn, calls int) []any {
	e.mu.Lock()
	defer e.mu.Unlock()
	return []any{e.data[data:], e.subs[subs:], e.fn[fn:], e.calls[calls:]}
}

func (e *ckEnv) marks() (int, int, int, int) {
	e.mu.Lock()
	defer e.mu.Unlock()
	return len(e.data), len(e.subs), len(e.fn), len(e.calls)
}

func must[T any](t testing.TB) func(T, error) T {
	return func(v T, err error) T {
		t.Helper()
		require.NoError(t, err)
		return v
	}
}

// ckPopulate makes every kind of state the service holds, advancing the
// clock so that timers run, and leaves an export task, a query and
// metric filter data pending.
func ckPopulate(t *testing.T, e *ckEnv) {
	s := e.s
	now := func() int64 { return e.clk.Now().UnixMilli() }
	ok := func(_ any, err error) {
		t.Helper()
		require.NoError(t, err)
	}
	ok(s.CreateLogGroup(ctx, CreateLogGroupInput{LogGroupName: "app", Tags: map[string]string{"team": "web"}}))
	ok(s.CreateLogGroup(ctx, CreateLogGroupInput{LogGroupName: "audit"}))
	ok(s.CreateLogGroup(ctx, CreateLogGroupInput{LogGroupName: "short", LogGroupClass: LogGroupClassInfrequentAccess, KmsKeyID: kmsKey,
		DeletionProtectionEnabled: ptr(true)}))
	ok(s.CreateLogGroup(ctx, CreateLogGroupInput{LogGroupName: "gone"}))
	ok(s.CreateLogGroup(ctx, CreateLogGroupInput{LogGroupName: "empty"}))
	for _, st := range []string{"web-1", "web-2", "idle"} {
		ok(s.CreateLogStream(ctx, CreateLogStreamInput{LogGroupName: "app", LogStreamName: st}))
	}
	ok(s.CreateLogStream(ctx, CreateLogStreamInput{LogGroupName: "short", LogStreamName: "s"}))
	ok(s.CreateLogStream(ctx, CreateLogStreamInput{LogGroupName: "gone", LogStreamName: "s"}))
	ok(s.PutRetentionPolicy(ctx, PutRetentionPolicyInput{LogGroupName: "short", RetentionInDays: 1}))
	ok(s.PutRetentionPolicy(ctx, PutRetentionPolicyInput{LogGroupName: "audit", RetentionInDays: 30}))
	ok(s.TagResource(ctx, TagResourceInput{ResourceArn: "arn:aws:logs:us-east-1:123456789012:log-group:audit", Tags: map[string]string{"k": "v"}}))
	ok(s.AssociateKmsKey(ctx, AssociateKmsKeyInput{LogGroupName: "audit", KmsKeyID: kmsKey}))
	ok(s.AssociateKmsKey(ctx, AssociateKmsKeyInput{ResourceIdentifier: "arn:aws:logs:us-east-1:123456789012:query-result:*", KmsKeyID: kmsKey}))

	// Filters, destinations, policies.
	ok(s.PutMetricFilter(ctx, PutMetricFilterInput{LogGroupName: "app", FilterName: "latency", FilterPattern: "[ip, user, verb, status, ms]",
		MetricTransformations: []MetricTransformation{{MetricName: "Latency", MetricNamespace: "App", MetricValue: "$ms", Unit: metrics.UnitMilliseconds,
			Dimensions: map[string]string{"Verb": "$verb"}}}}))
	ok(s.PutMetricFilter(ctx, PutMetricFilterInput{LogGroupName: "app", FilterName: "errors", FilterPattern: "ERROR",
		MetricTransformations: []MetricTransformation{{MetricName: "Errors", MetricNamespace: "App", MetricValue: "1", DefaultValue: ptr(0.0)}}}))
	ok(s.PutMetricFilter(ctx, PutMetricFilterInput{LogGroupName: "gone", FilterName: "x", FilterPattern: "",
		MetricTransformations: []MetricTransformation{{MetricName: "X", MetricNamespace: "App", MetricValue: "1"}}}))
	ok(s.PutSubscriptionFilter(ctx, PutSubscriptionFilterInput{LogGroupName: "app", FilterName: "to-lambda", FilterPattern: "ERROR", DestinationArn: lambdaARN}))
	ok(s.PutDestination(ctx, PutDestinationInput{DestinationName: "central", TargetArn: kinesisARN, RoleArn: cwlRoleARN, Tags: map[string]string{"team": "sec"}}))
	destARN := "arn:aws:logs:us-east-1:123456789012:destination:central"
	ok(s.PutDestinationPolicy(ctx, PutDestinationPolicyInput{DestinationName: "central", AccessPolicy: allowPolicy("111122223333", destARN)}))
	ok(s.PutSubscriptionFilter(ctx, PutSubscriptionFilterInput{LogGroupName: "app", FilterName: "to-dest", FilterPattern: "", DestinationArn: destARN}))
	ok(s.PutResourcePolicy(ctx, PutResourcePolicyInput{PolicyName: "r53", PolicyDocument: route53Policy}))
	ok(s.PutAccountPolicy(ctx, PutAccountPolicyInput{PolicyName: "sub", PolicyType: PolicyTypeSubscription, PolicyDocument: subPolicy,
		SelectionCriteria: `LogGroupName NOT IN ["noisy"]`}))
	ok(s.PutAccountPolicy(ctx, PutAccountPolicyInput{PolicyName: "tr", PolicyType: PolicyTypeTransformer,
		PolicyDocument: `{"transformerConfig": [{"parseJSON": {}}]}`, SelectionCriteria: `LogGroupNamePrefix IN ["/tr/"]`}))
	ok(s.PutAccountPolicy(ctx, PutAccountPolicyInput{PolicyName: "dp", PolicyType: PolicyTypeDataProtection, PolicyDocument: dpDoc("", ip)}))
	ok(s.PutDataProtectionPolicy(ctx, PutDataProtectionPolicyInput{LogGroupIdentifier: "app", PolicyDocument: dpDoc("audit", email)}))
	ok(s.PutDataProtectionPolicy(ctx, PutDataProtectionPolicyInput{LogGroupIdentifier: "gone", PolicyDocument: dpDoc("", email)}))

	// Deliveries.
	ok(s.PutDeliverySource(ctx, PutDeliverySourceInput{Name: "cf", ResourceArn: cfDistribution, LogType: "ACCESS_LOGS", Tags: map[string]string{"team": "web"}}))
	bucket := must[*PutDeliveryDestinationOutput](t)(s.PutDeliveryDestination(ctx, PutDeliveryDestinationInput{Name: "bucket", OutputFormat: "json",
		DeliveryDestinationConfiguration: &DeliveryDestinationConfiguration{DestinationResourceArn: logBucket}}))
	grp := must[*PutDeliveryDestinationOutput](t)(s.PutDeliveryDestination(ctx, PutDeliveryDestinationInput{Name: "group",
		DeliveryDestinationConfiguration: &DeliveryDestinationConfiguration{DestinationResourceArn: logGroupARN}}))
	ok(s.PutDeliveryDestinationPolicy(ctx, PutDeliveryDestinationPolicyInput{DeliveryDestinationName: "bucket",
		DeliveryDestinationPolicy: `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"111122223333"},"Action":"logs:CreateDelivery","Resource":"*"}]}`}))
	ok(s.CreateDelivery(ctx, CreateDeliveryInput{DeliverySourceName: "cf", DeliveryDestinationArn: bucket.DeliveryDestination.Arn, RecordFields: []string{"date", "time"},
		S3DeliveryConfiguration: &S3DeliveryConfiguration{SuffixPath: "x", EnableHiveCompatiblePath: ptr(false)}}))
	ok(s.CreateDelivery(ctx, CreateDeliveryInput{DeliverySourceName: "cf", DeliveryDestinationArn: grp.DeliveryDestination.Arn}))

	// Events: many in order, a batch out of order (an unsorted tail), old
	// ones that retention removes.
	var batch []InputLogEvent
	for i := range 3000 {
		batch = append(batch, ev(now()-int64(3000-i)*1000, fmt.Sprintf("10.0.0.%d alice GET 200 %d", i%250, i%97)))
	}
	ok(s.PutLogEvents(ctx, PutLogEventsInput{LogGroupName: "app", LogStreamName: "web-1", LogEvents: batch}))
	ok(s.PutLogEvents(ctx, PutLogEventsInput{LogGroupName: "app", LogStreamName: "web-2", LogEvents: []InputLogEvent{
		ev(now()-500, "ERROR mail bob@example.com from 10.1.2.3"), ev(now(), "1.2.3.4 bob POST 500 12")}}))
	ok(s.PutLogEvents(ctx, PutLogEventsInput{LogGroupName: "short", LogStreamName: "s", LogEvents: []InputLogEvent{
		ev(now()-30*3600*1000, "very old"), ev(now()-23*3600*1000, "expiring"), ev(now()-20*3600*1000, "old"), ev(now(), "new")}}))
	ok(s.PutLogEvents(ctx, PutLogEventsInput{LogGroupName: "gone", LogStreamName: "s", LogEvents: []InputLogEvent{ev(now(), "x")}}))

	// Exports and queries that run.
	ok(s.CreateExportTask(ctx, CreateExportTaskInput{TaskName: "done", LogGroupName: "app", From: 0, To: now(), Destination: "archive"}))
	ok(s.StartQuery(ctx, StartQueryInput{LogGroupName: "app", QueryString: "fields @message | filter @message like /GET/ | limit 5",
		StartTime: now()/1000 - 3600, EndTime: now() / 1000}))
	q2 := must[*StartQueryOutput](t)(s.StartQuery(ctx, StartQueryInput{LogGroupNames: []string{"app", "short"}, QueryString: "stats count(*) by bin(5m)",
		StartTime: now()/1000 - 7200, EndTime: now() / 1000}))
	ok(s.StopQuery(ctx, StopQueryInput{QueryID: q2.QueryID}))
	ok(s.PutQueryDefinition(ctx, PutQueryDefinitionInput{Name: "errors", QueryString: "filter @message like /ERROR/", LogGroupNames: []string{"app"}}))
	ok(s.PutQueryDefinition(ctx, PutQueryDefinitionInput{Name: "all", QueryString: "fields @message"}))

	e.clk.Advance(90 * time.Minute) // sweeps, publications, the export and the first query run

	ok(s.DeleteLogGroup(ctx, DeleteLogGroupInput{LogGroupName: "gone"}))
	ok(s.CreateLogGroup(ctx, CreateLogGroupInput{LogGroupName: "gone"})) // same name, no policy
	// Out of order: the stream's tail stays unsorted until the next read.
	ok(s.PutLogEvents(ctx, PutLogEventsInput{LogGroupName: "app", LogStreamName: "web-1", LogEvents: []InputLogEvent{
		ev(now()-7200*1000, "10.9.9.9 carol GET 200 7"), ev(now()-7100*1000, "ERROR late")}}))
	// Pending metric filter data (no minute boundary passes before Save).
	ok(s.PutLogEvents(ctx, PutLogEventsInput{LogGroupName: "app", LogStreamName: "web-2", LogEvents: []InputLogEvent{
		ev(now(), "5.6.7.8 dave PUT 201 33"), ev(now(), "ERROR x")}}))
	ok(s.PutDataProtectionPolicy(ctx, PutDataProtectionPolicyInput{LogGroupIdentifier: "app", PolicyDocument: dpDoc("", email, ip)}))
	// Pending at the checkpoint: an export task and a query.
	ok(s.CreateExportTask(ctx, CreateExportTaskInput{TaskName: "pending", LogGroupName: "app", LogStreamNamePrefix: "web-1", From: 0, To: now(),
		Destination: "archive", DestinationPrefix: "p2"}))
	ok(s.StartQuery(ctx, StartQueryInput{LogGroupName: "app", QueryString: "stats count(*) by @logStream",
		StartTime: now()/1000 - 3*3600, EndTime: now() / 1000}))
}

// ckObserve makes every read of the service and returns the answers.
func ckObserve(t *testing.T, e *ckEnv) map[string]any {
	s := e.s
	out := map[string]any{}
	rec := func(name string) func(v any, err error) {
		return func(v any, err error) {
			if err != nil {
				out[name] = "error: " + err.Error()
				return
			}
			out[name] = v
		}
	}
	rec("DescribeLogGroups")(s.DescribeLogGroups(ctx, DescribeLogGroupsInput{}))
	rec("ListLogGroups")(s.ListLogGroups(ctx, ListLogGroupsInput{}))
	groups := []string{"app", "audit", "short", "gone", "empty"}
	for _, g := range groups {
		rec("DescribeLogStreams " + g)(s.DescribeLogStreams(ctx, DescribeLogStreamsInput{LogGroupName: g}))
		rec("DescribeLogStreams by time " + g)(s.DescribeLogStreams(ctx, DescribeLogStreamsInput{LogGroupName: g, OrderBy: OrderByLastEventTime, Descending: ptr(true)}))
		rec("FilterLogEvents " + g)(s.FilterLogEvents(ctx, FilterLogEventsInput{LogGroupName: g}))
		rec("FilterLogEvents unmasked " + g)(s.FilterLogEvents(ctx, FilterLogEventsInput{LogGroupName: g, Unmask: ptr(true), FilterPattern: "ERROR"}))
		rec("DescribeMetricFilters " + g)(s.DescribeMetricFilters(ctx, DescribeMetricFiltersInput{LogGroupName: g}))
		rec("DescribeSubscriptionFilters " + g)(s.DescribeSubscriptionFilters(ctx, DescribeSubscriptionFiltersInput{LogGroupName: g}))
		rec("GetDataProtectionPolicy " + g)(s.GetDataProtectionPolicy(ctx, GetDataProtectionPolicyInput{LogGroupIdentifier: g}))
		rec("ListTagsLogGroup " + g)(s.ListTagsLogGroup(ctx, ListTagsLogGroupInput{LogGroupName: g}))
		rec("GetLogGroupFields " + g)(s.GetLogGroupFields(ctx, GetLogGroupFieldsInput{LogGroupName: g}))
		for _, st := range []string{"web-1", "web-2", "idle", "s"} {
			rec("GetLogEvents " + g + "/" + st)(s.GetLogEvents(ctx, GetLogEventsInput{LogGroupName: g, LogStreamName: st, StartFromHead: ptr(true)}))
			rec("GetLogEvents tail " + g + "/" + st)(s.GetLogEvents(ctx, GetLogEventsInput{LogGroupName: g, LogStreamName: st, Limit: ptr(int32(7))}))
		}
	}
	rec("DescribeDestinations")(s.DescribeDestinations(ctx, DescribeDestinationsInput{}))
	rec("DescribeResourcePolicies")(s.DescribeResourcePolicies(ctx, DescribeResourcePoliciesInput{}))
	rec("DescribeExportTasks")(s.DescribeExportTasks(ctx, DescribeExportTasksInput{}))
	qs, err := s.DescribeQueries(ctx, DescribeQueriesInput{})
	rec("DescribeQueries")(qs, err)
	if err == nil {
		for _, q := range qs.Queries {
			rec("GetQueryResults " + q.QueryID)(s.GetQueryResults(ctx, GetQueryResultsInput{QueryID: q.QueryID}))
		}
	}
	rec("DescribeQueryDefinitions")(s.DescribeQueryDefinitions(ctx, DescribeQueryDefinitionsInput{}))
	for _, pt := range policyTypes {
		rec("DescribeAccountPolicies " + string(pt))(s.DescribeAccountPolicies(ctx, DescribeAccountPoliciesInput{PolicyType: pt}))
	}
	rec("DescribeDeliverySources")(s.DescribeDeliverySources(ctx, DescribeDeliverySourcesInput{}))
	rec("DescribeDeliveryDestinations")(s.DescribeDeliveryDestinations(ctx, DescribeDeliveryDestinationsInput{}))
	rec("GetDeliveryDestinationPolicy")(s.GetDeliveryDestinationPolicy(ctx, GetDeliveryDestinationPolicyInput{DeliveryDestinationName: "bucket"}))
	rec("DescribeDeliveries")(s.DescribeDeliveries(ctx, DescribeDeliveriesInput{}))
	out["QueryResultsKmsKey"] = s.QueryResultsKmsKey()
	// The export store (the same objects written).
	var objs []string
	for _, b := range []string{"archive"} {
		keys, _ := s.Store().List(ctx, b, "")
		sort.Strings(keys)
		for _, k := range keys {
			o, _ := s.Store().Get(ctx, b, k)
			objs = append(objs, fmt.Sprintf("%s %x", k, o.Body))
		}
	}
	out["objects"] = objs
	out["timers"] = e.clk.Pending()
	s.mu.RLock()
	out["sweeps"], out["seq"] = s.sweeps, s.seq
	s.mu.RUnlock()
	return out
}

// ckInternals returns the state no read shows directly (or not before a
// long time): stream bookkeeping, due times, prefixes, tags, histories.
func ckInternals(s *Service) string {
	var b bytes.Buffer
	s.mu.RLock()
	for _, n := range s.names {
		g := s.groups[n]
		for _, sn := range g.streamNames {
			st := g.streams[sn]
			fmt.Fprintf(&b, "%s/%s n=%d sorted=%d drops=%d bytes=%d %d %d %d %v\n", n, sn, st.count, st.sortedN, st.drops, st.bytes,
				st.first, st.last, st.lastIngest, st.hasEvents)
		}
		if h := s.protection.groups[g]; h != nil {
			for _, sp := range h.spans {
				fmt.Fprintf(&b, "dp %s %d %d %d %s\n", n, sp.from, sp.to, sp.pol.updated, sp.pol.doc)
			}
		}
	}
	for _, sp := range s.protection.account.spans {
		fmt.Fprintf(&b, "account dp %d %d %d\n", sp.from, sp.to, sp.pol.updated)
	}
	for _, t := range s.exports {
		fmt.Fprintf(&b, "export %s %s %v\n", t.desc.TaskID, t.prefix, t.due.UnixNano())
	}
	for _, n := range sortedKeys(s.destinations) {
		fmt.Fprintf(&b, "destination %s %v\n", n, s.destinations[n].tags)
	}
	s.mu.RUnlock()
	s.queryStore.mu.Lock()
	for _, q := range s.queryStore.order {
		fmt.Fprintf(&b, "query %s %v %d %d %d %d %v\n", q.info.QueryID, q.groups, q.start, q.end, q.limit, q.finished, q.due.UnixNano())
	}
	s.queryStore.mu.Unlock()
	return b.String()
}

func ckSave(t testing.TB, s *Service) []byte {
	var buf bytes.Buffer
	require.NoError(t, s.saveState(&buf))
	return buf.Bytes()
}

func TestCheckpointRestoresEverything(t *testing.T) {
	a := newCkEnv(t, t0)
	ckPopulate(t, a)
	saved := ckSave(t, a.s)

	b := newCkEnv(t, t0)
	pos, err := a.ids.MarshalBinary()
	require.NoError(t, err)
	require.NoError(t, b.ids.UnmarshalBinary(pos))
	b.clk.Set(a.clk.Now())
	require.NoError(t, b.s.loadState(bytes.NewReader(saved)))

	assert.Equal(t, saved, ckSave(t, b.s), "B saves what A saved")
	assert.Equal(t, ckInternals(a.s), ckInternals(b.s))
	am, bm := [4]int{}, [4]int{}
	am[0], am[1], am[2], am[3] = a.marks()
	bm[0], bm[1], bm[2], bm[3] = b.marks()
	assert.Equal(t, ckObserve(t, a), ckObserve(t, b))

	// The same future on both: the pending export and query run, metric
	// data is published, retention sweeps, new events go to subscriptions.
	for _, e := range []*ckEnv{a, b} {
		e.clk.Advance(30 * time.Second)
		now := e.clk.Now().UnixMilli()
		_, err := e.s.PutLogEvents(ctx, PutLogEventsInput{LogGroupName: "app", LogStreamName: "web-1", LogEvents: []InputLogEvent{
			ev(now-1000, "10.0.0.1 erin GET 200 5"), ev(now, "ERROR again bob@example.com")}})
		require.NoError(t, err)
		_, err = e.s.StartQuery(ctx, StartQueryInput{LogGroupName: "app", QueryString: "fields @message | sort @timestamp desc | limit 20",
			StartTime: now/1000 - 4*3600, EndTime: now / 1000})
		require.NoError(t, err)
		e.clk.Advance(5 * time.Hour)
		_, err = e.s.CreateExportTask(ctx, CreateExportTaskInput{TaskName: "later", LogGroupName: "app", From: 0, To: now,
			Destination: "archive", DestinationPrefix: "p3"})
		require.NoError(t, err)
		e.clk.Advance(25 * time.Hour) // past the short group's retention
	}
	assert.Equal(t, ckObserve(t, a), ckObserve(t, b))
	assert.Equal(t, a.published(am[0], am[1], am[2], am[3]), b.published(bm[0], bm[1], bm[2], bm[3]))
	assert.NotEmpty(t, b.published(bm[0], bm[1], bm[2], bm[3])[0], "metric filter data published")
	assert.NotEmpty(t, b.published(bm[0], bm[1], bm[2], bm[3])[2], "subscription deliveries")
	assert.Equal(t, ckSave(t, a.s), ckSave(t, b.s))
	for _, e := range []*ckEnv{a, b} {
		e.clk.Advance(QueryResultsRetention) // finished queries expire
	}
	assert.Equal(t, ckObserve(t, a), ckObserve(t, b))
	assert.Equal(t, ckInternals(a.s), ckInternals(b.s))
}

func TestCheckpointRejectsBadData(t *testing.T) {
	a := newCkEnv(t, t0)
	ckPopulate(t, a)
	saved := ckSave(t, a.s)
	for name, data := range map[string][]byte{
		"empty":         nil,
		"version":       append([]byte{99}, saved[1:]...),
		"garbage":       append([]byte{checkpointVersion}, bytes.Repeat([]byte{0xff, 0x13, 0x00}, 100)...),
		"truncated":     saved[:len(saved)/2],
		"truncated end": saved[:len(saved)-1],
	} {
		t.Run(name, func(t *testing.T) {
			b := newCkEnv(t, t0)
			assert.Error(t, b.s.loadState(bytes.NewReader(data)))
		})
	}
	// Every truncation and many corruptions are refused or loaded, never
	// a panic.
	b := newCkEnv(t, t0)
	for i := 1; i < len(saved); i += 1 + len(saved)/300 {
		_ = b.s.loadState(bytes.NewReader(saved[:i]))
		c := bytes.Clone(saved)
		c[i] ^= 0x5a
		_ = b.s.loadState(bytes.NewReader(c))
	}
	// A stream whose columns disagree is refused.
	bad := &ckState{Groups: []ckGroup{{Name: "g", Streams: []ckStream{{Name: "s", N: 2, Msgs: []byte("ab"), Lens: []byte{1}}}}}}
	var buf bytes.Buffer
	buf.WriteByte(checkpointVersion)
	require.NoError(t, ckEncMode.NewEncoder(&buf).Encode(bad))
	assert.Error(t, b.s.loadState(&buf))
}

// BenchmarkCheckpoint saves and loads a service holding 1 M events.
func BenchmarkCheckpoint(b *testing.B) {
	e := newCkEnv(b, t0)
	s := e.s
	_, err := s.CreateLogGroup(ctx, CreateLogGroupInput{LogGroupName: "big"})
	require.NoError(b, err)
	now := e.clk.Now().UnixMilli()
	const streams, perStream = 10, 100000
	for k := range streams {
		name := fmt.Sprintf("s%d", k)
		_, err := s.CreateLogStream(ctx, CreateLogStreamInput{LogGroupName: "big", LogStreamName: name})
		require.NoError(b, err)
		for off := 0; off < perStream; off += MaxBatchEvents {
			evs := make([]InputLogEvent, MaxBatchEvents)
			for i := range evs {
				n := off + i
				evs[i] = InputLogEvent{Timestamp: now - int64(perStream-n)*100, Message: fmt.Sprintf("%d 10.0.%d.%d GET /api/v1/items/%d 200 %dms", n, n%256, k, n, n%300)}
			}
			_, err := s.PutLogEvents(ctx, PutLogEventsInput{LogGroupName: "big", LogStreamName: name, LogEvents: evs})
			require.NoError(b, err)
		}
	}
	var size int
	b.ResetTimer()
	for range b.N {
		var buf bytes.Buffer
		require.NoError(b, s.saveState(&buf))
		size = buf.Len()
		f := newCkEnv(b, t0)
		require.NoError(b, f.s.loadState(&buf))
	}
	b.ReportMetric(float64(size), "bytes")
}
