package awsapi

import (
	"context"
	"reflect"
	"sync"

	"github.com/localwatch/localwatch"
)

// service is one AWS service as the handler serves it: its model facts and
// the operations localwatch implements, found by reflection: a method of the
// service's Go type named after a model operation, of the form
// func(ctx context.Context, in XInput) (*XOutput, error).
type service struct {
	id          string   // modelgen's key: "cloudwatch", "logs", ...
	signingName string   // SigV4 credential scope service
	namespace   string   // smithy namespace, for CBOR/JSON 1.0 __type
	prefixes    []string // X-Amz-Target prefixes
	protocols   []protocol
	bodyLimit   int64 // request body limit, in bytes, on the wire and decoded
	model       *serviceModel
	ops         map[string]*operation
	modelOps    map[string]bool
	wrapped     map[string]bool // query answers with an <OpResult> element
	errByShape  map[string]*errorShape
	errByCode   map[string]*errorShape
}

type operation struct {
	name string
	recv func(*localwatch.Stack) reflect.Value
	fn   reflect.Value // the method expression: receiver first
	in   reflect.Type  // the Input struct type
	// stream: the method returns an iterator of events (an event stream
	// operation, eventstream.go) rather than *XOutput.
	stream bool
}

type protocol int

const (
	protoJSON protocol = iota
	protoCBOR
	protoQuery
)

const mib = 1 << 20

var (
	ctxType = reflect.TypeFor[context.Context]()
	errType = reflect.TypeFor[error]()
)

// services returns the served services, built once.
var services = sync.OnceValue(func() map[string]*service {
	recv := func(f func(*localwatch.Stack) any) func(*localwatch.Stack) reflect.Value {
		return func(s *localwatch.Stack) reflect.Value { return reflect.ValueOf(f(s)) }
	}
	defs := []struct {
		s     *service
		recvs []func(*localwatch.Stack) reflect.Value
	}{
		{&service{id: "cloudwatch", signingName: "monitoring", namespace: "com.amazonaws.cloudwatch",
			prefixes: []string{"GraniteServiceVersion20100801"}, protocols: []protocol{protoCBOR, protoJSON, protoQuery},
			// "Each PutMetricData request is limited to 1 MB in size for HTTP
			// POST requests" (CloudWatch API Reference, PutMetricData).
			bodyLimit: 1 * mib},
			[]func(*localwatch.Stack) reflect.Value{
				recv(func(s *localwatch.Stack) any { return s.Metrics }),
				recv(func(s *localwatch.Stack) any { return s.Alarms }),
				recv(func(s *localwatch.Stack) any { return s.Dashboards }),
				recv(func(s *localwatch.Stack) any { return s.InsightRules }),
			}},
		{&service{id: "logs", signingName: "logs", namespace: "com.amazonaws.cloudwatchlogs",
			prefixes: []string{"Logs_20140328"}, protocols: []protocol{protoJSON},
			// PutLogEvents: "The maximum batch size is 1,048,576 bytes"
			// (CloudWatch Logs API Reference); JSON framing comes on top.
			bodyLimit: 2 * mib},
			[]func(*localwatch.Stack) reflect.Value{recv(func(s *localwatch.Stack) any { return s.Logs })}},
		{&service{id: "cloudtrail", signingName: "cloudtrail", namespace: "com.amazonaws.cloudtrail.v20131101",
			prefixes: []string{"com.amazonaws.cloudtrail.v20131101.CloudTrail_20131101", "CloudTrail_20131101"}, protocols: []protocol{protoJSON},
			bodyLimit: 1 * mib},
			[]func(*localwatch.Stack) reflect.Value{recv(func(s *localwatch.Stack) any { return s.Trail })}},
		{&service{id: "config", signingName: "config", namespace: "com.amazonaws.configservice",
			prefixes: []string{"StarlingDoveService"}, protocols: []protocol{protoJSON},
			bodyLimit: 1 * mib},
			[]func(*localwatch.Stack) reflect.Value{recv(func(s *localwatch.Stack) any { return s.Config })}},
		{&service{id: "sns", signingName: "sns", namespace: "com.amazonaws.sns",
			protocols: []protocol{protoQuery},
			// A message is at most 256 KiB (262,144 bytes); form encoding
			// can triple its bytes on the wire.
			bodyLimit: 1 * mib},
			[]func(*localwatch.Stack) reflect.Value{recv(func(s *localwatch.Stack) any { return s.SNS })}},
	}
	out := map[string]*service{}
	for _, d := range defs {
		s := d.s
		s.model = serviceModels[s.id]
		s.ops = map[string]*operation{}
		s.modelOps = map[string]bool{}
		for _, op := range s.model.Operations {
			s.modelOps[op] = true
		}
		s.wrapped = map[string]bool{}
		for _, op := range s.model.ResultWrapped {
			s.wrapped[op] = true
		}
		s.errByShape = map[string]*errorShape{}
		s.errByCode = map[string]*errorShape{}
		for i := range s.model.Errors {
			e := &s.model.Errors[i]
			s.errByShape[e.Shape] = e
		}
		for i := range s.model.Errors {
			e := &s.model.Errors[i]
			if _, ok := s.errByCode[e.Code]; !ok {
				s.errByCode[e.Code] = e
			}
			if x, ok := s.errByShape[e.Code]; ok {
				s.errByCode[e.Code] = x // the shape named like the code wins
			}
		}
		for i, rf := range d.recvs {
			// The receiver's type: call rf on a zero Stack to learn it.
			t := rf(&localwatch.Stack{}).Type()
			for m := range t.NumMethod() {
				meth := t.Method(m)
				stream := isStreamOperation(meth.Type)
				if !s.modelOps[meth.Name] || !isOperation(meth.Type) && !stream {
					continue
				}
				if _, dup := s.ops[meth.Name]; dup {
					continue
				}
				s.ops[meth.Name] = &operation{name: meth.Name, recv: d.recvs[i], fn: meth.Func, in: meth.Type.In(2), stream: stream}
			}
		}
		out[s.id] = s
	}
	return out
})

