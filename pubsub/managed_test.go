package pubsub_test

import (
	"context"
	"errors"
	"strings"
	"sync"
	"testing"
	"testing/synctest"
	"time"

	"github.com/sluicehq/sluice/pubsub"
	"github.com/sluicehq/sluice/queue"
)

// psFunction is a Lambda function that records when it was called and
// fails its first fail calls (all of them for fail < 0).
type psFunction struct {
	mu    sync.Mutex
	env   *psEnv
	calls []time.Time
	fail  int
}

func (f *psFunction) handle(_ context.Context, _ pubsub.LambdaEvent) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.calls = append(f.calls, f.env.clock.Now())
	if f.fail < 0 || len(f.calls) <= f.fail {
		return errors.New("boom")
	}
	return nil
}

func (f *psFunction) times(start time.Time) []time.Duration {
	f.mu.Lock()
	defer f.mu.Unlock()
	var out []time.Duration
	for _, c := range f.calls {
		out = append(out, c.Sub(start))
	}
	return out
}

// psFunctionEnv subscribes a function failing its first fail calls to a
// topic, with a dead-letter queue.
func psFunctionEnv(t *testing.T, fail int) (*psEnv, *pubsub.Topic, *psFunction, *queue.Queue) {
	e := psNewEnv(t)
	tp := e.topic("t", nil)
	dlq := e.queue("dlq")
	f := &psFunction{env: e, fail: fail}
	arn := e.svc.FunctionARN("fn")
	e.svc.RegisterFunction(arn, f.handle)
	e.subscribe(tp, "lambda", arn, map[string]string{"RedrivePolicy": `{"deadLetterTargetArn":"` + dlq.ARN() + `"}`})
	return e, tp, f, dlq
}

// The managed policy's attempt times: the attempt and 3 immediate
// retries, then 1, 1, and 1, 1, 1, 2, 2, 3, 4, 7, 11, 20 s apart, then
// every 20 s.
var psManagedTimes = []time.Duration{0, 0, 0, 0, 1, 2, 3, 4, 5, 7, 9, 12, 16, 23, 34, 54, 74, 94}

func TestManagedRetries_Lambda(t *testing.T) {
	for _, fail := range []int{2, 5, 16} {
		synctest.Test(t, func(t *testing.T) {
			e, tp, f, dlq := psFunctionEnv(t, fail)
			start := e.clock.Now()
			e.publish(tp, pubsub.PublishInput{Message: "m"})
			for range 120 {
				synctest.Wait()
				e.clock.Add(time.Second)
			}
			synctest.Wait()
			got, want := f.times(start), psManagedTimes[:fail+1]
			if len(got) != len(want) {
				t.Fatalf("fail %d: calls at %v, want %v", fail, got, want)
			}
			for i := range got {
				if got[i] != want[i]*time.Second {
					t.Fatalf("fail %d: calls at %v, want %v s", fail, got, want)
				}
			}
			if msgs := e.receive(dlq); len(msgs) != 0 {
				t.Fatalf("fail %d: dead-letter queue got %q", fail, psBodies(msgs))
			}
		})
	}
}

func TestManagedRetries_ClientErrorsGoToDLQ(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		e := psNewEnv(t)
		tp := e.topic("t", nil)
		dlq, gone := e.queue("dlq"), e.queue("gone")
		redrive := map[string]string{"RedrivePolicy": `{"deadLetterTargetArn":"` + dlq.ARN() + `"}`}
		e.subscribe(tp, "sqs", gone.ARN(), redrive)
		e.subscribe(tp, "lambda", e.svc.FunctionARN("missing"), redrive)
		if _, err := e.queues.DeleteQueue(e.ctx, queue.DeleteQueueInput{QueueUrl: gone.URL()}); err != nil {
			t.Fatal(err)
		}
		out := e.publish(tp, pubsub.PublishInput{Message: "m"})
		msgs := e.receive(dlq)
		if len(msgs) != 2 {
			t.Fatalf("dead-letter queue got %d messages at once, want 2", len(msgs))
		}
		for _, m := range msgs {
			if !strings.Contains(m.Body, `"MessageId" : "`+out.MessageId+`"`) || !strings.Contains(m.Body, `"Message" : "m"`) {
				t.Errorf("dead-letter message = %s", m.Body)
			}
			if _, err := dlq.DeleteMessage(e.ctx, queue.DeleteMessageInput{ReceiptHandle: m.ReceiptHandle}); err != nil {
				t.Fatal(err)
			}
		}
		// Not retried: nothing more reaches the dead-letter queue, even
		// once the queue exists again.
		e.clock.Add(queue.QueueDeleteCooldown)
		e.queue("gone")
		for range 100 {
			synctest.Wait()
			e.clock.Add(time.Second)
		}
		synctest.Wait()
		if msgs := e.receive(dlq); len(msgs) != 0 {
			t.Fatalf("dead-letter queue got %d more messages", len(msgs))
		}
	})
}

