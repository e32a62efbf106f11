package trail

import (
	"context"
	"fmt"
	"net/netip"
	"regexp"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/localwatch/localwatch/internal/arn"
	"github.com/localwatch/localwatch/internal/awserr"
	"github.com/localwatch/localwatch/internal/event"
	"github.com/localwatch/localwatch/internal/op"
)

// MaxTrailsPerRegion is CloudTrail's per-Region trail limit (a multi-Region
// trail counts in every Region). It cannot be raised.
const MaxTrailsPerRegion = 5

// trailConfig is an immutable snapshot of a trail's definition and logging
// state; updates replace it (copy on write), so Regions read it without locks.
type trailConfig struct {
	Name, ARN, Account, HomeRegion string
	S3BucketName, S3KeyPrefix      string
	SnsTopicName, SnsTopicARN      string
	CWLGroupARN, CWLRoleARN        string
	KmsKeyID                       string
	OrgID                          string
	IncludeGlobal, MultiRegion     bool
	Validation, Org                bool
	EventSelectors                 []EventSelector
	Advanced                       []AdvancedEventSelector
	Insights                       []InsightSelector
	Logging                        bool
	StartTime, StopTime            time.Time
	// Gen changes whenever a digest chain must restart (logging started,
	// validation enabled); ChainStart is when the current chain began.
	Gen        uint64
	ChainStart time.Time
	order      uint64
	match      func(*Record) bool
}

// trailState is a trail in Shared: its configuration and delivery status.
type trailState struct {
	cfg    *trailConfig
	status trailStatus
	tags   []Tag // replaced, never modified in place
}

type trailStatus struct {
	latestDelivery, latestDigest, latestCWL, latestNotification time.Time
	latestNotificationAttempt                                   time.Time
	deliveryErr, digestErr, cwlErr, notificationErr             string
}

func sortConfigs(c []*trailConfig) {
	slices.SortFunc(c, func(a, b *trailConfig) int { return int(a.order) - int(b.order) })
}

func (c *trailConfig) trail() Trail {
	return Trail{
		Name: c.Name, S3BucketName: c.S3BucketName, S3KeyPrefix: c.S3KeyPrefix,
		SnsTopicName: c.SnsTopicName, SnsTopicARN: c.SnsTopicARN,
		IncludeGlobalServiceEvents: c.IncludeGlobal, IsMultiRegionTrail: c.MultiRegion,
		HomeRegion: c.HomeRegion, TrailARN: c.ARN, LogFileValidationEnabled: c.Validation,
		CloudWatchLogsLogGroupArn: c.CWLGroupARN, CloudWatchLogsRoleArn: c.CWLRoleARN,
		KmsKeyId: c.KmsKeyID, HasCustomEventSelectors: c.EventSelectors != nil || c.Advanced != nil,
		HasInsightSelectors: len(c.Insights) > 0,
		IsOrganizationTrail: c.Org,
	}
}

var (
	bucketPattern = regexp.MustCompile(`^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$`)
	topicPattern  = regexp.MustCompile(`^[A-Za-z0-9_-]{1,256}$`)
	logGroupName  = regexp.MustCompile(`^[a-zA-Z0-9_\-/.#]{1,512}$`)
	trailARNRe    = regexp.MustCompile(`^arn:.+:cloudtrail:.+:\d{12}:trail/.+$`)
)

