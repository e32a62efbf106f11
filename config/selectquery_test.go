package config

import (
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func inventory(t *testing.T) *harness {
	h := newHarness(t).started(nil, nil)
	h.record(instance("i-1", "sg-1", "t2.micro", map[string]string{"Owner": "web"}))
	h.record(instance("i-2", "sg-1", "t2.micro", map[string]string{"Owner": "db"}))
	h.record(instance("i-3", "sg-2", "m5.large", nil))
	h.record(securityGroup("sg-1"))
	return h
}

func selectRows(t *testing.T, h *harness, expr string) []map[string]any {
	t.Helper()
	out, err := h.svc.SelectResourceConfig(h.ctx, SelectResourceConfigInput{Expression: expr})
	require.NoError(t, err, expr)
	var rows []map[string]any
	for _, r := range out.Results {
		var m map[string]any
		require.NoError(t, json.Unmarshal([]byte(r), &m))
		rows = append(rows, m)
	}
	return rows
}

// Issue 21 item 16: SelectResourceConfig with the SQL subset AWS Config's
// documentation shows (SELECT fields, WHERE with resourceType, tags and
// configuration fields, =, IN, LIKE, AND/OR, COUNT(*), GROUP BY).
func TestSelectResourceConfigAnswersTheDocumentedQueries(t *testing.T) {
	h := inventory(t)
	cases := []struct {
		name, expr string
		want       []map[string]any
	}{
		{"resources of a type with a configuration value",
			"SELECT resourceId, configuration.instanceType WHERE resourceType = 'AWS::EC2::Instance' AND configuration.instanceType = 't2.micro'",
			[]map[string]any{{"resourceId": "i-1", "configuration": map[string]any{"instanceType": "t2.micro"}}, {"resourceId": "i-2", "configuration": map[string]any{"instanceType": "t2.micro"}}}},
		{"IN over types",
			"SELECT resourceId WHERE resourceType IN ('AWS::EC2::SecurityGroup', 'AWS::S3::Bucket')",
			[]map[string]any{{"resourceId": "sg-1"}}},
		{"by tag key and tag",
			"SELECT resourceId WHERE tags.key = 'Owner' AND tags.tag = 'Owner=db'",
			[]map[string]any{{"resourceId": "i-2"}}},
		{"LIKE and OR with parentheses",
			"SELECT resourceId WHERE resourceType = 'AWS::EC2::Instance' AND (resourceId LIKE '%3' OR configuration.instanceType LIKE 't2.%')",
			[]map[string]any{{"resourceId": "i-1"}, {"resourceId": "i-2"}, {"resourceId": "i-3"}}},
		{"a path through an array matches any element",
			"SELECT resourceId WHERE configuration.securityGroups.groupId = 'sg-2'",
			[]map[string]any{{"resourceId": "i-3"}}},
		{"COUNT(*)",
			"SELECT COUNT(*) WHERE resourceType = 'AWS::EC2::Instance'",
			[]map[string]any{{"COUNT(*)": float64(3)}}},
		{"GROUP BY",
			"SELECT configuration.instanceType, COUNT(*) WHERE resourceType = 'AWS::EC2::Instance' GROUP BY configuration.instanceType",
			[]map[string]any{{"configuration": map[string]any{"instanceType": "m5.large"}, "COUNT(*)": float64(1)}, {"configuration": map[string]any{"instanceType": "t2.micro"}, "COUNT(*)": float64(2)}}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			assert.Equal(t, c.want, selectRows(t, h, c.expr))
		})
	}
	out, err := h.svc.SelectResourceConfig(h.ctx, SelectResourceConfigInput{Expression: "SELECT resourceId, tags WHERE resourceId = 'i-1'"})
	require.NoError(t, err)
	assert.Equal(t, &QueryInfo{SelectFields: []FieldInfo{{"resourceId"}, {"tags"}}}, out.QueryInfo)
	assert.JSONEq(t, `{"resourceId":"i-1","tags":[{"key":"Owner","tag":"Owner=web","value":"web"}]}`, out.Results[0])
}

func TestSelectResourceConfigPagesAndRejectsWhatItCannotParse(t *testing.T) {
	h := inventory(t)
	out, err := h.svc.SelectResourceConfig(h.ctx, SelectResourceConfigInput{Expression: "SELECT resourceId", Limit: Int32(3)})
	require.NoError(t, err)
	require.Len(t, out.Results, 3)
	next, err := h.svc.SelectResourceConfig(h.ctx, SelectResourceConfigInput{Expression: "SELECT resourceId", Limit: Int32(3), NextToken: out.NextToken})
	require.NoError(t, err)
	assert.Len(t, next.Results, 1)
	assert.Empty(t, next.NextToken)
	for _, bad := range []string{"", "DELETE everything", "SELECT", "SELECT resourceId WHERE", "SELECT resourceId WHERE resourceId = ",
		"SELECT resourceId WHERE resourceId IN ('a'", "SELECT resourceId, COUNT(*)", "SELECT resourceId GROUP BY resourceId", "SELECT COUNT(id)", "SELECT a WHERE b = 'unterminated"} {
		_, err := h.svc.SelectResourceConfig(h.ctx, SelectResourceConfigInput{Expression: bad})
		assert.Equal(t, "InvalidExpressionException", code(err), bad)
	}
}

func FuzzSelectExpression(f *testing.F) {
	for _, s := range []string{"SELECT resourceId WHERE resourceType = 'AWS::EC2::Instance'", "SELECT COUNT(*) GROUP BY x",
		"SELECT a, COUNT(*) WHERE (b IN ('1', 2) OR c LIKE '%x_') AND d != 'e' GROUP BY a", "SELECT a WHERE b NOT LIKE 'x'"} {
		f.Add(s)
	}
	doc := map[string]any{"resourceId": "i-1", "configuration": map[string]any{"a": []any{map[string]any{"b": "x"}, 3.5}}}
	f.Fuzz(func(t *testing.T, src string) {
		q, err := parseQuery(src)
		if err != nil {
			return
		}
		if q.where != nil {
			q.where.eval(doc)
		}
		q.project([]map[string]any{doc, doc})
	})
}

func TestLikeMatchesSQLWildcards(t *testing.T) {
	cases := []struct {
		s, p string
		want bool
	}{
		{"t2.micro", "t2.%", true}, {"t2.micro", "%micro", true}, {"t2.micro", "t_.micro", true}, {"t2.micro", "t3%", false},
		{"", "%", true}, {"", "", true}, {"a", "", false}, {"abc", "a%c", true}, {"abc", "a%b", false}, {"a%b", "a%%b", true},
		{string(make([]byte, 5000)), "%%%%%%%%%%%%%%%%%%%%x", false},
	}
	for _, c := range cases {
		assert.Equal(t, c.want, like(c.s, c.p), "%q LIKE %q", c.s, c.p)
	}
}
