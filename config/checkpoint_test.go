package config

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/localwatch/localwatch/bus"
	"github.com/localwatch/localwatch/clock"
	"github.com/localwatch/localwatch/internal/event"
	"github.com/localwatch/localwatch/internal/ids"
	"github.com/localwatch/localwatch/objstore"
	"github.com/stretchr/testify/require"
)

const (
	ckLambdaChange = "arn:aws:lambda:us-east-1:123456789012:function:ck-change"
	ckLambdaPeriod = "arn:aws:lambda:us-east-1:123456789012:function:ck-periodic"
	ckLambdaSnap   = "arn:aws:lambda:us-east-1:123456789012:function:ck-snapshot"
	ckBucket       = "ck-bucket"
)

// ckWorld is one service with everything it publishes collected.
type ckWorld struct {
	t     *testing.T
	clk   *clock.Manual
	ids   *ids.Source
	store *outageStore
	bus   *bus.Bus
	svc   *Service
	mu    sync.Mutex
	log   []string // bus events and rule invocations, in order

	firstToken string
}

func ckStr(s string) *string { return &s }

// lastToken is the result token of the last invocation of the change rule.
func (w *ckWorld) lastToken() string {
	w.mu.Lock()
	defer w.mu.Unlock()
	tok := ""
	for _, l := range w.log {
		if strings.HasPrefix(l, "invoke change") {
			tok = strings.Fields(l)[4]
		}
	}
	return tok
}

func (w *ckWorld) add(format string, args ...any) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.log = append(w.log, fmt.Sprintf(format, args...))
}

func newCkWorld(t *testing.T, start time.Time) *ckWorld {
	w := &ckWorld{t: t, clk: clock.NewManual(start), ids: ids.New(42), store: &outageStore{}, bus: &bus.Bus{}}
	bus.Subscribe(w.bus, "notes", func(_ context.Context, n event.Notification) error {
		b, err := json.Marshal(n)
		require.NoError(t, err)
		w.add("note %s", b)
		return nil
	})
	bus.Subscribe(w.bus, "changes", func(_ context.Context, c ChangeEvent) error {
		b, err := json.Marshal(c)
		require.NoError(t, err)
		w.add("change %s", b)
		return nil
	})
	bus.Subscribe(w.bus, "compliance", func(_ context.Context, c ComplianceChangeEvent) error {
		b, err := json.Marshal(c)
		require.NoError(t, err)
		w.add("compliance %s", b)
		return nil
	})
	bus.Subscribe(w.bus, "calls", func(_ context.Context, c event.APICall) error {
		b, err := json.Marshal(c)
		require.NoError(t, err)
		w.add("call %s", b)
		return nil
	})
	w.svc = New(Options{Clock: w.clk, Bus: w.bus, IDs: w.ids, Store: w.store, HistoryDeliveryInterval: 3 * time.Hour})
	t.Cleanup(w.svc.Close)
	// The user's functions, registered on every service (not state).
	w.svc.RegisterRuleFunction(ckLambdaChange, func(_ context.Context, ev RuleEvent) ([]Evaluation, error) {
		w.add("invoke change %s %s %s %v", ev.ConfigRuleName, ev.MessageType, ev.ResultToken, ev.Time)
		ci := ev.ConfigurationItem
		if ci == nil {
			return nil, nil
		}
		ct := Compliant
		switch {
		case ev.EventLeftScope || isDeletion(ci.ConfigurationItemStatus):
			ct = NotApplicable
		case strings.Contains(ci.Configuration, "xlarge"):
			ct = NonCompliant
		}
		return []Evaluation{{ComplianceResourceType: ci.ResourceType, ComplianceResourceID: ci.ResourceID, ComplianceType: ct, OrderingTimestamp: ci.ConfigurationItemCaptureTime}}, nil
	})
	w.svc.RegisterRuleFunction(ckLambdaPeriod, func(_ context.Context, ev RuleEvent) ([]Evaluation, error) {
		w.add("invoke periodic %s %s %s %v", ev.ConfigRuleName, ev.MessageType, ev.ResultToken, ev.Time)
		ct := Compliant
		if ev.Time.Hour()%2 == 1 {
			ct = NonCompliant
		}
		return []Evaluation{{ComplianceResourceType: "AWS::::Account", ComplianceResourceID: "123456789012", ComplianceType: ct, OrderingTimestamp: ev.Time}}, nil
	})
	w.svc.RegisterRuleFunction(ckLambdaSnap, func(_ context.Context, ev RuleEvent) ([]Evaluation, error) {
		w.add("invoke snapshot %s %s %s %v", ev.ConfigRuleName, ev.MessageType, ev.ResultToken, ev.Time)
		return []Evaluation{{ComplianceResourceType: "AWS::S3::Bucket", ComplianceResourceID: "bkt-1", ComplianceType: Compliant, OrderingTimestamp: ev.Time}}, nil
	})
	return w
}

