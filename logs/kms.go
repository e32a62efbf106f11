package logs

import (
	"context"
	"github.com/localwatch/localwatch/internal/awserr"
	"regexp"
	"strings"

	"github.com/localwatch/localwatch/internal/arn"
	"github.com/localwatch/localwatch/internal/event"
	"github.com/localwatch/localwatch/internal/op"
)

var resourceIdentifierRE = regexp.MustCompile(`^[\w+=/:,.@\-\*]*$`)

// kmsTarget is what an (Dis)AssociateKmsKey request names: a log group, or
// (group nil) the account's query results.
type kmsTarget struct{ group *group }

// resolveKmsTargetLocked checks the logGroupName / resourceIdentifier pair:
// exactly one, the identifier a log group ARN of this account and Region or
// its query-result ARN.
func (s *Service) resolveKmsTargetLocked(name, identifier string) (kmsTarget, error) {
	if name != "" && identifier != "" {
		return kmsTarget{}, errInvalid("You must specify either logGroupName or resourceIdentifier, but not both.")
	}
	if name == "" && identifier == "" {
		return kmsTarget{}, errInvalid("You must specify either logGroupName or resourceIdentifier.")
	}
	if name != "" {
		if err := validateGroupName("logGroupName", name); err != nil {
			return kmsTarget{}, err
		}
		g, ok := s.groups[name]
		if !ok {
			return kmsTarget{}, errGroupNotFound(name)
		}
		return kmsTarget{group: g}, nil
	}
	if len(identifier) > 2048 {
		return kmsTarget{}, errConstraint("resourceIdentifier", identifier, "Member must have length less than or equal to 2048")
	}
	if !resourceIdentifierRE.MatchString(identifier) {
		return kmsTarget{}, errConstraint("resourceIdentifier", identifier, `Member must satisfy regular expression pattern: [\w+=/:,.@\-\*]*`)
	}
	a, err := arn.Parse(identifier)
	if err != nil || a.Service != "logs" {
		return kmsTarget{}, errInvalid("Invalid resourceIdentifier %q: it must be a log group ARN or arn:aws:logs:REGION:ACCOUNT_ID:query-result:*", identifier)
	}
	if a.Resource == "query-result:*" {
		if a.AccountID != s.account || a.Region != s.region {
			return kmsTarget{}, awserr.New("ResourceNotFoundException", msgResourceNotFound)
		}
		return kmsTarget{}, nil
	}
	if !strings.HasPrefix(a.Resource, "log-group:") {
		return kmsTarget{}, errInvalid("Invalid resourceIdentifier %q: it must be a log group ARN or arn:aws:logs:REGION:ACCOUNT_ID:query-result:*", identifier)
	}
	g, err := s.resolveGroupLocked("", identifier)
	if err != nil {
		return kmsTarget{}, err
	}
	return kmsTarget{group: g}, nil
}

// AssociateKmsKey associates a KMS key with a log group (DescribeLogGroups
// then reports it as kmsKeyId; it replaces any earlier key) or with the
// account's Logs Insights query results. The key must be given by its ARN
// (arn:aws:kms:REGION:ACCOUNT:key/ID) in the service's Region, as AWS
// requires. Events are not encrypted here: the association is stored and
// described.
func (s *Service) AssociateKmsKey(ctx context.Context, in AssociateKmsKeyInput) (*AssociateKmsKeyOutput, error) {
	return op.Do(ctx, &s.op, event.Call{Name: "AssociateKmsKey", Resources: s.kmsResources(in.LogGroupName)}, in, s.associateKmsKey)
}

func (s *Service) associateKmsKey(ctx context.Context, c *event.Call, in AssociateKmsKeyInput) (out *AssociateKmsKeyOutput, err error) {
	if in.KmsKeyID == "" {
		return nil, errConstraint("kmsKeyId", "", "Member must have length greater than or equal to 1")
	}
	if len(in.KmsKeyID) > 256 {
		return nil, errConstraint("kmsKeyId", in.KmsKeyID, "Member must have length less than or equal to 256")
	}
	k, err := arn.Parse(in.KmsKeyID)
	if err != nil || k.Service != "kms" || !strings.HasPrefix(k.Resource, "key/") || len(k.Resource) == len("key/") {
		return nil, errInvalid("Specified KMS key %q is not a KMS key ARN (arn:aws:kms:REGION:ACCOUNT_ID:key/KEY_ID).", in.KmsKeyID)
	}
	if k.Region != s.region {
		return nil, errInvalid("Specified KMS key %q is not in this Region (%s).", in.KmsKeyID, s.region)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := s.op.CheckOpen(); err != nil {
		return nil, err
	}
	t, err := s.resolveKmsTargetLocked(in.LogGroupName, in.ResourceIdentifier)
	if err != nil {
		return nil, err
	}
	if t.group != nil {
		t.group.kms = in.KmsKeyID
	} else {
		s.queryResultKms = in.KmsKeyID
	}
	return &AssociateKmsKeyOutput{}, nil
}

// DisassociateKmsKey removes the KMS key of a log group or of the account's
// query results. As in AWS, events already stored stay readable, and a target
// without a key is not an error.
func (s *Service) DisassociateKmsKey(ctx context.Context, in DisassociateKmsKeyInput) (*DisassociateKmsKeyOutput, error) {
	return op.Do(ctx, &s.op, event.Call{Name: "DisassociateKmsKey", Resources: s.kmsResources(in.LogGroupName)}, in, s.disassociateKmsKey)
}

func (s *Service) disassociateKmsKey(ctx context.Context, c *event.Call, in DisassociateKmsKeyInput) (out *DisassociateKmsKeyOutput, err error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := s.op.CheckOpen(); err != nil {
		return nil, err
	}
	t, err := s.resolveKmsTargetLocked(in.LogGroupName, in.ResourceIdentifier)
	if err != nil {
		return nil, err
	}
	if t.group != nil {
		t.group.kms = ""
	} else {
		s.queryResultKms = ""
	}
	return &DisassociateKmsKeyOutput{}, nil
}

// QueryResultsKmsKey returns the KMS key AssociateKmsKey set for the
// account's query results ("" for none); AWS has no operation that reads it.
func (s *Service) QueryResultsKmsKey() string {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return s.queryResultKms
}

func (s *Service) kmsResources(group string) []event.Resource {
	if group == "" {
		return nil
	}
	return s.groupResource(group)
}
