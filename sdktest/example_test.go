package sdktest_test

import (
	"context"
	"fmt"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatch"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatch/types"

	"github.com/localwatch/localwatch"
	"github.com/localwatch/localwatch/awsapi"
)

// Example points an unchanged aws-sdk-go-v2 client at localwatch in process:
// no socket, a manual clock, deterministic IDs. Remove HTTPClient and
// BaseEndpoint and the same code talks to AWS itself.
func Example() {
	ctx := context.Background()
	clock := localwatch.NewManualClock(time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC))
	acct, err := localwatch.NewAccount(localwatch.Options{Clock: clock, IDSeed: 1})
	if err != nil {
		panic(err)
	}
	defer acct.Close()
	api := awsapi.NewHandler(acct, awsapi.Options{})

	cfg := aws.Config{
		Region:       "us-east-1",
		Credentials:  credentials.NewStaticCredentialsProvider("AKIAIOSFODNN7EXAMPLE", "secret", ""),
		HTTPClient:   api.Client(),                         // in process
		BaseEndpoint: aws.String("http://localwatch.test"), // any URL: nothing is dialled
	}
	cw := cloudwatch.NewFromConfig(cfg)

	_, err = cw.PutMetricData(ctx, &cloudwatch.PutMetricDataInput{
		Namespace: aws.String("Shop"),
		MetricData: []types.MetricDatum{
			{MetricName: aws.String("Orders"), Value: aws.Float64(3), Unit: types.StandardUnitCount},
			{MetricName: aws.String("Orders"), Value: aws.Float64(4), Unit: types.StandardUnitCount},
		},
	})
	if err != nil {
		panic(err)
	}
	clock.Advance(time.Minute)
	stats, err := cw.GetMetricStatistics(ctx, &cloudwatch.GetMetricStatisticsInput{
		Namespace: aws.String("Shop"), MetricName: aws.String("Orders"),
		StartTime: aws.Time(clock.Now().Add(-5 * time.Minute)), EndTime: aws.Time(clock.Now()),
		Period: aws.Int32(300), Statistics: []types.Statistic{types.StatisticSum},
	})
	if err != nil {
		panic(err)
	}
	for _, dp := range stats.Datapoints {
		fmt.Printf("%s Orders: %v\n", dp.Timestamp.UTC().Format(time.TimeOnly), *dp.Sum)
	}
	// Output:
	// 08:56:00 Orders: 7
}