func ckInstance(id, typ string, tags map[string]string, rels ...ResourceRelationship) ResourceConfig {
	return ResourceConfig{ResourceType: "AWS::EC2::Instance", ResourceID: id, ResourceName: "name-" + id,
		ARN:           "arn:aws:ec2:us-east-1:123456789012:instance/" + id,
		Configuration: map[string]any{"instanceType": typ}, Tags: tags, Relationships: rels,
		SupplementaryConfiguration: map[string]any{"Extra": map[string]any{"x": 1}}}
}

// ckAnswer is what one call answered.
type ckAnswer struct {
	Out any
	Err string
}

func ckCall[O any](out O, err error) ckAnswer {
	r := ckAnswer{Out: out}
	if err != nil {
		r.Err = err.Error()
	}
	return r
}

// observe asks every read of the service.
func (w *ckWorld) observe() map[string]ckAnswer {
	s, ctx := w.svc, context.Background()
	m := map[string]ckAnswer{}
	m["recorders"] = ckCall(s.DescribeConfigurationRecorders(ctx, DescribeConfigurationRecordersInput{}))
	m["recorderStatus"] = ckCall(s.DescribeConfigurationRecorderStatus(ctx, DescribeConfigurationRecorderStatusInput{}))
	m["listRecorders"] = ckCall(s.ListConfigurationRecorders(ctx, ListConfigurationRecordersInput{}))
	m["channels"] = ckCall(s.DescribeDeliveryChannels(ctx, DescribeDeliveryChannelsInput{}))
	m["channelStatus"] = ckCall(s.DescribeDeliveryChannelStatus(ctx, DescribeDeliveryChannelStatusInput{}))
	m["retention"] = ckCall(s.DescribeRetentionConfigurations(ctx, DescribeRetentionConfigurationsInput{}))
	m["rules"] = ckCall(s.DescribeConfigRules(ctx, DescribeConfigRulesInput{}))
	m["ruleStatus"] = ckCall(s.DescribeConfigRuleEvaluationStatus(ctx, DescribeConfigRuleEvaluationStatusInput{}))
	m["complianceByRule"] = ckCall(s.DescribeComplianceByConfigRule(ctx, DescribeComplianceByConfigRuleInput{}))
	m["complianceByResource"] = ckCall(s.DescribeComplianceByResource(ctx, DescribeComplianceByResourceInput{}))
	m["summaryByRule"] = ckCall(s.GetComplianceSummaryByConfigRule(ctx, GetComplianceSummaryByConfigRuleInput{}))
	m["summaryByType"] = ckCall(s.GetComplianceSummaryByResourceType(ctx, GetComplianceSummaryByResourceTypeInput{}))
	m["remediations"] = ckCall(s.DescribeRemediationConfigurations(ctx, DescribeRemediationConfigurationsInput{ConfigRuleNames: []string{"change", "tags"}}))
	m["counts"] = ckCall(s.GetDiscoveredResourceCounts(ctx, GetDiscoveredResourceCountsInput{}))
	for _, rn := range []string{"change", "tags", "periodic", "snap"} {
		m["details/"+rn] = ckCall(s.GetComplianceDetailsByConfigRule(ctx, GetComplianceDetailsByConfigRuleInput{ConfigRuleName: rn}))
	}
	rules, _ := s.DescribeConfigRules(ctx, DescribeConfigRulesInput{})
	if rules != nil {
		for _, r := range rules.ConfigRules {
			m["tags/"+r.ConfigRuleName] = ckCall(s.ListTagsForResource(ctx, ListTagsForResourceInput{ResourceArn: r.ConfigRuleArn}))
		}
	}
	var keys []ResourceKey
	for _, typ := range []string{"AWS::EC2::Instance", "AWS::EC2::SecurityGroup", "MyCo::Build::Runner", "AWS::S3::Bucket", "AWS::Logs::LogGroup"} {
		m["list/"+typ] = ckCall(s.ListDiscoveredResources(ctx, ListDiscoveredResourcesInput{ResourceType: typ, IncludeDeletedResources: Bool(true)}))
		if out, err := s.ListDiscoveredResources(ctx, ListDiscoveredResourcesInput{ResourceType: typ, IncludeDeletedResources: Bool(true)}); err == nil {
			for _, r := range out.ResourceIdentifiers {
				keys = append(keys, ResourceKey{r.ResourceType, r.ResourceID})
			}
		}
	}
	for _, k := range keys {
		m["history/"+k.ResourceID] = ckCall(s.GetResourceConfigHistory(ctx, GetResourceConfigHistoryInput{ResourceType: k.ResourceType, ResourceID: k.ResourceID, ChronologicalOrder: "Forward"}))
		m["complianceOf/"+k.ResourceID] = ckCall(s.GetComplianceDetailsByResource(ctx, GetComplianceDetailsByResourceInput{ResourceType: k.ResourceType, ResourceID: k.ResourceID}))
		m["impact/"+k.ResourceID] = ckCall(s.Impact(ImpactInput{ResourceType: k.ResourceType, ResourceID: k.ResourceID, At: w.clk.Now(), MaxDepth: 3}))
	}
	m["batch"] = ckCall(s.BatchGetResourceConfig(ctx, BatchGetResourceConfigInput{ResourceKeys: keys}))
	m["select"] = ckCall(s.SelectResourceConfig(ctx, SelectResourceConfigInput{Expression: "SELECT resourceId, resourceType, configuration, tags, relationships"}))
	m["store"] = ckCall(w.objects(), nil)
	return m
}

