package filterpolicy

import (
	"fmt"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// docAttrs is the example message from the SNS "example filter policies" page.
var docAttrs = map[string]Attribute{
	"customer_interests": {DataType: "String.Array", StringValue: `["soccer", "rugby", "hockey"]`},
	"store":              {DataType: "String", StringValue: "example_corp"},
	"event":              {DataType: "String", StringValue: "order_placed"},
	"price_usd":          {DataType: "Number", StringValue: "210.75"},
}

const docBody = `{"customer_interests":["soccer","rugby","hockey"],"store":"example_corp","event":"order_placed","price_usd":210.75}`

func TestDocExamplePoliciesBothScopes(t *testing.T) {
	cases := []struct {
		name   string
		policy string
		want   bool
	}{
		{"accepted: store, anything-but event, interests, numeric price",
			`{"store":["example_corp"],"event":[{"anything-but":"order_cancelled"}],"customer_interests":["rugby","football","baseball"],"price_usd":[{"numeric":[">=",100]}]}`, true},
		{"rejected: encrypted is absent",
			`{"store":["example_corp"],"event":["order_cancelled"],"encrypted":[false],"customer_interests":["basketball","baseball"]}`, false},
		{"exact value among the array elements", `{"customer_interests":["rugby","tennis"]}`, true},
		{"no array element listed", `{"customer_interests":["baseball"]}`, false},
		{"anything-but matches an array holding an unlisted element", `{"customer_interests":[{"anything-but":["rugby","tennis"]}]}`, true},
		{"numeric range inclusive", `{"price_usd":[{"numeric":[">",0,"<=",210.75]}]}`, true},
		{"numeric range exclusive top", `{"price_usd":[{"numeric":[">",0,"<",210.75]}]}`, false},
		{"numeric equality by value", `{"price_usd":[{"numeric":["=",2.1075e2]}]}`, true},
		{"exact number by value", `{"price_usd":[210.750]}`, true},
		{"string does not match a number", `{"price_usd":["210.75"]}`, false},
		{"prefix", `{"store":[{"prefix":"example_"}]}`, true},
		{"suffix", `{"store":[{"suffix":"_corp"}]}`, true},
		{"equals-ignore-case", `{"store":[{"equals-ignore-case":"EXAMPLE_Corp"}]}`, true},
		{"wildcard", `{"store":[{"wildcard":"ex*_c*p"}]}`, true},
		{"wildcard no match", `{"store":[{"wildcard":"*shop"}]}`, false},
		{"case-sensitive exact", `{"store":["Example_Corp"]}`, false},
		{"exists true", `{"store":[{"exists":true}]}`, true},
		{"exists false on present key", `{"store":[{"exists":false}]}`, false},
		{"exists false on absent key", `{"encrypted":[{"exists":false}]}`, true},
		{"anything-but or exists false", `{"encrypted":[{"anything-but":"yes"},{"exists":false}]}`, true},
		{"anything-but prefix", `{"event":[{"anything-but":{"prefix":"order_"}}]}`, false},
		{"anything-but suffix", `{"event":[{"anything-but":{"suffix":"_placed"}}]}`, false},
		{"anything-but number list", `{"price_usd":[{"anything-but":[100,500]}]}`, true},
		{"anything-but the number itself", `{"price_usd":[{"anything-but":210.75}]}`, false},
		{"anything-but on absent key does not match", `{"missing":[{"anything-but":"x"}]}`, false},
		{"$or on keys", `{"store":["nope"],"$or":[{"event":["order_placed"]},{"x":["y"]}]}`, false},
		{"$or either branch", `{"$or":[{"store":["nope"]},{"event":["order_placed"]}]}`, true},
		{"$or with shared key", `{"store":["example_corp"],"$or":[{"price_usd":[{"numeric":[">",500]}]},{"event":["order_placed"]}]}`, true},
		{"OR across values of one key", `{"event":["order_cancelled","order_placed"]}`, true},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			for _, scope := range []Scope{ScopeMessageAttributes, ScopeMessageBody} {
				p, err := Compile(tc.policy, scope)
				require.NoError(t, err, scope)
				var msg *Message
				if scope == ScopeMessageBody {
					msg, err = FromJSON([]byte(docBody))
					require.NoError(t, err)
				} else {
					msg = FromAttributes(docAttrs)
				}
				assert.Equal(t, tc.want, p.Matches(msg), "scope %s", scope)
			}
		})
	}
}

