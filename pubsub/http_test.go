package pubsub_test

import (
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"sync"
	"testing"
	"testing/synctest"
	"time"

	"github.com/sluicehq/sluice/pubsub"
)

// psRequest is one request an http endpoint got.
type psRequest struct {
	at     time.Time
	header http.Header
	body   string
}

// psEndpoint is an in-memory http endpoint: it records requests and
// answers with status(n) for the n-th (0-based).
type psEndpoint struct {
	mu     sync.Mutex
	env    *psEnv
	reqs   []psRequest
	status func(n int) int
}

func (p *psEndpoint) RoundTrip(req *http.Request) (*http.Response, error) {
	body, _ := io.ReadAll(req.Body)
	p.mu.Lock()
	n := len(p.reqs)
	p.reqs = append(p.reqs, psRequest{at: p.env.clock.Now(), header: req.Header.Clone(), body: string(body)})
	status := 200
	if p.status != nil {
		status = p.status(n)
	}
	p.mu.Unlock()
	return &http.Response{StatusCode: status, Body: io.NopCloser(strings.NewReader("")), Header: http.Header{}, Request: req}, nil
}

// requests returns the requests so far, once every delivery in flight is
// over: http attempts run on goroutines of their own, so the test waits
// for its synctest bubble to settle.
func (p *psEndpoint) requests() []psRequest {
	synctest.Wait()
	p.mu.Lock()
	defer p.mu.Unlock()
	return append([]psRequest(nil), p.reqs...)
}

func psHTTPEnv(t *testing.T) (*psEnv, *psEndpoint) {
	ep := &psEndpoint{}
	e := psNewEnv(t, pubsub.WithHTTPClient(&http.Client{Transport: ep}))
	ep.env = e
	return e, ep
}

// confirm subscribes an http endpoint and confirms it with the token it
// was sent.
func (e *psEnv) confirm(tp *pubsub.Topic, ep *psEndpoint, attrs map[string]string) string {
	e.t.Helper()
	out, err := tp.Subscribe(e.ctx, pubsub.SubscribeInput{Protocol: "http", Endpoint: "http://example.com/hook", Attributes: attrs})
	if err != nil || out.SubscriptionArn != "pending confirmation" {
		e.t.Fatalf("Subscribe = %q, %v", out.SubscriptionArn, err)
	}
	reqs := ep.requests()
	var doc map[string]string
	if err := json.Unmarshal([]byte(reqs[len(reqs)-1].body), &doc); err != nil {
		e.t.Fatalf("confirmation body: %v", err)
	}
	c, err := tp.ConfirmSubscription(e.ctx, pubsub.ConfirmSubscriptionInput{Token: doc["Token"]})
	if err != nil {
		e.t.Fatal(err)
	}
	return c.SubscriptionArn
}

