package logs

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/localwatch/localwatch/internal/awserr"
	"github.com/localwatch/localwatch/internal/dataid"
	"github.com/localwatch/localwatch/internal/event"
	"github.com/localwatch/localwatch/internal/op"
)

// Data protection limits: "The limit for a data protection policy is 30,720
// characters" (CloudWatch Logs User Guide, "Help protect sensitive log data
// with masking").
const (
	MaxDataProtectionPolicyLength = 30720
	dataProtectionVersion         = "2021-06-01"
)

// protection is the service's data protection and account policy state,
// guarded by Service.mu.
type protection struct {
	account  dpHistory                      // the account-level data protection policy
	groups   map[*group]*dpHistory          // each group's own policy, by group (a deleted group's entry is unreachable)
	policies map[PolicyType][]AccountPolicy // account policies by type, in creation order
}

// dpPolicy is a parsed data protection policy.
type dpPolicy struct {
	doc      string
	updated  int64
	ids      []*dataid.Identifier
	findings string // FindingsDestination.CloudWatchLogs.LogGroup, "" for none
}

// dpHistory is the data protection policies a group (or the account) had
// over time: AWS masks and audits events at ingestion, so an event is masked
// by the policy in effect when it was ingested, whatever happened since.
type dpHistory struct {
	cur   *dpPolicy
	spans []dpSpan
}

// dpSpan is [from, to) in ingestion milliseconds; to is 0 while open.
type dpSpan struct {
	from, to int64
	pol      *dpPolicy
}

func (h *dpHistory) set(p *dpPolicy, now int64) {
	h.clear(now)
	h.cur = p
	h.spans = append(h.spans, dpSpan{from: now, pol: p})
}

func (h *dpHistory) clear(now int64) {
	if h.cur == nil {
		return
	}
	h.cur = nil
	h.spans[len(h.spans)-1].to = now
}

// at returns the policy in effect at ingestion time t, or nil.
func (h *dpHistory) at(t int64) *dpPolicy {
	if h == nil {
		return nil
	}
	for i := len(h.spans) - 1; i >= 0; i-- {
		sp := h.spans[i]
		if t >= sp.from && (sp.to == 0 || t < sp.to) {
			return sp.pol
		}
	}
	return nil
}

// dpDocument is a data protection policy document as written.
type dpDocument struct {
	Name          string
	Description   string
	Version       string
	Configuration *struct {
		CustomDataIdentifier []struct{ Name, Regex string }
	}
	Statement []struct {
		Sid            string
		DataIdentifier []string
		Operation      struct {
			Audit *struct {
				FindingsDestination *struct {
					CloudWatchLogs *struct{ LogGroup string }
					Firehose       *struct{ DeliveryStream string }
					S3             *struct{ Bucket string }
				}
			}
			Deidentify *struct {
				MaskConfig *json.RawMessage
			}
		}
	}
}

