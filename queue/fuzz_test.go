package queue_test

import (
	"context"
	"crypto/md5"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"math/rand/v2"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/sluicehq/sluice/internal/clock"
	"github.com/sluicehq/sluice/queue"
)

// fzNewEnv is newEnv without setting the mock clock, which pauses for a real
// millisecond: fuzzing runs thousands of inputs a second.
func fzNewEnv(t *testing.T) *env {
	mock := clock.NewMock()
	svc := queue.New(queue.WithClock(mock))
	t.Cleanup(func() { svc.Close() })
	return &env{t: t, ctx: context.Background(), clock: mock, svc: svc}
}

// ---------------------------------------------------------------------------
// (a) Receipt handles.

// fzHandles is a queue in a known state: three messages received twice (so
// each has a stale and a current handle), in flight; one delayed, never
// received; and handles issued by another queue of the same service. The
// service's randomness is fixed, so every fixture issues the same handles
// and the seed corpus can hold real ones.
type fzHandles struct {
	ctx     context.Context
	q       *queue.Queue
	issued  map[string]string // handle -> MessageId, every handle q issued
	order   []string          // the issued handles, in issue order
	foreign []string          // handles issued by the other queue
}

func newFZHandles(tb testing.TB) *fzHandles {
	tb.Helper()
	// The mock clock stays at its start: Set would pause for a real
	// millisecond, which slows fuzzing down a thousandfold.
	svc := queue.New(queue.WithClock(clock.NewMock()), queue.WithRand(rand.NewPCG(11, 12)))
	tb.Cleanup(func() { svc.Close() })
	fx := &fzHandles{ctx: context.Background(), issued: map[string]string{}}
	mustQueue := func(name string) *queue.Queue {
		q, err := svc.CreateQueue(fx.ctx, queue.CreateQueueInput{QueueName: name})
		if err != nil {
			tb.Fatalf("CreateQueue(%s): %v", name, err)
		}
		return q
	}
	receive := func(q *queue.Queue, vis time.Duration, want int) []queue.Message {
		out, err := q.ReceiveMessage(fx.ctx, queue.ReceiveMessageInput{
			MaxNumberOfMessages: new(10), VisibilityTimeout: &vis, WaitTimeSeconds: new(time.Duration(0)),
		})
		if err != nil || len(out.Messages) != want {
			tb.Fatalf("ReceiveMessage = %d messages, %v; want %d", len(out.Messages), err, want)
		}
		return out.Messages
	}
	fx.q = mustQueue("fz-handles")
	other := mustQueue("fz-other")
	for i := range 3 {
		if _, err := fx.q.SendMessage(fx.ctx, queue.SendMessageInput{MessageBody: fmt.Sprint("m", i)}); err != nil {
			tb.Fatal(err)
		}
	}
	if _, err := fx.q.SendMessage(fx.ctx, queue.SendMessageInput{MessageBody: "later", DelaySeconds: new(time.Minute)}); err != nil {
		tb.Fatal(err)
	}
	if _, err := other.SendMessage(fx.ctx, queue.SendMessageInput{MessageBody: "elsewhere"}); err != nil {
		tb.Fatal(err)
	}
	// Visibility 0 makes the messages visible again at once, so the second
	// receive takes them again and the first handles are stale.
	for _, vis := range []time.Duration{0, 30 * time.Second} {
		for _, m := range receive(fx.q, vis, 3) {
			fx.issued[m.ReceiptHandle] = m.MessageId
			fx.order = append(fx.order, m.ReceiptHandle)
		}
	}
	for _, m := range receive(other, time.Minute, 1) {
		fx.foreign = append(fx.foreign, m.ReceiptHandle)
	}
	return fx
}

// counts returns visible, in-flight and delayed counts.
func (fx *fzHandles) counts(t *testing.T) [3]string {
	t.Helper()
	out, err := fx.q.GetQueueAttributes(fx.ctx, queue.GetQueueAttributesInput{AttributeNames: []queue.AttributeName{queue.AttributeAll}})
	if err != nil {
		t.Fatalf("GetQueueAttributes: %v", err)
	}
	a := out.Attributes
	return [3]string{a[queue.AttributeApproximateNumberOfMessages], a[queue.AttributeApproximateNumberOfMessagesNotVisible],
		a[queue.AttributeApproximateNumberOfMessagesDelayed]}
}

