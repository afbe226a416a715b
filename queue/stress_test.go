package queue_test

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"testing/synctest"
	"time"

	"github.com/sluicehq/sluice/internal/clock"
	"github.com/sluicehq/sluice/queue"
)

const (
	stProducers   = 4
	stPerProducer = 2000
	stConsumers   = 4
	stTotal       = stProducers * stPerProducer
)

// stNewService returns a Service on a mock clock; call it inside the bubble,
// so that its channels belong to it.
func stNewService() (*queue.Service, *clock.Mock) {
	mock := clock.NewMock()
	mock.Set(epoch)
	return queue.New(queue.WithClock(mock)), mock
}

// TestStressProducersConsumers runs 4 producers (single sends and batches)
// against 4 consumers that long-poll and delete what they receive, in a
// synctest bubble with a mock clock. The visibility timeout (1 h) is longer
// than the clock ever moves, so nothing is redelivered: every message is
// received and deleted exactly once, the queue ends empty, and every
// goroutine returns once the Service closes (synctest fails the test on a
// leak).
func TestStressProducersConsumers(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		ctx := context.Background()
		svc, mock := stNewService()
		defer svc.Close()
		q, err := svc.CreateQueue(ctx, queue.CreateQueueInput{QueueName: "st-jobs",
			Attributes: queue.Attributes{VisibilityTimeout: new(time.Hour)}})
		if err != nil {
			t.Fatal(err)
		}

		var received, deleted [stTotal]atomic.Int32
		var errs sync.Map // first unexpected error per goroutine
		fail := func(who string, err error) { errs.LoadOrStore(who, err) }

		var producers sync.WaitGroup
		for p := range stProducers {
			producers.Go(func() {
				who := fmt.Sprint("producer ", p)
				for n := 0; n < stPerProducer; {
					// Alternate runs of ten single sends with batches of ten.
					if n/10%2 == 0 {
						for range 10 {
							if _, err := q.SendMessage(ctx, queue.SendMessageInput{MessageBody: stBody(p, n)}); err != nil {
								fail(who, err)
								return
							}
							n++
						}
						continue
					}
					entries := make([]queue.SendMessageBatchRequestEntry, 10)
					for i := range entries {
						entries[i] = queue.SendMessageBatchRequestEntry{Id: strconv.Itoa(i), MessageBody: stBody(p, n)}
						n++
					}
					out, err := q.SendMessageBatch(ctx, queue.SendMessageBatchInput{Entries: entries})
					if err == nil && len(out.Successful) != len(entries) {
						err = fmt.Errorf("batch failed entries: %+v", out.Failed)
					}
					if err != nil {
						fail(who, err)
						return
					}
				}
			})
		}

		var consumers sync.WaitGroup
		for c := range stConsumers {
			consumers.Go(func() {
				who := fmt.Sprint("consumer ", c)
				for batch := 0; ; batch++ {
					out, err := q.ReceiveMessage(ctx, queue.ReceiveMessageInput{
						MaxNumberOfMessages: new(10), WaitTimeSeconds: new(20 * time.Second),
					})
					if errors.Is(err, queue.ErrServiceUnavailable) {
						return
					}
					if err != nil {
						fail(who, err)
						return
					}
					for _, m := range out.Messages {
						i, err := stIndex(m.Body)
						if err != nil {
							fail(who, err)
							return
						}
						received[i].Add(1)
					}
					if err := stDelete(ctx, q, out.Messages, batch%2 == 0); err != nil {
						fail(who, err)
						return
					}
					for _, m := range out.Messages {
						i, _ := stIndex(m.Body)
						deleted[i].Add(1)
					}
				}
			})
		}

		producers.Wait()
		// Once every consumer is blocked in a long poll, they have taken all
		// there is. Let the polls time out once or twice on the way, so
		// their timers are exercised too; the clock stays well within the
		// visibility timeout.
		for range 3 {
			synctest.Wait()
			if stCount(received[:]) == stTotal {
				break
			}
			mock.Add(20 * time.Second)
		}
		synctest.Wait()
		mock.Add(20 * time.Second) // idle polls time out and poll again
		synctest.Wait()

		for i := range stTotal {
			if r, d := received[i].Load(), deleted[i].Load(); r != 1 || d != 1 {
				t.Errorf("message %s received %d times, deleted %d times; want 1, 1", stBody(i/stPerProducer, i%stPerProducer), r, d)
			}
		}
		out, err := q.GetQueueAttributes(ctx, queue.GetQueueAttributesInput{AttributeNames: []queue.AttributeName{queue.AttributeAll}})
		if err != nil {
			t.Fatal(err)
		}
		for _, name := range []queue.AttributeName{queue.AttributeApproximateNumberOfMessages,
			queue.AttributeApproximateNumberOfMessagesNotVisible, queue.AttributeApproximateNumberOfMessagesDelayed} {
			if out.Attributes[name] != "0" {
				t.Errorf("%s = %s at the end, want 0", name, out.Attributes[name])
			}
		}

		svc.Close()
		consumers.Wait()
		errs.Range(func(who, err any) bool {
			t.Errorf("%s: %v", who, err)
			return true
		})
	})
}

