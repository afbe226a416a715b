// Command quickstart is a first tour of sluice: an SQS queue in process, on
// a mock clock, showing a send, a long poll, the visibility timeout and a
// redelivery. Run it with
//
//	go run ./examples/quickstart
package main

import (
	"context"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"time"

	"github.com/sluicehq/sluice/internal/clock"
	"github.com/sluicehq/sluice/queue"
)

func main() {
	if err := run(os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "quickstart:", err)
		os.Exit(1)
	}
}

func run(w io.Writer) error {
	ctx := context.Background()
	// A mock clock: time moves only when we say so, so every rule about
	// time can be watched step by step.
	mock := clock.NewMock()
	mock.Set(time.Date(2026, 1, 1, 9, 0, 0, 0, time.UTC))
	svc := queue.New(queue.WithClock(mock), queue.WithRand(rand.NewPCG(1, 2)))
	defer svc.Close()
	say := func(format string, args ...any) {
		fmt.Fprintf(w, "[%s] %s\n", mock.Now().Format("15:04:05"), fmt.Sprintf(format, args...))
	}

	q, err := svc.CreateQueue(ctx, queue.CreateQueueInput{
		QueueName:  "orders",
		Attributes: queue.Attributes{VisibilityTimeout: new(30 * time.Second)},
	})
	if err != nil {
		return err
	}
	say("created queue %s", q.URL())

	// A long poll waits up to 20 s for a message. We start it first and send
	// while it waits: it returns at once, without waiting out the 20 s.
	polled := make(chan queue.ReceiveMessageOutput)
	go func() {
		out, _ := q.ReceiveMessage(ctx, queue.ReceiveMessageInput{WaitTimeSeconds: new(20 * time.Second)})
		polled <- out
	}()
	sent, err := q.SendMessage(ctx, queue.SendMessageInput{MessageBody: "order #1001: 2 coffees"})
	if err != nil {
		return err
	}
	say("sent message %s", sent.MessageId)
	first := (<-polled).Messages[0]
	say("long poll received %q", first.Body)

	// The message is now in flight: invisible to other consumers for the
	// visibility timeout.
	again, err := receive(ctx, q)
	if err != nil {
		return err
	}
	say("another receive right away gets %d messages: the first is in flight", len(again))

	// The consumer "crashes" without deleting it. After 30 s it is visible
	// again and redelivered, with a new receipt handle.
	mock.Add(30 * time.Second)
	redelivered, err := receive(ctx, q)
	if err != nil {
		return err
	}
	m := redelivered[0]
	say("30 s later it is redelivered: %q, receive count %s, same id: %t",
		m.Body, m.Attributes[queue.SystemAttributeApproximateReceiveCount], m.MessageId == first.MessageId)

	// Deleting with the latest receipt handle finishes the job.
	if _, err := q.DeleteMessage(ctx, queue.DeleteMessageInput{ReceiptHandle: m.ReceiptHandle}); err != nil {
		return err
	}
	attrs, err := q.GetQueueAttributes(ctx, queue.GetQueueAttributesInput{
		AttributeNames: []queue.AttributeName{queue.AttributeApproximateNumberOfMessages, queue.AttributeApproximateNumberOfMessagesNotVisible},
	})
	if err != nil {
		return err
	}
	say("deleted it: %s visible, %s in flight",
		attrs.Attributes[queue.AttributeApproximateNumberOfMessages],
		attrs.Attributes[queue.AttributeApproximateNumberOfMessagesNotVisible])
	return nil
}

// receive short-polls for up to 10 messages, with their receive counts.
func receive(ctx context.Context, q *queue.Queue) ([]queue.Message, error) {
	out, err := q.ReceiveMessage(ctx, queue.ReceiveMessageInput{
		MaxNumberOfMessages:         new(10),
		WaitTimeSeconds:             new(time.Duration(0)),
		MessageSystemAttributeNames: []queue.MessageSystemAttributeName{queue.SystemAttributeApproximateReceiveCount},
	})
	return out.Messages, err
}
