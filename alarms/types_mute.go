package alarms

import "time"

// MuteRuleStatus is the status of an alarm mute rule.
type MuteRuleStatus string

// The statuses of an alarm mute rule.
const (
	MuteRuleScheduled MuteRuleStatus = "SCHEDULED"
	MuteRuleActive    MuteRuleStatus = "ACTIVE"
	MuteRuleExpired   MuteRuleStatus = "EXPIRED"
)

// The mute types of an alarm mute rule.
const (
	MuteTypeOneTime   = "ONE_TIME"
	MuteTypeRecurring = "RECURRING"
)

// MuteSchedule says when an alarm mute rule mutes and for how long.
type MuteSchedule struct {
	// Expression is cron(Minutes Hours Day-of-month Month Day-of-week) or
	// at(yyyy-MM-ddThh:mm).
	Expression string
	// Duration is an ISO 8601 duration from PT1M to P15D.
	Duration string
	// Timezone is an IANA time zone name; UTC when empty.
	Timezone string `json:",omitempty"`
}

// MuteRule is the configuration of an alarm mute rule (the API's Rule).
type MuteRule struct {
	Schedule MuteSchedule
}

// MuteTargets lists the alarms an alarm mute rule mutes (up to 100 names).
type MuteTargets struct {
	AlarmNames []string
}

// PutAlarmMuteRuleInput is the request of PutAlarmMuteRule.
type PutAlarmMuteRuleInput struct {
	Name        string
	Description string       `json:",omitempty"`
	Rule        MuteRule     `json:",omitzero"`
	MuteTargets *MuteTargets `json:",omitempty"`
	Tags        []Tag        `json:",omitempty"`
	StartDate   *time.Time   `json:",omitzero"`
	ExpireDate  *time.Time   `json:",omitzero"`
}

// PutAlarmMuteRuleOutput is the (empty) response of PutAlarmMuteRule.
type PutAlarmMuteRuleOutput struct{}

// GetAlarmMuteRuleInput is the request of GetAlarmMuteRule.
type GetAlarmMuteRuleInput struct {
	AlarmMuteRuleName string
}

// GetAlarmMuteRuleOutput is the response of GetAlarmMuteRule.
type GetAlarmMuteRuleOutput struct {
	Name                 string
	AlarmMuteRuleArn     string
	Description          string       `json:",omitempty"`
	Rule                 MuteRule     `json:",omitzero"`
	MuteTargets          *MuteTargets `json:",omitempty"`
	StartDate            *time.Time   `json:",omitzero"`
	ExpireDate           *time.Time   `json:",omitzero"`
	Status               MuteRuleStatus
	LastUpdatedTimestamp time.Time
	MuteType             string
}

// ListAlarmMuteRulesInput is the request of ListAlarmMuteRules.
type ListAlarmMuteRulesInput struct {
	// AlarmName keeps the rules that target this alarm.
	AlarmName string `json:",omitempty"`
	// Statuses keeps the rules in these statuses.
	Statuses []MuteRuleStatus `json:",omitempty"`
	// MaxRecords is 1..100 (default 50).
	MaxRecords *int32 `json:",omitempty"`
	NextToken  string `json:",omitempty"`
}

// AlarmMuteRuleSummary is one rule in ListAlarmMuteRules.
type AlarmMuteRuleSummary struct {
	AlarmMuteRuleArn     string
	ExpireDate           *time.Time `json:",omitzero"`
	Status               MuteRuleStatus
	MuteType             string
	LastUpdatedTimestamp time.Time
}

// ListAlarmMuteRulesOutput is the response of ListAlarmMuteRules, in name order.
type ListAlarmMuteRulesOutput struct {
	AlarmMuteRuleSummaries []AlarmMuteRuleSummary
	NextToken              string `json:",omitempty"`
}

// DeleteAlarmMuteRuleInput is the request of DeleteAlarmMuteRule.
type DeleteAlarmMuteRuleInput struct {
	AlarmMuteRuleName string
}

// DeleteAlarmMuteRuleOutput is the (empty) response of DeleteAlarmMuteRule.
type DeleteAlarmMuteRuleOutput struct{}