// fzMutations returns h changed one character at a time: each position set
// to the character whose 6-bit value differs in the lowest bit, the last
// position (whose two lowest bits are padding) to all three such
// characters, a few positions to characters outside the URL alphabet; and h
// cut short, lengthened and wrapped in whitespace. TestReceiptHandleMutations
// tries every byte at every position.
func fzMutations(h string) []string {
	const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
	var out []string
	set := func(i int, c byte) {
		b := []byte(h)
		b[i] = c
		out = append(out, string(b))
	}
	for i := range len(h) {
		v := strings.IndexByte(alphabet, h[i])
		set(i, alphabet[v^1])
	}
	last := len(h) - 1
	v := strings.IndexByte(alphabet, h[last])
	set(last, alphabet[v^2])
	set(last, alphabet[v^3])
	for _, i := range []int{0, 1, last / 2, last} {
		for _, c := range []byte{'+', '/', '=', '\n', 0, 0xff} {
			set(i, c)
		}
	}
	return append(out, h[:last], h[1:], h+"A", h+"=", h+"\n", " "+h, strings.ToUpper(h), h+h)
}

// FuzzReceiptHandle feeds arbitrary strings to ChangeMessageVisibility,
// DeleteMessage and DeleteMessageBatch. A handle the queue issued works;
// anything else is ReceiptHandleIsInvalid and changes nothing.
func FuzzReceiptHandle(f *testing.F) {
	a, b := newFZHandles(f), newFZHandles(f)
	if !slices.Equal(a.order, b.order) {
		f.Fatalf("fixtures issue different handles: %q vs %q", a.order, b.order)
	}
	for _, s := range []string{"", "garbage", "AQ", strings.Repeat("A", 39), strings.Repeat("_", 39), strings.Repeat("A", 40)} {
		f.Add(s)
	}
	for _, h := range append(a.order, a.foreign...) {
		f.Add(h)
	}
	for _, m := range fzMutations(a.order[len(a.order)-1]) {
		f.Add(m)
	}
	f.Fuzz(func(t *testing.T, h string) {
		if h == "" {
			return // MissingParameter, not a malformed handle: TestEmptyReceiptHandle
		}
		fx := newFZHandles(t)
		_, issued := fx.issued[h]
		before := fx.counts(t) // 0 visible, 3 in flight, 1 delayed
		wantInvalid := func(op string, err error) {
			t.Helper()
			var qe *queue.Error
			if !errors.As(err, &qe) || !errors.Is(err, queue.ErrReceiptHandleIsInvalid) {
				t.Fatalf("%s(%q) = %v, want ReceiptHandleIsInvalid", op, h, err)
			}
			if want := fmt.Sprintf("The input receipt handle \"%s\" is not a valid receipt handle.", h); qe.Message != want {
				t.Fatalf("%s(%q) message %q, want %q", op, h, qe.Message, want)
			}
			if after := fx.counts(t); after != before {
				t.Fatalf("%s(%q) was rejected but counts went from %v to %v", op, h, before, after)
			}
		}

		_, err := fx.q.ChangeMessageVisibility(fx.ctx, queue.ChangeMessageVisibilityInput{ReceiptHandle: h, VisibilityTimeout: time.Minute})
		if issued {
			if err != nil {
				t.Fatalf("ChangeMessageVisibility with issued handle %q: %v", h, err)
			}
		} else {
			wantInvalid("ChangeMessageVisibility", err)
		}
		if after := fx.counts(t); after != before {
			t.Fatalf("ChangeMessageVisibility(%q) changed counts from %v to %v", h, before, after)
		}

		batch, err := fx.q.DeleteMessageBatch(fx.ctx, queue.DeleteMessageBatchInput{Entries: []queue.DeleteMessageBatchRequestEntry{
			{Id: "x", ReceiptHandle: h},
		}})
		switch {
		case err != nil:
			t.Fatalf("DeleteMessageBatch(%q): %v", h, err)
		case issued && (len(batch.Successful) != 1 || len(batch.Failed) != 0):
			t.Fatalf("DeleteMessageBatch with issued handle %q: %+v", h, batch)
		case !issued && (len(batch.Successful) != 0 || len(batch.Failed) != 1 || batch.Failed[0].Code != "ReceiptHandleIsInvalid"):
			t.Fatalf("DeleteMessageBatch(%q) = %+v, want one ReceiptHandleIsInvalid", h, batch)
		}
		_, err = fx.q.DeleteMessage(fx.ctx, queue.DeleteMessageInput{ReceiptHandle: h})
		if !issued {
			wantInvalid("DeleteMessage", err)
			return
		}
		if err != nil {
			t.Fatalf("DeleteMessage with issued handle %q again: %v", h, err)
		}
		if after, want := fx.counts(t), [3]string{"0", "2", "1"}; after != want {
			t.Fatalf("after deleting with %q counts are %v, want %v", h, after, want)
		}
		// The message is gone: its other handle deletes nothing more, and
		// changing its visibility fails.
		for other, id := range fx.issued {
			if id != fx.issued[h] || other == h {
				continue
			}
			_, err := fx.q.ChangeMessageVisibility(fx.ctx, queue.ChangeMessageVisibilityInput{ReceiptHandle: other})
			if !errors.Is(err, queue.ErrInvalidParameterValue) {
				t.Fatalf("ChangeMessageVisibility on a deleted message = %v, want InvalidParameterValue", err)
			}
			if _, err := fx.q.DeleteMessage(fx.ctx, queue.DeleteMessageInput{ReceiptHandle: other}); err != nil {
				t.Fatalf("DeleteMessage with the other handle of a deleted message: %v", err)
			}
		}
		if after, want := fx.counts(t), [3]string{"0", "2", "1"}; after != want {
			t.Fatalf("after deleting again counts are %v, want %v", after, want)
		}
	})
}

