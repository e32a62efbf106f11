package console

import (
	"slices"
	"strings"
	"time"

	"github.com/localwatch/localwatch/trail"
)

// lookupKeys are LookupEvents' attribute keys, as the CloudTrail console
// offers them.
var lookupKeys = []trail.LookupAttributeKey{
	trail.LookupEventName, trail.LookupUsername, trail.LookupResourceName, trail.LookupResourceType,
	trail.LookupEventSource, trail.LookupReadOnly, trail.LookupAccessKeyID, trail.LookupEventID,
}

// maxTrailEvents bounds the events the event history shows.
const maxTrailEvents = 500

// trailRow is one trail with its status.
type trailRow struct {
	trail.Trail
	Status *trail.GetTrailStatusOutput
}

func (q *request) trail(rest []string) error {
	if len(rest) > 0 && rest[0] == "event" {
		return q.trailEvent()
	}
	if len(rest) > 0 && rest[0] == "trail" {
		return q.trailDetail()
	}
	if len(rest) > 0 && rest[0] != "" {
		return notFound("There is no CloudTrail page %q.", strings.Join(rest, "/"))
	}
	key, value := trail.LookupAttributeKey(q.q.Get("key")), q.q.Get("value")
	in := trail.LookupEventsInput{}
	if value != "" {
		if key == "" {
			key = trail.LookupEventName
		}
		if !slices.Contains(lookupKeys, key) {
			return badRequest("The lookup attribute %q is not one of LookupEvents' keys.", key)
		}
		in.LookupAttributes = []trail.LookupAttribute{{AttributeKey: key, AttributeValue: value}}
	}
	start, end, rangeLabel, err := q.parseRange(24 * time.Hour)
	if err != nil {
		return err
	}
	in.StartTime, in.EndTime = &start, &end
	var events []trail.Event
	more := false
	for ev, err := range q.stack.Trail.LookupEventsAll(q.ctx, in) {
		if err != nil {
			return err
		}
		if len(events) == maxTrailEvents {
			more = true
			break
		}
		events = append(events, ev)
	}
	var trails []trailRow
	if out, err := q.stack.Trail.DescribeTrails(q.ctx, trail.DescribeTrailsInput{}); err == nil {
		for _, t := range out.TrailList {
			r := trailRow{Trail: t}
			if st, err := q.stack.Trail.GetTrailStatus(q.ctx, trail.GetTrailStatusInput{Name: t.TrailARN}); err == nil {
				r.Status = st
			}
			trails = append(trails, r)
		}
	}
	p := q.page("trail", "Event history")
	p.Data = map[string]any{"Events": events, "More": more, "Max": maxTrailEvents, "Keys": lookupKeys, "Key": string(key), "Value": value,
		"Range": rangeLabel, "Ranges": ranges, "Start": q.q.Get("start"), "End": q.q.Get("end"), "Trails": trails}
	return q.render("trail", p)
}

func (q *request) trailEvent() error {
	id := q.q.Get("id")
	if id == "" {
		return badRequest("Give an event ID (id).")
	}
	out, err := q.stack.Trail.LookupEvents(q.ctx, trail.LookupEventsInput{LookupAttributes: []trail.LookupAttribute{{AttributeKey: trail.LookupEventID, AttributeValue: id}}})
	if err != nil {
		return err
	}
	if len(out.Events) == 0 {
		return notFound("There is no event %q in %s's event history.", id, q.region)
	}
	ev := out.Events[0]
	p := q.page("trail", ev.EventName, crumb{"Event history", ""})
	p.Crumbs[0].Href = p.Link("trail")
	p.Data = map[string]any{"Event": ev, "Record": prettyJSON(ev.CloudTrailEvent)}
	return q.render("trailevent", p)
}

// trailDetail shows a trail, its status and the validation of its log and
// digest files over the range (default the last day), as `aws cloudtrail
// validate-logs` reports it.
func (q *request) trailDetail() error {
	name := q.q.Get("name")
	if name == "" {
		return badRequest("Give a trail name or ARN (name).")
	}
	out, err := q.stack.Trail.DescribeTrails(q.ctx, trail.DescribeTrailsInput{TrailNameList: []string{name}})
	if err != nil || len(out.TrailList) == 0 {
		return notFound("There is no trail %q in %s.", name, q.region)
	}
	t := out.TrailList[0]
	st, err := q.stack.Trail.GetTrailStatus(q.ctx, trail.GetTrailStatusInput{Name: t.TrailARN})
	if err != nil {
		return err
	}
	start, end, rangeLabel, err := q.parseRange(24 * time.Hour)
	if err != nil {
		return err
	}
	data := map[string]any{"Trail": t, "Status": st, "Range": rangeLabel, "Ranges": ranges}
	if t.LogFileValidationEnabled {
		rep, err := q.stack.Trail.ValidateLogs(q.ctx, trail.ValidateLogsInput{TrailName: t.TrailARN, StartTime: start, EndTime: &end})
		if err != nil {
			data["ValidationError"] = err.Error()
		} else {
			var text strings.Builder
			rep.WriteText(&text, &text, true)
			data["Report"] = rep
			data["ReportText"] = text.String()
		}
	}
	data["Files"] = q.deliveredFiles(t)
	p := q.page("trail", t.Name, crumb{"Event history", ""})
	p.Crumbs[0].Href = p.Link("trail")
	p.Data = data
	return q.render("traildetail", p)
}

// deliveredFile is a log or digest file a trail delivered to its bucket.
type deliveredFile struct{ Kind, Key string }

// maxFiles bounds the delivered files a trail's page lists (the newest).
const maxFiles = 50

// deliveredFiles lists the newest files of this Region under the trail's
// bucket and prefix, as CloudTrail names them
// (<prefix>/AWSLogs/<account>/CloudTrail[-Digest]/<region>/yyyy/mm/dd/...).
func (q *request) deliveredFiles(t trail.Trail) []deliveredFile {
	prefix := t.S3KeyPrefix
	if prefix != "" {
		prefix += "/"
	}
	var out []deliveredFile
	for _, kind := range []string{"CloudTrail", "CloudTrail-Digest"} {
		keys, err := q.stack.Store.List(q.ctx, t.S3BucketName, prefix+"AWSLogs/"+q.stack.AccountID+"/"+kind+"/"+q.region+"/")
		if err != nil {
			continue
		}
		label := "Log file"
		if kind == "CloudTrail-Digest" {
			label = "Digest file"
		}
		for i := len(keys) - 1; i >= 0 && len(keys)-i <= maxFiles; i-- {
			out = append(out, deliveredFile{label, keys[i]})
		}
	}
	slices.SortStableFunc(out, func(a, b deliveredFile) int { return strings.Compare(fileStamp(b.Key), fileStamp(a.Key)) })
	return out[:min(len(out), maxFiles)]
}

// fileStamp is the yyyy/mm/dd/..._<yyyymmddThhmmZ> part of a file's key
// that orders files by time.
func fileStamp(key string) string {
	parts := strings.Split(key, "/")
	if len(parts) < 4 {
		return key
	}
	return strings.Join(parts[len(parts)-4:], "/")
}
