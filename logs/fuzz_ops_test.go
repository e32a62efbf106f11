package logs

import (
	"context"
	"encoding/json"
	"errors"
	"math"
	"reflect"
	"testing"

	"github.com/localwatch/localwatch/internal/awserr"
)

// fuzzValues fills a value of type t from the fuzzer's bytes: strings from a
// set of interesting ones (valid names, bad names, patterns, ARNs, extremes),
// numbers at their edges, short slices and maps.
type fuzzValues struct {
	data []byte
	strs []string
}

func (f *fuzzValues) next() int {
	if len(f.data) == 0 {
		return 0
	}
	b := int(f.data[0])
	f.data = f.data[1:]
	return b
}

var fuzzStrings = []string{
	"", "g", "s", "f", "other", "x:y", "a*b", "aws/x", "ERROR", "[]", "[a, b]", "{ $.a = 1 }", "{ $.arr[*] = 1 }",
	"%a{1,1000}b%", "?ERROR ?WARN x", "1", "1e200", "NaN", "$.latency", "$2", "$b",
	"arn:aws:lambda:us-east-1:123456789012:function:f", "arn:aws:lambda:us-east-1:999999999999:function:f",
	"arn:aws:kinesis:us-east-1:123456789012:stream/s", "arn:aws:logs:us-east-1:123456789012:log-group:g",
	"\x00", "\xff", "ünïcode", "Count", "STANDARD", "LastEventTime", "^/aws|disc",
}

func (f *fuzzValues) fill(v reflect.Value, depth int) {
	switch v.Kind() {
	case reflect.String:
		i := f.next()
		if i < len(fuzzStrings) {
			v.SetString(fuzzStrings[i])
		} else if i < 200 {
			v.SetString(fuzzStrings[i%len(fuzzStrings)] + fuzzStrings[(i/7)%len(fuzzStrings)])
		} else {
			n := f.next() * 8
			b := make([]byte, n)
			for k := range b {
				b[k] = 'a' + byte(k%26)
			}
			v.SetString(string(b))
		}
	case reflect.Bool:
		v.SetBool(f.next()%2 == 1)
	case reflect.Int, reflect.Int32, reflect.Int64:
		edges := []int64{0, 1, -1, 50, 10000, 10001, math.MaxInt32, math.MinInt32, math.MaxInt64, math.MinInt64, t0.UnixMilli()}
		x := edges[f.next()%len(edges)]
		if v.OverflowInt(x) {
			x = 1
		}
		v.SetInt(x)
	case reflect.Float64:
		edges := []float64{0, 1, -1, math.NaN(), math.Inf(1), 1e200, 1e-200}
		v.SetFloat(edges[f.next()%len(edges)])
	case reflect.Pointer:
		if f.next()%3 == 0 || depth > 3 {
			return
		}
		p := reflect.New(v.Type().Elem())
		f.fill(p.Elem(), depth+1)
		v.Set(p)
	case reflect.Slice:
		n := f.next() % 4
		if depth > 3 {
			n = 0
		}
		s := reflect.MakeSlice(v.Type(), n, n)
		for i := range n {
			f.fill(s.Index(i), depth+1)
		}
		v.Set(s)
	case reflect.Map:
		n := f.next() % 3
		m := reflect.MakeMap(v.Type())
		for range n {
			k, e := reflect.New(v.Type().Key()).Elem(), reflect.New(v.Type().Elem()).Elem()
			f.fill(k, depth+1)
			f.fill(e, depth+1)
			m.SetMapIndex(k, e)
		}
		v.Set(m)
	case reflect.Struct:
		for i := range v.NumField() {
			if v.Type().Field(i).IsExported() {
				f.fill(v.Field(i), depth+1)
			}
		}
	}
}

// fingerprint is everything a caller can read back from the service.
func fingerprint(t *testing.T, s *Service) string {
	var out []any
	groups, err := s.DescribeLogGroups(ctx, DescribeLogGroupsInput{})
	if err != nil {
		t.Fatal(err)
	}
	out = append(out, groups)
	for _, g := range groups.LogGroups {
		st, _ := s.DescribeLogStreams(ctx, DescribeLogStreamsInput{LogGroupName: g.LogGroupName})
		mf, _ := s.DescribeMetricFilters(ctx, DescribeMetricFiltersInput{LogGroupName: g.LogGroupName})
		sf, _ := s.DescribeSubscriptionFilters(ctx, DescribeSubscriptionFiltersInput{LogGroupName: g.LogGroupName})
		ev, _ := s.FilterLogEvents(ctx, FilterLogEventsInput{LogGroupName: g.LogGroupName})
		tags, _ := s.ListTagsLogGroup(ctx, ListTagsLogGroupInput{LogGroupName: g.LogGroupName})
		out = append(out, st, mf, sf, ev, tags)
	}
	b, err := json.Marshal(out)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// FuzzEveryOperation calls a fuzzer-chosen operation with a fuzzer-filled
// input (issue 16's reflective mutator): every call answers a typed AWS error
// or succeeds, never panics, and a call that fails changes nothing.
func FuzzEveryOperation(f *testing.F) {
	f.Add([]byte{0, 1, 2, 3, 4, 5, 6, 7, 8, 9})
	f.Add([]byte{5, 1, 1, 1, 0, 0, 3, 9, 9, 9, 9})
	f.Add([]byte{12, 1, 2, 1, 13, 1, 1, 17, 1, 1, 1})
	f.Fuzz(func(t *testing.T, data []byte) {
		e := newEnv(t)
		e.group(t, "g", "s")
		e.put(t, "g", "s", ev(e.now(), "ERROR 1"), ev(e.now(), `{"a": 1}`))
		v := reflect.ValueOf(e.s)
		var ops []reflect.Method
		for i := range v.NumMethod() {
			m := v.Type().Method(i)
			ft := m.Type
			if ft.NumIn() == 3 && ft.In(1) == reflect.TypeFor[context.Context]() && ft.NumOut() == 2 {
				ops = append(ops, m)
			}
		}
		fv := &fuzzValues{data: data}
		for range 3 {
			m := ops[fv.next()%len(ops)]
			in := reflect.New(m.Type.In(2)).Elem()
			fv.fill(in, 0)
			before := fingerprint(t, e.s)
			out := v.Method(m.Index).Call([]reflect.Value{reflect.ValueOf(ctx), in})
			err, _ := out[1].Interface().(error)
			if err == nil {
				continue
			}
			var ae *awserr.Error
			if !errors.As(err, &ae) {
				t.Fatalf("%s answered an untyped error %T: %v", m.Name, err, err)
			}
			if after := fingerprint(t, e.s); after != before {
				t.Fatalf("%s failed (%v) but changed the state", m.Name, err)
			}
		}
	})
}
