package queue_test

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"regexp"
	"slices"
	"strconv"
	"sync/atomic"
	"testing"
	"testing/synctest"
	"time"

	"github.com/sluicehq/sluice/internal/clock"
	"github.com/sluicehq/sluice/queue"
)

// Helpers of this file are prefixed with mt (move task).

// mtPair creates a source queue whose dead-letter queue is dlq, with
// maxReceiveCount 1 and a source visibility timeout of 0 s, so that a
// second receive at the same instant dead-letters what the first returned.
func mtPair(e *env, src, dlq string) (*queue.Queue, *queue.Queue) {
	e.t.Helper()
	d := e.create(dlq, queue.Attributes{})
	s := e.create(src, queue.Attributes{
		VisibilityTimeout: new(time.Duration(0)),
		RedrivePolicy:     &queue.RedrivePolicy{DeadLetterTargetArn: d.ARN(), MaxReceiveCount: 1},
	})
	return s, d
}

// mtDeadLetter receives from a queue made by mtPair until each of its
// messages has gone to the dead-letter queue.
func mtDeadLetter(e *env, src *queue.Queue) {
	e.t.Helper()
	for len(e.receive(src, 10)) > 0 {
	}
}

// mtSendN sends n messages "<prefix>0".."<prefix>n-1".
func mtSendN(e *env, q *queue.Queue, prefix string, n int) {
	e.t.Helper()
	for i := range n {
		e.send(q, prefix+strconv.Itoa(i))
	}
}

// mtCount returns ApproximateNumberOfMessages of q.
func mtCount(e *env, q *queue.Queue) int {
	e.t.Helper()
	n, err := strconv.Atoi(e.attr(q, queue.AttributeApproximateNumberOfMessages))
	if err != nil {
		e.t.Fatal(err)
	}
	return n
}

// mtStart starts a task or fails the test.
func mtStart(e *env, in queue.StartMessageMoveTaskInput) string {
	e.t.Helper()
	out, err := e.svc.StartMessageMoveTask(e.ctx, in)
	if err != nil {
		e.t.Fatalf("StartMessageMoveTask: %v", err)
	}
	if out.TaskHandle == "" {
		e.t.Fatal("StartMessageMoveTask returned no TaskHandle")
	}
	return out.TaskHandle
}

// mtList lists the tasks of a source or fails the test.
func mtList(e *env, sourceArn string, maxResults int) []queue.ListMessageMoveTasksResultEntry {
	e.t.Helper()
	out, err := e.svc.ListMessageMoveTasks(e.ctx, queue.ListMessageMoveTasksInput{SourceArn: sourceArn, MaxResults: maxResults})
	if err != nil {
		e.t.Fatalf("ListMessageMoveTasks: %v", err)
	}
	return out.Results
}

// mtLatest returns the most recent task of a source or fails the test.
func mtLatest(e *env, sourceArn string) queue.ListMessageMoveTasksResultEntry {
	e.t.Helper()
	r := mtList(e, sourceArn, 0)
	if len(r) != 1 {
		e.t.Fatalf("ListMessageMoveTasks returned %d entries, want 1", len(r))
	}
	return r[0]
}

// mtWantErr is wantErr plus the HTTP status.
func mtWantErr(t *testing.T, err error, sentinel *queue.Error, msg string, status int) {
	t.Helper()
	wantErr(t, err, sentinel, msg)
	var qe *queue.Error
	if !errors.As(err, &qe) || qe.HTTPStatus != status {
		t.Fatalf("%v: HTTP status %d, want %d", err, qe.HTTPStatus, status)
	}
}

// mtReceiveAll short-polls up to 10 messages with every attribute.
func mtReceiveAll(e *env, q *queue.Queue, vis time.Duration) []queue.Message {
	e.t.Helper()
	out, err := q.ReceiveMessage(e.ctx, queue.ReceiveMessageInput{
		MaxNumberOfMessages:         new(10),
		WaitTimeSeconds:             new(time.Duration(0)),
		VisibilityTimeout:           new(vis),
		MessageAttributeNames:       []string{"All"},
		MessageSystemAttributeNames: []queue.MessageSystemAttributeName{queue.SystemAttributeAll},
	})
	if err != nil {
		e.t.Fatalf("ReceiveMessage: %v", err)
	}
	return out.Messages
}

// mtBodies returns the sorted bodies of messages.
func mtBodies(msgs []queue.Message) []string {
	var b []string
	for _, m := range msgs {
		b = append(b, m.Body)
	}
	slices.Sort(b)
	return b
}

func mtMillis(t time.Time) string { return strconv.FormatInt(t.UnixMilli(), 10) }

const (
	mtSourceMissing = "The resource that you specified for the SourceArn parameter doesn't exist."
	mtDestMissing   = "The resource that you specified for the DestinationArn parameter doesn't exist."
	mtNotDLQ        = "Source queue must be configured as a Dead Letter Queue."
	mtAlreadyActive = "There is already a task running. Only one active task is allowed for a source queue arn at a given time."
	mtBadHandle     = "Value for parameter TaskHandle is invalid."
	mtNoTask        = "Task does not exist."
	mtNonExistent   = "AWS.SimpleQueueService.NonExistentQueue"
)

