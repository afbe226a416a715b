// Command fanout shows an SNS topic fanning out to subscribers, on a mock
// clock: an "orders" topic delivers to three SQS queues, each with its own
// filter policy, and to an HTTP webhook that must first confirm its
// subscription and then fails twice before it accepts a message, so SNS
// retries it by the subscription's delivery policy. Run it with
//
//	go run ./examples/fanout
package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"sync"
	"time"

	"github.com/sluicehq/sluice/internal/clock"
	"github.com/sluicehq/sluice/pubsub"
	"github.com/sluicehq/sluice/queue"
)

func main() {
	if err := run(os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "fanout:", err)
		os.Exit(1)
	}
}

// order is one published order: its body and its message attributes.
type order struct {
	body   string
	region string
	amount string
}

var orders = []order{
	{`{"order":1001,"customer":{"tier":"gold"}}`, "eu-west-1", "42.50"},
	{`{"order":1002,"customer":{"tier":"silver"}}`, "us-east-1", "250"},
	{`{"order":1003,"customer":{"tier":"gold"}}`, "eu-central-1", "1800"},
	{`{"order":1004,"customer":{"tier":"bronze"}}`, "ap-southeast-2", "12"},
}

// subscribers are the SQS queues and their subscription attributes.
var subscribers = []struct {
	queue, about string
	attrs        map[string]string
}{
	{"shipping-eu", "region starts with eu-, raw delivery", map[string]string{
		pubsub.AttrFilterPolicy:       `{"region":[{"prefix":"eu-"}]}`,
		pubsub.AttrRawMessageDelivery: "true",
	}},
	{"loyalty", "100 <= amount < 1000", map[string]string{
		pubsub.AttrFilterPolicy: `{"amount":[{"numeric":[">=",100,"<",1000]}]}`,
	}},
	{"gold-desk", "body's customer.tier is gold", map[string]string{
		pubsub.AttrFilterPolicy:      `{"customer":{"tier":["gold"]}}`,
		pubsub.AttrFilterPolicyScope: pubsub.ScopeMessageBody,
	}},
}

// The webhook's filter policy, and its delivery policy: 3 retries, the
// first after the minimum delay of 20 s, then a linear backoff to 40 s:
// 30 s, then 40 s.
const (
	fraudFilter = `{"amount":[{"numeric":[">=",1000]}]}`
	fraudPolicy = `{"healthyRetryPolicy":{"minDelayTarget":20,"maxDelayTarget":40,"numRetries":3,"numMinDelayRetries":1,"backoffFunction":"linear"}}`
)

