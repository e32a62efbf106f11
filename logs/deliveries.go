package logs

import (
	"encoding/json"
	"maps"
	"regexp"
	"slices"
	"strings"
	"sync"

	"github.com/localwatch/localwatch/internal/arn"
	"github.com/localwatch/localwatch/internal/awserr"
	"github.com/localwatch/localwatch/internal/ids"
)

// Log delivery (CloudWatch Logs' "vended logs V2" API): a delivery source
// (the AWS resource that sends logs), a delivery destination (a log group,
// S3 bucket, Firehose stream or X-Ray) and a delivery connecting them. AWS's
// services are the ones that send through a delivery; localwatch stores and
// validates the configuration with AWS's rules so that infrastructure code
// and tests that set it up run unchanged:
//
//   - a source's or destination's tags are given only when it is created
//     (ConflictException on update), a source keeps its resource and a
//     destination its output format across updates;
//   - a delivery needs an existing source and a destination of this account
//     and Region, one source delivers at most once to each destination type,
//     and a delivery cannot be updated except for its record fields, field
//     delimiter and S3 configuration (UpdateDeliveryConfiguration);
//   - a source or destination with deliveries cannot be deleted
//     (ConflictException), as AWS's DeleteDeliverySource and
//     DeleteDeliveryDestination say.
//
// The not-found and conflict messages are AWS's where they are on record (as
// moto reproduces them); the message for deleting a source or destination
// that deliveries still use is ours, since AWS documents the rule, not the text.

const (
	msgDeliverySourceNotFound      = "Requested Delivery Source does not exist in this account."
	msgDeliveryDestinationNotFound = "Requested Delivery Destination does not exist in this account."
	msgDeliveryNotFound            = "Requested Delivery does not exist in this account."
	msgTagsOnUpdate                = "Tags can only be provided when a resource is being created, not updated."
	maxDeliveryDescribeLimit       = 50
	maxDeliveryPolicyBytes         = 51200
	maxRecordFields                = 128
	deliveryIDLength               = 16
)

var (
	deliveryNameRE = regexp.MustCompile(`^[\w-]*$`)
	logTypeRE      = regexp.MustCompile(`^\w*$`)
	deliveryIDRE   = regexp.MustCompile(`^[0-9A-Za-z]+$`)
	outputFormats  = []string{"json", "plain", "w3c", "raw", "parquet"}
	destTypes      = []DeliveryDestinationType{DeliveryDestinationS3, DeliveryDestinationCWL, DeliveryDestinationFH, DeliveryDestinationXRay}
)

// deliveryState holds one Region's delivery sources, destinations and
// deliveries.
type deliveryState struct {
	mu           sync.RWMutex // guards every field below
	sources      map[string]*DeliverySource
	destinations map[string]*deliveryDestination
	deliveries   map[string]*Delivery
	order        []string // delivery IDs in creation order
}

type deliveryDestination struct {
	DeliveryDestination
	policy string
}

func errDeliveryValidation(field string, value any, constraint string) *awserr.Error {
	return awserr.New("ValidationException",
		"1 validation error detected: Value '%v' at '%s' failed to satisfy constraint: %s", value, field, constraint)
}

func errConflict(format string, args ...any) *awserr.Error {
	return awserr.New("ConflictException", format, args...)
}

func validateDeliveryName(field, name string) error {
	switch {
	case name == "":
		return errDeliveryValidation(field, name, "Member must have length greater than or equal to 1")
	case len(name) > 60:
		return errDeliveryValidation(field, name, "Member must have length less than or equal to 60")
	case !deliveryNameRE.MatchString(name):
		return errDeliveryValidation(field, name, `Member must satisfy regular expression pattern: [\w-]*`)
	}
	return nil
}

func validateDeliveryID(id string) error {
	switch {
	case id == "":
		return errDeliveryValidation("id", id, "Member must have length greater than or equal to 1")
	case len(id) > 64:
		return errDeliveryValidation("id", id, "Member must have length less than or equal to 64")
	case !deliveryIDRE.MatchString(id):
		return errDeliveryValidation("id", id, "Member must satisfy regular expression pattern: ^[0-9A-Za-z]+$")
	}
	return nil
}

