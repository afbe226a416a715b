package queue_test

import (
	"fmt"
	"reflect"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/sluicehq/sluice/queue"
)

// dpIDs returns n distinct valid batch entry ids.
func dpIDs(n int) []string {
	ids := make([]string, n)
	for i := range ids {
		ids[i] = "e" + strconv.Itoa(i)
	}
	return ids
}

// dpBatch calls one batch operation with one entry per id; the entries are
// valid but for their ids.
func dpBatch(e *env, q *queue.Queue, op string, ids []string) error {
	var err error
	switch op {
	case "SendMessageBatch":
		in := queue.SendMessageBatchInput{}
		for _, id := range ids {
			in.Entries = append(in.Entries, queue.SendMessageBatchRequestEntry{Id: id, MessageBody: "b"})
		}
		_, err = q.SendMessageBatch(e.ctx, in)
	case "DeleteMessageBatch":
		in := queue.DeleteMessageBatchInput{}
		for _, id := range ids {
			in.Entries = append(in.Entries, queue.DeleteMessageBatchRequestEntry{Id: id, ReceiptHandle: "h"})
		}
		_, err = q.DeleteMessageBatch(e.ctx, in)
	case "ChangeMessageVisibilityBatch":
		in := queue.ChangeMessageVisibilityBatchInput{}
		for _, id := range ids {
			in.Entries = append(in.Entries, queue.ChangeMessageVisibilityBatchRequestEntry{Id: id, ReceiptHandle: "h"})
		}
		_, err = q.ChangeMessageVisibilityBatch(e.ctx, in)
	default:
		e.t.Fatalf("unknown operation %s", op)
	}
	return err
}

const dpBadID = "A batch entry id can only contain alphanumeric characters, hyphens and underscores. It can be at most 80 letters long."

// Checklist 41: faults of the whole request.
func TestBatchRequestValidation(t *testing.T) {
	tests := []struct {
		name     string
		ids      []string
		sentinel *queue.Error // nil: accepted
		msg      string       // %s is the operation's entry type; checked for SendMessageBatch only where AWS's text is unrecorded
	}{
		{"no entries", nil, queue.ErrEmptyBatchRequest, "There should be at least one %s in the request."},
		{"11 entries", dpIDs(11), queue.ErrTooManyEntriesInBatchRequest, "Maximum number of entries per request are 10. You have sent 11."},
		{"20 entries", dpIDs(20), queue.ErrTooManyEntriesInBatchRequest, "Maximum number of entries per request are 10. You have sent 20."},
		{"duplicate ids", []string{"a", "x", "b", "x"}, queue.ErrBatchEntryIdsNotDistinct, "Id x repeated."},
		{"id with colon", []string{"ok", "invalid:id"}, queue.ErrInvalidBatchEntryId, dpBadID},
		{"id with space", []string{"a b"}, queue.ErrInvalidBatchEntryId, dpBadID},
		{"id of 81 characters", []string{strings.Repeat("a", 81)}, queue.ErrInvalidBatchEntryId, dpBadID},
		{"id of 80 characters", []string{strings.Repeat("a", 80)}, nil, ""},
		{"ids of every allowed character", []string{"azAZ09-_"}, nil, ""},
		{"10 entries", dpIDs(10), nil, ""},
	}
	ops := []struct{ name, entry string }{
		{"SendMessageBatch", "SendMessageBatchRequestEntry"},
		{"DeleteMessageBatch", "DeleteMessageBatchRequestEntry"},
		{"ChangeMessageVisibilityBatch", "ChangeMessageVisibilityBatchRequestEntry"},
	}
	for _, tt := range tests {
		for _, op := range ops {
			t.Run(tt.name+"/"+op.name, func(t *testing.T) {
				e := newEnv(t)
				q := e.create("q", queue.Attributes{})
				err := dpBatch(e, q, op.name, tt.ids)
				if tt.sentinel == nil {
					if err != nil {
						t.Fatalf("%s: got %v, want success", op.name, err)
					}
					return
				}
				msg := tt.msg
				if strings.Contains(msg, "%s") {
					msg = fmt.Sprintf(msg, op.entry)
				}
				wantErr(t, err, tt.sentinel, msg)
				if got := dpErr(t, err).HTTPStatus; got != 400 {
					t.Fatalf("HTTPStatus = %v, want %v", got, 400)
				}
				dpWantCounts(e, q, [3]int{0, 0, 0}) // nothing sent
			})
		}
	}
}

