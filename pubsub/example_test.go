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

// ExampleService_FuncEndpoint subscribes a Go function as a Lambda
// function: it gets the event Lambda would.
func ExampleService_FuncEndpoint() {
	ctx := context.Background()
	svc := pubsub.New(pubsub.WithRand(rand.NewPCG(1, 2)))
	defer svc.Close()
	topic, _ := svc.CreateTopic(ctx, pubsub.CreateTopicInput{Name: "signups"})

	arn := svc.FuncEndpoint("welcome-mail", func(ctx context.Context, ev pubsub.LambdaEvent) error {
		r := ev.Records[0]
		fmt.Println(r.EventSource, r.Sns.Type, r.Sns.Message, r.Sns.MessageAttributes["plan"].Value)
		return nil // an error would be retried by AWS's managed policy
	})
	fmt.Println(arn)
	_, _ = topic.Subscribe(ctx, pubsub.SubscribeInput{Protocol: "lambda", Endpoint: arn})
	_, _ = topic.Publish(ctx, pubsub.PublishInput{Message: "ada@example.com",
		MessageAttributes: map[string]pubsub.MessageAttributeValue{"plan": {DataType: "String", StringValue: "pro"}}})
	// Output:
	// arn:aws:lambda:us-east-1:123456789012:function:welcome-mail
	// aws:sns Notification ada@example.com pro
}

// ExampleService_QueueEndpoint subscribes a queue of a queue.Service the
// SNS Service was not given with WithQueues.
func ExampleService_QueueEndpoint() {
	ctx := context.Background()
	queues := queue.New()
	defer queues.Close()
	svc := pubsub.New()
	defer svc.Close()
	topic, _ := svc.CreateTopic(ctx, pubsub.CreateTopicInput{Name: "events"})
	q, _ := queues.CreateQueue(ctx, queue.CreateQueueInput{QueueName: "events-copy"})

	_, _ = topic.Subscribe(ctx, pubsub.SubscribeInput{Protocol: "sqs", Endpoint: svc.QueueEndpoint(q),
		Attributes: map[string]string{"RawMessageDelivery": "true"}})
	_, _ = topic.Publish(ctx, pubsub.PublishInput{Message: "hello"})

	out, _ := q.ReceiveMessage(ctx, queue.ReceiveMessageInput{WaitTimeSeconds: new(time.Duration(0))})
	fmt.Println(out.Messages[0].Body)
	// Output:
	// hello
}

// ExampleService_Publish sends an SMS straight to a phone number: sluice
// records it in the outbox.
func ExampleService_Publish() {
	ctx := context.Background()
	svc := pubsub.New()
	defer svc.Close()
	_, err := svc.Publish(ctx, pubsub.PublishTarget{PhoneNumber: "+15555550100"}, pubsub.PublishInput{Message: "Your code is 1234"})
	fmt.Println(err)
	for _, m := range svc.Outbox() {
		fmt.Println(m.Protocol, m.Endpoint, m.Body)
	}
	_, err = svc.Publish(ctx, pubsub.PublishTarget{PhoneNumber: "555-0100"}, pubsub.PublishInput{Message: "x"})
	fmt.Println(err)
	// Output:
	// <nil>
	// sms +15555550100 Your code is 1234
	// InvalidParameter: Invalid parameter: PhoneNumber Reason: 555-0100 is not valid to publish to
}

// ExampleWithDeliveryStatus follows a Lambda delivery that fails and is
// retried by AWS's managed policy on a mock clock. The retry runs on the
// clock's timer goroutine, so the example waits for its status.
func ExampleWithDeliveryStatus() {
	ctx := context.Background()
	mock := clock.NewMock()
	mock.Set(time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC))
	statuses := make(chan pubsub.DeliveryStatus, 8)
	svc := pubsub.New(pubsub.WithClock(mock), pubsub.WithDeliveryStatus(func(st pubsub.DeliveryStatus) { statuses <- st }))
	defer svc.Close()
	topic, _ := svc.CreateTopic(ctx, pubsub.CreateTopicInput{Name: "jobs"})
	calls := 0
	arn := svc.FuncEndpoint("worker", func(ctx context.Context, ev pubsub.LambdaEvent) error {
		if calls++; calls <= 4 {
			return fmt.Errorf("cold start %d", calls)
		}
		return nil
	})
	_, _ = topic.Subscribe(ctx, pubsub.SubscribeInput{Protocol: "lambda", Endpoint: arn})
	show := func(st pubsub.DeliveryStatus) {
		fmt.Println(st.Time.Format("15:04:05"), "attempt", st.Attempt, st.Status, st.Err, "next", st.NextAttempt.Format("15:04:05"))
	}

	_, _ = topic.Publish(ctx, pubsub.PublishInput{Message: "job 1"}) // the attempt and 3 immediate retries
	for range 4 {
		show(<-statuses)
	}
	mock.Add(time.Second) // the first delayed retry
	show(<-statuses)
	// Output:
	// 03:04:05 attempt 1 FAILURE cold start 1 next 00:00:00
	// 03:04:05 attempt 2 FAILURE cold start 2 next 00:00:00
	// 03:04:05 attempt 3 FAILURE cold start 3 next 00:00:00
	// 03:04:05 attempt 4 FAILURE cold start 4 next 03:04:06
	// 03:04:06 attempt 5 SUCCESS <nil> next 00:00:00
}