// TestReceiptHandlePaddingBits is the regression test for handles decoded
// leniently: a handle is 29 bytes in 39 base64 characters, so its last
// character carries two padding bits, and the decoder ignored them. Three
// strings the queue never issued then deleted the message of every handle,
// and changed its visibility.
func TestReceiptHandlePaddingBits(t *testing.T) {
	const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
	fx := newFZHandles(t)
	h := fx.order[len(fx.order)-1]
	v := strings.IndexByte(alphabet, h[len(h)-1])
	for _, x := range []int{1, 2, 3} {
		forged := h[:len(h)-1] + string(alphabet[v^x])
		_, err := fx.q.DeleteMessage(fx.ctx, queue.DeleteMessageInput{ReceiptHandle: forged})
		wantErr(t, err, queue.ErrReceiptHandleIsInvalid, "")
		_, err = fx.q.ChangeMessageVisibility(fx.ctx, queue.ChangeMessageVisibilityInput{ReceiptHandle: forged})
		wantErr(t, err, queue.ErrReceiptHandleIsInvalid, "")
	}
	if got, want := fx.counts(t), [3]string{"0", "3", "1"}; got != want {
		t.Fatalf("counts = %v, want %v", got, want)
	}
}

// TestReceiptHandleMutations changes every byte of a valid handle to every
// other value: not one of the strings is a handle.
func TestReceiptHandleMutations(t *testing.T) {
	fx := newFZHandles(t)
	h := fx.order[len(fx.order)-1]
	for i := range len(h) {
		for c := range 256 {
			if byte(c) == h[i] {
				continue
			}
			b := []byte(h)
			b[i] = byte(c)
			if _, err := fx.q.DeleteMessage(fx.ctx, queue.DeleteMessageInput{ReceiptHandle: string(b)}); !errors.Is(err, queue.ErrReceiptHandleIsInvalid) {
				t.Fatalf("DeleteMessage(%q), byte %d of a handle set to %#x: %v, want ReceiptHandleIsInvalid", b, i, c, err)
			}
		}
	}
	if got, want := fx.counts(t), [3]string{"0", "3", "1"}; got != want {
		t.Fatalf("counts = %v, want %v", got, want)
	}
}

// ---------------------------------------------------------------------------
// (b) Message attributes and bodies.

// fzText reports whether SQS allows every character of s: #x9 #xA #xD
// [#x20-#xD7FF] [#xE000-#xFFFD] [#x10000-#x10FFFF], in valid UTF-8.
func fzText(s string) bool {
	if !utf8.ValidString(s) {
		return false
	}
	for _, r := range s {
		ok := r == 0x9 || r == 0xA || r == 0xD || r >= 0x20 && r <= 0xD7FF ||
			r >= 0xE000 && r <= 0xFFFD || r >= 0x10000 && r <= 0x10FFFF
		if !ok {
			return false
		}
	}
	return true
}

