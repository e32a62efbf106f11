// Command confighistory shows AWS Config's history of a small simulated
// infrastructure: a resource's configuration items, what it looked like at a
// given instant, and what a change to it would affect through its
// relationships. A REQUIRED_TAGS rule flags a non-compliant change and the
// notification it sends is printed.
//
//	go run ./examples/confighistory
//	go run ./examples/confighistory -resource AWS::EC2::SecurityGroup/sg-web -at 2026-03-07T10:30:00Z -depth 1
package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/localwatch/localwatch"
	"github.com/localwatch/localwatch/config"
)

var start = time.Date(2026, 3, 7, 9, 0, 0, 0, time.UTC)

func main() {
	resource := flag.String("resource", "AWS::EC2::Instance/i-web1", "resource as Type/ID")
	at := flag.String("at", "2026-03-07T09:30:00Z", "instant (RFC 3339) whose configuration to show")
	depth := flag.Int("depth", 0, "impact depth (0: unlimited)")
	flag.Parse()
	when, err := time.Parse(time.RFC3339, *at)
	if err != nil {
		fail("bad -at: %v", err)
	}
	typ, id, ok := strings.Cut(*resource, "/")
	if !ok {
		fail("bad -resource %q: want Type/ID", *resource)
	}
	if err := run(os.Stdout, config.ResourceKey{ResourceType: typ, ResourceID: id}, when, *depth); err != nil {
		fail("%v", err)
	}
}

func fail(format string, args ...any) {
	fmt.Fprintf(os.Stderr, "confighistory: "+format+"\n", args...)
	os.Exit(1)
}

