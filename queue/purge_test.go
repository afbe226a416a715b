package queue_test

import (
	"errors"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/sluicehq/sluice/queue"
)

// cpPurge purges q or fails the test.
func cpPurge(e *env, q *queue.Queue) {
	e.t.Helper()
	if _, err := q.PurgeQueue(e.ctx, queue.PurgeQueueInput{}); err != nil {
		e.t.Fatalf("PurgeQueue: %v", err)
	}
}

// cpBodies returns the bodies of msgs.
func cpBodies(msgs []queue.Message) []string {
	var out []string
	for _, m := range msgs {
		out = append(out, m.Body)
	}
	return out
}

func TestPurgeQueueRemovesEveryMessage(t *testing.T) {
	tests := []struct {
		name        string
		visible     int
		inFlight    int
		delayed     int
		wasInFlight int // received once, visible again at once
	}{
		{name: "empty"},
		{name: "visible", visible: 3},
		{name: "in flight", inFlight: 2},
		{name: "delayed", delayed: 2},
		{name: "received before", wasInFlight: 1},
		{name: "all kinds", visible: 3, inFlight: 2, delayed: 4, wasInFlight: 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newEnv(t)
			q := e.create("jobs", queue.Attributes{VisibilityTimeout: new(time.Hour)})
			var handles []string
			for range tt.inFlight {
				e.send(q, "in flight")
			}
			if tt.inFlight > 0 {
				for _, m := range e.receive(q, 10) {
					handles = append(handles, m.ReceiptHandle)
				}
			}
			for range tt.wasInFlight {
				e.send(q, "was in flight")
			}
			if tt.wasInFlight > 0 {
				// Received with a zero visibility timeout: visible again at once.
				out, err := q.ReceiveMessage(e.ctx, queue.ReceiveMessageInput{MaxNumberOfMessages: new(10), VisibilityTimeout: new(time.Duration(0))})
				if err != nil {
					t.Fatal(err)
				}
				for _, m := range out.Messages {
					handles = append(handles, m.ReceiptHandle)
				}
			}
			if got, want := len(handles), tt.inFlight+tt.wasInFlight; got != want {
				t.Fatalf("received %d messages, want %d", got, want)
			}
			for range tt.visible {
				e.send(q, "visible")
			}
			for range tt.delayed {
				if _, err := q.SendMessage(e.ctx, queue.SendMessageInput{MessageBody: "delayed", DelaySeconds: new(10 * time.Minute)}); err != nil {
					t.Fatal(err)
				}
			}
			want := []int{tt.visible + tt.wasInFlight, tt.inFlight, tt.delayed}
			if got, w := cpCounts(e, q), cpCountString(want); got != w {
				t.Fatalf("before purge: got %v, want %v", got, w)
			}

			cpPurge(e, q)
			if got := cpCounts(e, q); got != "0/0/0" {
				t.Errorf("after purge: got %v, want %v", got, "0/0/0")
			}
			// Nothing comes back: not when delays and timeouts end either.
			e.clock.Add(time.Hour)
			if got := cpCounts(e, q); got != "0/0/0" {
				t.Errorf("an hour after purge: got %v, want %v", got, "0/0/0")
			}
			if got := e.receive(q, 10); len(got) != 0 {
				t.Errorf("receive after purge: got %v, want none", cpBodies(got))
			}

			// Handles of purged messages: delete succeeds, changing the
			// visibility fails as for a deleted message.
			for _, h := range handles {
				if _, err := q.DeleteMessage(e.ctx, queue.DeleteMessageInput{ReceiptHandle: h}); err != nil {
					t.Errorf("DeleteMessage(purged): got %v, want nil", err)
				}
				_, err := q.ChangeMessageVisibility(e.ctx, queue.ChangeMessageVisibilityInput{ReceiptHandle: h, VisibilityTimeout: time.Minute})
				wantErr(t, err, queue.ErrInvalidParameterValue, "Value "+h+
					" for parameter ReceiptHandle is invalid. Reason: Message does not exist or is not available for visibility timeout change.")
				batch, err := q.ChangeMessageVisibilityBatch(e.ctx, queue.ChangeMessageVisibilityBatchInput{
					Entries: []queue.ChangeMessageVisibilityBatchRequestEntry{{Id: "a", ReceiptHandle: h, VisibilityTimeout: time.Minute}}})
				if err != nil || len(batch.Failed) != 1 || batch.Failed[0].Code != queue.ErrInvalidParameterValue.Code || !batch.Failed[0].SenderFault {
					t.Errorf("ChangeMessageVisibilityBatch(purged): got %+v, %v, want one InvalidParameterValue failure", batch, err)
				}
				del, err := q.DeleteMessageBatch(e.ctx, queue.DeleteMessageBatchInput{
					Entries: []queue.DeleteMessageBatchRequestEntry{{Id: "a", ReceiptHandle: h}}})
				if err != nil || len(del.Successful) != 1 || len(del.Failed) != 0 {
					t.Errorf("DeleteMessageBatch(purged): got %+v, %v, want one success", del, err)
				}
			}
		})
	}
}

func cpCountString(n []int) string { return fmt.Sprintf("%d/%d/%d", n[0], n[1], n[2]) }

