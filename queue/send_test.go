package queue_test

import (
	"crypto/md5"
	"encoding/hex"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/sluicehq/sluice/queue"
)

// Helpers shared by the data-plane tests (send, md5, receive, long poll,
// visibility, delete, batch). They carry the prefix dp.

// dpTrace is the AWSTraceHeader value of reference §1.4.
const dpTrace = "Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=1"

// dpTraceMD5 is AWS's MD5OfMessageSystemAttributes for dpTrace.
const dpTraceMD5 = "5ae4d5d7636402d80f4eb6d213245a88"

// dpSend sends in or fails the test.
func dpSend(e *env, q *queue.Queue, in queue.SendMessageInput) queue.SendMessageOutput {
	e.t.Helper()
	out, err := q.SendMessage(e.ctx, in)
	if err != nil {
		e.t.Fatalf("SendMessage: %v", err)
	}
	return out
}

// dpRecv receives with in, short-polling unless in sets a wait, or fails the
// test.
func dpRecv(e *env, q *queue.Queue, in queue.ReceiveMessageInput) []queue.Message {
	e.t.Helper()
	if in.WaitTimeSeconds == nil {
		in.WaitTimeSeconds = new(time.Duration(0))
	}
	out, err := q.ReceiveMessage(e.ctx, in)
	if err != nil {
		e.t.Fatalf("ReceiveMessage: %v", err)
	}
	return out.Messages
}

// dpRecvOne short-polls one message with visibility vis (nil: the queue's)
// and fails the test unless exactly one arrives.
func dpRecvOne(e *env, q *queue.Queue, vis *time.Duration) queue.Message {
	e.t.Helper()
	msgs := dpRecv(e, q, queue.ReceiveMessageInput{VisibilityTimeout: vis})
	if len(msgs) != 1 {
		e.t.Fatalf("received %d messages, want 1", len(msgs))
	}
	return msgs[0]
}

// dpCounts returns ApproximateNumberOfMessages, ...NotVisible and ...Delayed.
func dpCounts(e *env, q *queue.Queue) [3]int {
	e.t.Helper()
	out, err := q.GetQueueAttributes(e.ctx, queue.GetQueueAttributesInput{AttributeNames: []queue.AttributeName{
		queue.AttributeApproximateNumberOfMessages,
		queue.AttributeApproximateNumberOfMessagesNotVisible,
		queue.AttributeApproximateNumberOfMessagesDelayed,
	}})
	if err != nil {
		e.t.Fatalf("GetQueueAttributes: %v", err)
	}
	var c [3]int
	for i, name := range []queue.AttributeName{
		queue.AttributeApproximateNumberOfMessages,
		queue.AttributeApproximateNumberOfMessagesNotVisible,
		queue.AttributeApproximateNumberOfMessagesDelayed,
	} {
		n, err := strconv.Atoi(out.Attributes[name])
		if err != nil {
			e.t.Fatalf("%s = %q: %v", name, out.Attributes[name], err)
		}
		c[i] = n
	}
	return c
}

// dpWantCounts fails the test unless the queue's visible, not-visible and
// delayed counts are want.
func dpWantCounts(e *env, q *queue.Queue, want [3]int) {
	e.t.Helper()
	if got := dpCounts(e, q); got != want {
		e.t.Fatalf("counts (visible, not visible, delayed) = %v, want %v", got, want)
	}
}

// dpErr returns err as a *queue.Error, or fails the test.
func dpErr(t *testing.T, err error) *queue.Error {
	t.Helper()
	var qe *queue.Error
	if !errors.As(err, &qe) {
		t.Fatalf("error = %v, want a *queue.Error", err)
	}
	return qe
}

// dpMD5 is the hex MD5 of s.
func dpMD5(s string) string {
	sum := md5.Sum([]byte(s))
	return hex.EncodeToString(sum[:])
}

// dpAttrs makes n String attributes a0..a(n-1).
func dpAttrs(n int) map[string]queue.MessageAttributeValue {
	m := make(map[string]queue.MessageAttributeValue, n)
	for i := range n {
		m[fmt.Sprintf("a%d", i)] = queue.MessageAttributeValue{DataType: "String", StringValue: "v"}
	}
	return m
}