func run(w io.Writer) error {
	ctx := context.Background()
	// waitCtx bounds, in real time, the waits for the webhook's requests.
	waitCtx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	mock := clock.NewMock()
	mock.Set(time.Date(2026, 1, 1, 9, 0, 0, 0, time.UTC))
	say := func(format string, args ...any) {
		fmt.Fprintf(w, "[%s] %s\n", mock.Now().Format("15:04:05"), fmt.Sprintf(format, args...))
	}

	// The webhook is a real HTTP server on loopback. It answers 500 to its
	// first two notifications, then 200, and hands the SubscribeURL of the
	// confirmation it gets to this goroutine.
	hook := newWebhook(2)
	srv := httptest.NewServer(hook)
	defer srv.Close()

	// SNS calls http endpoints after Publish returns, on goroutines of its
	// own. Its delivery statuses (AWS writes them to CloudWatch Logs) say
	// how each attempt went and when the next one is due.
	statuses := make(chan pubsub.DeliveryStatus, 16)
	queues := queue.New(queue.WithClock(mock), queue.WithRand(rand.NewPCG(1, 2)))
	defer queues.Close()
	sns := pubsub.New(pubsub.WithClock(mock), pubsub.WithQueues(queues), pubsub.WithRand(rand.NewPCG(3, 4)),
		pubsub.WithHTTPClient(srv.Client()),
		pubsub.WithDeliveryStatus(func(st pubsub.DeliveryStatus) {
			if st.Protocol == "http" && st.MessageType == "Notification" {
				statuses <- st
			}
		}))
	defer sns.Close()

	topic, err := sns.CreateTopic(ctx, pubsub.CreateTopicInput{Name: "orders"})
	if err != nil {
		return err
	}
	say("created topic %s", topic.ARN())

	qs := make([]*queue.Queue, len(subscribers))
	for i, s := range subscribers {
		if qs[i], err = queues.CreateQueue(ctx, queue.CreateQueueInput{QueueName: s.queue}); err != nil {
			return err
		}
		if _, err := topic.Subscribe(ctx, pubsub.SubscribeInput{Protocol: "sqs", Endpoint: qs[i].ARN(), Attributes: s.attrs}); err != nil {
			return err
		}
		say("subscribed queue %s: %s", s.queue, s.about)
	}

	// An http subscription waits for confirmation: SNS posts a
	// SubscriptionConfirmation to the endpoint, whose SubscribeURL carries
	// the topic and the token. Here the endpoint hands the URL back and we
	// confirm with them, as following the URL does against cmd/sluice.
	sub, err := topic.Subscribe(ctx, pubsub.SubscribeInput{Protocol: "http", Endpoint: srv.URL + "/fraud-check",
		Attributes: map[string]string{pubsub.AttrFilterPolicy: fraudFilter, pubsub.AttrDeliveryPolicy: fraudPolicy}})
	if err != nil {
		return err
	}
	say("subscribed webhook /fraud-check: amount >= 1000; subscription is %q", sub.SubscriptionArn)
	var subscribeURL string
	select {
	case subscribeURL = <-hook.confirmations:
	case <-waitCtx.Done():
		return errors.New("the webhook got no SubscriptionConfirmation")
	}
	u, err := url.Parse(subscribeURL)
	if err != nil {
		return err
	}
	say("webhook got a SubscriptionConfirmation")
	confirmed, err := sns.ConfirmSubscription(ctx, pubsub.ConfirmSubscriptionInput{
		TopicArn: u.Query().Get("TopicArn"), Token: u.Query().Get("Token")})
	if err != nil {
		return err
	}
	say("confirmed it with the TopicArn and Token of its SubscribeURL: %s", confirmed.SubscriptionArn)

	// Publish: each message goes to every subscription whose filter policy
	// it passes; the queues have it when Publish returns.
	bodies := map[string]string{} // order bodies by MessageId
	got := map[string]bool{}      // order bodies some subscriber got
	for _, o := range orders {
		out, err := topic.Publish(ctx, pubsub.PublishInput{
			Message: o.body,
			MessageAttributes: map[string]pubsub.MessageAttributeValue{
				"region": {DataType: "String", StringValue: o.region},
				"amount": {DataType: "Number", StringValue: o.amount},
			},
		})
		if err != nil {
			return err
		}
		bodies[out.MessageId] = o.body
		say("published %s, region %s, amount %s, as %s", o.body, o.region, o.amount, out.MessageId)
	}

	// What each queue got. A raw subscription gets the message itself with
	// its attributes; the others get SNS's JSON notification around it.
	for i, q := range qs {
		out, err := q.ReceiveMessage(ctx, queue.ReceiveMessageInput{MaxNumberOfMessages: new(10), MessageAttributeNames: []string{"All"}})
		if err != nil {
			return err
		}
		for _, m := range out.Messages {
			if subscribers[i].attrs[pubsub.AttrRawMessageDelivery] == "true" {
				got[m.Body] = true
				say("queue %s got %s, attributes region=%s amount=%s", subscribers[i].queue, m.Body,
					m.MessageAttributes["region"].StringValue, m.MessageAttributes["amount"].StringValue)
				continue
			}
			var n notification
			if err := json.Unmarshal([]byte(m.Body), &n); err != nil {
				return err
			}
			got[n.Message] = true
			say("queue %s got a %s of %s: %s", subscribers[i].queue, n.Type, n.MessageId, n.Message)
		}
	}

	// The webhook's attempts. A failed one schedules a retry on the clock;
	// moving the clock to it runs the retry, so the output is the same on
	// every run.
	for {
		var st pubsub.DeliveryStatus
		select {
		case st = <-statuses:
		case <-waitCtx.Done():
			return errors.New("no delivery status from the webhook")
		}
		got[bodies[st.MessageId]] = true
		say("webhook got %s, attempt %d: %s (answered %d)", bodies[st.MessageId], st.Attempt, st.Status, st.StatusCode)
		if st.NextAttempt.IsZero() {
			break
		}
		say("SNS will retry it in %s", st.NextAttempt.Sub(mock.Now()))
		mock.Add(st.NextAttempt.Sub(mock.Now()))
	}
	for _, o := range orders {
		if !got[o.body] {
			say("nobody got %s: it passes no filter policy", o.body)
		}
	}
	return nil
}

// notification is the part of SNS's JSON document this program reads: an
// SQS message of a subscription without raw delivery, or the body of an
// http request.
type notification struct {
	Type         string
	MessageId    string
	Message      string
	SubscribeURL string
}

// webhook is an http endpoint that fails the first few notifications and
// hands on the SubscribeURL of each confirmation it gets.
type webhook struct {
	confirmations chan string
	mu            sync.Mutex
	failures      int
}

func newWebhook(failures int) *webhook {
	return &webhook{confirmations: make(chan string, 1), failures: failures}
}

func (h *webhook) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	var n notification
	if err := json.NewDecoder(r.Body).Decode(&n); err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	if n.Type == "SubscriptionConfirmation" {
		h.confirmations <- n.SubscribeURL
		return
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.failures > 0 {
		h.failures--
		w.WriteHeader(http.StatusInternalServerError)
	}
}
