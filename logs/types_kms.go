package logs

// AssociateKmsKeyInput is the input of AssociateKmsKey: a log group
// (LogGroupName, or its ARN as ResourceIdentifier) or the account's query
// results (ResourceIdentifier arn:aws:logs:REGION:ACCOUNT:query-result:*).
type AssociateKmsKeyInput struct {
	LogGroupName       string `json:"logGroupName,omitempty"`
	KmsKeyID           string `json:"kmsKeyId"`
	ResourceIdentifier string `json:"resourceIdentifier,omitempty"`
}

// AssociateKmsKeyOutput is the (empty) output of AssociateKmsKey.
type AssociateKmsKeyOutput struct{}

// DisassociateKmsKeyInput is the input of DisassociateKmsKey.
type DisassociateKmsKeyInput struct {
	LogGroupName       string `json:"logGroupName,omitempty"`
	ResourceIdentifier string `json:"resourceIdentifier,omitempty"`
}

// DisassociateKmsKeyOutput is the (empty) output of DisassociateKmsKey.
type DisassociateKmsKeyOutput struct{}
