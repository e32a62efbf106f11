package config

import (
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"strings"
)

// managedRule is an AWS managed rule: the types it evaluates, its
// parameters, and its logic on a configuration item.
type managedRule struct {
	types  []string
	params map[string]paramSpec
	eval   func(ci *ConfigurationItem, p map[string]string) (ComplianceType, string)
}

type paramSpec struct {
	required bool
	def      string
	max      int
}

// ManagedRuleIdentifiers lists the AWS managed rules this package implements
// (Source.SourceIdentifier with Owner AWS).
func ManagedRuleIdentifiers() []string {
	ids := make([]string, 0, len(managedRules))
	for k := range managedRules {
		ids = append(ids, k)
	}
	slices.Sort(ids)
	return ids
}

var managedRules = map[string]*managedRule{
	// required-tags: "Checks if your resources have the tags that you specify
	// ... You can check up to 6 tags at a time." tag1Key defaults to
	// CostCenter; tagNValue is an optional comma-separated list of allowed
	// values. Supported resource types are those the AWS documentation lists.
	"REQUIRED_TAGS": {
		types: []string{
			"AWS::ACM::Certificate", "AWS::AutoScaling::AutoScalingGroup", "AWS::CloudFormation::Stack", "AWS::CodeBuild::Project",
			"AWS::DynamoDB::Table", "AWS::EC2::CustomerGateway", "AWS::EC2::Instance", "AWS::EC2::InternetGateway",
			"AWS::EC2::NetworkAcl", "AWS::EC2::NetworkInterface", "AWS::EC2::RouteTable", "AWS::EC2::SecurityGroup",
			"AWS::EC2::Subnet", "AWS::EC2::Volume", "AWS::EC2::VPC", "AWS::EC2::VPNConnection", "AWS::EC2::VPNGateway",
			"AWS::ElasticLoadBalancing::LoadBalancer", "AWS::ElasticLoadBalancingV2::LoadBalancer", "AWS::RDS::DBInstance",
			"AWS::RDS::DBSecurityGroup", "AWS::RDS::DBSnapshot", "AWS::RDS::DBSubnetGroup", "AWS::RDS::EventSubscription",
			"AWS::Redshift::Cluster", "AWS::Redshift::ClusterParameterGroup", "AWS::Redshift::ClusterSecurityGroup",
			"AWS::Redshift::ClusterSnapshot", "AWS::Redshift::ClusterSubnetGroup", "AWS::S3::Bucket",
		},
		params: requiredTagsParams(),
		eval:   evalRequiredTags,
	},
	// desired-instance-type: "Checks if your EC2 instances are of a specific
	// instance type. The rule is NON_COMPLIANT if an EC2 instance is not
	// specified in the parameter list." instanceType is a CSV list.
	"DESIRED_INSTANCE_TYPE": {
		types:  []string{"AWS::EC2::Instance"},
		params: map[string]paramSpec{"instanceType": {required: true, max: 1024}},
		eval: func(ci *ConfigurationItem, p map[string]string) (ComplianceType, string) {
			var conf struct {
				InstanceType string `json:"instanceType"`
			}
			_ = json.Unmarshal([]byte(ci.Configuration), &conf)
			if slices.Contains(csv(p["instanceType"]), conf.InstanceType) {
				return Compliant, ""
			}
			return NonCompliant, fmt.Sprintf("The instance type %q is not in the list of desired instance types.", conf.InstanceType)
		},
	},
	// s3-bucket-versioning-enabled: "Checks if versioning is enabled for your
	// S3 buckets. Optionally, the rule checks if MFA delete is enabled." Config
	// records versioning in the bucket's BucketVersioningConfiguration
	// supplementary configuration ({"status":"Off|Enabled|Suspended",
	// "isMfaDeleteEnabled":bool|null}).
	"S3_BUCKET_VERSIONING_ENABLED": {
		types:  []string{"AWS::S3::Bucket"},
		params: map[string]paramSpec{"isMfaDeleteEnabled": {max: 16}},
		eval: func(ci *ConfigurationItem, p map[string]string) (ComplianceType, string) {
			var v struct {
				Status             string `json:"status"`
				IsMfaDeleteEnabled *bool  `json:"isMfaDeleteEnabled"`
			}
			_ = json.Unmarshal([]byte(ci.SupplementaryConfiguration["BucketVersioningConfiguration"]), &v)
			if v.Status != "Enabled" {
				return NonCompliant, "Versioning is not enabled for the bucket."
			}
			if strings.EqualFold(p["isMfaDeleteEnabled"], "true") && (v.IsMfaDeleteEnabled == nil || !*v.IsMfaDeleteEnabled) {
				return NonCompliant, "MFA delete is not enabled for the bucket."
			}
			return Compliant, ""
		},
	},
	// ec2-instance-no-public-ip: "Checks if EC2 instances have a public IP
	// association. The rule is NON_COMPLIANT if the publicIp field is present
	// in the EC2 instance configuration item." AWS's items carry it under
	// networkInterfaces[].association (and privateIpAddresses[].association),
	// so the field is looked for anywhere in the configuration; the top-level
	// publicIpAddress of the instance counts too.
	"EC2_INSTANCE_NO_PUBLIC_IP": {
		types:  []string{"AWS::EC2::Instance"},
		params: map[string]paramSpec{},
		eval: func(ci *ConfigurationItem, _ map[string]string) (ComplianceType, string) {
			var doc any
			_ = json.Unmarshal([]byte(ci.Configuration), &doc)
			if ip, ok := findField(doc, "publicIp"); ok {
				return NonCompliant, "The instance has the public IP address " + ip + "."
			}
			if m, ok := doc.(map[string]any); ok {
				if ip, ok := m["publicIpAddress"].(string); ok && ip != "" {
					return NonCompliant, "The instance has the public IP address " + ip + "."
				}
			}
			return Compliant, ""
		},
	},
}

