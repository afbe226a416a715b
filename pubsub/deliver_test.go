package pubsub_test

import (
	"testing"

	"github.com/sluicehq/sluice/pubsub"
	"github.com/sluicehq/sluice/queue"
)

// TestDeliverToRecreatedQueue: deliveries find a queue deleted and made
// again under its name after earlier deliveries, and a queue registered
// later takes precedence over WithQueues' one.
func TestDeliverToRecreatedQueue(t *testing.T) {
	e := psNewEnv(t)
	tp := e.topic("t", nil)
	q := e.queue("q")
	e.subscribe(tp, "sqs", q.ARN(), map[string]string{"RawMessageDelivery": "true"})
	e.publish(tp, pubsub.PublishInput{Message: "one"})
	if got := psBodies(e.receive(q)); len(got) != 1 || got[0] != "one" {
		t.Fatalf("first queue got %q", got)
	}
	if _, err := e.queues.DeleteQueue(e.ctx, queue.DeleteQueueInput{QueueUrl: q.URL()}); err != nil {
		t.Fatal(err)
	}
	e.publish(tp, pubsub.PublishInput{Message: "lost"})
	e.clock.Add(queue.QueueDeleteCooldown)
	q2 := e.queue("q")
	e.publish(tp, pubsub.PublishInput{Message: "two"})
	if got := psBodies(e.receive(q2)); len(got) != 1 || got[0] != "two" {
		t.Fatalf("recreated queue got %q", got)
	}
	other := queue.New(queue.WithClock(e.clock))
	t.Cleanup(func() { other.Close() })
	q3, err := other.CreateQueue(e.ctx, queue.CreateQueueInput{QueueName: "q"})
	if err != nil {
		t.Fatal(err)
	}
	e.svc.RegisterQueue(q3)
	e.publish(tp, pubsub.PublishInput{Message: "three"})
	if got := psBodies(e.receive(q3)); len(got) != 1 || got[0] != "three" {
		t.Fatalf("registered queue got %q", got)
	}
	if got := e.receive(q2); len(got) != 0 {
		t.Fatalf("recreated queue got %q after registration", psBodies(got))
	}
}
