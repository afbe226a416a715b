package pubsub_test

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/sluicehq/sluice/pubsub"
	"github.com/sluicehq/sluice/queue"
)

func TestPublish_Validation(t *testing.T) {
	e := psNewEnv(t)
	tp := e.topic("t", nil)
	f := e.topic("f.fifo", map[string]string{"FifoTopic": "true"})
	empty, long, nl := "", strings.Repeat("s", 100), "a\nb"
	str := func(v string) map[string]pubsub.MessageAttributeValue {
		return map[string]pubsub.MessageAttributeValue{"a": {DataType: "String", StringValue: v}}
	}
	for _, tc := range []struct {
		topic    *pubsub.Topic
		in       pubsub.PublishInput
		sentinel *pubsub.Error
		msg      string
	}{
		{tp, pubsub.PublishInput{}, pubsub.ErrInvalidParameter, "Invalid parameter: Empty message"},
		{tp, pubsub.PublishInput{Message: strings.Repeat("x", 262145)}, pubsub.ErrInvalidParameter, "Invalid parameter: Message too long"},
		{tp, pubsub.PublishInput{Message: strings.Repeat("x", 262144-3), MessageAttributes: str("v")}, pubsub.ErrInvalidParameter, "Invalid parameter: Message too long"},
		{tp, pubsub.PublishInput{Message: "m", Subject: &empty}, pubsub.ErrInvalidParameter, "Invalid parameter: Subject"},
		{tp, pubsub.PublishInput{Message: "m", Subject: &long}, pubsub.ErrInvalidParameter, "Invalid parameter: Subject"},
		{tp, pubsub.PublishInput{Message: "m", Subject: &nl}, pubsub.ErrInvalidParameter, "Invalid parameter: Subject"},
		{tp, pubsub.PublishInput{Message: "{", MessageStructure: "json"}, pubsub.ErrInvalidParameter, "Invalid parameter: Message Structure - JSON message body failed to parse"},
		{tp, pubsub.PublishInput{Message: `{"sqs":"s"}`, MessageStructure: "json"}, pubsub.ErrInvalidParameter, "Invalid parameter: Message Structure - No default entry in JSON message body"},
		{tp, pubsub.PublishInput{Message: "m", MessageDeduplicationId: "d"}, pubsub.ErrInvalidParameter, "Invalid parameter: MessageDeduplicationId Reason: The request includes MessageDeduplicationId parameter that is not valid for this topic type"},
		{f, pubsub.PublishInput{Message: "m", MessageDeduplicationId: "d"}, pubsub.ErrInvalidParameter, "Invalid parameter: The MessageGroupId parameter is required for FIFO topics"},
		{f, pubsub.PublishInput{Message: "m", MessageGroupId: "g"}, pubsub.ErrInvalidParameter, "Invalid parameter: The topic should either have ContentBasedDeduplication enabled or MessageDeduplicationId provided explicitly"},
		{tp, pubsub.PublishInput{Message: "m", MessageAttributes: map[string]pubsub.MessageAttributeValue{"a": {DataType: "String.", StringValue: "v"}}}, pubsub.ErrParameterValueInvalid,
			"The message attribute 'a' has an invalid message attribute type, the set of supported type prefixes is Binary, Number, and String."},
		{tp, pubsub.PublishInput{Message: "m", MessageAttributes: map[string]pubsub.MessageAttributeValue{"a": {DataType: "Stringprefixed", StringValue: "v"}}}, pubsub.ErrParameterValueInvalid,
			"The message attribute 'a' has an invalid message attribute type, the set of supported type prefixes is Binary, Number, and String."},
		{tp, pubsub.PublishInput{Message: "m", MessageAttributes: str("")}, pubsub.ErrParameterValueInvalid,
			"The message attribute 'a' must contain non-empty message attribute value for message attribute type 'String'."},
		{tp, pubsub.PublishInput{Message: "m", MessageAttributes: map[string]pubsub.MessageAttributeValue{"a": {DataType: "Number", BinaryValue: []byte{1}}}}, pubsub.ErrParameterValueInvalid,
			"The message attribute 'a' with type 'Number' must use field 'String'."},
		{tp, pubsub.PublishInput{Message: "m", MessageAttributes: map[string]pubsub.MessageAttributeValue{".a": {DataType: "String", StringValue: "v"}}}, pubsub.ErrParameterValueInvalid,
			"Invalid message attribute name starting with character '.' was found."},
		{tp, pubsub.PublishInput{Message: "m", MessageAttributes: map[string]pubsub.MessageAttributeValue{"a..b": {DataType: "String", StringValue: "v"}}}, pubsub.ErrParameterValueInvalid,
			"Message attribute name can not have successive '.' character."},
		{tp, pubsub.PublishInput{Message: "m", MessageAttributes: map[string]pubsub.MessageAttributeValue{"a b": {DataType: "String", StringValue: "v"}}}, pubsub.ErrParameterValueInvalid,
			"Invalid non-alphanumeric character '#x20' was found in the message attribute name. Can only include alphanumeric characters, hyphens, underscores, or dots."},
		{tp, pubsub.PublishInput{Message: "m", MessageAttributes: map[string]pubsub.MessageAttributeValue{"a": {StringValue: "v"}}}, pubsub.ErrValidationError, ""},
	} {
		_, err := tc.topic.Publish(e.ctx, tc.in)
		psWantErr(t, err, tc.sentinel, tc.msg)
	}
	for _, in := range []pubsub.PublishInput{
		{Message: strings.Repeat("é", 131072)}, // 262,144 bytes
		{Message: strings.Repeat("x", 262144-8), MessageAttributes: map[string]pubsub.MessageAttributeValue{"a": {DataType: "Number", StringValue: "1"}}},
		{Message: "m", MessageAttributes: map[string]pubsub.MessageAttributeValue{"a": {DataType: "String.  prefixed.", StringValue: "v"}}},
		{Message: "m", MessageGroupId: "g"},
	} {
		if _, err := tp.Publish(e.ctx, in); err != nil {
			t.Errorf("Publish(%.20q) = %v, want success", in.Message, err)
		}
	}
}

