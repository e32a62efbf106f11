package trail

import (
	"encoding/json"
	"fmt"
	"math"
)

// checkEncodable reports why v cannot be written into a record's JSON (NaN or
// ±Inf numbers, channels, functions, cycles, a failing MarshalJSON), or nil.
// The values API calls carry (maps of strings, numbers, booleans, slices) are
// walked without encoding; anything else is encoded once to find out.
func checkEncodable(v any) error {
	switch v := v.(type) {
	case nil, string, bool, int, int8, int16, int32, int64, uint, uint8, uint16, uint32, uint64, json.Number, json.RawMessage:
		if raw, ok := v.(json.RawMessage); ok && !json.Valid(raw) {
			return fmt.Errorf("json: invalid raw JSON %.40q", raw)
		}
		return nil
	case float64:
		return checkFloat(v)
	case float32:
		return checkFloat(float64(v))
	case []string, map[string]string:
		return nil
	case map[string]any:
		for _, e := range v {
			switch e.(type) {
			case string, bool, nil:
				continue // the common case, without a call
			}
			if err := checkEncodable(e); err != nil {
				return err
			}
		}
		return nil
	case []any:
		for _, e := range v {
			if err := checkEncodable(e); err != nil {
				return err
			}
		}
		return nil
	case []map[string]any:
		for _, e := range v {
			if err := checkEncodable(e); err != nil {
				return err
			}
		}
		return nil
	}
	_, err := json.Marshal(v)
	return err
}

func checkFloat(f float64) error {
	if math.IsNaN(f) || math.IsInf(f, 0) {
		return fmt.Errorf("json: unsupported value: %v", f)
	}
	return nil
}