func dpStr(v string) queue.MessageAttributeValue {
	return queue.MessageAttributeValue{DataType: "String", StringValue: v}
}

const dpTooLong = "One or more parameters are invalid. Reason: Message must be shorter than %d bytes."

func TestSendMessageSizeLimit(t *testing.T) {
	const max = queue.MaxMessageSize // 1,048,576
	tests := []struct {
		name  string
		in    queue.SendMessageInput
		valid bool
	}{
		{"body at limit", queue.SendMessageInput{MessageBody: strings.Repeat("a", max)}, true},
		{"body one over", queue.SendMessageInput{MessageBody: strings.Repeat("a", max+1)}, false},
		{"two-byte runes at limit", queue.SendMessageInput{MessageBody: strings.Repeat("é", max/2)}, true},
		// 524,289 characters are far below the limit, 1,048,578 bytes are not.
		{"two-byte runes one over", queue.SendMessageInput{MessageBody: strings.Repeat("é", max/2+1)}, false},
		{"four-byte runes one over", queue.SendMessageInput{MessageBody: strings.Repeat("😀", max/4) + "a"}, false},
		// An attribute counts name + data type + value: "a" + "String" + "b" = 8 bytes.
		{"string attribute fills limit", queue.SendMessageInput{MessageBody: strings.Repeat("a", max-8),
			MessageAttributes: map[string]queue.MessageAttributeValue{"a": dpStr("b")}}, true},
		{"string attribute one over", queue.SendMessageInput{MessageBody: strings.Repeat("a", max-7),
			MessageAttributes: map[string]queue.MessageAttributeValue{"a": dpStr("b")}}, false},
		// "bin" + "Binary" + 3 bytes = 12 bytes.
		{"binary attribute fills limit", queue.SendMessageInput{MessageBody: strings.Repeat("a", max-12),
			MessageAttributes: map[string]queue.MessageAttributeValue{"bin": {DataType: "Binary", BinaryValue: []byte{0, 1, 2}}}}, true},
		{"binary attribute one over", queue.SendMessageInput{MessageBody: strings.Repeat("a", max-11),
			MessageAttributes: map[string]queue.MessageAttributeValue{"bin": {DataType: "Binary", BinaryValue: []byte{0, 1, 2}}}}, false},
		// "n" + "Number.float" + "1.5" = 16 bytes: the custom type suffix counts.
		{"custom type counts", queue.SendMessageInput{MessageBody: strings.Repeat("a", max-15),
			MessageAttributes: map[string]queue.MessageAttributeValue{"n": {DataType: "Number.float", StringValue: "1.5"}}}, false},
		{"trace header not counted", queue.SendMessageInput{MessageBody: strings.Repeat("a", max),
			MessageSystemAttributes: map[string]queue.MessageAttributeValue{"AWSTraceHeader": dpStr(dpTrace)}}, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newEnv(t)
			q := e.create("q", queue.Attributes{})
			_, err := q.SendMessage(e.ctx, tt.in)
			if !tt.valid {
				wantErr(t, err, queue.ErrInvalidParameterValue, fmt.Sprintf(dpTooLong, max))
				dpWantCounts(e, q, [3]int{0, 0, 0})
				return
			}
			if err != nil {
				t.Fatalf("SendMessage: got %v, want success", err)
			}
			m := dpRecvOne(e, q, nil)
			if m.Body != tt.in.MessageBody {
				t.Fatalf("received body of %d bytes, want %d", len(m.Body), len(tt.in.MessageBody))
			}
		})
	}
}

