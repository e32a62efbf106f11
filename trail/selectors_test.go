package trail

import (
	"bytes"
	"context"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestPutEventSelectorsValidation(t *testing.T) {
	many := func(n int) []string {
		out := make([]string, n)
		for i := range out {
			out[i] = "arn:aws:s3:::bucket/" + strings.Repeat("x", i+1)
		}
		return out
	}
	cases := []struct {
		name string
		in   PutEventSelectorsInput
		want error
	}{
		{"neither kind", PutEventSelectorsInput{}, ErrInvalidParameterCombination},
		{"both kinds", PutEventSelectorsInput{EventSelectors: []EventSelector{{}}, AdvancedEventSelectors: []AdvancedEventSelector{{}}}, ErrInvalidParameterCombination},
		{"six basic selectors", PutEventSelectorsInput{EventSelectors: make([]EventSelector, 6)}, ErrInvalidEventSelectors},
		{"bad ReadWriteType", PutEventSelectorsInput{EventSelectors: []EventSelector{{ReadWriteType: "Some"}}}, ErrInvalidEventSelectors},
		{"exclude an unsupported source", PutEventSelectorsInput{EventSelectors: []EventSelector{{ExcludeManagementEventSources: []string{"s3.amazonaws.com"}}}}, ErrInvalidEventSelectors},
		{"unknown data resource type", PutEventSelectorsInput{EventSelectors: []EventSelector{{DataResources: []DataResource{{Type: "AWS::EC2::Instance", Values: []string{"x"}}}}}}, ErrInvalidEventSelectors},
		{"S3 bucket without trailing slash", PutEventSelectorsInput{EventSelectors: []EventSelector{{DataResources: []DataResource{{Type: "AWS::S3::Object", Values: []string{"arn:aws:s3:::bucket"}}}}}}, ErrInvalidEventSelectors},
		{"251 data resources", PutEventSelectorsInput{EventSelectors: []EventSelector{{DataResources: []DataResource{{Type: "AWS::S3::Object", Values: many(251)}}}}}, ErrInvalidEventSelectors},
		{"advanced without eventCategory", PutEventSelectorsInput{AdvancedEventSelectors: []AdvancedEventSelector{{FieldSelectors: []AdvancedFieldSelector{{Field: "eventName", Equals: []string{"x"}}}}}}, ErrInvalidEventSelectors},
		{"advanced data without resources.type", PutEventSelectorsInput{AdvancedEventSelectors: []AdvancedEventSelector{{FieldSelectors: []AdvancedFieldSelector{{Field: "eventCategory", Equals: []string{"Data"}}}}}}, ErrInvalidEventSelectors},
		{"StartsWith on readOnly", PutEventSelectorsInput{AdvancedEventSelectors: []AdvancedEventSelector{{FieldSelectors: []AdvancedFieldSelector{
			{Field: "eventCategory", Equals: []string{"Management"}}, {Field: "readOnly", StartsWith: []string{"t"}}}}}}, ErrInvalidEventSelectors},
		{"management eventSource other than kms or rdsdata", PutEventSelectorsInput{AdvancedEventSelectors: []AdvancedEventSelector{{FieldSelectors: []AdvancedFieldSelector{
			{Field: "eventCategory", Equals: []string{"Management"}}, {Field: "eventSource", NotEquals: []string{"s3.amazonaws.com"}}}}}}, ErrInvalidEventSelectors},
		{"eventName on management events of a trail", PutEventSelectorsInput{AdvancedEventSelectors: []AdvancedEventSelector{{FieldSelectors: []AdvancedFieldSelector{
			{Field: "eventCategory", Equals: []string{"Management"}}, {Field: "eventName", Equals: []string{"x"}}}}}}, ErrInvalidEventSelectors},
		{"bad field name", PutEventSelectorsInput{AdvancedEventSelectors: []AdvancedEventSelector{{FieldSelectors: []AdvancedFieldSelector{
			{Field: "eventCategory", Equals: []string{"Data"}}, {Field: "resources type", Equals: []string{"x"}}}}}}, ErrInvalidEventSelectors},
		{"empty value", PutEventSelectorsInput{AdvancedEventSelectors: []AdvancedEventSelector{{FieldSelectors: []AdvancedFieldSelector{
			{Field: "eventCategory", Equals: []string{"Data"}}, {Field: "resources.type", Equals: []string{""}}}}}}, ErrInvalidEventSelectors},
		{"over 500 condition values", PutEventSelectorsInput{AdvancedEventSelectors: []AdvancedEventSelector{{FieldSelectors: []AdvancedFieldSelector{
			{Field: "eventCategory", Equals: []string{"Data"}}, {Field: "resources.type", Equals: []string{"AWS::S3::Object"}}, {Field: "resources.ARN", StartsWith: many(499)}}}}}, ErrInvalidEventSelectors},
		{"unknown trail", PutEventSelectorsInput{TrailName: "missing", EventSelectors: []EventSelector{{}}}, ErrTrailNotFound},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			e := newEnv(t)
			_, err := e.svc.CreateTrail(e.ctx, CreateTrailInput{Name: "audit", S3BucketName: "trail-bucket"})
			require.NoError(t, err)
			if tc.in.TrailName == "" {
				tc.in.TrailName = "audit"
			}
			_, err = e.svc.PutEventSelectors(e.ctx, tc.in)
			assert.ErrorIs(t, err, tc.want)
			got, err := e.svc.GetEventSelectors(e.ctx, GetEventSelectorsInput{TrailName: "audit"})
			require.NoError(t, err)
			assert.Equal(t, []EventSelector{{ReadWriteType: All, IncludeManagementEvents: ptr(true), DataResources: []DataResource{}, ExcludeManagementEventSources: []string{}}}, got.EventSelectors, "default selector unchanged")
		})
	}
}