var (
	fzNameChars  = regexp.MustCompile(`^[A-Za-z0-9_.-]+$`)
	fzSimpleName = regexp.MustCompile(`^[A-Za-z0-9_-]([A-Za-z0-9_.-]{0,60}[A-Za-z0-9_-])?$`)
	fzNumberLike = regexp.MustCompile(`^[+-]?([0-9]+\.?[0-9]*|\.[0-9]+)([eE][+-]?[0-9]+)?$`)
	fzSimpleNum  = regexp.MustCompile(`^-?[0-9]{1,10}(\.[0-9]{1,10})?$`)
	fzSimpleType = regexp.MustCompile(`^(String|Number|Binary)(\.[A-Za-z0-9]{1,20})?$`)
	fzQueueName  = regexp.MustCompile(`^[A-Za-z0-9_-]{1,80}$`)
)

func fzReservedName(name string) bool {
	l := strings.ToLower(name)
	return strings.HasPrefix(l, "aws.") || strings.HasPrefix(l, "amazon.")
}

// fzAcceptable is what any accepted attribute must satisfy (necessary
// conditions, from the SQS documentation).
func fzAcceptable(name string, v queue.MessageAttributeValue, body string) bool {
	base, _, custom := strings.Cut(v.DataType, ".")
	switch {
	case body == "" || !fzText(body):
		return false
	case name == "" || len(name) > 256 || !fzNameChars.MatchString(name) || fzReservedName(name),
		name[0] == '.' || name[len(name)-1] == '.' || strings.Contains(name, ".."):
		return false
	case len(v.DataType) > 256 || custom && len(v.DataType) == len(base)+1:
		return false
	}
	switch base {
	case "String":
		return v.StringValue != "" && fzText(v.StringValue)
	case "Number":
		return fzNumberLike.MatchString(v.StringValue)
	case "Binary":
		return len(v.BinaryValue) > 0
	}
	return false
}

// fzSurelyValid is a plainly valid attribute, which must be accepted.
func fzSurelyValid(name string, v queue.MessageAttributeValue, body string) bool {
	if body == "" || len(body) > 1000 || !fzText(body) || !fzSimpleName.MatchString(name) || fzReservedName(name) ||
		strings.Contains(name, "..") || !fzSimpleType.MatchString(v.DataType) {
		return false
	}
	switch base, _, _ := strings.Cut(v.DataType, "."); base {
	case "String":
		return v.StringValue != "" && len(v.StringValue) <= 1000 && fzText(v.StringValue)
	case "Number":
		return fzSimpleNum.MatchString(v.StringValue)
	default:
		return len(v.BinaryValue) > 0 && len(v.BinaryValue) <= 1000
	}
}

// fzMD5OfAttributes is AWS's MD5OfMessageAttributes for one attribute:
// length-prefixed name and type, transport byte 1 (string) or 2 (binary),
// length-prefixed value.
func fzMD5OfAttributes(name string, v queue.MessageAttributeValue) string {
	var buf []byte
	put := func(b []byte) {
		buf = binary.BigEndian.AppendUint32(buf, uint32(len(b)))
		buf = append(buf, b...)
	}
	put([]byte(name))
	put([]byte(v.DataType))
	if base, _, _ := strings.Cut(v.DataType, "."); base == "Binary" {
		buf = append(buf, 2)
		put(v.BinaryValue)
	} else {
		buf = append(buf, 1)
		put([]byte(v.StringValue))
	}
	sum := md5.Sum(buf)
	return hex.EncodeToString(sum[:])
}