func TestSendMessageLoweredMaximumMessageSize(t *testing.T) {
	tests := []struct {
		name  string
		in    queue.SendMessageInput
		valid bool
	}{
		{"body at 1024", queue.SendMessageInput{MessageBody: strings.Repeat("a", 1024)}, true},
		{"body of 1025", queue.SendMessageInput{MessageBody: strings.Repeat("a", 1025)}, false},
		{"body of 1025 bytes in 513 runes", queue.SendMessageInput{MessageBody: strings.Repeat("é", 512) + "a"}, false},
		{"attribute pushes over", queue.SendMessageInput{MessageBody: strings.Repeat("a", 1017),
			MessageAttributes: map[string]queue.MessageAttributeValue{"a": dpStr("b")}}, false},
		{"attribute fits", queue.SendMessageInput{MessageBody: strings.Repeat("a", 1016),
			MessageAttributes: map[string]queue.MessageAttributeValue{"a": dpStr("b")}}, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newEnv(t)
			q := e.create("q", queue.Attributes{})
			if _, err := q.SetQueueAttributes(e.ctx, queue.SetQueueAttributesInput{
				Attributes: queue.Attributes{MaximumMessageSize: new(1024)}}); err != nil {
				t.Fatalf("SetQueueAttributes: %v", err)
			}
			_, err := q.SendMessage(e.ctx, tt.in)
			if tt.valid {
				if err != nil {
					t.Fatalf("SendMessage: got %v, want success", err)
				}
				dpWantCounts(e, q, [3]int{1, 0, 0})
				return
			}
			wantErr(t, err, queue.ErrInvalidParameterValue, fmt.Sprintf(dpTooLong, 1024))
			dpWantCounts(e, q, [3]int{0, 0, 0})
		})
	}
}

func TestSendMessageEmptyBody(t *testing.T) {
	e := newEnv(t)
	q := e.create("q", queue.Attributes{})
	_, err := q.SendMessage(e.ctx, queue.SendMessageInput{MessageBody: ""})
	wantErr(t, err, queue.ErrMissingParameter, "The request must contain the parameter MessageBody.")
	if got := dpErr(t, err).HTTPStatus; got != 400 {
		t.Fatalf("HTTPStatus = %v, want %v", got, 400)
	}
	dpWantCounts(e, q, [3]int{0, 0, 0})
}

// dpInvalidContents is AWS's InvalidMessageContents text for the character
// #x<hex>.
func dpInvalidContents(hex string) string {
	return "Invalid binary character '#x" + hex + "' was found in the message body, the set of allowed characters is " +
		"#x9 | #xA | #xD | [#x20-#xD7FF] | [#xE000-#xFFFD] | [#x10000-#x10FFFF]."
}

func TestSendMessageInvalidCharacters(t *testing.T) {
	tests := []struct {
		name string
		body string
		hex  string // the character the message names
	}{
		{"U+0000", "\x00", "0"},
		{"U+0001 inside text", "ab\x01cd", "1"},
		{"U+0008", "\b", "8"},
		{"U+001F", "x\x1f", "1F"},
		{"U+FFFE", "ok \uFFFE", "FFFE"},
		{"U+FFFF", "\uFFFF", "FFFF"},
		{"first bad character is named", "a\x02b\x00", "2"},
		// Bytes that are not UTF-8 cannot travel in AWS's JSON or XML at
		// all; sluice names them U+FFFD (the text AWS would give is unknown).
		{"invalid UTF-8 byte", "abc\xff", "FFFD"},
		{"truncated UTF-8 sequence", "\xc3", "FFFD"},
		{"UTF-8 encoded surrogate", "\xed\xa0\x80", "FFFD"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newEnv(t)
			q := e.create("q", queue.Attributes{})
			_, err := q.SendMessage(e.ctx, queue.SendMessageInput{MessageBody: tt.body})
			wantErr(t, err, queue.ErrInvalidMessageContents, dpInvalidContents(tt.hex))
			if got := dpErr(t, err).HTTPStatus; got != 400 {
				t.Fatalf("HTTPStatus = %v, want %v", got, 400)
			}
			dpWantCounts(e, q, [3]int{0, 0, 0})
		})
	}
}