func TestManagedRetries_QueueRejectsMessage(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		e := psNewEnv(t)
		tp := e.topic("t", nil)
		q := e.queue("q")
		small := 1024
		if _, err := q.SetQueueAttributes(e.ctx, queue.SetQueueAttributesInput{Attributes: queue.Attributes{MaximumMessageSize: &small}}); err != nil {
			t.Fatal(err)
		}
		e.subscribe(tp, "sqs", q.ARN(), map[string]string{"RawMessageDelivery": "true"})
		big := strings.Repeat("x", 2000)
		start := e.clock.Now()
		e.publish(tp, pubsub.PublishInput{Message: big})
		// The attempt, 3 immediate retries and the retries at +1 s and
		// +2 s fail; the one at +3 s finds the queue accepting it.
		e.clock.Add(2 * time.Second)
		synctest.Wait()
		if msgs := e.receive(q); len(msgs) != 0 {
			t.Fatalf("queue got %d messages", len(msgs))
		}
		large := 1 << 20
		if _, err := q.SetQueueAttributes(e.ctx, queue.SetQueueAttributesInput{Attributes: queue.Attributes{MaximumMessageSize: &large}}); err != nil {
			t.Fatal(err)
		}
		e.clock.Add(time.Second - time.Nanosecond)
		synctest.Wait()
		if msgs := e.receive(q); len(msgs) != 0 {
			t.Fatalf("queue got %d messages before the retry", len(msgs))
		}
		e.clock.Add(time.Nanosecond)
		synctest.Wait()
		msgs := e.receive(q)
		if len(msgs) != 1 || msgs[0].Body != big {
			t.Fatalf("queue got %d messages at +%v, want the message", len(msgs), e.clock.Now().Sub(start))
		}
	})
}

func TestManagedRetries_ScheduleEnds(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		e, tp, f, dlq := psFunctionEnv(t, -1)
		start := e.clock.Now()
		e.publish(tp, pubsub.PublishInput{Message: "m"})
		// 54 s of backoff, then 100,000 retries 20 s apart.
		const total = 54*time.Second + 100_000*20*time.Second
		last := start.Add(total)
		for e.clock.Now().Before(last.Add(-20 * time.Second)) {
			synctest.Wait()
			e.clock.Add(20 * time.Second)
		}
		synctest.Wait()
		calls := len(f.times(start))
		if calls != 100_015 {
			t.Fatalf("%d calls before the last retry, want 100015", calls)
		}
		if msgs := e.receive(dlq); len(msgs) != 0 {
			t.Fatalf("dead-letter queue got %d messages before the schedule ended", len(msgs))
		}
		e.clock.Set(last.Add(-time.Nanosecond))
		synctest.Wait()
		if n := len(f.times(start)); n != calls {
			t.Fatalf("retried early: %d calls", n)
		}
		e.clock.Set(last)
		synctest.Wait()
		times := f.times(start)
		if len(times) != 100_016 || times[len(times)-1] != total {
			t.Fatalf("%d calls, last at +%v; want 100016, last at +%v", len(times), times[len(times)-1], total)
		}
		if msgs := e.receive(dlq); len(msgs) != 1 {
			t.Fatalf("dead-letter queue got %d messages when the schedule ended, want 1", len(msgs))
		}
		for range 10 {
			e.clock.Add(time.Hour)
			synctest.Wait()
		}
		if n := len(f.times(start)); n != 100_016 {
			t.Fatalf("%d calls after the schedule ended", n)
		}
	})
}

func TestManagedRetries_DeleteTopicDropsRetries(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		e, tp, f, dlq := psFunctionEnv(t, -1)
		start := e.clock.Now()
		e.publish(tp, pubsub.PublishInput{Message: "m"})
		e.clock.Add(time.Second)
		synctest.Wait()
		if _, err := e.svc.DeleteTopic(e.ctx, pubsub.DeleteTopicInput{TopicArn: tp.ARN()}); err != nil {
			t.Fatal(err)
		}
		for range 100 {
			e.clock.Add(time.Second)
			synctest.Wait()
		}
		if n := len(f.times(start)); n != 5 {
			t.Fatalf("%d calls, want 5 (none after DeleteTopic)", n)
		}
		if msgs := e.receive(dlq); len(msgs) != 0 {
			t.Fatalf("dead-letter queue got %d messages", len(msgs))
		}
	})
}

func TestManagedRetries_CloseDropsRetries(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		e, tp, f, _ := psFunctionEnv(t, -1)
		start := e.clock.Now()
		e.publish(tp, pubsub.PublishInput{Message: "m"})
		e.svc.Close()
		for range 100 {
			e.clock.Add(time.Second)
			synctest.Wait()
		}
		if n := len(f.times(start)); n != 4 {
			t.Fatalf("%d calls, want 4 (none after Close)", n)
		}
	})
}
