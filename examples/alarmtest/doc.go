// Package alarmtest is an example to copy: Go tests of CloudWatch alarm logic
// with localwatch. The alarm is defined exactly as in AWS (here decoded from
// `aws cloudwatch describe-alarms` JSON), data is published to the metrics
// service (which answers the alarms' queries), a manual clock is moved, and
// the tests assert the state transitions, the StateReason AWS would write and
// the SNS notification the alarm sends — without an AWS account and without
// waiting. The pure evaluator and Backtest need neither service nor clock.
package alarmtest
