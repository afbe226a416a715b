package pubsub_test

import (
	"fmt"
	"testing"

	"github.com/sluicehq/sluice/pubsub"
)

const psQueueARN = "arn:aws:sqs:us-east-1:123456789012:"

func TestSubscribe_Validation(t *testing.T) {
	e := psNewEnv(t)
	tp := e.topic("t", nil)
	f := e.topic("f.fifo", map[string]string{"FifoTopic": "true"})
	for _, tc := range []struct {
		topic              *pubsub.Topic
		protocol, endpoint string
		attrs              map[string]string
		msg                string
	}{
		{tp, "carrier-pigeon", "x", nil, "Invalid parameter: Amazon SNS does not support this protocol string: carrier-pigeon"},
		{tp, "sqs", "https://sqs.us-east-1.amazonaws.com/123456789012/q", nil, "Invalid parameter: SQS endpoint ARN"},
		{tp, "sqs", psQueueARN + "q.fifo", nil, "Invalid parameter: Invalid parameter: Endpoint Reason: FIFO SQS Queues can not be subscribed to standard SNS topics"},
		{tp, "sqs", psQueueARN + "q", map[string]string{"RawMessageDelivery": "yes"}, "Invalid parameter: Attributes Reason: RawMessageDelivery: Invalid value [yes]. Must be true or false."},
		{tp, "sqs", psQueueARN + "q", map[string]string{"FilterPolicyScope": "RandomValue"}, "Invalid parameter: Attributes Reason: FilterPolicyScope: Invalid value [RandomValue]. Please use either MessageBody or MessageAttributes"},
		{tp, "sqs", psQueueARN + "q", map[string]string{"RedrivePolicy": `{"deadLetterTargetArn":"nope"}`}, "Invalid parameter: Attributes Reason: RedrivePolicy: deadLetterTargetArn is an invalid arn"},
		{f, "sqs", psQueueARN + "q.fifo", map[string]string{"RedrivePolicy": `{"deadLetterTargetArn":"` + psQueueARN + `dlq"}`}, "Invalid parameter: Attributes Reason: RedrivePolicy: must use a FIFO queue as DLQ for a FIFO Subscription to a FIFO Topic."},
		{tp, "sqs", psQueueARN + "q", map[string]string{"Color": "red"}, "Invalid parameter: AttributeName"},
		{tp, "sms", "555-CALL-ME", nil, "Invalid SMS endpoint: 555-CALL-ME"},
		{tp, "application", "my-phone", nil, "Invalid parameter: ApplicationEndpoint ARN"},
		{tp, "http", "https://example.com", nil, "Invalid parameter: Endpoint must match the specified protocol"},
		{tp, "email", "nobody", nil, "Invalid parameter: Email address"},
		{f, "lambda", "arn:aws:lambda:us-east-1:123456789012:function:fn", nil, "Invalid parameter: Invalid parameter: Endpoint Reason: Please use FIFO SQS queue"},
	} {
		_, err := tc.topic.Subscribe(e.ctx, pubsub.SubscribeInput{Protocol: tc.protocol, Endpoint: tc.endpoint, Attributes: tc.attrs})
		psWantErr(t, err, pubsub.ErrInvalidParameter, tc.msg)
	}
	// A well-formed ARN of a queue that does not exist is accepted.
	e.subscribe(tp, "sqs", psQueueARN+"missing", nil)
	// A FIFO topic takes standard queues.
	e.subscribe(f, "sqs", psQueueARN+"standard", nil)
}

func TestSubscribe_Idempotent(t *testing.T) {
	e := psNewEnv(t)
	tp := e.topic("t", nil)
	raw := map[string]string{"RawMessageDelivery": "true"}
	a := e.subscribe(tp, "sqs", psQueueARN+"q", raw)
	if b := e.subscribe(tp, "sqs", psQueueARN+"q", raw); a != b {
		t.Fatalf("second Subscribe = %s, want %s", b, a)
	}
	if b := e.subscribe(tp, "sqs", psQueueARN+"q", nil); a != b {
		t.Fatalf("Subscribe without attributes = %s, want %s", b, a)
	}
	_, err := tp.Subscribe(e.ctx, pubsub.SubscribeInput{Protocol: "sqs", Endpoint: psQueueARN + "q", Attributes: map[string]string{"RawMessageDelivery": "false"}})
	psWantErr(t, err, pubsub.ErrInvalidParameter, "Invalid parameter: Attributes Reason: Subscription already exists with different attributes")
}

