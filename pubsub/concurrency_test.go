package pubsub_test

import (
	"fmt"
	"sync"
	"testing"

	"github.com/sluicehq/sluice/pubsub"
	"github.com/sluicehq/sluice/queue"
)

// TestConcurrentOperations runs publishes, subscription changes, topic
// deletion and listing at once, for the race detector and to catch lock
// order mistakes.
func TestConcurrentOperations(t *testing.T) {
	e := psNewEnv(t)
	tp := e.topic("t", nil)
	f := e.topic("f.fifo", map[string]string{"FifoTopic": "true", "ContentBasedDeduplication": "true"})
	q, fq := e.queue("q"), e.queue("q.fifo")
	e.subscribe(f, "sqs", fq.ARN(), map[string]string{"RawMessageDelivery": "true"})
	var wg sync.WaitGroup
	for w := range 4 {
		wg.Go(func() {
			for i := range 50 {
				_, _ = tp.Publish(e.ctx, pubsub.PublishInput{Message: "m"})
				_, _ = f.Publish(e.ctx, pubsub.PublishInput{Message: fmt.Sprint(w, "-", i), MessageGroupId: fmt.Sprint(w)})
			}
		})
	}
	wg.Go(func() {
		for i := range 50 {
			arn := e.subscribe(tp, "sqs", q.ARN(), nil)
			_, _ = e.svc.ListSubscriptions(e.ctx, pubsub.ListSubscriptionsInput{})
			_, _ = e.svc.Unsubscribe(e.ctx, pubsub.UnsubscribeInput{SubscriptionArn: arn})
			_, _ = e.svc.ListTopics(e.ctx, pubsub.ListTopicsInput{})
			_, _ = e.svc.CreateTopic(e.ctx, pubsub.CreateTopicInput{Name: fmt.Sprint("x", i)})
			_, _ = e.svc.DeleteTopic(e.ctx, pubsub.DeleteTopicInput{TopicArn: fmt.Sprint("arn:aws:sns:us-east-1:123456789012:x", i)})
		}
	})
	wg.Wait()
	// Every FIFO message arrived, each group in order.
	next := map[string]int{}
	for {
		msgs := e.receive(fq)
		if len(msgs) == 0 {
			break
		}
		for _, m := range msgs {
			var w, i int
			fmt.Sscanf(m.Body, "%d-%d", &w, &i)
			if k := fmt.Sprint(w); next[k] != i {
				t.Fatalf("group %d: got %d, want %d", w, i, next[k])
			}
			next[fmt.Sprint(w)]++
			_, _ = fq.DeleteMessage(e.ctx, queue.DeleteMessageInput{ReceiptHandle: m.ReceiptHandle})
		}
	}
	for w := range 4 {
		if next[fmt.Sprint(w)] != 50 {
			t.Fatalf("group %d: %d messages, want 50", w, next[fmt.Sprint(w)])
		}
	}
}
