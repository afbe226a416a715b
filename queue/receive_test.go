package queue_test

import (
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"
	"testing"
	"testing/synctest"
	"time"

	"github.com/sluicehq/sluice/queue"
)

func TestReceiveMessageAttributeSelection(t *testing.T) {
	attrs := map[string]queue.MessageAttributeValue{
		"foo.a":  dpStr("1"),
		"foo.b":  {DataType: "Number", StringValue: "2"},
		"bar":    {DataType: "Binary", BinaryValue: []byte{1, 2}},
		"baz":    dpStr("z"),
		"foobar": dpStr("x"), // not under the prefix "foo."
	}
	all := slices.Sorted(maps.Keys(attrs))
	tests := []struct {
		name  string
		names []string
		want  []string // attribute names returned, sorted; nil: none
	}{
		{"none requested", nil, nil},
		{"empty list", []string{}, nil},
		{"All", []string{"All"}, all},
		{".*", []string{".*"}, all},
		{"prefix foo.*", []string{"foo.*"}, []string{"foo.a", "foo.b"}},
		{"exact name", []string{"bar"}, []string{"bar"}},
		{"exact names", []string{"baz", "foo.a"}, []string{"baz", "foo.a"}},
		{"prefix and name", []string{"foo.*", "foobar"}, []string{"foo.a", "foo.b", "foobar"}},
		{"All among others", []string{"nope", "All"}, all},
		{"no match", []string{"nope"}, nil},
		{"prefix without dot does not match", []string{"fo"}, nil},
		{"names are case-sensitive", []string{"BAR"}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newEnv(t)
			q := e.create("q", queue.Attributes{})
			dpSend(e, q, queue.SendMessageInput{MessageBody: "b", MessageAttributes: attrs})
			m := dpRecv(e, q, queue.ReceiveMessageInput{MessageAttributeNames: tt.names})
			if len(m) != 1 {
				t.Fatalf("received %d messages, want 1", len(m))
			}
			if tt.want == nil {
				if m[0].MessageAttributes != nil || m[0].MD5OfMessageAttributes != "" {
					t.Fatalf("got attributes %v, MD5 %q; want none", m[0].MessageAttributes, m[0].MD5OfMessageAttributes)
				}
				return
			}
			if got := slices.Sorted(maps.Keys(m[0].MessageAttributes)); !slices.Equal(got, tt.want) {
				t.Fatalf("got attributes %v, want %v", got, tt.want)
			}
			subset := map[string]queue.MessageAttributeValue{}
			for _, n := range tt.want {
				subset[n] = attrs[n]
				if v := m[0].MessageAttributes[n]; v.DataType != attrs[n].DataType || v.StringValue != attrs[n].StringValue ||
					string(v.BinaryValue) != string(attrs[n].BinaryValue) {
					t.Fatalf("attribute %s = %+v, want %+v", n, v, attrs[n])
				}
			}
			// The digest is over what was returned, so SDKs can check it.
			if got, want := m[0].MD5OfMessageAttributes, dpMD5OfAttributes(subset); got != want {
				t.Fatalf("MD5OfMessageAttributes = %v, want %v", got, want)
			}
		})
	}
}