func TestSendMessageAllowedEdgeCharacters(t *testing.T) {
	tests := []struct {
		name string
		body string
	}{
		{"tab", "\t"},
		{"line feed", "\n"},
		{"carriage return", "\r"},
		{"space", " "},
		{"U+D7FF", "\uD7FF"},
		{"U+E000", "\uE000"},
		{"U+FFFD", "\uFFFD"},
		{"U+10000", "\U00010000"},
		{"U+10FFFF", "\U0010FFFF"},
		{"mixed", "a\tb\r\nc \uD7FF\uE000\uFFFD\U0010FFFF é 😀"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newEnv(t)
			q := e.create("q", queue.Attributes{})
			out, err := q.SendMessage(e.ctx, queue.SendMessageInput{MessageBody: tt.body})
			if err != nil {
				t.Fatalf("SendMessage(%q): got %v, want success", tt.body, err)
			}
			if got, want := out.MD5OfMessageBody, dpMD5(tt.body); got != want {
				t.Fatalf("MD5OfMessageBody = %v, want %v", got, want)
			}
			if got := dpRecvOne(e, q, nil).Body; got != tt.body {
				t.Fatalf("received body %q, want %q", got, tt.body)
			}
		})
	}
}

const (
	dpReservedName = "You can't use message attribute names beginning with 'AWS.' or 'Amazon.'. " +
		"These strings are reserved for internal use. Additionally, they cannot start or end with '.'."
	dpBadType = "The type of message (user) attribute '%s' is invalid. You must use only the following supported type prefixes: Binary, Number, String."
)

func TestSendMessageAttributeValidation(t *testing.T) {
	one := func(name string, v queue.MessageAttributeValue) map[string]queue.MessageAttributeValue {
		return map[string]queue.MessageAttributeValue{name: v}
	}
	tests := []struct {
		name  string
		attrs map[string]queue.MessageAttributeValue
		want  string // the error message; empty means the send succeeds
	}{
		{"10 attributes", dpAttrs(10), ""},
		{"11 attributes", dpAttrs(11), "Number of message attributes [11] exceeds the allowed maximum [10]."},
		{"name AWS.x", one("AWS.x", dpStr("v")), dpReservedName},
		{"name aws.x", one("aws.x", dpStr("v")), dpReservedName},
		{"name amazon.x", one("amazon.x", dpStr("v")), dpReservedName},
		{"name Amazon.x", one("Amazon.x", dpStr("v")), dpReservedName},
		{"name .a", one(".a", dpStr("v")), dpReservedName},
		{"name a.", one("a.", dpStr("v")), dpReservedName},
		{"name a..b", one("a..b", dpStr("v")), "Message (user) attribute name must not have successive '.' characters."},
		{"name a b", one("a b", dpStr("v")), "Message (user) attributes name can only contain upper and lower score " +
			"characters, digits, periods, hyphens and underscores. "},
		{"name AWSx (no period) ok", one("AWSx", dpStr("v")), ""},
		{"name a.b-c_D9 ok", one("a.b-c_D9", dpStr("v")), ""},
		{"type Foo", one("a", queue.MessageAttributeValue{DataType: "Foo", StringValue: "v"}), fmt.Sprintf(dpBadType, "a")},
		{"type string (case)", one("a", queue.MessageAttributeValue{DataType: "string", StringValue: "v"}), fmt.Sprintf(dpBadType, "a")},
		{"type String. (empty suffix)", one("a", queue.MessageAttributeValue{DataType: "String.", StringValue: "v"}), fmt.Sprintf(dpBadType, "a")},
		{"type Number.float ok", one("a", queue.MessageAttributeValue{DataType: "Number.float", StringValue: "1.25"}), ""},
		{"type String.json ok", one("a", queue.MessageAttributeValue{DataType: "String.json", StringValue: "{}"}), ""},
		{"type Binary.gz ok", one("a", queue.MessageAttributeValue{DataType: "Binary.gz", BinaryValue: []byte{1}}), ""},
		{"empty StringValue", one("ErrorDetails", dpStr("")),
			"Message (user) attribute 'ErrorDetails' must contain a non-empty value of type 'String'."},
		{"empty Number", one("n", queue.MessageAttributeValue{DataType: "Number"}),
			"Message (user) attribute 'n' must contain a non-empty value of type 'Number'."},
		{"empty Binary", one("b", queue.MessageAttributeValue{DataType: "Binary"}),
			"Message (user) attribute 'b' must contain a non-empty value of type 'Binary'."},
		{"Number not numeric", one("Age", queue.MessageAttributeValue{DataType: "Number", StringValue: "abc"}),
			"Can't cast the value of message (user) attribute 'Age' to a number."},
		{"Number trailing junk", one("Age", queue.MessageAttributeValue{DataType: "Number", StringValue: "12x"}),
			"Can't cast the value of message (user) attribute 'Age' to a number."},
		{"Number ok", one("Age", queue.MessageAttributeValue{DataType: "Number", StringValue: "-1.5e3"}), ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newEnv(t)
			q := e.create("q", queue.Attributes{})
			_, err := q.SendMessage(e.ctx, queue.SendMessageInput{MessageBody: "body", MessageAttributes: tt.attrs})
			if tt.want == "" {
				if err != nil {
					t.Fatalf("SendMessage: got %v, want success", err)
				}
				m := dpRecv(e, q, queue.ReceiveMessageInput{MessageAttributeNames: []string{"All"}})
				if len(m) != 1 || len(m[0].MessageAttributes) != len(tt.attrs) {
					t.Fatalf("received %+v, want one message with %d attributes", m, len(tt.attrs))
				}
				return
			}
			wantErr(t, err, queue.ErrInvalidParameterValue, tt.want)
			dpWantCounts(e, q, [3]int{0, 0, 0})
		})
	}
}