func TestSendMessageBatchTooLong(t *testing.T) {
	const max = queue.MaxMessageSize
	attr := map[string]queue.MessageAttributeValue{"a": dpStr("b")} // 8 bytes
	tests := []struct {
		name    string
		entries []queue.SendMessageBatchRequestEntry
		total   int // bytes; over max fails the whole call
	}{
		{"two halves", []queue.SendMessageBatchRequestEntry{
			{Id: "a", MessageBody: strings.Repeat("a", max/2)},
			{Id: "b", MessageBody: strings.Repeat("b", max/2)},
		}, max},
		{"one byte over", []queue.SendMessageBatchRequestEntry{
			{Id: "a", MessageBody: strings.Repeat("a", max/2)},
			{Id: "b", MessageBody: strings.Repeat("b", max/2+1)},
		}, max + 1},
		{"UTF-8 bytes count", []queue.SendMessageBatchRequestEntry{
			{Id: "a", MessageBody: strings.Repeat("é", max/4)},
			{Id: "b", MessageBody: strings.Repeat("é", max/4) + "x"},
		}, max + 1},
		{"attributes count", []queue.SendMessageBatchRequestEntry{
			{Id: "a", MessageBody: strings.Repeat("a", max/2), MessageAttributes: attr},
			{Id: "b", MessageBody: strings.Repeat("b", max/2-7)},
		}, max + 1},
		{"attributes fill it", []queue.SendMessageBatchRequestEntry{
			{Id: "a", MessageBody: strings.Repeat("a", max/2), MessageAttributes: attr},
			{Id: "b", MessageBody: strings.Repeat("b", max/2-8)},
		}, max},
		{"ten small ones", func() []queue.SendMessageBatchRequestEntry {
			var es []queue.SendMessageBatchRequestEntry
			for i, id := range dpIDs(10) {
				n := max / 10
				if i == 0 {
					n += max%10 + 1
				}
				es = append(es, queue.SendMessageBatchRequestEntry{Id: id, MessageBody: strings.Repeat("x", n)})
			}
			return es
		}(), max + 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newEnv(t)
			q := e.create("q", queue.Attributes{})
			out, err := q.SendMessageBatch(e.ctx, queue.SendMessageBatchInput{Entries: tt.entries})
			if tt.total <= max {
				if err != nil || len(out.Successful) != len(tt.entries) || len(out.Failed) != 0 {
					t.Fatalf("got %d sent, %d failed, error %v; want all sent", len(out.Successful), len(out.Failed), err)
				}
				dpWantCounts(e, q, [3]int{len(tt.entries), 0, 0})
				return
			}
			wantErr(t, err, queue.ErrBatchRequestTooLong,
				fmt.Sprintf("Batch requests cannot be longer than 1048576 bytes. You have sent %d bytes.", tt.total))
			if out.Successful != nil || out.Failed != nil {
				t.Fatalf("got output %d/%d with the error, want none", len(out.Successful), len(out.Failed))
			}
			dpWantCounts(e, q, [3]int{0, 0, 0})
		})
	}
}