// validateTrailName applies CloudTrail's trail naming requirements.
func validateTrailName(name string) error {
	bad := func(why string) error {
		return awserr.New("InvalidTrailNameException", "Trail name %q is invalid: %s", name, why)
	}
	if len(name) < 3 {
		return bad("Trail name too short. Minimum allowed length: 3 characters.")
	}
	if len(name) > 128 {
		return bad("Trail name too long. Maximum allowed length: 128 characters.")
	}
	isAlnum := func(c byte) bool { return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' }
	for i := 0; i < len(name); i++ {
		c := name[i]
		if !isAlnum(c) && c != '.' && c != '_' && c != '-' {
			return bad("it may contain only ASCII letters, digits, periods, underscores and dashes.")
		}
		if !isAlnum(c) && i > 0 && !isAlnum(name[i-1]) {
			return bad("it must not have adjacent periods, underscores or dashes.")
		}
	}
	if !isAlnum(name[0]) || !isAlnum(name[len(name)-1]) {
		return bad("it must start and end with a letter or number.")
	}
	if _, err := netip.ParseAddr(name); err == nil {
		return bad("it must not be in IP address format.")
	}
	return nil
}

// validatePrefix refuses an S3 key prefix no object store can hold as the
// start of a key: AWS's InvalidS3PrefixException ("This exception is thrown
// when the provided S3 prefix is not valid", CloudTrail API Reference) for a
// prefix that is not UTF-8 (S3 keys are UTF-8), holds a control character
// (NUL included) or a backslash, starts with "/" or has an empty, "." or
// ".." path segment (which a file system store would resolve, escaping the
// bucket or merging keys). A trailing "/" is allowed (CloudTrail adds one).
func validatePrefix(p string) error {
	bad := func(why string) error {
		return awserr.New("InvalidS3PrefixException", "The provided S3 prefix is not valid. %s", why)
	}
	if !utf8.ValidString(p) {
		return bad("It is not valid UTF-8.")
	}
	for _, r := range p {
		if r < 0x20 || r == 0x7f || r == '\\' {
			return bad(fmt.Sprintf("It must not contain the character %U.", r))
		}
	}
	if p == "" {
		return nil
	}
	for i, seg := range strings.Split(strings.TrimSuffix(p, "/"), "/") {
		switch seg {
		case "":
			if i == 0 {
				return bad("It must not start with \"/\".")
			}
			return bad("It must not contain \"//\".")
		case ".", "..":
			return bad(fmt.Sprintf("It must not contain a %q path segment.", seg))
		}
	}
	return nil
}

// normalized is a validated trail definition from Create/UpdateTrail.
func (s *Service) validateConfig(c *trailConfig) error {
	if c.S3BucketName == "" {
		return awserr.New("InvalidS3BucketNameException", "S3BucketName is required.")
	}
	if !bucketPattern.MatchString(c.S3BucketName) || strings.Contains(c.S3BucketName, "..") {
		return awserr.New("InvalidS3BucketNameException", "Bucket name %q is not valid.", c.S3BucketName)
	}
	if len(c.S3KeyPrefix) > 200 {
		return awserr.New("InvalidS3PrefixException", "S3KeyPrefix %q is longer than 200 characters.", c.S3KeyPrefix[:20]+"...")
	}
	if err := validatePrefix(c.S3KeyPrefix); err != nil {
		return err
	}
	c.SnsTopicARN = ""
	if c.SnsTopicName != "" {
		if a, err := arn.Parse(c.SnsTopicName); err == nil {
			if a.Service != "sns" || !topicPattern.MatchString(a.Resource) {
				return awserr.New("InvalidSnsTopicNameException", "SNS topic %q is not valid.", c.SnsTopicName)
			}
			c.SnsTopicARN = c.SnsTopicName
		} else if !topicPattern.MatchString(c.SnsTopicName) {
			return awserr.New("InvalidSnsTopicNameException", "SNS topic name %q is not valid.", c.SnsTopicName)
		} else {
			c.SnsTopicARN = arn.New("sns", s.op.Region, s.op.AccountID, c.SnsTopicName)
		}
	}
	if (c.CWLGroupARN == "") != (c.CWLRoleARN == "") {
		if c.CWLGroupARN == "" {
			return awserr.New("InvalidCloudWatchLogsLogGroupArnException", "You must specify a log group ARN together with CloudWatchLogsRoleArn.")
		}
		return awserr.New("InvalidCloudWatchLogsRoleArnException", "You must specify a role ARN together with CloudWatchLogsLogGroupArn.")
	}
	if c.CWLGroupARN != "" {
		if logGroupOf(c.CWLGroupARN) == "" {
			return awserr.New("InvalidCloudWatchLogsLogGroupArnException", "Log group ARN %q is not valid (want arn:aws:logs:region:account:log-group:name:*).", c.CWLGroupARN)
		}
		if a, err := arn.Parse(c.CWLRoleARN); err != nil || a.Service != "iam" || !strings.HasPrefix(a.Resource, "role/") {
			return awserr.New("InvalidCloudWatchLogsRoleArnException", "Role ARN %q is not valid.", c.CWLRoleARN)
		}
	}
	if c.KmsKeyID != "" && !(strings.HasPrefix(c.KmsKeyID, "arn:") || strings.HasPrefix(c.KmsKeyID, "alias/") || len(c.KmsKeyID) == 36) {
		return awserr.New("InvalidKmsKeyIdException", "KMS key %q is not a key ID, key ARN, alias name or alias ARN.", c.KmsKeyID)
	}
	if c.MultiRegion && !c.IncludeGlobal {
		return awserr.New("InvalidParameterCombinationException", "Multi-Region trail must include global service events.")
	}
	if c.Org && c.OrgID == "" {
		return awserr.New("OrganizationsNotInUseException", "This account is not part of an organization (no OrganizationID configured), so IsOrganizationTrail cannot be true.")
	}
	return nil
}

// checkLogGroup rejects a CloudWatch Logs group ARN whose group does not
// exist, when Options.LogGroupExists can tell. Call it without locks held.
func (s *Service) checkLogGroup(ctx context.Context, groupARN string) error {
	if groupARN == "" || s.groupOK == nil || s.groupOK(ctx, groupARN) {
		return nil
	}
	return awserr.New("InvalidCloudWatchLogsLogGroupArnException", "CloudTrail cannot validate the specified log group ARN.")
}

// logGroupOf returns the log group name of a CloudWatch Logs log-group ARN
// ("arn:aws:logs:r:a:log-group:name:*"), or "" if it is not one.
func logGroupOf(s string) string {
	name, _, _ := logGroupAddress(s)
	return name
}

// logGroupAddress returns the log group name, account and Region of a
// CloudWatch Logs log-group ARN ("" name if it is not one).
func logGroupAddress(s string) (name, account, region string) {
	a, err := arn.Parse(s)
	if err != nil || a.Service != "logs" || !strings.HasPrefix(a.Resource, "log-group:") {
		return "", "", ""
	}
	name = strings.TrimSuffix(strings.TrimPrefix(a.Resource, "log-group:"), ":*")
	if !logGroupName.MatchString(name) {
		return "", "", ""
	}
	return name, a.AccountID, a.Region
}

// visibleLocked lists the trails that exist in this Region (own and shadow).
func (s *Service) visibleLocked() []*trailState {
	var out []*trailState
	for _, st := range s.shared.trails {
		if st.cfg.Account == s.op.AccountID && (st.cfg.HomeRegion == s.op.Region || st.cfg.MultiRegion) {
			out = append(out, st)
		}
	}
	slices.SortFunc(out, func(a, b *trailState) int { return int(a.cfg.order) - int(b.cfg.order) })
	return out
}

// findLocked resolves a trail name or ARN among the trails visible here.
func (s *Service) findLocked(nameOrARN string) (*trailState, error) {
	if nameOrARN == "" {
		return nil, awserr.New("InvalidTrailNameException", "Trail name or ARN is required.")
	}
	if strings.HasPrefix(nameOrARN, "arn:") {
		if !trailARNRe.MatchString(nameOrARN) {
			return nil, awserr.New("CloudTrailARNInvalidException", "ARN %s is not a valid trail ARN.", nameOrARN)
		}
		if st := s.shared.trails[nameOrARN]; st != nil && st.cfg.Account == s.op.AccountID {
			return st, nil
		}
		return nil, errTrailNotFound(nameOrARN, s.op.AccountID)
	}
	if err := validateTrailName(nameOrARN); err != nil {
		return nil, err
	}
	for _, st := range s.visibleLocked() {
		if st.cfg.Name == nameOrARN {
			return st, nil
		}
	}
	return nil, errTrailNotFound(nameOrARN, s.op.AccountID)
}

func (s *Service) homeOnly(c *trailConfig, op string) error {
	if c.HomeRegion != s.op.Region {
		return awserr.New("InvalidHomeRegionException", "%s for trail %s must be called in its home Region %s, not %s.", op, c.ARN, c.HomeRegion, s.op.Region)
	}
	return nil
}

// checkLimitLocked enforces 5 trails per Region for a trail being created or
// turned multi-Region (exclude is the trail being updated).
func (s *Service) checkLimitLocked(multi bool, exclude string) error {
	perRegion := map[string]int{s.op.Region: 0}
	multiCount := 0
	for _, st := range s.shared.trails {
		c := st.cfg
		if c.Account != s.op.AccountID || c.ARN == exclude {
			continue
		}
		if c.MultiRegion {
			multiCount++
		} else {
			perRegion[c.HomeRegion]++
		}
	}
	worst := perRegion[s.op.Region]
	if multi {
		for _, n := range perRegion {
			worst = max(worst, n)
		}
	}
	if worst+multiCount >= MaxTrailsPerRegion {
		return awserr.New("MaximumNumberOfTrailsExceededException", "User: %s already has %d trails in a Region.", s.op.AccountID, MaxTrailsPerRegion)
	}
	return nil
}

func (s *Service) publishLocked() { s.shared.version.Add(1) }

// locked runs f with sh.mu held (released even if f panics).
func (sh *Shared) locked(f func() error) error {
	sh.mu.Lock()
	defer sh.mu.Unlock()
	return f()
}

func trailParams(name string) map[string]any { return map[string]any{"name": name} }

// isTrue reports whether an optional boolean is set and true.
func isTrue(b *bool) bool { return b != nil && *b }

// CreateTrail creates a trail in this (its home) Region. A new trail is not
// logging: call StartLogging (the console starts it for you; the API does
// not). A multi-Region trail must include global service events and is
// shadowed in every Region of the stack.
func (s *Service) CreateTrail(ctx context.Context, in CreateTrailInput) (*CreateTrailOutput, error) {
	return op.Do(ctx, &s.op, event.Call{Name: "CreateTrail"}, in, s.createTrail)
}

func (s *Service) createTrail(ctx context.Context, call *event.Call, in CreateTrailInput) (out *CreateTrailOutput, err error) {
	params := map[string]any{"name": in.Name, "s3BucketName": in.S3BucketName}
	if in.S3KeyPrefix != "" {
		params["s3KeyPrefix"] = in.S3KeyPrefix
	}
	if in.SnsTopicName != "" {
		params["snsTopicName"] = in.SnsTopicName
	}
	if in.IncludeGlobalServiceEvents != nil {
		params["includeGlobalServiceEvents"] = *in.IncludeGlobalServiceEvents
	}
	// CloudTrail records these three false when the request leaves them out.
	params["isMultiRegionTrail"] = isTrue(in.IsMultiRegionTrail)
	params["enableLogFileValidation"] = isTrue(in.EnableLogFileValidation)
	params["isOrganizationTrail"] = isTrue(in.IsOrganizationTrail)
	if in.CloudWatchLogsLogGroupArn != "" {
		params["cloudWatchLogsLogGroupArn"] = in.CloudWatchLogsLogGroupArn
		params["cloudWatchLogsRoleArn"] = in.CloudWatchLogsRoleArn
	}
	if in.KmsKeyId != "" {
		params["kmsKeyId"] = in.KmsKeyId
	}
	var resp map[string]any
	defer func() {
		var res []event.Resource
		if out != nil {
			res = []event.Resource{{ARN: out.TrailARN, AccountID: s.op.AccountID, Type: "AWS::CloudTrail::Trail"}}
		}
		call.RequestParameters, call.ResponseElements, call.Resources = params, resp, res
	}()
	if err := validateTrailName(in.Name); err != nil {
		return nil, err
	}
	if err := validateTags(in.TagsList); err != nil {
		return nil, err
	}
	if len(in.TagsList) > MaxTagsPerTrail {
		return nil, awserr.New("TagsLimitExceededException", "The number of tags per trail, event data store, dashboard, or channel has exceeded the permitted amount. Currently, the limit is %d.", MaxTagsPerTrail)
	}
	c := &trailConfig{
		Name: in.Name, Account: s.op.AccountID, HomeRegion: s.op.Region,
		ARN:          arn.New("cloudtrail", s.op.Region, s.op.AccountID, "trail/"+in.Name),
		S3BucketName: in.S3BucketName, S3KeyPrefix: in.S3KeyPrefix, SnsTopicName: in.SnsTopicName,
		CWLGroupARN: in.CloudWatchLogsLogGroupArn, CWLRoleARN: in.CloudWatchLogsRoleArn, KmsKeyID: in.KmsKeyId,
		IncludeGlobal: in.IncludeGlobalServiceEvents == nil || *in.IncludeGlobalServiceEvents,
		MultiRegion:   isTrue(in.IsMultiRegionTrail), Validation: isTrue(in.EnableLogFileValidation), Org: isTrue(in.IsOrganizationTrail),
	}
	if c.Org {
		c.OrgID = s.orgID
	}
	if err := s.validateConfig(c); err != nil {
		return nil, err
	}
	if err := s.checkLogGroup(ctx, c.CWLGroupARN); err != nil {
		return nil, err
	}
	c.match = compileSelectors(nil, nil)
	sh := s.shared
	if err := sh.locked(func() error {
		if sh.trails == nil {
			sh.trails = make(map[string]*trailState)
		}
		for _, st := range sh.trails {
			o := st.cfg
			if o.Account == s.op.AccountID && o.Name == c.Name && (o.HomeRegion == s.op.Region || o.MultiRegion || c.MultiRegion) {
				return awserr.New("TrailAlreadyExistsException", "Trail %s already exists for customer: %s", c.Name, s.op.AccountID)
			}
		}
		if err := s.checkLimitLocked(c.MultiRegion, ""); err != nil {
			return err
		}
		sh.order++
		c.order = sh.order
		sh.trails[c.ARN] = &trailState{cfg: c, tags: slices.Clone(in.TagsList)}
		s.publishLocked()
		return nil
	}); err != nil {
		return nil, err
	}
	t := c.trail()
	resp = map[string]any{"name": t.Name, "s3BucketName": t.S3BucketName, "trailARN": t.TrailARN,
		"includeGlobalServiceEvents": t.IncludeGlobalServiceEvents, "isMultiRegionTrail": t.IsMultiRegionTrail,
		"logFileValidationEnabled": t.LogFileValidationEnabled, "isOrganizationTrail": t.IsOrganizationTrail}
	return &CreateTrailOutput{Trail: t}, nil
}

// UpdateTrail changes a trail's settings; it must be called in the trail's
// home Region. Turning a trail from all Regions to one Region turns global
// service events off unless the request sets them, and the reverse turns them
// on. Disabling log file validation ends the digest chain at the next digest;
// enabling it starts a new one.
func (s *Service) UpdateTrail(ctx context.Context, in UpdateTrailInput) (*UpdateTrailOutput, error) {
	return op.Do(ctx, &s.op, event.Call{Name: "UpdateTrail"}, in, s.updateTrail)
}

func (s *Service) updateTrail(ctx context.Context, call *event.Call, in UpdateTrailInput) (out *UpdateTrailOutput, err error) {
	params := map[string]any{"name": in.Name}
	setS := func(k string, v *string) {
		if v != nil {
			params[k] = *v
		}
	}
	setB := func(k string, v *bool) {
		if v != nil {
			params[k] = *v
		}
	}
	setS("s3BucketName", in.S3BucketName)
	setS("s3KeyPrefix", in.S3KeyPrefix)
	setS("snsTopicName", in.SnsTopicName)
	setB("includeGlobalServiceEvents", in.IncludeGlobalServiceEvents)
	setB("isMultiRegionTrail", in.IsMultiRegionTrail)
	setB("enableLogFileValidation", in.EnableLogFileValidation)
	setS("cloudWatchLogsLogGroupArn", in.CloudWatchLogsLogGroupArn)
	setS("cloudWatchLogsRoleArn", in.CloudWatchLogsRoleArn)
	setS("kmsKeyId", in.KmsKeyId)
	setB("isOrganizationTrail", in.IsOrganizationTrail)
	var resArn string
	defer func() {
		var res []event.Resource
		if resArn != "" {
			res = []event.Resource{{ARN: resArn, AccountID: s.op.AccountID, Type: "AWS::CloudTrail::Trail"}}
		}
		var resp any
		if out != nil {
			resp = map[string]any{"name": out.Name, "trailARN": out.TrailARN, "s3BucketName": out.S3BucketName}
		}
		call.RequestParameters, call.ResponseElements, call.Resources = params, resp, res
	}()
	if in.CloudWatchLogsLogGroupArn != nil && logGroupOf(*in.CloudWatchLogsLogGroupArn) != "" {
		// Checked before the lock: the check asks another service.
		if err := s.checkLogGroup(ctx, *in.CloudWatchLogsLogGroupArn); err != nil {
			return nil, err
		}
	}
	sh := s.shared
	sh.mu.Lock()
	defer sh.mu.Unlock()
	st, err := s.findLocked(in.Name)
	if err != nil {
		return nil, err
	}
	resArn = st.cfg.ARN
	if err := s.homeOnly(st.cfg, "UpdateTrail"); err != nil {
		return nil, err
	}
	c := *st.cfg
	str := func(dst *string, v *string) {
		if v != nil {
			*dst = *v
		}
	}
	str(&c.S3BucketName, in.S3BucketName)
	str(&c.S3KeyPrefix, in.S3KeyPrefix)
	str(&c.SnsTopicName, in.SnsTopicName)
	str(&c.CWLGroupARN, in.CloudWatchLogsLogGroupArn)
	str(&c.CWLRoleARN, in.CloudWatchLogsRoleArn)
	str(&c.KmsKeyID, in.KmsKeyId)
	if in.IsMultiRegionTrail != nil && *in.IsMultiRegionTrail != c.MultiRegion {
		c.MultiRegion = *in.IsMultiRegionTrail
		c.IncludeGlobal = c.MultiRegion // CloudTrail concepts: switching scope switches global events
	}
	if in.IncludeGlobalServiceEvents != nil {
		c.IncludeGlobal = *in.IncludeGlobalServiceEvents
	}
	if in.IsOrganizationTrail != nil {
		c.Org = *in.IsOrganizationTrail
		c.OrgID = ""
		if c.Org {
			c.OrgID = s.orgID
		}
	}
	if in.EnableLogFileValidation != nil && *in.EnableLogFileValidation != c.Validation {
		c.Validation = *in.EnableLogFileValidation
		if c.Validation && c.Logging {
			c.Gen++
			c.ChainStart = s.op.Clock.Now().UTC().Truncate(time.Second)
		}
	}
	if err := s.validateConfig(&c); err != nil {
		return nil, err
	}
	if c.MultiRegion && !st.cfg.MultiRegion {
		for _, o := range sh.trails {
			if o != st && o.cfg.Account == s.op.AccountID && o.cfg.Name == c.Name {
				return nil, awserr.New("TrailAlreadyExistsException", "Trail %s already exists in another Region for customer: %s", c.Name, s.op.AccountID)
			}
		}
		if err := s.checkLimitLocked(true, c.ARN); err != nil {
			return nil, err
		}
	}
	st.cfg = &c
	s.publishLocked()
	return &UpdateTrailOutput{Trail: c.trail()}, nil
}

// DeleteTrail deletes a trail (in its home Region). Files already delivered
// stay; pending events are delivered first, with a final digest when
// validation is on.
func (s *Service) DeleteTrail(ctx context.Context, in DeleteTrailInput) (*DeleteTrailOutput, error) {
	// The DeleteTrail event is recorded (by op.Do, after the core found the
	// trail) before the trail goes, so that the final log file includes it.
	var st *trailState
	out, err := op.Do(ctx, &s.op, event.Call{Name: "DeleteTrail"}, in, func(_ context.Context, call *event.Call, in DeleteTrailInput) (*DeleteTrailOutput, error) {
		var err error
		st, err = s.homeTrail(call, in.Name, "DeleteTrail")
		if err != nil {
			return nil, err
		}
		return &DeleteTrailOutput{}, nil
	})
	if err != nil {
		return nil, err
	}
	sh := s.shared
	last := st.cfg
	_ = sh.locked(func() error {
		if cur := sh.trails[st.cfg.ARN]; cur == st {
			delete(sh.trails, st.cfg.ARN)
			s.publishLocked()
		}
		return nil
	})
	s.finish(last.ARN, last)
	return out, nil
}

// homeTrail is the first step of DeleteTrail and StopLogging: it finds the
// trail named name, which must be called in its home Region, and fills call
// for the record that op.Do then makes.
func (s *Service) homeTrail(call *event.Call, name, opName string) (st *trailState, err error) {
	err = s.shared.locked(func() (err error) {
		if st, err = s.findLocked(name); err == nil {
			err = s.homeOnly(st.cfg, opName)
		}
		return err
	})
	call.RequestParameters = trailParams(name)
	if st != nil {
		call.Resources = []event.Resource{{ARN: st.cfg.ARN, AccountID: s.op.AccountID, Type: "AWS::CloudTrail::Trail"}}
	}
	return st, err
}

// StartLogging starts recording events for a trail (in its home Region; not
// on a shadow trail: InvalidHomeRegionException). With log file validation
// on, it starts a new digest chain whose first digest has null previous-digest
// fields. Starting a trail that is logging does nothing.
func (s *Service) StartLogging(ctx context.Context, in StartLoggingInput) (*StartLoggingOutput, error) {
	return op.Do(ctx, &s.op, event.Call{Name: "StartLogging"}, in, s.startLogging)
}

func (s *Service) startLogging(ctx context.Context, call *event.Call, in StartLoggingInput) (out *StartLoggingOutput, err error) {
	var res []event.Resource
	defer func() {
		call.RequestParameters, call.Resources = trailParams(in.Name), res
	}()
	sh := s.shared
	sh.mu.Lock()
	defer sh.mu.Unlock()
	st, err := s.findLocked(in.Name)
	if err != nil {
		return nil, err
	}
	res = []event.Resource{{ARN: st.cfg.ARN, AccountID: s.op.AccountID, Type: "AWS::CloudTrail::Trail"}}
	if err := s.homeOnly(st.cfg, "StartLogging"); err != nil {
		return nil, err
	}
	if st.cfg.Logging {
		return &StartLoggingOutput{}, nil
	}
	c := *st.cfg
	now := s.op.Clock.Now().UTC().Truncate(time.Second)
	c.Logging, c.StartTime, c.Gen, c.ChainStart = true, now, c.Gen+1, now
	st.cfg = &c
	s.publishLocked()
	return &StartLoggingOutput{}, nil
}

// StopLogging stops recording events for a trail (in its home Region). The
// StopLogging event itself is the last one logged: this Region's pending
// events are delivered at once, followed by a final digest when validation is
// on; other Regions of a multi-Region trail deliver theirs at their next
// delivery tick.
func (s *Service) StopLogging(ctx context.Context, in StopLoggingInput) (*StopLoggingOutput, error) {
	// The StopLogging event is recorded (by op.Do) while the trail still
	// logs, so that it is the last record of the trail's files.
	var st *trailState
	out, err := op.Do(ctx, &s.op, event.Call{Name: "StopLogging"}, in, func(_ context.Context, call *event.Call, in StopLoggingInput) (*StopLoggingOutput, error) {
		var err error
		st, err = s.homeTrail(call, in.Name, "StopLogging")
		if err != nil {
			return nil, err
		}
		return &StopLoggingOutput{}, nil
	})
	if err != nil {
		return nil, err
	}
	sh := s.shared
	var last *trailConfig
	_ = sh.locked(func() error {
		if st.cfg.Logging {
			c := *st.cfg
			c.Logging, c.StopTime = false, s.op.Clock.Now().UTC().Truncate(time.Second)
			st.cfg = &c
			s.publishLocked()
		}
		last = st.cfg
		return nil
	})
	s.finish(last.ARN, last)
	return out, nil
}

// GetTrail returns one trail (a name or ARN; shadow trails too).
func (s *Service) GetTrail(ctx context.Context, in GetTrailInput) (*GetTrailOutput, error) {
	return op.Do(ctx, &s.op, event.Call{Name: "GetTrail", ReadOnly: true}, in, s.getTrail)
}

func (s *Service) getTrail(ctx context.Context, call *event.Call, in GetTrailInput) (out *GetTrailOutput, err error) {
	call.RequestParameters = trailParams(in.Name)
	sh := s.shared
	sh.mu.Lock()
	defer sh.mu.Unlock()
	st, err := s.findLocked(in.Name)
	if err != nil {
		return nil, err
	}
	t := st.cfg.trail()
	return &GetTrailOutput{Trail: &t}, nil
}

// DescribeTrails lists trails of this Region (and shadows of multi-Region
// trails unless IncludeShadowTrails is false). Names that match no trail are
// left out, as AWS does.
func (s *Service) DescribeTrails(ctx context.Context, in DescribeTrailsInput) (*DescribeTrailsOutput, error) {
	return op.Do(ctx, &s.op, event.Call{Name: "DescribeTrails", ReadOnly: true}, in, s.describeTrails)
}

func (s *Service) describeTrails(ctx context.Context, call *event.Call, in DescribeTrailsInput) (out *DescribeTrailsOutput, err error) {
	params := map[string]any{}
	if in.TrailNameList != nil {
		params["trailNameList"] = in.TrailNameList
	}
	if in.IncludeShadowTrails != nil {
		params["includeShadowTrails"] = *in.IncludeShadowTrails
	}
	call.RequestParameters = params
	shadows := in.IncludeShadowTrails == nil || *in.IncludeShadowTrails
	sh := s.shared
	sh.mu.Lock()
	defer sh.mu.Unlock()
	out = &DescribeTrailsOutput{TrailList: []Trail{}}
	for _, st := range s.visibleLocked() {
		c := st.cfg
		if !shadows && c.HomeRegion != s.op.Region {
			continue
		}
		if len(in.TrailNameList) > 0 && !slices.Contains(in.TrailNameList, c.Name) && !slices.Contains(in.TrailNameList, c.ARN) {
			continue
		}
		out.TrailList = append(out.TrailList, c.trail())
	}
	return out, nil
}

// ListTrails lists the trails visible in this Region (one page: a Region has
// at most five).
func (s *Service) ListTrails(ctx context.Context, in ListTrailsInput) (*ListTrailsOutput, error) {
	return op.Do(ctx, &s.op, event.Call{Name: "ListTrails", ReadOnly: true}, in, s.listTrails)
}

func (s *Service) listTrails(ctx context.Context, call *event.Call, in ListTrailsInput) (out *ListTrailsOutput, err error) {
	call.RequestParameters = map[string]any{}
	if in.NextToken != "" {
		return nil, awserr.New("InvalidTokenException", "Invalid NextToken %q.", in.NextToken)
	}
	sh := s.shared
	sh.mu.Lock()
	defer sh.mu.Unlock()
	out = &ListTrailsOutput{Trails: []TrailInfo{}}
	for _, st := range s.visibleLocked() {
		out.Trails = append(out.Trails, TrailInfo{TrailARN: st.cfg.ARN, Name: st.cfg.Name, HomeRegion: st.cfg.HomeRegion})
	}
	return out, nil
}

func tptr(t time.Time) *time.Time {
	if t.IsZero() {
		return nil
	}
	return &t
}

func tstr(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format(TimeFormat)
}

// GetTrailStatus returns a trail's logging state and its latest deliveries
// (log files, digests, notifications, CloudWatch Logs) and their errors.
func (s *Service) GetTrailStatus(ctx context.Context, in GetTrailStatusInput) (*GetTrailStatusOutput, error) {
	return op.Do(ctx, &s.op, event.Call{Name: "GetTrailStatus", ReadOnly: true}, in, s.getTrailStatus)
}

func (s *Service) getTrailStatus(ctx context.Context, call *event.Call, in GetTrailStatusInput) (out *GetTrailStatusOutput, err error) {
	call.RequestParameters = trailParams(in.Name)
	sh := s.shared
	sh.mu.Lock()
	defer sh.mu.Unlock()
	st, err := s.findLocked(in.Name)
	if err != nil {
		return nil, err
	}
	c, ts := st.cfg, st.status
	out = &GetTrailStatusOutput{
		IsLogging:                         c.Logging,
		LatestDeliveryError:               ts.deliveryErr,
		LatestNotificationError:           ts.notificationErr,
		LatestDeliveryTime:                tptr(ts.latestDelivery),
		LatestNotificationTime:            tptr(ts.latestNotification),
		StartLoggingTime:                  tptr(c.StartTime),
		StopLoggingTime:                   tptr(c.StopTime),
		LatestCloudWatchLogsDeliveryError: ts.cwlErr,
		LatestCloudWatchLogsDeliveryTime:  tptr(ts.latestCWL),
		LatestDigestDeliveryTime:          tptr(ts.latestDigest),
		LatestDigestDeliveryError:         ts.digestErr,
		LatestDeliveryAttemptTime:         tstr(ts.latestDelivery),
		LatestNotificationAttemptTime:     tstr(ts.latestNotificationAttempt),
		TimeLoggingStarted:                tstr(c.StartTime),
		TimeLoggingStopped:                tstr(c.StopTime),
	}
	if !ts.latestDelivery.IsZero() {
		out.LatestDeliveryAttemptSucceeded = tstr(ts.latestDelivery)
	}
	if !ts.latestNotification.IsZero() {
		out.LatestNotificationAttemptSucceeded = tstr(ts.latestNotification)
	}
	return out, nil
}

// PutEventSelectors replaces a trail's selectors (basic or advanced: setting
// one kind removes the other). It must be called in the trail's home Region.
func (s *Service) PutEventSelectors(ctx context.Context, in PutEventSelectorsInput) (*PutEventSelectorsOutput, error) {
	return op.Do(ctx, &s.op, event.Call{Name: "PutEventSelectors"}, in, s.putEventSelectors)
}

func (s *Service) putEventSelectors(ctx context.Context, call *event.Call, in PutEventSelectorsInput) (out *PutEventSelectorsOutput, err error) {
	params := map[string]any{"trailName": in.TrailName}
	if in.EventSelectors != nil {
		params["eventSelectors"] = in.EventSelectors
	}
	if in.AdvancedEventSelectors != nil {
		params["advancedEventSelectors"] = in.AdvancedEventSelectors
	}
	defer func() {
		var resp any
		if out != nil {
			resp = map[string]any{"trailARN": out.TrailARN}
		}
		call.RequestParameters, call.ResponseElements = params, resp
	}()
	if (in.EventSelectors == nil) == (in.AdvancedEventSelectors == nil) {
		return nil, awserr.New("InvalidParameterCombinationException", "Specify either EventSelectors or AdvancedEventSelectors, but not both.")
	}
	if in.EventSelectors != nil {
		err = validateEventSelectors(in.EventSelectors)
	} else {
		err = validateAdvancedSelectors(in.AdvancedEventSelectors)
	}
	if err != nil {
		return nil, err
	}
	sh := s.shared
	sh.mu.Lock()
	defer sh.mu.Unlock()
	st, err := s.findLocked(in.TrailName)
	if err != nil {
		return nil, err
	}
	if err := s.homeOnly(st.cfg, "PutEventSelectors"); err != nil {
		return nil, err
	}
	c := *st.cfg
	c.EventSelectors, c.Advanced = nil, nil
	if in.EventSelectors != nil {
		c.EventSelectors = normalizeSelectors(in.EventSelectors)
	} else {
		c.Advanced = cloneAdvanced(in.AdvancedEventSelectors)
	}
	c.match = compileSelectors(c.EventSelectors, c.Advanced)
	st.cfg = &c
	s.publishLocked()
	return &PutEventSelectorsOutput{TrailARN: c.ARN, EventSelectors: c.EventSelectors, AdvancedEventSelectors: c.Advanced}, nil
}

func normalizeSelectors(in []EventSelector) []EventSelector {
	out := make([]EventSelector, len(in))
	for i, sel := range in {
		if sel.ReadWriteType == "" {
			sel.ReadWriteType = All
		}
		if sel.IncludeManagementEvents == nil {
			sel.IncludeManagementEvents = boolPtr(true)
		} else {
			sel.IncludeManagementEvents = boolPtr(*sel.IncludeManagementEvents)
		}
		sel.DataResources = slices.Clone(sel.DataResources)
		for j := range sel.DataResources {
			sel.DataResources[j].Values = slices.Clone(sel.DataResources[j].Values)
			if sel.DataResources[j].Values == nil {
				sel.DataResources[j].Values = []string{}
			}
		}
		if sel.DataResources == nil {
			sel.DataResources = []DataResource{}
		}
		sel.ExcludeManagementEventSources = slices.Clone(sel.ExcludeManagementEventSources)
		if sel.ExcludeManagementEventSources == nil {
			sel.ExcludeManagementEventSources = []string{}
		}
		out[i] = sel
	}
	return out
}

func cloneAdvanced(in []AdvancedEventSelector) []AdvancedEventSelector {
	out := make([]AdvancedEventSelector, len(in))
	for i, sel := range in {
		sel.FieldSelectors = slices.Clone(sel.FieldSelectors)
		out[i] = sel
	}
	return out
}

// GetEventSelectors returns a trail's selectors.
func (s *Service) GetEventSelectors(ctx context.Context, in GetEventSelectorsInput) (*GetEventSelectorsOutput, error) {
	return op.Do(ctx, &s.op, event.Call{Name: "GetEventSelectors", ReadOnly: true}, in, s.getEventSelectors)
}

func (s *Service) getEventSelectors(ctx context.Context, call *event.Call, in GetEventSelectorsInput) (out *GetEventSelectorsOutput, err error) {
	call.RequestParameters = map[string]any{"trailName": in.TrailName}
	sh := s.shared
	sh.mu.Lock()
	defer sh.mu.Unlock()
	st, err := s.findLocked(in.TrailName)
	if err != nil {
		return nil, err
	}
	c := st.cfg
	out = &GetEventSelectorsOutput{TrailARN: c.ARN, EventSelectors: c.EventSelectors, AdvancedEventSelectors: c.Advanced}
	if c.EventSelectors == nil && c.Advanced == nil {
		out.EventSelectors = normalizeSelectors([]EventSelector{{}})
	}
	return out, nil
}
