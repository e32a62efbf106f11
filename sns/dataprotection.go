package sns

import (
	"context"
	"encoding/json"
	"github.com/localwatch/localwatch/internal/dataid"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/localwatch/localwatch/internal/event"
	"github.com/localwatch/localwatch/internal/op"
)

// Message data protection: a topic's data protection policy names managed
// data identifiers and what to do when an inbound (published) message
// contains them. We detect a few managed identifiers by pattern (see
// dataIdentifiers) and apply the inbound operations: Deny refuses the Publish
// with AuthorizationError, Audit logs the findings through Options.Logger
// (AWS writes them to the FindingsDestination), Deidentify masks the matches
// with the MaskConfig character (default '#') or removes them (Redact).
// Outbound statements, custom data identifiers and the machine-learning
// identifiers are stored and returned but not applied.

type dataPolicyDoc struct {
	Name          string
	Description   string `json:",omitempty"`
	Version       string
	Statement     []dataPolicyStatement
	Configuration json.RawMessage `json:",omitempty"`
}

type dataPolicyStatement struct {
	Sid            string `json:",omitempty"`
	DataDirection  string
	Principal      []string
	DataIdentifier []string
	Operation      map[string]json.RawMessage
}

// parseDataPolicy validates a data protection policy as AWS's documents
// describe it: Name, Version "2021-06-01", one or more statements with
// DataDirection Inbound or Outbound, Principal, DataIdentifier and exactly one
// operation (Audit — at most one per policy and inbound only —, Deny or
// Deidentify).
func parseDataPolicy(s string) (*dataPolicyDoc, error) {
	var doc dataPolicyDoc
	if err := decodeStrict(s, &doc); err != nil {
		return nil, invalidParam("DataProtectionPolicy Reason: failed to parse JSON: %v", err)
	}
	switch {
	case doc.Name == "":
		return nil, invalidParam("DataProtectionPolicy Reason: Name is required")
	case doc.Version != "2021-06-01":
		return nil, invalidParam("DataProtectionPolicy Reason: Version must be 2021-06-01")
	case len(doc.Statement) == 0:
		return nil, invalidParam("DataProtectionPolicy Reason: at least one Statement is required")
	}
	audits := 0
	for i, st := range doc.Statement {
		if st.DataDirection != "Inbound" && st.DataDirection != "Outbound" {
			return nil, invalidParam("DataProtectionPolicy Reason: Statement %d: DataDirection must be Inbound or Outbound", i)
		}
		if len(st.Principal) == 0 || len(st.DataIdentifier) == 0 {
			return nil, invalidParam("DataProtectionPolicy Reason: Statement %d: Principal and DataIdentifier are required", i)
		}
		if len(st.Operation) != 1 {
			return nil, invalidParam("DataProtectionPolicy Reason: Statement %d: exactly one Operation is required", i)
		}
		for op := range st.Operation {
			switch op {
			case "Audit":
				audits++
				if st.DataDirection != "Inbound" || audits > 1 {
					return nil, invalidParam("DataProtectionPolicy Reason: only one Audit statement, for Inbound data, is allowed")
				}
			case "Deny", "Deidentify":
			default:
				return nil, invalidParam("DataProtectionPolicy Reason: Statement %d: unknown Operation %s", i, op)
			}
		}
	}
	return &doc, nil
}

// findings returns the managed identifiers of st found in text (detected by
// internal/dataid, the detectors CloudWatch Logs' data protection uses too).
func (st *dataPolicyStatement) findings(text string) []string {
	var found []string
	for _, a := range st.DataIdentifier {
		if id, ok := dataid.ParseARN(a); ok && len(id.Find(text)) > 0 {
			found = append(found, id.Name)
		}
	}
	return found
}

// principalApplies reports whether a statement's Principal list covers the
// caller ("*" or the caller's ARN or account).
func principalApplies(principals []string, callerARN, account string) bool {
	return slices.ContainsFunc(principals, func(p string) bool {
		return p == "*" || p == callerARN || p == account || p == "arn:aws:iam::"+account+":root"
	})
}