// parseDataProtection validates a data protection policy document as
// PutDataProtectionPolicy and PutAccountPolicy do: an Audit statement with a
// FindingsDestination and a Deidentify statement with an empty MaskConfig,
// naming exactly the same data identifiers (managed identifier ARNs or the
// custom identifiers of Configuration).
func parseDataProtection(doc string) (*dpPolicy, error) {
	if doc == "" {
		return nil, errConstraint("policyDocument", doc, "Member must have length greater than or equal to 1")
	}
	if len([]rune(doc)) > MaxDataProtectionPolicyLength {
		return nil, errInvalid("The data protection policy document is longer than %d characters.", MaxDataProtectionPolicyLength)
	}
	dec := json.NewDecoder(strings.NewReader(doc))
	dec.DisallowUnknownFields()
	var d dpDocument
	if err := dec.Decode(&d); err != nil {
		return nil, errInvalid("Invalid data protection policy document: %v", err)
	}
	if d.Version != "" && d.Version != dataProtectionVersion {
		return nil, errInvalid("Invalid data protection policy document: Version must be %s.", dataProtectionVersion)
	}
	custom := map[string]*dataid.Identifier{}
	if d.Configuration != nil {
		if len(d.Configuration.CustomDataIdentifier) > dataid.MaxCustom {
			return nil, errInvalid("Invalid data protection policy document: at most %d custom data identifiers are allowed.", dataid.MaxCustom)
		}
		for _, c := range d.Configuration.CustomDataIdentifier {
			id, err := dataid.Custom(c.Name, c.Regex)
			if err != nil {
				return nil, errInvalid("Invalid data protection policy document: %v.", err)
			}
			if _, dup := custom[c.Name]; dup {
				return nil, errInvalid("Invalid data protection policy document: custom data identifier %q is defined twice.", c.Name)
			}
			custom[c.Name] = id
		}
	}
	var audit, deid []string
	p := &dpPolicy{doc: doc}
	for i, st := range d.Statement {
		op := st.Operation
		switch {
		case op.Audit != nil && op.Deidentify != nil:
			return nil, errInvalid("Invalid data protection policy document: statement %d has both Audit and Deidentify.", i)
		case op.Audit != nil:
			if audit != nil {
				return nil, errInvalid("Invalid data protection policy document: only one Audit statement is allowed.")
			}
			if op.Audit.FindingsDestination == nil {
				return nil, errInvalid("Invalid data protection policy document: the Audit operation must have a FindingsDestination.")
			}
			if cw := op.Audit.FindingsDestination.CloudWatchLogs; cw != nil {
				if err := validateGroupName("FindingsDestination.CloudWatchLogs.LogGroup", cw.LogGroup); err != nil {
					return nil, err
				}
				p.findings = cw.LogGroup
			}
			audit = st.DataIdentifier
		case op.Deidentify != nil:
			if deid != nil {
				return nil, errInvalid("Invalid data protection policy document: only one Deidentify statement is allowed.")
			}
			if m := op.Deidentify.MaskConfig; m == nil || strings.TrimSpace(strings.Join(strings.Fields(string(*m)), "")) != "{}" {
				return nil, errInvalid(`Invalid data protection policy document: the Deidentify operation must have "MaskConfig": {}.`)
			}
			deid = st.DataIdentifier
		default:
			return nil, errInvalid("Invalid data protection policy document: statement %d has no Audit or Deidentify operation.", i)
		}
		if len(st.DataIdentifier) == 0 {
			return nil, errInvalid("Invalid data protection policy document: statement %d has no DataIdentifier.", i)
		}
	}
	if audit == nil || deid == nil {
		return nil, errInvalid("Invalid data protection policy document: it must have an Audit statement and a Deidentify statement.")
	}
	if !slices.Equal(audit, deid) {
		return nil, errInvalid("Invalid data protection policy document: the DataIdentifier arrays of the Audit and Deidentify statements must match.")
	}
	for _, name := range audit {
		if id, ok := custom[name]; ok {
			p.ids = append(p.ids, id)
			continue
		}
		id, ok := dataid.ParseARN(name)
		if !ok {
			return nil, errInvalid("Invalid data protection policy document: %q is neither a managed data identifier ARN nor a custom data identifier.", name)
		}
		p.ids = append(p.ids, id)
	}
	return p, nil
}

func (s *Service) protectionInit() {
	if s.protection.groups == nil {
		s.protection.groups = map[*group]*dpHistory{}
		s.protection.policies = map[PolicyType][]AccountPolicy{}
	}
}

// PutDataProtectionPolicy sets a log group's data protection policy: the
// data identifiers it names are audited and masked in the events ingested
// from now on (events ingested before are not masked, as in AWS).
// GetLogEvents and FilterLogEvents return them masked, one asterisk per
// character, unless Unmask is set; for each event with findings, a findings
// report goes to the Audit FindingsDestination's log group (which must
// exist). The group's policy and the account's DATA_PROTECTION_POLICY add
// up.
func (s *Service) PutDataProtectionPolicy(ctx context.Context, in PutDataProtectionPolicyInput) (*PutDataProtectionPolicyOutput, error) {
	return op.Do(ctx, &s.op, event.Call{Name: "PutDataProtectionPolicy"}, in, s.putDataProtectionPolicy)
}