func TestReceiveSystemAttributes(t *testing.T) {
	const sendOffset, receiveOffset = 1234 * time.Millisecond, 5*time.Second + 678*time.Millisecond
	sent := strconv.FormatInt(epoch.Add(sendOffset).UnixMilli(), 10)
	received := strconv.FormatInt(epoch.Add(sendOffset+receiveOffset).UnixMilli(), 10)
	type names = []queue.MessageSystemAttributeName
	tests := []struct {
		name  string
		names names
		want  map[queue.MessageSystemAttributeName]string // "*" means any non-empty value
	}{
		{"none requested", nil, nil},
		{"All", names{queue.SystemAttributeAll}, map[queue.MessageSystemAttributeName]string{
			queue.SystemAttributeSenderId:                         "*",
			queue.SystemAttributeSentTimestamp:                    sent,
			queue.SystemAttributeApproximateReceiveCount:          "1",
			queue.SystemAttributeApproximateFirstReceiveTimestamp: received,
		}},
		{"SentTimestamp", names{queue.SystemAttributeSentTimestamp}, map[queue.MessageSystemAttributeName]string{
			queue.SystemAttributeSentTimestamp: sent,
		}},
		{"two names", names{queue.SystemAttributeApproximateReceiveCount, queue.SystemAttributeSenderId},
			map[queue.MessageSystemAttributeName]string{
				queue.SystemAttributeApproximateReceiveCount: "1",
				queue.SystemAttributeSenderId:                "*",
			}},
		// A standard message without a group, trace or dedup id has none of these.
		{"FIFO and trace names", names{queue.SystemAttributeSequenceNumber, queue.SystemAttributeMessageGroupId,
			queue.SystemAttributeMessageDeduplicationId, queue.SystemAttributeAWSTraceHeader}, map[queue.MessageSystemAttributeName]string{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newEnv(t)
			q := e.create("q", queue.Attributes{})
			e.clock.Add(sendOffset)
			e.send(q, "b")
			e.clock.Add(receiveOffset)
			m := dpRecv(e, q, queue.ReceiveMessageInput{MessageSystemAttributeNames: tt.names})
			if len(m) != 1 {
				t.Fatalf("received %d messages, want 1", len(m))
			}
			got := m[0].Attributes
			if tt.want == nil {
				if got != nil {
					t.Fatalf("got system attributes %v, want none", got)
				}
				return
			}
			if !slices.Equal(slices.Sorted(maps.Keys(got)), slices.Sorted(maps.Keys(tt.want))) {
				t.Fatalf("got system attributes %v, want %v", got, tt.want)
			}
			for k, want := range tt.want {
				if want == "*" && got[k] != "" || got[k] == want {
					continue
				}
				t.Fatalf("%s = %q, want %q", k, got[k], want)
			}
		})
	}
}

// Checklist 14: the same message received twice.
func TestReceiveTwiceWithZeroVisibility(t *testing.T) {
	e := newEnv(t)
	q := e.create("q", queue.Attributes{})
	e.clock.Add(1500 * time.Millisecond)
	sentAt := e.clock.Now()
	sent := e.send(q, "twice")
	all := []queue.MessageSystemAttributeName{queue.SystemAttributeAll}
	zero := new(time.Duration(0))

	e.clock.Add(2 * time.Second)
	firstAt := e.clock.Now()
	first := dpRecv(e, q, queue.ReceiveMessageInput{VisibilityTimeout: zero, MessageSystemAttributeNames: all})
	e.clock.Add(3 * time.Second)
	second := dpRecv(e, q, queue.ReceiveMessageInput{VisibilityTimeout: zero, MessageSystemAttributeNames: all})
	if len(first) != 1 || len(second) != 1 {
		t.Fatalf("received %d then %d messages, want 1 and 1", len(first), len(second))
	}
	a, b := first[0], second[0]
	ms := func(tm time.Time) string { return strconv.FormatInt(tm.UnixMilli(), 10) }
	checks := []struct {
		what      string
		got, want string
	}{
		{"first MessageId", a.MessageId, sent.MessageId},
		{"second MessageId", b.MessageId, sent.MessageId},
		{"first ApproximateReceiveCount", a.Attributes[queue.SystemAttributeApproximateReceiveCount], "1"},
		{"second ApproximateReceiveCount", b.Attributes[queue.SystemAttributeApproximateReceiveCount], "2"},
		{"first ApproximateFirstReceiveTimestamp", a.Attributes[queue.SystemAttributeApproximateFirstReceiveTimestamp], ms(firstAt)},
		{"second ApproximateFirstReceiveTimestamp", b.Attributes[queue.SystemAttributeApproximateFirstReceiveTimestamp], ms(firstAt)},
		{"first SentTimestamp", a.Attributes[queue.SystemAttributeSentTimestamp], ms(sentAt)},
		{"second SentTimestamp", b.Attributes[queue.SystemAttributeSentTimestamp], ms(sentAt)},
	}
	for _, c := range checks {
		if c.got != c.want {
			t.Errorf("%s: got %v, want %v", c.what, c.got, c.want)
		}
	}
	if a.ReceiptHandle == b.ReceiptHandle || a.ReceiptHandle == "" {
		t.Errorf("receipt handles %q and %q, want two different handles", a.ReceiptHandle, b.ReceiptHandle)
	}
}

