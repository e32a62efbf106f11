// Package alarms is an in-process model of Amazon CloudWatch alarms: metric
// alarms (on one metric or on a metric-math expression, including
// anomaly-detection bands), composite alarms, their history and their actions,
// evaluated exactly as CloudWatch evaluates them, on a clock you control.
//
// # Model
//
// A metric alarm watches one statistic of one metric (or the value of a math
// expression) over a Period. It is evaluated when it is created and then every
// minute — every 10 seconds for
// high-resolution alarms with a Period of 10, 20 or 30 seconds — the Service asks
// its MetricSource (normally metrics.Service) for the datapoints of the
// alarm's evaluation range and runs the evaluator:
//
//   - with at least EvaluationPeriods (N) real datapoints in the range, the
//     newest N real datapoints are evaluated and TreatMissingData is not used;
//   - with fewer, every real datapoint of the range is evaluated together with
//     as few missing periods as needed to make N, treated as TreatMissingData
//     says (missing, breaching, notBreaching, ignore);
//   - the alarm goes to ALARM when at least DatapointsToAlarm (M) evaluated
//     datapoints breach, and to OK otherwise; with missing data treated as
//     missing, AWS's guard against premature ALARM applies, and an empty range
//     means INSUFFICIENT_DATA (or, with ignore, no change);
//   - alarms on AWS/DynamoDB metrics always ignore missing data, and percentile
//     alarms with EvaluateLowSampleCountPercentile "ignore" keep their state
//     while a period has fewer samples than 10/(1-p) (or 10/p below p50).
//
// The evaluator is exported as the pure function Evaluate, which also returns
// the StateReason text and StateReasonData JSON in AWS's words and shape;
// Backtest replays a recorded series (SeriesFromGetMetricData reads
// `aws cloudwatch get-metric-data` output) and returns the state timeline.
//
// A composite alarm's AlarmRule (ParseAlarmRule) combines the states of other
// alarms with AND, OR, NOT, parentheses, TRUE, FALSE and AT_LEAST; it is
// evaluated whenever one of its children changes state. An ActionsSuppressor
// alarm, with its wait and extension periods, suppresses its actions.
//
// # Use
//
// Build a Service with New, giving it the clock, the bus and the metric
// source to query (normally a metrics.Service); every Options field may be
// left zero. Inside the full stack (localwatch.New) this wiring is done for
// you and the service is Stack.Alarms.
//
//	clk := localwatch.NewManualClock(t0) // nil Clock: the wall clock
//	m := metrics.New(metrics.Options{Clock: clk})
//	a := alarms.New(alarms.Options{Clock: clk, Metrics: m})
//	defer a.Close()
//	_, err := a.PutMetricAlarm(ctx, alarms.PutMetricAlarmInput{...})
//	clk.Advance(3 * time.Minute) // runs the evaluations that fall due
//	out, err := a.DescribeAlarms(ctx, alarms.DescribeAlarmsInput{})
//
// To try a definition against data without a service, call Evaluate for one
// evaluation or Backtest for a whole series.
//
// # Data flow
//
// On a state change the Service records a StateUpdate
// history item, publishes a StateChange on the bus and calls OnStateChange
// hooks; then, when actions are enabled, it runs the actions of the new state:
// an SNS topic ARN becomes an event.Notification on the bus carrying AWS's alarm
// notification JSON and Subject (the sns package delivers it); Auto Scaling,
// EC2 (arn:aws:automate:region:ec2:stop|terminate|reboot|recover), Lambda and
// Systems Manager actions call the ActionHandler registered for their kind.
// Each action becomes an Action history item that says whether it succeeded.
// Every API operation publishes an event.APICall (event source
// monitoring.amazonaws.com) for CloudTrail. Evaluations query the metric
// source as CloudWatch itself (monitoring.amazonaws.com) and, as in AWS, those
// queries are not CloudTrail events; the actions they take are.
//
// Alarm definitions decode directly from `aws cloudwatch describe-alarms` JSON
// (DescribeAlarmsOutput, MetricAlarm.Definition).
//
// # Scheduling
//
// Evaluations use one clock schedule per cadence for all alarms (not a timer
// per alarm); with a manual clock, Advance runs every evaluation that falls
// due, synchronously. Each tick batches the alarms' queries: one query per
// distinct series, one GetMetricData call per evaluation range.
//
// # Deliberate differences from AWS
//
//   - AWS does not publish how many periods its evaluation range holds beyond
//     EvaluationPeriods; we use N + 2, which reproduces every row of the
//     user guide's missing-data tables (N = 3, range 5). For high-resolution
//     alarms (Period 10, 20 or 30) the range spans at least a minute and a
//     period, so that standard-resolution data (one value a minute) is
//     evaluated whatever second it was sent at, as AWS does.
//   - Evaluation is exact and immediate: the range ends at the evaluation time
//     (minute aligned), with no ingestion delay and no retry on late data.
//   - AWS's wording is reproduced from real StateReason examples; the
//     wording of rarer cases (anomaly bands, M of N with filled missing data,
//     composite alarms created while children are already in ALARM) follows
//     the same pattern but could not be checked against AWS output.
//   - For anomaly-detection alarms the band expression (ThresholdMetricId)
//     must come back from the MetricSource as two results with that Id, told
//     apart by labels ending in "Lower"/"Upper" (as metrics.Service labels
//     them), else containing those words, else by value. With
//     metrics.Service as the source the band comes from its approximate
//     anomaly model (see the metrics package), which the alarm's band
//     creates implicitly.
//   - Auto Scaling actions repeat every Period while the alarm stays in the
//     state (as AWS documents); other actions run on transitions only.
//   - A composite alarm whose child is deleted treats the child as in no state.
//     A composite alarm that another composite references cannot be deleted.
//   - ListTagsForResource answers an empty list for the ARN of any alarm of
//     the account that does not exist (AWS was recorded answering so for a
//     deleted alarm); TagResource and UntagResource answer
//     ResourceNotFoundException (404).
//   - The metric id of a single-metric alarm in the Lambda alarm event is
//     derived from the alarm ARN (AWS writes a random UUID).
//   - Evaluate and Backtest validate the definition as PutMetricAlarm does
//     (EC2 actions against us-east-1); Backtest takes series of at most 455
//     days. OnStateChange hooks run under recover; a panic goes to
//     Options.Logger and the rest goes on. After Close every operation
//     answers ServiceUnavailable (503).
//
// # Where AWS's sources disagree, and what we follow
//
//   - Period × EvaluationPeriods: the API reference allows 604,800 s (7
//     days), but only 86,400 s for periods under an hour; the older spec sheet
//     said one day for all. We follow the API reference, comparing by
//     division so no product can overflow, with the error AWS-compatible
//     implementations record: InvalidParameterCombination, "Metrics cannot be
//     checked across more than a day (EvaluationPeriods * Period must be <=
//     86400)." (worded "a week ... 604800" for the longer limit).
//   - Composite actions suppressed by the ActionsSuppressor: the API
//     reference says only that after the extension period "the composite
//     alarm performs its actions"; the user guide's Example 5 shows the held
//     actions of the composite's current state running when the extension
//     period ends. We follow the guide, also when the suppressor went to and
//     left ALARM during a wait period.
//   - Texts of validation errors: AWS's own where recorded (DatapointsToAlarm,
//     SetAlarmState); elsewhere LocalStack's reproduction of CloudWatch's
//     (TreatMissingData, EvaluateLowSampleCountPercentile, Period,
//     ExtendedStatistic).
//
// # Alarm mute rules
//
// Alarm mute rules (PutAlarmMuteRule, GetAlarmMuteRule, ListAlarmMuteRules,
// DeleteAlarmMuteRule) silence the actions of the alarms they target during
// scheduled windows. From the CloudWatch API model (botocore 2010-08-01) and
// its reference documentation:
//
//   - "When a mute rule is active, targeted alarms continue to evaluate
//     metrics and transition between states, but their configured actions
//     (such as Amazon SNS notifications or Auto Scaling actions) are muted."
//     Here the state changes, history entries, bus events and OnStateChange
//     hooks of a muted alarm happen as usual; only its actions (SNS, Lambda,
//     EC2, Auto Scaling, Systems Manager) are not run.
//   - The schedule is cron(Minutes Hours Day-of-month Month Day-of-week)
//     (the characters *, - and , in every field, JAN-DEC and SUN-SAT names)
//     for a recurring window, or at(yyyy-MM-ddThh:mm) for a one-time window;
//     Duration is ISO 8601, PT1M to P15D; Timezone is an IANA name (UTC by
//     default) and applies to the expression.
//   - StartDate and ExpireDate bound when the rule applies; Status is
//     SCHEDULED, ACTIVE or EXPIRED; MuteType ONE_TIME (at) or RECURRING (cron).
//   - "When you delete a mute rule, any alarms that are currently being muted
//     by that rule are immediately unmuted. If those alarms are in an ALARM
//     state, their configured actions will trigger." DeleteAlarmMuteRule of
//     an unknown name succeeds.
//
// What we could not confirm, and chose: Day-of-week numbers are cron's 0-6
// (0 or 7 is Sunday) and, as in cron, a rule restricting both Day-of-month
// and Day-of-week matches when either does; the error codes and texts of
// invalid expressions, durations and time zones (we answer
// InvalidParameterValue naming the field); whether ExpireDate must follow
// StartDate (we require it); whether a window that ends on its own runs the
// ALARM actions of a still-alarming alarm (we do not: only a deletion does,
// as documented); a quota of mute rules (none); ListAlarmMuteRules naming an
// alarm that does not exist answers ResourceNotFoundException (the model
// lists that error; the condition is our inference). Target alarm names need
// not exist yet: a rule mutes an alarm created after it.
package alarms