func stBody(p, n int) string { return fmt.Sprintf("p%d-%d", p, n) }

// stIndex is the inverse of stBody: p*stPerProducer + n.
func stIndex(body string) (int, error) {
	ps, ns, ok := strings.Cut(strings.TrimPrefix(body, "p"), "-")
	p, err1 := strconv.Atoi(ps)
	n, err2 := strconv.Atoi(ns)
	if !ok || err1 != nil || err2 != nil || p < 0 || p >= stProducers || n < 0 || n >= stPerProducer {
		return 0, fmt.Errorf("received a body nobody sent: %q", body)
	}
	return p*stPerProducer + n, nil
}

func stCount(xs []atomic.Int32) int {
	n := 0
	for i := range xs {
		n += int(xs[i].Load())
	}
	return n
}

// stDelete deletes msgs with one DeleteMessageBatch, or one DeleteMessage
// each.
func stDelete(ctx context.Context, q *queue.Queue, msgs []queue.Message, batch bool) error {
	if len(msgs) == 0 {
		return nil
	}
	if !batch {
		for _, m := range msgs {
			if _, err := q.DeleteMessage(ctx, queue.DeleteMessageInput{ReceiptHandle: m.ReceiptHandle}); err != nil {
				return err
			}
		}
		return nil
	}
	entries := make([]queue.DeleteMessageBatchRequestEntry, len(msgs))
	for i, m := range msgs {
		entries[i] = queue.DeleteMessageBatchRequestEntry{Id: strconv.Itoa(i), ReceiptHandle: m.ReceiptHandle}
	}
	out, err := q.DeleteMessageBatch(ctx, queue.DeleteMessageBatchInput{Entries: entries})
	if err == nil && len(out.Failed) > 0 {
		err = fmt.Errorf("DeleteMessageBatch failed entries: %+v", out.Failed)
	}
	return err
}

// TestCloseWakesLongPolls blocks 10 long polls on an empty queue (half with
// an explicit wait, half with the queue's ReceiveMessageWaitTimeSeconds) and
// closes the Service: every poll returns ErrServiceUnavailable at once,
// without the clock moving, and no goroutine is left behind.
func TestCloseWakesLongPolls(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		ctx := context.Background()
		svc, mock := stNewService()
		q, err := svc.CreateQueue(ctx, queue.CreateQueueInput{QueueName: "st-idle",
			Attributes: queue.Attributes{ReceiveMessageWaitTimeSeconds: new(20 * time.Second)}})
		if err != nil {
			t.Fatal(err)
		}
		start := mock.Now()
		var returned atomic.Int32
		results := make([]error, 10)
		var wg sync.WaitGroup
		for i := range results {
			wg.Go(func() {
				in := queue.ReceiveMessageInput{}
				if i%2 == 0 {
					in.WaitTimeSeconds = new(20 * time.Second)
				}
				out, err := q.ReceiveMessage(ctx, in)
				if err == nil && len(out.Messages) > 0 {
					err = fmt.Errorf("received %d messages from an empty queue", len(out.Messages))
				}
				results[i] = err
				returned.Add(1)
			})
		}
		synctest.Wait()
		if n := returned.Load(); n != 0 {
			t.Fatalf("%d long polls returned before Close", n)
		}
		if err := svc.Close(); err != nil {
			t.Fatalf("Close: %v", err)
		}
		wg.Wait()
		if !mock.Now().Equal(start) {
			t.Fatalf("clock moved to %v", mock.Now())
		}
		for i, err := range results {
			var qe *queue.Error
			if !errors.Is(err, queue.ErrServiceUnavailable) || !errors.As(err, &qe) {
				t.Errorf("long poll %d returned %v, want ErrServiceUnavailable", i, err)
			}
		}
		if _, err := q.ReceiveMessage(ctx, queue.ReceiveMessageInput{WaitTimeSeconds: new(20 * time.Second)}); !errors.Is(err, queue.ErrServiceUnavailable) {
			t.Errorf("long poll after Close = %v, want ErrServiceUnavailable", err)
		}
		if err := svc.Close(); err != nil {
			t.Errorf("second Close: %v", err)
		}
	})
}