// Checklist 15: the receive's VisibilityTimeout, or the queue's.
func TestReceiveVisibilityTimeoutParameter(t *testing.T) {
	tests := []struct {
		name      string
		vis       *time.Duration
		hiddenFor time.Duration // 0: receivable again at once
	}{
		{"zero", new(time.Duration(0)), 0},
		{"omitted uses queue's 45s", nil, 45 * time.Second},
		{"explicit 10s", new(10 * time.Second), 10 * time.Second},
		{"explicit 12h", new(12 * time.Hour), 12 * time.Hour},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newEnv(t)
			q := e.create("q", queue.Attributes{VisibilityTimeout: new(45 * time.Second)})
			e.send(q, "b")
			dpRecvOne(e, q, tt.vis)
			if tt.hiddenFor > 0 {
				if got := e.receive(q, 1); len(got) != 0 {
					t.Fatalf("received %d messages right after the receive, want 0", len(got))
				}
				e.clock.Add(tt.hiddenFor - time.Second)
				if got := e.receive(q, 1); len(got) != 0 {
					t.Fatalf("received %d messages 1s before the timeout ends, want 0", len(got))
				}
				dpWantCounts(e, q, [3]int{0, 1, 0})
				e.clock.Add(time.Second)
			}
			dpWantCounts(e, q, [3]int{1, 0, 0})
			if got := e.receive(q, 1); len(got) != 1 {
				t.Fatalf("received %d messages when the timeout ended, want 1", len(got))
			}
		})
	}
}

// Checklist 42.
func TestReceiveMessageInvalidParameters(t *testing.T) {
	tests := []struct {
		name string
		in   queue.ReceiveMessageInput
		want string // error message; empty: accepted
	}{
		{"MaxNumberOfMessages 0", queue.ReceiveMessageInput{MaxNumberOfMessages: new(0)},
			"Value 0 for parameter MaxNumberOfMessages is invalid. Reason: Must be between 1 and 10, if provided."},
		{"MaxNumberOfMessages 11", queue.ReceiveMessageInput{MaxNumberOfMessages: new(11)},
			"Value 11 for parameter MaxNumberOfMessages is invalid. Reason: Must be between 1 and 10, if provided."},
		{"MaxNumberOfMessages -1", queue.ReceiveMessageInput{MaxNumberOfMessages: new(-1)},
			"Value -1 for parameter MaxNumberOfMessages is invalid. Reason: Must be between 1 and 10, if provided."},
		{"WaitTimeSeconds -1", queue.ReceiveMessageInput{WaitTimeSeconds: new(-time.Second)},
			"Value -1 for parameter WaitTimeSeconds is invalid. Reason: Must be >= 0 and <= 20, if provided."},
		{"WaitTimeSeconds 21", queue.ReceiveMessageInput{WaitTimeSeconds: new(21 * time.Second)},
			"Value 21 for parameter WaitTimeSeconds is invalid. Reason: Must be >= 0 and <= 20, if provided."},
		{"VisibilityTimeout 43201", queue.ReceiveMessageInput{VisibilityTimeout: new(43201 * time.Second)},
			"Value 43201 for parameter VisibilityTimeout is invalid. Reason: Must be >= 0 and <= 43200, if provided."},
		{"VisibilityTimeout -1", queue.ReceiveMessageInput{VisibilityTimeout: new(-time.Second)},
			"Value -1 for parameter VisibilityTimeout is invalid. Reason: Must be >= 0 and <= 43200, if provided."},
		{"MaxNumberOfMessages 1", queue.ReceiveMessageInput{MaxNumberOfMessages: new(1)}, ""},
		{"MaxNumberOfMessages 10", queue.ReceiveMessageInput{MaxNumberOfMessages: new(10)}, ""},
		{"WaitTimeSeconds 20", queue.ReceiveMessageInput{WaitTimeSeconds: new(20 * time.Second)}, ""},
		{"VisibilityTimeout 43200", queue.ReceiveMessageInput{VisibilityTimeout: new(43200 * time.Second)}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newEnv(t)
			q := e.create("q", queue.Attributes{})
			e.send(q, "b") // present, so a valid long poll returns at once
			out, err := q.ReceiveMessage(e.ctx, tt.in)
			if tt.want == "" {
				if err != nil || len(out.Messages) != 1 {
					t.Fatalf("got %d messages, error %v; want 1 message", len(out.Messages), err)
				}
				return
			}
			wantErr(t, err, queue.ErrInvalidParameterValue, tt.want)
			if out.Messages != nil {
				t.Fatalf("got %d messages with the error, want none", len(out.Messages))
			}
			dpWantCounts(e, q, [3]int{1, 0, 0}) // a rejected receive takes nothing
		})
	}
}

