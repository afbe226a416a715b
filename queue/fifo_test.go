package queue_test

import (
	"crypto/md5"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"math/big"
	"slices"
	"strconv"
	"strings"
	"testing"
	"testing/synctest"
	"time"

	"github.com/sluicehq/sluice/queue"
)

// Tests of FIFO queues: reference sqs.md §1.2, §1.5, §1.7 and checklist
// items 7, 23 and 26–35; texts from research-sqs-fifo-dlq.md §3 and
// research-sqs-errors.md.

// ffCreate makes a FIFO queue (FifoQueue=true) or fails the test.
func ffCreate(e *env, name string, attrs queue.Attributes) *queue.Queue {
	e.t.Helper()
	attrs.FifoQueue = new(true)
	return e.create(name, attrs)
}

// ffSendIn sends in or fails the test.
func ffSendIn(e *env, q *queue.Queue, in queue.SendMessageInput) queue.SendMessageOutput {
	e.t.Helper()
	out, err := q.SendMessage(e.ctx, in)
	if err != nil {
		e.t.Fatalf("SendMessage(%q, group %q, dedup %q): %v", in.MessageBody, in.MessageGroupId, in.MessageDeduplicationId, err)
	}
	return out
}

// ffSend sends body to group with an explicit deduplication id.
func ffSend(e *env, q *queue.Queue, group, body, dedup string) queue.SendMessageOutput {
	e.t.Helper()
	return ffSendIn(e, q, queue.SendMessageInput{MessageBody: body, MessageGroupId: group, MessageDeduplicationId: dedup})
}

// ffReceive short-polls with in, taking up to 10 messages unless in says
// otherwise, or fails the test.
func ffReceive(e *env, q *queue.Queue, in queue.ReceiveMessageInput) []queue.Message {
	e.t.Helper()
	if in.MaxNumberOfMessages == nil {
		in.MaxNumberOfMessages = new(10)
	}
	if in.WaitTimeSeconds == nil {
		in.WaitTimeSeconds = new(time.Duration(0))
	}
	out, err := q.ReceiveMessage(e.ctx, in)
	if err != nil {
		e.t.Fatalf("ReceiveMessage: %v", err)
	}
	return out.Messages
}

// ffBodies lists the bodies of msgs in order.
func ffBodies(msgs []queue.Message) []string {
	out := []string{}
	for _, m := range msgs {
		out = append(out, m.Body)
	}
	return out
}

// ffHandles lists the receipt handles of msgs in order.
func ffHandles(msgs []queue.Message) []string {
	var out []string
	for _, m := range msgs {
		out = append(out, m.ReceiptHandle)
	}
	return out
}

// ffWantBodies fails the test unless msgs have exactly the bodies want.
func ffWantBodies(t *testing.T, what string, msgs []queue.Message, want ...string) {
	t.Helper()
	if want == nil {
		want = []string{}
	}
	if got := ffBodies(msgs); !slices.Equal(got, want) {
		t.Fatalf("%s: got bodies %q, want %q", what, got, want)
	}
}

func ffDelete(e *env, q *queue.Queue, handle string) error {
	_, err := q.DeleteMessage(e.ctx, queue.DeleteMessageInput{ReceiptHandle: handle})
	return err
}

func ffChange(e *env, q *queue.Queue, handle string, vis time.Duration) error {
	_, err := q.ChangeMessageVisibility(e.ctx, queue.ChangeMessageVisibilityInput{ReceiptHandle: handle, VisibilityTimeout: vis})
	return err
}

func ffSetAttrs(e *env, q *queue.Queue, a queue.Attributes) error {
	_, err := q.SetQueueAttributes(e.ctx, queue.SetQueueAttributesInput{Attributes: a})
	return err
}

func ffAll(e *env, q *queue.Queue) map[queue.AttributeName]string {
	e.t.Helper()
	out, err := q.GetQueueAttributes(e.ctx, queue.GetQueueAttributesInput{AttributeNames: []queue.AttributeName{queue.AttributeAll}})
	if err != nil {
		e.t.Fatalf("GetQueueAttributes(All): %v", err)
	}
	return out.Attributes
}

func ffSHA256(s string) string {
	sum := sha256.Sum256([]byte(s))
	return hex.EncodeToString(sum[:])
}

// --- Creation and queue attributes -----------------------------------------

func TestFifoCreateQueueNames(t *testing.T) {
	const (
		fifoText = "The name of a FIFO queue can only include alphanumeric characters, hyphens, or underscores, must end with .fifo suffix and be 1 to 80 in length."
		stdText  = "Can only include alphanumeric characters, hyphens, or underscores. 1 to 80 in length"
	)
	tests := []struct {
		name string
		fifo bool
		msg  string // empty: created
	}{
		{"jobs", true, fifoText},
		{"jobs.fifo", false, stdText},
		{"jobs.FIFO", true, fifoText},
		{".fifo", true, fifoText},
		{"a.fifo", true, ""},
		{strings.Repeat("a", 75) + ".fifo", true, ""},
		{strings.Repeat("a", 76) + ".fifo", true, fifoText},
		{"a b.fifo", true, fifoText},
	}
	for _, tt := range tests {
		t.Run(fmt.Sprintf("%.12s/len%d/fifo=%v", tt.name, len(tt.name), tt.fifo), func(t *testing.T) {
			e := newEnv(t)
			var attrs queue.Attributes
			if tt.fifo {
				attrs.FifoQueue = new(true)
			}
			q, err := e.svc.CreateQueue(e.ctx, queue.CreateQueueInput{QueueName: tt.name, Attributes: attrs})
			if tt.msg != "" {
				wantErr(t, err, queue.ErrInvalidParameterValue, tt.msg)
				if _, err := e.svc.GetQueueUrl(e.ctx, queue.GetQueueUrlInput{QueueName: tt.name}); err == nil {
					t.Fatalf("GetQueueUrl after a rejected CreateQueue: got nil error")
				}
				return
			}
			if err != nil {
				t.Fatalf("CreateQueue(%q): %v", tt.name, err)
			}
			if got := e.attr(q, queue.AttributeFifoQueue); got != "true" {
				t.Fatalf("FifoQueue = %q, want true", got)
			}
			again, err := e.svc.CreateQueue(e.ctx, queue.CreateQueueInput{QueueName: tt.name, Attributes: attrs})
			if err != nil || again != q {
				t.Fatalf("CreateQueue again with the same attributes: got (%p, %v), want (%p, nil)", again, err, q)
			}
		})
	}
}

func TestFifoDefaultAttributes(t *testing.T) {
	e := newEnv(t)
	q := ffCreate(e, "jobs.fifo", queue.Attributes{})
	got := ffAll(e, q)
	want := map[queue.AttributeName]string{
		queue.AttributeFifoQueue:                             "true",
		queue.AttributeContentBasedDeduplication:             "false",
		queue.AttributeDeduplicationScope:                    "queue",
		queue.AttributeFifoThroughputLimit:                   "perQueue",
		queue.AttributeDelaySeconds:                          "0",
		queue.AttributeMaximumMessageSize:                    "1048576",
		queue.AttributeMessageRetentionPeriod:                "345600",
		queue.AttributeReceiveMessageWaitTimeSeconds:         "0",
		queue.AttributeVisibilityTimeout:                     "30",
		queue.AttributeSqsManagedSseEnabled:                  "true",
		queue.AttributeApproximateNumberOfMessages:           "0",
		queue.AttributeApproximateNumberOfMessagesNotVisible: "0",
		queue.AttributeApproximateNumberOfMessagesDelayed:    "0",
		queue.AttributeQueueArn:                              "arn:aws:sqs:us-east-1:123456789012:jobs.fifo",
		queue.AttributeCreatedTimestamp:                      strconv.FormatInt(epoch.Unix(), 10),
		queue.AttributeLastModifiedTimestamp:                 strconv.FormatInt(epoch.Unix(), 10),
	}
	for name, v := range want {
		if got[name] != v {
			t.Errorf("%s = %q, want %q", name, got[name], v)
		}
	}
	if len(got) != len(want) {
		t.Errorf("All returned %d attributes, want %d: %v", len(got), len(want), got)
	}

	std := e.create("jobs", queue.Attributes{})
	stdAll := ffAll(e, std)
	for _, name := range []queue.AttributeName{queue.AttributeFifoQueue, queue.AttributeContentBasedDeduplication,
		queue.AttributeDeduplicationScope, queue.AttributeFifoThroughputLimit} {
		if v, ok := stdAll[name]; ok {
			t.Errorf("standard queue: %s = %q, want absent", name, v)
		}
	}
}