// objects is every file of the store, by key.
func (w *ckWorld) objects() map[string]objstore.Object {
	ctx := context.Background()
	keys, err := w.store.List(ctx, ckBucket, "")
	require.NoError(w.t, err)
	m := map[string]objstore.Object{}
	for _, k := range keys {
		o, err := w.store.Get(ctx, ckBucket, k)
		require.NoError(w.t, err)
		m[k] = o
	}
	return m
}

// later is what both services go through after the checkpoint: calls,
// reads and days of timers.
func (w *ckWorld) later() []ckAnswer {
	s, ctx := w.svc, context.Background()
	var r []ckAnswer
	// The rule evaluation started just before the checkpoint: a minute has not
	// passed (lastStart).
	r = append(r, ckCall(s.StartConfigRulesEvaluation(ctx, StartConfigRulesEvaluationInput{ConfigRuleNames: []string{"change"}})))
	// lastSnapshot bounds the snapshot rule.
	r = append(r, ckCall(s.DeliverConfigSnapshot(ctx, DeliverConfigSnapshotInput{DeliveryChannelName: "default"})))
	r = append(r, ckCall(s.StartConfigurationRecorder(ctx, StartConfigurationRecorderInput{"default"})))
	// Another service's call naming resources by ARN and by ID (byARN, byID,
	// known): linked to their next items.
	require.NoError(w.t, bus.Publish(ctx, w.bus, event.APICall{EventID: "evt-ext-1", EventSource: "ec2.amazonaws.com", EventName: "ModifyInstanceAttribute",
		Management: true, RequestParameters: map[string]any{"instanceId": "i-2", "target": "arn:runner"}}))
	r = append(r, ckCall(struct{}{}, s.RecordResource(ctx, ckInstance("i-2", "m5.xlarge", map[string]string{"team": "web"}))))
	r = append(r, ckCall(struct{}{}, s.RecordDeletion(ctx, ResourceKey{"AWS::EC2::SecurityGroup", "sg-1"}, "evt-del")))
	w.clk.Advance(90 * time.Minute)
	r = append(r, ckCall(s.StartConfigRulesEvaluation(ctx, StartConfigRulesEvaluationInput{ConfigRuleNames: []string{"change", "tags"}})))
	// Tokens issued before the checkpoint still answer.
	tok := w.lastToken()
	r = append(r, ckCall(s.PutEvaluations(ctx, PutEvaluationsInput{ResultToken: w.firstToken, Evaluations: []Evaluation{{ComplianceResourceType: "AWS::EC2::Instance", ComplianceResourceID: "i-9", ComplianceType: Compliant, OrderingTimestamp: w.clk.Now()}}})))
	r = append(r, ckCall(s.PutEvaluations(ctx, PutEvaluationsInput{ResultToken: tok, Evaluations: []Evaluation{{ComplianceResourceType: "AWS::EC2::Instance", ComplianceResourceID: "i-8", ComplianceType: NonCompliant, OrderingTimestamp: w.clk.Now()}}})))
	for range 5 {
		w.clk.Advance(17 * time.Hour)
		r = append(r, ckCall(struct{}{}, s.RecordResource(ctx, ckInstance("i-1", fmt.Sprintf("t3.%d", w.clk.Now().Hour()), map[string]string{"team": "web"}))))
	}
	w.clk.Advance(40 * 24 * time.Hour)
	return r
}

