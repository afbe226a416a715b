package queue_test

import (
	"context"
	"errors"
	"testing"
	"testing/synctest"
	"time"

	"github.com/sluicehq/sluice/queue"
)

// Long-poll tests run in a synctest bubble with the mock clock created inside
// it (newEnv is called in the bubble). synctest.Wait before each clock move
// lets the polling goroutine arm its timer first.

type dpPollResult struct {
	out queue.ReceiveMessageOutput
	err error
}

// dpStartPoll starts ReceiveMessage in a goroutine and waits until it is
// blocked or done.
func dpStartPoll(ctx context.Context, q *queue.Queue, in queue.ReceiveMessageInput) <-chan dpPollResult {
	ch := make(chan dpPollResult, 1)
	go func() {
		out, err := q.ReceiveMessage(ctx, in)
		ch <- dpPollResult{out, err}
	}()
	synctest.Wait()
	return ch
}

// dpBlocked fails the test if the poll has returned.
func dpBlocked(t *testing.T, ch <-chan dpPollResult, when string) {
	t.Helper()
	synctest.Wait()
	select {
	case r := <-ch:
		t.Fatalf("%s: poll returned %d messages, error %v; want it still waiting", when, len(r.out.Messages), r.err)
	default:
	}
}

// dpReturned returns the poll's result, or fails the test if it is still
// waiting.
func dpReturned(t *testing.T, ch <-chan dpPollResult, when string) dpPollResult {
	t.Helper()
	synctest.Wait()
	select {
	case r := <-ch:
		return r
	default:
		t.Fatalf("%s: poll still waiting, want it returned", when)
		return dpPollResult{}
	}
}

// dpAdvance moves the mock clock by d after letting every goroutine settle.
func dpAdvance(e *env, d time.Duration) {
	synctest.Wait()
	e.clock.Add(d)
}

// dpLongPoll is the state a long-poll scenario works on.
type dpLongPoll struct {
	e      *env
	q      *queue.Queue
	other  *queue.Queue
	handle string // of a message received before the poll
}

func (s *dpLongPoll) receiveFor(vis time.Duration) {
	s.e.send(s.q, "m")
	s.handle = dpRecvOne(s.e, s.q, new(vis)).ReceiptHandle
}

func (s *dpLongPoll) changeVisibility(vis time.Duration) {
	if _, err := s.q.ChangeMessageVisibility(s.e.ctx, queue.ChangeMessageVisibilityInput{
		ReceiptHandle: s.handle, VisibilityTimeout: vis}); err != nil {
		s.e.t.Fatalf("ChangeMessageVisibility: %v", err)
	}
}