func TestFifoAttributeValidation(t *testing.T) {
	const perGroupText = "Invalid value for the parameter FifoThroughputLimit. Reason: To set FifoThroughputLimit to perMessageGroupId, the DeduplicationScope must be messageGroup."
	tests := []struct {
		name  string
		attrs queue.Attributes
		msg   string                         // InvalidAttributeValue text; empty: accepted
		want  map[queue.AttributeName]string // after an accepted create
	}{
		{name: "scope bad value", attrs: queue.Attributes{DeduplicationScope: new("group")},
			msg: "Invalid value for the parameter DeduplicationScope."},
		{name: "scope wrong case", attrs: queue.Attributes{DeduplicationScope: new("Queue")},
			msg: "Invalid value for the parameter DeduplicationScope."},
		{name: "limit bad value", attrs: queue.Attributes{FifoThroughputLimit: new("perGroup")},
			msg: "Invalid value for the parameter FifoThroughputLimit."},
		{name: "limit empty", attrs: queue.Attributes{FifoThroughputLimit: new("")},
			msg: "Invalid value for the parameter FifoThroughputLimit."},
		{name: "perMessageGroupId alone", attrs: queue.Attributes{FifoThroughputLimit: new("perMessageGroupId")},
			msg: perGroupText},
		{name: "perMessageGroupId with scope queue",
			attrs: queue.Attributes{FifoThroughputLimit: new("perMessageGroupId"), DeduplicationScope: new("queue")},
			msg:   perGroupText},
		{name: "perMessageGroupId with scope messageGroup",
			attrs: queue.Attributes{FifoThroughputLimit: new("perMessageGroupId"), DeduplicationScope: new("messageGroup")},
			want: map[queue.AttributeName]string{queue.AttributeFifoThroughputLimit: "perMessageGroupId",
				queue.AttributeDeduplicationScope: "messageGroup"}},
		{name: "messageGroup with perQueue",
			attrs: queue.Attributes{FifoThroughputLimit: new("perQueue"), DeduplicationScope: new("messageGroup")},
			want: map[queue.AttributeName]string{queue.AttributeFifoThroughputLimit: "perQueue",
				queue.AttributeDeduplicationScope: "messageGroup"}},
		{name: "messageGroup alone", attrs: queue.Attributes{DeduplicationScope: new("messageGroup")},
			want: map[queue.AttributeName]string{queue.AttributeFifoThroughputLimit: "perQueue",
				queue.AttributeDeduplicationScope: "messageGroup"}},
		{name: "content-based deduplication", attrs: queue.Attributes{ContentBasedDeduplication: new(true)},
			want: map[queue.AttributeName]string{queue.AttributeContentBasedDeduplication: "true"}},
	}
	for _, tt := range tests {
		t.Run("CreateQueue/"+tt.name, func(t *testing.T) {
			e := newEnv(t)
			attrs := tt.attrs
			attrs.FifoQueue = new(true)
			q, err := e.svc.CreateQueue(e.ctx, queue.CreateQueueInput{QueueName: "jobs.fifo", Attributes: attrs})
			if tt.msg != "" {
				wantErr(t, err, queue.ErrInvalidAttributeValue, tt.msg)
				return
			}
			if err != nil {
				t.Fatalf("CreateQueue: %v", err)
			}
			got := ffAll(e, q)
			for name, v := range tt.want {
				if got[name] != v {
					t.Errorf("%s = %q, want %q", name, got[name], v)
				}
			}
		})
		t.Run("SetQueueAttributes/"+tt.name, func(t *testing.T) {
			e := newEnv(t)
			q := ffCreate(e, "jobs.fifo", queue.Attributes{})
			before := ffAll(e, q)
			e.clock.Add(time.Minute)
			err := ffSetAttrs(e, q, tt.attrs)
			if tt.msg != "" {
				wantErr(t, err, queue.ErrInvalidAttributeValue, tt.msg)
				if after := ffAll(e, q); !ffMapsEqual(after, before) {
					t.Fatalf("attributes after a rejected Set: %v, want %v", after, before)
				}
				return
			}
			if err != nil {
				t.Fatalf("SetQueueAttributes: %v", err)
			}
			got := ffAll(e, q)
			for name, v := range tt.want {
				if got[name] != v {
					t.Errorf("%s = %q, want %q", name, got[name], v)
				}
			}
		})
	}

	// The rule holds for the resulting settings: a high-throughput queue
	// cannot go back to scope queue alone.
	t.Run("SetQueueAttributes/scope queue on a high-throughput queue", func(t *testing.T) {
		e := newEnv(t)
		q := ffCreate(e, "jobs.fifo", queue.Attributes{FifoThroughputLimit: new("perMessageGroupId"), DeduplicationScope: new("messageGroup")})
		wantErr(t, ffSetAttrs(e, q, queue.Attributes{DeduplicationScope: new("queue")}), queue.ErrInvalidAttributeValue, perGroupText)
		if got := e.attr(q, queue.AttributeDeduplicationScope); got != "messageGroup" {
			t.Fatalf("DeduplicationScope = %q after a rejected Set, want messageGroup", got)
		}
		if err := ffSetAttrs(e, q, queue.Attributes{DeduplicationScope: new("queue"), FifoThroughputLimit: new("perQueue")}); err != nil {
			t.Fatalf("SetQueueAttributes(queue, perQueue): %v", err)
		}
	})
}

func ffMapsEqual(a, b map[queue.AttributeName]string) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if w, ok := b[k]; !ok || w != v {
			return false
		}
	}
	return true
}

func TestFifoQueueTypeIsImmutable(t *testing.T) {
	const modifyText = "Invalid value for the parameter FifoQueue. Reason: Modifying queue type is not supported."
	tests := []struct {
		name     string
		fifo     bool // the queue
		value    bool // FifoQueue sent to SetQueueAttributes
		sentinel *queue.Error
		msg      string
	}{
		{"FIFO set false", true, false, queue.ErrInvalidAttributeValue, modifyText},
		{"FIFO set true", true, true, nil, ""},
		// A standard queue knows no FifoQueue attribute (research-sqs-errors
		// §4, AWS-recorded for FifoQueue=true).
		{"standard set true", false, true, queue.ErrInvalidAttributeName, "Unknown Attribute FifoQueue."},
		{"standard set false", false, false, queue.ErrInvalidAttributeName, "Unknown Attribute FifoQueue."},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newEnv(t)
			var q *queue.Queue
			if tt.fifo {
				q = ffCreate(e, "jobs.fifo", queue.Attributes{})
			} else {
				q = e.create("jobs", queue.Attributes{})
			}
			before := ffAll(e, q)
			e.clock.Add(time.Minute)
			err := ffSetAttrs(e, q, queue.Attributes{FifoQueue: new(tt.value)})
			if tt.sentinel != nil {
				wantErr(t, err, tt.sentinel, tt.msg)
				if after := ffAll(e, q); !ffMapsEqual(after, before) {
					t.Fatalf("attributes after a rejected Set: %v, want %v", after, before)
				}
				return
			}
			if err != nil {
				t.Fatalf("SetQueueAttributes(FifoQueue=%v): %v", tt.value, err)
			}
			if got := e.attr(q, queue.AttributeFifoQueue); got != "true" {
				t.Fatalf("FifoQueue = %q, want true", got)
			}
			// Still a FIFO queue: a send without a group is refused.
			_, err = q.SendMessage(e.ctx, queue.SendMessageInput{MessageBody: "x", MessageDeduplicationId: "d"})
			wantErr(t, err, queue.ErrMissingParameter, "")
		})
	}
}

// --- SendMessage rules (item 27) --------------------------------------------

func TestFifoSendValidation(t *testing.T) {
	const (
		groupReason = "MessageGroupId can only include alphanumeric and punctuation characters. 1 to 128 in length."
		dedupReason = "MessageDeduplicationId can only include alphanumeric and punctuation characters. 1 to 128 in length."
	)
	long := strings.Repeat("x", 129)
	tests := []struct {
		name     string
		in       queue.SendMessageInput
		sentinel *queue.Error // nil: accepted
		msg      string
	}{
		{"DelaySeconds 2", queue.SendMessageInput{MessageBody: "b", MessageGroupId: "g", MessageDeduplicationId: "d", DelaySeconds: new(2 * time.Second)},
			queue.ErrInvalidParameterValue,
			"Value 2 for parameter DelaySeconds is invalid. Reason: The request include parameter that is not valid for this queue type."},
		{"DelaySeconds 1", queue.SendMessageInput{MessageBody: "b", MessageGroupId: "g", MessageDeduplicationId: "d", DelaySeconds: new(time.Second)},
			queue.ErrInvalidParameterValue,
			"Value 1 for parameter DelaySeconds is invalid. Reason: The request include parameter that is not valid for this queue type."},
		{"DelaySeconds 900", queue.SendMessageInput{MessageBody: "b", MessageGroupId: "g", MessageDeduplicationId: "d", DelaySeconds: new(900 * time.Second)},
			queue.ErrInvalidParameterValue,
			"Value 900 for parameter DelaySeconds is invalid. Reason: The request include parameter that is not valid for this queue type."},
		{"DelaySeconds 0", queue.SendMessageInput{MessageBody: "b", MessageGroupId: "g", MessageDeduplicationId: "d", DelaySeconds: new(time.Duration(0))},
			nil, ""},
		{"no group", queue.SendMessageInput{MessageBody: "b", MessageDeduplicationId: "d"},
			queue.ErrMissingParameter, "The request must contain the parameter MessageGroupId."},
		{"no deduplication id", queue.SendMessageInput{MessageBody: "b", MessageGroupId: "g"},
			queue.ErrInvalidParameterValue,
			"The queue should either have ContentBasedDeduplication enabled or MessageDeduplicationId provided explicitly"},
		{"group with a space", queue.SendMessageInput{MessageBody: "b", MessageGroupId: "CTC#QA-CS5A INTERIOR", MessageDeduplicationId: "d"},
			queue.ErrInvalidParameterValue,
			"Value CTC#QA-CS5A INTERIOR for parameter MessageGroupId is invalid. Reason: " + groupReason},
		{"group of 129", queue.SendMessageInput{MessageBody: "b", MessageGroupId: long, MessageDeduplicationId: "d"},
			queue.ErrInvalidParameterValue,
			"Value " + long + " for parameter MessageGroupId is invalid. Reason: " + groupReason},
		{"group with a non-ASCII letter", queue.SendMessageInput{MessageBody: "b", MessageGroupId: "é", MessageDeduplicationId: "d"},
			queue.ErrInvalidParameterValue,
			"Value é for parameter MessageGroupId is invalid. Reason: " + groupReason},
		{"deduplication id with a space", queue.SendMessageInput{MessageBody: "b", MessageGroupId: "g", MessageDeduplicationId: "a b"},
			queue.ErrInvalidParameterValue,
			"Value a b for parameter MessageDeduplicationId is invalid. Reason: " + dedupReason},
		{"deduplication id of 129", queue.SendMessageInput{MessageBody: "b", MessageGroupId: "g", MessageDeduplicationId: long},
			queue.ErrInvalidParameterValue,
			"Value " + long + " for parameter MessageDeduplicationId is invalid. Reason: " + dedupReason},
		{"group and deduplication id of 128 with punctuation",
			queue.SendMessageInput{MessageBody: "b", MessageGroupId: "CTC#" + strings.Repeat("g", 124), MessageDeduplicationId: "!~" + strings.Repeat("d", 126)},
			nil, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newEnv(t)
			q := ffCreate(e, "jobs.fifo", queue.Attributes{})
			out, err := q.SendMessage(e.ctx, tt.in)
			if tt.sentinel == nil {
				if err != nil {
					t.Fatalf("SendMessage: %v", err)
				}
				if out.MessageId == "" || out.SequenceNumber == "" {
					t.Fatalf("SendMessage output %+v lacks MessageId or SequenceNumber", out)
				}
				ffWantBodies(t, "receive", ffReceive(e, q, queue.ReceiveMessageInput{}), "b")
				return
			}
			wantErr(t, err, tt.sentinel, tt.msg)
			if got := e.attr(q, queue.AttributeApproximateNumberOfMessages); got != "0" {
				t.Fatalf("ApproximateNumberOfMessages = %s after a rejected send, want 0", got)
			}
		})
		t.Run("batch/"+tt.name, func(t *testing.T) {
			e := newEnv(t)
			q := ffCreate(e, "jobs.fifo", queue.Attributes{})
			entry := queue.SendMessageBatchRequestEntry{Id: "e1", MessageBody: tt.in.MessageBody, DelaySeconds: tt.in.DelaySeconds,
				MessageGroupId: tt.in.MessageGroupId, MessageDeduplicationId: tt.in.MessageDeduplicationId}
			ok := queue.SendMessageBatchRequestEntry{Id: "ok", MessageBody: "other", MessageGroupId: "h", MessageDeduplicationId: "other"}
			out, err := q.SendMessageBatch(e.ctx, queue.SendMessageBatchInput{Entries: []queue.SendMessageBatchRequestEntry{entry, ok}})
			if err != nil {
				t.Fatalf("SendMessageBatch: %v", err)
			}
			if tt.sentinel == nil {
				if len(out.Successful) != 2 || len(out.Failed) != 0 {
					t.Fatalf("SendMessageBatch = %+v, want 2 successful", out)
				}
				return
			}
			want := []queue.BatchResultErrorEntry{{Id: "e1", SenderFault: true, Code: tt.sentinel.Code, Message: tt.msg}}
			if !slices.Equal(out.Failed, want) {
				t.Fatalf("Failed = %+v, want %+v", out.Failed, want)
			}
			if len(out.Successful) != 1 || out.Successful[0].Id != "ok" {
				t.Fatalf("Successful = %+v, want only entry ok", out.Successful)
			}
		})
	}
}

