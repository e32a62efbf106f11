// Package insightrules is CloudWatch Contributor Insights: rules that read
// the events of CloudWatch Logs log groups and report their top
// contributors — the client IPs sending the most bytes, the URLs failing
// most often — as GetInsightRuleReport does.
//
// A rule is a JSON body in AWS's rule syntax (CloudWatch User Guide,
// "Contributor Insights rule syntax"):
//
//	{
//	  "Schema": {"Name": "CloudWatchLogRule", "Version": 1},
//	  "LogGroupNames": ["/aws/apigateway/*"],
//	  "LogFormat": "JSON",
//	  "Contribution": {
//	    "Keys": ["$.ip"],
//	    "ValueOf": "$.bytes",
//	    "Filters": [{"Match": "$.status", "GreaterThan": 499}]
//	  },
//	  "AggregateOn": "Sum"
//	}
//
// LogGroupNames (or LogGroupARNs) name log groups, a trailing * matching
// every name with that prefix; LogFormat is JSON (fields in JSON property
// notation, $.a.b[0]) or CLF (space-separated fields, "quoted" and
// [bracketed] ones counting as one, numbered from 1 and optionally named by
// Fields); up to four Keys make a contributor; up to four Filters (In,
// NotIn, StartsWith with up to ten strings, GreaterThan, LessThan, EqualTo,
// NotEqualTo with a number, IsPresent with a boolean) must all match;
// AggregateOn Count counts events, Sum adds ValueOf. An event missing a key,
// or a Sum rule's value, does not count.
//
// A rule analyses the events ingested while it is ENABLED, from its creation
// on, as AWS's do: events ingested before the rule existed or while it was
// disabled never count.
//
// # Data flow
//
// The service keeps the rules only; it reads the events through a
// [LogSource] (the stack passes one over its CloudWatch Logs) when a report
// is asked for, and selects them by timestamp and ingestion time. No event
// is copied or kept, and a stack without rules pays nothing on ingest.
//
// # Differences from AWS
//
//   - Reports are computed from the stored events: events that retention or
//     a deleted log group removed no longer count, and a rule whose
//     definition changed reads the earlier events with its new definition
//     (AWS keeps what a rule found apart from the log group).
//   - Contributor values are exact, not approximate.
//   - Managed rules come from templates of AWS resources localwatch does
//     not model: ListManagedInsightRules lists none and
//     PutManagedInsightRules reports each rule as a failure.
//   - Tags are kept from PutInsightRule only (TagResource serves alarms).
package insightrules