// FuzzSendMessageAttribute sends a message with one arbitrary attribute. It
// is either rejected with a typed error, changing nothing, or received back
// with the same body, attribute and MD5s that SendMessage reported. A batch
// entry with the same content has the same fate.
func FuzzSendMessageAttribute(f *testing.F) {
	type seed struct {
		name, dataType, str string
		bin                 []byte
		body                string
	}
	for _, s := range []seed{
		{"attr1", "String", "hello", nil, "body"},
		{"a.b-c_d", "String.custom", "é€😀\t\n\r", nil, "b"},
		{"n", "Number", "-1.5e3", nil, "b"},
		{"n", "Number.int", "+00012", nil, "b"},
		{"n", "Number", "1e200", nil, "b"},
		{"n", "Number", "123456789012345678901234567890123456789", nil, "b"},
		{"n", "Number", "abc", nil, "b"},
		{"n", "Number", "", nil, "b"},
		{"n", "Number", ".", nil, "b"},
		{"bin", "Binary", "", []byte{0, 1, 2, 0xff}, "b"},
		{"bin", "Binary.png", "ignored", []byte("x"), "b"},
		{"bin", "Binary", "", nil, "b"},
		{"s", "String", "v", []byte("stray"), "b"},
		{"AWS.x", "String", "v", nil, "b"},
		{"amazon.x", "String", "v", nil, "b"},
		{".x", "String", "v", nil, "b"},
		{"x.", "String", "v", nil, "b"},
		{"a..b", "String", "v", nil, "b"},
		{"a b", "String", "v", nil, "b"},
		{"", "String", "v", nil, "b"},
		{strings.Repeat("a", 255), "String", "v", nil, "b"},
		{strings.Repeat("a", 256), "String", "v", nil, "b"},
		{"x", "", "v", nil, "b"},
		{"x", "String.", "v", nil, "b"},
		{"x", "Strin", "v", nil, "b"},
		{"x", "string", "v", nil, "b"},
		{"x", "String." + strings.Repeat("t", 249), "v", nil, "b"},
		{"x", "String", "", nil, "b"},
		{"x", "String", "\x00", nil, "b"},
		{"x", "String", "\uFFFE", nil, "b"},
		{"x", "String", "\xed\xa0\x80", nil, "b"},
		{"x", "String", "v", nil, ""},
		{"x", "String", "v", nil, "\x01"},
		{"x", "String", "v", nil, "\xff"},
		{"x", "String", "v", nil, "\U0010FFFF"},
	} {
		f.Add(s.name, s.dataType, s.str, s.bin, s.body)
	}
	f.Fuzz(func(t *testing.T, name, dataType, str string, bin []byte, body string) {
		e := fzNewEnv(t)
		q := e.create("fz-attrs", queue.Attributes{})
		v := queue.MessageAttributeValue{DataType: dataType, StringValue: str, BinaryValue: bin}
		attrs := map[string]queue.MessageAttributeValue{name: v}
		out, err := q.SendMessage(e.ctx, queue.SendMessageInput{MessageBody: body, MessageAttributes: attrs})

		batch, berr := q.SendMessageBatch(e.ctx, queue.SendMessageBatchInput{Entries: []queue.SendMessageBatchRequestEntry{
			{Id: "x", MessageBody: body, MessageAttributes: attrs},
		}})
		if berr != nil {
			t.Fatalf("SendMessageBatch: %v", berr)
		}
		if (err == nil) != (len(batch.Successful) == 1) || len(batch.Successful)+len(batch.Failed) != 1 {
			t.Fatalf("SendMessage error %v, but batch entry: %+v", err, batch)
		}

		if err != nil {
			var qe *queue.Error
			if !errors.As(err, &qe) {
				t.Fatalf("SendMessage error %T %v, want *queue.Error", err, err)
			}
			switch qe.Code {
			case "InvalidParameterValue", "MissingParameter", "InvalidMessageContents":
			default:
				t.Fatalf("SendMessage error code %s (%v)", qe.Code, err)
			}
			if fzSurelyValid(name, v, body) {
				t.Fatalf("SendMessage rejected a valid attribute %q %+v: %v", name, v, err)
			}
			if fe := batch.Failed[0]; qe.Code != "MissingParameter" && fe.Code != qe.Code || !fe.SenderFault {
				t.Fatalf("batch entry failed with %+v, SendMessage with %s", fe, qe.Code)
			}
			if n := e.attr(q, queue.AttributeApproximateNumberOfMessages); n != "0" {
				t.Fatalf("rejected sends left %s messages", n)
			}
			return
		}
		if !fzAcceptable(name, v, body) {
			t.Fatalf("SendMessage accepted an invalid attribute %q %+v or body %q", name, v, body)
		}
		wantMD5 := fzMD5OfAttributes(name, v)
		bout := batch.Successful[0].SendMessageOutput
		if out.MD5OfMessageBody != pmMD5(body) || out.MD5OfMessageAttributes != wantMD5 ||
			bout.MD5OfMessageBody != out.MD5OfMessageBody || bout.MD5OfMessageAttributes != wantMD5 {
			t.Fatalf("MD5s: body %s (batch %s), attributes %s (batch %s); want %s, %s", out.MD5OfMessageBody,
				bout.MD5OfMessageBody, out.MD5OfMessageAttributes, bout.MD5OfMessageAttributes, pmMD5(body), wantMD5)
		}

		for i, sel := range [][]string{{"All"}, {name}, {".*"}, {"zz-none"}} {
			r, err := q.ReceiveMessage(e.ctx, queue.ReceiveMessageInput{
				MaxNumberOfMessages: new(10), WaitTimeSeconds: new(time.Duration(0)),
				VisibilityTimeout: new(time.Duration(0)), MessageAttributeNames: sel,
			})
			if err != nil || len(r.Messages) != 2 {
				t.Fatalf("ReceiveMessage = %d messages, %v; want 2", len(r.Messages), err)
			}
			for _, m := range r.Messages {
				if m.Body != body || m.MD5OfBody != out.MD5OfMessageBody {
					t.Fatalf("received body %q md5 %s, want %q md5 %s", m.Body, m.MD5OfBody, body, out.MD5OfMessageBody)
				}
				if i == 3 {
					if m.MessageAttributes != nil || m.MD5OfMessageAttributes != "" {
						t.Fatalf("selection %v returned %v %q", sel, m.MessageAttributes, m.MD5OfMessageAttributes)
					}
					continue
				}
				got, ok := m.MessageAttributes[name]
				if len(m.MessageAttributes) != 1 || !ok || got.DataType != v.DataType || m.MD5OfMessageAttributes != wantMD5 {
					t.Fatalf("selection %v: received %+v md5 %s, want %q %+v md5 %s", sel, m.MessageAttributes,
						m.MD5OfMessageAttributes, name, v, wantMD5)
				}
				if base, _, _ := strings.Cut(v.DataType, "."); base == "Binary" && string(got.BinaryValue) != string(v.BinaryValue) ||
					base != "Binary" && got.StringValue != v.StringValue {
					t.Fatalf("received value %+v, sent %+v", got, v)
				}
			}
		}
	})
}