// parseResourceARN splits an ARN into its service, Region and account, or
// answers AWS's ValidationException for a malformed one.
func parseResourceARN(field, a string) (service, region, account string, err error) {
	parts := strings.SplitN(a, ":", 6)
	if len(parts) != 6 || parts[0] != "arn" || parts[1] == "" || parts[2] == "" || parts[5] == "" {
		return "", "", "", awserr.New("ValidationException", "Invalid ARN for %s: %s", field, a)
	}
	return parts[2], parts[3], parts[4], nil
}

func describeLimit(l *int32) (int, error) {
	if l == nil {
		return maxDeliveryDescribeLimit, nil
	}
	if *l < 1 {
		return 0, errDeliveryValidation("limit", *l, "Member must have value greater than or equal to 1")
	}
	if *l > maxDeliveryDescribeLimit {
		return 0, errDeliveryValidation("limit", *l, "Member must have value less than or equal to 50")
	}
	return int(*l), nil
}

func cloneSource(s *DeliverySource) *DeliverySource {
	c := *s
	c.ResourceArns = slices.Clone(s.ResourceArns)
	c.Tags = maps.Clone(s.Tags)
	c.DeliverySourceConfiguration = maps.Clone(s.DeliverySourceConfiguration)
	return &c
}

func cloneDestination(d *deliveryDestination) *DeliveryDestination {
	c := d.DeliveryDestination
	if d.DeliveryDestinationConfiguration != nil {
		cfg := *d.DeliveryDestinationConfiguration
		c.DeliveryDestinationConfiguration = &cfg
	}
	c.Tags = maps.Clone(d.Tags)
	return &c
}

func cloneDelivery(d *Delivery) *Delivery {
	c := *d
	c.RecordFields = slices.Clone(d.RecordFields)
	c.Tags = maps.Clone(d.Tags)
	if d.S3DeliveryConfiguration != nil {
		s3 := *d.S3DeliveryConfiguration
		c.S3DeliveryConfiguration = &s3
	}
	return &c
}

// putSource is PutDeliverySource's core.
func (st *deliveryState) putSource(region, account string, in PutDeliverySourceInput) (*DeliverySource, error) {
	if err := validateDeliveryName("name", in.Name); err != nil {
		return nil, err
	}
	if in.ResourceArn == "" {
		return nil, errDeliveryValidation("resourceArn", in.ResourceArn, "Member must not be null")
	}
	service, _, _, err := parseResourceARN("resourceArn", in.ResourceArn)
	if err != nil {
		return nil, err
	}
	switch {
	case in.LogType == "":
		return nil, errDeliveryValidation("logType", in.LogType, "Member must have length greater than or equal to 1")
	case len(in.LogType) > 255:
		return nil, errDeliveryValidation("logType", in.LogType, "Member must have length less than or equal to 255")
	case !logTypeRE.MatchString(in.LogType):
		return nil, errDeliveryValidation("logType", in.LogType, `Member must satisfy regular expression pattern: [\w]*`)
	}
	if in.Tags != nil {
		if err := validateTags(in.Tags); err != nil {
			return nil, err
		}
	}
	st.mu.Lock()
	defer st.mu.Unlock()
	old := st.sources[in.Name]
	if old != nil {
		if len(in.Tags) > 0 {
			return nil, errConflict(msgTagsOnUpdate)
		}
		if !slices.Contains(old.ResourceArns, in.ResourceArn) {
			return nil, errConflict("Update to existing Delivery Source with new ResourceId is not allowed. Please create a new Delivery Source instead.")
		}
	}
	src := &DeliverySource{
		Name:                        in.Name,
		Arn:                         arn.New("logs", region, account, "delivery-source:"+in.Name),
		ResourceArns:                []string{in.ResourceArn},
		Service:                     service,
		LogType:                     in.LogType,
		Tags:                        maps.Clone(in.Tags),
		DeliverySourceConfiguration: maps.Clone(in.DeliverySourceConfiguration),
	}
	if old != nil {
		src.Tags = old.Tags
	}
	if st.sources == nil {
		st.sources = map[string]*DeliverySource{}
	}
	st.sources[in.Name] = src
	return cloneSource(src), nil
}