func TestHTTP_ConfirmationAndNotification(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		e, ep := psHTTPEnv(t)
		tp := e.topic("t", nil)
		_, err := tp.Subscribe(e.ctx, pubsub.SubscribeInput{Protocol: "http", Endpoint: "http://example.com/hook"})
		if err != nil {
			t.Fatal(err)
		}
		e.publish(tp, pubsub.PublishInput{Message: "too early"})
		reqs := ep.requests()
		if len(reqs) != 1 {
			t.Fatalf("%d requests before confirmation, want 1", len(reqs))
		}
		c := reqs[0]
		var doc map[string]string
		if err := json.Unmarshal([]byte(c.body), &doc); err != nil {
			t.Fatal(err)
		}
		if doc["Type"] != "SubscriptionConfirmation" || doc["Token"] == "" || doc["TopicArn"] != tp.ARN() ||
			doc["SubscribeURL"] != "https://sns.us-east-1.amazonaws.com/?Action=ConfirmSubscription&TopicArn=arn%3Aaws%3Asns%3Aus-east-1%3A123456789012%3At&Token="+doc["Token"] ||
			doc["Message"] != "You have chosen to subscribe to the topic "+tp.ARN()+".\nTo confirm the subscription, visit the SubscribeURL included in this message." {
			t.Fatalf("confirmation = %v", doc)
		}
		if h := c.header; h.Get("x-amz-sns-message-type") != "SubscriptionConfirmation" || h.Get("x-amz-sns-topic-arn") != tp.ARN() ||
			h.Get("x-amz-sns-subscription-arn") != "" || h.Get("x-amz-sns-message-id") != doc["MessageId"] {
			t.Fatalf("confirmation headers = %v", h)
		}
		e.clock.Add(48*time.Hour + time.Second)
		_, err = tp.ConfirmSubscription(e.ctx, pubsub.ConfirmSubscriptionInput{Token: doc["Token"]})
		psWantErr(t, err, pubsub.ErrInvalidParameter, "Invalid parameter: Token")

		// Subscribing again sends a fresh token.
		arn := e.confirm(tp, ep, nil)
		out := e.publish(tp, pubsub.PublishInput{Message: "hello"})
		reqs = ep.requests()
		n := reqs[len(reqs)-1]
		if h := n.header; h.Get("x-amz-sns-message-type") != "Notification" || h.Get("x-amz-sns-message-id") != out.MessageId ||
			h.Get("x-amz-sns-subscription-arn") != arn || h.Get("Content-Type") != "text/plain; charset=UTF-8" ||
			h.Get("User-Agent") != "Amazon Simple Notification Service Agent" || h.Get("x-amz-sns-rawdelivery") != "" {
			t.Fatalf("notification headers = %v", h)
		}
		if !strings.Contains(n.body, `"Message" : "hello"`) {
			t.Fatalf("notification body = %s", n.body)
		}
		sub, _ := e.svc.SubscriptionFromARN(arn)
		if _, err := sub.SetSubscriptionAttributes(e.ctx, pubsub.SetSubscriptionAttributesInput{AttributeName: "RawMessageDelivery", AttributeValue: "true"}); err != nil {
			t.Fatal(err)
		}
		e.publish(tp, pubsub.PublishInput{Message: "raw", MessageAttributes: map[string]pubsub.MessageAttributeValue{"a": {DataType: "String", StringValue: "v"}}})
		reqs = ep.requests()
		if r := reqs[len(reqs)-1]; r.body != "raw" || r.header.Get("x-amz-sns-rawdelivery") != "true" {
			t.Fatalf("raw delivery = %q, %v", r.body, r.header)
		}
		if _, err := e.svc.Unsubscribe(e.ctx, pubsub.UnsubscribeInput{SubscriptionArn: arn}); err != nil {
			t.Fatal(err)
		}
		reqs = ep.requests()
		u := reqs[len(reqs)-1]
		var udoc map[string]string
		if err := json.Unmarshal([]byte(u.body), &udoc); err != nil {
			t.Fatal(err)
		}
		if udoc["Type"] != "UnsubscribeConfirmation" || u.header.Get("x-amz-sns-message-type") != "UnsubscribeConfirmation" ||
			u.header.Get("x-amz-sns-subscription-arn") != arn ||
			udoc["Message"] != "You have chosen to deactivate subscription "+arn+".\nTo cancel this operation and restore the subscription, visit the SubscribeURL included in this message." {
			t.Fatalf("unsubscribe confirmation = %v, %v", udoc, u.header)
		}
	})
}

