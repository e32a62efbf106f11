package logs

import (
	"context"
	"encoding/json"
	"iter"
	"regexp"
	"slices"
	"strings"

	"github.com/localwatch/localwatch/internal/awserr"
	"github.com/localwatch/localwatch/internal/event"
	"github.com/localwatch/localwatch/internal/op"
)

// Account policy limits (PutAccountPolicy): one data protection and one
// subscription filter policy per account and Region; one transformer, field
// index or metric extraction policy for every log group, or up to 20 (5 for
// metric extraction) each scoped by selectionCriteria; selectionCriteria up
// to 25 KB of UTF-8.
const (
	MaxScopedTransformerPolicies      = 20
	MaxScopedFieldIndexPolicies       = 20 // and as many by data source
	MaxScopedMetricExtractionPolicies = 5
	MaxSelectionCriteriaBytes         = 25 * 1024
	MaxSelectionCriteriaValues        = 50
)

var policyTypes = []PolicyType{PolicyTypeDataProtection, PolicyTypeSubscription, PolicyTypeFieldIndex, PolicyTypeTransformer, PolicyTypeMetricExtraction}

func validatePolicyType(field string, t PolicyType) error {
	if t == "" {
		return errConstraint(field, "null", "Member must not be null")
	}
	if !slices.Contains(policyTypes, t) {
		return errConstraint(field, t, "Member must satisfy enum value set: [DATA_PROTECTION_POLICY, SUBSCRIPTION_FILTER_POLICY, FIELD_INDEX_POLICY, TRANSFORMER_POLICY, METRIC_EXTRACTION_POLICY]")
	}
	return nil
}

// criteria is a parsed selectionCriteria.
type criteria struct {
	field      string // LogGroupName, LogGroupNamePrefix; "" for a data source
	not        bool   // NOT IN
	values     []string
	dataSource string // "name/type" for DataSourceName AND DataSourceType
}

var (
	criteriaInRE = regexp.MustCompile(`^\s*(LogGroupName|LogGroupNamePrefix)\s+(IN|NOT\s+IN)\s*(\[.*\])\s*$`)
	criteriaDSRE = regexp.MustCompile(`^\s*DataSourceName\s*=\s*"([^"]+)"\s+AND\s+DataSourceType\s*=\s*"([^"]+)"\s*$`)
)

// parseCriteria reads a selectionCriteria for a policy type: the filters
// PutAccountPolicy documents for it.
func parseCriteria(t PolicyType, sc string) (*criteria, error) {
	if sc == "" {
		return nil, nil
	}
	if len(sc) > MaxSelectionCriteriaBytes {
		return nil, errInvalid("selectionCriteria is longer than 25 KB.")
	}
	var c criteria
	if m := criteriaDSRE.FindStringSubmatch(sc); m != nil {
		if t != PolicyTypeFieldIndex {
			return nil, errInvalid("selectionCriteria %q is not supported for %s.", sc, t)
		}
		c.dataSource = m[1] + "/" + m[2]
		return &c, nil
	}
	m := criteriaInRE.FindStringSubmatch(sc)
	if m == nil {
		return nil, errInvalid("Invalid selectionCriteria: %q.", sc)
	}
	c.field, c.not = m[1], m[2] != "IN"
	if err := json.Unmarshal([]byte(m[3]), &c.values); err != nil {
		return nil, errInvalid("Invalid selectionCriteria: %q: the values must be a list of strings.", sc)
	}
	if len(c.values) > MaxSelectionCriteriaValues {
		return nil, errInvalid("Invalid selectionCriteria: at most %d values are allowed.", MaxSelectionCriteriaValues)
	}
	ok := false
	switch t {
	case PolicyTypeSubscription:
		ok = c.field == "LogGroupName" && c.not
	case PolicyTypeTransformer, PolicyTypeFieldIndex:
		ok = c.field == "LogGroupNamePrefix" && !c.not && len(c.values) > 0
	case PolicyTypeMetricExtraction:
		ok = len(c.values) > 0
	}
	if !ok {
		return nil, errInvalid("selectionCriteria %q is not supported for %s.", sc, t)
	}
	return &c, nil
}

