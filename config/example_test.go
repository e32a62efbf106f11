package config_test

import (
	"context"
	"fmt"
	"time"

	"github.com/localwatch/localwatch"
	"github.com/localwatch/localwatch/config"
)

func Example() {
	ctx := context.Background()
	clk := localwatch.NewManualClock(time.Date(2026, 3, 7, 10, 0, 0, 0, time.UTC))
	b := new(localwatch.Bus)
	localwatch.Subscribe(b, "print", func(_ context.Context, n localwatch.Notification) error {
		fmt.Println("SNS:", n.Subject)
		return nil
	})
	svc := config.New(config.Options{Clock: clk, Bus: b, IDs: localwatch.NewIDSource(1)})
	defer svc.Close()

	svc.PutConfigurationRecorder(ctx, config.PutConfigurationRecorderInput{ConfigurationRecorder: config.ConfigurationRecorder{
		RoleARN: "arn:aws:iam::123456789012:role/config"}})
	svc.PutDeliveryChannel(ctx, config.PutDeliveryChannelInput{DeliveryChannel: config.DeliveryChannel{
		S3BucketName: "config-bucket", SNSTopicARN: "arn:aws:sns:us-east-1:123456789012:config"}})
	svc.StartConfigurationRecorder(ctx, config.StartConfigurationRecorderInput{ConfigurationRecorderName: "default"})
	svc.PutConfigRule(ctx, config.PutConfigRuleInput{ConfigRule: config.ConfigRule{ConfigRuleName: "cost-center",
		Source: &config.Source{Owner: config.OwnerAWS, SourceIdentifier: "REQUIRED_TAGS"}}})

	web := config.ResourceConfig{ResourceType: "AWS::EC2::Instance", ResourceID: "i-1",
		Configuration: `{"instanceType":"t3.micro"}`, Tags: map[string]string{"CostCenter": "42"}}
	svc.RecordResource(ctx, web)
	clk.Advance(time.Hour)
	web.Configuration, web.Tags = `{"instanceType":"m5.large"}`, nil
	svc.RecordResource(ctx, web)

	before, _ := svc.ConfigurationItemAt(config.ResourceKey{ResourceType: "AWS::EC2::Instance", ResourceID: "i-1"}, clk.Now().Add(-time.Minute))
	fmt.Println("an hour ago:", before.Configuration)
	// Output:
	// SNS: [AWS Config:us-east-1] AWS::EC2::Instance i-1 Created in Account 123456789012
	// SNS: [AWS Config:us-east-1] AWS::EC2::Instance i-1 is COMPLIANT with cost-center in Account 123456789012
	// SNS: [AWS Config:us-east-1] AWS::EC2::Instance i-1 Updated in Account 123456789012
	// SNS: [AWS Config:us-east-1] AWS::EC2::Instance i-1 is NON_COMPLIANT with cost-center in Account 123456...
	// an hour ago: {"instanceType":"t3.micro"}
}
