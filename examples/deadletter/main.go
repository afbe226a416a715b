// Command deadletter shows a dead-letter queue at work, on a mock clock: a
// consumer keeps failing on one "poison" message, SQS moves it aside to a
// dead-letter queue after three tries, and once the bug is fixed a message
// move task redrives it to the original queue. Run it with
//
//	go run ./examples/deadletter
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/sluicehq/sluice/internal/clock"
	"github.com/sluicehq/sluice/queue"
)

func main() {
	if err := run(os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "deadletter:", err)
		os.Exit(1)
	}
}

func run(w io.Writer) error {
	ctx := context.Background()
	mock := clock.NewMock()
	mock.Set(time.Date(2026, 1, 1, 9, 0, 0, 0, time.UTC))
	svc := queue.New(queue.WithClock(mock), queue.WithRand(rand.NewPCG(1, 2)))
	defer svc.Close()
	say := func(format string, args ...any) {
		fmt.Fprintf(w, "[%s] %s\n", mock.Now().Format("15:04:05"), fmt.Sprintf(format, args...))
	}

	// The dead-letter queue is an ordinary queue. The source queue's redrive
	// policy names it: a message received 3 times without being deleted is
	// moved there at the next receive.
	dlq, err := svc.CreateQueue(ctx, queue.CreateQueueInput{QueueName: "orders-dlq"})
	if err != nil {
		return err
	}
	orders, err := svc.CreateQueue(ctx, queue.CreateQueueInput{
		QueueName: "orders",
		Attributes: queue.Attributes{
			VisibilityTimeout: new(10 * time.Second),
			RedrivePolicy:     &queue.RedrivePolicy{DeadLetterTargetArn: dlq.ARN(), MaxReceiveCount: 3},
		},
	})
	if err != nil {
		return err
	}
	say("created queue orders, with dead-letter queue orders-dlq after 3 receives")

	for _, body := range []string{"order #1001: 2 coffees", "order #1002: 0 coffees"} {
		sent, err := orders.SendMessage(ctx, queue.SendMessageInput{MessageBody: body})
		if err != nil {
			return err
		}
		say("sent %q as %s", body, sent.MessageId)
	}

	// The consumer has a bug: it cannot handle an order of 0 items. It
	// never deletes that message, so each time the visibility timeout ends
	// the message comes back.
	c := consumer{w: say, q: orders}
	for range 3 {
		if err := c.poll(ctx); err != nil {
			return err
		}
		mock.Add(10 * time.Second)
	}
	// The 4th receive would be the message's 4th: SQS moves it to the
	// dead-letter queue instead and returns nothing.
	if err := c.poll(ctx); err != nil {
		return err
	}
	n, err := count(ctx, orders)
	if err != nil {
		return err
	}
	m, err := dlq.ReceiveMessage(ctx, queue.ReceiveMessageInput{
		VisibilityTimeout:           new(time.Duration(0)), // only look: leave it visible
		MessageSystemAttributeNames: []queue.MessageSystemAttributeName{queue.SystemAttributeAll},
	})
	if err != nil {
		return err
	}
	if len(m.Messages) != 1 {
		return fmt.Errorf("orders-dlq holds %d messages, want 1", len(m.Messages))
	}
	dead := m.Messages[0]
	say("orders holds %d messages: the 4th receive moved %q to orders-dlq", n, dead.Body)
	say("orders-dlq has it with the same id %s, receive count %s (3 tries and this look), from %s",
		dead.MessageId, dead.Attributes[queue.SystemAttributeApproximateReceiveCount],
		dead.Attributes[queue.SystemAttributeDeadLetterQueueSourceArn])

	// Fix the bug, then redrive: a move task with no destination sends each
	// message back to the queue it came from, here at most 1 per second.
	c.fixed = true
	say("fixed the consumer: an order of 0 items is a cancelled order")
	if _, err := svc.StartMessageMoveTask(ctx, queue.StartMessageMoveTaskInput{
		SourceArn:                    dlq.ARN(),
		MaxNumberOfMessagesPerSecond: new(1),
	}); err != nil {
		return err
	}
	say("started a message move task from orders-dlq back to orders, at most 1 message per second")
	mock.Add(time.Second)
	tasks, err := svc.ListMessageMoveTasks(ctx, queue.ListMessageMoveTasksInput{SourceArn: dlq.ARN()})
	if err != nil {
		return err
	}
	task := tasks.Results[0]
	say("move task %s: %d of %d messages moved", task.Status,
		task.ApproximateNumberOfMessagesMoved, task.ApproximateNumberOfMessagesToMove)

	// The redriven message is a new message: new id, receive count from 1.
	if err := c.poll(ctx); err != nil {
		return err
	}
	left, err := count(ctx, orders)
	if err != nil {
		return err
	}
	inDLQ, err := count(ctx, dlq)
	if err != nil {
		return err
	}
	say("orders holds %d messages, orders-dlq %d", left, inDLQ)
	return nil
}

// consumer processes orders, with a bug until fixed.
type consumer struct {
	w     func(format string, args ...any)
	q     *queue.Queue
	fixed bool
}

// poll receives what is there and processes it; a message it fails on is
// not deleted.
func (c *consumer) poll(ctx context.Context) error {
	out, err := c.q.ReceiveMessage(ctx, queue.ReceiveMessageInput{
		MaxNumberOfMessages:         new(10),
		MessageSystemAttributeNames: []queue.MessageSystemAttributeName{queue.SystemAttributeApproximateReceiveCount},
	})
	if err != nil {
		return err
	}
	if len(out.Messages) == 0 {
		c.w("consumer receives nothing")
	}
	for _, m := range out.Messages {
		tries := m.Attributes[queue.SystemAttributeApproximateReceiveCount]
		result, err := c.process(m.Body)
		if err != nil {
			c.w("consumer fails on %q (receive %s): %v", m.Body, tries, err)
			continue
		}
		if _, err := c.q.DeleteMessage(ctx, queue.DeleteMessageInput{ReceiptHandle: m.ReceiptHandle}); err != nil {
			return err
		}
		c.w("consumer %s %q (receive %s, id %s), deleted it", result, m.Body, tries, m.MessageId)
	}
	return nil
}

// process handles "order #N: Q items".
func (c *consumer) process(body string) (string, error) {
	_, order, _ := strings.Cut(body, ": ")
	qty, _, _ := strings.Cut(order, " ")
	n, err := strconv.Atoi(qty)
	switch {
	case err != nil:
		return "", err
	case n == 0 && !c.fixed:
		return "", errors.New("division by zero")
	case n == 0:
		return "cancelled", nil
	}
	return "shipped", nil
}

// count returns the number of visible messages of q.
func count(ctx context.Context, q *queue.Queue) (int, error) {
	out, err := q.GetQueueAttributes(ctx, queue.GetQueueAttributesInput{
		AttributeNames: []queue.AttributeName{queue.AttributeApproximateNumberOfMessages},
	})
	if err != nil {
		return 0, err
	}
	return strconv.Atoi(out.Attributes[queue.AttributeApproximateNumberOfMessages])
}
