package alarms

import (
	"encoding/json"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/localwatch/localwatch/internal/pagetoken"
)

// HistoryRetention is how long alarm history is kept (AWS: two weeks).
const HistoryRetention = 14 * 24 * time.Hour

// addHistoryLocked appends an item and drops items older than the retention.
func (s *Service) addHistoryLocked(it AlarmHistoryItem) {
	s.histSeq++
	s.history = append(s.history, histEntry{seq: s.histSeq, item: it})
	cut := s.op.Clock.Now().Add(-HistoryRetention)
	drop := 0
	for drop < len(s.history) && s.history[drop].item.Timestamp.Before(cut) {
		drop++
	}
	if drop > 0 {
		s.history = append(s.history[:0], s.history[drop:]...)
	}
}

// configurationHistoryData is the HistoryData of a ConfigurationUpdate item:
// {"type":"Create","version":"1.0","createdAlarm":{...}} and its Update and
// Delete forms, with the alarm's fields in camelCase as AWS writes them.
func configurationHistoryData(kind string, alarmJSON any, original any) string {
	m := map[string]any{"type": kind, "version": "1.0"}
	switch kind {
	case "Create":
		m["createdAlarm"] = camel(alarmJSON)
	case "Update":
		m["updatedAlarm"] = camel(alarmJSON)
		if original != nil {
			m["originalUpdatedFields"] = camel(original)
		}
	case "Delete":
		m["deletedAlarm"] = camel(alarmJSON)
	}
	return string(marshal(m))
}

// camel turns v into JSON-shaped data whose object keys start in lower case,
// as CloudTrail request parameters and alarm history data are written.
func camel(v any) any {
	b, err := json.Marshal(v)
	if err != nil {
		return nil
	}
	var x any
	if json.Unmarshal(b, &x) != nil {
		return nil
	}
	return lowerKeys(x)
}

func lowerKeys(x any) any {
	switch t := x.(type) {
	case map[string]any:
		out := make(map[string]any, len(t))
		for k, v := range t {
			out[lowerFirst(k)] = lowerKeys(v)
		}
		return out
	case []any:
		for i := range t {
			t[i] = lowerKeys(t[i])
		}
		return t
	}
	return x
}

func lowerFirst(k string) string {
	if k == "" {
		return k
	}
	// Keep acronyms readable the way AWS does: "OKActions" -> "oKActions" is
	// wrong; AWS writes "oKActions" in history but "okActions" in CloudTrail.
	if strings.HasPrefix(k, "OK") {
		return "ok" + k[2:]
	}
	r, n := utf8.DecodeRuneInString(k)
	return string(unicode.ToLower(r)) + k[n:]
}

// diffFields returns the fields of old that differ from new (for
// originalUpdatedFields).
func diffFields(old, new any) map[string]any {
	ob, _ := json.Marshal(old)
	nb, _ := json.Marshal(new)
	var om, nm map[string]json.RawMessage
	_ = json.Unmarshal(ob, &om)
	_ = json.Unmarshal(nb, &nm)
	out := map[string]any{}
	for k, v := range om {
		if string(nm[k]) != string(v) {
			var x any
			_ = json.Unmarshal(v, &x)
			out[k] = x
		}
	}
	for k := range nm {
		if _, ok := om[k]; !ok {
			out[k] = nil
		}
	}
	return out
}

// histEntry is a history item with its sequence number (page tokens refer to
// sequence numbers, which survive the pruning of old items).
type histEntry struct {
	seq  uint64
	item AlarmHistoryItem
}

func encodeSeqToken(seq uint64) string { return pagetoken.Encode("h" + strconv.FormatUint(seq, 10)) }

func decodeSeqToken(tok string) (uint64, bool) {
	s, ok := pagetoken.Decode(tok)
	if !ok || !strings.HasPrefix(s, "h") {
		return 0, false
	}
	i, err := strconv.ParseUint(s[1:], 10, 64)
	return i, err == nil
}