// Checklist 10 and per-entry faults: only the bad entry fails, the others
// are sent, in entry order.
func TestSendMessageBatchEntryFailures(t *testing.T) {
	tests := []struct {
		name   string
		bad    queue.SendMessageBatchRequestEntry // Id is set by the test
		code   string
		msg    string
		maxLen *int // the queue's MaximumMessageSize
	}{
		{"U+0000 in the body", queue.SendMessageBatchRequestEntry{MessageBody: "a\x00b"},
			"InvalidMessageContents", dpInvalidContents("0"), nil},
		{"U+FFFE in the body", queue.SendMessageBatchRequestEntry{MessageBody: "\uFFFE"},
			"InvalidMessageContents", dpInvalidContents("FFFE"), nil},
		{"empty body", queue.SendMessageBatchRequestEntry{MessageBody: ""},
			"EmptyValue", "", nil},
		{"over the queue's MaximumMessageSize", queue.SendMessageBatchRequestEntry{MessageBody: strings.Repeat("a", 1025)},
			"InvalidParameterValue", "One or more parameters cannot be validated. Reason: Message must be shorter than 1024 bytes.", new(1024)},
		{"attributes take it over the queue's MaximumMessageSize", queue.SendMessageBatchRequestEntry{MessageBody: strings.Repeat("a", 1017),
			MessageAttributes: map[string]queue.MessageAttributeValue{"a": dpStr("b")}},
			"InvalidParameterValue", "One or more parameters cannot be validated. Reason: Message must be shorter than 1024 bytes.", new(1024)},
		{"reserved attribute name", queue.SendMessageBatchRequestEntry{MessageBody: "b",
			MessageAttributes: map[string]queue.MessageAttributeValue{"AWS.x": dpStr("v")}},
			"InvalidParameterValue", dpReservedName, nil},
		{"DelaySeconds 901", queue.SendMessageBatchRequestEntry{MessageBody: "b", DelaySeconds: new(901 * time.Second)},
			"InvalidParameterValue", "Value 901 for parameter DelaySeconds is invalid. Reason: DelaySeconds must be >= 0 and <= 900.", nil},
		{"MessageDeduplicationId on standard", queue.SendMessageBatchRequestEntry{MessageBody: "b", MessageDeduplicationId: "d"},
			"InvalidParameterValue", "Value d for parameter MessageDeduplicationId is invalid. Reason: The request include parameter that is not valid for this queue type.", nil},
	}
	for _, tt := range tests {
		for _, badAt := range []int{0, 3, 9} {
			t.Run(fmt.Sprintf("%s/entry %d", tt.name, badAt), func(t *testing.T) {
				e := newEnv(t)
				q := e.create("q", queue.Attributes{MaximumMessageSize: tt.maxLen})
				var entries []queue.SendMessageBatchRequestEntry
				var wantIDs, wantBodies []string
				for i, id := range dpIDs(10) {
					if i == badAt {
						bad := tt.bad
						bad.Id = id
						entries = append(entries, bad)
						continue
					}
					body := "body " + id
					entries = append(entries, queue.SendMessageBatchRequestEntry{Id: id, MessageBody: body})
					wantIDs, wantBodies = append(wantIDs, id), append(wantBodies, body)
				}
				out, err := q.SendMessageBatch(e.ctx, queue.SendMessageBatchInput{Entries: entries})
				if err != nil {
					t.Fatalf("SendMessageBatch: got %v, want success with one failed entry", err)
				}
				if len(out.Failed) != 1 {
					t.Fatalf("Failed = %+v, want one entry", out.Failed)
				}
				f := out.Failed[0]
				if f.Id != entries[badAt].Id || f.Code != tt.code || !f.SenderFault || (tt.msg != "" && f.Message != tt.msg) {
					t.Fatalf("Failed[0] = %+v, want Id %s, Code %s, SenderFault true, Message %q", f, entries[badAt].Id, tt.code, tt.msg)
				}
				var gotIDs []string
				for _, s := range out.Successful {
					gotIDs = append(gotIDs, s.Id)
					if want := dpMD5("body " + s.Id); s.MD5OfMessageBody != want {
						t.Fatalf("entry %s: MD5OfMessageBody = %v, want %v", s.Id, s.MD5OfMessageBody, want)
					}
				}
				if !reflect.DeepEqual(gotIDs, wantIDs) {
					t.Fatalf("Successful ids = %v, want %v", gotIDs, wantIDs)
				}
				var gotBodies []string
				for _, m := range e.receive(q, 10) {
					gotBodies = append(gotBodies, m.Body)
				}
				if !reflect.DeepEqual(gotBodies, wantBodies) {
					t.Fatalf("received %v, want %v", gotBodies, wantBodies)
				}
			})
		}
	}
}

