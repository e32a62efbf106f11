package localwatch_test

import (
	"context"
	"errors"
	"maps"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/localwatch/localwatch"
	"github.com/localwatch/localwatch/internal/awserr"
)

// closedCodes is the code each service answers with after Close (the
// shared contract: awserr.Closed(code), HTTP 503).
var closedCodes = map[string]string{
	"metrics": "ServiceUnavailable",
	"alarms":  "ServiceUnavailable",
	"sns":     "ServiceUnavailable",
	"logs":    "ServiceUnavailableException",
	"trail":   "ServiceUnavailableException",
	"config":  "ServiceUnavailableException",
}

// knownCloseFailures are the operations that do not yet answer the closed
// error after Close, keyed by operation (each its service's owner's to
// fix; the lead removes entries as the fixes merge). A listed operation is
// logged, not failed.
var knownCloseFailures = map[string]string{
	// alarms
	"alarms.DeleteAlarms":            "still answers",
	"alarms.DescribeAlarmHistory":    "still answers",
	"alarms.DescribeAlarms":          "still answers",
	"alarms.DescribeAlarmsForMetric": "still answers",
	"alarms.DisableAlarmActions":     "still answers",
	"alarms.EnableAlarmActions":      "still answers",
	"alarms.ListTagsForResource":     "still answers",
	"alarms.PutCompositeAlarm":       "still answers",
	"alarms.PutMetricAlarm":          "still answers",
	"alarms.SetAlarmState":           "still answers",
	"alarms.TagResource":             "still answers",
	"alarms.UntagResource":           "still answers",
	// config
	"config.BatchGetResourceConfig":              "still answers",
	"config.DeleteConfigRule":                    "still answers",
	"config.DeleteConfigurationRecorder":         "still answers",
	"config.DeleteDeliveryChannel":               "still answers",
	"config.DeleteResourceConfig":                "answers NoRunningConfigurationRecorderException",
	"config.DeleteRetentionConfiguration":        "still answers",
	"config.DeliverConfigSnapshot":               "answers NoSuchDeliveryChannelException",
	"config.DescribeComplianceByConfigRule":      "answers NoSuchConfigRuleException",
	"config.DescribeComplianceByResource":        "still answers",
	"config.DescribeConfigRuleEvaluationStatus":  "answers NoSuchConfigRuleException",
	"config.DescribeConfigRules":                 "answers NoSuchConfigRuleException",
	"config.DescribeConfigurationRecorderStatus": "answers NoSuchConfigurationRecorderException",
	"config.DescribeConfigurationRecorders":      "answers NoSuchConfigurationRecorderException",
	"config.DescribeDeliveryChannelStatus":       "answers NoSuchDeliveryChannelException",
	"config.DescribeDeliveryChannels":            "answers NoSuchDeliveryChannelException",
	"config.DescribeRetentionConfigurations":     "answers NoSuchRetentionConfigurationException",
	"config.GetComplianceDetailsByConfigRule":    "answers NoSuchConfigRuleException",
	"config.GetComplianceDetailsByResource":      "still answers",
	"config.GetResourceConfigHistory":            "still answers",
	"config.ListDiscoveredResources":             "answers NoAvailableConfigurationRecorderException",
	"config.PutConfigRule":                       "answers NoAvailableConfigurationRecorderException",
	"config.PutConfigurationRecorder":            "still answers",
	"config.PutDeliveryChannel":                  "still answers",
	"config.PutEvaluations":                      "still answers",
	"config.PutResourceConfig":                   "answers NoRunningConfigurationRecorderException",
	"config.PutRetentionConfiguration":           "still answers",
	"config.StartConfigRulesEvaluation":          "answers NoSuchConfigRuleException",
	"config.StartConfigurationRecorder":          "still answers",
	"config.StopConfigurationRecorder":           "still answers",
	// logs
	"logs.CreateLogGroup":              "answers ServiceUnavailableException without status 503",
	"logs.CreateLogStream":             "answers ServiceUnavailableException without status 503",
	"logs.DeleteLogGroup":              "answers ServiceUnavailableException without status 503",
	"logs.DeleteLogStream":             "answers ServiceUnavailableException without status 503",
	"logs.DeleteMetricFilter":          "still answers",
	"logs.DeleteRetentionPolicy":       "answers ServiceUnavailableException without status 503",
	"logs.DeleteSubscriptionFilter":    "still answers",
	"logs.DescribeLogGroups":           "still answers",
	"logs.DescribeLogStreams":          "still answers",
	"logs.DescribeMetricFilters":       "still answers",
	"logs.DescribeSubscriptionFilters": "still answers",
	"logs.FilterLogEvents":             "still answers",
	"logs.GetLogEvents":                "still answers",
	"logs.ListTagsForResource":         "still answers",
	"logs.ListTagsLogGroup":            "still answers",
	"logs.PutLogEvents":                "answers ServiceUnavailableException without status 503",
	"logs.PutMetricFilter":             "answers ServiceUnavailableException without status 503",
	"logs.PutRetentionPolicy":          "answers ServiceUnavailableException without status 503",
	"logs.PutSubscriptionFilter":       "answers ServiceUnavailableException without status 503",
	"logs.TagLogGroup":                 "still answers",
	"logs.TagResource":                 "still answers",
	"logs.TestMetricFilter":            "still answers",
	"logs.UntagLogGroup":               "still answers",
	"logs.UntagResource":               "still answers",
	// metrics
	"metrics.DeleteAnomalyDetector":    "still answers",
	"metrics.DescribeAnomalyDetectors": "still answers",
	"metrics.GetMetricData":            "still answers",
	"metrics.GetMetricStatistics":      "still answers",
	"metrics.ListMetrics":              "still answers",
	"metrics.PutAnomalyDetector":       "still answers",
	"metrics.PutMetricData":            "still answers",
	// sns
	"sns.AddPermission":             "still answers",
	"sns.ConfirmSubscription":       "answers InvalidParameter",
	"sns.CreateTopic":               "still answers",
	"sns.DeleteTopic":               "still answers",
	"sns.GetSubscriptionAttributes": "answers NotFound",
	"sns.GetTopicAttributes":        "answers NotFound",
	"sns.ListSubscriptions":         "still answers",
	"sns.ListSubscriptionsByTopic":  "answers NotFound",
	"sns.ListTagsForResource":       "answers ResourceNotFound",
	"sns.ListTopics":                "still answers",
	"sns.Publish":                   "answers NotFound",
	"sns.PublishBatch":              "answers NotFound",
	"sns.RemovePermission":          "answers NotFound",
	"sns.SetSubscriptionAttributes": "answers NotFound",
	"sns.SetTopicAttributes":        "answers NotFound",
	"sns.Subscribe":                 "answers NotFound",
	"sns.TagResource":               "answers ResourceNotFound",
	"sns.Unsubscribe":               "answers NotFound",
	"sns.UntagResource":             "answers ResourceNotFound",
}