func TestLongPollWakeups(t *testing.T) {
	tests := []struct {
		name      string
		queueWait *time.Duration // the queue's ReceiveMessageWaitTimeSeconds
		wait      *time.Duration // the poll's WaitTimeSeconds
		before    func(s *dpLongPoll)
		at        time.Duration // when the action runs, after the poll started
		action    func(s *dpLongPoll)
		after     time.Duration // how long after the action the poll must return
		want      string        // the body it returns; empty: no message
	}{
		{name: "send wakes the poll at once", wait: new(20 * time.Second),
			at: 5 * time.Second, action: func(s *dpLongPoll) { s.e.send(s.q, "m") }, want: "m"},
		{name: "empty exactly at the wait time", wait: new(20 * time.Second),
			after: 20 * time.Second},
		{name: "send to another queue does not wake it", wait: new(20 * time.Second),
			at: 5 * time.Second, action: func(s *dpLongPoll) { s.e.send(s.other, "m") }, after: 15 * time.Second},
		{name: "delayed message sent before the poll comes due", wait: new(20 * time.Second),
			before: func(s *dpLongPoll) {
				dpSend(s.e, s.q, queue.SendMessageInput{MessageBody: "m", DelaySeconds: new(5 * time.Second)})
			},
			after: 5 * time.Second, want: "m"},
		{name: "delayed message sent during the poll comes due", wait: new(20 * time.Second),
			at: 2 * time.Second, action: func(s *dpLongPoll) {
				dpSend(s.e, s.q, queue.SendMessageInput{MessageBody: "m", DelaySeconds: new(5 * time.Second)})
			},
			after: 5 * time.Second, want: "m"},
		{name: "delayed message due after the wait", wait: new(5 * time.Second),
			before: func(s *dpLongPoll) {
				dpSend(s.e, s.q, queue.SendMessageInput{MessageBody: "m", DelaySeconds: new(10 * time.Second)})
			},
			after: 5 * time.Second},
		{name: "visibility timeout ends mid-poll", wait: new(20 * time.Second),
			before: func(s *dpLongPoll) { s.receiveFor(5 * time.Second) },
			after:  5 * time.Second, want: "m"},
		{name: "visibility timeout shortened mid-poll", wait: new(20 * time.Second),
			before: func(s *dpLongPoll) { s.receiveFor(time.Minute) },
			at:     2 * time.Second, action: func(s *dpLongPoll) { s.changeVisibility(5 * time.Second) },
			after: 5 * time.Second, want: "m"},
		{name: "ChangeMessageVisibility to 0 wakes the poll", wait: new(20 * time.Second),
			before: func(s *dpLongPoll) { s.receiveFor(time.Minute) },
			at:     3 * time.Second, action: func(s *dpLongPoll) { s.changeVisibility(0) }, want: "m"},
		{name: "omitted wait uses the queue's", queueWait: new(10 * time.Second),
			after: 10 * time.Second},
		{name: "omitted wait uses the queue's and a send wakes it", queueWait: new(10 * time.Second),
			at: 4 * time.Second, action: func(s *dpLongPoll) { s.e.send(s.q, "m") }, want: "m"},
		{name: "explicit wait overrides the queue's", queueWait: new(10 * time.Second), wait: new(3 * time.Second),
			after: 3 * time.Second},
		{name: "explicit zero wait is a short poll", queueWait: new(10 * time.Second), wait: new(time.Duration(0))},
		{name: "omitted wait on a queue without one is a short poll"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				e := newEnv(t)
				s := &dpLongPoll{e: e,
					q:     e.create("q", queue.Attributes{ReceiveMessageWaitTimeSeconds: tt.queueWait}),
					other: e.create("other", queue.Attributes{})}
				if tt.before != nil {
					tt.before(s)
				}
				start := e.clock.Now()
				poll := dpStartPoll(e.ctx, s.q, queue.ReceiveMessageInput{WaitTimeSeconds: tt.wait, MaxNumberOfMessages: new(10)})
				if tt.action != nil {
					if tt.at > 0 {
						dpBlocked(t, poll, "before advancing")
						dpAdvance(e, tt.at)
					}
					dpBlocked(t, poll, "before the action")
					tt.action(s)
				}
				if tt.after > 0 {
					dpBlocked(t, poll, "right after the start or action")
					if tt.after > time.Second {
						dpAdvance(e, tt.after-time.Second)
						dpBlocked(t, poll, "1s before it is due")
					}
					dpAdvance(e, time.Second-time.Millisecond)
					dpBlocked(t, poll, "1ms before it is due")
					dpAdvance(e, time.Millisecond)
				}
				r := dpReturned(t, poll, "when due")
				if r.err != nil {
					t.Fatalf("poll: got %v, want success", r.err)
				}
				if tt.want == "" {
					if r.out.Messages != nil {
						t.Fatalf("poll returned %d messages, want nil", len(r.out.Messages))
					}
				} else if len(r.out.Messages) != 1 || r.out.Messages[0].Body != tt.want {
					t.Fatalf("poll returned %v, want one message %q", r.out.Messages, tt.want)
				}
				if got, want := e.clock.Now(), start.Add(tt.at+tt.after); !got.Equal(want) {
					t.Fatalf("returned at %v, want %v", got.Sub(start), want.Sub(start))
				}
			})
		})
	}
}

func TestLongPollInterrupted(t *testing.T) {
	tests := []struct {
		name      string
		interrupt func(e *env, q *queue.Queue, cancel context.CancelFunc)
		want      error
	}{
		{"context cancelled", func(e *env, q *queue.Queue, cancel context.CancelFunc) { cancel() }, context.Canceled},
		{"service closed", func(e *env, q *queue.Queue, cancel context.CancelFunc) { e.svc.Close() }, queue.ErrServiceUnavailable},
		{"queue deleted", func(e *env, q *queue.Queue, cancel context.CancelFunc) {
			if _, err := e.svc.DeleteQueue(e.ctx, queue.DeleteQueueInput{QueueUrl: q.URL()}); err != nil {
				e.t.Fatalf("DeleteQueue: %v", err)
			}
		}, queue.ErrQueueDoesNotExist},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				e := newEnv(t)
				q := e.create("q", queue.Attributes{})
				ctx, cancel := context.WithCancel(e.ctx)
				defer cancel()
				start := e.clock.Now()
				poll := dpStartPoll(ctx, q, queue.ReceiveMessageInput{WaitTimeSeconds: new(20 * time.Second)})
				dpAdvance(e, 5*time.Second)
				dpBlocked(t, poll, "before the interruption")
				tt.interrupt(e, q, cancel)
				r := dpReturned(t, poll, "after the interruption")
				if !errors.Is(r.err, tt.want) {
					t.Fatalf("poll error: got %v, want %v", r.err, tt.want)
				}
				if r.out.Messages != nil {
					t.Fatalf("poll returned %d messages with the error, want none", len(r.out.Messages))
				}
				if got := e.clock.Now().Sub(start); got != 5*time.Second {
					t.Fatalf("returned after %v, want %v: at once", got, 5*time.Second)
				}
			})
		})
	}
}