func TestSendMessageDelaySeconds(t *testing.T) {
	tests := []struct {
		name  string
		delay time.Duration
		want  string // error message; empty: accepted
	}{
		{"0", 0, ""},
		{"900", 900 * time.Second, ""},
		{"901", 901 * time.Second, "Value 901 for parameter DelaySeconds is invalid. Reason: DelaySeconds must be >= 0 and <= 900."},
		{"-1", -time.Second, "Value -1 for parameter DelaySeconds is invalid. Reason: DelaySeconds must be >= 0 and <= 900."},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newEnv(t)
			q := e.create("q", queue.Attributes{})
			_, err := q.SendMessage(e.ctx, queue.SendMessageInput{MessageBody: "b", DelaySeconds: new(tt.delay)})
			if tt.want != "" {
				wantErr(t, err, queue.ErrInvalidParameterValue, tt.want)
				dpWantCounts(e, q, [3]int{0, 0, 0})
				return
			}
			if err != nil {
				t.Fatalf("SendMessage: got %v, want success", err)
			}
			want := [3]int{1, 0, 0}
			if tt.delay > 0 {
				want = [3]int{0, 0, 1}
			}
			dpWantCounts(e, q, want)
		})
	}
}

func TestSendMessageDeduplicationIdOnStandard(t *testing.T) {
	e := newEnv(t)
	q := e.create("q", queue.Attributes{})
	_, err := q.SendMessage(e.ctx, queue.SendMessageInput{MessageBody: "b", MessageDeduplicationId: "d1"})
	// Text as a real AWS deployment logged it ("include", as in AWS's
	// DelaySeconds-on-FIFO text); LocalStack says "includes a parameter".
	wantErr(t, err, queue.ErrInvalidParameterValue,
		"Value d1 for parameter MessageDeduplicationId is invalid. Reason: The request include parameter that is not valid for this queue type.")
	dpWantCounts(e, q, [3]int{0, 0, 0})
}