// build creates every kind of state the service holds, and runs timers.
func (w *ckWorld) build() {
	t, s, ctx := w.t, w.svc, context.Background()
	must := func(_ any, err error) {
		t.Helper()
		require.NoError(t, err)
	}
	must(s.PutConfigurationRecorder(ctx, PutConfigurationRecorderInput{ConfigurationRecorder{Name: "default", RoleARN: testRole,
		RecordingMode: &RecordingMode{RecordingFrequency: Continuous, RecordingModeOverrides: []RecordingModeOverride{{Description: "daily runners", ResourceTypes: []string{"MyCo::Build::Runner"}, RecordingFrequency: Daily}}}}}))
	must(s.PutDeliveryChannel(ctx, PutDeliveryChannelInput{DeliveryChannel{Name: "default", S3BucketName: ckBucket, S3KeyPrefix: ckStr("pfx"), SNSTopicARN: testTopic,
		ConfigSnapshotDeliveryProperties: &ConfigSnapshotDeliveryProperties{DeliveryFrequency: ThreeHours}}}))
	must(s.StartConfigurationRecorder(ctx, StartConfigurationRecorderInput{"default"}))
	must(s.PutRetentionConfiguration(ctx, PutRetentionConfigurationInput{RetentionPeriodInDays: 30}))
	// Rules: managed, custom change-triggered, periodic, snapshot-triggered.
	must(s.PutConfigRule(ctx, PutConfigRuleInput{ConfigRule{ConfigRuleName: "tags", InputParameters: `{"tag1Key":"team"}`,
		Source: &Source{Owner: OwnerAWS, SourceIdentifier: "REQUIRED_TAGS"}}}))
	must(s.PutConfigRule(ctx, PutConfigRuleInput{ConfigRule{ConfigRuleName: "change", InputParameters: `{"max":"large"}`,
		Scope:  &Scope{ComplianceResourceTypes: []string{"AWS::EC2::Instance"}},
		Source: &Source{Owner: OwnerCustomLambda, SourceIdentifier: ckLambdaChange, SourceDetails: []SourceDetail{{EventSource: "aws.config", MessageType: MessageConfigurationItemChange}}}}}))
	w.clk.Advance(10 * time.Minute)
	must(s.PutConfigRule(ctx, PutConfigRuleInput{ConfigRule{ConfigRuleName: "periodic", MaximumExecutionFrequency: OneHour,
		Source: &Source{Owner: OwnerCustomLambda, SourceIdentifier: ckLambdaPeriod, SourceDetails: []SourceDetail{{MessageType: MessageScheduled}}}}}))
	must(s.PutConfigRule(ctx, PutConfigRuleInput{ConfigRule{ConfigRuleName: "daily", MaximumExecutionFrequency: TwentyFourHours,
		Source: &Source{Owner: OwnerCustomLambda, SourceIdentifier: ckLambdaPeriod, SourceDetails: []SourceDetail{{MessageType: MessageScheduled}}}}}))
	must(s.PutConfigRule(ctx, PutConfigRuleInput{ConfigRule{ConfigRuleName: "snap", MaximumExecutionFrequency: SixHours,
		Source: &Source{Owner: OwnerCustomLambda, SourceIdentifier: ckLambdaSnap, SourceDetails: []SourceDetail{{MessageType: MessageSnapshotDeliveryCompleted}}}}}))
	must(s.PutConfigRule(ctx, PutConfigRuleInput{ConfigRule{ConfigRuleName: "gone", MaximumExecutionFrequency: ThreeHours,
		Source: &Source{Owner: OwnerCustomLambda, SourceIdentifier: ckLambdaPeriod, SourceDetails: []SourceDetail{{MessageType: MessageScheduled}}}}}))
	must(s.DeleteConfigRule(ctx, DeleteConfigRuleInput{"gone"}))
	rules, err := s.DescribeConfigRules(ctx, DescribeConfigRulesInput{ConfigRuleNames: []string{"change"}})
	require.NoError(t, err)
	must(s.TagResource(ctx, TagResourceInput{ResourceArn: rules.ConfigRules[0].ConfigRuleArn, Tags: []Tag{{"owner", "me"}, {"env", "prod"}}}))
	must(s.PutRemediationConfigurations(ctx, PutRemediationConfigurationsInput{[]RemediationConfiguration{{ConfigRuleName: "change", TargetType: "SSM_DOCUMENT", TargetID: "AWS-StopEC2Instance",
		Parameters: map[string]any{"AutomationAssumeRole": map[string]any{"StaticValue": map[string]any{"Values": []any{"arn:x"}}}}, Automatic: true, MaximumAutomaticAttempts: 3, RetryAttemptSeconds: 60}}}))

	// Resources, relationships, a custom resource, deletions, DAILY ones.
	sgRel := ResourceRelationship{ResourceType: "AWS::EC2::SecurityGroup", ResourceID: "sg-1", RelationshipName: "Is associated with SecurityGroup"}
	require.NoError(t, s.RecordResource(ctx, ResourceConfig{ResourceType: "AWS::EC2::SecurityGroup", ResourceID: "sg-1", ARN: "arn:aws:ec2:us-east-1:123456789012:security-group/sg-1", Configuration: `{"groupName":"web"}`}))
	require.NoError(t, s.RecordResource(ctx, ckInstance("i-1", "m5.large", map[string]string{"team": "web"}, sgRel)))
	require.NoError(t, s.RecordResource(ctx, ckInstance("i-2", "m5.xlarge", nil, sgRel)))
	require.NoError(t, s.RecordResource(ctx, ckInstance("i-3", "m5.large", map[string]string{"team": "db"})))
	must(s.PutResourceConfig(ctx, PutResourceConfigInput{ResourceType: "MyCo::Build::Runner", SchemaVersionID: "1", ResourceID: "r-1", Configuration: `{"size":1}`, Tags: map[string]string{"a": "b"}}))
	w.clk.Advance(2 * time.Hour)
	w.firstToken = w.lastToken()
	require.NoError(t, s.RecordResource(ctx, ckInstance("i-1", "m5.xlarge", map[string]string{"team": "web"}, sgRel)))
	require.NoError(t, s.RecordDeletion(ctx, ResourceKey{"AWS::EC2::Instance", "i-3"}, "evt-1", "evt-2"))
	must(s.DeliverConfigSnapshot(ctx, DeliverConfigSnapshotInput{DeliveryChannelName: "default"}))
	w.clk.Advance(26 * time.Hour)
	must(s.PutExternalEvaluation(ctx, PutExternalEvaluationInput{ConfigRuleName: "change", ExternalEvaluation: Evaluation{ComplianceResourceType: "AWS::EC2::Instance", ComplianceResourceID: "i-7", ComplianceType: NonCompliant, Annotation: "ext", OrderingTimestamp: w.clk.Now()}}))
	// A resource deleted long enough ago that retention leaves its last item
	// out of the tree.
	require.NoError(t, s.RecordResource(ctx, ResourceConfig{ResourceType: "AWS::S3::Bucket", ResourceID: "bkt-old", ARN: "arn:aws:s3:::bkt-old", Configuration: `{}`}))
	require.NoError(t, s.RecordDeletion(ctx, ResourceKey{"AWS::S3::Bucket", "bkt-old"}))
	w.clk.Advance(31*24*time.Hour + 5*time.Hour + 7*time.Minute)
	// Pending at the checkpoint: a DAILY change (dirty, related events), an
	// arn re-declared by another resource (byARN), a recent evaluation start.
	must(s.PutResourceConfig(ctx, PutResourceConfigInput{ResourceType: "MyCo::Build::Runner", SchemaVersionID: "1", ResourceID: "r-1", Configuration: `{"size":2}`}))
	require.NoError(t, s.RecordResource(ctx, ResourceConfig{ResourceType: "MyCo::Build::Runner", ResourceID: "r-2", ARN: "arn:runner", Configuration: `{"size":3}`, RelatedEvents: []string{"evt-r2"}}))
	require.NoError(t, s.RecordResource(ctx, ResourceConfig{ResourceType: "MyCo::Build::Runner", ResourceID: "r-3", ARN: "arn:runner", Configuration: `{"size":4}`}))
	must(s.StartConfigRulesEvaluation(ctx, StartConfigRulesEvaluationInput{ConfigRuleNames: []string{"change"}}))
	require.NoError(t, s.RecordResource(ctx, ckInstance("i-4", "t3.small", map[string]string{"team": "web"})))
	i1 := ckInstance("i-1", "m5.2xlarge", map[string]string{"team": "web"}, sgRel)
	i1.RelatedEvents = []string{"evt-i1a", "evt-i1b"}
	require.NoError(t, s.RecordResource(ctx, i1))
	// A type outside Config's enum that the application declared.
	require.NoError(t, s.RecordResource(ctx, ResourceConfig{ResourceType: "AWS::Logs::LogGroup", ResourceID: "lg-1", Configuration: `{}`}))
	// A bucket outage: the history file of the window fails (histRetry), as
	// does the snapshot delivery.
	w.store.down.Store(true)
	w.clk.Advance(3 * time.Hour)
	w.store.down.Store(false)
	require.NoError(t, s.RecordResource(ctx, ckInstance("i-4", "t3.medium", map[string]string{"team": "web"})))
}