// s3Event records an S3 object-level data event.
func (e *env) s3Event(t *testing.T, name, bucket, key string, readOnly bool) {
	t.Helper()
	_, err := e.svc.RecordEvent(e.ctx, RecordEventInput{
		EventSource: "s3.amazonaws.com", EventName: name, EventCategory: CategoryData, ReadOnly: readOnly,
		RequestParameters: map[string]any{"bucketName": bucket, "key": key},
		Resources: []Resource{
			{Type: "AWS::S3::Object", ARN: "arn:aws:s3:::" + bucket + "/" + key},
			{AccountID: "123456789012", Type: "AWS::S3::Bucket", ARN: "arn:aws:s3:::" + bucket},
		},
	})
	require.NoError(t, err)
}

func TestDataEventsOnlyWhereSelected(t *testing.T) {
	run := func(t *testing.T, in PutEventSelectorsInput) []string {
		e := newEnv(t)
		e.trail(t, "audit", false)
		if in.EventSelectors != nil || in.AdvancedEventSelectors != nil {
			in.TrailName = "audit"
			_, err := e.svc.PutEventSelectors(e.ctx, in)
			require.NoError(t, err)
		}
		e.s3Event(t, "PutObject", "logs-bucket", "app/1.txt", false)
		e.s3Event(t, "GetObject", "logs-bucket", "app/1.txt", true)
		e.s3Event(t, "GetObject", "logs-bucket", "secret/k", true)
		e.s3Event(t, "GetObject", "other-bucket", "x", true)
		e.call("PutMetricAlarm", false)
		e.call("DescribeAlarms", true)
		_, err := e.svc.RecordEvent(e.ctx, RecordEventInput{EventSource: "kms.amazonaws.com", EventName: "Decrypt", ReadOnly: true})
		require.NoError(t, err)
		e.clk.Advance(5 * time.Minute)
		var out []string
		for _, n := range e.recordNames(t, "AWSLogs/") {
			if n != "StartLogging" && n != "PutEventSelectors" {
				out = append(out, n)
			}
		}
		return out
	}
	mgmt := []string{"PutMetricAlarm", "DescribeAlarms", "Decrypt"}
	cases := []struct {
		name string
		in   PutEventSelectorsInput
		want []string
	}{
		{"no selectors: all management events, no data events", PutEventSelectorsInput{}, mgmt},
		{"basic: all S3 objects", PutEventSelectorsInput{EventSelectors: []EventSelector{{DataResources: []DataResource{{Type: "AWS::S3::Object", Values: []string{"arn:aws:s3"}}}}}},
			append([]string{"PutObject", "GetObject", "GetObject", "GetObject"}, mgmt...)},
		{"basic: one bucket prefix, write only", PutEventSelectorsInput{EventSelectors: []EventSelector{{ReadWriteType: WriteOnly, DataResources: []DataResource{{Type: "AWS::S3::Object", Values: []string{"arn:aws:s3:::logs-bucket/app/"}}}}}},
			[]string{"PutObject", "PutMetricAlarm"}},
		{"basic: management only, excluding KMS", PutEventSelectorsInput{EventSelectors: []EventSelector{{ExcludeManagementEventSources: []string{"kms.amazonaws.com"}}}},
			[]string{"PutMetricAlarm", "DescribeAlarms"}},
		{"basic: no management events", PutEventSelectorsInput{EventSelectors: []EventSelector{{IncludeManagementEvents: ptr(false), DataResources: []DataResource{{Type: "AWS::S3::Object", Values: []string{"arn:aws:s3:::other-bucket/"}}}}}},
			[]string{"GetObject"}},
		{"advanced: S3 objects in a bucket except a prefix", PutEventSelectorsInput{AdvancedEventSelectors: []AdvancedEventSelector{{FieldSelectors: []AdvancedFieldSelector{
			{Field: "eventCategory", Equals: []string{"Data"}},
			{Field: "resources.type", Equals: []string{"AWS::S3::Object"}},
			{Field: "resources.ARN", StartsWith: []string{"arn:aws:s3:::logs-bucket/"}, NotStartsWith: []string{"arn:aws:s3:::logs-bucket/secret/"}},
		}}}}, []string{"PutObject", "GetObject"}},
		{"advanced: read-only management events and GetObject", PutEventSelectorsInput{AdvancedEventSelectors: []AdvancedEventSelector{
			{Name: "reads", FieldSelectors: []AdvancedFieldSelector{{Field: "eventCategory", Equals: []string{"Management"}}, {Field: "readOnly", Equals: []string{"true"}}}},
			{Name: "gets", FieldSelectors: []AdvancedFieldSelector{{Field: "eventCategory", Equals: []string{"Data"}}, {Field: "resources.type", Equals: []string{"AWS::S3::Object"}}, {Field: "eventName", Equals: []string{"GetObject"}}, {Field: "resources.ARN", EndsWith: []string{"/x"}}}},
		}}, []string{"GetObject", "DescribeAlarms", "Decrypt"}},
		{"advanced: management events without KMS", PutEventSelectorsInput{AdvancedEventSelectors: []AdvancedEventSelector{{FieldSelectors: []AdvancedFieldSelector{
			{Field: "eventCategory", Equals: []string{"Management"}}, {Field: "eventSource", NotEquals: []string{"kms.amazonaws.com"}}}}}},
			[]string{"PutMetricAlarm", "DescribeAlarms"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			assert.Equal(t, tc.want, run(t, tc.in))
		})
	}
}

