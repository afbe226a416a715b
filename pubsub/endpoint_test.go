package pubsub_test

import (
	"context"
	"errors"
	"strings"
	"sync"
	"testing"
	"testing/synctest"
	"time"

	"github.com/sluicehq/sluice/pubsub"
	"github.com/sluicehq/sluice/queue"
)

func TestQueueEndpoint(t *testing.T) {
	e := psNewEnv(t)
	tp := e.topic("t", nil)
	// A queue of a queue.Service not given to WithQueues.
	other := queue.New(queue.WithClock(e.clock))
	t.Cleanup(func() { other.Close() })
	q, err := other.CreateQueue(e.ctx, queue.CreateQueueInput{QueueName: "elsewhere"})
	if err != nil {
		t.Fatal(err)
	}
	endpoint := e.svc.QueueEndpoint(q)
	if endpoint != q.ARN() {
		t.Fatalf("QueueEndpoint = %q, want %q", endpoint, q.ARN())
	}
	e.subscribe(tp, "sqs", endpoint, map[string]string{"RawMessageDelivery": "true"})
	e.publish(tp, pubsub.PublishInput{Message: "hello"})
	if got := psBodies(e.receive(q)); len(got) != 1 || got[0] != "hello" {
		t.Fatalf("queue got %q, want [hello]", got)
	}
}

func TestFuncEndpoint(t *testing.T) {
	e := psNewEnv(t)
	tp := e.topic("t", nil)
	var got []pubsub.LambdaEvent
	arn := e.svc.FuncEndpoint("fn", func(_ context.Context, ev pubsub.LambdaEvent) error {
		got = append(got, ev)
		return nil
	})
	if arn != e.svc.FunctionARN("fn") {
		t.Fatalf("FuncEndpoint = %q, want %q", arn, e.svc.FunctionARN("fn"))
	}
	sub := e.subscribe(tp, "lambda", arn, nil)
	out := e.publish(tp, pubsub.PublishInput{Message: "hello"})
	if len(got) != 1 || len(got[0].Records) != 1 {
		t.Fatalf("function got %+v", got)
	}
	if r := got[0].Records[0]; r.EventSubscriptionArn != sub || r.Sns.MessageId != out.MessageId || r.Sns.Message != "hello" {
		t.Fatalf("record = %+v", r)
	}
}

// psFirehose is a FirehoseDeliverer that records its records and fails
// its first fail calls.
type psFirehose struct {
	mu      sync.Mutex
	records []string
	calls   int
	fail    int
}

func (f *psFirehose) PutRecord(_ context.Context, data []byte) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.calls++
	if f.calls <= f.fail {
		return errors.New("boom")
	}
	f.records = append(f.records, string(data))
	return nil
}

func (f *psFirehose) got() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]string(nil), f.records...)
}

const psStreamARN = "arn:aws:firehose:us-east-1:123456789012:deliverystream/s"

func TestRegisterFirehose(t *testing.T) {
	e := psNewEnv(t)
	tp := e.topic("t", nil)
	f := &psFirehose{}
	e.svc.RegisterFirehose(psStreamARN, f)
	sub := e.subscribe(tp, "firehose", psStreamARN, nil)
	rawStream := psStreamARN + "-raw"
	raw := &psFirehose{}
	e.svc.RegisterFirehose(rawStream, raw)
	e.subscribe(tp, "firehose", rawStream, map[string]string{"RawMessageDelivery": "true"})
	unregistered := psStreamARN + "-none"
	e.subscribe(tp, "firehose", unregistered, nil)

	out := e.publish(tp, pubsub.PublishInput{Message: "hello"})
	got := f.got()
	if len(got) != 1 || !strings.HasPrefix(got[0], "{\n  \"Type\" : \"Notification\",\n  \"MessageId\" : \""+out.MessageId+"\",\n") ||
		!strings.Contains(got[0], `"Message" : "hello"`) || !strings.Contains(got[0], `"UnsubscribeURL" : "`) || !strings.Contains(got[0], sub) {
		t.Fatalf("firehose got %q, want the JSON notification", got)
	}
	if got := raw.got(); len(got) != 1 || got[0] != "hello" {
		t.Fatalf("raw firehose got %q, want [hello]", got)
	}
	// Only the stream with nothing registered goes to the outbox.
	box := e.svc.Outbox()
	if len(box) != 1 || box[0].Endpoint != unregistered || !strings.Contains(box[0].Body, `"Message" : "hello"`) {
		t.Fatalf("outbox = %+v, want one notification for %s", box, unregistered)
	}
}

func TestRegisterFirehose_ManagedRetries(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		e := psNewEnv(t)
		tp := e.topic("t", nil)
		dlq := e.queue("dlq")
		f := &psFirehose{fail: 5}
		e.svc.RegisterFirehose(psStreamARN, f)
		e.subscribe(tp, "firehose", psStreamARN, map[string]string{"RedrivePolicy": `{"deadLetterTargetArn":"` + dlq.ARN() + `"}`})
		e.publish(tp, pubsub.PublishInput{Message: "m"})
		// The attempt and 3 immediate retries fail inside Publish; the
		// retries 1 s and 2 s later fail and succeed.
		if got := f.got(); len(got) != 0 {
			t.Fatalf("firehose got %q inside Publish", got)
		}
		for range 3 {
			synctest.Wait()
			e.clock.Add(time.Second)
		}
		synctest.Wait()
		if got := f.got(); len(got) != 1 || !strings.Contains(got[0], `"Message" : "m"`) {
			t.Fatalf("firehose got %q after retries", got)
		}
		if msgs := e.receive(dlq); len(msgs) != 0 {
			t.Fatalf("dead-letter queue got %q", psBodies(msgs))
		}

	})
}