func TestStartMessageMoveTaskErrors(t *testing.T) {
	e := newEnv(t)
	src, dlq := mtPair(e, "src", "dlq")
	dest := e.create("dest", queue.Attributes{})
	missing := "arn:aws:sqs:us-east-1:123456789012:missing"

	_, err := e.svc.StartMessageMoveTask(e.ctx, queue.StartMessageMoveTaskInput{SourceArn: missing})
	mtWantErr(t, err, queue.ErrResourceNotFoundException, mtSourceMissing, 404)
	// An ARN of another account or region names no queue of this Service.
	_, err = e.svc.StartMessageMoveTask(e.ctx, queue.StartMessageMoveTaskInput{SourceArn: "arn:aws:sqs:eu-west-1:123456789012:dlq"})
	mtWantErr(t, err, queue.ErrResourceNotFoundException, mtSourceMissing, 404)

	_, err = e.svc.StartMessageMoveTask(e.ctx, queue.StartMessageMoveTaskInput{SourceArn: dlq.ARN(), DestinationArn: missing})
	mtWantErr(t, err, queue.ErrResourceNotFoundException, mtDestMissing, 404)

	for _, q := range []*queue.Queue{dest, src} { // src has a policy but is nobody's DLQ
		_, err = e.svc.StartMessageMoveTask(e.ctx, queue.StartMessageMoveTaskInput{SourceArn: q.ARN()})
		mtWantErr(t, err, queue.ErrInvalidParameterValue, mtNotDLQ, 400)
	}

	for _, rate := range []int{0, -1, 501} {
		_, err = e.svc.StartMessageMoveTask(e.ctx, queue.StartMessageMoveTaskInput{SourceArn: dlq.ARN(), MaxNumberOfMessagesPerSecond: new(rate)})
		mtWantErr(t, err, queue.ErrInvalidParameterValue, "", 400)
	}
	if r := mtList(e, dlq.ARN(), 10); len(r) != 0 {
		t.Fatalf("rejected starts left tasks: %+v", r)
	}

	// The DLQ is empty: each accepted task completes at once, so the next
	// may start.
	for _, rate := range []int{1, 500} {
		mtStart(e, queue.StartMessageMoveTaskInput{SourceArn: dlq.ARN(), DestinationArn: dest.ARN(), MaxNumberOfMessagesPerSecond: new(rate)})
		got := mtLatest(e, dlq.ARN())
		if got.Status != queue.MoveTaskCompleted || got.MaxNumberOfMessagesPerSecond != rate || got.ApproximateNumberOfMessagesToMove != 0 {
			t.Fatalf("task at rate %d on an empty DLQ: %+v", rate, got)
		}
	}
}

func TestStartMessageMoveTaskOneActivePerSource(t *testing.T) {
	e := newEnv(t)
	_, dlq := mtPair(e, "src", "dlq")
	_, dlq2 := mtPair(e, "src2", "dlq2")
	dest := e.create("dest", queue.Attributes{})
	mtSendN(e, dlq, "m", 3)
	mtSendN(e, dlq2, "n", 3)

	start := queue.StartMessageMoveTaskInput{SourceArn: dlq.ARN(), DestinationArn: dest.ARN(), MaxNumberOfMessagesPerSecond: new(1)}
	mtStart(e, start)
	for _, in := range []queue.StartMessageMoveTaskInput{
		start,
		{SourceArn: dlq.ARN()},
		{SourceArn: dlq.ARN(), DestinationArn: dest.ARN(), MaxNumberOfMessagesPerSecond: new(500)},
	} {
		_, err := e.svc.StartMessageMoveTask(e.ctx, in)
		mtWantErr(t, err, queue.ErrInvalidParameterValue, mtAlreadyActive, 400)
	}
	// Another source may run a task at the same time, to the same
	// destination.
	mtStart(e, queue.StartMessageMoveTaskInput{SourceArn: dlq2.ARN(), DestinationArn: dest.ARN(), MaxNumberOfMessagesPerSecond: new(1)})

	// 3 messages at 1/s: the first at the start, the last 2 s later.
	e.clock.Add(time.Second)
	if got := mtLatest(e, dlq.ARN()); got.Status != queue.MoveTaskRunning {
		t.Fatalf("after 1 s: %+v, want RUNNING", got)
	}
	_, err := e.svc.StartMessageMoveTask(e.ctx, start)
	mtWantErr(t, err, queue.ErrInvalidParameterValue, mtAlreadyActive, 400)
	e.clock.Add(time.Second)
	if got := mtLatest(e, dlq.ARN()); got.Status != queue.MoveTaskCompleted {
		t.Fatalf("after 2 s: %+v, want COMPLETED", got)
	}

	// The previous task COMPLETED: a new one may start.
	mtSendN(e, dlq, "again", 1)
	mtStart(e, start)
	r := mtList(e, dlq.ARN(), 10)
	if len(r) != 2 || r[0].TaskHandle != "" || r[0].Status != queue.MoveTaskCompleted || r[0].ApproximateNumberOfMessagesToMove != 1 ||
		r[1].ApproximateNumberOfMessagesToMove != 3 {
		t.Fatalf("tasks after the restart: %+v", r)
	}
	if mtCount(e, dest) != 3+3+1 {
		t.Fatalf("dest holds %d messages, want 7", mtCount(e, dest))
	}
}

func TestMessageMoveTaskRate(t *testing.T) {
	e := newEnv(t)
	_, dlq := mtPair(e, "src", "dlq")
	dest := e.create("dest", queue.Attributes{})
	mtSendN(e, dlq, "m", 10)
	started := e.clock.Now()
	h := mtStart(e, queue.StartMessageMoveTaskInput{SourceArn: dlq.ARN(), DestinationArn: dest.ARN(), MaxNumberOfMessagesPerSecond: new(2)})

	// The first message moves at the start, then 2 per second.
	for i, moved := range []int{1, 3, 5, 7, 9, 10} {
		if i > 0 {
			e.clock.Add(time.Second)
		}
		got := mtLatest(e, dlq.ARN())
		want := queue.ListMessageMoveTasksResultEntry{
			TaskHandle:                        h,
			Status:                            queue.MoveTaskRunning,
			SourceArn:                         dlq.ARN(),
			DestinationArn:                    dest.ARN(),
			MaxNumberOfMessagesPerSecond:      2,
			ApproximateNumberOfMessagesMoved:  int64(moved),
			ApproximateNumberOfMessagesToMove: 10,
			StartedTimestamp:                  started.UnixMilli(),
		}
		if moved == 10 {
			want.Status, want.TaskHandle = queue.MoveTaskCompleted, ""
		}
		if got != want {
			t.Fatalf("after %d s:\n got %+v\nwant %+v", i, got, want)
		}
		if n := mtCount(e, dest); n != moved {
			t.Fatalf("after %d s: dest holds %d messages, want %d", i, n, moved)
		}
		if n := mtCount(e, dlq); n != 10-moved {
			t.Fatalf("after %d s: dlq holds %d messages, want %d", i, n, 10-moved)
		}
	}
	// Moved oldest first.
	var bodies []string
	for _, m := range e.receive(dest, 10) {
		bodies = append(bodies, m.Body)
	}
	if want := []string{"m0", "m1", "m2", "m3", "m4", "m5", "m6", "m7", "m8", "m9"}; !slices.Equal(bodies, want) {
		t.Fatalf("dest serves %v, want %v", bodies, want)
	}
}

