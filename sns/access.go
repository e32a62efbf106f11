package sns

import (
	"context"
	"encoding/json"
	"path"
	"regexp"
	"slices"
	"strings"

	"github.com/localwatch/localwatch/internal/event"
	"github.com/localwatch/localwatch/internal/identity"
	"github.com/localwatch/localwatch/internal/op"
)

// The topic policy is enforced for callers from other accounts only: a caller
// without an identity, from the topic's own account, or an AWS service acting
// inside the stack is the owner (IAM identity policies are not modelled). A
// cross-account caller needs an Allow statement whose Principal names its
// account (or "*"), whose Action covers "SNS:<action>", whose Resource covers
// the topic and whose conditions hold; a matching Deny wins.

type policyDoc struct {
	Version   string            `json:"Version,omitempty"`
	ID        string            `json:"Id,omitempty"`
	Statement []policyStatement `json:"Statement"`
}

type policyStatement struct {
	Sid       string         `json:"Sid,omitempty"`
	Effect    string         `json:"Effect"`
	Principal any            `json:"Principal,omitempty"`
	Action    any            `json:"Action,omitempty"`
	Resource  any            `json:"Resource,omitempty"`
	Condition map[string]any `json:"Condition,omitempty"`
}

func strList(v any) []string {
	switch t := v.(type) {
	case string:
		return []string{t}
	case []any:
		var out []string
		for _, e := range t {
			if s, ok := e.(string); ok {
				out = append(out, s)
			}
		}
		return out
	}
	return nil
}

func globMatch(pattern, s string, fold bool) bool {
	if fold {
		pattern, s = strings.ToLower(pattern), strings.ToLower(s)
	}
	// path.Match treats '/' specially; IAM wildcards do not, so escape-free
	// matching is done on a '/'-free copy.
	ok, err := path.Match(strings.ReplaceAll(pattern, "/", "\x00"), strings.ReplaceAll(s, "/", "\x00"))
	return err == nil && ok
}

// authorize checks the topic policy for the caller in ctx (lock held).
func (s *Service) authorize(ctx context.Context, t *topic, action string) error {
	id, ok := identity.From(ctx)
	if !ok || id.Type == "AWSService" || id.AccountID == "" || id.AccountID == s.op.AccountID {
		return nil
	}
	var doc policyDoc
	_ = json.Unmarshal([]byte(t.attrs["Policy"]), &doc)
	allowed := false
	for _, st := range doc.Statement {
		if !statementApplies(st, id, action, t.arn) {
			continue
		}
		if strings.EqualFold(st.Effect, "Deny") {
			allowed = false
			break
		}
		if strings.EqualFold(st.Effect, "Allow") {
			allowed = true
		}
	}
	if allowed {
		return nil
	}
	who := id.ARN
	if who == "" {
		who = "arn:aws:iam::" + id.AccountID + ":root"
	}
	return authorizationError("User: %s is not authorized to perform: SNS:%s on resource: %s", who, action, t.arn)
}

func statementApplies(st policyStatement, id identity.Identity, action, resource string) bool {
	if !principalMatches(st.Principal, id) {
		return false
	}
	if !slices.ContainsFunc(strList(st.Action), func(a string) bool { return globMatch(a, "sns:"+action, true) }) {
		return false
	}
	if st.Resource != nil && !slices.ContainsFunc(strList(st.Resource), func(r string) bool { return globMatch(r, resource, false) }) {
		return false
	}
	for op, kv := range st.Condition {
		m, ok := kv.(map[string]any)
		if !ok {
			return false
		}
		for key, want := range m {
			var have string
			switch strings.ToLower(key) {
			case "aws:sourceowner", "aws:sourceaccount", "aws:principalaccount":
				have = id.AccountID
			case "aws:principalarn":
				have = id.ARN
			default:
				return false // a condition we cannot evaluate does not grant
			}
			match := slices.ContainsFunc(strList(want), func(w string) bool {
				if strings.Contains(strings.ToLower(op), "like") {
					return globMatch(w, have, false)
				}
				return w == have
			})
			if strings.Contains(op, "Not") {
				match = !match
			}
			if !match {
				return false
			}
		}
	}
	return true
}

func principalMatches(p any, id identity.Identity) bool {
	switch t := p.(type) {
	case string:
		return t == "*"
	case map[string]any:
		for _, v := range strList(t["AWS"]) {
			if v == "*" || v == id.AccountID || v == "arn:aws:iam::"+id.AccountID+":root" || (id.ARN != "" && v == id.ARN) {
				return true
			}
		}
	}
	return false
}