// DelaySeconds=0 on a FIFO send is accepted and the queue's delay applies
// (AWS-rec 2025-07-31).
func TestFifoSendDelayZeroUsesQueueDelay(t *testing.T) {
	for _, delay := range []*time.Duration{nil, new(time.Duration(0))} {
		t.Run(fmt.Sprintf("DelaySeconds=%v", delay != nil), func(t *testing.T) {
			e := newEnv(t)
			q := ffCreate(e, "jobs.fifo", queue.Attributes{DelaySeconds: new(5 * time.Second)})
			ffSendIn(e, q, queue.SendMessageInput{MessageBody: "b", MessageGroupId: "g", MessageDeduplicationId: "d", DelaySeconds: delay})
			if got := e.attr(q, queue.AttributeApproximateNumberOfMessagesDelayed); got != "1" {
				t.Fatalf("ApproximateNumberOfMessagesDelayed = %s, want 1", got)
			}
			e.clock.Add(5*time.Second - time.Nanosecond)
			ffWantBodies(t, "receive before the queue delay ends", ffReceive(e, q, queue.ReceiveMessageInput{}))
			e.clock.Add(time.Nanosecond)
			ffWantBodies(t, "receive when the queue delay ends", ffReceive(e, q, queue.ReceiveMessageInput{}), "b")
		})
	}
}

// --- Deduplication (items 7, 28–30) -----------------------------------------