func TestReceiveMaxNumberOfMessages(t *testing.T) {
	tests := []struct {
		name string
		sent int
		max  *int
		want int
	}{
		{"omitted means 1", 5, nil, 1},
		{"1", 5, new(1), 1},
		{"10 of 12", 12, new(10), 10},
		{"10 of 3", 3, new(10), 3},
		{"5 of 5", 5, new(5), 5},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newEnv(t)
			q := e.create("q", queue.Attributes{})
			for i := range tt.sent {
				e.send(q, fmt.Sprintf("m%02d", i))
				e.clock.Add(time.Millisecond)
			}
			got := dpRecv(e, q, queue.ReceiveMessageInput{MaxNumberOfMessages: tt.max})
			if len(got) != tt.want {
				t.Fatalf("received %d messages, want %d", len(got), tt.want)
			}
			for i, m := range got { // oldest first
				if want := fmt.Sprintf("m%02d", i); m.Body != want {
					t.Fatalf("message %d = %q, want %q", i, m.Body, want)
				}
			}
			dpWantCounts(e, q, [3]int{tt.sent - tt.want, tt.want, 0})
		})
	}
}

func TestReceiveOldestFirstAcrossCalls(t *testing.T) {
	e := newEnv(t)
	q := e.create("q", queue.Attributes{})
	for i := range 25 {
		e.send(q, strconv.Itoa(i))
	}
	var bodies []string
	for _, want := range []int{10, 10, 5, 0} {
		got := e.receive(q, 10)
		if len(got) != want {
			t.Fatalf("received %d messages, want %d", len(got), want)
		}
		for _, m := range got {
			bodies = append(bodies, m.Body)
		}
	}
	for i, b := range bodies {
		if b != strconv.Itoa(i) {
			t.Fatalf("message %d = %q, want %q", i, b, strconv.Itoa(i))
		}
	}
}

func TestReceiveEmptyQueue(t *testing.T) {
	tests := []struct {
		name  string
		setup func(e *env, q *queue.Queue)
	}{
		{"never used", func(e *env, q *queue.Queue) {}},
		{"all in flight", func(e *env, q *queue.Queue) { e.send(q, "b"); e.receive(q, 1) }},
		{"all delayed", func(e *env, q *queue.Queue) {
			dpSend(e, q, queue.SendMessageInput{MessageBody: "b", DelaySeconds: new(time.Minute)})
		}},
		{"all deleted", func(e *env, q *queue.Queue) {
			e.send(q, "b")
			m := e.receive(q, 1)
			if _, err := q.DeleteMessage(e.ctx, queue.DeleteMessageInput{ReceiptHandle: m[0].ReceiptHandle}); err != nil {
				e.t.Fatal(err)
			}
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newEnv(t)
			q := e.create("q", queue.Attributes{})
			tt.setup(e, q)
			out, err := q.ReceiveMessage(e.ctx, queue.ReceiveMessageInput{MaxNumberOfMessages: new(10)})
			if err != nil {
				t.Fatalf("ReceiveMessage: got %v, want success", err)
			}
			if out.Messages != nil {
				t.Fatalf("Messages = %#v, want nil", out.Messages)
			}
		})
	}
}

// Checklist 40.
func TestReceiveRetention(t *testing.T) {
	tests := []struct {
		name     string
		inFlight bool
	}{
		{"visible", false},
		{"in flight", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newEnv(t)
			q := e.create("q", queue.Attributes{MessageRetentionPeriod: new(time.Minute)})
			e.send(q, "old")
			m := dpRecvOne(e, q, new(time.Duration(0))) // a handle, message visible again
			want := [3]int{1, 0, 0}
			if tt.inFlight {
				m = dpRecvOne(e, q, new(12*time.Hour))
				want = [3]int{0, 1, 0}
			}
			e.clock.Add(59 * time.Second)
			dpWantCounts(e, q, want)
			e.clock.Add(2 * time.Second)
			dpWantCounts(e, q, [3]int{0, 0, 0})
			if got := e.receive(q, 10); got != nil {
				t.Fatalf("received %d messages after retention, want 0", len(got))
			}
			// Deleting an expired message with its handle succeeds (AWS-rec).
			if _, err := q.DeleteMessage(e.ctx, queue.DeleteMessageInput{ReceiptHandle: m.ReceiptHandle}); err != nil {
				t.Fatalf("DeleteMessage after retention: got %v, want success", err)
			}
			e.clock.Add(12 * time.Hour)
			if got := e.receive(q, 10); got != nil {
				t.Fatalf("received %d messages after the visibility timeout, want 0", len(got))
			}
		})
	}
}

