package queue_test

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"time"

	"github.com/benbjohnson/clock"

	"github.com/sluicehq/sluice/queue"
)

// exampleService returns a Service on a mock clock with fixed randomness, so
// examples print the same ids every run.
func exampleService() (*queue.Service, *clock.Mock) {
	mock := clock.NewMock()
	mock.Set(time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC))
	return queue.New(queue.WithClock(mock), queue.WithRand(rand.NewPCG(7, 7))), mock
}

func ExampleNew() {
	svc := queue.New(queue.WithAccount("000000000000"), queue.WithRegion("eu-west-1"))
	defer svc.Close()
	q, err := svc.CreateQueue(context.Background(), queue.CreateQueueInput{QueueName: "jobs"})
	if err != nil {
		panic(err)
	}
	fmt.Println(q.URL())
	fmt.Println(q.ARN())
	// Output:
	// https://sqs.eu-west-1.amazonaws.com/000000000000/jobs
	// arn:aws:sqs:eu-west-1:000000000000:jobs
}

func ExampleService_CreateQueue() {
	ctx := context.Background()
	svc, _ := exampleService()
	defer svc.Close()
	q, _ := svc.CreateQueue(ctx, queue.CreateQueueInput{
		QueueName:  "jobs",
		Attributes: queue.Attributes{VisibilityTimeout: new(time.Minute)},
	})
	// The same name and attributes return the same queue...
	same, err := svc.CreateQueue(ctx, queue.CreateQueueInput{
		QueueName:  "jobs",
		Attributes: queue.Attributes{VisibilityTimeout: new(time.Minute)},
	})
	fmt.Println(same == q, err)
	// ...a different value is an error, as on AWS.
	_, err = svc.CreateQueue(ctx, queue.CreateQueueInput{
		QueueName:  "jobs",
		Attributes: queue.Attributes{VisibilityTimeout: new(2 * time.Minute)},
	})
	fmt.Println(errors.Is(err, queue.ErrQueueNameExists))
	fmt.Println(err)
	// Output:
	// true <nil>
	// true
	// QueueNameExists: A queue already exists with the same name and a different value for attribute VisibilityTimeout
}

func ExampleQueue_SendMessage() {
	ctx := context.Background()
	svc, _ := exampleService()
	defer svc.Close()
	q, _ := svc.CreateQueue(ctx, queue.CreateQueueInput{QueueName: "jobs"})
	out, err := q.SendMessage(ctx, queue.SendMessageInput{
		MessageBody: "hello",
		MessageAttributes: map[string]queue.MessageAttributeValue{
			"MyAttribute": {DataType: "String", StringValue: "foobar"},
		},
	})
	if err != nil {
		panic(err)
	}
	fmt.Println(out.MD5OfMessageBody)
	fmt.Println(out.MD5OfMessageAttributes)
	// Output:
	// 5d41402abc4b2a76b9719d911017c592
	// adb59cd4678ea5a855436b949cd07ab6
}

func ExampleQueue_ReceiveMessage() {
	ctx := context.Background()
	svc, mock := exampleService()
	defer svc.Close()
	q, _ := svc.CreateQueue(ctx, queue.CreateQueueInput{QueueName: "jobs"})
	q.SendMessage(ctx, queue.SendMessageInput{MessageBody: "task 1"})

	in := queue.ReceiveMessageInput{
		VisibilityTimeout:           new(10 * time.Second),
		MessageSystemAttributeNames: []queue.MessageSystemAttributeName{queue.SystemAttributeApproximateReceiveCount},
	}
	out, _ := q.ReceiveMessage(ctx, in)
	fmt.Println(out.Messages[0].Body, out.Messages[0].Attributes[queue.SystemAttributeApproximateReceiveCount])

	// In flight: nobody else receives it until the visibility timeout ends.
	out, _ = q.ReceiveMessage(ctx, in)
	fmt.Println(len(out.Messages))

	mock.Add(10 * time.Second)
	out, _ = q.ReceiveMessage(ctx, in)
	fmt.Println(out.Messages[0].Body, out.Messages[0].Attributes[queue.SystemAttributeApproximateReceiveCount])
	// Output:
	// task 1 1
	// 0
	// task 1 2
}