func TestFifoDeduplication(t *testing.T) {
	attrsA := map[string]queue.MessageAttributeValue{"a": {DataType: "String", StringValue: "1"}}
	attrsB := map[string]queue.MessageAttributeValue{"b": {DataType: "Number", StringValue: "2"}}
	receiveAndDelete := func(e *env, q *queue.Queue) {
		e.t.Helper()
		msgs := ffReceive(e, q, queue.ReceiveMessageInput{})
		ffWantBodies(e.t, "receive of the original", msgs, "first")
		if err := ffDelete(e, q, msgs[0].ReceiptHandle); err != nil {
			e.t.Fatalf("DeleteMessage: %v", err)
		}
	}
	tests := []struct {
		name    string
		attrs   queue.Attributes
		first   queue.SendMessageInput
		between func(e *env, q *queue.Queue)
		second  queue.SendMessageInput
		dup     bool
		want    []string // bodies a receive returns afterwards
		alive   int      // messages left in the queue, if more than len(want)
	}{
		{name: "same id",
			first:  queue.SendMessageInput{MessageBody: "first", MessageGroupId: "g", MessageDeduplicationId: "d"},
			second: queue.SendMessageInput{MessageBody: "second", MessageGroupId: "g", MessageDeduplicationId: "d"},
			dup:    true, want: []string{"first"}},
		{name: "same id while the original is in flight",
			first: queue.SendMessageInput{MessageBody: "first", MessageGroupId: "g", MessageDeduplicationId: "d"},
			between: func(e *env, q *queue.Queue) {
				ffWantBodies(e.t, "receive", ffReceive(e, q, queue.ReceiveMessageInput{}), "first")
			},
			second: queue.SendMessageInput{MessageBody: "second", MessageGroupId: "g", MessageDeduplicationId: "d"},
			dup:    true, want: nil, alive: 1},
		{name: "same id after the original was received and deleted",
			first: queue.SendMessageInput{MessageBody: "first", MessageGroupId: "g", MessageDeduplicationId: "d"},
			between: func(e *env, q *queue.Queue) {
				e.clock.Add(time.Minute)
				receiveAndDelete(e, q)
				e.clock.Add(time.Minute)
			},
			second: queue.SendMessageInput{MessageBody: "first", MessageGroupId: "g", MessageDeduplicationId: "d"},
			dup:    true, want: nil},
		{name: "same id 5 min less 1 ns later",
			first:   queue.SendMessageInput{MessageBody: "first", MessageGroupId: "g", MessageDeduplicationId: "d"},
			between: func(e *env, q *queue.Queue) { e.clock.Add(5*time.Minute - time.Nanosecond) },
			second:  queue.SendMessageInput{MessageBody: "second", MessageGroupId: "g", MessageDeduplicationId: "d"},
			dup:     true, want: []string{"first"}},
		{name: "same id 5 min later",
			first:   queue.SendMessageInput{MessageBody: "first", MessageGroupId: "g", MessageDeduplicationId: "d"},
			between: func(e *env, q *queue.Queue) { e.clock.Add(5 * time.Minute) },
			second:  queue.SendMessageInput{MessageBody: "second", MessageGroupId: "g", MessageDeduplicationId: "d"},
			want:    []string{"first", "second"}},
		{name: "same id 5 min later, original deleted",
			first: queue.SendMessageInput{MessageBody: "first", MessageGroupId: "g", MessageDeduplicationId: "d"},
			between: func(e *env, q *queue.Queue) {
				receiveAndDelete(e, q)
				e.clock.Add(5 * time.Minute)
			},
			second: queue.SendMessageInput{MessageBody: "first", MessageGroupId: "g", MessageDeduplicationId: "d"},
			want:   []string{"first"}},
		{name: "other id",
			first:  queue.SendMessageInput{MessageBody: "first", MessageGroupId: "g", MessageDeduplicationId: "d"},
			second: queue.SendMessageInput{MessageBody: "first", MessageGroupId: "g", MessageDeduplicationId: "e"},
			want:   []string{"first", "first"}},
		{name: "id differing in case",
			first:  queue.SendMessageInput{MessageBody: "first", MessageGroupId: "g", MessageDeduplicationId: "d"},
			second: queue.SendMessageInput{MessageBody: "second", MessageGroupId: "g", MessageDeduplicationId: "D"},
			want:   []string{"first", "second"}},
		{name: "PurgeQueue forgets ids",
			first: queue.SendMessageInput{MessageBody: "first", MessageGroupId: "g", MessageDeduplicationId: "d"},
			between: func(e *env, q *queue.Queue) {
				if _, err := q.PurgeQueue(e.ctx, queue.PurgeQueueInput{}); err != nil {
					e.t.Fatalf("PurgeQueue: %v", err)
				}
			},
			second: queue.SendMessageInput{MessageBody: "second", MessageGroupId: "g", MessageDeduplicationId: "d"},
			want:   []string{"second"}},

		// Content-based deduplication: SHA-256 of the body only.
		{name: "CBD identical bodies, different attributes", attrs: queue.Attributes{ContentBasedDeduplication: new(true)},
			first:  queue.SendMessageInput{MessageBody: "first", MessageGroupId: "g", MessageAttributes: attrsA},
			second: queue.SendMessageInput{MessageBody: "first", MessageGroupId: "g", MessageAttributes: attrsB},
			dup:    true, want: []string{"first"}},
		{name: "CBD identical bodies, other group", attrs: queue.Attributes{ContentBasedDeduplication: new(true)},
			first:  queue.SendMessageInput{MessageBody: "first", MessageGroupId: "g"},
			second: queue.SendMessageInput{MessageBody: "first", MessageGroupId: "h"},
			dup:    true, want: []string{"first"}},
		{name: "CBD different bodies", attrs: queue.Attributes{ContentBasedDeduplication: new(true)},
			first:  queue.SendMessageInput{MessageBody: "first", MessageGroupId: "g"},
			second: queue.SendMessageInput{MessageBody: "second", MessageGroupId: "g"},
			want:   []string{"first", "second"}},
		{name: "CBD explicit id overrides the hash", attrs: queue.Attributes{ContentBasedDeduplication: new(true)},
			first:  queue.SendMessageInput{MessageBody: "first", MessageGroupId: "g"},
			second: queue.SendMessageInput{MessageBody: "first", MessageGroupId: "g", MessageDeduplicationId: "explicit"},
			want:   []string{"first", "first"}},
		{name: "CBD explicit ids equal, bodies differ", attrs: queue.Attributes{ContentBasedDeduplication: new(true)},
			first:  queue.SendMessageInput{MessageBody: "first", MessageGroupId: "g", MessageDeduplicationId: "k"},
			second: queue.SendMessageInput{MessageBody: "second", MessageGroupId: "g", MessageDeduplicationId: "k"},
			dup:    true, want: []string{"first"}},
		{name: "CBD explicit id equal to an earlier body's SHA-256", attrs: queue.Attributes{ContentBasedDeduplication: new(true)},
			first:  queue.SendMessageInput{MessageBody: "first", MessageGroupId: "g"},
			second: queue.SendMessageInput{MessageBody: "second", MessageGroupId: "g", MessageDeduplicationId: ffSHA256("first")},
			dup:    true, want: []string{"first"}},
		{name: "CBD body equal to an earlier explicit id's preimage", attrs: queue.Attributes{ContentBasedDeduplication: new(true)},
			first:  queue.SendMessageInput{MessageBody: "x", MessageGroupId: "g", MessageDeduplicationId: ffSHA256("second")},
			second: queue.SendMessageInput{MessageBody: "second", MessageGroupId: "g"},
			dup:    true, want: []string{"x"}},
		{name: "CBD turned on later", attrs: queue.Attributes{},
			first: queue.SendMessageInput{MessageBody: "first", MessageGroupId: "g", MessageDeduplicationId: ffSHA256("first")},
			between: func(e *env, q *queue.Queue) {
				if err := ffSetAttrs(e, q, queue.Attributes{ContentBasedDeduplication: new(true)}); err != nil {
					e.t.Fatalf("SetQueueAttributes: %v", err)
				}
			},
			second: queue.SendMessageInput{MessageBody: "first", MessageGroupId: "g"},
			dup:    true, want: []string{"first"}},

		// Deduplication scope.
		{name: "scope queue, other group",
			first:  queue.SendMessageInput{MessageBody: "first", MessageGroupId: "g", MessageDeduplicationId: "d"},
			second: queue.SendMessageInput{MessageBody: "second", MessageGroupId: "h", MessageDeduplicationId: "d"},
			dup:    true, want: []string{"first"}},
		{name: "scope messageGroup, other group", attrs: queue.Attributes{DeduplicationScope: new("messageGroup")},
			first:  queue.SendMessageInput{MessageBody: "first", MessageGroupId: "g", MessageDeduplicationId: "d"},
			second: queue.SendMessageInput{MessageBody: "second", MessageGroupId: "h", MessageDeduplicationId: "d"},
			want:   []string{"first", "second"}},
		{name: "scope messageGroup, same group", attrs: queue.Attributes{DeduplicationScope: new("messageGroup")},
			first:  queue.SendMessageInput{MessageBody: "first", MessageGroupId: "g", MessageDeduplicationId: "d"},
			second: queue.SendMessageInput{MessageBody: "second", MessageGroupId: "g", MessageDeduplicationId: "d"},
			dup:    true, want: []string{"first"}},
		{name: "high throughput, other group",
			attrs:  queue.Attributes{DeduplicationScope: new("messageGroup"), FifoThroughputLimit: new("perMessageGroupId")},
			first:  queue.SendMessageInput{MessageBody: "first", MessageGroupId: "g", MessageDeduplicationId: "d"},
			second: queue.SendMessageInput{MessageBody: "second", MessageGroupId: "h", MessageDeduplicationId: "d"},
			want:   []string{"first", "second"}},
		{name: "scope messageGroup, CBD, other group",
			attrs:  queue.Attributes{DeduplicationScope: new("messageGroup"), ContentBasedDeduplication: new(true)},
			first:  queue.SendMessageInput{MessageBody: "first", MessageGroupId: "g"},
			second: queue.SendMessageInput{MessageBody: "first", MessageGroupId: "h"},
			want:   []string{"first", "first"}},
		{name: "scope messageGroup, group id and dedup id not confused",
			attrs:  queue.Attributes{DeduplicationScope: new("messageGroup")},
			first:  queue.SendMessageInput{MessageBody: "first", MessageGroupId: "a", MessageDeduplicationId: "bc"},
			second: queue.SendMessageInput{MessageBody: "second", MessageGroupId: "ab", MessageDeduplicationId: "c"},
			want:   []string{"first", "second"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newEnv(t)
			q := ffCreate(e, "jobs.fifo", tt.attrs)
			first := ffSendIn(e, q, tt.first)
			if tt.between != nil {
				tt.between(e, q)
			}
			second := ffSendIn(e, q, tt.second)
			if tt.dup {
				if second.MessageId != first.MessageId || second.SequenceNumber != first.SequenceNumber {
					t.Fatalf("duplicate send = (%s, %s), want the original's (%s, %s)",
						second.MessageId, second.SequenceNumber, first.MessageId, first.SequenceNumber)
				}
			} else {
				if second.MessageId == first.MessageId || second.SequenceNumber == first.SequenceNumber {
					t.Fatalf("new send = (%s, %s), want ids other than the first's (%s, %s)",
						second.MessageId, second.SequenceNumber, first.MessageId, first.SequenceNumber)
				}
			}
			if second.MD5OfMessageBody != ffMD5(tt.second.MessageBody) {
				t.Errorf("MD5OfMessageBody = %s, want the MD5 of the body sent", second.MD5OfMessageBody)
			}
			msgs := ffReceive(e, q, queue.ReceiveMessageInput{})
			ffWantBodies(t, "receive", msgs, tt.want...)
			// Nothing else is waiting: no delayed or invisible copies.
			alive := max(tt.alive, len(msgs))
			total := 0
			for _, name := range []queue.AttributeName{queue.AttributeApproximateNumberOfMessages,
				queue.AttributeApproximateNumberOfMessagesNotVisible, queue.AttributeApproximateNumberOfMessagesDelayed} {
				n, _ := strconv.Atoi(e.attr(q, name))
				total += n
			}
			if total != alive {
				t.Fatalf("the queue holds %d messages, want %d", total, alive)
			}
		})
	}
}

func ffMD5(s string) string {
	sum := md5.Sum([]byte(s))
	return hex.EncodeToString(sum[:])
}

// The system attribute MessageDeduplicationId of a content-deduplicated
// message is the hex SHA-256 of its body; an explicit id is returned as sent.
func TestFifoDeduplicationIdAttribute(t *testing.T) {
	e := newEnv(t)
	q := ffCreate(e, "jobs.fifo", queue.Attributes{ContentBasedDeduplication: new(true)})
	ffSendIn(e, q, queue.SendMessageInput{MessageBody: "hashed", MessageGroupId: "g"})
	ffSendIn(e, q, queue.SendMessageInput{MessageBody: "explicit", MessageGroupId: "g", MessageDeduplicationId: "mine"})
	msgs := ffReceive(e, q, queue.ReceiveMessageInput{MessageSystemAttributeNames: []queue.MessageSystemAttributeName{
		queue.SystemAttributeMessageDeduplicationId, queue.SystemAttributeMessageGroupId}})
	ffWantBodies(t, "receive", msgs, "hashed", "explicit")
	for i, want := range []string{ffSHA256("hashed"), "mine"} {
		got := msgs[i].Attributes
		if got[queue.SystemAttributeMessageDeduplicationId] != want || got[queue.SystemAttributeMessageGroupId] != "g" || len(got) != 2 {
			t.Errorf("%s: attributes %v, want MessageDeduplicationId %s and MessageGroupId g", msgs[i].Body, got, want)
		}
	}
}

// --- SequenceNumber (item 33) -----------------------------------------------

