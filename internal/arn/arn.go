// Package arn builds and parses Amazon Resource Names:
// arn:partition:service:region:account-id:resource.
package arn

import (
	"fmt"
	"strings"
)

// ARN is a parsed Amazon Resource Name. Resource holds everything after the fifth
// colon (it may itself contain colons or slashes).
type ARN struct {
	Partition string
	Service   string
	Region    string
	AccountID string
	Resource  string
}

// String formats the ARN.
func (a ARN) String() string {
	p := a.Partition
	if p == "" {
		p = "aws"
	}
	return "arn:" + p + ":" + a.Service + ":" + a.Region + ":" + a.AccountID + ":" + a.Resource
}

// Parse parses s. It requires the "arn" prefix, six colon-separated sections and a
// non-empty partition, service and resource.
func Parse(s string) (ARN, error) {
	parts := strings.SplitN(s, ":", 6)
	if len(parts) != 6 || parts[0] != "arn" {
		return ARN{}, fmt.Errorf("arn: %q is not an ARN (want arn:partition:service:region:account:resource)", s)
	}
	a := ARN{Partition: parts[1], Service: parts[2], Region: parts[3], AccountID: parts[4], Resource: parts[5]}
	if a.Partition == "" || a.Service == "" || a.Resource == "" {
		return ARN{}, fmt.Errorf("arn: %q has an empty partition, service or resource", s)
	}
	return a, nil
}

// IsARN reports whether s parses as an ARN.
func IsARN(s string) bool {
	_, err := Parse(s)
	return err == nil
}

// New formats an ARN in the "aws" partition.
func New(service, region, account, resource string) string {
	return ARN{Service: service, Region: region, AccountID: account, Resource: resource}.String()
}