// validatePolicyDocument checks an account policy document for its type.
func validatePolicyDocument(t PolicyType, doc string) error {
	if doc == "" {
		return errConstraint("policyDocument", doc, "Member must have length greater than or equal to 1")
	}
	if t == PolicyTypeDataProtection {
		_, err := parseDataProtection(doc)
		return err
	}
	var obj map[string]json.RawMessage
	if err := json.Unmarshal([]byte(doc), &obj); err != nil {
		return errInvalid("Invalid policy document: %v", err)
	}
	switch t {
	case PolicyTypeSubscription:
		var d struct {
			DestinationArn, RoleArn, FilterPattern, Distribution string
		}
		if err := json.Unmarshal([]byte(doc), &d); err != nil {
			return errInvalid("Invalid subscription filter policy document: %v", err)
		}
		if !strings.HasPrefix(d.DestinationArn, "arn:") {
			return errInvalid("Invalid subscription filter policy document: DestinationArn must be an ARN.")
		}
		if d.Distribution != "" && d.Distribution != string(DistributionRandom) && d.Distribution != string(DistributionByLogStream) {
			return errInvalid("Invalid subscription filter policy document: Distribution must be Random or ByLogStream.")
		}
		if _, err := compilePattern(d.FilterPattern); err != nil {
			return err
		}
	case PolicyTypeFieldIndex:
		var d struct {
			Fields   []string
			FieldsV2 map[string]struct{ Type string }
		}
		if err := json.Unmarshal([]byte(doc), &d); err != nil {
			return errInvalid("Invalid field index policy document: %v", err)
		}
		if len(d.Fields)+len(d.FieldsV2) == 0 {
			return errInvalid("Invalid field index policy document: it must contain at least one field index.")
		}
		for name, f := range d.FieldsV2 {
			if slices.Contains(d.Fields, name) {
				return errInvalid("Invalid field index policy document: %q is in both Fields and FieldsV2.", name)
			}
			if f.Type != "FIELD_INDEX" && f.Type != "FACET" {
				return errInvalid("Invalid field index policy document: the type of %q must be FIELD_INDEX or FACET.", name)
			}
		}
	}
	return nil
}

// PutAccountPolicy creates or replaces an account-level policy: a data
// protection policy (audited and masked in every log group, on top of each
// group's own), a subscription filter policy, a field index policy, a
// transformer policy or a metric extraction policy, each checked against
// its document syntax and AWS's per-type quotas. Scope is ALL (the default);
// selectionCriteria narrows the policies that support it. Only data
// protection policies take effect here; the others are stored and
// described.
func (s *Service) PutAccountPolicy(ctx context.Context, in PutAccountPolicyInput) (*PutAccountPolicyOutput, error) {
	return op.Do(ctx, &s.op, event.Call{Name: "PutAccountPolicy"}, in, s.putAccountPolicy)
}

