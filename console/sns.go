package console

import (
	"slices"
	"strings"

	"github.com/localwatch/localwatch/sns"
)

// maxOutbox bounds the outbox messages a page shows (the newest).
const maxOutbox = 200

// topicRow is one topic with its subscription counts.
type topicRow struct {
	ARN, Name          string
	Confirmed, Pending int
}

// outboxRows returns the newest outbox messages (of topic, or all), newest
// first.
func (q *request) outboxRows(topic string) []sns.OutboxMessage {
	var out []sns.OutboxMessage
	all := q.stack.SNS.Outbox()
	for i := len(all) - 1; i >= 0 && len(out) < maxOutbox; i-- {
		if topic == "" || all[i].TopicArn == topic {
			out = append(out, all[i])
		}
	}
	return out
}

// deliveryRow is one delivery attempt as the SNS pages show it.
type deliveryRow struct {
	sns.DeliveryAttempt
	Outcome string // Delivered, Retrying, Failed, Dead-lettered
	Error   string
}

// deliveryRows are the Region's latest delivery attempts, newest first, of
// one topic (or all for ""), failures marked.
func (q *request) deliveryRows(topic string) []deliveryRow {
	var out []deliveryRow
	for _, a := range q.stack.SNS.RecentDeliveries() {
		if topic != "" && a.TopicArn != topic {
			continue
		}
		r := deliveryRow{DeliveryAttempt: a, Outcome: "Delivered"}
		switch {
		case a.Err != nil && a.DeadLettered:
			r.Outcome = "Dead-lettered"
		case a.Err != nil && a.Final:
			r.Outcome = "Failed"
		case a.Err != nil:
			r.Outcome = "Retrying"
		}
		if a.Err != nil {
			r.Error = a.Err.Error()
		}
		out = append(out, r)
		if len(out) == maxOutbox {
			break
		}
	}
	return out
}

func (q *request) sns(rest []string) error {
	if len(rest) > 0 && rest[0] == "topic" {
		return q.snsTopic()
	}
	if len(rest) > 0 && rest[0] != "" {
		return notFound("There is no SNS page %q.", strings.Join(rest, "/"))
	}
	var subs []sns.Subscription
	for s, err := range q.stack.SNS.ListSubscriptionsAll(q.ctx, sns.ListSubscriptionsInput{}) {
		if err != nil {
			return err
		}
		subs = append(subs, s)
	}
	byTopic := map[string]*topicRow{}
	var topics []*topicRow
	for t, err := range q.stack.SNS.ListTopicsAll(q.ctx, sns.ListTopicsInput{}) {
		if err != nil {
			return err
		}
		r := &topicRow{ARN: t.TopicArn, Name: t.TopicArn[strings.LastIndex(t.TopicArn, ":")+1:]}
		byTopic[t.TopicArn] = r
		topics = append(topics, r)
	}
	for _, s := range subs {
		if r := byTopic[s.TopicArn]; r != nil {
			if s.SubscriptionArn == "PendingConfirmation" {
				r.Pending++
			} else {
				r.Confirmed++
			}
		}
	}
	slices.SortFunc(topics, func(a, b *topicRow) int { return strings.Compare(a.Name, b.Name) })
	p := q.page("sns", "SNS")
	p.Refresh = int(q.c.opts.RefreshInterval / 1e9)
	p.Data = map[string]any{"Topics": topics, "Subscriptions": subs, "Outbox": q.outboxRows(""), "Deliveries": q.deliveryRows(""), "Max": maxOutbox}
	return q.render("sns", p)
}

func (q *request) snsTopic() error {
	arn := q.q.Get("arn")
	if arn == "" {
		return badRequest("Give a topic ARN (arn).")
	}
	attrs, err := q.stack.SNS.GetTopicAttributes(q.ctx, sns.GetTopicAttributesInput{TopicArn: arn})
	if err != nil {
		return notFound("There is no topic %q in %s.", arn, q.region)
	}
	var subs []sns.Subscription
	for s, err := range q.stack.SNS.ListSubscriptionsByTopicAll(q.ctx, sns.ListSubscriptionsByTopicInput{TopicArn: arn}) {
		if err != nil {
			return err
		}
		subs = append(subs, s)
	}
	var attrRows [][2]string
	for _, k := range sortedKeys(attrs.Attributes) {
		v := attrs.Attributes[k]
		if strings.HasPrefix(strings.TrimSpace(v), "{") {
			v = prettyJSON(v)
		}
		attrRows = append(attrRows, [2]string{k, v})
	}
	name := arn[strings.LastIndex(arn, ":")+1:]
	p := q.page("sns", name, crumb{"SNS", ""})
	p.Crumbs[0].Href = p.Link("sns")
	p.Data = map[string]any{"ARN": arn, "Attributes": attrRows, "Subscriptions": subs, "Outbox": q.outboxRows(arn), "Deliveries": q.deliveryRows(arn), "Max": maxOutbox}
	return q.render("snstopic", p)
}