func TestBodyScopeNestedAndTypes(t *testing.T) {
	body := `{"order":{"id":"o-1","shipping":{"country":"DE","weight":3},"items":[{"sku":"a"},{"sku":"b"}]},"gift":true,"note":null,"source_ip":"10.0.0.17","v6":"2001:db8::1"}`
	msg, err := FromJSON([]byte(body))
	require.NoError(t, err)
	cases := []struct {
		name, policy string
		want         bool
	}{
		{"nested exact", `{"order":{"shipping":{"country":["DE"]}}}`, true},
		{"nested numeric", `{"order":{"shipping":{"weight":[{"numeric":["<",5]}]}}}`, true},
		{"array of objects per element", `{"order":{"items":{"sku":["b"]}}}`, true},
		{"dotted key equals nesting", `{"order.shipping.country":["DE"]}`, true},
		{"boolean", `{"gift":[true]}`, true},
		{"boolean mismatch", `{"gift":[false]}`, false},
		{"null matches null", `{"note":[null]}`, true},
		{"null does not match absent", `{"absent":[null]}`, false},
		{"cidr v4", `{"source_ip":[{"cidr":"10.0.0.0/24"}]}`, true},
		{"cidr v4 outside", `{"source_ip":[{"cidr":"10.0.1.0/24"}]}`, false},
		{"cidr v6", `{"v6":[{"cidr":"2001:db8::/32"}]}`, true},
		{"exists on object is not a leaf", `{"order":{"shipping":[{"exists":true}]}}`, false},
		{"nested $or", `{"order":{"$or":[{"id":["x"]},{"shipping":{"country":["DE"]}}]}}`, true},
		{"$or that is a plain key (match expressions)", `{"$or":[{"numeric":["=",123]},{"prefix":"abc"}]}`, false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			p, err := Compile(tc.policy, ScopeMessageBody)
			require.NoError(t, err)
			assert.Equal(t, tc.want, p.Matches(msg))
		})
	}
}

func TestOrNeedsTwoObjects(t *testing.T) {
	// A single-element $or is an ordinary key called "$or".
	p, err := Compile(`{"$or":["x"]}`, ScopeMessageAttributes)
	require.NoError(t, err)
	assert.True(t, p.Matches(FromAttributes(map[string]Attribute{"$or": {DataType: "String", StringValue: "x"}})))
}

func TestBodyNotJSONObject(t *testing.T) {
	_, err := FromJSON([]byte(`hello`))
	assert.Error(t, err)
	_, err = FromJSON([]byte(`[1,2]`))
	assert.ErrorIs(t, err, ErrNotObject)
}

func TestBinaryAttributesIgnored(t *testing.T) {
	p := MustCompile(`{"b":[{"exists":true}]}`, "")
	assert.False(t, p.Matches(FromAttributes(map[string]Attribute{"b": {DataType: "Binary", StringValue: "x"}})))
	p = MustCompile(`{"n":[{"numeric":[">",1]}]}`, "")
	assert.True(t, p.Matches(FromAttributes(map[string]Attribute{"n": {DataType: "Number.float", StringValue: "1.5"}})))
}

