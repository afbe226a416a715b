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
	mock := &watchedClock{Mock: clock.NewMock(), armed: make(chan time.Duration, 16)}
	mock.Set(time.Date(2026, 1, 1, 9, 0, 0, 0, time.UTC))
	say := func(format string, args ...any) {
		fmt.Fprintf(w, "[%s] %s\n", mock.Now().Format("15:04:05"), fmt.Sprintf(format, args...))
	}

	// The webhook is a real HTTP server on loopback. It answers 500 to its
	// first two notifications, then 200, and reports every request it gets
	// on a channel, so that this goroutine prints them in order.
	hook := newWebhook(2)
	srv := httptest.NewServer(hook)
	defer srv.Close()

	queues := queue.New(queue.WithClock(mock.Mock), queue.WithRand(rand.NewPCG(1, 2)))
	defer queues.Close()
	sns := pubsub.New(pubsub.WithClock(mock), pubsub.WithQueues(queues), pubsub.WithRand(rand.NewPCG(3, 4)),
		pubsub.WithHTTPClient(srv.Client()))
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
	// the token. Here the endpoint hands the URL back and we confirm with
	// its token, as the ConfirmSubscription action of that URL would.
	sub, err := topic.Subscribe(ctx, pubsub.SubscribeInput{Protocol: "http", Endpoint: srv.URL + "/fraud-check",
		Attributes: map[string]string{pubsub.AttrFilterPolicy: fraudFilter, pubsub.AttrDeliveryPolicy: fraudPolicy}})
	if err != nil {
		return err
	}
	say("subscribed webhook /fraud-check: amount >= 1000; subscription is %q", sub.SubscriptionArn)
	req, err := hook.next(waitCtx)
	if err != nil {
		return err
	}
	say("webhook got a %s (answered %d)", req.Type, req.status)
	u, err := url.Parse(req.SubscribeURL)
	if err != nil {
		return err
	}
	confirmed, err := topic.ConfirmSubscription(ctx, pubsub.ConfirmSubscriptionInput{Token: u.Query().Get("Token")})
	if err != nil {
		return err
	}
	say("confirmed it with the Token of its SubscribeURL: %s", confirmed.SubscriptionArn)

	// webhookAttempt prints the webhook's next request and, if it failed,
	// the retry SNS armed for it, in retryIn. It reports whether the
	// message is done.
	var retryIn time.Duration
	webhookAttempt := func() (bool, error) {
		req, err := hook.next(waitCtx)
		if err != nil {
			return false, err
		}
		say("webhook got %s, attempt %d (answered %d)", req.Message, req.attempt, req.status)
		if req.status < 300 {
			return true, nil
		}
		select {
		case retryIn = <-mock.armed:
			say("SNS will retry it in %s", retryIn)
			return false, nil
		case <-waitCtx.Done():
			return false, errors.New("no retry armed after a failed attempt")
		}
	}

	// Publish: each message goes, before Publish returns, to every
	// subscription whose filter policy it passes, the webhook's first
	// attempt included.
	got := map[string]bool{} // order bodies some subscriber got
	webhookDone := false
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
		say("published %s, region %s, amount %s, as %s", o.body, o.region, o.amount, out.MessageId)
		// The webhook's first attempt, and the retry armed if it failed,
		// are over when Publish returns.
		if len(hook.got) > 0 {
			got[o.body] = true
			if webhookDone, err = webhookAttempt(); err != nil {
				return err
			}
		}
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
	for _, o := range orders {
		if !got[o.body] {
			say("nobody got %s: it passes no filter policy", o.body)
		}
	}

	// Each failed attempt armed a retry timer on the clock. Moving the
	// clock to it runs the retry. The clock moves only once the retry is
	// armed, and exactly to it, so the output is the same on every run.
	for !webhookDone {
		mock.Add(retryIn)
		if webhookDone, err = webhookAttempt(); err != nil {
			return err
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

// request is one request the webhook got, and its answer.
type request struct {
	notification
	attempt int // the request's attempt at its message
	status  int
}

// webhook is an http endpoint that fails the first few notifications.
type webhook struct {
	got      chan request
	mu       sync.Mutex
	failures int
	attempts map[string]int
}

func newWebhook(failures int) *webhook {
	return &webhook{got: make(chan request, 16), failures: failures, attempts: map[string]int{}}
}

// next returns the next request the webhook got, or an error once ctx is
// done: a real HTTP server is on the other side, so the program guards its
// waits with real time rather than hang.
func (h *webhook) next(ctx context.Context) (request, error) {
	select {
	case req := <-h.got:
		return req, nil
	case <-ctx.Done():
		return request{}, errors.New("the webhook got no request")
	}
}

func (h *webhook) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	var n notification
	if err := json.NewDecoder(r.Body).Decode(&n); err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	h.mu.Lock()
	status := http.StatusOK
	h.attempts[n.MessageId]++
	if n.Type == "Notification" && h.failures > 0 {
		h.failures--
		status = http.StatusInternalServerError
	}
	req := request{notification: n, attempt: h.attempts[n.MessageId], status: status}
	h.mu.Unlock()
	h.got <- req
	w.WriteHeader(status)
}

// watchedClock is a mock clock that reports on armed each timer pubsub
// arms. A topic's only timer is its http retry timer (see "Time" in the
// pubsub documentation), so a report means a failed attempt is over and
// its retry is scheduled: the clock can move.
type watchedClock struct {
	*clock.Mock
	armed chan time.Duration
}

func (c *watchedClock) AfterFunc(d time.Duration, f func()) *clock.Timer {
	t := c.Mock.AfterFunc(d, f)
	c.armed <- d
	return t
}
