package queue_test

import (
	"testing"
	"time"

	"github.com/sluicehq/sluice/queue"
)

func dpDelete(e *env, q *queue.Queue, h string) error {
	_, err := q.DeleteMessage(e.ctx, queue.DeleteMessageInput{ReceiptHandle: h})
	return err
}

// Checklist 20: deleting is idempotent on a standard queue.
func TestDeleteMessageRepeated(t *testing.T) {
	tests := []struct {
		name  string
		lapse bool // let the visibility timeout lapse before the first delete
	}{
		{"in flight", false},
		{"visibility lapsed", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newEnv(t)
			q := e.create("q", queue.Attributes{})
			e.send(q, "b")
			e.send(q, "other")
			h := dpRecvOne(e, q, nil).ReceiptHandle
			if tt.lapse {
				e.clock.Add(time.Minute)
			}
			for i := range 3 {
				if err := dpDelete(e, q, h); err != nil {
					t.Fatalf("delete %d: got %v, want success", i+1, err)
				}
				dpWantCounts(e, q, [3]int{1, 0, 0}) // only "other" is left
			}
			if got := e.receive(q, 10); len(got) != 1 || got[0].Body != "other" {
				t.Fatalf("received %v, want only %q", got, "other")
			}
		})
	}
}

// Checklist 22: a handle superseded by a newer receive still deletes the
// message. AWS says it "might not be deleted"; sluice always deletes it, as
// its DeleteMessage doc says.
func TestDeleteMessageSupersededHandle(t *testing.T) {
	e := newEnv(t)
	q := e.create("q", queue.Attributes{})
	e.send(q, "b")
	h1 := dpRecvOne(e, q, new(time.Duration(0))).ReceiptHandle
	h2 := dpRecvOne(e, q, new(time.Hour)).ReceiptHandle
	if err := dpDelete(e, q, h1); err != nil {
		t.Fatalf("delete with the older handle: got %v, want success", err)
	}
	dpWantCounts(e, q, [3]int{0, 0, 0})
	if err := dpDelete(e, q, h2); err != nil {
		t.Fatalf("delete with the newer handle afterwards: got %v, want success", err)
	}
	e.clock.Add(time.Hour)
	if got := e.receive(q, 10); got != nil {
		t.Fatalf("received %d messages after the delete, want 0", len(got))
	}
}

// Checklist 21: handles this queue did not issue.
func TestInvalidReceiptHandle(t *testing.T) {
	tests := []struct {
		name   string
		handle func(e *env, valid string) string
	}{
		{"garbage", func(e *env, valid string) string { return "garbage" }},
		{"handle of another queue", func(e *env, valid string) string {
			other := e.create("other", queue.Attributes{})
			e.send(other, "b")
			return dpRecvOne(e, other, nil).ReceiptHandle
		}},
		{"tampered", func(e *env, valid string) string {
			b := []byte(valid)
			if b[10] == 'A' { // change one character, keeping it base64
				b[10] = 'B'
			} else {
				b[10] = 'A'
			}
			return string(b)
		}},
		{"truncated", func(e *env, valid string) string { return valid[:len(valid)-1] }},
		{"extended", func(e *env, valid string) string { return valid + "A" }},
	}
	ops := []struct {
		name string
		call func(e *env, q *queue.Queue, h string) error
	}{
		{"DeleteMessage", dpDelete},
		{"ChangeMessageVisibility", func(e *env, q *queue.Queue, h string) error { return dpCMV(e, q, h, 0) }},
	}
	for _, tt := range tests {
		for _, op := range ops {
			t.Run(tt.name+"/"+op.name, func(t *testing.T) {
				e := newEnv(t)
				q := e.create("q", queue.Attributes{})
				e.send(q, "b")
				valid := dpRecvOne(e, q, new(time.Hour)).ReceiptHandle
				h := tt.handle(e, valid)
				err := op.call(e, q, h)
				wantErr(t, err, queue.ErrReceiptHandleIsInvalid, `The input receipt handle "`+h+`" is not a valid receipt handle.`)
				if got := dpErr(t, err).HTTPStatus; got != 404 {
					t.Fatalf("HTTPStatus = %v, want %v", got, 404)
				}
				dpWantCounts(e, q, [3]int{0, 1, 0}) // the message is untouched
			})
		}
	}
}