func (s *Service) putAccountPolicy(ctx context.Context, _ *event.Call, in PutAccountPolicyInput) (out *PutAccountPolicyOutput, err error) {
	if in.PolicyName == "" {
		return nil, errConstraint("policyName", "null", "Member must not be null")
	}
	if strings.HasPrefix(in.PolicyName, "aws/") {
		return nil, errInvalid("The policy name %s is invalid: it cannot start with aws/.", in.PolicyName)
	}
	if err := validatePolicyType("policyType", in.PolicyType); err != nil {
		return nil, err
	}
	if in.Scope != "" && in.Scope != ScopeAll {
		return nil, errConstraint("scope", in.Scope, "Member must satisfy enum value set: [ALL]")
	}
	if in.SelectionCriteria != "" && in.PolicyType == PolicyTypeDataProtection {
		return nil, errInvalid("selectionCriteria is not supported for DATA_PROTECTION_POLICY.")
	}
	crit, err := parseCriteria(in.PolicyType, in.SelectionCriteria)
	if err != nil {
		return nil, err
	}
	if err := validatePolicyDocument(in.PolicyType, in.PolicyDocument); err != nil {
		return nil, err
	}
	var dp *dpPolicy
	if in.PolicyType == PolicyTypeDataProtection {
		dp, _ = parseDataProtection(in.PolicyDocument)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := s.op.CheckOpen(); err != nil {
		return nil, err
	}
	if dp != nil {
		if err := s.checkFindingsLocked(dp); err != nil {
			return nil, err
		}
	}
	s.protectionInit()
	list := s.protection.policies[in.PolicyType]
	idx := slices.IndexFunc(list, func(p AccountPolicy) bool { return p.PolicyName == in.PolicyName })
	others := slices.Clone(list)
	if idx >= 0 {
		others = slices.Delete(others, idx, idx+1)
	}
	if err := checkPolicyQuota(in.PolicyType, crit, others); err != nil {
		return nil, err
	}
	now := s.nowMS()
	p := AccountPolicy{PolicyName: in.PolicyName, PolicyDocument: in.PolicyDocument, LastUpdatedTime: now, PolicyType: in.PolicyType,
		Scope: ScopeAll, SelectionCriteria: in.SelectionCriteria, AccountID: s.account}
	if idx >= 0 {
		list[idx] = p
	} else {
		s.protection.policies[in.PolicyType] = append(list, p)
	}
	if dp != nil {
		dp.updated = now
		s.protection.account.set(dp, now)
	}
	return &PutAccountPolicyOutput{AccountPolicy: &p}, nil
}

// checkPolicyQuota applies the per-type quotas and overlap rules of
// PutAccountPolicy to a new policy with criteria c beside the others.
func checkPolicyQuota(t PolicyType, c *criteria, others []AccountPolicy) error {
	if len(others) == 0 {
		return nil
	}
	switch t {
	case PolicyTypeDataProtection:
		return awserr.New("LimitExceededException", "Each account can have only one account-level data protection policy; update %s instead.", others[0].PolicyName)
	case PolicyTypeSubscription:
		return awserr.New("LimitExceededException", "Each account can have one account-level subscription filter policy per Region; update %s instead.", others[0].PolicyName)
	}
	var scoped, byDataSource int
	for _, o := range others {
		oc, _ := parseCriteria(t, o.SelectionCriteria)
		if c == nil || oc == nil {
			return awserr.New("LimitExceededException", "An account-level %s for every log group excludes any other %s.", t, t)
		}
		if oc.dataSource != "" {
			byDataSource++
			if oc.dataSource == c.dataSource {
				return errInvalid("Policy %s already uses the data source %s.", o.PolicyName, c.dataSource)
			}
			continue
		}
		scoped++
		if c.dataSource != "" {
			continue
		}
		if t == PolicyTypeMetricExtraction && c.not && oc.not {
			return errInvalid("Only one metric extraction policy with NOT IN is allowed; %s has one.", o.PolicyName)
		}
		if !c.not && !oc.not {
			for _, a := range c.values {
				for _, b := range oc.values {
					if strings.HasPrefix(a, b) || strings.HasPrefix(b, a) {
						return errInvalid("The selection criteria overlap those of policy %s (%q and %q).", o.PolicyName, a, b)
					}
				}
			}
		}
	}
	limit := MaxScopedTransformerPolicies
	switch t {
	case PolicyTypeFieldIndex:
		limit = MaxScopedFieldIndexPolicies
	case PolicyTypeMetricExtraction:
		limit = MaxScopedMetricExtractionPolicies
	}
	if c.dataSource != "" && byDataSource >= MaxScopedFieldIndexPolicies || c.dataSource == "" && scoped >= limit {
		return errLimit("account policies of type " + string(t))
	}
	return nil
}

// DescribeAccountPolicies lists the account policies of a type, optionally
// only the one named policyName. accountIdentifiers other than this
// account's match nothing (no cross-account observability here).
func (s *Service) DescribeAccountPolicies(ctx context.Context, in DescribeAccountPoliciesInput) (*DescribeAccountPoliciesOutput, error) {
	return op.Do(ctx, &s.op, event.Call{Name: "DescribeAccountPolicies", ReadOnly: true}, in, s.describeAccountPolicies)
}

func (s *Service) describeAccountPolicies(ctx context.Context, _ *event.Call, in DescribeAccountPoliciesInput) (out *DescribeAccountPoliciesOutput, err error) {
	if err := validatePolicyType("policyType", in.PolicyType); err != nil {
		return nil, err
	}
	if len(in.AccountIdentifiers) > 20 {
		return nil, errConstraint("accountIdentifiers", len(in.AccountIdentifiers), "Member must have length less than or equal to 20")
	}
	if in.NextToken != "" {
		return nil, errBadToken(in.NextToken) // every answer fits one page
	}
	out = &DescribeAccountPoliciesOutput{AccountPolicies: []AccountPolicy{}}
	if len(in.AccountIdentifiers) > 0 && !slices.Contains(in.AccountIdentifiers, s.account) {
		return out, nil
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	for _, p := range s.protection.policies[in.PolicyType] {
		if in.PolicyName == "" || p.PolicyName == in.PolicyName {
			out.AccountPolicies = append(out.AccountPolicies, p)
		}
	}
	return out, nil
}

// DeleteAccountPolicy deletes an account policy. Deleting the data
// protection policy stops masking the events ingested from now on; events
// ingested under it stay masked.
func (s *Service) DeleteAccountPolicy(ctx context.Context, in DeleteAccountPolicyInput) (*DeleteAccountPolicyOutput, error) {
	return op.Do(ctx, &s.op, event.Call{Name: "DeleteAccountPolicy"}, in, s.deleteAccountPolicy)
}

func (s *Service) deleteAccountPolicy(ctx context.Context, _ *event.Call, in DeleteAccountPolicyInput) (out *DeleteAccountPolicyOutput, err error) {
	if in.PolicyName == "" {
		return nil, errConstraint("policyName", "null", "Member must not be null")
	}
	if err := validatePolicyType("policyType", in.PolicyType); err != nil {
		return nil, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := s.op.CheckOpen(); err != nil {
		return nil, err
	}
	list := s.protection.policies[in.PolicyType]
	idx := slices.IndexFunc(list, func(p AccountPolicy) bool { return p.PolicyName == in.PolicyName })
	if idx < 0 {
		return nil, errPolicyNotFound(in.PolicyName)
	}
	s.protection.policies[in.PolicyType] = slices.Delete(list, idx, idx+1)
	if in.PolicyType == PolicyTypeDataProtection {
		s.protection.account.clear(s.nowMS())
	}
	return &DeleteAccountPolicyOutput{}, nil
}

// DescribeAccountPoliciesAll iterates over the account policies
// DescribeAccountPolicies lists, page by page.
func (s *Service) DescribeAccountPoliciesAll(ctx context.Context, in DescribeAccountPoliciesInput) iter.Seq2[AccountPolicy, error] {
	return func(yield func(AccountPolicy, error) bool) {
		for {
			out, err := s.DescribeAccountPolicies(ctx, in)
			if err != nil {
				yield(AccountPolicy{}, err)
				return
			}
			for _, p := range out.AccountPolicies {
				if !yield(p, nil) {
					return
				}
			}
			if out.NextToken == "" {
				return
			}
			in.NextToken = out.NextToken
		}
	}
}
