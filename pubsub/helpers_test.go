package pubsub_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/sluicehq/sluice/internal/clock"
	"github.com/sluicehq/sluice/pubsub"
	"github.com/sluicehq/sluice/queue"
)

// psEpoch is where every test's mock clock starts.
var psEpoch = time.Date(2026, 1, 2, 3, 4, 5, 678_000_000, time.UTC)

// psEnv is one test's SNS and SQS Services on one mock clock.
type psEnv struct {
	t      *testing.T
	ctx    context.Context
	clock  *clock.Mock
	queues *queue.Service
	svc    *pubsub.Service
}

func psNewEnv(t *testing.T, opts ...pubsub.Option) *psEnv {
	t.Helper()
	mock := clock.NewMock()
	mock.Set(psEpoch)
	qs := queue.New(queue.WithClock(mock))
	svc := pubsub.New(append([]pubsub.Option{pubsub.WithClock(mock), pubsub.WithQueues(qs)}, opts...)...)
	t.Cleanup(func() { svc.Close(); qs.Close() })
	return &psEnv{t: t, ctx: context.Background(), clock: mock, queues: qs, svc: svc}
}

// topic creates a topic or fails the test.
func (e *psEnv) topic(name string, attrs map[string]string) *pubsub.Topic {
	e.t.Helper()
	t, err := e.svc.CreateTopic(e.ctx, pubsub.CreateTopicInput{Name: name, Attributes: attrs})
	if err != nil {
		e.t.Fatalf("CreateTopic(%q): %v", name, err)
	}
	return t
}

// queue creates an SQS queue or fails the test.
func (e *psEnv) queue(name string) *queue.Queue {
	e.t.Helper()
	var attrs queue.Attributes
	if len(name) > 5 && name[len(name)-5:] == ".fifo" {
		attrs.FifoQueue = new(true)
	}
	q, err := e.queues.CreateQueue(e.ctx, queue.CreateQueueInput{QueueName: name, Attributes: attrs})
	if err != nil {
		e.t.Fatalf("CreateQueue(%q): %v", name, err)
	}
	return q
}

// subscribe subscribes or fails the test, returning the subscription ARN.
func (e *psEnv) subscribe(t *pubsub.Topic, protocol, endpoint string, attrs map[string]string) string {
	e.t.Helper()
	out, err := t.Subscribe(e.ctx, pubsub.SubscribeInput{Protocol: protocol, Endpoint: endpoint, Attributes: attrs, ReturnSubscriptionArn: true})
	if err != nil {
		e.t.Fatalf("Subscribe(%s, %s): %v", protocol, endpoint, err)
	}
	return out.SubscriptionArn
}

// publish publishes or fails the test.
func (e *psEnv) publish(t *pubsub.Topic, in pubsub.PublishInput) pubsub.PublishOutput {
	e.t.Helper()
	out, err := t.Publish(e.ctx, in)
	if err != nil {
		e.t.Fatalf("Publish(%q): %v", in.Message, err)
	}
	return out
}

// receive short-polls up to 10 messages or fails the test.
func (e *psEnv) receive(q *queue.Queue) []queue.Message {
	e.t.Helper()
	out, err := q.ReceiveMessage(e.ctx, queue.ReceiveMessageInput{MaxNumberOfMessages: new(10), WaitTimeSeconds: new(time.Duration(0)),
		MessageAttributeNames: []string{"All"}, MessageSystemAttributeNames: []queue.MessageSystemAttributeName{queue.SystemAttributeAll}})
	if err != nil {
		e.t.Fatalf("ReceiveMessage: %v", err)
	}
	return out.Messages
}

// psWantErr fails the test unless err matches the sentinel and, if msg is
// not empty, carries exactly that message.
func psWantErr(t *testing.T, err error, sentinel *pubsub.Error, msg string) {
	t.Helper()
	if !errors.Is(err, sentinel) {
		t.Fatalf("error = %v, want %s", err, sentinel.Code)
	}
	var pe *pubsub.Error
	if msg != "" && (!errors.As(err, &pe) || pe.Message != msg) {
		t.Fatalf("message = %q, want %q", pe.Message, msg)
	}
}

// psBodies returns the bodies of messages in order.
func psBodies(msgs []queue.Message) []string {
	var out []string
	for _, m := range msgs {
		out = append(out, m.Body)
	}
	return out
}