func TestHTTP_Retries(t *testing.T) {
	const subPolicy = `{"healthyRetryPolicy":{"minDelayTarget":5,"maxDelayTarget":5,"numRetries":2}}`
	for _, tc := range []struct {
		name        string
		status      func(n int) int
		want        []time.Duration // attempt times after the publish
		dlq         bool
		topicPolicy string
		subPolicy   string
	}{
		{"subscription policy", func(int) int { return 500 }, []time.Duration{0, 5 * time.Second, 10 * time.Second}, true, "", subPolicy},
		{"overrides disabled", func(int) int { return 500 }, []time.Duration{0, 30 * time.Second}, true,
			`{"http":{"defaultHealthyRetryPolicy":{"minDelayTarget":30,"maxDelayTarget":30,"numRetries":1},"disableSubscriptionOverrides":true}}`, subPolicy},
		{"server errors", func(int) int { return 500 }, []time.Duration{0, 20 * time.Second, 40 * time.Second, 60 * time.Second}, true, "", ""},
		{"client error", func(int) int { return 404 }, []time.Duration{0}, true, "", ""},
		{"second attempt succeeds", func(n int) int { return []int{503, 200}[min(n, 1)] }, []time.Duration{0, 20 * time.Second}, false, "", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				e, ep := psHTTPEnv(t)
				tp := e.topic("t", nil)
				dlq := e.queue("dlq")
				attrs := map[string]string{"RedrivePolicy": `{"deadLetterTargetArn":"` + dlq.ARN() + `"}`}
				if tc.subPolicy != "" {
					attrs["DeliveryPolicy"] = tc.subPolicy
				}
				if tc.topicPolicy != "" {
					if _, err := tp.SetTopicAttributes(e.ctx, pubsub.SetTopicAttributesInput{AttributeName: "DeliveryPolicy", AttributeValue: tc.topicPolicy}); err != nil {
						t.Fatal(err)
					}
				}
				e.confirm(tp, ep, attrs)
				confirmations := len(ep.requests())
				ep.mu.Lock()
				ep.status = func(n int) int { return tc.status(n - confirmations) }
				ep.mu.Unlock()
				start := e.clock.Now()
				out := e.publish(tp, pubsub.PublishInput{Message: "m"})
				for range 20 {
					synctest.Wait()
					e.clock.Add(5 * time.Second)
				}
				synctest.Wait()
				reqs := ep.requests()[confirmations:]
				if len(reqs) != len(tc.want) {
					t.Fatalf("%d attempts, want %d", len(reqs), len(tc.want))
				}
				for i, r := range reqs {
					if got := r.at.Sub(start); got != tc.want[i] {
						t.Errorf("attempt %d at +%v, want +%v", i, got, tc.want[i])
					}
					if r.header.Get("x-amz-sns-message-id") != out.MessageId {
						t.Errorf("attempt %d has MessageId %s", i, r.header.Get("x-amz-sns-message-id"))
					}
				}
				msgs := e.receive(dlq)
				if tc.dlq != (len(msgs) == 1) {
					t.Fatalf("dead-letter queue got %d messages", len(msgs))
				}
				if tc.dlq && !strings.Contains(msgs[0].Body, `"MessageId" : "`+out.MessageId+`"`) {
					t.Errorf("dead-letter message = %s", msgs[0].Body)
				}
			})
		})
	}
}

func TestHTTP_DeliveryPolicy(t *testing.T) {
	e := psNewEnv(t)
	tp := e.topic("t", nil)
	_, err := tp.SetTopicAttributes(e.ctx, pubsub.SetTopicAttributesInput{AttributeName: "DeliveryPolicy",
		AttributeValue: `{"http":{"defaultHealthyRetryPolicy":{"minDelayTarget":20,"maxDelayTarget":3600,"numRetries":100,"backoffFunction":"linear"}}}`})
	psWantErr(t, err, pubsub.ErrInvalidParameter, "Invalid parameter: DeliveryPolicy: http.defaultHealthyRetryPolicy: Total policy retry time cannot be greater than 3600 seconds")
	if _, err := tp.SetTopicAttributes(e.ctx, pubsub.SetTopicAttributesInput{AttributeName: "DeliveryPolicy",
		AttributeValue: `{"http":{"defaultHealthyRetryPolicy":{"minDelayTarget":1,"maxDelayTarget":60,"numRetries":10,"backoffFunction":"exponential"}}}`}); err != nil {
		t.Fatal(err)
	}
}

func TestHTTP_ContentType(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		e, ep := psHTTPEnv(t)
		tp := e.topic("t", nil)
		arn := e.confirm(tp, ep, map[string]string{"DeliveryPolicy": `{"requestPolicy":{"headerContentType":"application/json"}}`})
		e.publish(tp, pubsub.PublishInput{Message: "m"})
		reqs := ep.requests()
		if ct := reqs[len(reqs)-1].header.Get("Content-Type"); ct != "application/json" {
			t.Fatalf("Content-Type = %q", ct)
		}
		sub, _ := e.svc.SubscriptionFromARN(arn)
		out, _ := sub.GetSubscriptionAttributes(e.ctx)
		want := `{"healthyRetryPolicy":{"minDelayTarget":20,"maxDelayTarget":20,"numRetries":3,"numMaxDelayRetries":0,"numNoDelayRetries":0,"numMinDelayRetries":0,"backoffFunction":"linear"},"sicklyRetryPolicy":null,"throttlePolicy":null,"requestPolicy":{"headerContentType":"application/json"},"guaranteed":false}`
		if got := out.Attributes["EffectiveDeliveryPolicy"]; got != want {
			t.Fatalf("EffectiveDeliveryPolicy = %s, want %s", got, want)
		}
	})
}