func (st *deliveryState) getSource(name string) (*DeliverySource, error) {
	if err := validateDeliveryName("name", name); err != nil {
		return nil, err
	}
	st.mu.RLock()
	defer st.mu.RUnlock()
	src := st.sources[name]
	if src == nil {
		return nil, awserr.New("ResourceNotFoundException", msgDeliverySourceNotFound)
	}
	return cloneSource(src), nil
}

func (st *deliveryState) describeSources(in DescribeDeliverySourcesInput) (*DescribeDeliverySourcesOutput, error) {
	limit, err := describeLimit(in.Limit)
	if err != nil {
		return nil, err
	}
	offset, err := offsetToken(in.NextToken, "ds:")
	if err != nil {
		return nil, err
	}
	st.mu.RLock()
	defer st.mu.RUnlock()
	all := make([]DeliverySource, 0, len(st.sources))
	for _, name := range sortedKeys(st.sources) {
		all = append(all, *cloneSource(st.sources[name]))
	}
	out := &DescribeDeliverySourcesOutput{}
	out.DeliverySources, out.NextToken = page(all, offset, limit, "ds:")
	return out, nil
}

func (st *deliveryState) deleteSource(name string) error {
	if err := validateDeliveryName("name", name); err != nil {
		return err
	}
	st.mu.Lock()
	defer st.mu.Unlock()
	if st.sources[name] == nil {
		return awserr.New("ResourceNotFoundException", msgDeliverySourceNotFound)
	}
	for _, d := range st.deliveries {
		if d.DeliverySourceName == name {
			return errConflict("The Delivery Source %s has deliveries (%s); delete them before deleting the Delivery Source.", name, d.ID)
		}
	}
	delete(st.sources, name)
	return nil
}

// destinationType derives the type from the destination resource's ARN, as
// AWS does: an S3 bucket, a CloudWatch Logs log group or a Firehose stream.
func destinationType(service string) DeliveryDestinationType {
	switch service {
	case "s3":
		return DeliveryDestinationS3
	case "logs":
		return DeliveryDestinationCWL
	case "firehose":
		return DeliveryDestinationFH
	case "xray":
		return DeliveryDestinationXRay
	}
	return ""
}

func (st *deliveryState) putDestination(region, account string, in PutDeliveryDestinationInput) (*DeliveryDestination, error) {
	if err := validateDeliveryName("name", in.Name); err != nil {
		return nil, err
	}
	if in.OutputFormat != "" && !slices.Contains(outputFormats, in.OutputFormat) {
		return nil, errDeliveryValidation("outputFormat", in.OutputFormat, "Member must satisfy enum value set: [json, plain, w3c, raw, parquet]")
	}
	if in.DeliveryDestinationType != "" && !slices.Contains(destTypes, in.DeliveryDestinationType) {
		return nil, errDeliveryValidation("deliveryDestinationType", in.DeliveryDestinationType, "Member must satisfy enum value set: [S3, CWL, FH, XRAY]")
	}
	typ := in.DeliveryDestinationType
	var cfg *DeliveryDestinationConfiguration
	if in.DeliveryDestinationConfiguration != nil {
		a := in.DeliveryDestinationConfiguration.DestinationResourceArn
		if a == "" {
			return nil, errDeliveryValidation("deliveryDestinationConfiguration.destinationResourceArn", a, "Member must not be null")
		}
		service, _, _, err := parseResourceARN("destinationResourceArn", a)
		if err != nil {
			return nil, err
		}
		derived := destinationType(service)
		if derived == "" {
			return nil, awserr.New("ValidationException", "The destinationResourceArn %s is not an Amazon S3 bucket, CloudWatch Logs log group or Firehose delivery stream.", a)
		}
		if typ != "" && typ != derived {
			return nil, awserr.New("ValidationException", "deliveryDestinationType %s does not match the destinationResourceArn %s.", typ, a)
		}
		typ = derived
		cfg = &DeliveryDestinationConfiguration{DestinationResourceArn: a}
	} else if typ != DeliveryDestinationXRay {
		return nil, awserr.New("ValidationException", "deliveryDestinationConfiguration is required unless deliveryDestinationType is XRAY.")
	}
	if in.Tags != nil {
		if err := validateTags(in.Tags); err != nil {
			return nil, err
		}
	}
	st.mu.Lock()
	defer st.mu.Unlock()
	old := st.destinations[in.Name]
	d := &deliveryDestination{DeliveryDestination: DeliveryDestination{
		Name:                             in.Name,
		Arn:                              arn.New("logs", region, account, "delivery-destination:"+in.Name),
		DeliveryDestinationType:          typ,
		OutputFormat:                     in.OutputFormat,
		DeliveryDestinationConfiguration: cfg,
		Tags:                             maps.Clone(in.Tags),
	}}
	if old != nil {
		if len(in.Tags) > 0 {
			return nil, errConflict(msgTagsOnUpdate)
		}
		if in.OutputFormat != "" && in.OutputFormat != old.OutputFormat {
			return nil, awserr.New("ValidationException", "Update to existing Delivery Destination with new Output Format is not allowed. Please create a new Delivery Destination instead.")
		}
		if old.DeliveryDestinationType != typ && st.inUse(old.Arn) {
			return nil, errConflict("The Delivery Destination %s has deliveries; its type cannot change from %s to %s.", in.Name, old.DeliveryDestinationType, typ)
		}
		d.OutputFormat = old.OutputFormat
		d.Tags, d.policy = old.Tags, old.policy
	}
	if st.destinations == nil {
		st.destinations = map[string]*deliveryDestination{}
	}
	st.destinations[in.Name] = d
	return cloneDestination(d), nil
}