func (s *Service) putDataProtectionPolicy(ctx context.Context, _ *event.Call, in PutDataProtectionPolicyInput) (out *PutDataProtectionPolicyOutput, err error) {
	if in.LogGroupIdentifier == "" {
		return nil, errConstraint("logGroupIdentifier", "", "Member must have length greater than or equal to 1")
	}
	p, err := parseDataProtection(in.PolicyDocument)
	if err != nil {
		return nil, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := s.op.CheckOpen(); err != nil {
		return nil, err
	}
	g, err := s.resolveGroupLocked("", in.LogGroupIdentifier)
	if err != nil {
		return nil, err
	}
	if err := s.checkFindingsLocked(p); err != nil {
		return nil, err
	}
	s.protectionInit()
	now := s.nowMS()
	p.updated = now
	h := s.protection.groups[g]
	if h == nil {
		h = &dpHistory{}
		s.protection.groups[g] = h
	}
	h.set(p, now)
	return &PutDataProtectionPolicyOutput{LogGroupIdentifier: in.LogGroupIdentifier, PolicyDocument: p.doc, LastUpdatedTime: now}, nil
}

// checkFindingsLocked refuses a FindingsDestination log group that does not
// exist ("If you specify destinations such as log groups ... they must
// already exist").
func (s *Service) checkFindingsLocked(p *dpPolicy) error {
	if p.findings == "" {
		return nil
	}
	if _, ok := s.groups[p.findings]; !ok {
		return awserr.New("ResourceNotFoundException", "The FindingsDestination log group %s does not exist.", p.findings)
	}
	return nil
}

// GetDataProtectionPolicy returns a log group's data protection policy (an
// empty document when it has none).
func (s *Service) GetDataProtectionPolicy(ctx context.Context, in GetDataProtectionPolicyInput) (*GetDataProtectionPolicyOutput, error) {
	return op.Do(ctx, &s.op, event.Call{Name: "GetDataProtectionPolicy", ReadOnly: true}, in, s.getDataProtectionPolicy)
}

func (s *Service) getDataProtectionPolicy(ctx context.Context, _ *event.Call, in GetDataProtectionPolicyInput) (out *GetDataProtectionPolicyOutput, err error) {
	if in.LogGroupIdentifier == "" {
		return nil, errConstraint("logGroupIdentifier", "", "Member must have length greater than or equal to 1")
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	g, err := s.resolveGroupLocked("", in.LogGroupIdentifier)
	if err != nil {
		return nil, err
	}
	out = &GetDataProtectionPolicyOutput{LogGroupIdentifier: in.LogGroupIdentifier}
	if h := s.protection.groups[g]; h != nil && h.cur != nil {
		out.PolicyDocument, out.LastUpdatedTime = h.cur.doc, h.cur.updated
	}
	return out, nil
}

// DeleteDataProtectionPolicy removes a log group's data protection policy:
// events ingested from now on are not masked by it; those ingested while it
// was in effect stay masked. A group without a policy answers
// ResourceNotFoundException.
func (s *Service) DeleteDataProtectionPolicy(ctx context.Context, in DeleteDataProtectionPolicyInput) (*DeleteDataProtectionPolicyOutput, error) {
	return op.Do(ctx, &s.op, event.Call{Name: "DeleteDataProtectionPolicy"}, in, s.deleteDataProtectionPolicy)
}

func (s *Service) deleteDataProtectionPolicy(ctx context.Context, _ *event.Call, in DeleteDataProtectionPolicyInput) (out *DeleteDataProtectionPolicyOutput, err error) {
	if in.LogGroupIdentifier == "" {
		return nil, errConstraint("logGroupIdentifier", "", "Member must have length greater than or equal to 1")
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := s.op.CheckOpen(); err != nil {
		return nil, err
	}
	g, err := s.resolveGroupLocked("", in.LogGroupIdentifier)
	if err != nil {
		return nil, err
	}
	h := s.protection.groups[g]
	if h == nil || h.cur == nil {
		return nil, awserr.New("ResourceNotFoundException", "The log group %s has no data protection policy.", g.name)
	}
	h.clear(s.nowMS())
	return &DeleteDataProtectionPolicyOutput{}, nil
}

// masker returns, for a log group, a function that masks a message ingested
// at a given time, or nil when no data protection policy ever applied to
// it (the common case costs one map lookup).
func (s *Service) masker(name, identifier string) func(msg string, ingested int64) string {
	s.mu.RLock()
	defer s.mu.RUnlock()
	if len(s.protection.account.spans) == 0 && len(s.protection.groups) == 0 {
		return nil
	}
	g, err := s.resolveGroupLocked(name, identifier)
	if err != nil {
		return nil
	}
	gh := s.protection.groups[g]
	if gh != nil {
		gh = &dpHistory{spans: slices.Clone(gh.spans)}
	}
	ah := &dpHistory{spans: slices.Clone(s.protection.account.spans)}
	if (gh == nil || len(gh.spans) == 0) && len(ah.spans) == 0 {
		return nil
	}
	return func(msg string, ingested int64) string {
		ds := detections(msg, gh.at(ingested), ah.at(ingested))
		var all []dataid.Detection
		for _, d := range ds {
			all = append(all, d.found...)
		}
		return dataid.Mask(msg, all)
	}
}

// finding is what one data identifier found in one message.
type finding struct {
	name  string
	found []dataid.Detection
}

// detections runs the identifiers of the policies (either may be nil) over
// msg; an identifier named by both runs once.
func detections(msg string, pols ...*dpPolicy) []finding {
	var out []finding
	seen := map[string]bool{}
	for _, p := range pols {
		if p == nil {
			continue
		}
		for _, id := range p.ids {
			if seen[id.Name] {
				continue
			}
			seen[id.Name] = true
			if ds := id.Find(msg); len(ds) > 0 {
				out = append(out, finding{id.Name, ds})
			}
		}
	}
	return out
}

// maskGetLogEvents masks the events GetLogEvents returns, unless unmask.
func (s *Service) maskGetLogEvents(in GetLogEventsInput, out *GetLogEventsOutput) {
	if (in.Unmask != nil && *in.Unmask) || out == nil || len(out.Events) == 0 {
		return
	}
	if m := s.masker(in.LogGroupName, in.LogGroupIdentifier); m != nil {
		for i := range out.Events {
			out.Events[i].Message = m(out.Events[i].Message, out.Events[i].IngestionTime)
		}
	}
}

// maskFilterLogEvents masks the events FilterLogEvents returns, unless unmask.
func (s *Service) maskFilterLogEvents(in FilterLogEventsInput, out *FilterLogEventsOutput) {
	if (in.Unmask != nil && *in.Unmask) || out == nil || len(out.Events) == 0 {
		return
	}
	if m := s.masker(in.LogGroupName, in.LogGroupIdentifier); m != nil {
		for i := range out.Events {
			out.Events[i].Message = m(out.Events[i].Message, out.Events[i].IngestionTime)
		}
	}
}

// auditPoliciesLocked returns the data protection policies in effect for g
// now, for the audit of a batch being ingested (nil when none).
func (s *Service) auditPoliciesLocked(g *group) []*dpPolicy {
	var out []*dpPolicy
	if h := s.protection.groups[g]; h != nil && h.cur != nil {
		out = append(out, h.cur)
	}
	if s.protection.account.cur != nil {
		out = append(out, s.protection.account.cur)
	}
	return out
}

// auditFinding is one findings report, as AWS writes it for each log event
// with sensitive data (CloudWatch Logs User Guide, "Audit findings reports").
type auditFinding struct {
	AuditTimestamp  string            `json:"auditTimestamp"`
	ResourceArn     string            `json:"resourceArn"`
	DataIdentifiers []auditIdentifier `json:"dataIdentifiers"`
}

type auditIdentifier struct {
	Name       string           `json:"name"`
	Count      int              `json:"count"`
	Detections []auditDetection `json:"detections"`
}

type auditDetection struct {
	Start int `json:"start"`
	End   int `json:"end"`
}

// FindingsLogStream is the log stream of a FindingsDestination log group
// that findings reports are written to (created when missing). AWS does not
// document its stream names; this one is localwatch's.
const FindingsLogStream = "data-protection-audit-findings"

// audit writes a findings report for each ingested event with sensitive
// data to the FindingsDestination log group of each policy in effect.
func (s *Service) audit(ctx context.Context, w *ingested) {
	byDest := map[string][]InputLogEvent{}
	var dests []string
	now := s.clock.Now().UTC()
	for _, p := range w.protect {
		if p.findings == "" {
			continue
		}
		for _, ev := range w.events {
			fs := detections(ev.Message, p)
			if len(fs) == 0 {
				continue
			}
			rep := auditFinding{AuditTimestamp: now.Format(time.RFC3339), ResourceArn: s.groupARN(w.group) + ":*"}
			for _, f := range fs {
				ai := auditIdentifier{Name: f.name, Count: len(f.found)}
				for _, d := range f.found {
					// "where in the log event, by character count"
					ai.Detections = append(ai.Detections, auditDetection{Start: len([]rune(ev.Message[:d.Start])), End: len([]rune(ev.Message[:d.End]))})
				}
				rep.DataIdentifiers = append(rep.DataIdentifiers, ai)
			}
			b, _ := json.Marshal(rep)
			if _, ok := byDest[p.findings]; !ok {
				dests = append(dests, p.findings)
			}
			byDest[p.findings] = append(byDest[p.findings], InputLogEvent{Timestamp: now.UnixMilli(), Message: string(b)})
		}
	}
	for _, d := range dests {
		_, work, err := s.ingest(d, FindingsLogStream, byDest[d], true)
		if err != nil {
			s.reportAuditFailure(d, err)
			continue
		}
		if work != nil {
			work.protect = nil // findings carry no sensitive data: never audit them
			s.afterIngest(ctx, work)
		}
	}
}

func (s *Service) reportAuditFailure(group string, err error) {
	if s.log != nil {
		s.log.Warn("logs: data protection findings not delivered", "logGroup", group, "err", fmt.Sprint(err))
	}
}

// maskedBatch returns a copy of w whose events are masked by the policies
// in effect at their ingestion (w's own events are the stored ones).
func maskedBatch(w *ingested) *ingested {
	cp := *w
	cp.events = make([]InputLogEvent, len(w.events))
	for i, e := range w.events {
		var all []dataid.Detection
		for _, f := range detections(e.Message, w.protect...) {
			all = append(all, f.found...)
		}
		cp.events[i] = InputLogEvent{Timestamp: e.Timestamp, Message: dataid.Mask(e.Message, all)}
	}
	return &cp
}
