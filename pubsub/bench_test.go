package pubsub_test

import (
	"testing"

	"github.com/sluicehq/sluice/internal/clock"
	"github.com/sluicehq/sluice/pubsub"
	"github.com/sluicehq/sluice/queue"
)

// BenchmarkPublish_FanOut publishes to a topic with one enveloped and one
// raw SQS subscription and one filtered-out subscription.
func BenchmarkPublish_FanOut(b *testing.B) {
	mock := clock.NewMock()
	qs := queue.New(queue.WithClock(mock))
	svc := pubsub.New(pubsub.WithClock(mock), pubsub.WithQueues(qs))
	ctx := b.Context()
	tp, _ := svc.CreateTopic(ctx, pubsub.CreateTopicInput{Name: "t"})
	for i, attrs := range []map[string]string{nil, {"RawMessageDelivery": "true"}, {"FilterPolicy": `{"k":["nope"]}`}} {
		q, _ := qs.CreateQueue(ctx, queue.CreateQueueInput{QueueName: string(rune('a' + i))})
		if _, err := tp.Subscribe(ctx, pubsub.SubscribeInput{Protocol: "sqs", Endpoint: q.ARN(), Attributes: attrs}); err != nil {
			b.Fatal(err)
		}
	}
	in := pubsub.PublishInput{Message: `{"order":42,"items":["a","b"]}`,
		MessageAttributes: map[string]pubsub.MessageAttributeValue{"k": {DataType: "String", StringValue: "v"}}}
	n := 0
	for b.Loop() {
		if _, err := tp.Publish(ctx, in); err != nil {
			b.Fatal(err)
		}
		n++
	}
	b.ReportMetric(float64(n)/b.Elapsed().Seconds(), "msgs/s")
}
