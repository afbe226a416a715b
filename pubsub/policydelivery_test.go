package pubsub_test

import (
	"strings"
	"testing"

	"github.com/sluicehq/sluice/pubsub"
)

// TestFilterPolicy_Delivery checks that subscriptions get only the messages
// their policies pass, with attribute and body scope.
func TestFilterPolicy_Delivery(t *testing.T) {
	e := psNewEnv(t)
	tp := e.topic("t", nil)
	sports, body, all := e.queue("sports"), e.queue("body"), e.queue("all")
	e.subscribe(tp, "sqs", sports.ARN(), map[string]string{"RawMessageDelivery": "true", "FilterPolicy": `{"sport":["rugby"]}`})
	e.subscribe(tp, "sqs", body.ARN(), map[string]string{"RawMessageDelivery": "true",
		"FilterPolicyScope": "MessageBody", "FilterPolicy": `{"order":{"total":[{"numeric":[">",100]}]}}`})
	e.subscribe(tp, "sqs", all.ARN(), map[string]string{"RawMessageDelivery": "true"})
	str := func(v string) map[string]pubsub.MessageAttributeValue {
		return map[string]pubsub.MessageAttributeValue{"sport": {DataType: "String", StringValue: v}}
	}
	e.publish(tp, pubsub.PublishInput{Message: "r", MessageAttributes: str("rugby")})
	e.publish(tp, pubsub.PublishInput{Message: "f", MessageAttributes: str("football")})
	e.publish(tp, pubsub.PublishInput{Message: `{"order":{"total":150}}`})
	e.publish(tp, pubsub.PublishInput{Message: `{"order":{"total":50}}`})
	for _, tc := range []struct {
		name string
		got  []string
		want string
	}{
		{"sports", psBodies(e.receive(sports)), "r"},
		{"body", psBodies(e.receive(body)), `{"order":{"total":150}}`},
	} {
		if g := strings.Join(tc.got, "|"); g != tc.want {
			t.Errorf("%s got %q, want %q", tc.name, g, tc.want)
		}
	}
	if n := len(e.receive(all)); n != 4 {
		t.Errorf("unfiltered queue got %d, want 4", n)
	}
}

func TestFilterPolicy_Errors(t *testing.T) {
	e := psNewEnv(t)
	tp := e.topic("t", nil)
	_, err := tp.Subscribe(e.ctx, pubsub.SubscribeInput{Protocol: "sqs", Endpoint: psQueueARN + "q",
		Attributes: map[string]string{"FilterPolicy": `{"a":[1],"b":[1],"c":[1],"d":[1],"e":[1],"f":[1]}`}})
	psWantErr(t, err, pubsub.ErrInvalidParameter, "Invalid parameter: Attributes Reason: FilterPolicy: Filter policy can not have more than 5 keys")
	_, err = tp.Subscribe(e.ctx, pubsub.SubscribeInput{Protocol: "sqs", Endpoint: psQueueARN + "q",
		Attributes: map[string]string{"FilterPolicy": `{"object":{"key":["a"]}}`}})
	psWantErr(t, err, pubsub.ErrInvalidParameter, "Invalid parameter: Attributes Reason: Filter policy scope MessageAttributes does not support nested filter policy")
	// The scope is applied first, whatever the map order.
	arn := e.subscribe(tp, "sqs", psQueueARN+"q", map[string]string{"FilterPolicy": `{"object":{"key":["a"]}}`, "FilterPolicyScope": "MessageBody"})
	sub, err := e.svc.SubscriptionFromARN(arn)
	if err != nil {
		t.Fatal(err)
	}
	_, err = sub.SetSubscriptionAttributes(e.ctx, pubsub.SetSubscriptionAttributesInput{AttributeName: "FilterPolicy", AttributeValue: `{"a":[]}`})
	psWantErr(t, err, pubsub.ErrInvalidParameter, "Invalid parameter: FilterPolicy: Empty arrays are not allowed")
	_, err = sub.SetSubscriptionAttributes(e.ctx, pubsub.SetSubscriptionAttributesInput{AttributeName: "FilterPolicyScope", AttributeValue: "MessageAttributes"})
	psWantErr(t, err, pubsub.ErrInvalidParameter, "Invalid parameter: Filter policy scope MessageAttributes does not support nested filter policy")
}
