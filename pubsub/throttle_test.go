package pubsub_test

import (
	"testing"
	"testing/synctest"
	"time"

	"github.com/sluicehq/sluice/pubsub"
)

// A throttle policy spaces the attempts to an endpoint 1/maxReceivesPerSecond
// apart, first attempts and retries alike.
func TestHTTP_ThrottlePolicy(t *testing.T) {
	for _, tc := range []struct {
		name                   string
		topicPolicy, subPolicy string
		want                   []time.Duration // notification attempt times after the publishes
	}{
		{"subscription throttle", "", `{"throttlePolicy":{"maxReceivesPerSecond":2}}`,
			[]time.Duration{0, 500 * time.Millisecond, time.Second, 1500 * time.Millisecond}},
		{"topic default throttle", `{"http":{"defaultThrottlePolicy":{"maxReceivesPerSecond":4}}}`, "",
			[]time.Duration{0, 250 * time.Millisecond, 500 * time.Millisecond, 750 * time.Millisecond}},
		{"no throttle", "", "", []time.Duration{0, 0, 0, 0}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				e, ep := psHTTPEnv(t)
				tp := e.topic("t", nil)
				if tc.topicPolicy != "" {
					if _, err := tp.SetTopicAttributes(e.ctx, pubsub.SetTopicAttributesInput{AttributeName: "DeliveryPolicy", AttributeValue: tc.topicPolicy}); err != nil {
						t.Fatal(err)
					}
				}
				var attrs map[string]string
				if tc.subPolicy != "" {
					attrs = map[string]string{"DeliveryPolicy": tc.subPolicy}
				}
				e.confirm(tp, ep, attrs)
				e.clock.Add(time.Minute) // the confirmation's slot is long past
				confirmations := len(ep.requests())
				start := e.clock.Now()
				for range 4 {
					e.publish(tp, pubsub.PublishInput{Message: "m"})
				}
				for range 20 {
					synctest.Wait()
					e.clock.Add(250 * time.Millisecond)
				}
				reqs := ep.requests()[confirmations:]
				if len(reqs) != len(tc.want) {
					t.Fatalf("%d attempts, want %d", len(reqs), len(tc.want))
				}
				for i, r := range reqs {
					if got := r.at.Sub(start); got != tc.want[i] {
						t.Errorf("attempt %d at +%v, want +%v", i, got, tc.want[i])
					}
				}
			})
		})
	}
}

func TestHTTP_ThrottlePolicyValidation(t *testing.T) {
	e := psNewEnv(t)
	tp := e.topic("t", nil)
	_, err := tp.SetTopicAttributes(e.ctx, pubsub.SetTopicAttributesInput{AttributeName: "DeliveryPolicy",
		AttributeValue: `{"http":{"defaultThrottlePolicy":{"maxReceivesPerSecond":0}}}`})
	psWantErr(t, err, pubsub.ErrInvalidParameter, "Invalid parameter: DeliveryPolicy: http.defaultThrottlePolicy.maxReceivesPerSecond must be greater than or equal to 1")
	_, err = tp.Subscribe(e.ctx, pubsub.SubscribeInput{Protocol: "http", Endpoint: "http://example.com/",
		Attributes: map[string]string{"DeliveryPolicy": `{"throttlePolicy":{"maxReceivesPerSecond":-1}}`}})
	psWantErr(t, err, pubsub.ErrInvalidParameter, "Invalid parameter: DeliveryPolicy: throttlePolicy.maxReceivesPerSecond must be greater than or equal to 1")

	sub := e.subscribe(tp, "http", "http://example.com/", map[string]string{"DeliveryPolicy": `{"throttlePolicy":{"maxReceivesPerSecond":7}}`})
	s, _ := e.svc.SubscriptionFromARN(sub)
	out, _ := s.GetSubscriptionAttributes(e.ctx)
	want := `{"healthyRetryPolicy":{"minDelayTarget":20,"maxDelayTarget":20,"numRetries":3,"numMaxDelayRetries":0,"numNoDelayRetries":0,"numMinDelayRetries":0,"backoffFunction":"linear"},"sicklyRetryPolicy":null,"throttlePolicy":{"maxReceivesPerSecond":7},"guaranteed":false}`
	if got := out.Attributes["EffectiveDeliveryPolicy"]; got != want {
		t.Fatalf("EffectiveDeliveryPolicy = %s, want %s", got, want)
	}
}

// A SubscriptionConfirmation that fails is retried by the delivery
// policy; a retry pending when its subscription is deleted is dropped.
func TestHTTP_ConfirmationRetriesAndUnsubscribe(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		e, ep := psHTTPEnv(t)
		ep.status = func(n int) int { return []int{500, 200, 500}[min(n, 2)] }
		tp := e.topic("t", nil)
		if _, err := tp.Subscribe(e.ctx, pubsub.SubscribeInput{Protocol: "http", Endpoint: "http://example.com/hook"}); err != nil {
			t.Fatal(err)
		}
		if n := len(ep.requests()); n != 1 {
			t.Fatalf("%d requests, want 1", n)
		}
		e.clock.Add(20 * time.Second) // the default policy's first retry
		reqs := ep.requests()
		if len(reqs) != 2 || reqs[1].header.Get("x-amz-sns-message-type") != "SubscriptionConfirmation" {
			t.Fatalf("%d requests after 20 s, want the confirmation retried", len(reqs))
		}
		arn := e.confirm(tp, ep, nil) // asks again (request 3, answered 500) and confirms
		e.publish(tp, pubsub.PublishInput{Message: "m"})
		before := len(ep.requests())
		if _, err := e.svc.Unsubscribe(e.ctx, pubsub.UnsubscribeInput{SubscriptionArn: arn}); err != nil {
			t.Fatal(err)
		}
		for range 10 {
			e.clock.Add(20 * time.Second)
		}
		for _, r := range ep.requests()[before:] {
			if typ := r.header.Get("x-amz-sns-message-type"); typ == "Notification" {
				t.Fatal("a notification was retried after Unsubscribe")
			}
		}
	})
}