func TestSendMessageBatchOutputs(t *testing.T) {
	e := newEnv(t)
	q := e.create("q", queue.Attributes{})
	vectors := dpLoadVectors(t).MessageAttributes
	var entries []queue.SendMessageBatchRequestEntry
	for i, v := range vectors {
		entries = append(entries, queue.SendMessageBatchRequestEntry{
			Id: "v" + strconv.Itoa(i), MessageBody: v.Name, MessageAttributes: v.Attributes,
			MessageSystemAttributes: map[string]queue.MessageAttributeValue{"AWSTraceHeader": dpStr(dpTrace)},
		})
	}
	entries = append(entries,
		queue.SendMessageBatchRequestEntry{Id: "plain", MessageBody: "plain"},
		queue.SendMessageBatchRequestEntry{Id: "delayed", MessageBody: "delayed", DelaySeconds: new(time.Minute)})
	out, err := q.SendMessageBatch(e.ctx, queue.SendMessageBatchInput{Entries: entries})
	if err != nil || len(out.Failed) != 0 || len(out.Successful) != len(entries) {
		t.Fatalf("got %d sent, failed %+v, error %v; want all %d sent", len(out.Successful), out.Failed, err, len(entries))
	}
	ids := map[string]string{} // MessageId -> body
	for i, s := range out.Successful {
		en := entries[i]
		wantAttr, wantSys := "", ""
		if i < len(vectors) {
			wantAttr, wantSys = vectors[i].MD5, dpTraceMD5
		}
		got := []string{s.Id, s.MD5OfMessageBody, s.MD5OfMessageAttributes, s.MD5OfMessageSystemAttributes}
		want := []string{en.Id, dpMD5(en.MessageBody), wantAttr, wantSys}
		if !reflect.DeepEqual(got, want) {
			t.Fatalf("Successful[%d] (Id, MD5s) = %v, want %v", i, got, want)
		}
		if _, dup := ids[s.MessageId]; dup || s.MessageId == "" {
			t.Fatalf("MessageId %q empty or repeated", s.MessageId)
		}
		ids[s.MessageId] = en.MessageBody
	}
	dpWantCounts(e, q, [3]int{len(entries) - 1, 0, 1})
	e.clock.Add(time.Minute)
	msgs := dpRecv(e, q, queue.ReceiveMessageInput{MaxNumberOfMessages: new(10), MessageAttributeNames: []string{"All"}})
	if len(msgs) != len(entries) {
		t.Fatalf("received %d messages, want %d", len(msgs), len(entries))
	}
	for i, m := range msgs {
		if ids[m.MessageId] != m.Body || m.Body != entries[i].MessageBody {
			t.Fatalf("message %d: id %s body %q, want body %q", i, m.MessageId, m.Body, entries[i].MessageBody)
		}
		if want := out.Successful[i].MD5OfMessageAttributes; m.MD5OfMessageAttributes != want {
			t.Fatalf("message %d: MD5OfMessageAttributes = %q, want %q", i, m.MD5OfMessageAttributes, want)
		}
	}
}

func TestDeleteMessageBatch(t *testing.T) {
	e := newEnv(t)
	q := e.create("q", queue.Attributes{})
	other := e.create("other", queue.Attributes{})
	for _, b := range []string{"live", "deleted", "superseded", "kept"} {
		e.send(q, b)
	}
	e.send(other, "x")
	foreign := dpRecvOne(e, other, nil).ReceiptHandle
	h := map[string]string{}
	for _, m := range dpRecv(e, q, queue.ReceiveMessageInput{MaxNumberOfMessages: new(10), VisibilityTimeout: new(time.Duration(0))}) {
		h[m.Body] = m.ReceiptHandle // superseded below
	}
	if err := dpDelete(e, q, h["deleted"]); err != nil {
		t.Fatal(err)
	}
	for _, m := range e.receive(q, 10) {
		if m.Body != "superseded" {
			h[m.Body] = m.ReceiptHandle
		}
	}
	dpWantCounts(e, q, [3]int{0, 3, 0})

	out, err := q.DeleteMessageBatch(e.ctx, queue.DeleteMessageBatchInput{Entries: []queue.DeleteMessageBatchRequestEntry{
		{Id: "live", ReceiptHandle: h["live"]},
		{Id: "garbage", ReceiptHandle: "garbage"},
		{Id: "deleted", ReceiptHandle: h["deleted"]},
		{Id: "superseded", ReceiptHandle: h["superseded"]},
		{Id: "foreign", ReceiptHandle: foreign},
	}})
	if err != nil {
		t.Fatalf("DeleteMessageBatch: got %v, want success", err)
	}
	var okIDs []string
	for _, s := range out.Successful {
		okIDs = append(okIDs, s.Id)
	}
	if want := []string{"live", "deleted", "superseded"}; !reflect.DeepEqual(okIDs, want) {
		t.Fatalf("Successful = %v, want %v", okIDs, want)
	}
	if len(out.Failed) != 2 {
		t.Fatalf("Failed = %+v, want 2 entries", out.Failed)
	}
	for i, id := range []string{"garbage", "foreign"} {
		// AWS's per-entry text is not recorded; the code and fault are.
		if f := out.Failed[i]; f.Id != id || f.Code != "ReceiptHandleIsInvalid" || !f.SenderFault {
			t.Fatalf("Failed[%d] = %+v, want Id %s, Code ReceiptHandleIsInvalid, SenderFault true", i, f, id)
		}
	}
	dpWantCounts(e, q, [3]int{0, 1, 0}) // only "kept"
	e.clock.Add(time.Hour)
	if got := e.receive(q, 10); len(got) != 1 || got[0].Body != "kept" {
		t.Fatalf("received %v, want only %q", got, "kept")
	}
	dpWantCounts(e, other, [3]int{1, 0, 0}) // the foreign handle deleted nothing
}