func TestPurgeQueueCooldown(t *testing.T) {
	const text = "Only one PurgeQueue operation on jobs is allowed every 60 seconds."
	tests := []struct {
		name    string
		retries []time.Duration // rejected attempts in between, from the first purge
		second  time.Duration   // when the second purge comes, from the first
		wantErr bool
	}{
		{name: "at once", second: 0, wantErr: true},
		{name: "t+1s", second: time.Second, wantErr: true},
		{name: "t+59s", second: 59 * time.Second, wantErr: true},
		{name: "t+59.999s", second: 60*time.Second - time.Millisecond, wantErr: true},
		{name: "t+60s", second: 60 * time.Second},
		{name: "t+61s", second: 61 * time.Second},
		{name: "t+1h", second: time.Hour},
		{name: "t+60s after rejected tries", retries: []time.Duration{10 * time.Second, 59 * time.Second}, second: 60 * time.Second},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newEnv(t)
			q := e.create("jobs", queue.Attributes{})
			e.send(q, "before")
			cpPurge(e, q)
			var at time.Duration
			for _, r := range tt.retries {
				e.clock.Add(r - at)
				at = r
				_, err := q.PurgeQueue(e.ctx, queue.PurgeQueueInput{})
				wantErr(t, err, queue.ErrPurgeQueueInProgress, text)
			}
			e.clock.Add(tt.second - at)
			e.send(q, "after")

			_, err := q.PurgeQueue(e.ctx, queue.PurgeQueueInput{})
			if !tt.wantErr {
				if err != nil {
					t.Fatalf("second PurgeQueue: got %v, want nil", err)
				}
				if got := cpCounts(e, q); got != "0/0/0" {
					t.Errorf("after second purge: got %v, want %v", got, "0/0/0")
				}
				return
			}
			wantErr(t, err, queue.ErrPurgeQueueInProgress, text)
			var qe *queue.Error
			if !errors.As(err, &qe) || qe.HTTPStatus != 403 || qe.LegacyCode() != "AWS.SimpleQueueService.PurgeQueueInProgress" || !qe.Sender {
				t.Errorf("error: got %+v, want HTTP 403, code AWS.SimpleQueueService.PurgeQueueInProgress, sender fault", qe)
			}
			// The rejected purge deleted nothing.
			if got := e.receive(q, 10); !slices.Equal(cpBodies(got), []string{"after"}) {
				t.Errorf("receive after rejected purge: got %v, want %v", cpBodies(got), []string{"after"})
			}
		})
	}
}

func TestPurgeQueueCooldownIsPerQueue(t *testing.T) {
	e := newEnv(t)
	a := e.create("a", queue.Attributes{})
	b := e.create("b", queue.Attributes{})
	cpPurge(e, a)
	tests := []struct {
		q       *queue.Queue
		wantErr bool
	}{
		{b, false},
		{a, true},
		{b, true},
	}
	for _, tt := range tests {
		_, err := tt.q.PurgeQueue(e.ctx, queue.PurgeQueueInput{})
		if tt.wantErr {
			wantErr(t, err, queue.ErrPurgeQueueInProgress, "Only one PurgeQueue operation on "+tt.q.Name()+" is allowed every 60 seconds.")
		} else if err != nil {
			t.Errorf("PurgeQueue(%s): got %v, want nil", tt.q.Name(), err)
		}
	}
	// A queue deleted and created again is a new queue, with no cooldown.
	if _, err := e.svc.DeleteQueue(e.ctx, queue.DeleteQueueInput{QueueUrl: a.URL()}); err != nil {
		t.Fatal(err)
	}
	e.clock.Add(time.Minute)
	again := e.create("a", queue.Attributes{})
	cpPurge(e, again)
}

func TestPurgeQueueThenSend(t *testing.T) {
	e := newEnv(t)
	q := e.create("jobs", queue.Attributes{})
	for _, body := range []string{"old1", "old2"} {
		e.send(q, body)
	}
	old := e.receive(q, 1)
	cpPurge(e, q)

	steps := []struct {
		name       string
		do         func()
		wantCounts string
	}{
		{"send after purge", func() { e.send(q, "new1") }, "1/0/0"},
		{"batch after purge", func() {
			out, err := q.SendMessageBatch(e.ctx, queue.SendMessageBatchInput{Entries: []queue.SendMessageBatchRequestEntry{
				{Id: "a", MessageBody: "new2"}, {Id: "b", MessageBody: "new3"}}})
			if err != nil || len(out.Successful) != 2 {
				t.Fatalf("SendMessageBatch: got %+v, %v, want 2 sent", out, err)
			}
		}, "3/0/0"},
		{"delayed after purge", func() {
			if _, err := q.SendMessage(e.ctx, queue.SendMessageInput{MessageBody: "new4", DelaySeconds: new(5 * time.Second)}); err != nil {
				t.Fatal(err)
			}
		}, "3/0/1"},
		{"old handle deletes nothing new", func() {
			if _, err := q.DeleteMessage(e.ctx, queue.DeleteMessageInput{ReceiptHandle: old[0].ReceiptHandle}); err != nil {
				t.Fatal(err)
			}
		}, "3/0/1"},
		{"delay over", func() { e.clock.Add(5 * time.Second) }, "4/0/0"},
	}
	for _, s := range steps {
		s.do()
		if got := cpCounts(e, q); got != s.wantCounts {
			t.Errorf("%s: got %v, want %v", s.name, got, s.wantCounts)
		}
	}
	got := e.receive(q, 10)
	if want := []string{"new1", "new2", "new3", "new4"}; !slices.Equal(cpBodies(got), want) {
		t.Errorf("received: got %v, want %v", cpBodies(got), want)
	}
	for _, m := range got {
		if _, err := q.DeleteMessage(e.ctx, queue.DeleteMessageInput{ReceiptHandle: m.ReceiptHandle}); err != nil {
			t.Errorf("DeleteMessage(%s): %v", m.Body, err)
		}
	}
	if got := cpCounts(e, q); got != "0/0/0" {
		t.Errorf("after deleting all: got %v, want %v", got, "0/0/0")
	}
}
