package config

import "reflect"

// params returns an operation's requestParameters as CloudTrail shows them:
// only the parameters the caller sent. Absent optional parameters (zero
// values: "", 0, false, nil, empty lists) are left out, and a request with
// none is null, as in AWS's DescribeConfigurationRecorders record.
func params(m map[string]any) any {
	for k, v := range m {
		if absent(v) {
			delete(m, k)
		}
	}
	if len(m) == 0 {
		return nil
	}
	return m
}

func absent(v any) bool {
	if v == nil {
		return true
	}
	rv := reflect.ValueOf(v)
	switch rv.Kind() {
	case reflect.Slice, reflect.Map:
		return rv.Len() == 0
	}
	return rv.IsZero()
}