func TestChangeMessageVisibilityBatch(t *testing.T) {
	e := newEnv(t)
	q := e.create("q", queue.Attributes{})
	for _, b := range []string{"show", "hide", "deleted", "toolong"} {
		e.send(q, b)
	}
	h := map[string]string{}
	for _, m := range dpRecv(e, q, queue.ReceiveMessageInput{MaxNumberOfMessages: new(10), VisibilityTimeout: new(10 * time.Second)}) {
		h[m.Body] = m.ReceiptHandle
	}
	if err := dpDelete(e, q, h["deleted"]); err != nil {
		t.Fatal(err)
	}
	out, err := q.ChangeMessageVisibilityBatch(e.ctx, queue.ChangeMessageVisibilityBatchInput{
		Entries: []queue.ChangeMessageVisibilityBatchRequestEntry{
			{Id: "show", ReceiptHandle: h["show"], VisibilityTimeout: 0},
			{Id: "garbage", ReceiptHandle: "garbage", VisibilityTimeout: time.Minute},
			{Id: "hide", ReceiptHandle: h["hide"], VisibilityTimeout: time.Minute},
			{Id: "deleted", ReceiptHandle: h["deleted"], VisibilityTimeout: time.Minute},
			{Id: "toolong", ReceiptHandle: h["toolong"], VisibilityTimeout: 43201 * time.Second},
		}})
	if err != nil {
		t.Fatalf("ChangeMessageVisibilityBatch: got %v, want success", err)
	}
	var okIDs []string
	for _, s := range out.Successful {
		okIDs = append(okIDs, s.Id)
	}
	if want := []string{"show", "hide"}; !reflect.DeepEqual(okIDs, want) {
		t.Fatalf("Successful = %v, want %v", okIDs, want)
	}
	want := []queue.BatchResultErrorEntry{
		{Id: "garbage", SenderFault: true, Code: "ReceiptHandleIsInvalid",
			Message: `The input receipt handle "garbage" is not a valid receipt handle.`},
		{Id: "deleted", SenderFault: true, Code: "InvalidParameterValue", Message: "Value " + h["deleted"] +
			" for parameter ReceiptHandle is invalid. Reason: Message does not exist or is not available for visibility timeout change."},
		{Id: "toolong", SenderFault: true, Code: "InvalidParameterValue", Message: dpBeyondLimit(43201)},
	}
	if !reflect.DeepEqual(out.Failed, want) {
		t.Fatalf("Failed = %+v, want %+v", out.Failed, want)
	}
	// "show" is visible at once; "toolong" keeps its 10 s; "hide" is hidden 60 s.
	hold := queue.ReceiveMessageInput{MaxNumberOfMessages: new(10), VisibilityTimeout: new(time.Hour)}
	for _, step := range []struct {
		advance time.Duration
		want    string
	}{{0, "show"}, {10 * time.Second, "toolong"}, {50 * time.Second, "hide"}} {
		e.clock.Add(step.advance)
		if got := dpRecv(e, q, hold); len(got) != 1 || got[0].Body != step.want {
			t.Fatalf("received %v after %v more, want only %q", got, step.advance, step.want)
		}
	}
}