func TestMessageMoveTaskWithoutRateMovesAllAtOnce(t *testing.T) {
	e := newEnv(t)
	_, dlq := mtPair(e, "src", "dlq")
	dest := e.create("dest", queue.Attributes{})
	mtSendN(e, dlq, "m", 25)
	mtStart(e, queue.StartMessageMoveTaskInput{SourceArn: dlq.ARN(), DestinationArn: dest.ARN()})
	got := mtLatest(e, dlq.ARN())
	want := queue.ListMessageMoveTasksResultEntry{
		Status:                            queue.MoveTaskCompleted,
		SourceArn:                         dlq.ARN(),
		DestinationArn:                    dest.ARN(),
		ApproximateNumberOfMessagesMoved:  25,
		ApproximateNumberOfMessagesToMove: 25,
		StartedTimestamp:                  epoch.UnixMilli(),
	}
	if got != want {
		t.Fatalf("got  %+v\nwant %+v", got, want)
	}
	if n, m := mtCount(e, dest), mtCount(e, dlq); n != 25 || m != 0 {
		t.Fatalf("dest %d, dlq %d messages; want 25, 0", n, m)
	}
}

// Without a destination each message goes back to the queue it was
// dead-lettered from: two sources sharing a DLQ get their own back.
func TestMessageMoveTaskBackToSources(t *testing.T) {
	e := newEnv(t)
	a, dlq := mtPair(e, "a", "dlq")
	b := e.create("b", queue.Attributes{
		VisibilityTimeout: new(time.Duration(0)),
		RedrivePolicy:     &queue.RedrivePolicy{DeadLetterTargetArn: dlq.ARN(), MaxReceiveCount: 1},
	})
	mtSendN(e, a, "a", 2)
	mtSendN(e, b, "b", 2)
	mtDeadLetter(e, a)
	mtDeadLetter(e, b)
	if n := mtCount(e, dlq); n != 4 {
		t.Fatalf("dlq holds %d messages, want 4", n)
	}

	mtStart(e, queue.StartMessageMoveTaskInput{SourceArn: dlq.ARN()})
	got := mtLatest(e, dlq.ARN())
	want := queue.ListMessageMoveTasksResultEntry{
		Status:                            queue.MoveTaskCompleted,
		SourceArn:                         dlq.ARN(),
		ApproximateNumberOfMessagesMoved:  4,
		ApproximateNumberOfMessagesToMove: 4,
		StartedTimestamp:                  epoch.UnixMilli(),
	}
	if got != want {
		t.Fatalf("got  %+v\nwant %+v", got, want)
	}
	if got := mtBodies(mtReceiveAll(e, a, time.Minute)); !slices.Equal(got, []string{"a0", "a1"}) {
		t.Fatalf("a got back %v", got)
	}
	if got := mtBodies(mtReceiveAll(e, b, time.Minute)); !slices.Equal(got, []string{"b0", "b1"}) {
		t.Fatalf("b got back %v", got)
	}
	if n := mtCount(e, dlq); n != 0 {
		t.Fatalf("dlq holds %d messages, want 0", n)
	}
}

// A moved message is a new message: new MessageId and SentTimestamp (the
// clock at the move), receive count from scratch, no
// DeadLetterQueueSourceArn; body and attributes are kept.
func TestMessageMoveTaskMovedMessageIdentity(t *testing.T) {
	e := newEnv(t)
	src, dlq := mtPair(e, "src", "dlq")
	attrs := map[string]queue.MessageAttributeValue{
		"kind":  {DataType: "String", StringValue: "poison"},
		"n":     {DataType: "Number", StringValue: "42"},
		"bytes": {DataType: "Binary", BinaryValue: []byte{1, 2, 3}},
	}
	sent := map[string]queue.SendMessageOutput{}
	for _, body := range []string{"first", "second"} {
		out, err := src.SendMessage(e.ctx, queue.SendMessageInput{MessageBody: body, MessageAttributes: attrs})
		if err != nil {
			t.Fatal(err)
		}
		sent[body] = out
	}
	mtDeadLetter(e, src)
	e.clock.Add(time.Minute)

	// In the DLQ: same id, the source's ARN, the receive count goes on.
	before := map[string]queue.Message{}
	for _, m := range mtReceiveAll(e, dlq, 0) {
		before[m.Body] = m
		if m.MessageId != sent[m.Body].MessageId || m.Attributes[queue.SystemAttributeDeadLetterQueueSourceArn] != src.ARN() ||
			m.Attributes[queue.SystemAttributeApproximateReceiveCount] != "2" || m.Attributes[queue.SystemAttributeSentTimestamp] != mtMillis(epoch) {
			t.Fatalf("in the DLQ: %+v", m)
		}
	}
	if len(before) != 2 {
		t.Fatalf("the DLQ holds %d messages, want 2", len(before))
	}

	moveAt := e.clock.Now()
	mtStart(e, queue.StartMessageMoveTaskInput{SourceArn: dlq.ARN(), MaxNumberOfMessagesPerSecond: new(1)})
	check := func(body string, at time.Time) {
		t.Helper()
		msgs := mtReceiveAll(e, src, time.Minute)
		if len(msgs) != 1 || msgs[0].Body != body {
			t.Fatalf("source serves %+v, want %q alone", msgs, body)
		}
		m, old := msgs[0], before[body]
		if m.MessageId == old.MessageId || m.MessageId == sent[body].MessageId {
			t.Errorf("%s: MessageId %s kept", body, m.MessageId)
		}
		wantSys := map[queue.MessageSystemAttributeName]string{
			queue.SystemAttributeSenderId:                         "123456789012",
			queue.SystemAttributeSentTimestamp:                    mtMillis(at),
			queue.SystemAttributeApproximateReceiveCount:          "1",
			queue.SystemAttributeApproximateFirstReceiveTimestamp: mtMillis(at),
		}
		if !maps.Equal(m.Attributes, wantSys) {
			t.Errorf("%s: system attributes %v, want %v", body, m.Attributes, wantSys)
		}
		if m.MD5OfBody != old.MD5OfBody || m.MD5OfMessageAttributes != sent[body].MD5OfMessageAttributes ||
			fmt.Sprint(m.MessageAttributes) != fmt.Sprint(attrs) {
			t.Errorf("%s: body or attributes changed: %+v", body, m)
		}
		if _, err := src.DeleteMessage(e.ctx, queue.DeleteMessageInput{ReceiptHandle: m.ReceiptHandle}); err != nil {
			t.Fatal(err)
		}
	}
	check("first", moveAt)
	e.clock.Add(time.Second)
	check("second", moveAt.Add(time.Second))
	if got := mtLatest(e, dlq.ARN()); got.Status != queue.MoveTaskCompleted || got.ApproximateNumberOfMessagesMoved != 2 {
		t.Fatalf("task: %+v", got)
	}
}