func TestSendMessageGroupIdOnStandard(t *testing.T) {
	tests := []struct {
		name   string
		system []queue.MessageSystemAttributeName
		has    bool // MessageGroupId is returned
	}{
		{"not requested", nil, false},
		{"by name", []queue.MessageSystemAttributeName{queue.SystemAttributeMessageGroupId}, true},
		{"All", []queue.MessageSystemAttributeName{queue.SystemAttributeAll}, true},
		{"other name only", []queue.MessageSystemAttributeName{queue.SystemAttributeSentTimestamp}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newEnv(t)
			q := e.create("q", queue.Attributes{})
			out := dpSend(e, q, queue.SendMessageInput{MessageBody: "b", MessageGroupId: "tenant-1"})
			if out.SequenceNumber != "" {
				t.Fatalf("SequenceNumber = %q, want empty on a standard queue", out.SequenceNumber)
			}
			m := dpRecv(e, q, queue.ReceiveMessageInput{MessageSystemAttributeNames: tt.system})
			if len(m) != 1 {
				t.Fatalf("received %d messages, want 1", len(m))
			}
			got, ok := m[0].Attributes[queue.SystemAttributeMessageGroupId]
			if ok != tt.has || (tt.has && got != "tenant-1") {
				t.Fatalf("MessageGroupId attribute = %q (present %v), want tenant-1 present %v", got, ok, tt.has)
			}
			if _, ok := m[0].Attributes[queue.SystemAttributeSequenceNumber]; ok {
				t.Fatalf("SequenceNumber returned on a standard queue")
			}
		})
	}
}

func TestSendMessageTraceHeader(t *testing.T) {
	trace := map[string]queue.MessageAttributeValue{"AWSTraceHeader": dpStr(dpTrace)}
	attrs := map[string]queue.MessageAttributeValue{"MyAttribute": dpStr("foobar")}
	const attrsMD5 = "adb59cd4678ea5a855436b949cd07ab6" // reference §1.4
	tests := []struct {
		name        string
		attrs       map[string]queue.MessageAttributeValue
		sys         map[string]queue.MessageAttributeValue
		wantAttrMD5 string
		wantSysMD5  string
	}{
		{"trace only", nil, trace, "", dpTraceMD5},
		{"trace and attribute", attrs, trace, attrsMD5, dpTraceMD5},
		{"attribute only", attrs, nil, attrsMD5, ""},
		{"neither", nil, nil, "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newEnv(t)
			q := e.create("q", queue.Attributes{})
			out := dpSend(e, q, queue.SendMessageInput{MessageBody: "b", MessageAttributes: tt.attrs, MessageSystemAttributes: tt.sys})
			if out.MD5OfMessageAttributes != tt.wantAttrMD5 {
				t.Fatalf("MD5OfMessageAttributes = %q, want %q", out.MD5OfMessageAttributes, tt.wantAttrMD5)
			}
			if out.MD5OfMessageSystemAttributes != tt.wantSysMD5 {
				t.Fatalf("MD5OfMessageSystemAttributes = %q, want %q", out.MD5OfMessageSystemAttributes, tt.wantSysMD5)
			}
			m := dpRecv(e, q, queue.ReceiveMessageInput{
				MessageAttributeNames:       []string{"All"},
				MessageSystemAttributeNames: []queue.MessageSystemAttributeName{queue.SystemAttributeAWSTraceHeader},
			})
			if len(m) != 1 {
				t.Fatalf("received %d messages, want 1", len(m))
			}
			got, ok := m[0].Attributes[queue.SystemAttributeAWSTraceHeader]
			if wantOK := tt.sys != nil; ok != wantOK || (ok && got != dpTrace) {
				t.Fatalf("AWSTraceHeader = %q (present %v), want present %v", got, ok, wantOK)
			}
			if _, ok := m[0].MessageAttributes["AWSTraceHeader"]; ok {
				t.Fatalf("AWSTraceHeader returned as a message attribute")
			}
			if len(m[0].MessageAttributes) != len(tt.attrs) {
				t.Fatalf("received %d message attributes, want %d", len(m[0].MessageAttributes), len(tt.attrs))
			}
			if m[0].MD5OfMessageAttributes != tt.wantAttrMD5 {
				t.Fatalf("received MD5OfMessageAttributes = %q, want %q", m[0].MD5OfMessageAttributes, tt.wantAttrMD5)
			}
		})
	}
}

