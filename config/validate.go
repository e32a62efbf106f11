package config

import (
	"net/netip"
	"strings"
)

// enumError is AWS's answer to a value outside an enum (its message lists
// the allowed values; this one names the field and the value).
func enumError(field, value string) error {
	return errf("ValidationException", "1 validation error detected: Value '%s' at '%s' failed to satisfy constraint: Member must satisfy enum value set", truncate(value, 256), field)
}

// validateResourceType checks a resource type as AWS Config does: a type of
// the AWS organization must be a value of Config's ResourceType enum
// (awsResourceTypes, from botocore's model); any other must be a custom
// (third-party) type named Organization::Service::Type, as PutResourceConfig
// requires.
func validateResourceType(field, t string) error {
	if err := validateTypeForm(field, t); err != nil {
		return err
	}
	if strings.HasPrefix(t, "AWS::") && !awsResourceTypes[t] {
		return enumError(field, t)
	}
	return nil
}

// validateTypeForm checks that t has the form Organization::Service::Type.
func validateTypeForm(field, t string) error {
	parts := strings.Split(t, "::")
	if len(parts) != 3 || parts[0] == "" || parts[1] == "" || parts[2] == "" {
		return errf("ValidationException", "The %s %q is not valid: it must be an AWS Config resource type or have the form Organization::Service::Type.", field, truncate(t, 256))
	}
	return nil
}

// checkQueryType validates the resource type of a query: AWS's enum, or a
// type the application declared with RecordResource (which may declare AWS
// types Config does not record, such as AWS::Logs::LogGroup, acting as their
// owning service).
func (s *Service) checkQueryType(field, t string) error {
	err := validateResourceType(field, t)
	if err == nil || validateTypeForm(field, t) != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.declaredTypes[t] {
		return nil
	}
	return err
}

func validateResourceTypes(field string, ts []string) error {
	for _, t := range ts {
		if err := validateResourceType(field, t); err != nil {
			return err
		}
	}
	return nil
}

// validateBucketName checks the delivery channel's bucket name against
// Amazon S3's general purpose bucket naming rules (S3 User Guide, "General
// purpose bucket naming rules"): 3 to 63 characters of lower-case letters,
// digits, '.' and '-', beginning and ending with a letter or digit, no two
// adjacent periods, not an IP address, none of the reserved prefixes
// (xn--, sthree-, amzn-s3-demo-) and suffixes (-s3alias, --ol-s3, .mrap,
// --x-s3, --table-s3). No bucket of another name can exist, so Config answers
// NoSuchBucketException, its error for a bucket it cannot find.
func validateBucketName(name string) error {
	bad := func(why string) error {
		return errf("NoSuchBucketException", "Cannot find a S3 bucket with name %q: %s.", truncate(name, 70), why)
	}
	if name == "" {
		return errf("NoSuchBucketException", "Cannot find a S3 bucket with an empty bucket name.")
	}
	if len(name) < 3 || len(name) > 63 {
		return bad("bucket names are 3 to 63 characters long")
	}
	for i := 0; i < len(name); i++ {
		c := name[i]
		if !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '.' || c == '-') {
			return bad("bucket names consist of lower-case letters, digits, '.' and '-' only")
		}
	}
	alnum := func(c byte) bool { return c >= 'a' && c <= 'z' || c >= '0' && c <= '9' }
	if !alnum(name[0]) || !alnum(name[len(name)-1]) {
		return bad("bucket names begin and end with a letter or digit")
	}
	if strings.Contains(name, "..") {
		return bad("bucket names do not contain two adjacent periods")
	}
	if _, err := netip.ParseAddr(name); err == nil {
		return bad("bucket names are not formatted as an IP address")
	}
	for _, p := range []string{"xn--", "sthree-", "amzn-s3-demo-"} {
		if strings.HasPrefix(name, p) {
			return bad("the prefix " + p + " is reserved")
		}
	}
	for _, sfx := range []string{"-s3alias", "--ol-s3", ".mrap", "--x-s3", "--table-s3"} {
		if strings.HasSuffix(name, sfx) {
			return bad("the suffix " + sfx + " is reserved")
		}
	}
	return nil
}

// validateRuleState checks ConfigRuleState against its enum; Config then
// sets the state itself (a new or updated rule is ACTIVE).
func validateRuleState(st ConfigRuleState) error {
	switch st {
	case "", RuleActive, RuleDeleting, RuleDeletingResults, RuleEvaluating:
		return nil
	}
	return enumError("configRule.configRuleState", string(st))
}