func TestListMessageMoveTasks(t *testing.T) {
	e := newEnv(t)
	_, dlq := mtPair(e, "src", "dlq")
	_, other := mtPair(e, "src2", "other-dlq")
	dest := e.create("dest", queue.Attributes{})

	_, err := e.svc.ListMessageMoveTasks(e.ctx, queue.ListMessageMoveTasksInput{SourceArn: "arn:aws:sqs:us-east-1:123456789012:missing"})
	mtWantErr(t, err, queue.ErrResourceNotFoundException, mtSourceMissing, 404)
	for _, max := range []int{-1, 11} {
		_, err := e.svc.ListMessageMoveTasks(e.ctx, queue.ListMessageMoveTasksInput{SourceArn: dlq.ARN(), MaxResults: max})
		mtWantErr(t, err, queue.ErrInvalidParameterValue, "", 400)
	}
	if r := mtList(e, dlq.ARN(), 10); len(r) != 0 {
		t.Fatalf("no task yet, got %+v", r)
	}

	// Task 1: no rate, completes at once.
	mtSendN(e, dlq, "one", 2)
	mtStart(e, queue.StartMessageMoveTaskInput{SourceArn: dlq.ARN(), DestinationArn: dest.ARN()})
	// Task 2: cancelled after its first message.
	e.clock.Add(time.Second)
	mtSendN(e, dlq, "two", 3)
	h2 := mtStart(e, queue.StartMessageMoveTaskInput{SourceArn: dlq.ARN(), DestinationArn: dest.ARN(), MaxNumberOfMessagesPerSecond: new(1)})
	if _, err := e.svc.CancelMessageMoveTask(e.ctx, queue.CancelMessageMoveTaskInput{TaskHandle: h2}); err != nil {
		t.Fatal(err)
	}
	// Task 3: running.
	e.clock.Add(time.Second)
	h3 := mtStart(e, queue.StartMessageMoveTaskInput{SourceArn: dlq.ARN(), DestinationArn: dest.ARN(), MaxNumberOfMessagesPerSecond: new(2)})
	// A task of another source is not listed.
	mtSendN(e, other, "x", 1)
	mtStart(e, queue.StartMessageMoveTaskInput{SourceArn: other.ARN(), DestinationArn: dest.ARN()})

	all := []queue.ListMessageMoveTasksResultEntry{{
		TaskHandle: h3, Status: queue.MoveTaskRunning, SourceArn: dlq.ARN(), DestinationArn: dest.ARN(),
		MaxNumberOfMessagesPerSecond: 2, ApproximateNumberOfMessagesMoved: 1, ApproximateNumberOfMessagesToMove: 2,
		StartedTimestamp: epoch.Add(2 * time.Second).UnixMilli(),
	}, {
		Status: queue.MoveTaskCancelled, SourceArn: dlq.ARN(), DestinationArn: dest.ARN(),
		MaxNumberOfMessagesPerSecond: 1, ApproximateNumberOfMessagesMoved: 1, ApproximateNumberOfMessagesToMove: 3,
		StartedTimestamp: epoch.Add(time.Second).UnixMilli(),
	}, {
		Status: queue.MoveTaskCompleted, SourceArn: dlq.ARN(), DestinationArn: dest.ARN(),
		ApproximateNumberOfMessagesMoved: 2, ApproximateNumberOfMessagesToMove: 2,
		StartedTimestamp: epoch.UnixMilli(),
	}}
	for _, c := range []struct{ max, want int }{{0, 1}, {1, 1}, {2, 2}, {3, 3}, {10, 3}} {
		if got := mtList(e, dlq.ARN(), c.max); !slices.Equal(got, all[:c.want]) {
			t.Fatalf("MaxResults %d:\n got %+v\nwant %+v", c.max, got, all[:c.want])
		}
	}
	if got := mtList(e, other.ARN(), 10); len(got) != 1 || got[0].SourceArn != other.ARN() {
		t.Fatalf("other source's tasks: %+v", got)
	}

	// At most 10 entries, the most recent first.
	_, many := mtPair(e, "src3", "many-dlq")
	for range 12 {
		e.clock.Add(time.Second)
		mtStart(e, queue.StartMessageMoveTaskInput{SourceArn: many.ARN()})
	}
	r := mtList(e, many.ARN(), 10)
	if len(r) != 10 {
		t.Fatalf("MaxResults 10 returned %d entries", len(r))
	}
	for i, x := range r {
		if want := e.clock.Now().Add(-time.Duration(i) * time.Second).UnixMilli(); x.StartedTimestamp != want {
			t.Fatalf("entry %d started at %d, want %d", i, x.StartedTimestamp, want)
		}
	}
}