func TestSendMessageSystemAttributeValidation(t *testing.T) {
	tests := []struct {
		name string
		sys  map[string]queue.MessageAttributeValue
	}{
		{"SenderId", map[string]queue.MessageAttributeValue{"SenderId": dpStr("x")}},
		{"MessageGroupId", map[string]queue.MessageAttributeValue{"MessageGroupId": dpStr("x")}},
		{"unknown", map[string]queue.MessageAttributeValue{"Foo": dpStr("x")}},
		{"lower-case trace header", map[string]queue.MessageAttributeValue{"awstraceheader": dpStr(dpTrace)}},
		{"trace header as Binary", map[string]queue.MessageAttributeValue{"AWSTraceHeader": {DataType: "Binary", BinaryValue: []byte("x")}}},
		{"empty trace header", map[string]queue.MessageAttributeValue{"AWSTraceHeader": dpStr("")}},
		{"trace header and another", map[string]queue.MessageAttributeValue{"AWSTraceHeader": dpStr(dpTrace), "SentTimestamp": dpStr("1")}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newEnv(t)
			q := e.create("q", queue.Attributes{})
			_, err := q.SendMessage(e.ctx, queue.SendMessageInput{MessageBody: "b", MessageSystemAttributes: tt.sys})
			// AWS's texts for these are not recorded; the code is.
			wantErr(t, err, queue.ErrInvalidParameterValue, "")
			dpWantCounts(e, q, [3]int{0, 0, 0})
		})
	}
}

func TestSendMessageOutput(t *testing.T) {
	e := newEnv(t)
	q := e.create("q", queue.Attributes{})
	seen := map[string]bool{}
	for i := range 3 {
		body := fmt.Sprintf("message %d", i)
		out := e.send(q, body)
		if len(out.MessageId) != 36 || out.MessageId[14] != '4' || strings.Count(out.MessageId, "-") != 4 {
			t.Fatalf("MessageId = %q, want a version-4 UUID", out.MessageId)
		}
		if seen[out.MessageId] {
			t.Fatalf("MessageId %q repeated", out.MessageId)
		}
		seen[out.MessageId] = true
		if got, want := out.MD5OfMessageBody, dpMD5(body); got != want {
			t.Fatalf("MD5OfMessageBody = %v, want %v", got, want)
		}
		if out.MD5OfMessageAttributes != "" || out.MD5OfMessageSystemAttributes != "" || out.SequenceNumber != "" {
			t.Fatalf("output %+v, want only MessageId and MD5OfMessageBody", out)
		}
	}
}

func TestSendMessageGroupIdValidation(t *testing.T) {
	reason := "MessageGroupId can only include alphanumeric and punctuation characters. 1 to 128 in length."
	tests := []struct {
		name  string
		group string
		valid bool
	}{
		{"128 characters", strings.Repeat("g", 128), true},
		{"punctuation", `!"#$%&'()*+,-./:;<=>?@[\]^_` + "`{|}~", true},
		{"129 characters", strings.Repeat("g", 129), false},
		{"space", "a b", false},
		{"non-ASCII", "é", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newEnv(t)
			q := e.create("q", queue.Attributes{})
			_, err := q.SendMessage(e.ctx, queue.SendMessageInput{MessageBody: "b", MessageGroupId: tt.group})
			if tt.valid {
				if err != nil {
					t.Fatalf("SendMessage: got %v, want success", err)
				}
				return
			}
			wantErr(t, err, queue.ErrInvalidParameterValue,
				"Value "+tt.group+" for parameter MessageGroupId is invalid. Reason: "+reason)
			dpWantCounts(e, q, [3]int{0, 0, 0})
		})
	}
}