// ---------------------------------------------------------------------------
// (c) Queue names and attribute values.

// fzQueueAttrs builds Attributes from fuzz input: set picks which fields are
// given, frac adds nanoseconds to the duration that fracAt names.
func fzQueueAttrs(set uint8, delay, retention, wait, vis int64, frac int64, fracAt uint8, maxSize int, policy string) queue.Attributes {
	dur := func(i uint8, secs int64) *time.Duration {
		if set&(1<<i) == 0 {
			return nil
		}
		d := time.Duration(secs) * time.Second
		if fracAt%5 == i {
			d += time.Duration(frac)
		}
		return &d
	}
	a := queue.Attributes{
		DelaySeconds:                  dur(0, delay),
		MessageRetentionPeriod:        dur(1, retention),
		ReceiveMessageWaitTimeSeconds: dur(2, wait),
		VisibilityTimeout:             dur(3, vis),
	}
	if set&(1<<4) != 0 {
		a.MaximumMessageSize = &maxSize
	}
	if set&(1<<5) != 0 {
		a.Policy = &policy
	}
	return a
}

// fzQueueAttrsValid applies the documented ranges; durations in whole seconds.
func fzQueueAttrsValid(a queue.Attributes) bool {
	in := func(d *time.Duration, lo, hi time.Duration) bool {
		return d == nil || *d >= lo && *d <= hi && *d%time.Second == 0
	}
	return in(a.DelaySeconds, 0, 900*time.Second) && in(a.MessageRetentionPeriod, 60*time.Second, 1_209_600*time.Second) &&
		in(a.ReceiveMessageWaitTimeSeconds, 0, 20*time.Second) && in(a.VisibilityTimeout, 0, 43_200*time.Second) &&
		(a.MaximumMessageSize == nil || *a.MaximumMessageSize >= 1024 && *a.MaximumMessageSize <= 1_048_576) &&
		(a.Policy == nil || *a.Policy == "" || json.Valid([]byte(*a.Policy)))
}