func TestCancelMessageMoveTaskErrors(t *testing.T) {
	e := newEnv(t)
	_, dlq := mtPair(e, "src", "dlq")
	handle := func(taskID, sourceArn string) string {
		b, _ := json.Marshal(map[string]string{"taskId": taskID, "sourceArn": sourceArn})
		return base64.StdEncoding.EncodeToString(b)
	}
	for _, h := range []string{"foobared", base64.StdEncoding.EncodeToString([]byte("not json")), "e30="} { // e30= is {}
		_, err := e.svc.CancelMessageMoveTask(e.ctx, queue.CancelMessageMoveTaskInput{TaskHandle: h})
		mtWantErr(t, err, queue.ErrInvalidParameterValue, mtBadHandle, 400)
	}
	id := "2d2b4f0e-7c1a-4b7e-9f0a-1c2d3e4f5a6b"
	_, err := e.svc.CancelMessageMoveTask(e.ctx, queue.CancelMessageMoveTaskInput{TaskHandle: handle(id, "arn:aws:sqs:us-east-1:123456789012:gone")})
	mtWantErr(t, err, queue.ErrResourceNotFoundException, mtSourceMissing, 404)
	_, err = e.svc.CancelMessageMoveTask(e.ctx, queue.CancelMessageMoveTaskInput{TaskHandle: handle(id, dlq.ARN())})
	mtWantErr(t, err, queue.ErrResourceNotFoundException, mtNoTask, 404)

	// A finished task cannot be cancelled.
	h := mtStart(e, queue.StartMessageMoveTaskInput{SourceArn: dlq.ARN()})
	if got := mtLatest(e, dlq.ARN()); got.Status != queue.MoveTaskCompleted {
		t.Fatalf("task on an empty DLQ: %+v", got)
	}
	_, err = e.svc.CancelMessageMoveTask(e.ctx, queue.CancelMessageMoveTaskInput{TaskHandle: h})
	mtWantErr(t, err, queue.ErrResourceNotFoundException, mtNoTask, 404)
}

