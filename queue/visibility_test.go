package queue_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/sluicehq/sluice/queue"
)

// dpCMV changes the visibility of handle h.
func dpCMV(e *env, q *queue.Queue, h string, vis time.Duration) error {
	_, err := q.ChangeMessageVisibility(e.ctx, queue.ChangeMessageVisibilityInput{ReceiptHandle: h, VisibilityTimeout: vis})
	return err
}

// dpHiddenFor fails the test unless the queue's only message stays
// unreceivable for d and is received once d has passed; it returns that
// receive.
func dpHiddenFor(e *env, q *queue.Queue, d time.Duration) queue.Message {
	e.t.Helper()
	if d > 0 {
		if d > time.Second {
			e.clock.Add(d - time.Second)
		}
		if got := e.receive(q, 10); len(got) != 0 {
			e.t.Fatalf("received %d messages 1s before the visibility timeout ends, want 0", len(got))
		}
		e.clock.Add(min(d, time.Second))
	}
	return dpRecvOne(e, q, new(time.Hour))
}

func dpBeyondLimit(vis int) string {
	return fmt.Sprintf("Value %d for parameter VisibilityTimeout is invalid. "+
		"Reason: Total VisibilityTimeout for the message is beyond the limit [43200 seconds].", vis)
}

// Checklist 16: any handle the message was received with changes the
// current receive's visibility.
func TestChangeMessageVisibilityOlderHandle(t *testing.T) {
	tests := []struct {
		name  string
		older bool // use the first receive's handle rather than the current one
		vis   time.Duration
	}{
		{"older handle, 0", true, 0},
		{"older handle, 60s", true, time.Minute},
		{"current handle, 0", false, 0},
		{"current handle, 60s", false, time.Minute},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newEnv(t)
			q := e.create("q", queue.Attributes{})
			sent := e.send(q, "b")
			h1 := dpRecvOne(e, q, new(time.Duration(0))).ReceiptHandle
			h2 := dpRecvOne(e, q, new(time.Hour)).ReceiptHandle
			h := h2
			if tt.older {
				h = h1
			}
			if err := dpCMV(e, q, h, tt.vis); err != nil {
				t.Fatalf("ChangeMessageVisibility: got %v, want success", err)
			}
			m := dpHiddenFor(e, q, tt.vis)
			if m.MessageId != sent.MessageId {
				t.Fatalf("received %v, want %v", m.MessageId, sent.MessageId)
			}
		})
	}
}

// Checklist 17: the new timeout counts from the call and may not take the
// total past 12 h since the receive (not since the send).
func TestChangeMessageVisibilityLimit(t *testing.T) {
	tests := []struct {
		name          string
		sendToReceive time.Duration
		receiveVis    time.Duration
		receiveToCMV  time.Duration
		vis           time.Duration
		want          string // error message; empty: accepted
	}{
		{"43200 right after the receive", 0, time.Hour, 0, 43200 * time.Second, ""},
		{"43201 outright", 0, time.Hour, 0, 43201 * time.Second, dpBeyondLimit(43201)},
		{"12h total from the receive", 2 * time.Hour, time.Hour, 30 * time.Minute, 11*time.Hour + 30*time.Minute, ""},
		{"12h+1s total from the receive", 2 * time.Hour, time.Hour, 30 * time.Minute, 11*time.Hour + 30*time.Minute + time.Second,
			dpBeyondLimit(41401)},
		{"extend a 12h receive by 1s", 0, 12 * time.Hour, time.Second, 43200 * time.Second, dpBeyondLimit(43200)},
		{"shorten a 12h receive late", 0, 12 * time.Hour, 11 * time.Hour, time.Hour, ""},
		{"0 at the 12h mark", 0, 12 * time.Hour, 12*time.Hour - time.Second, 0, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newEnv(t)
			q := e.create("q", queue.Attributes{})
			e.send(q, "b")
			e.clock.Add(tt.sendToReceive)
			h := dpRecvOne(e, q, new(tt.receiveVis)).ReceiptHandle
			e.clock.Add(tt.receiveToCMV)
			err := dpCMV(e, q, h, tt.vis)
			if tt.want == "" {
				if err != nil {
					t.Fatalf("ChangeMessageVisibility: got %v, want success", err)
				}
				dpHiddenFor(e, q, tt.vis)
				return
			}
			wantErr(t, err, queue.ErrInvalidParameterValue, tt.want)
			// Rejected: the receive's own timeout still applies.
			dpHiddenFor(e, q, tt.receiveVis-tt.receiveToCMV)
		})
	}
}

func TestChangeMessageVisibilityNegative(t *testing.T) {
	e := newEnv(t)
	q := e.create("q", queue.Attributes{})
	e.send(q, "b")
	h := dpRecvOne(e, q, nil).ReceiptHandle
	wantErr(t, dpCMV(e, q, h, -time.Second), queue.ErrInvalidParameterValue, "")
	dpWantCounts(e, q, [3]int{0, 1, 0})
}

