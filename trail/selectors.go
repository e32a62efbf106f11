package trail

import (
	"regexp"
	"slices"
	"strings"

	"github.com/localwatch/localwatch/internal/awserr"
)

// ReadWriteType selects read-only, write-only or all events.
type ReadWriteType string

// The ReadWriteType values.
const (
	ReadOnly  ReadWriteType = "ReadOnly"
	WriteOnly ReadWriteType = "WriteOnly"
	All       ReadWriteType = "All"
)

var excludableSources = []string{"kms.amazonaws.com", "rdsdata.amazonaws.com"}

func selErr(format string, args ...any) error {
	return awserr.New("InvalidEventSelectorsException", format, args...)
}

// validateEventSelectors applies PutEventSelectors' rules for basic selectors.
func validateEventSelectors(sels []EventSelector) error {
	if len(sels) > 5 {
		return selErr("A trail can have at most 5 event selectors (got %d).", len(sels))
	}
	values := 0
	for i, sel := range sels {
		switch sel.ReadWriteType {
		case "", ReadOnly, WriteOnly, All:
		default:
			return selErr("Invalid ReadWriteType %q in event selector %d: must be ReadOnly, WriteOnly or All.", sel.ReadWriteType, i)
		}
		for _, src := range sel.ExcludeManagementEventSources {
			if !slices.Contains(excludableSources, src) {
				return selErr("Invalid ExcludeManagementEventSources value %q: only kms.amazonaws.com and rdsdata.amazonaws.com can be excluded.", src)
			}
		}
		for _, dr := range sel.DataResources {
			var all, prefix string
			switch dr.Type {
			case "AWS::S3::Object":
				all, prefix = "arn:aws:s3", "arn:aws:s3:::"
			case "AWS::Lambda::Function":
				all, prefix = "arn:aws:lambda", "arn:aws:lambda:"
			case "AWS::DynamoDB::Table":
				all, prefix = "arn:aws:dynamodb", "arn:aws:dynamodb:"
			default:
				return selErr("Invalid DataResource type %q: basic event selectors support AWS::S3::Object, AWS::Lambda::Function and AWS::DynamoDB::Table; use advanced event selectors for other types.", dr.Type)
			}
			for _, v := range dr.Values {
				switch {
				case v == all || v == all+":::" && dr.Type == "AWS::S3::Object":
					continue // all resources of the type: not counted
				case !strings.HasPrefix(v, prefix) || len(v) > 2048:
					return selErr("Value %s for DataResources.Values is invalid.", v)
				case dr.Type == "AWS::S3::Object" && !strings.Contains(v[len(prefix):], "/"):
					return selErr("Value %s for DataResources.Values is invalid: an S3 bucket value must end with a slash (arn:aws:s3:::bucket/).", v)
				case dr.Type == "AWS::Lambda::Function" && !strings.Contains(v, ":function:"):
					return selErr("Value %s for DataResources.Values is invalid.", v)
				case dr.Type == "AWS::DynamoDB::Table" && !strings.Contains(v, ":table/"):
					return selErr("Value %s for DataResources.Values is invalid.", v)
				}
				values++
			}
		}
	}
	if values > 250 {
		return selErr("A trail can have at most 250 data resources across all event selectors (got %d).", values)
	}
	return nil
}

var fieldPattern = regexp.MustCompile(`^[\w|\d|\.|_]+$`)

var (
	managementFields = []string{"eventCategory", "eventSource", "readOnly"}
	dataFields       = []string{"eventCategory", "eventName", "eventSource", "eventType", "resources.type", "readOnly",
		"resources.ARN", "sessionCredentialFromConsole", "userIdentity.arn"}
	networkFields = []string{"eventCategory", "eventSource", "eventName", "errorCode", "vpcEndpointId", "userIdentity.arn"}
	equalsOnly    = []string{"readOnly", "eventCategory", "resources.type"}
)

func (f *AdvancedFieldSelector) operators() [][]string {
	return [][]string{f.Equals, f.StartsWith, f.EndsWith, f.NotEquals, f.NotStartsWith, f.NotEndsWith}
}