var mtUUID = regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$`)

func TestCancelMessageMoveTask(t *testing.T) {
	e := newEnv(t)
	_, dlq := mtPair(e, "src", "dlq")
	dest := e.create("dest", queue.Attributes{})
	mtSendN(e, dlq, "m", 5)
	h := mtStart(e, queue.StartMessageMoveTaskInput{SourceArn: dlq.ARN(), DestinationArn: dest.ARN(), MaxNumberOfMessagesPerSecond: new(1)})

	// The handle is base64 of JSON naming a UUID and the source.
	raw, err := base64.StdEncoding.DecodeString(h)
	if err != nil {
		t.Fatalf("TaskHandle %q is not base64: %v", h, err)
	}
	var decoded map[string]string
	if err := json.Unmarshal(raw, &decoded); err != nil {
		t.Fatalf("TaskHandle decodes to %q, not JSON: %v", raw, err)
	}
	if !mtUUID.MatchString(decoded["taskId"]) || decoded["sourceArn"] != dlq.ARN() || len(decoded) != 2 {
		t.Fatalf("TaskHandle decodes to %s", raw)
	}
	if h2 := mtStart(e, queue.StartMessageMoveTaskInput{SourceArn: mtPairDLQ(e, "other").ARN()}); h2 == h {
		t.Fatal("two tasks share a TaskHandle")
	}

	e.clock.Add(time.Second) // 2 moved
	out, err := e.svc.CancelMessageMoveTask(e.ctx, queue.CancelMessageMoveTaskInput{TaskHandle: h})
	if err != nil {
		t.Fatal(err)
	}
	if out.ApproximateNumberOfMessagesMoved != 2 {
		t.Fatalf("Cancel says %d moved, want 2", out.ApproximateNumberOfMessagesMoved)
	}
	want := queue.ListMessageMoveTasksResultEntry{
		Status: queue.MoveTaskCancelling, SourceArn: dlq.ARN(), DestinationArn: dest.ARN(),
		MaxNumberOfMessagesPerSecond: 1, ApproximateNumberOfMessagesMoved: 2, ApproximateNumberOfMessagesToMove: 5,
		StartedTimestamp: epoch.UnixMilli(),
	}
	if got := mtLatest(e, dlq.ARN()); got != want {
		t.Fatalf("right after Cancel:\n got %+v\nwant %+v", got, want)
	}
	// Cancelling again: the task is no longer RUNNING.
	_, err = e.svc.CancelMessageMoveTask(e.ctx, queue.CancelMessageMoveTaskInput{TaskHandle: h})
	mtWantErr(t, err, queue.ErrResourceNotFoundException, mtNoTask, 404)

	e.clock.Add(time.Second)
	want.Status = queue.MoveTaskCancelled
	if got := mtLatest(e, dlq.ARN()); got != want {
		t.Fatalf("a second after Cancel:\n got %+v\nwant %+v", got, want)
	}
	e.clock.Add(time.Minute)
	if got := mtLatest(e, dlq.ARN()); got != want {
		t.Fatalf("a minute after Cancel:\n got %+v\nwant %+v", got, want)
	}
	if n, m := mtCount(e, dest), mtCount(e, dlq); n != 2 || m != 3 {
		t.Fatalf("dest %d, dlq %d messages; want 2 moved, 3 left", n, m)
	}
	_, err = e.svc.CancelMessageMoveTask(e.ctx, queue.CancelMessageMoveTaskInput{TaskHandle: h})
	mtWantErr(t, err, queue.ErrResourceNotFoundException, mtNoTask, 404)
	// A new task may start and moves the rest.
	mtStart(e, queue.StartMessageMoveTaskInput{SourceArn: dlq.ARN(), DestinationArn: dest.ARN()})
	if n, m := mtCount(e, dest), mtCount(e, dlq); n != 5 || m != 0 {
		t.Fatalf("after a new task: dest %d, dlq %d messages; want 5, 0", n, m)
	}
}

// mtPairDLQ returns the DLQ of a new source/DLQ pair named after name.
func mtPairDLQ(e *env, name string) *queue.Queue {
	e.t.Helper()
	_, d := mtPair(e, name+"-src", name+"-dlq")
	return d
}

func TestMessageMoveTaskFailsWhenDestinationDeleted(t *testing.T) {
	e := newEnv(t)
	_, dlq := mtPair(e, "src", "dlq")
	dest := e.create("dest", queue.Attributes{})
	mtSendN(e, dlq, "m", 10)
	mtStart(e, queue.StartMessageMoveTaskInput{SourceArn: dlq.ARN(), DestinationArn: dest.ARN(), MaxNumberOfMessagesPerSecond: new(1)})
	e.clock.Add(time.Second)
	if n := mtCount(e, dest); n != 2 {
		t.Fatalf("dest holds %d messages, want 2", n)
	}
	if _, err := e.svc.DeleteQueue(e.ctx, queue.DeleteQueueInput{QueueUrl: dest.URL()}); err != nil {
		t.Fatal(err)
	}
	e.clock.Add(time.Second)
	want := queue.ListMessageMoveTasksResultEntry{
		Status: queue.MoveTaskFailed, SourceArn: dlq.ARN(), DestinationArn: dest.ARN(),
		MaxNumberOfMessagesPerSecond: 1, ApproximateNumberOfMessagesMoved: 2, ApproximateNumberOfMessagesToMove: 10,
		FailureReason: mtNonExistent, StartedTimestamp: epoch.UnixMilli(),
	}
	if got := mtLatest(e, dlq.ARN()); got != want {
		t.Fatalf("got  %+v\nwant %+v", got, want)
	}
	// No message lost: the 8 not moved are all in the DLQ, visible.
	if n := mtCount(e, dlq); n != 8 {
		t.Fatalf("dlq holds %d messages, want 8", n)
	}
	var bodies []string
	for _, m := range e.receive(dlq, 10) {
		bodies = append(bodies, m.Body)
	}
	if want := []string{"m2", "m3", "m4", "m5", "m6", "m7", "m8", "m9"}; !slices.Equal(bodies, want) {
		t.Fatalf("dlq holds %v, want %v", bodies, want)
	}
	// A failed task is no longer active.
	mtStart(e, queue.StartMessageMoveTaskInput{SourceArn: dlq.ARN(), DestinationArn: e.create("dest2", queue.Attributes{}).ARN()})
}

// Without a destination, a message whose source queue is gone fails the
// task when its turn comes; it and the rest stay in the DLQ.
func TestMessageMoveTaskFailsWhenSourceQueueDeleted(t *testing.T) {
	e := newEnv(t)
	a, dlq := mtPair(e, "a", "dlq")
	b := e.create("b", queue.Attributes{
		VisibilityTimeout: new(time.Duration(0)),
		RedrivePolicy:     &queue.RedrivePolicy{DeadLetterTargetArn: dlq.ARN(), MaxReceiveCount: 1},
	})
	mtSendN(e, b, "b", 2)
	mtDeadLetter(e, b)
	mtSendN(e, a, "a", 2)
	mtDeadLetter(e, a)
	if _, err := e.svc.DeleteQueue(e.ctx, queue.DeleteQueueInput{QueueUrl: a.URL()}); err != nil {
		t.Fatal(err)
	}
	mtStart(e, queue.StartMessageMoveTaskInput{SourceArn: dlq.ARN()}) // still b's DLQ
	want := queue.ListMessageMoveTasksResultEntry{
		Status: queue.MoveTaskFailed, SourceArn: dlq.ARN(), ApproximateNumberOfMessagesMoved: 2,
		ApproximateNumberOfMessagesToMove: 4, FailureReason: mtNonExistent, StartedTimestamp: epoch.UnixMilli(),
	}
	if got := mtLatest(e, dlq.ARN()); got != want {
		t.Fatalf("got  %+v\nwant %+v", got, want)
	}
	if got := mtBodies(mtReceiveAll(e, b, time.Minute)); !slices.Equal(got, []string{"b0", "b1"}) {
		t.Fatalf("b got back %v", got)
	}
	if got := mtBodies(mtReceiveAll(e, dlq, time.Minute)); !slices.Equal(got, []string{"a0", "a1"}) {
		t.Fatalf("dlq holds %v, want a0 a1", got)
	}
}

// mtLateTimers is a mock clock whose AfterFunc timers never fire, as when
// the goroutine a timer starts has not run yet: only the catch-up that
// operations do moves a task forward.
type mtLateTimers struct {
	*clock.Mock
	idle *clock.Mock
}

func (c mtLateTimers) AfterFunc(d time.Duration, f func()) *clock.Timer {
	return c.idle.AfterFunc(d, f)
}

func mtNewLateEnv(t *testing.T) *env {
	mock := clock.NewMock()
	mock.Set(epoch)
	svc := queue.New(queue.WithClock(mtLateTimers{Mock: mock, idle: clock.NewMock()}))
	t.Cleanup(func() { svc.Close() })
	return &env{t: t, ctx: t.Context(), clock: mock, svc: svc}
}

// The messages a task owes by the time DeleteQueue runs are moved before
// the queue goes, whether or not the task's timer has run.
func TestMessageMoveTaskCatchesUpBeforeDeleteQueue(t *testing.T) {
	e := mtNewLateEnv(t)
	_, dlq := mtPair(e, "src", "dlq")
	dest := e.create("dest", queue.Attributes{})
	mtSendN(e, dlq, "m", 10)
	mtStart(e, queue.StartMessageMoveTaskInput{SourceArn: dlq.ARN(), DestinationArn: dest.ARN(), MaxNumberOfMessagesPerSecond: new(1)})
	e.clock.Add(2 * time.Second) // 3 owed
	if _, err := e.svc.DeleteQueue(e.ctx, queue.DeleteQueueInput{QueueUrl: dest.URL()}); err != nil {
		t.Fatal(err)
	}
	if got := mtLatest(e, dlq.ARN()); got.Status != queue.MoveTaskRunning || got.ApproximateNumberOfMessagesMoved != 3 {
		t.Fatalf("got %+v, want RUNNING with 3 moved", got)
	}
	e.clock.Add(time.Second) // the 4th is due: its destination is gone
	if got := mtLatest(e, dlq.ARN()); got.Status != queue.MoveTaskFailed || got.ApproximateNumberOfMessagesMoved != 3 {
		t.Fatalf("got %+v, want FAILED with 3 moved", got)
	}
	if n := mtCount(e, dlq); n != 7 {
		t.Fatalf("dlq holds %d messages, want 7", n)
	}
}

// Operations catch a task up to the clock by themselves: the rate holds
// with timers that never fire.
func TestMessageMoveTaskCatchUpWithoutTimers(t *testing.T) {
	e := mtNewLateEnv(t)
	_, dlq := mtPair(e, "src", "dlq")
	dest := e.create("dest", queue.Attributes{})
	mtSendN(e, dlq, "m", 10)
	mtStart(e, queue.StartMessageMoveTaskInput{SourceArn: dlq.ARN(), DestinationArn: dest.ARN(), MaxNumberOfMessagesPerSecond: new(3)})
	e.clock.Add(2 * time.Second)
	if n := mtCount(e, dest); n != 7 {
		t.Fatalf("dest holds %d messages after 2 s at 3/s, want 7", n)
	}
	e.clock.Add(time.Second)
	if got := mtLatest(e, dlq.ARN()); got.Status != queue.MoveTaskCompleted || got.ApproximateNumberOfMessagesMoved != 10 {
		t.Fatalf("got %+v", got)
	}
}

// mtPoll long-polls q for 20 s in a goroutine; the error, or a complaint
// unless it received exactly want, arrives on the channel.
func mtPoll(e *env, q *queue.Queue, want string) <-chan error {
	ch := make(chan error, 1)
	go func() {
		out, err := q.ReceiveMessage(e.ctx, queue.ReceiveMessageInput{WaitTimeSeconds: new(20 * time.Second)})
		if err == nil && (len(out.Messages) != 1 || out.Messages[0].Body != want) {
			err = fmt.Errorf("long poll returned %+v, want %s", out.Messages, want)
		}
		ch <- err
	}()
	return ch
}

// The task's timer moves messages when nobody calls, waking a long poll on
// the destination.
func TestMessageMoveTaskWakesLongPoll(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		e := newEnv(t) // the mock clock is created inside the bubble
		_, dlq := mtPair(e, "src", "dlq")
		dest := e.create("dest", queue.Attributes{})
		mtSendN(e, dlq, "m", 2)
		mtStart(e, queue.StartMessageMoveTaskInput{SourceArn: dlq.ARN(), DestinationArn: dest.ARN(), MaxNumberOfMessagesPerSecond: new(1)})
		if got := e.receive(dest, 10); len(got) != 1 || got[0].Body != "m0" {
			t.Fatalf("dest serves %+v at the start, want m0", got)
		}
		polled := mtPoll(e, dest, "m1")
		synctest.Wait()
		select {
		case err := <-polled:
			t.Fatalf("long poll returned before the second message moved: %v", err)
		default:
		}
		e.clock.Add(time.Second)
		synctest.Wait()
		select {
		case err := <-polled:
			if err != nil {
				t.Fatal(err)
			}
		default:
			t.Fatal("the task moved m1 and the long poll on dest is still waiting")
		}
		if !e.clock.Now().Equal(epoch.Add(time.Second)) {
			t.Fatalf("clock at %v", e.clock.Now())
		}
	})
}

// A task waiting for a DLQ message in flight moves it when its visibility
// timeout ends, also without a rate.
func TestMessageMoveTaskWaitsForInFlightMessages(t *testing.T) {
	for _, rate := range []*int{nil, new(1)} {
		t.Run(fmt.Sprintf("rate=%v", rate != nil), func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				e := newEnv(t)
				_, dlq := mtPair(e, "src", "dlq")
				dest := e.create("dest", queue.Attributes{})
				mtSendN(e, dlq, "m", 2)
				if _, err := dlq.ReceiveMessage(e.ctx, queue.ReceiveMessageInput{ // m0 in flight for 5 s
					VisibilityTimeout: new(5 * time.Second), WaitTimeSeconds: new(time.Duration(0)),
				}); err != nil {
					t.Fatal(err)
				}
				mtStart(e, queue.StartMessageMoveTaskInput{SourceArn: dlq.ARN(), DestinationArn: dest.ARN(), MaxNumberOfMessagesPerSecond: rate})
				if got := e.receive(dest, 10); len(got) != 1 || got[0].Body != "m1" {
					t.Fatalf("dest serves %+v at the start, want m1", got)
				}
				if got := mtLatest(e, dlq.ARN()); got.Status != queue.MoveTaskRunning || got.ApproximateNumberOfMessagesToMove != 2 {
					t.Fatalf("task waiting for m0: %+v", got)
				}
				polled := mtPoll(e, dest, "m0")
				synctest.Wait()
				e.clock.Add(5 * time.Second)
				synctest.Wait()
				select {
				case err := <-polled:
					if err != nil {
						t.Fatal(err)
					}
				default:
					t.Fatal("m0 turned visible in the DLQ 0 s ago and is not moved yet")
				}
			})
		})
	}
}

// Close stops the task's timer and wakes long polls: nothing is left
// running in the bubble.
func TestMessageMoveTaskStopsOnClose(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		e := newEnv(t)
		_, dlq := mtPair(e, "src", "dlq")
		dest := e.create("dest", queue.Attributes{})
		mtSendN(e, dlq, "m", 5)
		mtStart(e, queue.StartMessageMoveTaskInput{SourceArn: dlq.ARN(), DestinationArn: dest.ARN(), MaxNumberOfMessagesPerSecond: new(1)})
		e.receive(dest, 10)
		polled := make(chan error, 1)
		go func() {
			_, err := dest.ReceiveMessage(e.ctx, queue.ReceiveMessageInput{WaitTimeSeconds: new(20 * time.Second)})
			polled <- err
		}()
		synctest.Wait()
		if err := e.svc.Close(); err != nil {
			t.Fatal(err)
		}
		wantErr(t, <-polled, queue.ErrServiceUnavailable, "")
		// A timer still armed would move the clock to its deadline.
		before := e.clock.Now()
		if after := e.clock.WaitForAllTimers(); !after.Equal(before) {
			t.Fatalf("a timer was still armed after Close: the clock ran to %v", after)
		}
		_, err := e.svc.ListMessageMoveTasks(e.ctx, queue.ListMessageMoveTasksInput{SourceArn: dlq.ARN()})
		wantErr(t, err, queue.ErrServiceUnavailable, "")
	})
}

// A FIFO dead-letter queue redrives oldest first back to its FIFO source:
// groups kept, new MessageIds and sequence numbers after the source's.
func TestMessageMoveTaskFifo(t *testing.T) {
	e := newEnv(t)
	dlq := e.create("dlq.fifo", queue.Attributes{FifoQueue: new(true)})
	src := e.create("src.fifo", queue.Attributes{
		FifoQueue: new(true), ContentBasedDeduplication: new(true), VisibilityTimeout: new(time.Duration(0)),
		RedrivePolicy: &queue.RedrivePolicy{DeadLetterTargetArn: dlq.ARN(), MaxReceiveCount: 1},
	})
	var last string
	ids := map[string]bool{}
	for _, m := range []struct{ body, group string }{{"a1", "a"}, {"b1", "b"}, {"a2", "a"}, {"b2", "b"}} {
		out, err := src.SendMessage(e.ctx, queue.SendMessageInput{MessageBody: m.body, MessageGroupId: m.group})
		if err != nil {
			t.Fatal(err)
		}
		last, ids[out.MessageId] = out.SequenceNumber, true
	}
	mtDeadLetter(e, src)
	if n := mtCount(e, dlq); n != 4 {
		t.Fatalf("dlq holds %d messages, want 4", n)
	}
	mtStart(e, queue.StartMessageMoveTaskInput{SourceArn: dlq.ARN()})
	if got := mtLatest(e, dlq.ARN()); got.Status != queue.MoveTaskCompleted || got.ApproximateNumberOfMessagesMoved != 4 {
		t.Fatalf("task: %+v", got)
	}
	var got []string
	lastInGroup := map[string]string{}
	for _, m := range mtReceiveAll(e, src, time.Minute) {
		group := m.Attributes[queue.SystemAttributeMessageGroupId]
		got = append(got, group+":"+m.Body)
		seq := m.Attributes[queue.SystemAttributeSequenceNumber]
		if len(seq) != len(last) || seq <= last || seq <= lastInGroup[group] {
			t.Errorf("%s: SequenceNumber %s not after the last sent %s and the group's %s", m.Body, seq, last, lastInGroup[group])
		}
		lastInGroup[group] = seq
		if ids[m.MessageId] || m.Attributes[queue.SystemAttributeApproximateReceiveCount] != "1" {
			t.Errorf("%s: not a new message: %+v", m.Body, m)
		}
	}
	if want := []string{"a:a1", "a:a2", "b:b1", "b:b2"}; !slices.Equal(got, want) {
		t.Fatalf("source serves %v, want %v", got, want)
	}
}

// A move task's destination must be of the source's type.
func TestStartMessageMoveTaskQueueTypes(t *testing.T) {
	e := newEnv(t)
	_, dlq := mtPair(e, "orders", "orders-dlq")
	fifo := e.create("other.fifo", queue.Attributes{FifoQueue: new(true)})
	_, err := e.svc.StartMessageMoveTask(e.ctx, queue.StartMessageMoveTaskInput{SourceArn: dlq.ARN(), DestinationArn: fifo.ARN()})
	wantErr(t, err, queue.ErrInvalidParameterValue, "The source queue and the destination queue must be of the same queue type.")
}

// mtTimerCount counts the timers a Service arms on a mock clock.
type mtTimerCount struct {
	*clock.Mock
	n atomic.Int32
}

func (c *mtTimerCount) AfterFunc(d time.Duration, f func()) *clock.Timer {
	c.n.Add(1)
	return c.Mock.AfterFunc(d, f)
}

// A task waiting for an in-flight DLQ message sleeps until that message is
// visible again, not one wake a second: an hour costs a handful of timers.
func TestMessageMoveTaskSleepsUntilMessageVisible(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		mock := clock.NewMock()
		mock.Set(epoch)
		counted := &mtTimerCount{Mock: mock}
		svc := queue.New(queue.WithClock(counted))
		defer svc.Close()
		e := &env{t: t, ctx: context.Background(), clock: mock, svc: svc}
		_, dlq := mtPair(e, "src", "dlq")
		dest := e.create("dest", queue.Attributes{})
		mtSendN(e, dlq, "m", 1)
		if _, err := dlq.ReceiveMessage(e.ctx, queue.ReceiveMessageInput{VisibilityTimeout: new(time.Hour)}); err != nil {
			t.Fatal(err)
		}
		mtStart(e, queue.StartMessageMoveTaskInput{SourceArn: dlq.ARN(), DestinationArn: dest.ARN(), MaxNumberOfMessagesPerSecond: new(5)})
		synctest.Wait()
		mock.Add(time.Hour)
		synctest.Wait()
		if n := counted.n.Load(); n > 5 {
			t.Fatalf("%d timers armed while waiting an hour, want a few", n)
		}
		if got := mtLatest(e, dlq.ARN()); got.Status != queue.MoveTaskCompleted || got.ApproximateNumberOfMessagesMoved != 1 {
			t.Fatalf("after the message turned visible: %+v, want COMPLETED with 1 moved", got)
		}
	})
}