func TestFifoSequenceNumber(t *testing.T) {
	two64 := new(big.Int).Lsh(big.NewInt(1), 64)
	e := newEnv(t)
	// The send time of an AWS-captured message: its SequenceNumber was
	// 18878027350649327616 = 2^64 + 1684700300546 × 256000.
	e.clock.Set(time.UnixMilli(1684700300546).UTC())
	q := ffCreate(e, "seq.fifo", queue.Attributes{})

	type sent struct {
		body string
		out  queue.SendMessageOutput
	}
	var all []sent
	send := func(group, body string) {
		all = append(all, sent{body, ffSend(e, q, group, body, body)})
	}
	send("g1", "m0")
	if got := all[0].out.SequenceNumber; got != "18878027350649327616" {
		t.Fatalf("first SequenceNumber = %s, want 18878027350649327616", got)
	}
	send("g2", "m1") // same millisecond, other group
	send("g1", "m2") // same millisecond
	e.clock.Add(time.Millisecond)
	send("g2", "m3")
	e.clock.Add(300 * time.Microsecond) // same millisecond again
	send("g1", "m4")
	e.clock.Add(time.Hour)
	batch, err := q.SendMessageBatch(e.ctx, queue.SendMessageBatchInput{Entries: []queue.SendMessageBatchRequestEntry{
		{Id: "a", MessageBody: "m5", MessageGroupId: "g2", MessageDeduplicationId: "m5"},
		{Id: "b", MessageBody: "m6", MessageGroupId: "g1", MessageDeduplicationId: "m6"},
	}})
	if err != nil || len(batch.Successful) != 2 {
		t.Fatalf("SendMessageBatch = %+v, %v", batch, err)
	}
	for _, s := range batch.Successful {
		all = append(all, sent{"m" + map[string]string{"a": "5", "b": "6"}[s.Id], s.SendMessageOutput})
	}

	msgs := ffReceive(e, q, queue.ReceiveMessageInput{MessageSystemAttributeNames: []queue.MessageSystemAttributeName{queue.SystemAttributeAll}})
	if len(msgs) != len(all) {
		t.Fatalf("received %d messages, want %d", len(msgs), len(all))
	}
	byID := map[string]queue.Message{}
	for _, m := range msgs {
		byID[m.MessageId] = m
	}
	prev := new(big.Int)
	for i, s := range all {
		sn := s.out.SequenceNumber
		if len(sn) != 20 || strings.Trim(sn, "0123456789") != "" {
			t.Fatalf("%s: SequenceNumber %q is not a 20-digit number", s.body, sn)
		}
		n, _ := new(big.Int).SetString(sn, 10)
		if i > 0 && n.Cmp(prev) <= 0 {
			t.Fatalf("%s: SequenceNumber %s not above the previous %s", s.body, n, prev)
		}
		prev = n
		m, ok := byID[s.out.MessageId]
		if !ok || m.Body != s.body {
			t.Fatalf("%s: not received under MessageId %s", s.body, s.out.MessageId)
		}
		if got := m.Attributes[queue.SystemAttributeSequenceNumber]; got != sn {
			t.Fatalf("%s: SequenceNumber attribute %q, want %q as sent", s.body, got, sn)
		}
		ms, err := strconv.ParseInt(m.Attributes[queue.SystemAttributeSentTimestamp], 10, 64)
		if err != nil {
			t.Fatalf("%s: SentTimestamp %q: %v", s.body, m.Attributes[queue.SystemAttributeSentTimestamp], err)
		}
		counter := new(big.Int).Sub(n, two64)
		counter.Sub(counter, new(big.Int).Mul(big.NewInt(ms), big.NewInt(256000)))
		if counter.Sign() < 0 || counter.Cmp(big.NewInt(256000)) >= 0 {
			t.Fatalf("%s: SequenceNumber %s - 2^64 - SentTimestamp %d × 256000 = %s, want 0 ≤ n < 256000", s.body, sn, ms, counter)
		}
	}
}

func TestFifoSequenceNumberAbsentOnStandardQueues(t *testing.T) {
	for _, group := range []string{"", "tenant"} {
		t.Run("group="+group, func(t *testing.T) {
			e := newEnv(t)
			q := e.create("jobs", queue.Attributes{})
			out := ffSendIn(e, q, queue.SendMessageInput{MessageBody: "b", MessageGroupId: group})
			if out.SequenceNumber != "" {
				t.Fatalf("SendMessage SequenceNumber = %q, want empty", out.SequenceNumber)
			}
			batch, err := q.SendMessageBatch(e.ctx, queue.SendMessageBatchInput{Entries: []queue.SendMessageBatchRequestEntry{
				{Id: "a", MessageBody: "c", MessageGroupId: group}}})
			if err != nil || len(batch.Successful) != 1 || batch.Successful[0].SequenceNumber != "" {
				t.Fatalf("SendMessageBatch = %+v, %v; want one success without SequenceNumber", batch, err)
			}
			msgs := ffReceive(e, q, queue.ReceiveMessageInput{MessageSystemAttributeNames: []queue.MessageSystemAttributeName{
				queue.SystemAttributeAll, queue.SystemAttributeSequenceNumber}})
			if len(msgs) != 2 {
				t.Fatalf("received %d messages, want 2", len(msgs))
			}
			for _, m := range msgs {
				if v, ok := m.Attributes[queue.SystemAttributeSequenceNumber]; ok {
					t.Fatalf("%s: SequenceNumber %q on a standard queue", m.Body, v)
				}
				if v, ok := m.Attributes[queue.SystemAttributeMessageDeduplicationId]; ok {
					t.Fatalf("%s: MessageDeduplicationId %q on a standard queue", m.Body, v)
				}
			}
		})
	}
}

// --- Ordering and group locking (items 31, 32) ------------------------------

// ffOp is one step of an ordering scenario.
type ffOp struct {
	recv    int           // > 0: receive up to this many...
	vt      time.Duration // ...with this visibility timeout (0: the queue's 30 s)
	want    []string      // ...and expect exactly these bodies, in order
	del     string        // delete the message with this body (latest handle)
	change  string        // change the visibility of the message with this body...
	to      time.Duration // ...to this
	advance time.Duration // move the clock
}

// ffMsg is a message of a scenario: its body doubles as its deduplication id.
type ffMsg struct{ group, body string }

func ffRunScenario(t *testing.T, sends []ffMsg, ops []ffOp) {
	t.Helper()
	e := newEnv(t)
	q := ffCreate(e, "jobs.fifo", queue.Attributes{})
	for _, m := range sends {
		ffSend(e, q, m.group, m.body, m.body)
	}
	handles := map[string]string{}
	for i, op := range ops {
		switch {
		case op.recv > 0:
			in := queue.ReceiveMessageInput{MaxNumberOfMessages: new(op.recv)}
			if op.vt > 0 {
				in.VisibilityTimeout = new(op.vt)
			}
			msgs := ffReceive(e, q, in)
			ffWantBodies(t, fmt.Sprintf("step %d: receive(%d)", i, op.recv), msgs, op.want...)
			for _, m := range msgs {
				handles[m.Body] = m.ReceiptHandle
			}
		case op.del != "":
			if err := ffDelete(e, q, handles[op.del]); err != nil {
				t.Fatalf("step %d: DeleteMessage(%s): %v", i, op.del, err)
			}
		case op.change != "":
			if err := ffChange(e, q, handles[op.change], op.to); err != nil {
				t.Fatalf("step %d: ChangeMessageVisibility(%s, %v): %v", i, op.change, op.to, err)
			}
		case op.advance > 0:
			e.clock.Add(op.advance)
		default:
			t.Fatalf("step %d: empty op", i)
		}
	}
}

func TestFifoOrdering(t *testing.T) {
	g1g2 := []ffMsg{{"g1", "g1-m1"}, {"g1", "g1-m2"}, {"g2", "g2-m1"}}
	tests := []struct {
		name  string
		sends []ffMsg
		ops   []ffOp
	}{
		{"a group in send order, then the next group", g1g2, []ffOp{
			{recv: 10, want: []string{"g1-m1", "g1-m2", "g2-m1"}},
		}},
		{"later messages of a group wait while an earlier one is in flight", g1g2, []ffOp{
			{recv: 1, want: []string{"g1-m1"}},
			{recv: 10, want: []string{"g2-m1"}},
			{recv: 10, want: nil},
			{del: "g1-m1"},
			{recv: 10, want: []string{"g1-m2"}},
			{recv: 10, want: nil},
		}},
		{"the group waits until its in-flight message is visible again", g1g2, []ffOp{
			{recv: 1, vt: 5 * time.Second, want: []string{"g1-m1"}},
			{advance: 5*time.Second - time.Nanosecond},
			{recv: 1, want: []string{"g2-m1"}},
			{recv: 10, want: nil},
			{advance: time.Nanosecond},
			{recv: 10, want: []string{"g1-m1", "g1-m2"}},
		}},
		{"a group ends at its first in-flight message", []ffMsg{{"a", "a1"}, {"a", "a2"}, {"a", "a3"}, {"b", "b1"}}, []ffOp{
			{recv: 2, want: []string{"a1", "a2"}},
			{change: "a1", to: 0},
			{recv: 10, want: []string{"a1", "b1"}},
		}},
		{"as many of one group as possible, then others", []ffMsg{{"a", "a1"}, {"b", "b1"}, {"a", "a2"}, {"b", "b2"}, {"a", "a3"}, {"c", "c1"}}, []ffOp{
			{recv: 4, want: []string{"a1", "a2", "a3", "b1"}},
			{recv: 10, want: []string{"c1"}},
		}},
		{"the group with the oldest first message goes first", []ffMsg{{"a", "a1"}, {"b", "b1"}, {"a", "a2"}, {"c", "c1"}}, []ffOp{
			{recv: 1, want: []string{"a1"}},
			{del: "a1"},
			{recv: 10, want: []string{"b1", "a2", "c1"}},
		}},
		{"a message visible again puts its group first", []ffMsg{{"a", "a1"}, {"b", "b1"}, {"c", "c1"}}, []ffOp{
			{recv: 3, want: []string{"a1", "b1", "c1"}},
			{change: "c1", to: 0},
			{change: "a1", to: 0},
			{recv: 10, want: []string{"a1", "c1"}},
		}},
		{"deleting a later message keeps the order of the rest", []ffMsg{{"a", "a1"}, {"a", "a2"}, {"a", "a3"}}, []ffOp{
			{recv: 3, vt: time.Second, want: []string{"a1", "a2", "a3"}},
			{del: "a2"},
			{advance: time.Second},
			{recv: 10, want: []string{"a1", "a3"}},
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) { ffRunScenario(t, tt.sends, tt.ops) })
	}
}

// Checklist item 32 (AWS-rec 2025-11-19): receive foo, bar, baz of one group,
// extend the visibility of one, let the others lapse: the next receive
// returns exactly the messages before the extended one.
func TestFifoPartialVisibilityExtension(t *testing.T) {
	sends := []ffMsg{{"g", "foo"}, {"g", "bar"}, {"g", "baz"}}
	tests := []struct {
		extend string
		want   []string
	}{
		{"foo", nil},
		{"bar", []string{"foo"}},
		{"baz", []string{"foo", "bar"}},
	}
	for _, tt := range tests {
		t.Run("extend "+tt.extend, func(t *testing.T) {
			ffRunScenario(t, sends, []ffOp{
				{recv: 10, vt: time.Second, want: []string{"foo", "bar", "baz"}},
				{change: tt.extend, to: 4 * time.Second},
				{advance: 2500 * time.Millisecond},
				{recv: 10, want: tt.want},
			})
		})
	}
}

