package awsapi

//go:generate go run ./internal/modelgen -o model_gen.go

// serviceModel is what awsapi takes from one AWS service model.
type serviceModel struct {
	APIVersion, Protocol, TargetPrefix, JSONVersion, XMLNamespace string

	Operations []string // every operation the model defines
	// ResultWrapped are the operations whose awsQuery answer wraps the
	// output in <OpResult>, even an empty one (their output shape has a
	// resultWrapper); the others answer no Result element.
	ResultWrapped []string
	Errors        []errorShape // every error shape
}

// errorShape is one error shape of a model.
type errorShape struct {
	Shape         string // shape name: JSON/CBOR __type and the SDKs' typed error
	Code          string // query error code (the awsQueryError code, or Shape)
	Status        int    // HTTP status
	Sender        bool   // sender (client) fault
	MessageMember string // "message" or "Message"
}