var accountIDRE = regexp.MustCompile(`^[0-9]{12}$`)

// validActions are the actions a topic policy statement may grant through
// AddPermission: the topic actions of AWS's default policy and Receive. AWS
// refuses anything else, "*" and account-level actions such as
// SetSubscriptionAttributes included, with "Policy statement action out of
// service scope!" (aws/aws-cli#3143; moto's recorded VALID_POLICY_ACTIONS).
var validActions = []string{"AddPermission", "DeleteTopic", "GetTopicAttributes", "ListSubscriptionsByTopic",
	"Publish", "Receive", "RemovePermission", "SetTopicAttributes", "Subscribe"}

// AddPermission adds a statement (Sid = Label) to the topic's policy allowing
// the accounts the named actions. Each AWSAccountId must be a 12-digit account
// ID ("Invalid parameter: A provided account ID is not valid", as AWS answers)
// and each ActionName one of the topic actions (see validActions).
func (s *Service) AddPermission(ctx context.Context, in AddPermissionInput) (*AddPermissionOutput, error) {
	return op.Do(ctx, &s.op, event.Call{Name: "AddPermission", Resources: topicResource(in.TopicArn, s.op.AccountID)}, in, s.addPermission)
}

func (s *Service) addPermission(ctx context.Context, _ *event.Call, in AddPermissionInput) (*AddPermissionOutput, error) {
	return &AddPermissionOutput{}, s.addStatement(ctx, in)
}

func (s *Service) addStatement(ctx context.Context, in AddPermissionInput) error {
	if in.Label == "" {
		return invalidParam("Label")
	}
	if len(in.AWSAccountId) == 0 {
		return invalidParam("AWSAccountId")
	}
	if len(in.ActionName) == 0 {
		return invalidParam("ActionName")
	}
	for _, acct := range in.AWSAccountId {
		if !accountIDRE.MatchString(acct) {
			return invalidParam("A provided account ID is not valid")
		}
	}
	for _, a := range in.ActionName {
		if !slices.Contains(validActions, a) {
			return invalidParam("Policy statement action out of service scope!")
		}
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	t, err := s.lookupTopic(in.TopicArn)
	if err != nil {
		return err
	}
	if err := s.authorize(ctx, t, "AddPermission"); err != nil {
		return err
	}
	var doc policyDoc
	_ = json.Unmarshal([]byte(t.attrs["Policy"]), &doc)
	for _, st := range doc.Statement {
		if st.Sid == in.Label {
			return invalidParam("Statement already exists")
		}
	}
	var principals []any
	for _, acct := range in.AWSAccountId {
		principals = append(principals, "arn:aws:iam::"+acct+":root")
	}
	var actions []any
	for _, a := range in.ActionName {
		actions = append(actions, "SNS:"+a)
	}
	var principal any = principals
	if len(principals) == 1 {
		principal = principals[0]
	}
	var action any = actions
	if len(actions) == 1 {
		action = actions[0]
	}
	doc.Statement = append(doc.Statement, policyStatement{Sid: in.Label, Effect: "Allow", Principal: map[string]any{"AWS": principal}, Action: action, Resource: t.arn})
	b, _ := json.Marshal(doc)
	t.attrs["Policy"] = string(b)
	return nil
}

// RemovePermission removes the statement with Sid Label from the topic policy.
func (s *Service) RemovePermission(ctx context.Context, in RemovePermissionInput) (*RemovePermissionOutput, error) {
	return op.Do(ctx, &s.op, event.Call{Name: "RemovePermission", Resources: topicResource(in.TopicArn, s.op.AccountID)}, in, s.removePermission)
}

func (s *Service) removePermission(ctx context.Context, _ *event.Call, in RemovePermissionInput) (*RemovePermissionOutput, error) {
	return &RemovePermissionOutput{}, s.removeStatement(ctx, in)
}

func (s *Service) removeStatement(ctx context.Context, in RemovePermissionInput) error {
	if in.Label == "" {
		return invalidParam("Label")
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	t, err := s.lookupTopic(in.TopicArn)
	if err != nil {
		return err
	}
	if err := s.authorize(ctx, t, "RemovePermission"); err != nil {
		return err
	}
	var doc policyDoc
	_ = json.Unmarshal([]byte(t.attrs["Policy"]), &doc)
	n := len(doc.Statement)
	doc.Statement = slices.DeleteFunc(doc.Statement, func(st policyStatement) bool { return st.Sid == in.Label })
	if len(doc.Statement) == n {
		return invalidParam("Statement doesn't exist")
	}
	b, _ := json.Marshal(doc)
	t.attrs["Policy"] = string(b)
	return nil
}
