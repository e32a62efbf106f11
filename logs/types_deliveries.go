package logs

// The types of CloudWatch Logs' log delivery API (PutDeliverySource,
// PutDeliveryDestination, CreateDelivery and their Get, Describe, Delete and
// policy operations), with AWS's member names.

// DeliverySource is a logical object for the AWS resource that sends logs
// (AWS's DeliverySource shape).
type DeliverySource struct {
	Name                        string            `json:"name"`
	Arn                         string            `json:"arn"`
	ResourceArns                []string          `json:"resourceArns,omitempty"`
	Service                     string            `json:"service,omitempty"`
	LogType                     string            `json:"logType,omitempty"`
	Tags                        map[string]string `json:"tags,omitempty"`
	DeliverySourceConfiguration map[string]string `json:"deliverySourceConfiguration,omitempty"`
}

// DeliveryDestinationType is where a delivery destination sends logs: S3,
// CWL (CloudWatch Logs), FH (Firehose) or XRAY (traces).
type DeliveryDestinationType string

// The delivery destination types.
const (
	DeliveryDestinationS3   DeliveryDestinationType = "S3"
	DeliveryDestinationCWL  DeliveryDestinationType = "CWL"
	DeliveryDestinationFH   DeliveryDestinationType = "FH"
	DeliveryDestinationXRay DeliveryDestinationType = "XRAY"
)

// DeliveryDestinationConfiguration names the resource a delivery destination
// represents.
type DeliveryDestinationConfiguration struct {
	DestinationResourceArn string `json:"destinationResourceArn"`
}

// DeliveryDestination is a logical object for where logs are delivered
// (AWS's DeliveryDestination shape).
type DeliveryDestination struct {
	Name                             string                            `json:"name"`
	Arn                              string                            `json:"arn"`
	DeliveryDestinationType          DeliveryDestinationType           `json:"deliveryDestinationType,omitempty"`
	OutputFormat                     string                            `json:"outputFormat,omitempty"`
	DeliveryDestinationConfiguration *DeliveryDestinationConfiguration `json:"deliveryDestinationConfiguration,omitempty"`
	Tags                             map[string]string                 `json:"tags,omitempty"`
}

// S3DeliveryConfiguration holds the parameters of a delivery to an S3
// bucket.
type S3DeliveryConfiguration struct {
	SuffixPath               string `json:"suffixPath,omitempty"`
	EnableHiveCompatiblePath *bool  `json:"enableHiveCompatiblePath,omitempty"`
}

// Delivery connects one delivery source to one delivery destination (AWS's
// Delivery shape).
type Delivery struct {
	ID                      string                   `json:"id"`
	Arn                     string                   `json:"arn"`
	DeliverySourceName      string                   `json:"deliverySourceName"`
	DeliveryDestinationArn  string                   `json:"deliveryDestinationArn"`
	DeliveryDestinationType DeliveryDestinationType  `json:"deliveryDestinationType"`
	RecordFields            []string                 `json:"recordFields,omitempty"`
	FieldDelimiter          string                   `json:"fieldDelimiter,omitempty"`
	S3DeliveryConfiguration *S3DeliveryConfiguration `json:"s3DeliveryConfiguration,omitempty"`
	Tags                    map[string]string        `json:"tags,omitempty"`
}

// DeliveryDestinationPolicy is the IAM policy of a delivery destination
// (AWS's Policy shape).
type DeliveryDestinationPolicy struct {
	DeliveryDestinationPolicy string `json:"deliveryDestinationPolicy,omitempty"`
}

// PutDeliverySourceInput is the input of PutDeliverySource.
type PutDeliverySourceInput struct {
	Name                        string            `json:"name"`
	ResourceArn                 string            `json:"resourceArn"`
	LogType                     string            `json:"logType"`
	Tags                        map[string]string `json:"tags,omitempty"`
	DeliverySourceConfiguration map[string]string `json:"deliverySourceConfiguration,omitempty"`
}

// PutDeliverySourceOutput is the output of PutDeliverySource.
type PutDeliverySourceOutput struct {
	DeliverySource *DeliverySource `json:"deliverySource,omitempty"`
}

// GetDeliverySourceInput is the input of GetDeliverySource.
type GetDeliverySourceInput struct {
	Name string `json:"name"`
}

// GetDeliverySourceOutput is the output of GetDeliverySource.
type GetDeliverySourceOutput struct {
	DeliverySource *DeliverySource `json:"deliverySource,omitempty"`
}

// DescribeDeliverySourcesInput is the input of DescribeDeliverySources.
type DescribeDeliverySourcesInput struct {
	NextToken string `json:"nextToken,omitempty"`
	Limit     *int32 `json:"limit,omitempty"`
}

// DescribeDeliverySourcesOutput is the output of DescribeDeliverySources.
type DescribeDeliverySourcesOutput struct {
	DeliverySources []DeliverySource `json:"deliverySources"`
	NextToken       string           `json:"nextToken,omitempty"`
}

// DeleteDeliverySourceInput is the input of DeleteDeliverySource.
type DeleteDeliverySourceInput struct {
	Name string `json:"name"`
}

// DeleteDeliverySourceOutput is the (empty) output of DeleteDeliverySource.
type DeleteDeliverySourceOutput struct{}

// PutDeliveryDestinationInput is the input of PutDeliveryDestination.
type PutDeliveryDestinationInput struct {
	Name                             string                            `json:"name"`
	OutputFormat                     string                            `json:"outputFormat,omitempty"`
	DeliveryDestinationConfiguration *DeliveryDestinationConfiguration `json:"deliveryDestinationConfiguration,omitempty"`
	DeliveryDestinationType          DeliveryDestinationType           `json:"deliveryDestinationType,omitempty"`
	Tags                             map[string]string                 `json:"tags,omitempty"`
}