// --- SendMessageBatch (item 34) ---------------------------------------------

func TestFifoSendMessageBatch(t *testing.T) {
	type entry struct {
		id, group, body, dedup string
	}
	tests := []struct {
		name    string
		attrs   queue.Attributes
		entries []entry
		dupOf   map[string]string // entry id -> entry id it duplicates
		failed  []string          // entry ids reported in Failed
		want    []string          // bodies a receive returns
	}{
		{name: "entry order within a group",
			entries: []entry{{"e0", "g", "m0", "d0"}, {"e1", "g", "m1", "d1"}, {"e2", "g", "m2", "d2"}, {"e3", "g", "m3", "d3"},
				{"e4", "g", "m4", "d4"}, {"e5", "g", "m5", "d5"}, {"e6", "g", "m6", "d6"}, {"e7", "g", "m7", "d7"},
				{"e8", "g", "m8", "d8"}, {"e9", "g", "m9", "d9"}},
			want: []string{"m0", "m1", "m2", "m3", "m4", "m5", "m6", "m7", "m8", "m9"}},
		{name: "entry order across groups",
			entries: []entry{{"e0", "b", "b1", "d0"}, {"e1", "a", "a1", "d1"}, {"e2", "b", "b2", "d2"}, {"e3", "a", "a2", "d3"}},
			want:    []string{"b1", "b2", "a1", "a2"}},
		{name: "duplicate id inside the batch",
			entries: []entry{{"e0", "g", "first", "d"}, {"e1", "g", "other", "o"}, {"e2", "g", "again", "d"}},
			dupOf:   map[string]string{"e2": "e0"},
			want:    []string{"first", "other"}},
		{name: "duplicate id inside the batch, other group",
			entries: []entry{{"e0", "g", "first", "d"}, {"e1", "h", "again", "d"}},
			dupOf:   map[string]string{"e1": "e0"},
			want:    []string{"first"}},
		{name: "duplicate body inside the batch with CBD", attrs: queue.Attributes{ContentBasedDeduplication: new(true)},
			entries: []entry{{"e0", "g", "same", ""}, {"e1", "g", "same", ""}, {"e2", "g", "else", ""}},
			dupOf:   map[string]string{"e1": "e0"},
			want:    []string{"same", "else"}},
		{name: "a failed entry does not stop the others",
			entries: []entry{{"e0", "g", "m0", "d0"}, {"e1", "", "m1", "d1"}, {"e2", "g", "m2", "d2"}},
			failed:  []string{"e1"},
			want:    []string{"m0", "m2"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newEnv(t)
			q := ffCreate(e, "jobs.fifo", tt.attrs)
			var in queue.SendMessageBatchInput
			for _, en := range tt.entries {
				in.Entries = append(in.Entries, queue.SendMessageBatchRequestEntry{Id: en.id, MessageBody: en.body,
					MessageGroupId: en.group, MessageDeduplicationId: en.dedup})
			}
			out, err := q.SendMessageBatch(e.ctx, in)
			if err != nil {
				t.Fatalf("SendMessageBatch: %v", err)
			}
			var failed []string
			for _, f := range out.Failed {
				failed = append(failed, f.Id)
			}
			if !slices.Equal(failed, tt.failed) {
				t.Fatalf("Failed = %+v, want ids %v", out.Failed, tt.failed)
			}
			byID := map[string]queue.SendMessageOutput{}
			prev := new(big.Int)
			for _, s := range out.Successful {
				byID[s.Id] = s.SendMessageOutput
				if _, dup := tt.dupOf[s.Id]; dup {
					continue
				}
				n, ok := new(big.Int).SetString(s.SequenceNumber, 10)
				if !ok || n.Cmp(prev) <= 0 {
					t.Fatalf("entry %s: SequenceNumber %q not above the previous entry's %s", s.Id, s.SequenceNumber, prev)
				}
				prev = n
			}
			if len(out.Successful) != len(tt.entries)-len(tt.failed) {
				t.Fatalf("Successful = %+v, want %d entries", out.Successful, len(tt.entries)-len(tt.failed))
			}
			for id, orig := range tt.dupOf {
				if byID[id].MessageId != byID[orig].MessageId || byID[id].SequenceNumber != byID[orig].SequenceNumber {
					t.Fatalf("entry %s = %+v, want the MessageId and SequenceNumber of entry %s %+v", id, byID[id], orig, byID[orig])
				}
			}
			ffWantBodies(t, "receive", ffReceive(e, q, queue.ReceiveMessageInput{}), tt.want...)
		})
	}
}

// --- ReceiveRequestAttemptId (item 35) --------------------------------------

func TestFifoReceiveRequestAttemptId(t *testing.T) {
	tests := []struct {
		name    string
		between func(e *env, q *queue.Queue, got []queue.Message)
		retryID string // default "X"
		replay  bool
		want    []string // bodies of the retry
	}{
		{name: "immediate retry", replay: true, want: []string{"a1", "a2"}},
		{name: "retry 20 s later", replay: true, want: []string{"a1", "a2"},
			between: func(e *env, q *queue.Queue, _ []queue.Message) { e.clock.Add(20 * time.Second) }},
		{name: "retry after the visibility lapsed", replay: true, want: []string{"a1", "a2"},
			between: func(e *env, q *queue.Queue, _ []queue.Message) { e.clock.Add(time.Minute) }},
		{name: "retry 5 min less 1 ns later", replay: true, want: []string{"a1", "a2"},
			between: func(e *env, q *queue.Queue, _ []queue.Message) { e.clock.Add(5*time.Minute - time.Nanosecond) }},
		{name: "retry 5 min later", want: []string{"a1", "a2"},
			between: func(e *env, q *queue.Queue, _ []queue.Message) { e.clock.Add(5 * time.Minute) }},
		{name: "other attempt id", retryID: "Y", want: []string{"b1"}},
		{name: "after deleting one", want: []string{"b1"},
			between: func(e *env, q *queue.Queue, got []queue.Message) {
				if err := ffDelete(e, q, got[0].ReceiptHandle); err != nil {
					e.t.Fatalf("DeleteMessage: %v", err)
				}
			}},
		{name: "after deleting one by batch", want: []string{"b1"},
			between: func(e *env, q *queue.Queue, got []queue.Message) {
				out, err := q.DeleteMessageBatch(e.ctx, queue.DeleteMessageBatchInput{Entries: []queue.DeleteMessageBatchRequestEntry{
					{Id: "a2", ReceiptHandle: got[1].ReceiptHandle}}})
				if err != nil || len(out.Successful) != 1 {
					e.t.Fatalf("DeleteMessageBatch = %+v, %v", out, err)
				}
			}},
		{name: "after extending one", want: []string{"b1"},
			between: func(e *env, q *queue.Queue, got []queue.Message) {
				if err := ffChange(e, q, got[1].ReceiptHandle, 10*time.Second); err != nil {
					e.t.Fatalf("ChangeMessageVisibility: %v", err)
				}
			}},
		{name: "after releasing one", want: []string{"a1", "b1"},
			between: func(e *env, q *queue.Queue, got []queue.Message) {
				if err := ffChange(e, q, got[0].ReceiptHandle, 0); err != nil {
					e.t.Fatalf("ChangeMessageVisibility: %v", err)
				}
			}},
		{name: "after a batch visibility change", want: []string{"b1"},
			between: func(e *env, q *queue.Queue, got []queue.Message) {
				out, err := q.ChangeMessageVisibilityBatch(e.ctx, queue.ChangeMessageVisibilityBatchInput{
					Entries: []queue.ChangeMessageVisibilityBatchRequestEntry{{Id: "a1", ReceiptHandle: got[0].ReceiptHandle, VisibilityTimeout: time.Minute}}})
				if err != nil || len(out.Successful) != 1 {
					e.t.Fatalf("ChangeMessageVisibilityBatch = %+v, %v", out, err)
				}
			}},
		{name: "after the messages were received again", want: nil,
			between: func(e *env, q *queue.Queue, _ []queue.Message) {
				e.clock.Add(30 * time.Second)
				ffWantBodies(e.t, "plain receive", ffReceive(e, q, queue.ReceiveMessageInput{}), "a1", "a2", "b1")
			}},
		{name: "after PurgeQueue", want: []string{"new"},
			between: func(e *env, q *queue.Queue, _ []queue.Message) {
				if _, err := q.PurgeQueue(e.ctx, queue.PurgeQueueInput{}); err != nil {
					e.t.Fatalf("PurgeQueue: %v", err)
				}
				ffSend(e, q, "a", "new", "new")
			}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newEnv(t)
			q := ffCreate(e, "jobs.fifo", queue.Attributes{})
			ffSend(e, q, "a", "a1", "a1")
			ffSend(e, q, "a", "a2", "a2")
			ffSend(e, q, "b", "b1", "b1")
			attempt := func(id string) []queue.Message {
				return ffReceive(e, q, queue.ReceiveMessageInput{MaxNumberOfMessages: new(2), VisibilityTimeout: new(30 * time.Second),
					ReceiveRequestAttemptId: id, MessageSystemAttributeNames: []queue.MessageSystemAttributeName{queue.SystemAttributeApproximateReceiveCount}})
			}
			got := attempt("X")
			ffWantBodies(t, "first attempt", got, "a1", "a2")
			if tt.between != nil {
				tt.between(e, q, got)
			}
			id := tt.retryID
			if id == "" {
				id = "X"
			}
			retry := attempt(id)
			ffWantBodies(t, "retry", retry, tt.want...)
			sameHandles := slices.Equal(ffHandles(retry), ffHandles(got))
			if tt.replay != sameHandles {
				t.Fatalf("retry replayed the first attempt's handles: %v, want %v", sameHandles, tt.replay)
			}
			if tt.replay {
				for i, m := range retry {
					if m.MessageId != got[i].MessageId || m.Attributes[queue.SystemAttributeApproximateReceiveCount] != "1" {
						t.Fatalf("replayed %s: MessageId %s, receive count %s; want %s, 1",
							m.Body, m.MessageId, m.Attributes[queue.SystemAttributeApproximateReceiveCount], got[i].MessageId)
					}
				}
			}
			// Whatever the retry returned is in flight under the handles it gave.
			for _, m := range retry {
				if err := ffDelete(e, q, m.ReceiptHandle); err != nil {
					t.Fatalf("DeleteMessage(%s) with the retry's handle: %v", m.Body, err)
				}
			}
		})
	}
}