// Checklist 18: a timeout set by ChangeMessageVisibility applies to that
// receive only.
func TestChangeMessageVisibilityAppliesOnce(t *testing.T) {
	tests := []struct {
		name       string
		receiveVis *time.Duration // of the second receive
		want       time.Duration  // how long the second receive hides the message
	}{
		{"queue's timeout", nil, 30 * time.Second},
		{"request's timeout", new(10 * time.Second), 10 * time.Second},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newEnv(t)
			q := e.create("q", queue.Attributes{VisibilityTimeout: new(30 * time.Second)})
			e.send(q, "b")
			h := dpRecvOne(e, q, nil).ReceiptHandle
			if err := dpCMV(e, q, h, 100*time.Second); err != nil {
				t.Fatal(err)
			}
			e.clock.Add(99 * time.Second)
			if got := e.receive(q, 1); len(got) != 0 {
				t.Fatalf("received %d messages before the changed timeout ended, want 0", len(got))
			}
			e.clock.Add(time.Second)
			dpRecvOne(e, q, tt.receiveVis)
			e.clock.Add(tt.want - time.Second)
			if got := e.receive(q, 1); len(got) != 0 {
				t.Fatalf("received %d messages 1s before the second timeout ended, want 0", len(got))
			}
			e.clock.Add(time.Second)
			if got := e.receive(q, 1); len(got) != 1 {
				t.Fatalf("received %d messages when the second timeout ended, want 1", len(got))
			}
		})
	}
}

// A message whose visibility lapsed (not received again) can still be
// changed with its handle (AWS-rec: 200); sluice then hides it again, as its
// doc says.
func TestChangeMessageVisibilityAfterLapse(t *testing.T) {
	tests := []struct {
		name string
		vis  time.Duration
		want [3]int
	}{
		{"hide again", 10 * time.Second, [3]int{0, 1, 0}},
		{"zero is a no-op", 0, [3]int{1, 0, 0}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newEnv(t)
			q := e.create("q", queue.Attributes{})
			e.send(q, "b")
			h := dpRecvOne(e, q, new(time.Second)).ReceiptHandle
			e.clock.Add(2 * time.Second)
			if err := dpCMV(e, q, h, tt.vis); err != nil {
				t.Fatalf("ChangeMessageVisibility after lapse: got %v, want success", err)
			}
			dpWantCounts(e, q, tt.want)
			dpHiddenFor(e, q, tt.vis)
		})
	}
}

// Checklist 19: on a standard queue a handle still deletes after its
// visibility lapsed.
func TestDeleteAfterVisibilityLapsed(t *testing.T) {
	e := newEnv(t)
	q := e.create("q", queue.Attributes{})
	e.send(q, "b")
	h := dpRecvOne(e, q, new(time.Second)).ReceiptHandle
	e.clock.Add(2 * time.Second)
	dpWantCounts(e, q, [3]int{1, 0, 0})
	if _, err := q.DeleteMessage(e.ctx, queue.DeleteMessageInput{ReceiptHandle: h}); err != nil {
		t.Fatalf("DeleteMessage: got %v, want success", err)
	}
	dpWantCounts(e, q, [3]int{0, 0, 0})
	if got := e.receive(q, 10); got != nil {
		t.Fatalf("received %d messages after the delete, want 0", len(got))
	}
}

// Checklist 24: no visibility change for a message that is gone.
func TestChangeMessageVisibilityGone(t *testing.T) {
	tests := []struct {
		name string
		gone func(e *env, q *queue.Queue, h string)
	}{
		{"deleted", func(e *env, q *queue.Queue, h string) {
			if _, err := q.DeleteMessage(e.ctx, queue.DeleteMessageInput{ReceiptHandle: h}); err != nil {
				e.t.Fatal(err)
			}
		}},
		{"expired", func(e *env, q *queue.Queue, h string) { e.clock.Add(queue.DefaultMessageRetentionPeriod) }},
		{"purged", func(e *env, q *queue.Queue, h string) {
			if _, err := q.PurgeQueue(e.ctx, queue.PurgeQueueInput{}); err != nil {
				e.t.Fatal(err)
			}
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newEnv(t)
			q := e.create("q", queue.Attributes{})
			e.send(q, "b")
			h := dpRecvOne(e, q, nil).ReceiptHandle
			tt.gone(e, q, h)
			for _, vis := range []time.Duration{0, time.Minute} {
				wantErr(t, dpCMV(e, q, h, vis), queue.ErrInvalidParameterValue, "Value "+h+
					" for parameter ReceiptHandle is invalid. Reason: Message does not exist or is not available for visibility timeout change.")
			}
			dpWantCounts(e, q, [3]int{0, 0, 0})
		})
	}
}