func TestDeleteMessageLeavesOthers(t *testing.T) {
	e := newEnv(t)
	q := e.create("q", queue.Attributes{})
	for _, b := range []string{"a", "b", "c"} {
		e.send(q, b)
	}
	msgs := e.receive(q, 3)
	if len(msgs) != 3 {
		t.Fatalf("received %d messages, want 3", len(msgs))
	}
	if err := dpDelete(e, q, msgs[1].ReceiptHandle); err != nil {
		t.Fatal(err)
	}
	dpWantCounts(e, q, [3]int{0, 2, 0})
	e.clock.Add(queue.DefaultVisibilityTimeout)
	got := e.receive(q, 10)
	if len(got) != 2 || got[0].Body != "a" || got[1].Body != "c" {
		t.Fatalf("received %v, want a and c", got)
	}
}

// Every data-plane operation on a deleted queue or a closed service fails.
func TestDataPlaneAfterDeleteOrClose(t *testing.T) {
	ops := []struct {
		name string
		call func(e *env, q *queue.Queue, h string) error
	}{
		{"SendMessage", func(e *env, q *queue.Queue, h string) error {
			_, err := q.SendMessage(e.ctx, queue.SendMessageInput{MessageBody: "b"})
			return err
		}},
		{"ReceiveMessage", func(e *env, q *queue.Queue, h string) error {
			_, err := q.ReceiveMessage(e.ctx, queue.ReceiveMessageInput{})
			return err
		}},
		{"DeleteMessage", dpDelete},
		{"ChangeMessageVisibility", func(e *env, q *queue.Queue, h string) error { return dpCMV(e, q, h, 0) }},
		{"SendMessageBatch", func(e *env, q *queue.Queue, h string) error {
			_, err := q.SendMessageBatch(e.ctx, queue.SendMessageBatchInput{Entries: []queue.SendMessageBatchRequestEntry{{Id: "a", MessageBody: "b"}}})
			return err
		}},
		{"DeleteMessageBatch", func(e *env, q *queue.Queue, h string) error {
			_, err := q.DeleteMessageBatch(e.ctx, queue.DeleteMessageBatchInput{Entries: []queue.DeleteMessageBatchRequestEntry{{Id: "a", ReceiptHandle: h}}})
			return err
		}},
		{"ChangeMessageVisibilityBatch", func(e *env, q *queue.Queue, h string) error {
			_, err := q.ChangeMessageVisibilityBatch(e.ctx, queue.ChangeMessageVisibilityBatchInput{
				Entries: []queue.ChangeMessageVisibilityBatchRequestEntry{{Id: "a", ReceiptHandle: h}}})
			return err
		}},
	}
	ends := []struct {
		name string
		end  func(e *env, q *queue.Queue)
		want *queue.Error
	}{
		{"queue deleted", func(e *env, q *queue.Queue) {
			if _, err := e.svc.DeleteQueue(e.ctx, queue.DeleteQueueInput{QueueUrl: q.URL()}); err != nil {
				e.t.Fatal(err)
			}
		}, queue.ErrQueueDoesNotExist},
		{"service closed", func(e *env, q *queue.Queue) { e.svc.Close() }, queue.ErrServiceUnavailable},
	}
	for _, end := range ends {
		for _, op := range ops {
			t.Run(end.name+"/"+op.name, func(t *testing.T) {
				e := newEnv(t)
				q := e.create("q", queue.Attributes{})
				e.send(q, "b")
				h := dpRecvOne(e, q, nil).ReceiptHandle
				end.end(e, q)
				wantErr(t, op.call(e, q, h), end.want, "")
			})
		}
	}
}

// An empty handle is a missing parameter, as for any required string.
func TestEmptyReceiptHandle(t *testing.T) {
	e := newEnv(t)
	q := e.create("jobs", queue.Attributes{})
	_, err := q.DeleteMessage(e.ctx, queue.DeleteMessageInput{})
	wantErr(t, err, queue.ErrMissingParameter, "The request must contain the parameter ReceiptHandle.")
	_, err = q.ChangeMessageVisibility(e.ctx, queue.ChangeMessageVisibilityInput{})
	wantErr(t, err, queue.ErrMissingParameter, "The request must contain the parameter ReceiptHandle.")
	out, err := q.DeleteMessageBatch(e.ctx, queue.DeleteMessageBatchInput{Entries: []queue.DeleteMessageBatchRequestEntry{{Id: "a"}}})
	if err != nil || len(out.Failed) != 1 || out.Failed[0].Code != "MissingParameter" {
		t.Fatalf("DeleteMessageBatch with an empty handle = %+v, %v; want one MissingParameter entry", out, err)
	}
}