// fzWantAttrs is what GetQueueAttributes must show for the given fields.
func fzWantAttrs(a queue.Attributes) map[queue.AttributeName]string {
	want := map[queue.AttributeName]string{}
	secs := func(name queue.AttributeName, d *time.Duration) {
		if d != nil {
			want[name] = strconv.FormatInt(int64(*d/time.Second), 10)
		}
	}
	secs(queue.AttributeDelaySeconds, a.DelaySeconds)
	secs(queue.AttributeMessageRetentionPeriod, a.MessageRetentionPeriod)
	secs(queue.AttributeReceiveMessageWaitTimeSeconds, a.ReceiveMessageWaitTimeSeconds)
	secs(queue.AttributeVisibilityTimeout, a.VisibilityTimeout)
	if a.MaximumMessageSize != nil {
		want[queue.AttributeMaximumMessageSize] = strconv.Itoa(*a.MaximumMessageSize)
	}
	if a.Policy != nil && *a.Policy != "" {
		want[queue.AttributePolicy] = *a.Policy
	}
	return want
}

func fzAllAttrs(t *testing.T, q *queue.Queue) map[queue.AttributeName]string {
	t.Helper()
	out, err := q.GetQueueAttributes(context.Background(), queue.GetQueueAttributesInput{AttributeNames: []queue.AttributeName{queue.AttributeAll}})
	if err != nil {
		t.Fatalf("GetQueueAttributes: %v", err)
	}
	return out.Attributes
}

func fzCheckApplied(t *testing.T, op string, q *queue.Queue, a queue.Attributes) {
	t.Helper()
	got := fzAllAttrs(t, q)
	for name, want := range fzWantAttrs(a) {
		if got[name] != want {
			t.Fatalf("%s: %s = %q, want %q", op, name, got[name], want)
		}
	}
	if a.Policy != nil && *a.Policy == "" {
		if p, ok := got[queue.AttributePolicy]; ok {
			t.Fatalf("%s: empty Policy shown as %q", op, p)
		}
	}
}

func fzWantCode(t *testing.T, op string, err error, code string) {
	t.Helper()
	var qe *queue.Error
	if !errors.As(err, &qe) || qe.Code != code {
		t.Fatalf("%s = %v, want a *queue.Error with code %s", op, err, code)
	}
}