func TestReceiveRetentionLowered(t *testing.T) {
	e := newEnv(t)
	q := e.create("q", queue.Attributes{})
	e.send(q, "old")
	e.clock.Add(2 * time.Minute)
	e.send(q, "new")
	if _, err := q.SetQueueAttributes(e.ctx, queue.SetQueueAttributesInput{
		Attributes: queue.Attributes{MessageRetentionPeriod: new(time.Minute)}}); err != nil {
		t.Fatal(err)
	}
	got := e.receive(q, 10)
	if len(got) != 1 || got[0].Body != "new" {
		t.Fatalf("received %v, want only %q", got, "new")
	}
}

// Fair queues: a tenant (MessageGroupId on a standard queue) with messages in
// flight yields to a tenant with fewer.
func TestReceiveFairQueueTenants(t *testing.T) {
	tests := []struct {
		name  string
		sends []string // "group:body"; group empty for no MessageGroupId
		steps []string // "recv body" receives one message, "del body" deletes it
	}{
		{"busy tenant yields",
			[]string{"A:a1", "A:a2", "A:a3", "B:b1", "B:b2"},
			[]string{"recv a1", "recv b1", "recv a2", "recv b2", "recv a3"}},
		{"deleting frees a tenant",
			[]string{"A:a1", "A:a2", "B:b1"},
			[]string{"recv a1", "del a1", "recv a2", "recv b1"}},
		{"three tenants",
			[]string{"A:a1", "A:a2", "B:b1", "B:b2", "C:c1"},
			[]string{"recv a1", "recv b1", "recv c1", "recv a2", "recv b2"}},
		{"ungrouped messages oldest first",
			[]string{":u1", ":u2", ":u3"},
			[]string{"recv u1", "recv u2", "recv u3"}},
		{"idle tenant and ungrouped messages by age",
			[]string{":u1", "A:a1", ":u2"},
			[]string{"recv u1", "recv a1", "recv u2"}},
		{"busy tenant yields to ungrouped",
			[]string{"A:a1", "A:a2", ":u1"},
			[]string{"recv a1", "recv u1", "recv a2"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newEnv(t)
			q := e.create("q", queue.Attributes{})
			for _, s := range tt.sends {
				group, body, _ := strings.Cut(s, ":")
				dpSend(e, q, queue.SendMessageInput{MessageBody: body, MessageGroupId: group})
			}
			handles := map[string]string{}
			for i, step := range tt.steps {
				op, body, _ := strings.Cut(step, " ")
				switch op {
				case "recv":
					m := dpRecvOne(e, q, new(time.Hour))
					if m.Body != body {
						t.Fatalf("step %d: received %q, want %q", i, m.Body, body)
					}
					handles[body] = m.ReceiptHandle
				case "del":
					if _, err := q.DeleteMessage(e.ctx, queue.DeleteMessageInput{ReceiptHandle: handles[body]}); err != nil {
						t.Fatalf("step %d: %v", i, err)
					}
				}
			}
		})
	}
}

