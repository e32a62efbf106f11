package console

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestRuleTokensMarkEachQuotedAlarm(t *testing.T) {
	kids := []alarmRow{{Name: "a", State: "ALARM"}, {Name: "b", State: "OK"}}
	cases := []struct {
		name, rule string
		want       []ruleToken
	}{
		{"two alarms joined by OR", `ALARM("a") OR OK("b")`, []ruleToken{
			{Text: `ALARM("`}, {Text: "a", Alarm: "a", State: "ALARM"}, {Text: `"`}, {Text: `) OR OK("`}, {Text: "b", Alarm: "b", State: "OK"}, {Text: `"`}, {Text: ")"}}},
		{"an alarm named by ARN links by its name", `ALARM("arn:aws:cloudwatch:us-east-1:123456789012:alarm:a")`, []ruleToken{
			{Text: `ALARM("`}, {Text: "arn:aws:cloudwatch:us-east-1:123456789012:alarm:a", Alarm: "a", State: "ALARM"}, {Text: `"`}, {Text: ")"}}},
		{"bare names and constants stay text", `TRUE OR ALARM(c)`, []ruleToken{{Text: `TRUE OR ALARM(c)`}}},
		{"an unterminated quote stays text", `ALARM("a`, []ruleToken{{Text: `ALARM("a`}}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			assert.Equal(t, c.want, ruleTokens(c.rule, kids))
		})
	}
}