// A retry within the window resets the visibility timeout of the messages it
// replays.
func TestFifoReceiveRequestAttemptIdResetsVisibility(t *testing.T) {
	e := newEnv(t)
	q := ffCreate(e, "jobs.fifo", queue.Attributes{})
	ffSend(e, q, "a", "a1", "a1")
	ffSend(e, q, "b", "b1", "b1")
	in := queue.ReceiveMessageInput{MaxNumberOfMessages: new(1), VisibilityTimeout: new(30 * time.Second), ReceiveRequestAttemptId: "X"}
	first := ffReceive(e, q, in)
	ffWantBodies(t, "first attempt", first, "a1")
	e.clock.Add(20 * time.Second)
	retry := ffReceive(e, q, in)
	ffWantBodies(t, "retry", retry, "a1")
	if retry[0].ReceiptHandle != first[0].ReceiptHandle {
		t.Fatalf("retry handle differs from the first attempt's")
	}
	e.clock.Add(20 * time.Second) // 40 s after the first receive, 20 s after the retry
	ffWantBodies(t, "receive 20 s after the retry", ffReceive(e, q, queue.ReceiveMessageInput{}), "b1")
	e.clock.Add(10*time.Second - time.Nanosecond)
	ffWantBodies(t, "receive just before the reset timeout ends", ffReceive(e, q, queue.ReceiveMessageInput{}))
	e.clock.Add(time.Nanosecond)
	ffWantBodies(t, "receive when the reset timeout ends", ffReceive(e, q, queue.ReceiveMessageInput{}), "a1")
}

func TestFifoReceiveRequestAttemptIdValidation(t *testing.T) {
	const reason = "ReceiveRequestAttemptId can only include alphanumeric and punctuation characters. 1 to 128 in length."
	long := strings.Repeat("x", 129)
	tests := []struct {
		id  string
		msg string // empty: accepted
	}{
		{"a b", "Value a b for parameter ReceiveRequestAttemptId is invalid. Reason: " + reason},
		{long, "Value " + long + " for parameter ReceiveRequestAttemptId is invalid. Reason: " + reason},
		{"tab\there", "Value tab\there for parameter ReceiveRequestAttemptId is invalid. Reason: " + reason},
		{strings.Repeat("x", 128), ""},
		{"!#$%&'()*+,-./:;<=>?@[\\]^_`{|}~", ""},
	}
	for _, tt := range tests {
		t.Run(fmt.Sprintf("%.10q", tt.id), func(t *testing.T) {
			e := newEnv(t)
			q := ffCreate(e, "jobs.fifo", queue.Attributes{})
			ffSend(e, q, "g", "b", "d")
			out, err := q.ReceiveMessage(e.ctx, queue.ReceiveMessageInput{ReceiveRequestAttemptId: tt.id, WaitTimeSeconds: new(time.Duration(0))})
			if tt.msg != "" {
				wantErr(t, err, queue.ErrInvalidParameterValue, tt.msg)
				if got := e.attr(q, queue.AttributeApproximateNumberOfMessagesNotVisible); got != "0" {
					t.Fatalf("ApproximateNumberOfMessagesNotVisible = %s after a rejected receive, want 0", got)
				}
				return
			}
			if err != nil {
				t.Fatalf("ReceiveMessage: %v", err)
			}
			ffWantBodies(t, "receive", out.Messages, "b")
		})
	}
}

// --- Receipt handles (item 23) ----------------------------------------------

func TestFifoReceiptHandleExpiry(t *testing.T) {
	expired := func(h string) string {
		return "Value " + h + " for parameter ReceiptHandle is invalid. Reason: The receipt handle has expired."
	}
	recv := func(e *env, q *queue.Queue, vt time.Duration) string {
		e.t.Helper()
		msgs := ffReceive(e, q, queue.ReceiveMessageInput{VisibilityTimeout: new(vt)})
		ffWantBodies(e.t, "receive", msgs, "b")
		return msgs[0].ReceiptHandle
	}
	tests := []struct {
		name string
		// run returns the handle to delete with, and whether the delete
		// must fail as expired.
		run func(e *env, q *queue.Queue) (string, bool)
	}{
		{"visibility lapsed", func(e *env, q *queue.Queue) (string, bool) {
			h := recv(e, q, time.Second)
			e.clock.Add(time.Second)
			return h, true
		}},
		{"visibility lapsed long ago", func(e *env, q *queue.Queue) (string, bool) {
			h := recv(e, q, time.Second)
			e.clock.Add(time.Hour)
			return h, true
		}},
		{"1 ns before the visibility lapses", func(e *env, q *queue.Queue) (string, bool) {
			h := recv(e, q, time.Second)
			e.clock.Add(time.Second - time.Nanosecond)
			return h, false
		}},
		{"extended before it lapsed", func(e *env, q *queue.Queue) (string, bool) {
			h := recv(e, q, time.Second)
			e.clock.Add(500 * time.Millisecond)
			if err := ffChange(e, q, h, 5*time.Second); err != nil {
				e.t.Fatalf("ChangeMessageVisibility: %v", err)
			}
			e.clock.Add(4 * time.Second)
			return h, false
		}},
		{"extended, then the extension lapsed", func(e *env, q *queue.Queue) (string, bool) {
			h := recv(e, q, time.Second)
			if err := ffChange(e, q, h, 5*time.Second); err != nil {
				e.t.Fatalf("ChangeMessageVisibility: %v", err)
			}
			e.clock.Add(5 * time.Second)
			return h, true
		}},
		{"released with visibility 0", func(e *env, q *queue.Queue) (string, bool) {
			h := recv(e, q, time.Minute)
			if err := ffChange(e, q, h, 0); err != nil {
				e.t.Fatalf("ChangeMessageVisibility: %v", err)
			}
			return h, true
		}},
		{"handle of an earlier receive", func(e *env, q *queue.Queue) (string, bool) {
			h1 := recv(e, q, time.Second)
			e.clock.Add(time.Second)
			h2 := recv(e, q, time.Minute)
			if h1 == h2 {
				e.t.Fatalf("the second receive returned the first one's handle")
			}
			wantErr(e.t, ffDelete(e, q, h1), queue.ErrInvalidParameterValue, expired(h1))
			wantErr(e.t, ffChange(e, q, h1, time.Minute), queue.ErrInvalidParameterValue, expired(h1))
			return h2, false
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newEnv(t)
			q := ffCreate(e, "jobs.fifo", queue.Attributes{})
			ffSend(e, q, "g", "b", "d")
			h, wantExpired := tt.run(e, q)
			err := ffDelete(e, q, h)
			if !wantExpired {
				if err != nil {
					t.Fatalf("DeleteMessage: %v", err)
				}
				e.clock.Add(time.Hour)
				ffWantBodies(t, "receive after the delete", ffReceive(e, q, queue.ReceiveMessageInput{}))
				return
			}
			wantErr(t, err, queue.ErrInvalidParameterValue, expired(h))
			wantErr(t, ffChange(e, q, h, time.Minute), queue.ErrInvalidParameterValue, expired(h))
			// The message is still there, visible.
			ffWantBodies(t, "receive after the rejected delete", ffReceive(e, q, queue.ReceiveMessageInput{}), "b")
		})
	}
}

func TestFifoDeleteMessageBatchExpiredHandle(t *testing.T) {
	e := newEnv(t)
	q := ffCreate(e, "jobs.fifo", queue.Attributes{})
	ffSend(e, q, "a", "a1", "a1")
	ffSend(e, q, "b", "b1", "b1")
	a := ffReceive(e, q, queue.ReceiveMessageInput{MaxNumberOfMessages: new(1), VisibilityTimeout: new(time.Second)})
	b := ffReceive(e, q, queue.ReceiveMessageInput{MaxNumberOfMessages: new(1), VisibilityTimeout: new(time.Minute)})
	ffWantBodies(t, "receive a", a, "a1")
	ffWantBodies(t, "receive b", b, "b1")
	e.clock.Add(time.Second)
	out, err := q.DeleteMessageBatch(e.ctx, queue.DeleteMessageBatchInput{Entries: []queue.DeleteMessageBatchRequestEntry{
		{Id: "a", ReceiptHandle: a[0].ReceiptHandle},
		{Id: "b", ReceiptHandle: b[0].ReceiptHandle},
		{Id: "garbage", ReceiptHandle: "garbage"},
	}})
	if err != nil {
		t.Fatalf("DeleteMessageBatch: %v", err)
	}
	if len(out.Successful) != 1 || out.Successful[0].Id != "b" {
		t.Fatalf("Successful = %+v, want only b", out.Successful)
	}
	want := []queue.BatchResultErrorEntry{
		{Id: "a", SenderFault: true, Code: "InvalidParameterValue",
			Message: "Value " + a[0].ReceiptHandle + " for parameter ReceiptHandle is invalid. Reason: The receipt handle has expired."},
		{Id: "garbage", SenderFault: true, Code: "ReceiptHandleIsInvalid",
			Message: `The input receipt handle "garbage" is not a valid receipt handle.`},
	}
	if !slices.Equal(out.Failed, want) {
		t.Fatalf("Failed = %+v, want %+v", out.Failed, want)
	}
	ffWantBodies(t, "receive", ffReceive(e, q, queue.ReceiveMessageInput{}), "a1")
}