func TestValidationErrorsAsAWS(t *testing.T) {
	sixKeys := `{"a":["1"],"b":["1"],"c":["1"],"d":["1"],"e":["1"],"f":["1"]}`
	var vals []string
	for i := range 151 {
		vals = append(vals, fmt.Sprintf("%q", fmt.Sprint(i)))
	}
	tooComplex := `{"a":[` + strings.Join(vals, ",") + `]}`
	cases := []struct {
		name, policy string
		scope        Scope
		want         string
	}{
		{"more than 5 keys", sixKeys, "", "FilterPolicy: Filter policy can not have more than 5 keys"},
		{"more than 150 combinations", tooComplex, "", "FilterPolicy: Filter policy is too complex"},
		{"nested combinations multiply by depth", `{"a":{"b":{"c":["1","2","3","4","5","6","7","8","9"]}},"d":{"e":["1","2","3"]}}`, ScopeMessageBody, "FilterPolicy: Filter policy is too complex"},
		{"scalar value", `{"key_a":"x"}`, "", `FilterPolicy: "key_a" must be an object or an array` + "\n at [Source: (String)\"{\\\"key_a\\\":\\\"x\\\"}\"; line: 1, column: 13]"},
		{"empty array", `{"a":[]}`, "", "FilterPolicy: Empty arrays are not allowed"},
		{"two keys in match expression", `{"a":[{"prefix":"x","suffix":"y"}]}`, "", "FilterPolicy: Only one key allowed in match expression"},
		{"unknown operator", `{"a":[{"wrong-operator":"x"}]}`, "", "FilterPolicy: Unrecognized match type wrong-operator"},
		{"numeric value not a number", `{"a":[{"numeric":["<","x"]}]}`, "", "FilterPolicy: Value of < must be numeric"},
		{"numeric equals not a number", `{"a":[{"numeric":["=","x"]}]}`, "", "FilterPolicy: Value of equals must be numeric"},
		{"bottom above top", `{"a":[{"numeric":[">",10,"<",5]}]}`, "", "FilterPolicy: Bottom must be less than top"},
		{"too many numeric elements", `{"a":[{"numeric":["=",1,"<",5]}]}`, "", "FilterPolicy: Too many elements in numeric expression"},
		{"bad range operator", `{"a":[{"numeric":[">",1,">",5]}]}`, "", "FilterPolicy: Bad numeric range operator: >"},
		{"unknown numeric operator", `{"a":[{"numeric":["!=",1]}]}`, "", "FilterPolicy: Unrecognized numeric range operator: !="},
		{"exists not boolean", `{"a":[{"exists":"yes"}]}`, "", "FilterPolicy: exists match pattern must be either true or false."},
		{"cidr without slash", `{"a":[{"cidr":"10.0.0.0"}]}`, "", "FilterPolicy: Malformed CIDR, one '/' required"},
		{"cidr bad address", `{"a":[{"cidr":"10.0.0.300/24"}]}`, "", "FilterPolicy: Nonstandard IP address: 10.0.0.300"},
		{"cidr mask not integer", `{"a":[{"cidr":"10.0.0.0/x"}]}`, "", "FilterPolicy: Malformed CIDR, mask bits must be an integer"},
		{"prefix not a string", `{"a":[{"prefix":1}]}`, "", "FilterPolicy: prefix match pattern must be a string"},
		{"anything-but unsupported", `{"a":[{"anything-but":{"numeric":[">",1]}}]}`, "", "FilterPolicy: Unsupported anything-but pattern: numeric"},
		{"consecutive wildcards", `{"a":[{"wildcard":"a**b"}]}`, "", "FilterPolicy: Consecutive wildcard characters at pos 2"},
		{"nested policy in attribute scope", `{"a":{"b":["c"]}}`, ScopeMessageAttributes, "Filter policy scope MessageAttributes does not support nested filter policy"},
		{"unknown scope", `{"a":["b"]}`, "RandomValue", "FilterPolicyScope: Invalid value [RandomValue]. Please use either MessageBody or MessageAttributes"},
		{"not JSON", `{"a":`, "", "FilterPolicy: failed to parse JSON. Unexpected end-of-input: expected a valid value (JSON String, Number, Array, Object or token 'null', 'true' or 'false')"},
		{"array inside values", `{"a":[["x"]]}`, "", "FilterPolicy: Match value must be String, number, true, false, or null"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Compile(tc.policy, tc.scope)
			require.Error(t, err)
			var pe *Error
			require.ErrorAs(t, err, &pe)
			got, _, _ := strings.Cut(pe.Error(), "\n at [")
			want, _, _ := strings.Cut(tc.want, "\n at [")
			assert.Equal(t, want, got, "the reason (the location is pinned by TestErrorTextsAsRecordedFromAWS)")
		})
	}
}

func TestCombinationsAsDocumented(t *testing.T) {
	// Flat: 3 × 1 × 2 = 6.
	p := MustCompile(`{"a":["1","2","3"],"b":["x"],"c":["y","z"]}`, "")
	assert.Equal(t, 6, p.Combinations())
	// Nested: 4 values at depth 3 and 3 values at depth 2: 3×4×2×3 = 72.
	p = MustCompile(`{"key_a":{"key_b":{"key_c":["1","2","3","4"]}},"key_d":{"key_e":["1","2","3"]}}`, ScopeMessageBody)
	assert.Equal(t, 72, p.Combinations())
	// $or sums its branches.
	p = MustCompile(`{"source":["aws.cloudwatch"],"$or":[{"metricName":["CPUUtilization","ReadLatency"]},{"namespace":["AWS/EC2","AWS/ES"]}]}`, ScopeMessageAttributes)
	assert.Equal(t, 4, p.Combinations())
	// The AND/OR logic page's nested $or example: 2 + (2 + 3) = 7.
	p = MustCompile(`{"source":["aws.cloudwatch"],"$or":[{"metricName":["CPUUtilization","ReadLatency"]},{"metricType":["MetricType"],"$or":[{"metricId":[1234,4321]},{"spaceId":[1000,2000,3000]}]}]}`, ScopeMessageAttributes)
	assert.Equal(t, 7, p.Combinations())
	msg := FromAttributes(map[string]Attribute{"source": {DataType: "String", StringValue: "aws.cloudwatch"}, "metricType": {DataType: "String", StringValue: "MetricType"}, "spaceId": {DataType: "Number", StringValue: "2000"}})
	assert.True(t, p.Matches(msg))
	msg = FromAttributes(map[string]Attribute{"source": {DataType: "String", StringValue: "aws.cloudwatch"}, "spaceId": {DataType: "Number", StringValue: "2000"}})
	assert.False(t, p.Matches(msg), "metricType is required on that branch")
}