// applyInbound applies the inbound statements of a topic's policy to one
// message body: it returns the body to deliver (de-identified), or an
// AuthorizationError when a Deny statement finds sensitive data.
func (s *Service) applyInbound(doc *dataPolicyDoc, topicARN, callerARN, body string) (string, error) {
	for i := range doc.Statement {
		st := &doc.Statement[i]
		if st.DataDirection != "Inbound" || !principalApplies(st.Principal, callerARN, s.op.AccountID) {
			continue
		}
		for op, raw := range st.Operation {
			found := st.findings(body)
			switch op {
			case "Audit":
				s.op.Logger.Info("sns: data protection audit", "topic", topicARN, "statement", st.Sid, "findings", found)
			case "Deny":
				if len(found) > 0 {
					return "", authorizationError("Publish to %s was denied by its data protection policy: the message contains %s", topicARN, strings.Join(found, ", "))
				}
			case "Deidentify":
				body = deidentify(st, raw, body)
			}
		}
	}
	return body, nil
}

func deidentify(st *dataPolicyStatement, raw json.RawMessage, body string) string {
	var cfg struct {
		MaskConfig *struct {
			MaskWithCharacter string
		}
		RedactConfig *struct{}
	}
	_ = json.Unmarshal(raw, &cfg)
	mask := "#"
	if cfg.MaskConfig != nil && cfg.MaskConfig.MaskWithCharacter != "" {
		r, _ := utf8.DecodeRuneInString(cfg.MaskConfig.MaskWithCharacter)
		mask = string(r)
	}
	for _, a := range st.DataIdentifier {
		id, ok := dataid.ParseARN(a)
		if !ok {
			continue
		}
		body = dataid.Replace(body, id.Find(body), func(m string) string {
			if cfg.RedactConfig != nil {
				return ""
			}
			return strings.Repeat(mask, utf8.RuneCountInString(m))
		})
	}
	return body
}

// PutDataProtectionPolicy adds or replaces a topic's data protection policy
// (see the package's note on what is applied).
func (s *Service) PutDataProtectionPolicy(ctx context.Context, in PutDataProtectionPolicyInput) (*PutDataProtectionPolicyOutput, error) {
	return op.Do(ctx, &s.op, event.Call{Name: "PutDataProtectionPolicy", Resources: topicResource(in.ResourceArn, s.op.AccountID)}, in, s.putDataProtectionPolicy)
}

func (s *Service) putDataProtectionPolicy(ctx context.Context, _ *event.Call, in PutDataProtectionPolicyInput) (*PutDataProtectionPolicyOutput, error) {
	doc, err := parseDataPolicy(in.DataProtectionPolicy)
	if err != nil {
		return nil, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	t, err := s.lookupTopic(in.ResourceArn)
	if err != nil {
		return nil, err
	}
	if err := s.authorize(ctx, t, "PutDataProtectionPolicy"); err != nil {
		return nil, err
	}
	t.dataPolicy, t.dataDoc = in.DataProtectionPolicy, doc
	return &PutDataProtectionPolicyOutput{}, nil
}

// GetDataProtectionPolicy returns a topic's data protection policy.
func (s *Service) GetDataProtectionPolicy(ctx context.Context, in GetDataProtectionPolicyInput) (*GetDataProtectionPolicyOutput, error) {
	return op.Do(ctx, &s.op, event.Call{Name: "GetDataProtectionPolicy", ReadOnly: true, Resources: topicResource(in.ResourceArn, s.op.AccountID)}, in, s.getDataProtectionPolicy)
}

func (s *Service) getDataProtectionPolicy(ctx context.Context, _ *event.Call, in GetDataProtectionPolicyInput) (*GetDataProtectionPolicyOutput, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	t, err := s.lookupTopic(in.ResourceArn)
	if err != nil {
		return nil, err
	}
	if err := s.authorize(ctx, t, "GetDataProtectionPolicy"); err != nil {
		return nil, err
	}
	out := &GetDataProtectionPolicyOutput{}
	out.DataProtectionPolicy = t.dataPolicy
	return out, nil
}
