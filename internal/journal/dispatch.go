package journal

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"sync"
)

// Replayer is implemented by a service that has private operations (ones
// that are not exported methods, such as SNS's "localwatch:DeliveryResult"):
// ReplayOp re-invokes the operation called name, with decode filling its
// Input, and reports whether it knows the name.
type Replayer interface {
	ReplayOp(ctx context.Context, name string, decode func(in any) error) (known bool, err error)
}

var ctxType = reflect.TypeFor[context.Context]()

// CheckMethod reports why a call of operation name with Input in on svc
// could not be replayed by [MethodDispatch], or nil if it could: svc must
// have an exported method of that name taking (context.Context, the type of
// in), or be a [Replayer] (which is trusted to know its private operations).
func CheckMethod(svc any, name string, in any) error {
	if svc == nil {
		return errors.New("no such service")
	}
	m, ok := reflect.TypeOf(svc).MethodByName(name)
	if !ok || !replayable(m.Type) {
		if _, isR := svc.(Replayer); isR {
			return nil
		}
		return fmt.Errorf("%T has no method %s(context.Context, Input)", svc, name)
	}
	if want := reflect.TypeOf(in); m.Type.In(2) != want {
		return fmt.Errorf("%T.%s takes %s, but op.Do was given a %v: pass the method's Input unchanged", svc, name, m.Type.In(2), want)
	}
	return nil
}

// MethodDispatch returns a Dispatch that re-invokes each call as the
// exported method of its name on the service lookup returns for the call's
// service and Region (nil: unknown), decoding the Input into the method's
// second parameter: methods of the shape
//
//	func (s *Service) Name(ctx context.Context, in NameInput) (Out, error)
//
// (the Input the method hands op.Do must be its parameter, unchanged). Names
// that are not such a method go to the service's [Replayer], if it has one.
func MethodDispatch(lookup func(service, region string) any) Dispatch {
	type key struct {
		typ  reflect.Type
		name string
	}
	var (
		mu      sync.Mutex
		methods = map[key]reflect.Method{}
	)
	return func(ctx context.Context, c Call) error {
		svc := lookup(c.Service, c.Region)
		if svc == nil {
			return fmt.Errorf("no %s service in Region %q", c.Service, c.Region)
		}
		v := reflect.ValueOf(svc)
		k := key{v.Type(), c.Name}
		mu.Lock()
		m, ok := methods[k]
		if !ok {
			m, ok = v.Type().MethodByName(c.Name)
			if ok && !replayable(m.Type) {
				ok = false
			}
			if ok {
				methods[k] = m
			}
		}
		mu.Unlock()
		if !ok {
			if r, isR := svc.(Replayer); isR {
				known, err := r.ReplayOp(ctx, c.Name, func(in any) error {
					if err := Decode(c.Input, in); err != nil {
						return &decodeError{fmt.Errorf("decoding the input of %s: %w", c.Name, err)}
					}
					return nil
				})
				if !known {
					return fmt.Errorf("%T has no operation %s", svc, c.Name)
				}
				var de *decodeError
				if errors.As(err, &de) {
					return err
				}
				return nil
			}
			return fmt.Errorf("%T has no method %s(context.Context, Input)", svc, c.Name)
		}
		if c.LearnType != nil {
			c.LearnType(m.Type.In(2))
		}
		in := c.Decoded
		if !in.IsValid() || in.Type().Elem() != m.Type.In(2) {
			in = reflect.New(m.Type.In(2))
			if err := Decode(c.Input, in.Interface()); err != nil {
				return &decodeError{fmt.Errorf("decoding the input of %s as %s: %w", c.Name, m.Type.In(2), err)}
			}
		}
		m.Func.Call([]reflect.Value{v, reflect.ValueOf(ctx), in.Elem()})
		return nil
	}
}

// decodeError is an Input that does not decode.
type decodeError struct{ err error }

func (e *decodeError) Error() string { return e.err.Error() }
func (e *decodeError) Unwrap() error { return e.err }

// replayable reports whether a method type (receiver first) is
// func(recv, context.Context, In) (..., error).
func replayable(t reflect.Type) bool {
	return t.NumIn() == 3 && t.In(1) == ctxType && !t.IsVariadic()
}
