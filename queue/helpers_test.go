package queue_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/sluicehq/sluice/internal/clock"
	"github.com/sluicehq/sluice/queue"
)

// epoch is where every test's mock clock starts.
var epoch = time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)

// env is one test's Service on a mock clock.
type env struct {
	t     *testing.T
	ctx   context.Context
	clock *clock.Mock
	svc   *queue.Service
}

func newEnv(t *testing.T, opts ...queue.Option) *env {
	t.Helper()
	mock := clock.NewMock()
	mock.Set(epoch)
	svc := queue.New(append([]queue.Option{queue.WithClock(mock)}, opts...)...)
	t.Cleanup(func() { svc.Close() })
	return &env{t: t, ctx: context.Background(), clock: mock, svc: svc}
}

// create makes a queue or fails the test.
func (e *env) create(name string, attrs queue.Attributes) *queue.Queue {
	e.t.Helper()
	q, err := e.svc.CreateQueue(e.ctx, queue.CreateQueueInput{QueueName: name, Attributes: attrs})
	if err != nil {
		e.t.Fatalf("CreateQueue(%q): %v", name, err)
	}
	return q
}

// send sends a body or fails the test.
func (e *env) send(q *queue.Queue, body string) queue.SendMessageOutput {
	e.t.Helper()
	out, err := q.SendMessage(e.ctx, queue.SendMessageInput{MessageBody: body})
	if err != nil {
		e.t.Fatalf("SendMessage(%q): %v", body, err)
	}
	return out
}

// receive short-polls up to n messages or fails the test.
func (e *env) receive(q *queue.Queue, n int) []queue.Message {
	e.t.Helper()
	out, err := q.ReceiveMessage(e.ctx, queue.ReceiveMessageInput{MaxNumberOfMessages: new(n), WaitTimeSeconds: new(time.Duration(0))})
	if err != nil {
		e.t.Fatalf("ReceiveMessage: %v", err)
	}
	return out.Messages
}

// attr returns one queue attribute or fails the test.
func (e *env) attr(q *queue.Queue, name queue.AttributeName) string {
	e.t.Helper()
	out, err := q.GetQueueAttributes(e.ctx, queue.GetQueueAttributesInput{AttributeNames: []queue.AttributeName{name}})
	if err != nil {
		e.t.Fatalf("GetQueueAttributes(%s): %v", name, err)
	}
	return out.Attributes[name]
}

// wantErr fails the test unless err matches the sentinel and, if msg is not
// empty, carries exactly that message.
func wantErr(t *testing.T, err error, sentinel *queue.Error, msg string) {
	t.Helper()
	if !errors.Is(err, sentinel) {
		t.Fatalf("error = %v, want %s", err, sentinel.Code)
	}
	var qe *queue.Error
	if msg != "" && (!errors.As(err, &qe) || qe.Message != msg) {
		t.Fatalf("message = %q, want %q", qe.Message, msg)
	}
}
