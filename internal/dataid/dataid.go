// Package dataid finds sensitive data in text the way AWS's data protection
// policies name it: managed data identifiers (arn:aws:dataprotection::aws:
// data-identifier/EmailAddress, .../AwsSecretKey, .../IpAddress, ...) and
// custom identifiers (a name and a regular expression).
//
// AWS detects managed identifiers with machine learning and pattern
// matching; this package knows a documented subset by pattern only (see
// [Detectable]). Other managed names are accepted by [ParseARN] and detect
// nothing, so a policy that names them still loads.
package dataid

import (
	"fmt"
	"regexp"
	"slices"
	"strings"
	"unicode/utf8"
)

// ARNPrefix starts the ARN of every managed data identifier.
const ARNPrefix = "arn:aws:dataprotection::aws:data-identifier/"

// Limits of custom data identifiers (CloudWatch Logs User Guide, "Custom
// data identifiers").
const (
	MaxCustom         = 10
	MaxCustomRegexLen = 200
	MaxCustomNameLen  = 128
)

// Identifier finds one kind of sensitive data.
type Identifier struct {
	// Name is the managed identifier's name (EmailAddress) or the custom
	// identifier's.
	Name  string
	re    *regexp.Regexp
	valid func(string) bool // extra check of a match (Luhn), nil: none
}

// Detection is one occurrence: text[Start:End] (byte offsets).
type Detection struct{ Start, End int }

var managed = map[string]*Identifier{
	"EmailAddress": {re: regexp.MustCompile(`[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}`)},
	"IpAddress":    {re: regexp.MustCompile(`\b(?:(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)\.){3}(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)\b`)},
	// A 40-character secret access key standing alone.
	"AwsSecretKey":      {re: regexp.MustCompile(`(?:^|[^A-Za-z0-9/+])([A-Za-z0-9/+]{40})(?:$|[^A-Za-z0-9/+=])`)},
	"CreditCardNumber":  {re: regexp.MustCompile(`\b\d(?:[ -]?\d){12,18}\b`), valid: luhn},
	"Ssn-US":            {re: regexp.MustCompile(`\b(?:00[1-9]|0[1-9]\d|[1-578]\d\d|6[0-57-9]\d|66[0-57-9])-(?:0[1-9]|[1-9]\d)-(?:000[1-9]|00[1-9]\d|0[1-9]\d\d|[1-9]\d{3})\b`)},
	"PhoneNumber-US":    {re: regexp.MustCompile(`(?:\+1[ .-]?)?(?:\(\d{3}\)\s?|\b\d{3}[ .-])\d{3}[ .-]\d{4}\b`)},
	"LatLong":           {re: regexp.MustCompile(`[-+]?(?:[1-8]?\d\.\d{4,}|90\.0{4,}),\s*[-+]?(?:1[0-7]\d\.\d{4,}|[1-9]?\d\.\d{4,}|180\.0{4,})`)},
	"OpenSshPrivateKey": {re: regexp.MustCompile(`-----BEGIN OPENSSH PRIVATE KEY-----[\s\S]*?-----END OPENSSH PRIVATE KEY-----`)},
	"PkcsPrivateKey":    {re: regexp.MustCompile(`-----BEGIN (?:RSA |EC |DSA |ENCRYPTED )?PRIVATE KEY-----[\s\S]*?-----END (?:RSA |EC |DSA |ENCRYPTED )?PRIVATE KEY-----`)},
	"PgpPrivateKey":     {re: regexp.MustCompile(`-----BEGIN PGP PRIVATE KEY BLOCK-----[\s\S]*?-----END PGP PRIVATE KEY BLOCK-----`)},
}

func init() {
	for n, id := range managed {
		id.Name = n
	}
}

// Detectable lists the managed identifiers this package detects, sorted.
func Detectable() []string {
	out := make([]string, 0, len(managed))
	for n := range managed {
		out = append(out, n)
	}
	slices.Sort(out)
	return out
}

var managedNameRE = regexp.MustCompile(`^[A-Za-z][A-Za-z0-9]*(?:-[A-Z]{2})?$`)

// ParseARN returns the managed identifier an ARN names; ok is false for a
// string that is not a managed identifier ARN. A well-formed name this
// package cannot detect gives an Identifier that finds nothing.
func ParseARN(s string) (*Identifier, bool) {
	name, ok := strings.CutPrefix(s, ARNPrefix)
	if !ok || !managedNameRE.MatchString(name) {
		return nil, false
	}
	if id, ok := managed[name]; ok {
		return id, true
	}
	return &Identifier{Name: name}, true
}

// Custom compiles a custom identifier; the error says what is wrong with it.
func Custom(name, regex string) (*Identifier, error) {
	if name == "" || len(name) > MaxCustomNameLen {
		return nil, fmt.Errorf("custom data identifier name %q must be 1 to %d characters", name, MaxCustomNameLen)
	}
	if _, ok := managed[name]; ok {
		return nil, fmt.Errorf("custom data identifier name %q is the name of a managed data identifier", name)
	}
	if regex == "" || utf8.RuneCountInString(regex) > MaxCustomRegexLen {
		return nil, fmt.Errorf("custom data identifier %q: Regex must be 1 to %d characters", name, MaxCustomRegexLen)
	}
	re, err := regexp.Compile(regex)
	if err != nil {
		return nil, fmt.Errorf("custom data identifier %q: Regex is invalid: %v", name, err)
	}
	return &Identifier{Name: name, re: re}, nil
}

// Find returns the occurrences of id in text, in order.
func (id *Identifier) Find(text string) []Detection {
	if id.re == nil {
		return nil
	}
	var out []Detection
	for _, m := range id.re.FindAllStringSubmatchIndex(text, -1) {
		start, end := m[0], m[1]
		if len(m) >= 4 && m[2] >= 0 { // the identifier's own group
			start, end = m[2], m[3]
		}
		if id.valid != nil && !id.valid(text[start:end]) {
			continue
		}
		out = append(out, Detection{start, end})
	}
	return out
}

// Mask replaces every byte range in ds (possibly overlapping, in any order)
// by asterisks, one per character, as AWS shows masked data.
func Mask(text string, ds []Detection) string {
	return Replace(text, ds, func(m string) string { return strings.Repeat("*", utf8.RuneCountInString(m)) })
}

// Replace replaces every byte range in ds (possibly overlapping, in any
// order; overlapping ranges are merged into the first) by with(the text it
// covers): Mask's asterisks, SNS's MaskWithCharacter, or "" to redact.
func Replace(text string, ds []Detection, with func(match string) string) string {
	if len(ds) == 0 {
		return text
	}
	ds = slices.Clone(ds)
	slices.SortFunc(ds, func(a, b Detection) int { return a.Start - b.Start })
	var b strings.Builder
	b.Grow(len(text))
	pos := 0
	for _, d := range ds {
		if d.End <= pos {
			continue
		}
		start := max(d.Start, pos)
		b.WriteString(text[pos:start])
		b.WriteString(with(text[start:d.End]))
		pos = d.End
	}
	b.WriteString(text[pos:])
	return b.String()
}

// luhn reports whether the digits of s pass the Luhn check.
func luhn(s string) bool {
	sum, n := 0, 0
	for i := len(s) - 1; i >= 0; i-- {
		c := s[i]
		if c < '0' || c > '9' {
			continue
		}
		d := int(c - '0')
		if n%2 == 1 {
			d *= 2
			if d > 9 {
				d -= 9
			}
		}
		sum += d
		n++
	}
	return n >= 13 && sum%10 == 0
}