// The in-flight limit: a short poll fails with OverLimit (403); a long poll
// waits and returns when a deletion makes room.
func TestReceiveInFlightLimit(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		e := newEnv(t)
		q := e.create("q", queue.Attributes{})
		entries := make([]queue.SendMessageBatchRequestEntry, 10)
		for i := range entries {
			entries[i] = queue.SendMessageBatchRequestEntry{Id: strconv.Itoa(i), MessageBody: "x"}
		}
		for range queue.MaxInFlight / 10 {
			out, err := q.SendMessageBatch(e.ctx, queue.SendMessageBatchInput{Entries: entries})
			if err != nil || len(out.Successful) != 10 {
				t.Fatalf("SendMessageBatch: %d sent, error %v", len(out.Successful), err)
			}
		}
		dpSend(e, q, queue.SendMessageInput{MessageBody: "last"})
		var first queue.Message
		for i := range queue.MaxInFlight / 10 {
			out, err := q.ReceiveMessage(e.ctx, queue.ReceiveMessageInput{MaxNumberOfMessages: new(10), VisibilityTimeout: new(12 * time.Hour)})
			if err != nil || len(out.Messages) != 10 {
				t.Fatalf("receive %d: %d messages, error %v", i, len(out.Messages), err)
			}
			if i == 0 {
				first = out.Messages[0]
			}
		}
		dpWantCounts(e, q, [3]int{1, queue.MaxInFlight, 0})

		for _, max := range []int{1, 10} {
			out, err := q.ReceiveMessage(e.ctx, queue.ReceiveMessageInput{MaxNumberOfMessages: new(max)})
			wantErr(t, err, queue.ErrOverLimit, "Too many messages have been received without being deleted.\n"+
				"Please delete your received messages or let them timeout before receiving more.")
			if got := dpErr(t, err).HTTPStatus; got != 403 {
				t.Fatalf("HTTPStatus = %v, want %v", got, 403)
			}
			if out.Messages != nil {
				t.Fatalf("got %d messages with OverLimit, want none", len(out.Messages))
			}
		}

		// A long poll at the limit waits instead of failing.
		start := e.clock.Now()
		poll := dpStartPoll(e.ctx, q, queue.ReceiveMessageInput{WaitTimeSeconds: new(20 * time.Second)})
		dpBlocked(t, poll, "at the limit")
		if _, err := q.DeleteMessage(e.ctx, queue.DeleteMessageInput{ReceiptHandle: first.ReceiptHandle}); err != nil {
			t.Fatal(err)
		}
		r := dpReturned(t, poll, "after a deletion made room")
		if r.err != nil || len(r.out.Messages) != 1 || r.out.Messages[0].Body != "last" {
			t.Fatalf("long poll returned %v, error %v; want the message %q", r.out.Messages, r.err, "last")
		}
		if now := e.clock.Now(); !now.Equal(start) {
			t.Fatalf("clock at %v, want %v: the poll must return on the deletion", now, start)
		}
		dpWantCounts(e, q, [3]int{0, queue.MaxInFlight, 0})

		// At the limit again with nothing deleted, a long poll ends empty.
		e.send(q, "more")
		poll = dpStartPoll(e.ctx, q, queue.ReceiveMessageInput{WaitTimeSeconds: new(time.Second)})
		dpBlocked(t, poll, "at the limit again")
		dpAdvance(e, time.Second)
		if r := dpReturned(t, poll, "after its wait time"); r.err != nil || r.out.Messages != nil {
			t.Fatalf("long poll at the limit returned %d messages, error %v; want none", len(r.out.Messages), r.err)
		}
	})
}

// Checklist 44: the Approximate* counters follow every state change.
func TestReceiveApproximateCounters(t *testing.T) {
	e := newEnv(t)
	q := e.create("q", queue.Attributes{})
	steps := []struct {
		name string
		do   func()
		want [3]int
	}{
		{"send 6", func() {
			for range 6 {
				e.send(q, "b")
			}
		}, [3]int{6, 0, 0}},
		{"receive 1", func() { e.receive(q, 1) }, [3]int{5, 1, 0}},
		{"send 1 delayed", func() {
			dpSend(e, q, queue.SendMessageInput{MessageBody: "d", DelaySeconds: new(45 * time.Second)})
		}, [3]int{5, 1, 1}},
		{"visibility timeout ends", func() { e.clock.Add(queue.DefaultVisibilityTimeout) }, [3]int{6, 0, 1}},
		{"delay ends", func() { e.clock.Add(15 * time.Second) }, [3]int{7, 0, 0}},
		{"receive 3 and delete 1", func() {
			m := e.receive(q, 3)
			if err := dpDelete(e, q, m[0].ReceiptHandle); err != nil {
				e.t.Fatal(err)
			}
		}, [3]int{4, 2, 0}},
	}
	for _, s := range steps {
		s.do()
		if got := dpCounts(e, q); got != s.want {
			t.Fatalf("after %s: counts (visible, not visible, delayed) = %v, want %v", s.name, got, s.want)
		}
	}
}