// findField returns the first non-empty value of a field named name anywhere
// in a JSON document (objects visited in key order, so the answer is
// deterministic).
func findField(v any, name string) (string, bool) {
	switch x := v.(type) {
	case map[string]any:
		if f, ok := x[name]; ok && f != nil && f != "" {
			if s, ok := f.(string); ok {
				return s, true
			}
			b, _ := json.Marshal(f)
			return string(b), true
		}
		for _, k := range slices.Sorted(maps.Keys(x)) {
			if s, ok := findField(x[k], name); ok {
				return s, true
			}
		}
	case []any:
		for _, e := range x {
			if s, ok := findField(e, name); ok {
				return s, true
			}
		}
	}
	return "", false
}

func requiredTagsParams() map[string]paramSpec {
	m := map[string]paramSpec{}
	for i := 1; i <= 6; i++ {
		k := paramSpec{max: 128}
		if i == 1 {
			k = paramSpec{required: true, def: "CostCenter", max: 128}
		}
		m[fmt.Sprintf("tag%dKey", i)] = k
		m[fmt.Sprintf("tag%dValue", i)] = paramSpec{max: 256}
	}
	return m
}

func evalRequiredTags(ci *ConfigurationItem, p map[string]string) (ComplianceType, string) {
	for i := 1; i <= 6; i++ {
		key := p[fmt.Sprintf("tag%dKey", i)]
		if key == "" {
			continue
		}
		v, ok := ci.Tags[key]
		if !ok {
			return NonCompliant, fmt.Sprintf("The resource does not have the required tag %q.", key)
		}
		if allowed := csv(p[fmt.Sprintf("tag%dValue", i)]); len(allowed) > 0 && !slices.Contains(allowed, v) {
			return NonCompliant, fmt.Sprintf("The tag %q has the value %q, which is not one of the required values.", key, v)
		}
	}
	return Compliant, ""
}

// csv splits a comma-separated parameter, trimming spaces and dropping empty
// entries.
func csv(s string) []string {
	var out []string
	for _, p := range strings.Split(s, ",") {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}

// checkParams validates the rule's input parameters and applies defaults.
func (m *managedRule) checkParams(p map[string]string) (map[string]string, error) {
	out := map[string]string{}
	for k, v := range p {
		spec, ok := m.params[k]
		if !ok {
			return nil, invalid("Unknown parameter %q in the input parameters of the managed rule.", k)
		}
		if spec.max > 0 && len(v) > spec.max {
			return nil, invalid("The value of parameter %s is longer than %d characters.", k, spec.max)
		}
		out[k] = v
	}
	for k, spec := range m.params {
		if _, ok := out[k]; ok && out[k] != "" {
			continue
		}
		switch {
		case spec.def != "":
			out[k] = spec.def
		case spec.required:
			return nil, invalid("The required parameter %s is missing from the input parameters.", k)
		}
	}
	return out, nil
}
