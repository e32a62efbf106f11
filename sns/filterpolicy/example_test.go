package filterpolicy_test

import (
	"fmt"

	"github.com/localwatch/localwatch/sns/filterpolicy"
)

// Example compiles a subscription filter policy once and matches messages
// against it: by their message attributes (the default scope) and, with the
// MessageBody scope, by their JSON body.
func Example() {
	byAttributes, err := filterpolicy.Compile(`{
		"store": ["example_corp"],
		"price_usd": [{"numeric": [">=", 100]}],
		"event": [{"anything-but": "order_cancelled"}]
	}`, filterpolicy.ScopeMessageAttributes)
	if err != nil {
		panic(err)
	}
	msg := filterpolicy.FromAttributes(map[string]filterpolicy.Attribute{
		"store":     {DataType: "String", StringValue: "example_corp"},
		"price_usd": {DataType: "Number", StringValue: "210.75"},
		"event":     {DataType: "String", StringValue: "order_placed"},
	})
	fmt.Println("attributes, order_placed:", byAttributes.Matches(msg))
	cancelled := filterpolicy.FromAttributes(map[string]filterpolicy.Attribute{
		"store":     {DataType: "String", StringValue: "example_corp"},
		"price_usd": {DataType: "Number", StringValue: "210.75"},
		"event":     {DataType: "String", StringValue: "order_cancelled"},
	})
	fmt.Println("attributes, order_cancelled:", byAttributes.Matches(cancelled))

	byBody := filterpolicy.MustCompile(`{"order": {"customer": {"tier": [{"prefix": "gold"}]}}}`, filterpolicy.ScopeMessageBody)
	for _, body := range []string{
		`{"order": {"id": 7, "customer": {"tier": "gold-plus"}}}`,
		`{"order": {"id": 8, "customer": {"tier": "silver"}}}`,
	} {
		m, err := filterpolicy.FromJSON([]byte(body))
		if err != nil {
			panic(err)
		}
		fmt.Println("body:", body, "->", byBody.Matches(m))
	}

	_, err = filterpolicy.Compile(`{"a":[1],"b":[1],"c":[1],"d":[1],"e":[1],"f":[1]}`, filterpolicy.ScopeMessageAttributes)
	fmt.Println(err)
	// Output:
	// attributes, order_placed: true
	// attributes, order_cancelled: false
	// body: {"order": {"id": 7, "customer": {"tier": "gold-plus"}}} -> true
	// body: {"order": {"id": 8, "customer": {"tier": "silver"}}} -> false
	// FilterPolicy: Filter policy can not have more than 5 keys
}