func run(w io.Writer, key config.ResourceKey, at time.Time, depth int) error {
	ctx := context.Background()
	clk := localwatch.NewManualClock(start)
	st := localwatch.New(localwatch.Options{Clock: clk, IDSeed: 42})
	defer st.Close()
	var alerts []localwatch.Notification
	localwatch.Subscribe(st, "alerts", func(_ context.Context, n localwatch.Notification) error {
		if strings.Contains(n.Message, `"messageType":"ComplianceChangeNotification"`) && strings.Contains(n.Message, `"complianceType":"NON_COMPLIANT"`) {
			alerts = append(alerts, n)
		}
		return nil
	})
	svc := st.Config

	must := func(_ any, err error) {
		if err != nil {
			panic(err)
		}
	}
	must(svc.PutConfigurationRecorder(ctx, config.PutConfigurationRecorderInput{ConfigurationRecorder: config.ConfigurationRecorder{RoleARN: "arn:aws:iam::123456789012:role/config"}}))
	must(svc.PutDeliveryChannel(ctx, config.PutDeliveryChannelInput{DeliveryChannel: config.DeliveryChannel{S3BucketName: "config-bucket", SNSTopicARN: "arn:aws:sns:us-east-1:123456789012:config-alerts"}}))
	must(svc.StartConfigurationRecorder(ctx, config.StartConfigurationRecorderInput{ConfigurationRecorderName: "default"}))
	must(svc.PutConfigRule(ctx, config.PutConfigRuleInput{ConfigRule: config.ConfigRule{ConfigRuleName: "team-tag",
		Source: &config.Source{Owner: config.OwnerAWS, SourceIdentifier: "REQUIRED_TAGS"}, InputParameters: `{"tag1Key":"team","tag1Value":"web,data"}`}}))

	rec := func(rc config.ResourceConfig) {
		if err := svc.RecordResource(ctx, rc); err != nil {
			panic(err)
		}
	}
	rel := func(typ, id, name string) config.ResourceRelationship {
		return config.ResourceRelationship{ResourceType: typ, ResourceID: id, RelationshipName: name}
	}
	web := map[string]string{"team": "web"}
	rec(config.ResourceConfig{ResourceType: "AWS::EC2::VPC", ResourceID: "vpc-main", Configuration: `{"cidrBlock":"10.0.0.0/16"}`, Tags: web})
	rec(config.ResourceConfig{ResourceType: "AWS::EC2::Subnet", ResourceID: "subnet-a", AvailabilityZone: "us-east-1a", Configuration: `{"cidrBlock":"10.0.1.0/24"}`, Tags: web,
		Relationships: []config.ResourceRelationship{rel("AWS::EC2::VPC", "vpc-main", "Is contained in Vpc")}})
	sg := func(ports string) config.ResourceConfig {
		return config.ResourceConfig{ResourceType: "AWS::EC2::SecurityGroup", ResourceID: "sg-web", Configuration: `{"groupName":"web","ingress":[` + ports + `]}`, Tags: web,
			Relationships: []config.ResourceRelationship{rel("AWS::EC2::VPC", "vpc-main", "Is contained in Vpc")}}
	}
	rec(sg(`443`))
	inst := func(id, typ string, tags map[string]string) config.ResourceConfig {
		return config.ResourceConfig{ResourceType: "AWS::EC2::Instance", ResourceID: id, AvailabilityZone: "us-east-1a",
			ARN: "arn:aws:ec2:us-east-1:123456789012:instance/" + id, Tags: tags,
			Configuration: map[string]any{"instanceId": id, "instanceType": typ, "securityGroups": []any{map[string]any{"groupId": "sg-web"}}},
			Relationships: []config.ResourceRelationship{
				rel("AWS::EC2::Subnet", "subnet-a", "Is contained in Subnet"),
				rel("AWS::EC2::SecurityGroup", "sg-web", "Is associated with SecurityGroup"),
				rel("AWS::EC2::Volume", "vol-"+id, "Is attached to Volume")}}
	}
	rec(config.ResourceConfig{ResourceType: "AWS::EC2::Volume", ResourceID: "vol-i-web1", AvailabilityZone: "us-east-1a", Configuration: `{"size":8}`, Tags: web})
	rec(inst("i-web1", "t3.micro", web))
	clk.Advance(time.Hour) // 10:00
	rec(config.ResourceConfig{ResourceType: "AWS::EC2::Volume", ResourceID: "vol-i-web2", AvailabilityZone: "us-east-1a", Configuration: `{"size":8}`, Tags: web})
	rec(inst("i-web2", "t3.micro", web))
	clk.Advance(time.Hour) // 11:00
	rec(inst("i-web1", "m5.large", web))
	rec(sg(`443,22`))
	clk.Advance(time.Hour) // 12:00: someone drops the team tag
	rec(inst("i-web1", "m5.large", map[string]string{"owner": "bob"}))
	clk.Advance(time.Hour)

	fmt.Fprintf(w, "History of %s %s:\n", key.ResourceType, key.ResourceID)
	hist, err := svc.GetResourceConfigHistory(ctx, config.GetResourceConfigHistoryInput{ResourceType: key.ResourceType, ResourceID: key.ResourceID, ChronologicalOrder: config.Forward, Limit: config.Int32(100)})
	if err != nil {
		return err
	}
	for _, ci := range hist.ConfigurationItems {
		fmt.Fprintf(w, "  %s  %-18s  %s  tags=%v  relationships=%d\n", ci.ConfigurationItemCaptureTime.Format(time.RFC3339), ci.ConfigurationItemStatus, ci.Configuration, ci.Tags, len(ci.Relationships))
	}

	ci, err := svc.ConfigurationItemAt(key, at)
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "\nAt %s it looked like (item of %s, %s):\n", at.Format(time.RFC3339), ci.ConfigurationItemCaptureTime.Format(time.RFC3339), ci.ConfigurationItemStatus)
	pretty, _ := json.MarshalIndent(json.RawMessage(ci.Configuration), "  ", "  ")
	fmt.Fprintf(w, "  %s\n  tags: %v\n", pretty, ci.Tags)

	for _, when := range []time.Time{at, clk.Now()} {
		imp, err := svc.Impact(config.ImpactInput{ResourceType: key.ResourceType, ResourceID: key.ResourceID, At: when, MaxDepth: depth})
		if err != nil {
			return err
		}
		fmt.Fprintf(w, "\nA change to it at %s would affect %d resources:\n", when.Format(time.RFC3339), len(imp.Resources))
		for _, r := range imp.Resources {
			var path []string
			for _, p := range r.Path {
				path = append(path, fmt.Sprintf("%s → %s", p.RelationshipName, p.ResourceID))
			}
			fmt.Fprintf(w, "  depth %d  %-24s %-12s via %s\n", r.Depth, r.ResourceType, r.ResourceID, strings.Join(path, ", "))
		}
	}

	fmt.Fprintf(w, "\nNon-compliance notifications sent to SNS:\n")
	for _, n := range alerts {
		var m struct {
			NewEvaluationResult struct {
				Annotation string `json:"annotation"`
			} `json:"newEvaluationResult"`
		}
		_ = json.Unmarshal([]byte(n.Message), &m)
		fmt.Fprintf(w, "  %s\n    %s\n", n.Subject, m.NewEvaluationResult.Annotation)
	}
	return nil
}