// reference is a slow, obviously correct matcher for flat string policies of
// exact values, used to cross-check the compiled matcher.
func reference(policy map[string][]string, attrs map[string]string) bool {
	for k, vals := range policy {
		v, ok := attrs[k]
		if !ok {
			return false
		}
		found := false
		for _, want := range vals {
			if want == v {
				found = true
			}
		}
		if !found {
			return false
		}
	}
	return true
}

func TestPropertyExactMatchesReference(t *testing.T) {
	alphabet := []string{"a", "b", "c"}
	seed := uint64(7)
	next := func(n int) int { seed = seed*6364136223846793005 + 1442695040888963407; return int(seed>>33) % n }
	for range 2000 {
		pol := map[string][]string{}
		for range 1 + next(3) {
			k := alphabet[next(3)]
			pol[k] = append(pol[k], alphabet[next(3)])
		}
		attrs := map[string]string{}
		fa := map[string]Attribute{}
		for range next(4) {
			k, v := alphabet[next(3)], alphabet[next(3)]
			attrs[k] = v
			fa[k] = Attribute{DataType: "String", StringValue: v}
		}
		var parts []string
		for k, vs := range pol {
			var q []string
			for _, v := range vs {
				q = append(q, fmt.Sprintf("%q", v))
			}
			parts = append(parts, fmt.Sprintf("%q:[%s]", k, strings.Join(q, ",")))
		}
		p := MustCompile("{"+strings.Join(parts, ",")+"}", "")
		require.Equal(t, reference(pol, attrs), p.Matches(FromAttributes(fa)), "policy %v attrs %v", pol, attrs)
	}
}

func TestWildcard(t *testing.T) {
	cases := []struct {
		pat, s string
		want   bool
	}{
		{"*", "", true}, {"a*", "abc", true}, {"*c", "abc", true}, {"a*c", "ac", true},
		{"a*b*c", "axxbyyc", true}, {"a*b*c", "axxc", false}, {`a\*`, "a*", true}, {`a\*`, "ab", false},
		{"ab*ba", "aba", false},
	}
	for _, tc := range cases {
		assert.Equal(t, tc.want, wildcard(tc.pat, tc.s), "%s ~ %s", tc.pat, tc.s)
	}
}

func FuzzCompile(f *testing.F) {
	f.Add(`{"a":["b",{"prefix":"c"}],"n":[{"numeric":[">",1,"<=",5]}]}`, `{"a":"b","n":3}`)
	f.Add(`{"$or":[{"a":["x"]},{"b":{"c":[{"cidr":"10.0.0.0/8"}]}}]}`, `{"b":{"c":"10.1.2.3"}}`)
	f.Fuzz(func(t *testing.T, policy, body string) {
		for _, scope := range []Scope{ScopeMessageAttributes, ScopeMessageBody} {
			p, err := Compile(policy, scope)
			if err != nil {
				var pe *Error
				require.ErrorAs(t, err, &pe)
				continue
			}
			if msg, err := FromJSON([]byte(body)); err == nil {
				p.Matches(msg)
			}
			p.Matches(FromAttributes(map[string]Attribute{"a": {DataType: "String.Array", StringValue: body}}))
		}
	})
}

func BenchmarkMatch(b *testing.B) {
	p := MustCompile(`{"store":["example_corp"],"event":[{"anything-but":"order_cancelled"}],"customer_interests":["rugby","football","baseball"],"price_usd":[{"numeric":[">=",100]}]}`, "")
	msg := FromAttributes(docAttrs)
	b.ReportAllocs()
	for b.Loop() {
		if !p.Matches(msg) {
			b.Fatal("no match")
		}
	}
}