func TestSelectorKindsReplaceEachOther(t *testing.T) {
	e := newEnv(t)
	_, err := e.svc.CreateTrail(e.ctx, CreateTrailInput{Name: "audit", S3BucketName: "trail-bucket"})
	require.NoError(t, err)
	_, err = e.svc.PutEventSelectors(e.ctx, PutEventSelectorsInput{TrailName: "audit", AdvancedEventSelectors: []AdvancedEventSelector{{FieldSelectors: []AdvancedFieldSelector{{Field: "eventCategory", Equals: []string{"Management"}}}}}})
	require.NoError(t, err)
	g, _ := e.svc.GetEventSelectors(e.ctx, GetEventSelectorsInput{TrailName: "audit"})
	assert.Nil(t, g.EventSelectors)
	assert.Len(t, g.AdvancedEventSelectors, 1)
	tr, _ := e.svc.GetTrail(e.ctx, GetTrailInput{Name: "audit"})
	assert.True(t, tr.Trail.HasCustomEventSelectors)
	_, err = e.svc.PutEventSelectors(e.ctx, PutEventSelectorsInput{TrailName: "audit", EventSelectors: []EventSelector{{ReadWriteType: ReadOnly}}})
	require.NoError(t, err)
	g, _ = e.svc.GetEventSelectors(e.ctx, GetEventSelectorsInput{TrailName: "audit"})
	assert.Nil(t, g.AdvancedEventSelectors)
	assert.Equal(t, ReadOnly, g.EventSelectors[0].ReadWriteType)
}