// outType is the type the codecs encode for op: its *XOutput or, for an
// event stream operation, a pointer to its event type.
func (op *operation) outType() reflect.Type {
	t := op.fn.Type().Out(0)
	if op.stream {
		return reflect.PointerTo(t.In(0).In(0))
	}
	return t
}

// isOperation reports whether a method type (receiver first) is
// func(context.Context, XInput) (*XOutput, error).
func isOperation(t reflect.Type) bool {
	return t.NumIn() == 3 && t.In(1) == ctxType && t.In(2).Kind() == reflect.Struct &&
		t.NumOut() == 2 && t.Out(0).Kind() == reflect.Pointer && t.Out(0).Elem().Kind() == reflect.Struct && t.Out(1) == errType
}

// serviceByPrefix returns the service of an X-Amz-Target prefix.
func serviceByPrefix(prefix string) *service {
	for _, s := range services() {
		for _, p := range s.prefixes {
			if p == prefix {
				return s
			}
		}
	}
	return nil
}

// serviceBySigningName returns the service of a SigV4 scope's service name.
func serviceBySigningName(name string) *service {
	for _, s := range services() {
		if s.signingName == name {
			return s
		}
	}
	return nil
}

// queryService returns the awsQuery service of a signing name or, failing
// that, of a Version parameter.
func queryService(signingName, version string) *service {
	if s := serviceBySigningName(signingName); s != nil && s.speaks(protoQuery) {
		return s
	}
	for _, s := range services() {
		if s.model.APIVersion == version && s.speaks(protoQuery) {
			return s
		}
	}
	return nil
}

func (s *service) speaks(p protocol) bool {
	for _, x := range s.protocols {
		if x == p {
			return true
		}
	}
	return false
}