func TestSubscriptionAttributes(t *testing.T) {
	e := psNewEnv(t)
	tp := e.topic("t", nil)
	arn := e.subscribe(tp, "sqs", psQueueARN+"q", nil)
	sub, err := e.svc.SubscriptionFromARN(arn)
	if err != nil {
		t.Fatal(err)
	}
	get := func() map[string]string {
		out, err := sub.GetSubscriptionAttributes(e.ctx)
		if err != nil {
			t.Fatal(err)
		}
		return out.Attributes
	}
	a := get()
	for k, want := range map[string]string{"SubscriptionArn": arn, "TopicArn": tp.ARN(), "Protocol": "sqs", "Endpoint": psQueueARN + "q",
		"PendingConfirmation": "false", "ConfirmationWasAuthenticated": "true", "RawMessageDelivery": "false", "Owner": "123456789012"} {
		if a[k] != want {
			t.Errorf("%s = %q, want %q", k, a[k], want)
		}
	}
	if _, ok := a["FilterPolicy"]; ok {
		t.Errorf("FilterPolicy present without a policy")
	}
	if _, ok := a["FilterPolicyScope"]; ok {
		t.Errorf("FilterPolicyScope present without a policy")
	}
	set := func(name, value string) error {
		_, err := sub.SetSubscriptionAttributes(e.ctx, pubsub.SetSubscriptionAttributesInput{AttributeName: name, AttributeValue: value})
		return err
	}
	if err := set("FilterPolicy", `{"k":["v"]}`); err != nil {
		t.Fatal(err)
	}
	if a := get(); a["FilterPolicy"] != `{"k":["v"]}` || a["FilterPolicyScope"] != "MessageAttributes" {
		t.Errorf("after FilterPolicy: %v", a)
	}
	if err := set("FilterPolicy", ""); err != nil {
		t.Fatal(err)
	}
	if _, ok := get()["FilterPolicy"]; ok {
		t.Errorf("FilterPolicy \"\" did not remove the policy")
	}
	psWantErr(t, set("RawMessageDelivery", "1"), pubsub.ErrInvalidParameter, "Invalid parameter: RawMessageDelivery: Invalid value [1]. Must be true or false.")
	psWantErr(t, set("FilterPolicyScope", "RandomValue"), pubsub.ErrInvalidParameter, "Invalid parameter: FilterPolicyScope: Invalid value [RandomValue]. Please use either MessageBody or MessageAttributes")
	psWantErr(t, set("Protocol", "sqs"), pubsub.ErrInvalidParameter, "Invalid parameter: AttributeName")
	if err := set("RedrivePolicy", `{"deadLetterTargetArn":"`+psQueueARN+`dlq"}`); err != nil {
		t.Fatal(err)
	}
	if get()["RedrivePolicy"] == "" {
		t.Errorf("RedrivePolicy not stored")
	}

	if _, err := e.svc.Unsubscribe(e.ctx, pubsub.UnsubscribeInput{SubscriptionArn: arn}); err != nil {
		t.Fatal(err)
	}
	if _, err := e.svc.Unsubscribe(e.ctx, pubsub.UnsubscribeInput{SubscriptionArn: arn}); err != nil {
		t.Fatalf("second Unsubscribe: %v", err)
	}
	_, err = sub.GetSubscriptionAttributes(e.ctx)
	psWantErr(t, err, pubsub.ErrNotFound, "Subscription does not exist")
}

func TestListSubscriptions_Paging(t *testing.T) {
	e := psNewEnv(t)
	a, b := e.topic("a", nil), e.topic("b", nil)
	e.topic("c", nil)
	for i := range 150 {
		e.subscribe(a, "sqs", fmt.Sprint(psQueueARN, "q", i), nil)
	}
	for i := range 60 {
		e.subscribe(b, "sqs", fmt.Sprint(psQueueARN, "q", i), nil)
	}
	seen := map[string]bool{}
	tok, pages := "", 0
	for {
		out, err := e.svc.ListSubscriptions(e.ctx, pubsub.ListSubscriptionsInput{NextToken: tok})
		if err != nil {
			t.Fatal(err)
		}
		pages++
		if len(out.Subscriptions) > 100 {
			t.Fatalf("page of %d", len(out.Subscriptions))
		}
		for _, s := range out.Subscriptions {
			if seen[s.SubscriptionArn] {
				t.Fatalf("%s listed twice", s.SubscriptionArn)
			}
			seen[s.SubscriptionArn] = true
		}
		if tok = out.NextToken; tok == "" {
			break
		}
	}
	if len(seen) != 210 || pages != 3 {
		t.Fatalf("listed %d in %d pages, want 210 in 3", len(seen), pages)
	}
	out, err := a.ListSubscriptionsByTopic(e.ctx, pubsub.ListSubscriptionsByTopicInput{})
	if err != nil || len(out.Subscriptions) != 100 || out.NextToken == "" {
		t.Fatalf("first page: %d, %q, %v", len(out.Subscriptions), out.NextToken, err)
	}
	out, err = a.ListSubscriptionsByTopic(e.ctx, pubsub.ListSubscriptionsByTopicInput{NextToken: out.NextToken})
	if err != nil || len(out.Subscriptions) != 50 || out.NextToken != "" || out.Subscriptions[0].Endpoint != psQueueARN+"q100" {
		t.Fatalf("second page: %d, %q, %v", len(out.Subscriptions), out.NextToken, err)
	}
}

func TestEmailConfirmation(t *testing.T) {
	e := psNewEnv(t)
	tp := e.topic("t", nil)
	out, err := tp.Subscribe(e.ctx, pubsub.SubscribeInput{Protocol: "email", Endpoint: "me@example.com"})
	if err != nil || out.SubscriptionArn != "pending confirmation" {
		t.Fatalf("Subscribe = %q, %v", out.SubscriptionArn, err)
	}
	e.publish(tp, pubsub.PublishInput{Message: "before"})
	box := e.svc.Outbox()
	if len(box) != 1 || box[0].Type != "SubscriptionConfirmation" || box[0].Token == "" {
		t.Fatalf("outbox = %+v, want one confirmation", box)
	}
	_, err = tp.ConfirmSubscription(e.ctx, pubsub.ConfirmSubscriptionInput{Token: "wrong"})
	psWantErr(t, err, pubsub.ErrInvalidParameter, "Invalid parameter: Token")
	if _, err := tp.ConfirmSubscription(e.ctx, pubsub.ConfirmSubscriptionInput{Token: box[0].Token}); err != nil {
		t.Fatal(err)
	}
	subj := "Hi"
	e.publish(tp, pubsub.PublishInput{Message: "after", Subject: &subj})
	box = e.svc.Outbox()
	if len(box) != 2 || box[1].Body != "after" || box[1].Subject != "Hi" || box[1].Type != "Notification" {
		t.Fatalf("outbox = %+v", box)
	}
}