// --- Queue delay (item 26) ---------------------------------------------------

func TestFifoQueueDelayIsRetroactive(t *testing.T) {
	tests := []struct {
		name     string
		fifo     bool
		from, to time.Duration // queue delay at the send, and set at setAt
		setAt    time.Duration
		hiddenAt time.Duration // the message is still delayed here...
		visAt    time.Duration // ...and receivable here (times after the send)
	}{
		{"FIFO raised", true, 10 * time.Second, 20 * time.Second, 5 * time.Second, 20*time.Second - time.Nanosecond, 20 * time.Second},
		{"FIFO lowered", true, 10 * time.Second, 3 * time.Second, time.Second, 3*time.Second - time.Nanosecond, 3 * time.Second},
		{"FIFO lowered below the time waited", true, 10 * time.Second, 2 * time.Second, 5 * time.Second, 5*time.Second - time.Nanosecond, 5 * time.Second},
		{"FIFO lowered to 0", true, 10 * time.Second, 0, 5 * time.Second, 5*time.Second - time.Nanosecond, 5 * time.Second},
		{"standard raised", false, 10 * time.Second, 20 * time.Second, 5 * time.Second, 10*time.Second - time.Nanosecond, 10 * time.Second},
		{"standard lowered", false, 10 * time.Second, 3 * time.Second, time.Second, 10*time.Second - time.Nanosecond, 10 * time.Second},
		{"standard lowered to 0", false, 10 * time.Second, 0, time.Second, 10*time.Second - time.Nanosecond, 10 * time.Second},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newEnv(t)
			var q *queue.Queue
			if tt.fifo {
				q = ffCreate(e, "jobs.fifo", queue.Attributes{DelaySeconds: new(tt.from)})
				ffSend(e, q, "g", "b", "d")
			} else {
				q = e.create("jobs", queue.Attributes{DelaySeconds: new(tt.from)})
				e.send(q, "b")
			}
			// Steps in time order: the change, the last instant the message
			// is delayed, and the first it is receivable.
			elapsed := time.Duration(0)
			at := func(d time.Duration) { e.clock.Add(d - elapsed); elapsed = d }
			set := func() {
				at(tt.setAt)
				if err := ffSetAttrs(e, q, queue.Attributes{DelaySeconds: new(tt.to)}); err != nil {
					t.Fatalf("SetQueueAttributes(DelaySeconds=%v): %v", tt.to, err)
				}
			}
			if tt.setAt <= tt.hiddenAt {
				set()
			}
			at(tt.hiddenAt)
			ffWantBodies(t, "receive while delayed", ffReceive(e, q, queue.ReceiveMessageInput{}))
			if got := e.attr(q, queue.AttributeApproximateNumberOfMessagesDelayed); got != "1" {
				t.Fatalf("ApproximateNumberOfMessagesDelayed = %s while delayed, want 1", got)
			}
			if tt.setAt > tt.hiddenAt {
				set()
			}
			at(tt.visAt)
			ffWantBodies(t, "receive when due", ffReceive(e, q, queue.ReceiveMessageInput{}), "b")
		})
	}
}

// A long poll waiting on a FIFO queue returns the delayed message as soon as
// a lowered queue delay makes it due.
func TestFifoLoweredDelayWakesLongPoll(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		e := newEnv(t)
		q := ffCreate(e, "jobs.fifo", queue.Attributes{DelaySeconds: new(time.Minute)})
		ffSend(e, q, "g", "b", "d")
		type result struct {
			msgs []queue.Message
			err  error
		}
		done := make(chan result, 1)
		go func() {
			out, err := q.ReceiveMessage(e.ctx, queue.ReceiveMessageInput{WaitTimeSeconds: new(20 * time.Second)})
			done <- result{out.Messages, err}
		}()
		synctest.Wait() // the poll is parked; the mock clock has not moved
		select {
		case r := <-done:
			t.Fatalf("long poll returned before the delay changed: %v, %v", ffBodies(r.msgs), r.err)
		default:
		}
		if err := ffSetAttrs(e, q, queue.Attributes{DelaySeconds: new(time.Duration(0))}); err != nil {
			t.Fatalf("SetQueueAttributes: %v", err)
		}
		r := <-done
		if r.err != nil {
			t.Fatalf("long poll: %v", r.err)
		}
		ffWantBodies(t, "long poll", r.msgs, "b")
	})
}

// --- Blocked groups do not block others -------------------------------------

// A FIFO queue with many groups of one message each: with messages of some
// groups in flight a receive still returns the others, oldest first, and a
// message visible again goes first. The brief asks for 100,000 groups; that
// takes about 2 s under -race on a loaded 2-CPU machine (0.5 s without), so
// the test uses 20,000, which exercises the same paths.
func TestFifoManyGroups(t *testing.T) {
	const groups = 20_000
	e := newEnv(t)
	q := ffCreate(e, "jobs.fifo", queue.Attributes{})
	body := func(i int) string { return "m" + strconv.Itoa(i) }
	for i := 0; i < groups; i += queue.MaxBatchEntries {
		var in queue.SendMessageBatchInput
		for j := i; j < i+queue.MaxBatchEntries; j++ {
			in.Entries = append(in.Entries, queue.SendMessageBatchRequestEntry{Id: "e" + strconv.Itoa(j-i),
				MessageBody: body(j), MessageGroupId: "g" + strconv.Itoa(j), MessageDeduplicationId: body(j)})
		}
		out, err := q.SendMessageBatch(e.ctx, in)
		if err != nil || len(out.Failed) != 0 {
			t.Fatalf("SendMessageBatch at %d: %v, %+v", i, err, out.Failed)
		}
	}
	// The first group's message goes in flight; the rest are served in
	// send order.
	first := ffReceive(e, q, queue.ReceiveMessageInput{MaxNumberOfMessages: new(1)})
	ffWantBodies(t, "first receive", first, body(0))
	want := func(from, to int) []string {
		var out []string
		for i := from; i < to; i++ {
			out = append(out, body(i))
		}
		return out
	}
	ffWantBodies(t, "second receive", ffReceive(e, q, queue.ReceiveMessageInput{}), want(1, 11)...)
	// A group in the middle: its message is in flight while later ones are
	// served, then is first again once released.
	msgs := ffReceive(e, q, queue.ReceiveMessageInput{})
	ffWantBodies(t, "third receive", msgs, want(11, 21)...)
	if err := ffChange(e, q, msgs[4].ReceiptHandle, 0); err != nil {
		t.Fatalf("ChangeMessageVisibility: %v", err)
	}
	ffWantBodies(t, "receive after release", ffReceive(e, q, queue.ReceiveMessageInput{}), append([]string{body(15)}, want(21, 30)...)...)
	// The last group too.
	if got := e.attr(q, queue.AttributeApproximateNumberOfMessages); got != strconv.Itoa(groups-30) {
		t.Fatalf("ApproximateNumberOfMessages = %s, want %d", got, groups-30)
	}
}

// FIFO queues hold up to 120,000 messages in flight; at the limit AWS
// returns no error (quotas-fifo.html: "If this limit is reached, Amazon SQS
// does not return an error"), unlike a short poll of a standard queue.
func TestFifoInFlightLimit(t *testing.T) {
	e := newEnv(t)
	q := ffCreate(e, "jobs.fifo", queue.Attributes{})
	const groups = queue.MaxInFlight / queue.MaxBatchEntries
	for g := range groups {
		var in queue.SendMessageBatchInput
		for j := range queue.MaxBatchEntries {
			id := strconv.Itoa(g*queue.MaxBatchEntries + j)
			in.Entries = append(in.Entries, queue.SendMessageBatchRequestEntry{Id: "e" + strconv.Itoa(j),
				MessageBody: "m", MessageGroupId: "g" + strconv.Itoa(g), MessageDeduplicationId: id})
		}
		if out, err := q.SendMessageBatch(e.ctx, in); err != nil || len(out.Failed) != 0 {
			t.Fatalf("SendMessageBatch %d: %v, %+v", g, err, out.Failed)
		}
	}
	ffSend(e, q, "last", "last", "last")
	var first string
	for i := range groups {
		msgs := ffReceive(e, q, queue.ReceiveMessageInput{VisibilityTimeout: new(time.Hour)})
		if len(msgs) != queue.MaxBatchEntries {
			t.Fatalf("receive %d: %d messages, want %d", i, len(msgs), queue.MaxBatchEntries)
		}
		if i == 0 {
			first = msgs[0].ReceiptHandle
		}
	}
	if got := e.attr(q, queue.AttributeApproximateNumberOfMessagesNotVisible); got != strconv.Itoa(queue.MaxInFlight) {
		t.Fatalf("ApproximateNumberOfMessagesNotVisible = %s, want %d", got, queue.MaxInFlight)
	}
	for _, n := range []int{1, 10} {
		out, err := q.ReceiveMessage(e.ctx, queue.ReceiveMessageInput{MaxNumberOfMessages: new(n), WaitTimeSeconds: new(time.Duration(0))})
		if err != nil || out.Messages != nil {
			t.Fatalf("short poll at the limit: %d messages, error %v; want none and no error", len(out.Messages), err)
		}
	}
	if err := ffDelete(e, q, first); err != nil {
		t.Fatalf("DeleteMessage: %v", err)
	}
	ffWantBodies(t, "receive after a deletion", ffReceive(e, q, queue.ReceiveMessageInput{}), "last")
}