// Checklist 25: a message's DelaySeconds overrides the queue's; delayed
// messages are counted apart and not receivable until due.
func TestSendMessageDelayOverridesQueue(t *testing.T) {
	tests := []struct {
		name  string
		delay *time.Duration
		want  time.Duration // when the message becomes receivable
	}{
		{"queue's delay", nil, time.Minute},
		{"explicit zero", new(time.Duration(0)), 0},
		{"shorter", new(10 * time.Second), 10 * time.Second},
		{"longer", new(15 * time.Minute), 15 * time.Minute},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newEnv(t)
			q := e.create("q", queue.Attributes{DelaySeconds: new(time.Minute)})
			dpSend(e, q, queue.SendMessageInput{MessageBody: "b", DelaySeconds: tt.delay})
			if tt.want > 0 {
				dpWantCounts(e, q, [3]int{0, 0, 1})
				e.clock.Add(tt.want - time.Second)
				if got := e.receive(q, 10); got != nil {
					t.Fatalf("received %d messages 1s before the delay ends, want 0", len(got))
				}
				dpWantCounts(e, q, [3]int{0, 0, 1})
				e.clock.Add(time.Second)
			}
			dpWantCounts(e, q, [3]int{1, 0, 0})
			if got := e.receive(q, 10); len(got) != 1 {
				t.Fatalf("received %d messages when the delay ended, want 1", len(got))
			}
		})
	}
}

// Number attributes: at most 38 significant digits, magnitude from 10^-128
// to 10^126 (reference §1.1), whatever the notation.
func TestSendMessageNumberAttributeRange(t *testing.T) {
	tests := []struct {
		value string
		ok    bool
	}{
		{"0", true},
		{"-0.000", true},
		{"1e126", true},
		{"00001e126", true},
		{"1.0e126", true},
		{"1.000000000000000000000000000000000000e126", true},
		{"9e126", false},
		{"1.1e126", false},
		{"1e127", false},
		{"1e-128", true},
		{"0.001e-125", true},
		{"0.001e-126", false},
		{"1e-129", false},
		{"12345678901234567890123456789012345678", true},
		{"123456789012345678901234567890123456789", false},
		{"1234567890123456789012345678901234567800000", true},
		{"0.00012345678901234567890123456789012345678", true},
		{"1.", true},
		{".5", true},
		{"+7", true},
		{"", false},
		{".", false},
		{"1e", false},
		{"1e+", false},
		{"0x10", false},
		{"1,5", false},
		{" 1", false},
	}
	for _, tt := range tests {
		t.Run(tt.value, func(t *testing.T) {
			e := newEnv(t)
			q := e.create("jobs", queue.Attributes{})
			_, err := q.SendMessage(e.ctx, queue.SendMessageInput{MessageBody: "x", MessageAttributes: map[string]queue.MessageAttributeValue{
				"n": {DataType: "Number", StringValue: tt.value},
			}})
			if tt.ok && err != nil {
				t.Fatalf("Number %q: got %v, want accepted", tt.value, err)
			}
			if !tt.ok && !errors.Is(err, queue.ErrInvalidParameterValue) {
				t.Fatalf("Number %q: got %v, want InvalidParameterValue", tt.value, err)
			}
		})
	}
}

// A queued message owns its binary attribute bytes: neither the sender
// reusing its buffer nor a receiver writing to what it got changes it.
func TestSendMessageBinaryAttributeIsCopied(t *testing.T) {
	e := newEnv(t)
	q := e.create("jobs", queue.Attributes{VisibilityTimeout: new(time.Duration(0))})
	buf := []byte("abc")
	if _, err := q.SendMessage(e.ctx, queue.SendMessageInput{MessageBody: "x", MessageAttributes: map[string]queue.MessageAttributeValue{
		"b": {DataType: "Binary", BinaryValue: buf},
	}}); err != nil {
		t.Fatal(err)
	}
	buf[0] = 'Z'
	for i := range 2 {
		out, err := q.ReceiveMessage(e.ctx, queue.ReceiveMessageInput{MessageAttributeNames: []string{"All"}})
		if err != nil || len(out.Messages) != 1 {
			t.Fatalf("receive %d: %+v, %v", i, out, err)
		}
		got := out.Messages[0].MessageAttributes["b"].BinaryValue
		if string(got) != "abc" {
			t.Fatalf("receive %d: binary value %q, want %q", i, got, "abc")
		}
		got[1] = 'Y' // the next receive must not see this
	}
}