// A long poll returns as soon as a message arrives, here one sent while it
// waits.
func ExampleQueue_ReceiveMessage_longPoll() {
	ctx := context.Background()
	svc, _ := exampleService()
	defer svc.Close()
	q, _ := svc.CreateQueue(ctx, queue.CreateQueueInput{QueueName: "jobs"})

	done := make(chan queue.ReceiveMessageOutput)
	go func() {
		out, _ := q.ReceiveMessage(ctx, queue.ReceiveMessageInput{WaitTimeSeconds: new(20 * time.Second)})
		done <- out
	}()
	q.SendMessage(ctx, queue.SendMessageInput{MessageBody: "wake up"})
	fmt.Println((<-done).Messages[0].Body)
	// Output:
	// wake up
}

// A delayed message stays invisible until its delay ends on the clock.
func ExampleSendMessageInput_delay() {
	ctx := context.Background()
	svc, mock := exampleService()
	defer svc.Close()
	q, _ := svc.CreateQueue(ctx, queue.CreateQueueInput{QueueName: "jobs"})
	q.SendMessage(ctx, queue.SendMessageInput{MessageBody: "later", DelaySeconds: new(5 * time.Second)})

	count := func() string {
		out, _ := q.GetQueueAttributes(ctx, queue.GetQueueAttributesInput{
			AttributeNames: []queue.AttributeName{queue.AttributeApproximateNumberOfMessages, queue.AttributeApproximateNumberOfMessagesDelayed},
		})
		return fmt.Sprintf("visible=%s delayed=%s", out.Attributes[queue.AttributeApproximateNumberOfMessages],
			out.Attributes[queue.AttributeApproximateNumberOfMessagesDelayed])
	}
	fmt.Println(count())
	mock.Add(5 * time.Second)
	fmt.Println(count())
	// Output:
	// visible=0 delayed=1
	// visible=1 delayed=0
}

// A FIFO queue keeps each message group in order and drops a duplicate sent
// within 5 minutes, answering with the original MessageId.
func ExampleQueue_SendMessage_fifo() {
	ctx := context.Background()
	svc, _ := exampleService()
	defer svc.Close()
	q, _ := svc.CreateQueue(ctx, queue.CreateQueueInput{
		QueueName:  "payments.fifo",
		Attributes: queue.Attributes{FifoQueue: new(true), ContentBasedDeduplication: new(true)},
	})
	first, _ := q.SendMessage(ctx, queue.SendMessageInput{MessageBody: "pay 10", MessageGroupId: "alice"})
	again, _ := q.SendMessage(ctx, queue.SendMessageInput{MessageBody: "pay 10", MessageGroupId: "alice"})
	q.SendMessage(ctx, queue.SendMessageInput{MessageBody: "pay 20", MessageGroupId: "alice"})
	fmt.Println("duplicate has the original id:", again.MessageId == first.MessageId)

	out, _ := q.ReceiveMessage(ctx, queue.ReceiveMessageInput{MaxNumberOfMessages: new(10)})
	for _, m := range out.Messages {
		fmt.Println(m.Body)
	}
	// Output:
	// duplicate has the original id: true
	// pay 10
	// pay 20
}

// A message received more than maxReceiveCount times moves to the
// dead-letter queue inside the receive that would take it once more.
func ExampleRedrivePolicy() {
	ctx := context.Background()
	svc, _ := exampleService()
	defer svc.Close()
	dlq, _ := svc.CreateQueue(ctx, queue.CreateQueueInput{QueueName: "jobs-dlq"})
	q, _ := svc.CreateQueue(ctx, queue.CreateQueueInput{
		QueueName: "jobs",
		Attributes: queue.Attributes{
			VisibilityTimeout: new(time.Duration(0)), // redeliver at once, for the example
			RedrivePolicy:     &queue.RedrivePolicy{DeadLetterTargetArn: dlq.ARN(), MaxReceiveCount: 2},
		},
	})
	q.SendMessage(ctx, queue.SendMessageInput{MessageBody: "poison"})
	for i := 1; i <= 3; i++ {
		out, _ := q.ReceiveMessage(ctx, queue.ReceiveMessageInput{})
		fmt.Printf("receive %d: %d message(s)\n", i, len(out.Messages))
	}
	out, _ := dlq.ReceiveMessage(ctx, queue.ReceiveMessageInput{
		MessageSystemAttributeNames: []queue.MessageSystemAttributeName{queue.SystemAttributeDeadLetterQueueSourceArn},
	})
	fmt.Println(out.Messages[0].Body, "from", out.Messages[0].Attributes[queue.SystemAttributeDeadLetterQueueSourceArn])
	// Output:
	// receive 1: 1 message(s)
	// receive 2: 1 message(s)
	// receive 3: 0 message(s)
	// poison from arn:aws:sqs:us-east-1:123456789012:jobs
}