// FuzzQueueAttributes creates a queue with an arbitrary name and attribute
// values, and sets the same values on an existing queue. Valid input is
// applied exactly; anything else is rejected with a typed error and changes
// nothing: no queue is created, no attribute moves.
func FuzzQueueAttributes(f *testing.F) {
	f.Add("jobs", uint8(0x3f), int64(0), int64(60), int64(0), int64(30), int64(0), uint8(0), 1024, "")
	f.Add("a", uint8(0x3f), int64(900), int64(1_209_600), int64(20), int64(43_200), int64(0), uint8(0), 1_048_576, `{"Version":"2012-10-17"}`)
	f.Add(strings.Repeat("q", 80), uint8(0x0f), int64(901), int64(60), int64(0), int64(0), int64(0), uint8(0), 0, "")
	f.Add(strings.Repeat("q", 81), uint8(0), int64(0), int64(0), int64(0), int64(0), int64(0), uint8(0), 0, "")
	f.Add("ok_name-1", uint8(0x02), int64(0), int64(59), int64(0), int64(0), int64(0), uint8(0), 0, "")
	f.Add("ok", uint8(0x04), int64(0), int64(0), int64(21), int64(0), int64(0), uint8(0), 0, "")
	f.Add("ok", uint8(0x08), int64(0), int64(0), int64(0), int64(43_201), int64(0), uint8(0), 0, "")
	f.Add("ok", uint8(0x08), int64(0), int64(0), int64(0), int64(-1), int64(0), uint8(0), 0, "")
	f.Add("ok", uint8(0x08), int64(0), int64(0), int64(0), int64(5), int64(500_000_000), uint8(3), 0, "")
	f.Add("ok", uint8(0x01), int64(1), int64(0), int64(0), int64(0), int64(-1), uint8(0), 0, "")
	f.Add("ok", uint8(0x01), int64(1<<62), int64(0), int64(0), int64(0), int64(0), uint8(0), 0, "")
	f.Add("ok", uint8(0x10), int64(0), int64(0), int64(0), int64(0), int64(0), uint8(0), 1023, "")
	f.Add("ok", uint8(0x10), int64(0), int64(0), int64(0), int64(0), int64(0), uint8(0), 1_048_577, "")
	f.Add("ok", uint8(0x20), int64(0), int64(0), int64(0), int64(0), int64(0), uint8(0), 0, "{")
	f.Add("", uint8(0), int64(0), int64(0), int64(0), int64(0), int64(0), uint8(0), 0, "")
	f.Add("jobs.fifo", uint8(0), int64(0), int64(0), int64(0), int64(0), int64(0), uint8(0), 0, "")
	f.Add("a.b", uint8(0), int64(0), int64(0), int64(0), int64(0), int64(0), uint8(0), 0, "")
	f.Add("jöbs", uint8(0), int64(0), int64(0), int64(0), int64(0), int64(0), uint8(0), 0, "")
	f.Add("a/b", uint8(0), int64(0), int64(0), int64(0), int64(0), int64(0), uint8(0), 0, "")
	f.Fuzz(func(t *testing.T, name string, set uint8, delay, retention, wait, vis, frac int64, fracAt uint8, maxSize int, policy string) {
		a := fzQueueAttrs(set, delay, retention, wait, vis, frac, fracAt, maxSize, policy)
		valid := fzQueueAttrsValid(a)
		nameOK := fzQueueName.MatchString(name)

		e := fzNewEnv(t)
		q, err := e.svc.CreateQueue(e.ctx, queue.CreateQueueInput{QueueName: name, Attributes: a})
		switch {
		case !nameOK:
			fzWantCode(t, fmt.Sprintf("CreateQueue(%q)", name), err, "InvalidParameterValue")
		case !valid:
			fzWantCode(t, fmt.Sprintf("CreateQueue(%q, %s)", name, fzDescribe(a)), err, "InvalidAttributeValue")
		case err != nil:
			t.Fatalf("CreateQueue(%q, %s): %v", name, fzDescribe(a), err)
		default:
			fzCheckApplied(t, "CreateQueue", q, a)
		}
		list, err := e.svc.ListQueues(e.ctx, queue.ListQueuesInput{})
		if err != nil {
			t.Fatalf("ListQueues: %v", err)
		}
		if want := fzB2I(nameOK && valid); len(list.QueueUrls) != want {
			t.Fatalf("after CreateQueue(%q) ListQueues = %q, want %d queues", name, list.QueueUrls, want)
		}

		be := fzNewEnv(t)
		base := be.create("fz-base", queue.Attributes{})
		before := fzAllAttrs(t, base)
		_, err = base.SetQueueAttributes(e.ctx, queue.SetQueueAttributesInput{Attributes: a})
		if !valid {
			fzWantCode(t, fmt.Sprintf("SetQueueAttributes(%s)", fzDescribe(a)), err, "InvalidAttributeValue")
			if after := fzAllAttrs(t, base); !maps.Equal(before, after) {
				t.Fatalf("rejected SetQueueAttributes changed attributes from %v to %v", before, after)
			}
			return
		}
		if err != nil {
			t.Fatalf("SetQueueAttributes(%s): %v", fzDescribe(a), err)
		}
		fzCheckApplied(t, "SetQueueAttributes", base, a)
		// The queue now has these values, so CreateQueue with them returns it.
		if again, err := be.svc.CreateQueue(be.ctx, queue.CreateQueueInput{QueueName: "fz-base", Attributes: a}); err != nil || again != base {
			t.Fatalf("CreateQueue(fz-base, %s) after setting the same values = %v, %v; want the queue", fzDescribe(a), again, err)
		}
	})
}

func fzB2I(b bool) int {
	if b {
		return 1
	}
	return 0
}

func fzDescribe(a queue.Attributes) string {
	var parts []string
	d := func(n string, p *time.Duration) {
		if p != nil {
			parts = append(parts, fmt.Sprintf("%s=%v", n, int64(*p)))
		}
	}
	d("Delay", a.DelaySeconds)
	d("Retention", a.MessageRetentionPeriod)
	d("Wait", a.ReceiveMessageWaitTimeSeconds)
	d("Visibility", a.VisibilityTimeout)
	if a.MaximumMessageSize != nil {
		parts = append(parts, fmt.Sprintf("MaxSize=%d", *a.MaximumMessageSize))
	}
	if a.Policy != nil {
		parts = append(parts, fmt.Sprintf("Policy=%q", *a.Policy))
	}
	return strings.Join(parts, " ")
}
