package logs

// DestinationDescription describes a CloudWatch Logs destination (AWS's
// Destination shape): the named endpoint in a receiving account that other
// accounts' subscription filters deliver to, forwarding to TargetArn.
type DestinationDescription struct {
	DestinationName string `json:"destinationName"`
	TargetArn       string `json:"targetArn"`
	RoleArn         string `json:"roleArn"`
	AccessPolicy    string `json:"accessPolicy,omitempty"`
	Arn             string `json:"arn"`
	CreationTime    int64  `json:"creationTime"`
}

// PutDestinationInput is the input of PutDestination.
type PutDestinationInput struct {
	DestinationName string            `json:"destinationName"`
	TargetArn       string            `json:"targetArn"`
	RoleArn         string            `json:"roleArn"`
	Tags            map[string]string `json:"tags,omitempty"`
}

// PutDestinationOutput is the output of PutDestination.
type PutDestinationOutput struct {
	Destination *DestinationDescription `json:"destination,omitempty"`
}

// PutDestinationPolicyInput is the input of PutDestinationPolicy.
type PutDestinationPolicyInput struct {
	DestinationName string `json:"destinationName"`
	AccessPolicy    string `json:"accessPolicy"`
	ForceUpdate     *bool  `json:"forceUpdate,omitempty"`
}

// PutDestinationPolicyOutput is the (empty) output of PutDestinationPolicy.
type PutDestinationPolicyOutput struct{}

// DescribeDestinationsInput is the input of DescribeDestinations.
type DescribeDestinationsInput struct {
	DestinationNamePrefix string `json:"DestinationNamePrefix,omitempty"`
	NextToken             string `json:"nextToken,omitempty"`
	Limit                 *int32 `json:"limit,omitempty"`
}

// DescribeDestinationsOutput is the output of DescribeDestinations.
type DescribeDestinationsOutput struct {
	Destinations []DestinationDescription `json:"destinations"`
	NextToken    string                   `json:"nextToken,omitempty"`
}

// DeleteDestinationInput is the input of DeleteDestination.
type DeleteDestinationInput struct {
	DestinationName string `json:"destinationName"`
}

// DeleteDestinationOutput is the (empty) output of DeleteDestination.
type DeleteDestinationOutput struct{}