// validateAdvancedSelectors applies PutEventSelectors' rules for advanced
// selectors on trails (API_AdvancedFieldSelector).
func validateAdvancedSelectors(sels []AdvancedEventSelector) error {
	total := 0
	for i, sel := range sels {
		if len(sel.Name) > 1000 {
			return selErr("Advanced event selector name %q is longer than 1000 characters.", sel.Name[:20]+"...")
		}
		if len(sel.FieldSelectors) == 0 {
			return selErr("Advanced event selector %d has no field selectors.", i)
		}
		seen := map[string]bool{}
		var category string
		for _, f := range sel.FieldSelectors {
			if f.Field == "" || len(f.Field) > 1000 || !fieldPattern.MatchString(f.Field) {
				return selErr("Invalid field %q in advanced event selector %d.", f.Field, i)
			}
			if seen[f.Field] {
				return selErr("Field %s appears more than once in advanced event selector %d.", f.Field, i)
			}
			seen[f.Field] = true
			n := 0
			for op, vals := range f.operators() {
				for _, v := range vals {
					if len(v) < 1 || len(v) > 2048 {
						return selErr("Value %q for field %s must be 1 to 2048 characters.", v, f.Field)
					}
				}
				if len(vals) > 0 && op != 0 && slices.Contains(equalsOnly, f.Field) {
					return selErr("Only the Equals operator is supported for field %s.", f.Field)
				}
				n += len(vals)
			}
			if n == 0 {
				return selErr("Field selector %s in advanced event selector %d has no values.", f.Field, i)
			}
			total += n
			if f.Field == "eventCategory" {
				if len(f.Equals) != 1 {
					return selErr("Field eventCategory must have exactly one Equals value.")
				}
				category = f.Equals[0]
			}
		}
		var allowed []string
		switch category {
		case "":
			return selErr("Advanced event selector %d must have an eventCategory field selector.", i)
		case "Management":
			allowed = managementFields
		case "Data":
			allowed = dataFields
			if !seen["resources.type"] {
				return selErr("Advanced event selector %d selects data events and must have a resources.type field selector.", i)
			}
		case "NetworkActivity":
			allowed = networkFields
			if !seen["eventSource"] {
				return selErr("Advanced event selector %d selects network activity events and must have an eventSource field selector.", i)
			}
		default:
			return selErr("Invalid eventCategory value %q: must be Management, Data or NetworkActivity.", category)
		}
		for _, f := range sel.FieldSelectors {
			if !slices.Contains(allowed, f.Field) {
				return selErr("Field %s is not supported for eventCategory %s on a trail.", f.Field, category)
			}
			if category == "Management" && f.Field == "eventSource" {
				if len(f.Equals)+len(f.StartsWith)+len(f.EndsWith)+len(f.NotStartsWith)+len(f.NotEndsWith) > 0 {
					return selErr("For management events, eventSource supports only NotEquals kms.amazonaws.com or rdsdata.amazonaws.com.")
				}
				for _, v := range f.NotEquals {
					if !slices.Contains(excludableSources, v) {
						return selErr("For management events, eventSource supports only NotEquals kms.amazonaws.com or rdsdata.amazonaws.com (got %s).", v)
					}
				}
			}
			if f.Field == "readOnly" {
				for _, v := range f.Equals {
					if v != "true" && v != "false" {
						return selErr("Invalid readOnly value %q: must be true or false.", v)
					}
				}
			}
		}
	}
	if total > 500 {
		return selErr("Advanced event selectors can have at most 500 condition values in total (got %d).", total)
	}
	return nil
}

// compileSelectors returns the matcher of a trail: no selectors (or nil
// lists) logs all management events and no data events.
func compileSelectors(basic []EventSelector, adv []AdvancedEventSelector) func(*Record) bool {
	switch {
	case adv != nil:
		sels := slices.Clone(adv)
		return func(r *Record) bool {
			for i := range sels {
				if matchAdvanced(&sels[i], r) {
					return true
				}
			}
			return false
		}
	case basic != nil:
		sels := slices.Clone(basic)
		return func(r *Record) bool {
			for i := range sels {
				if matchBasic(&sels[i], r) {
					return true
				}
			}
			return false
		}
	default:
		return nil // management events only; checked without materializing
	}
}

