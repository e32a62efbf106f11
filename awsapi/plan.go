package awsapi

import (
	"reflect"
	"strings"
	"sync"
	"time"
)

// The services' Input and Output types carry AWS's member names: a field's
// wire name is its json tag's name, or the Go field name when the tag has
// none (modelgen checks every implemented operation against AWS's models).
// A structPlan is what the codecs need of a struct type, computed once per
// type and cached: walking reflect.StructField on every request would cost
// more than the encoding itself.

var (
	timeType  = reflect.TypeFor[time.Time]()
	bytesType = reflect.TypeFor[[]byte]()
)

type fieldPlan struct {
	name      string // wire name
	index     []int  // path through embedded structs
	omitEmpty bool   // json's omitempty
	omitZero  bool   // json's omitzero
	typ       reflect.Type
}

type structPlan struct {
	fields []fieldPlan
	byName map[string]int // wire name and its lower case -> index in fields
}

var plans sync.Map // reflect.Type -> *structPlan

// lookup finds the field of wire name key (or, failing that, of its lower
// case): a scan for the small structs AWS shapes are, which beats hashing.
func (p *structPlan) lookup(key []byte) (int, bool) {
	if len(p.fields) <= 16 {
		for i := range p.fields {
			if p.fields[i].name == string(key) {
				return i, true
			}
		}
	} else if i, ok := p.byName[string(key)]; ok {
		return i, true
	}
	i, ok := p.byName[strings.ToLower(string(key))]
	return i, ok
}

func planFor(t reflect.Type) *structPlan {
	if p, ok := plans.Load(t); ok {
		return p.(*structPlan)
	}
	p := &structPlan{byName: map[string]int{}}
	collectFields(t, nil, p)
	for i, f := range p.fields {
		p.byName[f.name] = i
	}
	for i, f := range p.fields {
		if _, ok := p.byName[strings.ToLower(f.name)]; !ok {
			p.byName[strings.ToLower(f.name)] = i
		}
	}
	actual, _ := plans.LoadOrStore(t, p)
	return actual.(*structPlan)
}

func collectFields(t reflect.Type, index []int, p *structPlan) {
	for i := range t.NumField() {
		f := t.Field(i)
		idx := append(append([]int(nil), index...), i)
		tag := f.Tag.Get("json")
		if tag == "-" {
			continue
		}
		name, opts, _ := strings.Cut(tag, ",")
		if f.Anonymous && name == "" {
			ft := f.Type
			if ft.Kind() == reflect.Pointer {
				ft = ft.Elem()
			}
			if ft.Kind() == reflect.Struct {
				collectFields(ft, idx, p)
				continue
			}
		}
		if !f.IsExported() {
			continue
		}
		if name == "" {
			name = f.Name
		}
		p.fields = append(p.fields, fieldPlan{name: name, index: idx, omitEmpty: strings.Contains(opts, "omitempty"), omitZero: strings.Contains(opts, "omitzero"), typ: f.Type})
	}
}

// field returns the value of f in struct v, or an invalid Value when an
// embedded pointer on the way is nil.
func (f *fieldPlan) get(v reflect.Value) reflect.Value {
	if len(f.index) == 1 {
		return v.Field(f.index[0])
	}
	for i, x := range f.index {
		if i > 0 && v.Kind() == reflect.Pointer {
			if v.IsNil() {
				return reflect.Value{}
			}
			v = v.Elem()
		}
		v = v.Field(x)
	}
	return v
}

// set returns the settable field f of struct v, allocating embedded pointers.
func (f *fieldPlan) set(v reflect.Value) reflect.Value {
	if len(f.index) == 1 {
		return v.Field(f.index[0])
	}
	for i, x := range f.index {
		if i > 0 && v.Kind() == reflect.Pointer {
			if v.IsNil() {
				v.Set(reflect.New(v.Type().Elem()))
			}
			v = v.Elem()
		}
		v = v.Field(x)
	}
	return v
}

// skip reports whether the output encoders leave field value v out: nil
// pointers and zero times always (AWS omits absent members), and empty
// values of omitempty fields. A non-omitempty nil list or map is written as
// an empty one: AWS answers [] for a list it has, even with no entries.
func (f *fieldPlan) skip(v reflect.Value) bool {
	if !v.IsValid() {
		return true
	}
	if f.omitZero && v.IsZero() {
		return true
	}
	switch v.Kind() {
	case reflect.Pointer, reflect.Interface:
		return v.IsNil()
	case reflect.Struct:
		if v.Type() == timeType {
			return timeOf(v).IsZero()
		}
		return false
	case reflect.Slice, reflect.Map:
		return f.omitEmpty && v.Len() == 0
	case reflect.String:
		return f.omitEmpty && v.Len() == 0
	case reflect.Bool:
		return f.omitEmpty && !v.Bool()
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return f.omitEmpty && v.Int() == 0
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return f.omitEmpty && v.Uint() == 0
	case reflect.Float32, reflect.Float64:
		return f.omitEmpty && v.Float() == 0
	}
	return false
}

// timeOf returns the time.Time in v, without boxing it when v is
// addressable (a field of an Output, which the encoders reach through its
// pointer).
func timeOf(v reflect.Value) time.Time {
	if v.CanAddr() {
		return *v.Addr().Interface().(*time.Time)
	}
	return v.Interface().(time.Time)
}

// floatsOf returns v's []float64 when v is one (the Values of
// GetMetricData's results), without boxing the slice header when v is
// addressable.
func floatsOf(v reflect.Value) ([]float64, bool) {
	if v.Type() != float64sType {
		return nil, false
	}
	if v.CanAddr() {
		return *v.Addr().Interface().(*[]float64), true
	}
	return v.Interface().([]float64), true
}

// timesOf is floatsOf for []time.Time (the Timestamps).
func timesOf(v reflect.Value) ([]time.Time, bool) {
	if v.Type() != timesType {
		return nil, false
	}
	if v.CanAddr() {
		return *v.Addr().Interface().(*[]time.Time), true
	}
	return v.Interface().([]time.Time), true
}

var (
	float64sType = reflect.TypeFor[[]float64]()
	timesType    = reflect.TypeFor[[]time.Time]()
)