func TestRecordEventKinds(t *testing.T) {
	e := newEnv(t)
	e.trail(t, "audit", false)
	_, err := e.svc.RecordEvent(e.ctx, RecordEventInput{
		EventType: EventTypeConsoleSignIn, EventSource: "signin.amazonaws.com", EventName: "ConsoleLogin",
		SourceIPAddress: "192.0.2.0", ResponseElements: map[string]string{"ConsoleLogin": "Success"},
		AdditionalEventData: map[string]string{"MFAUsed": "No"},
	})
	require.NoError(t, err)
	_, err = e.svc.RecordEvent(context.Background(), RecordEventInput{
		EventType: EventTypeServiceEvent, EventSource: "kms.amazonaws.com", EventName: "RotateKey",
		UserIdentity: &UserIdentity{Type: "AWSService", InvokedBy: "kms.amazonaws.com"}, SourceIPAddress: "kms.amazonaws.com",
		ServiceEventDetails: map[string]string{"keyId": "1234"},
	})
	require.NoError(t, err)
	_, err = e.svc.RecordEvent(e.ctx, RecordEventInput{EventName: "x"})
	assert.ErrorIs(t, err, ErrInvalidParameter)
	_, err = e.svc.RecordEvent(e.ctx, RecordEventInput{EventSource: "x", EventName: "x", EventType: "Bogus"})
	assert.ErrorIs(t, err, ErrInvalidParameter)
	e.clk.Advance(5 * time.Minute)
	keys := e.keys(t, "AWSLogs/")
	obj, _ := e.store.Get(context.Background(), "trail-bucket", keys[0])
	f, err := ReadLogFile(bytes.NewReader(obj.Body))
	require.NoError(t, err)
	require.Len(t, f.Records, 3)
	login, svc := f.Records[1], f.Records[2]
	assert.Equal(t, EventTypeConsoleSignIn, login.EventType)
	assert.Equal(t, "alice", login.UserIdentity.UserName, "identity from the context")
	assert.Equal(t, "192.0.2.0", login.SourceIPAddress)
	assert.JSONEq(t, `{"ConsoleLogin":"Success"}`, string(mustJSON(login.ResponseElements)))
	assert.Equal(t, EventTypeServiceEvent, svc.EventType)
	assert.Equal(t, "AWSService", svc.UserIdentity.Type)
	assert.JSONEq(t, `{"keyId":"1234"}`, string(mustJSON(svc.ServiceEventDetails)))
	out, _ := e.svc.LookupEvents(context.Background(), LookupEventsInput{LookupAttributes: []LookupAttribute{{AttributeKey: LookupEventName, AttributeValue: "ConsoleLogin"}}})
	assert.Len(t, out.Events, 1)
}
