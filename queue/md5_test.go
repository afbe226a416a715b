package queue_test

import (
	"crypto/md5"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"maps"
	"os"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/sluicehq/sluice/queue"
)

// dpVector is one golden MD5 vector of testdata/md5_vectors.json.
type dpVector struct {
	Name       string
	Source     string
	Attributes map[string]queue.MessageAttributeValue
	MD5        string
}

type dpVectors struct {
	MessageAttributes []dpVector
	SystemAttributes  []dpVector
}

func dpLoadVectors(t *testing.T) dpVectors {
	t.Helper()
	raw, err := os.ReadFile("testdata/md5_vectors.json")
	if err != nil {
		t.Fatal(err)
	}
	var v dpVectors
	if err := json.Unmarshal(raw, &v); err != nil {
		t.Fatalf("md5_vectors.json: %v", err)
	}
	// Reference §1.4 has five message-attribute rows and the trace header.
	if len(v.MessageAttributes) != 5 || len(v.SystemAttributes) != 1 {
		t.Fatalf("md5_vectors.json has %d + %d vectors, want 5 + 1", len(v.MessageAttributes), len(v.SystemAttributes))
	}
	return v
}

// dpMD5OfAttributes computes MD5OfMessageAttributes as reference §1.4
// describes it, independently of the library: attributes sorted by name,
// each as length-prefixed name, length-prefixed type, a transport byte (1
// string or number, 2 binary) and the length-prefixed value.
func dpMD5OfAttributes(attrs map[string]queue.MessageAttributeValue) string {
	if len(attrs) == 0 {
		return ""
	}
	h := md5.New()
	put := func(b []byte) {
		_ = binary.Write(h, binary.BigEndian, uint32(len(b)))
		h.Write(b)
	}
	for _, name := range slices.Sorted(maps.Keys(attrs)) {
		v := attrs[name]
		put([]byte(name))
		put([]byte(v.DataType))
		if strings.HasPrefix(v.DataType, "Binary") {
			h.Write([]byte{2})
			put(v.BinaryValue)
		} else {
			h.Write([]byte{1})
			put([]byte(v.StringValue))
		}
	}
	return hex.EncodeToString(h.Sum(nil))
}

// TestMD5HelperMatchesVectors checks the test's own MD5 implementation, which
// other tests use for attribute subsets, against the golden vectors.
func TestMD5HelperMatchesVectors(t *testing.T) {
	v := dpLoadVectors(t)
	for _, vec := range append(v.MessageAttributes, v.SystemAttributes...) {
		if got := dpMD5OfAttributes(vec.Attributes); got != vec.MD5 {
			t.Errorf("%s: dpMD5OfAttributes = %v, want %v", vec.Name, got, vec.MD5)
		}
	}
}

func TestMD5OfMessageAttributesVectors(t *testing.T) {
	for _, vec := range dpLoadVectors(t).MessageAttributes {
		t.Run(vec.Name, func(t *testing.T) {
			e := newEnv(t)
			q := e.create("q", queue.Attributes{})
			out := dpSend(e, q, queue.SendMessageInput{MessageBody: "body", MessageAttributes: vec.Attributes})
			if out.MD5OfMessageAttributes != vec.MD5 {
				t.Fatalf("SendMessage MD5OfMessageAttributes = %v, want %v", out.MD5OfMessageAttributes, vec.MD5)
			}
			if out.MD5OfMessageSystemAttributes != "" {
				t.Fatalf("MD5OfMessageSystemAttributes = %q, want empty", out.MD5OfMessageSystemAttributes)
			}
			m := dpRecv(e, q, queue.ReceiveMessageInput{MessageAttributeNames: []string{"All"}})
			if len(m) != 1 {
				t.Fatalf("received %d messages, want 1", len(m))
			}
			if m[0].MD5OfMessageAttributes != vec.MD5 {
				t.Fatalf("received MD5OfMessageAttributes = %v, want %v", m[0].MD5OfMessageAttributes, vec.MD5)
			}
			if !reflect.DeepEqual(m[0].MessageAttributes, vec.Attributes) {
				t.Fatalf("received attributes %+v, want %+v", m[0].MessageAttributes, vec.Attributes)
			}
		})
	}
}