func (st *deliveryState) inUse(destinationARN string) bool {
	for _, d := range st.deliveries {
		if d.DeliveryDestinationArn == destinationARN {
			return true
		}
	}
	return false
}

func (st *deliveryState) destination(name string) (*deliveryDestination, error) {
	if err := validateDeliveryName("name", name); err != nil {
		return nil, err
	}
	d := st.destinations[name]
	if d == nil {
		return nil, awserr.New("ResourceNotFoundException", msgDeliveryDestinationNotFound)
	}
	return d, nil
}

func (st *deliveryState) getDestination(name string) (*DeliveryDestination, error) {
	st.mu.RLock()
	defer st.mu.RUnlock()
	d, err := st.destination(name)
	if err != nil {
		return nil, err
	}
	return cloneDestination(d), nil
}

func (st *deliveryState) describeDestinations(in DescribeDeliveryDestinationsInput) (*DescribeDeliveryDestinationsOutput, error) {
	limit, err := describeLimit(in.Limit)
	if err != nil {
		return nil, err
	}
	offset, err := offsetToken(in.NextToken, "dd:")
	if err != nil {
		return nil, err
	}
	st.mu.RLock()
	defer st.mu.RUnlock()
	all := make([]DeliveryDestination, 0, len(st.destinations))
	for _, name := range sortedKeys(st.destinations) {
		all = append(all, *cloneDestination(st.destinations[name]))
	}
	out := &DescribeDeliveryDestinationsOutput{}
	out.DeliveryDestinations, out.NextToken = page(all, offset, limit, "dd:")
	return out, nil
}

func (st *deliveryState) deleteDestination(name string) error {
	st.mu.Lock()
	defer st.mu.Unlock()
	d, err := st.destination(name)
	if err != nil {
		return err
	}
	if st.inUse(d.Arn) {
		return errConflict("The Delivery Destination %s has deliveries; delete them before deleting the Delivery Destination.", name)
	}
	delete(st.destinations, name)
	return nil
}

func (st *deliveryState) putPolicy(in PutDeliveryDestinationPolicyInput) (*DeliveryDestinationPolicy, error) {
	switch n := len(in.DeliveryDestinationPolicy); {
	case n == 0:
		return nil, errDeliveryValidation("deliveryDestinationPolicy", in.DeliveryDestinationPolicy, "Member must have length greater than or equal to 1")
	case n > maxDeliveryPolicyBytes:
		return nil, errDeliveryValidation("deliveryDestinationPolicy", "...", "Member must have length less than or equal to 51200")
	}
	if !jsonObject(in.DeliveryDestinationPolicy) {
		return nil, awserr.New("ValidationException", "The deliveryDestinationPolicy is not a valid JSON policy document.")
	}
	st.mu.Lock()
	defer st.mu.Unlock()
	d, err := st.destination(in.DeliveryDestinationName)
	if err != nil {
		return nil, err
	}
	d.policy = in.DeliveryDestinationPolicy
	return &DeliveryDestinationPolicy{DeliveryDestinationPolicy: d.policy}, nil
}