// Several waiters on one queue: one message wakes the oldest of them, which
// gets it; the others wait on until their own deadline.
func TestLongPollManyWaiters(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		e := newEnv(t)
		q := e.create("q", queue.Attributes{})
		var polls []<-chan dpPollResult
		for range 3 {
			polls = append(polls, dpStartPoll(e.ctx, q, queue.ReceiveMessageInput{WaitTimeSeconds: new(10 * time.Second)}))
		}
		dpAdvance(e, time.Second)
		e.send(q, "m")
		synctest.Wait()
		got, waiting := 0, []<-chan dpPollResult{}
		for _, p := range polls {
			select {
			case r := <-p:
				if r.err != nil || len(r.out.Messages) != 1 {
					t.Fatalf("poll returned %d messages, error %v; want 1 message", len(r.out.Messages), r.err)
				}
				got++
			default:
				waiting = append(waiting, p)
			}
		}
		if got != 1 {
			t.Fatalf("%d polls returned the message, want 1", got)
		}
		dpAdvance(e, 9*time.Second)
		for _, p := range waiting {
			if r := dpReturned(t, p, "at the deadline"); r.err != nil || r.out.Messages != nil {
				t.Fatalf("poll returned %d messages, error %v; want none", len(r.out.Messages), r.err)
			}
		}
	})
}

// On a FIFO queue, deleting the message that holds up its group makes the
// next one receivable at once: a long poll waiting for it returns then.
func TestLongPollFifoGroupUnblockedByDelete(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		e := newEnv(t)
		q := e.create("jobs.fifo", queue.Attributes{FifoQueue: new(true), ContentBasedDeduplication: new(true)})
		for _, body := range []string{"first", "second"} {
			if _, err := q.SendMessage(e.ctx, queue.SendMessageInput{MessageBody: body, MessageGroupId: "g"}); err != nil {
				t.Fatal(err)
			}
		}
		got, err := q.ReceiveMessage(e.ctx, queue.ReceiveMessageInput{VisibilityTimeout: new(time.Minute)})
		if err != nil || len(got.Messages) != 1 || got.Messages[0].Body != "first" {
			t.Fatalf("receive: %+v, %v; want [first]", got.Messages, err)
		}
		poll := dpStartPoll(e.ctx, q, queue.ReceiveMessageInput{WaitTimeSeconds: new(20 * time.Second)})
		dpBlocked(t, poll, "while the group's first message is in flight")
		if _, err := q.DeleteMessage(e.ctx, queue.DeleteMessageInput{ReceiptHandle: got.Messages[0].ReceiptHandle}); err != nil {
			t.Fatal(err)
		}
		r := dpReturned(t, poll, "after the first message was deleted")
		if r.err != nil || len(r.out.Messages) != 1 || r.out.Messages[0].Body != "second" {
			t.Fatalf("poll: %+v, %v; want [second]", r.out.Messages, r.err)
		}
	})
}

// A poll woken for a message that then gives up (its context is cancelled
// at the same moment) passes the wake on: the message never sits unnoticed
// while another poll waits. Which of the two selects wins is up to the Go
// scheduler, so both outcomes are accepted; -count=20 sees both.
func TestLongPollCancelledWakePassesOn(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		e := newEnv(t)
		q := e.create("q", queue.Attributes{})
		ctx, cancel := context.WithCancel(e.ctx)
		first := dpStartPoll(ctx, q, queue.ReceiveMessageInput{WaitTimeSeconds: new(20 * time.Second)})
		second := dpStartPoll(e.ctx, q, queue.ReceiveMessageInput{WaitTimeSeconds: new(20 * time.Second)})
		e.send(q, "m") // wakes the first poll...
		cancel()       // ...which may give up before it looks
		r1 := dpReturned(t, first, "after the send and the cancel")
		if r1.err == nil {
			if len(r1.out.Messages) != 1 {
				t.Fatalf("first poll: %d messages, want 1", len(r1.out.Messages))
			}
			dpBlocked(t, second, "after the first poll took the message")
			return
		}
		if !errors.Is(r1.err, context.Canceled) {
			t.Fatalf("first poll: %v, want context.Canceled", r1.err)
		}
		r2 := dpReturned(t, second, "after the first poll gave up")
		if r2.err != nil || len(r2.out.Messages) != 1 {
			t.Fatalf("second poll: %d messages, %v; want the message", len(r2.out.Messages), r2.err)
		}
	})
}
