package pubsub_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"strings"
	"time"

	"github.com/sluicehq/sluice/internal/clock"
	"github.com/sluicehq/sluice/pubsub"
	"github.com/sluicehq/sluice/queue"
)

// Example fans a message out to two SQS queues, one of them with a filter
// policy that the second message does not pass.
func Example() {
	ctx := context.Background()
	mock := clock.NewMock()
	mock.Set(time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC))
	queues := queue.New(queue.WithClock(mock))
	svc := pubsub.New(pubsub.WithClock(mock), pubsub.WithQueues(queues), pubsub.WithRand(rand.NewPCG(1, 2)))

	topic, _ := svc.CreateTopic(ctx, pubsub.CreateTopicInput{Name: "orders"})
	audit, _ := queues.CreateQueue(ctx, queue.CreateQueueInput{QueueName: "audit"})
	big, _ := queues.CreateQueue(ctx, queue.CreateQueueInput{QueueName: "big-orders"})
	_, _ = topic.Subscribe(ctx, pubsub.SubscribeInput{Protocol: "sqs", Endpoint: audit.ARN()})
	_, _ = topic.Subscribe(ctx, pubsub.SubscribeInput{Protocol: "sqs", Endpoint: big.ARN(), Attributes: map[string]string{
		"RawMessageDelivery": "true",
		"FilterPolicy":       `{"total":[{"numeric":[">=",100]}]}`,
	}})

	for _, total := range []string{"250", "20"} {
		_, _ = topic.Publish(ctx, pubsub.PublishInput{
			Message:           "order of " + total,
			MessageAttributes: map[string]pubsub.MessageAttributeValue{"total": {DataType: "Number", StringValue: total}},
		})
	}

	for _, q := range []*queue.Queue{audit, big} {
		out, _ := q.ReceiveMessage(ctx, queue.ReceiveMessageInput{MaxNumberOfMessages: new(10), WaitTimeSeconds: new(time.Duration(0))})
		for _, m := range out.Messages {
			first, _, _ := strings.Cut(strings.TrimPrefix(m.Body, "{\n"), "\n")
			fmt.Printf("%s: %s\n", q.Name(), first)
		}
	}
	// Output:
	// audit:   "Type" : "Notification",
	// audit:   "Type" : "Notification",
	// big-orders: order of 250
}
