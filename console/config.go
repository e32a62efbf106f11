package console

import (
	"encoding/json"
	"fmt"
	"math"
	"slices"
	"strings"

	"github.com/localwatch/localwatch/config"
)

func (q *request) config(rest []string) error {
	sub := ""
	if len(rest) > 0 {
		sub = rest[0]
	}
	switch sub {
	case "":
		return q.configHome()
	case "resources":
		return q.configResources()
	case "resource":
		return q.configResource()
	case "rule":
		return q.configRule()
	}
	return notFound("There is no Config page %q.", strings.Join(rest, "/"))
}

func (q *request) configHome() error {
	var counts []config.ResourceCount
	var total int64
	in := config.GetDiscoveredResourceCountsInput{}
	for {
		out, err := q.stack.Config.GetDiscoveredResourceCounts(q.ctx, in)
		if err != nil {
			return err
		}
		counts = append(counts, out.ResourceCounts...)
		total = out.TotalDiscoveredResources
		if out.NextToken == "" {
			break
		}
		in.NextToken = out.NextToken
	}
	var rules []config.ComplianceByConfigRule
	rin := config.DescribeComplianceByConfigRuleInput{}
	for {
		out, err := q.stack.Config.DescribeComplianceByConfigRule(q.ctx, rin)
		if err != nil {
			return err
		}
		rules = append(rules, out.ComplianceByConfigRules...)
		if out.NextToken == "" {
			break
		}
		rin.NextToken = out.NextToken
	}
	var byResource []config.ComplianceByResource
	if out, err := q.stack.Config.DescribeComplianceByResource(q.ctx, config.DescribeComplianceByResourceInput{Limit: config.Int32(100)}); err == nil {
		byResource = out.ComplianceByResources
	}
	recorders, _ := q.stack.Config.DescribeConfigurationRecorderStatus(q.ctx, config.DescribeConfigurationRecorderStatusInput{})
	p := q.page("config", "AWS Config")
	p.Data = map[string]any{"Counts": counts, "Total": total, "Rules": rules, "ByResource": byResource, "Recorders": recorders}
	return q.render("config", p)
}

func (q *request) configResources() error {
	typ := q.q.Get("type")
	if typ == "" {
		return badRequest("Give a resource type (type), e.g. AWS::EC2::Instance.")
	}
	var ids []config.ResourceIdentifier
	in := config.ListDiscoveredResourcesInput{ResourceType: typ, IncludeDeletedResources: config.Bool(true), Limit: config.Int32(100)}
	for {
		out, err := q.stack.Config.ListDiscoveredResources(q.ctx, in)
		if err != nil {
			return err
		}
		ids = append(ids, out.ResourceIdentifiers...)
		if out.NextToken == "" || len(ids) >= 5000 {
			break
		}
		in.NextToken = out.NextToken
	}
	p := q.page("config", typ, crumb{"AWS Config", ""})
	p.Crumbs[0].Href = p.Link("config")
	p.Data = map[string]any{"Type": typ, "Resources": ids}
	return q.render("configresources", p)
}

// itemRow is one configuration item with what changed since the one
// before it.
type itemRow struct {
	config.ConfigurationItem
	Changes []change
	Pretty  string
}

// change is one changed field between consecutive configuration items.
type change struct {
	Path, Before, After string
}

func (q *request) configResource() error {
	typ, id := q.q.Get("type"), q.q.Get("id")
	if typ == "" || id == "" {
		return badRequest("Give a resource type (type) and ID (id).")
	}
	var items []config.ConfigurationItem
	in := config.GetResourceConfigHistoryInput{ResourceType: typ, ResourceID: id, ChronologicalOrder: config.Forward, Limit: config.Int32(100)}
	for {
		out, err := q.stack.Config.GetResourceConfigHistory(q.ctx, in)
		if err != nil {
			return notFound("There is no configuration history for %s %q in %s (%v).", typ, id, q.region, err)
		}
		items = append(items, out.ConfigurationItems...)
		if out.NextToken == "" || len(items) >= 1000 {
			break
		}
		in.NextToken = out.NextToken
	}
	if len(items) == 0 {
		return notFound("There is no configuration history for %s %q in %s.", typ, id, q.region)
	}
	rows := make([]itemRow, len(items))
	var prev map[string]string
	for i, it := range items {
		cur := flatten(it)
		rows[i] = itemRow{ConfigurationItem: it, Pretty: prettyJSON(it.Configuration)}
		if prev != nil {
			rows[i].Changes = diff(prev, cur)
		}
		prev = cur
	}
	slices.Reverse(rows) // newest first, as the Config console's timeline
	var compliance any
	if out, err := q.stack.Config.GetComplianceDetailsByResource(q.ctx, config.GetComplianceDetailsByResourceInput{ResourceType: typ, ResourceID: id}); err == nil {
		compliance = out.EvaluationResults
	}
	p := q.page("config", id, crumb{"AWS Config", ""}, crumb{typ, ""})
	p.Crumbs[0].Href = p.Link("config")
	p.Crumbs[1].Href = p.Link("config/resources", "type", typ)
	p.Data = map[string]any{"Type": typ, "ID": id, "Items": rows, "Latest": rows[0], "Compliance": compliance,
		"Graph": relGraph(rows[0].Relationships)}
	return q.render("configresource", p)
}