// TestPublish_EndToEnd publishes to one raw and one enveloped queue
// subscription and checks exactly what each queue receives.
func TestPublish_EndToEnd(t *testing.T) {
	e := psNewEnv(t)
	tp := e.topic("orders", nil)
	envQ, rawQ := e.queue("env"), e.queue("raw")
	envSub := e.subscribe(tp, "sqs", envQ.ARN(), nil)
	e.subscribe(tp, "sqs", rawQ.ARN(), map[string]string{"RawMessageDelivery": "true"})
	subject := "Order <1>"
	out := e.publish(tp, pubsub.PublishInput{Message: `{"id":1} & "more"`, Subject: &subject,
		MessageAttributes: map[string]pubsub.MessageAttributeValue{
			"n": {DataType: "Number", StringValue: "111"},
			"b": {DataType: "Binary", BinaryValue: []byte{2, 3, 4}},
		}})
	if !regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$`).MatchString(out.MessageId) {
		t.Fatalf("MessageId = %q, want a UUID", out.MessageId)
	}
	msgs := e.receive(envQ)
	if len(msgs) != 1 {
		t.Fatalf("envelope queue got %d messages", len(msgs))
	}
	if len(msgs[0].MessageAttributes) != 0 {
		t.Errorf("envelope delivery has SQS attributes %v", msgs[0].MessageAttributes)
	}
	sig := regexp.MustCompile(`"Signature" : "[A-Za-z0-9+/=]+"`)
	got := sig.ReplaceAllString(msgs[0].Body, `"Signature" : "SIG"`)
	want := `{
  "Type" : "Notification",
  "MessageId" : "` + out.MessageId + `",
  "TopicArn" : "arn:aws:sns:us-east-1:123456789012:orders",
  "Subject" : "Order <1>",
  "Message" : "{\"id\":1} & \"more\"",
  "Timestamp" : "2026-01-02T03:04:05.678Z",
  "SignatureVersion" : "1",
  "Signature" : "SIG",
  "SigningCertURL" : "https://sns.us-east-1.amazonaws.com/SimpleNotificationService-sluice.pem",
  "UnsubscribeURL" : "https://sns.us-east-1.amazonaws.com/?Action=Unsubscribe&SubscriptionArn=` + envSub + `",
  "MessageAttributes" : {
    "b" : {"Type":"Binary","Value":"AgME"},
    "n" : {"Type":"Number","Value":"111"}
  }
}`
	if got != want {
		t.Errorf("envelope:\n%s\nwant:\n%s", got, want)
	}
	raws := e.receive(rawQ)
	if len(raws) != 1 || raws[0].Body != `{"id":1} & "more"` {
		t.Fatalf("raw queue got %+v", raws)
	}
	if a := raws[0].MessageAttributes; a["n"].DataType != "Number" || a["n"].StringValue != "111" || string(a["b"].BinaryValue) != "\x02\x03\x04" {
		t.Errorf("raw attributes = %+v", a)
	}
}

func TestPublish_FanOutOneMessageId(t *testing.T) {
	e := psNewEnv(t)
	tp := e.topic("t", nil)
	var qs []*queue.Queue
	for _, n := range []string{"a", "b", "c"} {
		q := e.queue(n)
		qs = append(qs, q)
		e.subscribe(tp, "sqs", q.ARN(), nil)
	}
	out := e.publish(tp, pubsub.PublishInput{Message: "hi"})
	for _, q := range qs {
		msgs := e.receive(q)
		if len(msgs) != 1 || !strings.Contains(msgs[0].Body, `"MessageId" : "`+out.MessageId+`"`) {
			t.Fatalf("%s got %+v", q.Name(), msgs)
		}
	}
	// No subscriptions: still a MessageId.
	if out := e.publish(e.topic("empty", nil), pubsub.PublishInput{Message: "x"}); out.MessageId == "" {
		t.Fatal("no MessageId")
	}
}

func TestPublish_RawTooManyAttributes(t *testing.T) {
	e := psNewEnv(t)
	tp := e.topic("t", nil)
	raw, env, dlq := e.queue("raw"), e.queue("env"), e.queue("dlq")
	e.subscribe(tp, "sqs", raw.ARN(), map[string]string{"RawMessageDelivery": "true", "RedrivePolicy": `{"deadLetterTargetArn":"` + dlq.ARN() + `"}`})
	e.subscribe(tp, "sqs", env.ARN(), nil)
	attrs := map[string]pubsub.MessageAttributeValue{}
	for _, k := range strings.Split("a b c d e f g h i j k", " ") {
		attrs[k] = pubsub.MessageAttributeValue{DataType: "String", StringValue: "v"}
	}
	e.publish(tp, pubsub.PublishInput{Message: "m", MessageAttributes: attrs})
	if n := len(e.receive(raw)); n != 0 {
		t.Errorf("raw queue got %d messages, want 0", n)
	}
	if n := len(e.receive(env)); n != 1 {
		t.Errorf("envelope queue got %d messages, want 1", n)
	}
	if msgs := e.receive(dlq); len(msgs) != 1 || msgs[0].Body != "m" {
		t.Errorf("dead-letter queue got %+v, want the raw message", msgs)
	}
}

func TestPublish_MessageStructure(t *testing.T) {
	e := psNewEnv(t)
	tp := e.topic("t", nil)
	q := e.queue("q")
	e.subscribe(tp, "sqs", q.ARN(), map[string]string{"RawMessageDelivery": "true"})
	e.subscribe(tp, "sms", "+15555550100", nil)
	e.publish(tp, pubsub.PublishInput{Message: `{"default":"d","sqs":"s","email":7}`, MessageStructure: "json"})
	if msgs := e.receive(q); len(msgs) != 1 || msgs[0].Body != "s" {
		t.Fatalf("sqs got %+v, want \"s\"", msgs)
	}
	if box := e.svc.Outbox(); len(box) != 1 || box[0].Body != "d" || box[0].Protocol != "sms" {
		t.Fatalf("outbox = %+v, want the default message", box)
	}
}

func TestPublish_Lambda(t *testing.T) {
	e := psNewEnv(t)
	tp := e.topic("t", nil)
	var got []pubsub.LambdaEvent
	arn := e.svc.FunctionARN("fn")
	e.svc.RegisterFunction(arn, func(ctx context.Context, ev pubsub.LambdaEvent) error {
		got = append(got, ev)
		return nil
	})
	sub := e.subscribe(tp, "lambda", arn, nil)
	out := e.publish(tp, pubsub.PublishInput{Message: "hello", MessageAttributes: map[string]pubsub.MessageAttributeValue{"k": {DataType: "String", StringValue: "v"}}})
	if len(got) != 1 || len(got[0].Records) != 1 {
		t.Fatalf("function got %+v", got)
	}
	r := got[0].Records[0]
	if r.EventSource != "aws:sns" || r.EventVersion != "1.0" || r.EventSubscriptionArn != sub || r.Sns.MessageId != out.MessageId ||
		r.Sns.Message != "hello" || r.Sns.Subject != nil || r.Sns.Type != "Notification" || r.Sns.MessageAttributes["k"] != (pubsub.LambdaAttribute{Type: "String", Value: "v"}) {
		t.Fatalf("record = %+v", r)
	}
	_, err := tp.Subscribe(e.ctx, pubsub.SubscribeInput{Protocol: "lambda", Endpoint: "fn"})
	psWantErr(t, err, pubsub.ErrInvalidParameter, "")
}

func TestPublish_StandardTopicGroupToStandardQueue(t *testing.T) {
	e := psNewEnv(t)
	tp := e.topic("t", nil)
	q := e.queue("q")
	e.subscribe(tp, "sqs", q.ARN(), nil)
	e.publish(tp, pubsub.PublishInput{Message: "m", MessageGroupId: "tenant-1"})
	msgs := e.receive(q)
	if len(msgs) != 1 || msgs[0].Attributes[queue.SystemAttributeMessageGroupId] != "tenant-1" {
		t.Fatalf("got %+v, want MessageGroupId tenant-1", msgs)
	}
}

func TestPublishFifo_Dedup(t *testing.T) {
	e := psNewEnv(t)
	tp := e.topic("t.fifo", map[string]string{"FifoTopic": "true"})
	fq, sq := e.queue("q.fifo"), e.queue("std")
	e.subscribe(tp, "sqs", fq.ARN(), nil)
	e.subscribe(tp, "sqs", sq.ARN(), map[string]string{"RawMessageDelivery": "true"})
	first := e.publish(tp, pubsub.PublishInput{Message: "a", MessageGroupId: "g", MessageDeduplicationId: "d"})
	if first.SequenceNumber == "" {
		t.Fatal("no SequenceNumber")
	}
	e.clock.Add(4*time.Minute + 59*time.Second)
	dup := e.publish(tp, pubsub.PublishInput{Message: "b", MessageGroupId: "g", MessageDeduplicationId: "d"})
	if dup.MessageId != first.MessageId {
		t.Errorf("duplicate MessageId = %s, want %s", dup.MessageId, first.MessageId)
	}
	if n := len(e.receive(sq)); n != 1 {
		t.Fatalf("standard queue got %d, want 1 (duplicate dropped)", n)
	}
	e.clock.Add(2 * time.Second)
	third := e.publish(tp, pubsub.PublishInput{Message: "c", MessageGroupId: "g", MessageDeduplicationId: "d"})
	if third.SequenceNumber <= first.SequenceNumber {
		t.Errorf("SequenceNumber %s not after %s", third.SequenceNumber, first.SequenceNumber)
	}
	msgs := e.receive(sq)
	if len(msgs) != 1 || msgs[0].Body != "c" || msgs[0].Attributes[queue.SystemAttributeMessageGroupId] != "" {
		t.Fatalf("standard queue got %+v, want c without a group", msgs)
	}
	fm := e.receive(fq)
	if len(fm) != 2 {
		t.Fatalf("FIFO queue got %d, want a and c", len(fm))
	}
	if a := fm[0].Attributes; a[queue.SystemAttributeMessageGroupId] != "g" || a[queue.SystemAttributeMessageDeduplicationId] != "d" {
		t.Errorf("FIFO queue attributes = %v", a)
	}
	if b := fm[0].Body; !strings.Contains(b, `"SequenceNumber" : "`+first.SequenceNumber+`"`) || strings.Contains(b, "Signature") || strings.Contains(b, "SigningCertURL") {
		t.Errorf("FIFO envelope = %s", b)
	}
}

func TestPublishFifo_ContentBasedAndScope(t *testing.T) {
	e := psNewEnv(t)
	tp := e.topic("t.fifo", map[string]string{"FifoTopic": "true", "ContentBasedDeduplication": "true"})
	fq := e.queue("q.fifo")
	e.subscribe(tp, "sqs", fq.ARN(), map[string]string{"RawMessageDelivery": "true"})
	e.publish(tp, pubsub.PublishInput{Message: "Test", MessageGroupId: "g"})
	e.publish(tp, pubsub.PublishInput{Message: "Test", MessageGroupId: "g",
		MessageAttributes: map[string]pubsub.MessageAttributeValue{"a": {DataType: "String", StringValue: "x"}}})
	msgs := e.receive(fq)
	sum := sha256.Sum256([]byte("Test"))
	if len(msgs) != 1 || msgs[0].Attributes[queue.SystemAttributeMessageDeduplicationId] != hex.EncodeToString(sum[:]) {
		t.Fatalf("got %+v, want one message deduplicated by SHA-256", msgs)
	}
	// Topic scope: the same id in another group is a duplicate.
	e.publish(tp, pubsub.PublishInput{Message: "x", MessageGroupId: "g1", MessageDeduplicationId: "same"})
	e.publish(tp, pubsub.PublishInput{Message: "y", MessageGroupId: "g2", MessageDeduplicationId: "same"})
	// MessageGroup scope: not a duplicate.
	if _, err := tp.SetTopicAttributes(e.ctx, pubsub.SetTopicAttributesInput{AttributeName: "FifoThroughputScope", AttributeValue: "MessageGroup"}); err != nil {
		t.Fatal(err)
	}
	std := e.queue("std")
	e.subscribe(tp, "sqs", std.ARN(), map[string]string{"RawMessageDelivery": "true"})
	e.publish(tp, pubsub.PublishInput{Message: "p", MessageGroupId: "g1", MessageDeduplicationId: "other"})
	e.publish(tp, pubsub.PublishInput{Message: "q", MessageGroupId: "g2", MessageDeduplicationId: "other"})
	if n := len(e.receive(std)); n != 2 {
		t.Fatalf("MessageGroup scope delivered %d, want 2", n)
	}
}

func TestPublishBatch(t *testing.T) {
	e := psNewEnv(t)
	tp := e.topic("t", nil)
	q := e.queue("q")
	e.subscribe(tp, "sqs", q.ARN(), map[string]string{"RawMessageDelivery": "true"})
	entries := func(n int) []pubsub.PublishBatchRequestEntry {
		var es []pubsub.PublishBatchRequestEntry
		for i := range n {
			es = append(es, pubsub.PublishBatchRequestEntry{Id: string(rune('a' + i)), Message: "m"})
		}
		return es
	}
	_, err := tp.PublishBatch(e.ctx, pubsub.PublishBatchInput{})
	psWantErr(t, err, pubsub.ErrEmptyBatchRequest, "")
	_, err = tp.PublishBatch(e.ctx, pubsub.PublishBatchInput{PublishBatchRequestEntries: entries(11)})
	psWantErr(t, err, pubsub.ErrTooManyEntriesInBatchRequest, "The batch request contains more entries than permissible.")
	dup := entries(2)
	dup[1].Id = "a"
	_, err = tp.PublishBatch(e.ctx, pubsub.PublishBatchInput{PublishBatchRequestEntries: dup})
	psWantErr(t, err, pubsub.ErrBatchEntryIdsNotDistinct, "Two or more batch entries in the request have the same Id.")
	for _, id := range []string{"a.b", strings.Repeat("i", 81)} {
		_, err = tp.PublishBatch(e.ctx, pubsub.PublishBatchInput{PublishBatchRequestEntries: []pubsub.PublishBatchRequestEntry{{Id: id, Message: "m"}}})
		psWantErr(t, err, pubsub.ErrInvalidBatchEntryId, "")
	}
	big := entries(2)
	big[0].Message, big[1].Message = strings.Repeat("x", 200000), strings.Repeat("x", 62145)
	_, err = tp.PublishBatch(e.ctx, pubsub.PublishBatchInput{PublishBatchRequestEntries: big})
	psWantErr(t, err, pubsub.ErrBatchRequestTooLong, "The length of all the messages put together is more than the limit.")

	es := entries(3)
	es[0].Id = strings.Repeat("i", 80)
	es[1].Message = ""
	out, err := tp.PublishBatch(e.ctx, pubsub.PublishBatchInput{PublishBatchRequestEntries: es})
	if err != nil {
		t.Fatal(err)
	}
	if len(out.Successful) != 2 || len(out.Failed) != 1 || out.Failed[0].Id != "b" || out.Failed[0].Code != "InvalidParameter" ||
		out.Failed[0].Message != "Invalid parameter: Empty message" || !out.Failed[0].SenderFault {
		t.Fatalf("out = %+v", out)
	}
	if n := len(e.receive(q)); n != 2 {
		t.Fatalf("queue got %d, want 2", n)
	}

	f := e.topic("f.fifo", map[string]string{"FifoTopic": "true", "ContentBasedDeduplication": "true"})
	_, err = f.PublishBatch(e.ctx, pubsub.PublishBatchInput{PublishBatchRequestEntries: []pubsub.PublishBatchRequestEntry{
		{Id: "a", Message: "m", MessageGroupId: "g"}, {Id: "b", Message: "n"}}})
	psWantErr(t, err, pubsub.ErrInvalidParameter, "Invalid parameter: The MessageGroupId parameter is required for FIFO topics")
}

func TestPublishFifo_OrderAcrossQueues(t *testing.T) {
	e := psNewEnv(t)
	tp := e.topic("t.fifo", map[string]string{"FifoTopic": "true", "ContentBasedDeduplication": "true"})
	var qs []*queue.Queue
	for _, n := range []string{"a.fifo", "b.fifo", "c.fifo", "d.fifo", "e.fifo"} {
		q := e.queue(n)
		qs = append(qs, q)
		e.subscribe(tp, "sqs", q.ARN(), map[string]string{"RawMessageDelivery": "true"})
	}
	var es []pubsub.PublishBatchRequestEntry
	for i := range 10 {
		es = append(es, pubsub.PublishBatchRequestEntry{Id: string(rune('a' + i)), Message: string(rune('0' + i)), MessageGroupId: "g"})
	}
	if _, err := tp.PublishBatch(e.ctx, pubsub.PublishBatchInput{PublishBatchRequestEntries: es}); err != nil {
		t.Fatal(err)
	}
	for _, q := range qs {
		var got string
		for _, m := range e.receive(q) {
			got += m.Body
		}
		if got != "0123456789" {
			t.Errorf("%s got %q", q.Name(), got)
		}
	}
}

func TestUnsubscribeStopsDelivery(t *testing.T) {
	e := psNewEnv(t)
	tp := e.topic("t", nil)
	q := e.queue("q")
	arn := e.subscribe(tp, "sqs", q.ARN(), nil)
	if _, err := e.svc.Unsubscribe(e.ctx, pubsub.UnsubscribeInput{SubscriptionArn: arn}); err != nil {
		t.Fatal(err)
	}
	e.publish(tp, pubsub.PublishInput{Message: "m"})
	if n := len(e.receive(q)); n != 0 {
		t.Fatalf("got %d after Unsubscribe", n)
	}
}