func (st *deliveryState) getPolicy(name string) (*DeliveryDestinationPolicy, error) {
	st.mu.RLock()
	defer st.mu.RUnlock()
	d, err := st.destination(name)
	if err != nil {
		return nil, err
	}
	return &DeliveryDestinationPolicy{DeliveryDestinationPolicy: d.policy}, nil
}

func (st *deliveryState) deletePolicy(name string) error {
	st.mu.Lock()
	defer st.mu.Unlock()
	d, err := st.destination(name)
	if err != nil {
		return err
	}
	d.policy = ""
	return nil
}

func validateDeliveryConfig(fields []string, delim *string, s3 *S3DeliveryConfiguration) error {
	if len(fields) > maxRecordFields {
		return errDeliveryValidation("recordFields", len(fields), "Member must have length less than or equal to 128")
	}
	if delim != nil && len(*delim) > 5 {
		return errDeliveryValidation("fieldDelimiter", *delim, "Member must have length less than or equal to 5")
	}
	if s3 != nil && s3.SuffixPath != "" && len(s3.SuffixPath) > 256 {
		return errDeliveryValidation("s3DeliveryConfiguration.suffixPath", s3.SuffixPath, "Member must have length less than or equal to 256")
	}
	return nil
}

func (st *deliveryState) create(region, account string, idSrc *ids.Source, in CreateDeliveryInput) (*Delivery, error) {
	if err := validateDeliveryName("deliverySourceName", in.DeliverySourceName); err != nil {
		return nil, err
	}
	if in.DeliveryDestinationArn == "" {
		return nil, errDeliveryValidation("deliveryDestinationArn", in.DeliveryDestinationArn, "Member must not be null")
	}
	if _, _, _, err := parseResourceARN("deliveryDestinationArn", in.DeliveryDestinationArn); err != nil {
		return nil, err
	}
	if err := validateDeliveryConfig(in.RecordFields, in.FieldDelimiter, in.S3DeliveryConfiguration); err != nil {
		return nil, err
	}
	if in.Tags != nil {
		if err := validateTags(in.Tags); err != nil {
			return nil, err
		}
	}
	st.mu.Lock()
	defer st.mu.Unlock()
	if st.sources[in.DeliverySourceName] == nil {
		return nil, awserr.New("ResourceNotFoundException", msgDeliverySourceNotFound)
	}
	var dest *deliveryDestination
	for _, d := range st.destinations {
		if d.Arn == in.DeliveryDestinationArn {
			dest = d
		}
	}
	if dest == nil {
		return nil, awserr.New("ResourceNotFoundException", msgDeliveryDestinationNotFound)
	}
	if in.S3DeliveryConfiguration != nil && dest.DeliveryDestinationType != DeliveryDestinationS3 {
		return nil, awserr.New("ValidationException", "s3DeliveryConfiguration is only valid for a delivery to an Amazon S3 delivery destination.")
	}
	for _, d := range st.deliveries {
		if d.DeliverySourceName != in.DeliverySourceName {
			continue
		}
		if d.DeliveryDestinationArn == in.DeliveryDestinationArn {
			return nil, errConflict("The specified Delivery already exists")
		}
		if d.DeliveryDestinationType == dest.DeliveryDestinationType {
			return nil, errConflict("Delivery already exists for this Delivery Source with the same Delivery Destination Type.")
		}
	}
	id := deliveryID(idSrc)
	d := &Delivery{
		ID:                      id,
		Arn:                     arn.New("logs", region, account, "delivery:"+id),
		DeliverySourceName:      in.DeliverySourceName,
		DeliveryDestinationArn:  in.DeliveryDestinationArn,
		DeliveryDestinationType: dest.DeliveryDestinationType,
		RecordFields:            slices.Clone(in.RecordFields),
		Tags:                    maps.Clone(in.Tags),
	}
	if in.FieldDelimiter != nil {
		d.FieldDelimiter = *in.FieldDelimiter
	}
	if dest.DeliveryDestinationType == DeliveryDestinationS3 {
		d.S3DeliveryConfiguration = &S3DeliveryConfiguration{EnableHiveCompatiblePath: new(bool)}
		if c := in.S3DeliveryConfiguration; c != nil {
			d.S3DeliveryConfiguration.SuffixPath = c.SuffixPath
			if c.EnableHiveCompatiblePath != nil {
				*d.S3DeliveryConfiguration.EnableHiveCompatiblePath = *c.EnableHiveCompatiblePath
			}
		}
	}
	if st.deliveries == nil {
		st.deliveries = map[string]*Delivery{}
	}
	st.deliveries[id] = d
	st.order = append(st.order, id)
	return cloneDelivery(d), nil
}

