package awsapi

import (
	"errors"
	"fmt"
	"net/http"
	"strconv"

	"github.com/localwatch/localwatch/internal/awserr"
)

// Errors are written in each protocol's shape, with AWS's HTTP status:
//
//   - awsJson1_1 (Logs, CloudTrail, Config): {"__type":"<Shape>","message":".."};
//   - awsJson1_0 and rpc-v2-cbor (CloudWatch): __type is the smithy shape ID
//     "com.amazonaws.cloudwatch#<Shape>", and because CloudWatch is
//     awsQueryCompatible the x-amzn-query-error header carries the query code
//     and fault ("InvalidParameterValue;Sender"), which the SDKs use as the
//     error code (smithy-go rpcv2.Protocol.deserializeError);
//   - awsQuery (CloudWatch, SNS): <ErrorResponse><Error><Type>Sender</Type>
//     <Code>..</Code><Message>..</Message></Error><RequestId>..</RequestId>
//     </ErrorResponse>.
//
// A service's error code (awserr.Error.Code) is looked up among the model's
// error shapes by shape name and by query code, which gives the shape, the
// query code and the status (unless the error sets its own status).

func serialization(format string, args ...any) error {
	return &decodeError{msg: fmt.Sprintf(format, args...)}
}

func tooLarge(size, limit int64) *awserr.Error {
	return &awserr.Error{Code: "RequestEntityTooLarge", StatusCode: http.StatusRequestEntityTooLarge,
		Message: fmt.Sprintf("Request size %d exceeded %d bytes", size, limit)}
}

func unknownOperation(c *call, what string) error {
	status := 400
	if c.proto == protoCBOR {
		status = 404 // smithy rpc-v2: an operation not found is a 404
	}
	return &wireError{json: &awserr.Error{Code: "UnknownOperationException", Message: fmt.Sprintf("Operation %s is not supported.", what), StatusCode: status},
		query: &awserr.Error{Code: "InvalidAction", Message: fmt.Sprintf("The action %s is not valid for this web service.", c.op)}}
}

// wireError is an error the handler itself raises whose code differs
// between the JSON/CBOR protocols and query (authentication failures,
// unknown operations): json is answered in JSON and CBOR, with query's code
// in CloudWatch's x-amzn-query-error header; query is answered in query.
type wireError struct{ json, query *awserr.Error }

func (e *wireError) Error() string { return e.json.Error() }

// authError returns an authentication failure: jsonCode with status 400 (403
// for an unknown key or a wrong signature) in JSON and CBOR, queryCode with
// queryStatus in query.
func (h *Handler) authError(c *call, jsonCode, queryCode string, queryStatus int, msg string) error {
	status := 400
	if jsonCode == "UnrecognizedClientException" || jsonCode == "InvalidSignatureException" && queryCode == "SignatureDoesNotMatch" {
		status = 403
	}
	return &wireError{json: &awserr.Error{Code: jsonCode, Message: msg, StatusCode: status},
		query: &awserr.Error{Code: queryCode, Message: msg, StatusCode: queryStatus}}
}

func authFailure(c *call, err error) error {
	var ae *authError
	errors.As(err, &ae)
	if ae != nil && ae.missing {
		return &wireError{json: &awserr.Error{Code: "MissingAuthenticationTokenException", Message: "Missing Authentication Token", StatusCode: 403},
			query: &awserr.Error{Code: "MissingAuthenticationToken", Message: "Request is missing Authentication Token", StatusCode: 403}}
	}
	return &wireError{json: &awserr.Error{Code: "IncompleteSignatureException", Message: err.Error(), StatusCode: 400},
		query: &awserr.Error{Code: "IncompleteSignature", Message: err.Error(), StatusCode: 400}}
}

// writeError answers err in c's protocol and returns the status.
func (h *Handler) writeError(w http.ResponseWriter, c *call, err error) int {
	var ae *awserr.Error
	var de *decodeError
	var we *wireError
	queryOverride := ""
	switch {
	case errors.As(err, &we):
		ae = we.json
		if c.proto == protoQuery {
			ae = we.query
		}
		queryOverride = we.query.Code
	case errors.As(err, &de):
		ae = &awserr.Error{Code: "SerializationException", Message: de.Error()}
		if c.proto == protoQuery {
			ae.Code = "InvalidParameterValue"
			if c.svc != nil && c.svc.id == "sns" {
				ae.Code = "InvalidParameter"
			}
		}
	case errors.As(err, &ae):
	default:
		ae = &awserr.Error{Code: "InternalFailure", Message: err.Error(), StatusCode: 500}
	}
	typ, queryCode, status, msgMember := ae.Code, ae.Code, ae.StatusCode, "message"
	if c.svc != nil {
		shape := c.svc.errByShape[ae.Code]
		if shape == nil {
			shape = c.svc.errByCode[ae.Code]
		}
		if shape != nil {
			typ, queryCode, msgMember = shape.Shape, shape.Code, shape.MessageMember
			if status == 0 {
				status = shape.Status
			}
		}
	}
	if status == 0 {
		status = 400
	}
	if queryOverride != "" {
		queryCode = queryOverride
	}
	fault := "Sender"
	if status >= 500 {
		fault = "Receiver"
	}
	queryCompatible := c.svc != nil && c.svc.speaks(protoQuery)
	switch c.proto {
	case protoJSON, protoCBOR:
		if c.svc != nil && c.svc.model.JSONVersion == "1.0" {
			typ = c.svc.namespace + "#" + typ
		}
		if queryCompatible {
			w.Header().Set("x-amzn-query-error", queryCode+";"+fault)
		}
		var b []byte
		if c.proto == protoCBOR {
			n := 2
			if msgMember != "message" {
				n++
			}
			b = appendCBORHead(b, cborMap, uint64(n))
			b = appendCBORString(appendCBORString(b, "__type"), typ)
			b = appendCBORString(appendCBORString(b, "message"), ae.Message)
			if msgMember != "message" {
				b = appendCBORString(appendCBORString(b, msgMember), ae.Message)
			}
			w.Header().Set("Smithy-Protocol", "rpc-v2-cbor")
			w.Header().Set("Content-Type", "application/cbor")
		} else {
			b = append(b, `{"__type":`...)
			b = appendJSONString(b, typ)
			b = append(b, `,"message":`...)
			b = appendJSONString(b, ae.Message)
			if msgMember != "message" {
				b = append(append(append(b, ','), strconv.Quote(msgMember)...), ':')
				b = appendJSONString(b, ae.Message)
			}
			b = append(b, '}')
			v := "1.1"
			if c.svc != nil {
				v = c.svc.model.JSONVersion
			}
			w.Header().Set("Content-Type", "application/x-amz-json-"+v)
		}
		w.WriteHeader(status)
		_, _ = w.Write(b)
	default:
		b := []byte(`<ErrorResponse`)
		if c.svc != nil {
			b = append(append(append(b, ` xmlns="`...), c.svc.model.XMLNamespace...), '"')
		}
		b = append(b, "><Error><Type>"...)
		b = append(b, fault...)
		b = append(b, "</Type><Code>"...)
		b = appendXMLText(b, queryCode)
		b = append(b, "</Code><Message>"...)
		b = appendXMLText(b, ae.Message)
		b = append(b, "</Message></Error><RequestId>"...)
		b = append(b, c.reqID...)
		b = append(b, "</RequestId></ErrorResponse>"...)
		w.Header().Set("Content-Type", "text/xml")
		w.WriteHeader(status)
		_, _ = w.Write(b)
	}
	return status
}