// Issue 16 item 12: "after Close some services still answer and others
// refuse (one contract for all)". Every operation of every service, called
// with its valid seed after Stack.Close, must answer the service's closed
// error (and Close again must not panic).
func TestEveryOperationAnswersClosedAfterClose(t *testing.T) {
	fx := newFixture(t)
	in := seeds(fx)
	fx.st.Close()
	fx.st.Close() // idempotent
	failed := map[string]bool{}
	for _, op := range operations(fx.st) {
		svc, _, _ := strings.Cut(op.name, ".")
		arg := reflect.New(op.in).Elem()
		if seed, ok := in[op.name]; ok {
			arg.Set(reflect.ValueOf(seed))
		} // else the zero input: the closed answer comes before validation
		err, panicked := op.call(context.Background(), arg)
		var what string
		var e *localwatch.Error
		switch {
		case panicked != nil:
			what = "panicked: " + strings.TrimSpace(strings.SplitN(strings.TrimSpace(toString(panicked)), "\n", 2)[0])
		case err == nil:
			what = "succeeded"
		case !errors.As(err, &e) || e.Code != closedCodes[svc] || e.HTTPStatus() != 503:
			what = "answered " + err.Error()
		default:
			continue
		}
		failed[op.name] = true
		if why, known := knownCloseFailures[op.name]; known {
			t.Logf("known failure %s (%s): after Close it %s", op.name, why, what)
			continue
		}
		t.Errorf("%s after Close %s; want %v", op.name, what, awserr.Closed(closedCodes[svc]))
	}
	for _, k := range slices.Sorted(maps.Keys(knownCloseFailures)) {
		if !failed[k] {
			t.Logf("known failure %s no longer fails: remove it from knownCloseFailures", k)
		}
	}
}

func toString(v any) string {
	if err, ok := v.(error); ok {
		return err.Error()
	}
	if s, ok := v.(string); ok {
		return s
	}
	return reflect.ValueOf(v).String()
}