// PutDeliveryDestinationOutput is the output of PutDeliveryDestination.
type PutDeliveryDestinationOutput struct {
	DeliveryDestination *DeliveryDestination `json:"deliveryDestination,omitempty"`
}

// GetDeliveryDestinationInput is the input of GetDeliveryDestination.
type GetDeliveryDestinationInput struct {
	Name string `json:"name"`
}

// GetDeliveryDestinationOutput is the output of GetDeliveryDestination.
type GetDeliveryDestinationOutput struct {
	DeliveryDestination *DeliveryDestination `json:"deliveryDestination,omitempty"`
}

// DescribeDeliveryDestinationsInput is the input of DescribeDeliveryDestinations.
type DescribeDeliveryDestinationsInput struct {
	NextToken string `json:"nextToken,omitempty"`
	Limit     *int32 `json:"limit,omitempty"`
}

// DescribeDeliveryDestinationsOutput is the output of DescribeDeliveryDestinations.
type DescribeDeliveryDestinationsOutput struct {
	DeliveryDestinations []DeliveryDestination `json:"deliveryDestinations"`
	NextToken            string                `json:"nextToken,omitempty"`
}

// DeleteDeliveryDestinationInput is the input of DeleteDeliveryDestination.
type DeleteDeliveryDestinationInput struct {
	Name string `json:"name"`
}

// DeleteDeliveryDestinationOutput is the (empty) output of DeleteDeliveryDestination.
type DeleteDeliveryDestinationOutput struct{}

// PutDeliveryDestinationPolicyInput is the input of PutDeliveryDestinationPolicy.
type PutDeliveryDestinationPolicyInput struct {
	DeliveryDestinationName   string `json:"deliveryDestinationName"`
	DeliveryDestinationPolicy string `json:"deliveryDestinationPolicy"`
}

// PutDeliveryDestinationPolicyOutput is the output of PutDeliveryDestinationPolicy.
type PutDeliveryDestinationPolicyOutput struct {
	Policy *DeliveryDestinationPolicy `json:"policy,omitempty"`
}

// GetDeliveryDestinationPolicyInput is the input of GetDeliveryDestinationPolicy.
type GetDeliveryDestinationPolicyInput struct {
	DeliveryDestinationName string `json:"deliveryDestinationName"`
}

// GetDeliveryDestinationPolicyOutput is the output of GetDeliveryDestinationPolicy.
type GetDeliveryDestinationPolicyOutput struct {
	Policy *DeliveryDestinationPolicy `json:"policy,omitempty"`
}

// DeleteDeliveryDestinationPolicyInput is the input of DeleteDeliveryDestinationPolicy.
type DeleteDeliveryDestinationPolicyInput struct {
	DeliveryDestinationName string `json:"deliveryDestinationName"`
}

// DeleteDeliveryDestinationPolicyOutput is the (empty) output of DeleteDeliveryDestinationPolicy.
type DeleteDeliveryDestinationPolicyOutput struct{}

// CreateDeliveryInput is the input of CreateDelivery.
type CreateDeliveryInput struct {
	DeliverySourceName      string                   `json:"deliverySourceName"`
	DeliveryDestinationArn  string                   `json:"deliveryDestinationArn"`
	RecordFields            []string                 `json:"recordFields,omitempty"`
	FieldDelimiter          *string                  `json:"fieldDelimiter,omitempty"`
	S3DeliveryConfiguration *S3DeliveryConfiguration `json:"s3DeliveryConfiguration,omitempty"`
	Tags                    map[string]string        `json:"tags,omitempty"`
}

// CreateDeliveryOutput is the output of CreateDelivery.
type CreateDeliveryOutput struct {
	Delivery *Delivery `json:"delivery,omitempty"`
}

// GetDeliveryInput is the input of GetDelivery.
type GetDeliveryInput struct {
	ID string `json:"id"`
}

// GetDeliveryOutput is the output of GetDelivery.
type GetDeliveryOutput struct {
	Delivery *Delivery `json:"delivery,omitempty"`
}

// DescribeDeliveriesInput is the input of DescribeDeliveries.
type DescribeDeliveriesInput struct {
	NextToken string `json:"nextToken,omitempty"`
	Limit     *int32 `json:"limit,omitempty"`
}

// DescribeDeliveriesOutput is the output of DescribeDeliveries.
type DescribeDeliveriesOutput struct {
	Deliveries []Delivery `json:"deliveries"`
	NextToken  string     `json:"nextToken,omitempty"`
}

// UpdateDeliveryConfigurationInput is the input of UpdateDeliveryConfiguration.
type UpdateDeliveryConfigurationInput struct {
	ID                      string                   `json:"id"`
	RecordFields            []string                 `json:"recordFields,omitempty"`
	FieldDelimiter          *string                  `json:"fieldDelimiter,omitempty"`
	S3DeliveryConfiguration *S3DeliveryConfiguration `json:"s3DeliveryConfiguration,omitempty"`
}

// UpdateDeliveryConfigurationOutput is the (empty) output of UpdateDeliveryConfiguration.
type UpdateDeliveryConfigurationOutput struct{}

// DeleteDeliveryInput is the input of DeleteDelivery.
type DeleteDeliveryInput struct {
	ID string `json:"id"`
}

// DeleteDeliveryOutput is the (empty) output of DeleteDelivery.
type DeleteDeliveryOutput struct{}
