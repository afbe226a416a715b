package queue_test

import (
	"context"
	"testing"
	"time"

	"github.com/sluicehq/sluice/internal/clock"
	"github.com/sluicehq/sluice/queue"
)

func TestSmoke(t *testing.T) {
	ctx := context.Background()
	mock := clock.NewMock()
	mock.Set(time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC))
	svc := queue.New(queue.WithClock(mock))
	defer svc.Close()
	q, err := svc.CreateQueue(ctx, queue.CreateQueueInput{QueueName: "jobs"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := q.SendMessage(ctx, queue.SendMessageInput{MessageBody: "hello"}); err != nil {
		t.Fatal(err)
	}
	out, err := q.ReceiveMessage(ctx, queue.ReceiveMessageInput{})
	if err != nil || len(out.Messages) != 1 || out.Messages[0].Body != "hello" {
		t.Fatalf("receive: %v %+v", err, out)
	}
	again, _ := q.ReceiveMessage(ctx, queue.ReceiveMessageInput{})
	if len(again.Messages) != 0 {
		t.Fatalf("in flight message received again")
	}
	mock.Add(30 * time.Second)
	again, _ = q.ReceiveMessage(ctx, queue.ReceiveMessageInput{})
	if len(again.Messages) != 1 {
		t.Fatalf("message not visible after timeout")
	}
	if _, err := q.DeleteMessage(ctx, queue.DeleteMessageInput{ReceiptHandle: out.Messages[0].ReceiptHandle}); err != nil {
		t.Fatal(err)
	}
	attrs, _ := q.GetQueueAttributes(ctx, queue.GetQueueAttributesInput{AttributeNames: []queue.AttributeName{queue.AttributeAll}})
	if attrs.Attributes[queue.AttributeApproximateNumberOfMessages] != "0" || attrs.Attributes[queue.AttributeApproximateNumberOfMessagesNotVisible] != "0" {
		t.Fatalf("attrs %v", attrs.Attributes)
	}
}