func ckSave(t *testing.T, s *Service) []byte {
	t.Helper()
	var buf bytes.Buffer
	require.NoError(t, s.saveState(&buf))
	return buf.Bytes()
}

// ckRestore builds B at A's start time, moves its ID source and clock to A's,
// and loads A's checkpoint.
func ckRestore(t *testing.T, a *ckWorld, start time.Time, data []byte) *ckWorld {
	t.Helper()
	b := newCkWorld(t, start)
	pos, err := a.ids.MarshalBinary()
	require.NoError(t, err)
	require.NoError(t, b.ids.UnmarshalBinary(pos))
	b.clk.Set(a.clk.Now())
	for k, o := range a.objects() { // the object store persists on its own
		require.NoError(t, b.store.Put(context.Background(), o))
		_ = k
	}
	require.NoError(t, b.svc.loadState(bytes.NewReader(data)))
	b.log = nil
	b.firstToken = a.firstToken // the test's memory, not the service's
	return b
}

func TestCheckpointRestoresEverything(t *testing.T) {
	start := time.Date(2026, 3, 7, 10, 20, 0, 0, time.UTC)
	a := newCkWorld(t, start)
	a.build()
	data := ckSave(t, a.svc)
	b := ckRestore(t, a, start, data)
	a.log = nil

	require.Equal(t, data, ckSave(t, b.svc), "a loaded service saves the same checkpoint")
	require.Equal(t, a.observe(), b.observe(), "every read answers the same after the load")
	require.Equal(t, a.log, b.log)

	ra, rb := a.later(), b.later()
	require.Equal(t, ra, rb, "the same calls answer the same")
	require.Equal(t, a.log, b.log, "the same events, invocations and notifications")
	require.Equal(t, a.observe(), b.observe(), "every read answers the same days later")
	require.Equal(t, a.clk.Pending(), b.clk.Pending())
	require.Equal(t, ckSave(t, a.svc), ckSave(t, b.svc))
	require.NotEmpty(t, a.objects())
}

func TestCheckpointRejectsBadData(t *testing.T) {
	start := time.Date(2026, 3, 7, 10, 20, 0, 0, time.UTC)
	a := newCkWorld(t, start)
	a.build()
	data := ckSave(t, a.svc)
	for _, bad := range [][]byte{nil, {}, {99}, {checkpointVersion}, {checkpointVersion, 0xff, 0x00}, data[:len(data)/2], data[:len(data)-1], append(append([]byte{}, data...), 0)} {
		b := newCkWorld(t, start)
		require.Error(t, b.svc.loadState(bytes.NewReader(bad)), "%d bytes", len(bad))
	}
	// Every byte flipped: an error or a service, never a panic.
	for i := 1; i < len(data); i += max(1, len(data)/300) {
		d := append([]byte{}, data...)
		d[i] ^= 0x5a
		b := newCkWorld(t, start)
		_ = b.svc.loadState(bytes.NewReader(d))
	}
}