// deliveryID draws a 16-character alphanumeric ID (AWS's DeliveryId pattern
// ^[0-9A-Za-z]+$).
func deliveryID(src *ids.Source) string {
	const alphabet = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
	b := src.Bytes(deliveryIDLength)
	for i := range b {
		b[i] = alphabet[int(b[i])%len(alphabet)]
	}
	return string(b)
}

func (st *deliveryState) get(id string) (*Delivery, error) {
	if err := validateDeliveryID(id); err != nil {
		return nil, err
	}
	st.mu.RLock()
	defer st.mu.RUnlock()
	d := st.deliveries[id]
	if d == nil {
		return nil, awserr.New("ResourceNotFoundException", msgDeliveryNotFound)
	}
	return cloneDelivery(d), nil
}

func (st *deliveryState) describe(in DescribeDeliveriesInput) (*DescribeDeliveriesOutput, error) {
	limit, err := describeLimit(in.Limit)
	if err != nil {
		return nil, err
	}
	offset, err := offsetToken(in.NextToken, "dl:")
	if err != nil {
		return nil, err
	}
	st.mu.RLock()
	defer st.mu.RUnlock()
	all := make([]Delivery, 0, len(st.order))
	for _, id := range st.order {
		all = append(all, *cloneDelivery(st.deliveries[id]))
	}
	out := &DescribeDeliveriesOutput{}
	out.Deliveries, out.NextToken = page(all, offset, limit, "dl:")
	return out, nil
}

func (st *deliveryState) update(in UpdateDeliveryConfigurationInput) error {
	if err := validateDeliveryID(in.ID); err != nil {
		return err
	}
	if err := validateDeliveryConfig(in.RecordFields, in.FieldDelimiter, in.S3DeliveryConfiguration); err != nil {
		return err
	}
	st.mu.Lock()
	defer st.mu.Unlock()
	d := st.deliveries[in.ID]
	if d == nil {
		return awserr.New("ResourceNotFoundException", msgDeliveryNotFound)
	}
	if in.S3DeliveryConfiguration != nil && d.DeliveryDestinationType != DeliveryDestinationS3 {
		return awserr.New("ValidationException", "s3DeliveryConfiguration is only valid for a delivery to an Amazon S3 delivery destination.")
	}
	if in.RecordFields != nil {
		d.RecordFields = slices.Clone(in.RecordFields)
	}
	if in.FieldDelimiter != nil {
		d.FieldDelimiter = *in.FieldDelimiter
	}
	if c := in.S3DeliveryConfiguration; c != nil {
		if c.SuffixPath != "" {
			d.S3DeliveryConfiguration.SuffixPath = c.SuffixPath
		}
		if c.EnableHiveCompatiblePath != nil {
			*d.S3DeliveryConfiguration.EnableHiveCompatiblePath = *c.EnableHiveCompatiblePath
		}
	}
	return nil
}

func (st *deliveryState) deleteDelivery(id string) error {
	if err := validateDeliveryID(id); err != nil {
		return err
	}
	st.mu.Lock()
	defer st.mu.Unlock()
	if st.deliveries[id] == nil {
		return awserr.New("ResourceNotFoundException", msgDeliveryNotFound)
	}
	delete(st.deliveries, id)
	st.order = slices.DeleteFunc(st.order, func(x string) bool { return x == id })
	return nil
}

// jsonObject reports whether s is a JSON object (a policy document).
func jsonObject(s string) bool {
	var m map[string]any
	return json.Unmarshal([]byte(s), &m) == nil
}