// flatten turns an item's configuration, tags and relationships into
// path -> value, so consecutive items can be compared field by field.
func flatten(it config.ConfigurationItem) map[string]string {
	out := map[string]string{}
	var walk func(path string, v any)
	walk = func(path string, v any) {
		switch x := v.(type) {
		case map[string]any:
			for k, e := range x {
				walk(path+"."+k, e)
			}
		case []any:
			for i, e := range x {
				walk(fmt.Sprintf("%s[%d]", path, i), e)
			}
		default:
			b, _ := json.Marshal(x)
			out[path] = string(b)
		}
	}
	var conf any
	if json.Unmarshal([]byte(it.Configuration), &conf) == nil {
		walk("configuration", conf)
	}
	for k, v := range it.Tags {
		out["tags."+k] = v
	}
	for _, r := range it.Relationships {
		out["relationships."+r.RelationshipName+" "+r.ResourceID] = r.ResourceType
	}
	out["status"] = string(it.ConfigurationItemStatus)
	return out
}

func diff(before, after map[string]string) []change {
	var out []change
	for _, k := range sortedKeys(after) {
		if b, ok := before[k]; !ok || b != after[k] {
			out = append(out, change{Path: k, Before: b, After: after[k]})
		}
	}
	for _, k := range sortedKeys(before) {
		if _, ok := after[k]; !ok {
			out = append(out, change{Path: k, Before: before[k]})
		}
	}
	return out
}

func (q *request) configRule() error {
	name := q.q.Get("name")
	if name == "" {
		return badRequest("Give a rule name (name).")
	}
	rules, err := q.stack.Config.DescribeConfigRules(q.ctx, config.DescribeConfigRulesInput{ConfigRuleNames: []string{name}})
	if err != nil || len(rules.ConfigRules) == 0 {
		return notFound("There is no Config rule named %q in %s.", name, q.region)
	}
	var results []config.EvaluationResult
	in := config.GetComplianceDetailsByConfigRuleInput{ConfigRuleName: name, Limit: config.Int32(100)}
	for {
		out, err := q.stack.Config.GetComplianceDetailsByConfigRule(q.ctx, in)
		if err != nil {
			return err
		}
		results = append(results, out.EvaluationResults...)
		if out.NextToken == "" || len(results) >= 5000 {
			break
		}
		in.NextToken = out.NextToken
	}
	p := q.page("config", name, crumb{"AWS Config", ""})
	p.Crumbs[0].Href = p.Link("config")
	p.Data = map[string]any{"Rule": rules.ConfigRules[0], "Results": results, "Definition": prettyJSON(rules.ConfigRules[0])}
	return q.render("configrule", p)
}

// relNode is a related resource placed on the relationship graph.
type relNode struct {
	Type, ID, Name string
	X, Y           int // the node's centre
	LX, LY         int // the relationship label's position
}

// relGraph places a resource's related resources on a circle around it (the
// resource sits at 400, 170 of an 800 x 340 drawing).
func relGraph(rels []config.Relationship) []relNode {
	n := len(rels)
	out := make([]relNode, n)
	for i, r := range rels {
		a := 2*math.Pi*float64(i)/float64(max(n, 1)) - math.Pi/2
		x, y := 400+int(300*math.Cos(a)), 170+int(125*math.Sin(a))
		out[i] = relNode{Type: r.ResourceType, ID: r.ResourceID, Name: r.RelationshipName, X: x, Y: y,
			LX: 400 + (x-400)*3/5, LY: 170 + (y-170)*3/5 - 4}
	}
	return out
}
