package localwatch_test

import (
	"context"
	"errors"
	"testing"

	"github.com/aws/smithy-go"
	"github.com/localwatch/localwatch"
	"github.com/localwatch/localwatch/config"
	"github.com/localwatch/localwatch/localwatchtest"
	"github.com/localwatch/localwatch/logs"
	"github.com/localwatch/localwatch/sns"
	"github.com/localwatch/localwatch/trail"
)

// TestEveryServicesNotFoundMatchesErrResourceNotFound checks the one
// not-found sentinel against each service's own not-found code, and that
// every error is a smithy.APIError as the AWS SDK's are.
func TestEveryServicesNotFoundMatchesErrResourceNotFound(t *testing.T) {
	st := localwatchtest.NewStack(t)
	ctx := context.Background()
	calls := map[string]func() error{
		"Logs DeleteLogGroup": func() error {
			_, err := st.Logs.DeleteLogGroup(ctx, logs.DeleteLogGroupInput{LogGroupName: "missing"})
			return err
		},
		"SNS GetTopicAttributes": func() error {
			_, err := st.SNS.GetTopicAttributes(ctx, sns.GetTopicAttributesInput{TopicArn: "arn:aws:sns:us-east-1:123456789012:missing"})
			return err
		},
		"CloudTrail GetTrail": func() error {
			_, err := st.Trail.GetTrail(ctx, trail.GetTrailInput{Name: "missing"})
			return err
		},
		"Config DeleteConfigRule": func() error {
			_, err := st.Config.DeleteConfigRule(ctx, config.DeleteConfigRuleInput{ConfigRuleName: "missing"})
			return err
		},
	}
	for name, call := range calls {
		t.Run(name, func(t *testing.T) {
			err := call()
			if !errors.Is(err, localwatch.ErrResourceNotFound) {
				t.Fatalf("err = %v, does not match ErrResourceNotFound", err)
			}
			var api smithy.APIError
			if !errors.As(err, &api) || api.ErrorFault() != smithy.FaultClient || api.ErrorCode() == "" {
				t.Fatalf("err = %v is not a client-fault smithy.APIError", err)
			}
		})
	}
}