func readWriteMatches(rw ReadWriteType, r *Record) bool {
	ro := r.ReadOnly != nil && *r.ReadOnly
	switch rw {
	case ReadOnly:
		return ro
	case WriteOnly:
		return !ro
	}
	return true
}

func matchBasic(sel *EventSelector, r *Record) bool {
	if !readWriteMatches(sel.ReadWriteType, r) {
		return false
	}
	switch r.EventCategory {
	case CategoryManagement:
		if sel.IncludeManagementEvents != nil && !*sel.IncludeManagementEvents {
			return false
		}
		return !slices.Contains(sel.ExcludeManagementEventSources, r.EventSource)
	case CategoryData:
		for _, dr := range sel.DataResources {
			for _, res := range r.Resources {
				if res.Type != dr.Type {
					continue
				}
				for _, v := range dr.Values {
					if dataValueMatches(dr.Type, v, res.ARN) {
						return true
					}
				}
			}
		}
	}
	return false
}

// dataValueMatches applies a basic selector value: "all" values, S3 prefixes,
// exact Lambda function and DynamoDB table ARNs.
func dataValueMatches(typ, v, arn string) bool {
	switch typ {
	case "AWS::S3::Object":
		return v == "arn:aws:s3" || v == "arn:aws:s3:::" || strings.HasPrefix(arn, v)
	case "AWS::Lambda::Function":
		return v == "arn:aws:lambda" || arn == v
	case "AWS::DynamoDB::Table":
		return v == "arn:aws:dynamodb" || arn == v
	}
	return false
}

func matchAdvanced(sel *AdvancedEventSelector, r *Record) bool {
	var types []string
	for i := range sel.FieldSelectors {
		if sel.FieldSelectors[i].Field == "resources.type" {
			types = sel.FieldSelectors[i].Equals
		}
	}
	for i := range sel.FieldSelectors {
		f := &sel.FieldSelectors[i]
		ok := false
		fieldValues(f.Field, r, types, func(v string) bool {
			if f.matches(v) {
				ok = true
				return false
			}
			return true
		})
		if !ok {
			return false
		}
	}
	return true
}

// fieldValues yields the values of field in r (resources.* yield one per
// resource; resources.ARN only those of the selector's resource types).
func fieldValues(field string, r *Record, types []string, yield func(string) bool) {
	switch field {
	case "eventCategory":
		yield(string(r.EventCategory))
	case "eventSource":
		yield(r.EventSource)
	case "eventName":
		yield(r.EventName)
	case "eventType":
		yield(string(r.EventType))
	case "readOnly":
		if r.ReadOnly != nil && *r.ReadOnly {
			yield("true")
		} else {
			yield("false")
		}
	case "errorCode":
		yield(r.ErrorCode)
	case "vpcEndpointId":
		yield(r.VPCEndpointID)
	case "sessionCredentialFromConsole":
		if r.SessionCredentialFromConsole == "true" {
			yield("true")
		} else {
			yield("false")
		}
	case "userIdentity.arn":
		if r.UserIdentity != nil {
			yield(r.UserIdentity.ARN)
		} else {
			yield("")
		}
	case "resources.type":
		for _, res := range r.Resources {
			if !yield(res.Type) {
				return
			}
		}
	case "resources.ARN":
		for _, res := range r.Resources {
			if len(types) > 0 && !slices.Contains(types, res.Type) {
				continue
			}
			if !yield(res.ARN) {
				return
			}
		}
	}
}

func (f *AdvancedFieldSelector) matches(v string) bool {
	if len(f.Equals) > 0 && !slices.Contains(f.Equals, v) {
		return false
	}
	if len(f.StartsWith) > 0 && !slices.ContainsFunc(f.StartsWith, func(p string) bool { return strings.HasPrefix(v, p) }) {
		return false
	}
	if len(f.EndsWith) > 0 && !slices.ContainsFunc(f.EndsWith, func(p string) bool { return strings.HasSuffix(v, p) }) {
		return false
	}
	if slices.Contains(f.NotEquals, v) {
		return false
	}
	if slices.ContainsFunc(f.NotStartsWith, func(p string) bool { return strings.HasPrefix(v, p) }) {
		return false
	}
	if slices.ContainsFunc(f.NotEndsWith, func(p string) bool { return strings.HasSuffix(v, p) }) {
		return false
	}
	return true
}