func TestMD5OfCombinedAttributes(t *testing.T) {
	// All five vectors on one message: the digest covers them in name order.
	all := map[string]queue.MessageAttributeValue{}
	for _, vec := range dpLoadVectors(t).MessageAttributes {
		maps.Copy(all, vec.Attributes)
	}
	e := newEnv(t)
	q := e.create("q", queue.Attributes{})
	want := dpMD5OfAttributes(all)
	out := dpSend(e, q, queue.SendMessageInput{MessageBody: "body", MessageAttributes: all})
	if out.MD5OfMessageAttributes != want {
		t.Fatalf("SendMessage MD5OfMessageAttributes = %v, want %v", out.MD5OfMessageAttributes, want)
	}
	m := dpRecv(e, q, queue.ReceiveMessageInput{MessageAttributeNames: []string{"All"}})
	if len(m) != 1 || m[0].MD5OfMessageAttributes != want {
		t.Fatalf("received %+v, want one message with MD5OfMessageAttributes %v", m, want)
	}
}

func TestMD5OfMessageSystemAttributesVector(t *testing.T) {
	vec := dpLoadVectors(t).SystemAttributes[0]
	e := newEnv(t)
	q := e.create("q", queue.Attributes{})
	out := dpSend(e, q, queue.SendMessageInput{MessageBody: "body", MessageSystemAttributes: vec.Attributes})
	if out.MD5OfMessageSystemAttributes != vec.MD5 {
		t.Fatalf("MD5OfMessageSystemAttributes = %v, want %v", out.MD5OfMessageSystemAttributes, vec.MD5)
	}
	if out.MD5OfMessageAttributes != "" {
		t.Fatalf("MD5OfMessageAttributes = %q, want empty: the trace header is no message attribute", out.MD5OfMessageAttributes)
	}
	m := dpRecv(e, q, queue.ReceiveMessageInput{
		MessageAttributeNames:       []string{"All"},
		MessageSystemAttributeNames: []queue.MessageSystemAttributeName{queue.SystemAttributeAll},
	})
	if len(m) != 1 {
		t.Fatalf("received %d messages, want 1", len(m))
	}
	want := vec.Attributes["AWSTraceHeader"].StringValue
	if got := m[0].Attributes[queue.SystemAttributeAWSTraceHeader]; got != want {
		t.Fatalf("AWSTraceHeader = %q, want %q", got, want)
	}
	if m[0].MD5OfMessageAttributes != "" || m[0].MessageAttributes != nil {
		t.Fatalf("received MD5OfMessageAttributes %q, attributes %v; want none", m[0].MD5OfMessageAttributes, m[0].MessageAttributes)
	}
}

func TestMD5OfMessageBody(t *testing.T) {
	tests := []struct {
		name string
		body string
	}{
		{"ascii", "hello"},
		{"two-byte", "é"},
		{"four-byte", "😀 emoji"},
		{"whitespace", "\t\r\n "},
		{"1 KiB", strings.Repeat("0123456789abcdef", 64)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newEnv(t)
			q := e.create("q", queue.Attributes{})
			want := dpMD5(tt.body)
			out := e.send(q, tt.body)
			if out.MD5OfMessageBody != want {
				t.Fatalf("SendMessage MD5OfMessageBody = %v, want %v", out.MD5OfMessageBody, want)
			}
			if out.MD5OfMessageAttributes != "" {
				t.Fatalf("MD5OfMessageAttributes = %q, want empty without attributes", out.MD5OfMessageAttributes)
			}
			// Asking for all attributes of a message without any returns none.
			m := dpRecv(e, q, queue.ReceiveMessageInput{MessageAttributeNames: []string{"All"}})
			if len(m) != 1 {
				t.Fatalf("received %d messages, want 1", len(m))
			}
			if m[0].MD5OfBody != want || m[0].Body != tt.body {
				t.Fatalf("received body %q MD5 %v, want %q %v", m[0].Body, m[0].MD5OfBody, tt.body, want)
			}
			if m[0].MD5OfMessageAttributes != "" || m[0].MessageAttributes != nil {
				t.Fatalf("received MD5OfMessageAttributes %q, attributes %v; want none", m[0].MD5OfMessageAttributes, m[0].MessageAttributes)
			}
		})
	}
}
