package pubsub

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"maps"
	"slices"
	"strings"
	"time"

	"github.com/sluicehq/sluice/queue"
)

// maxRawAttributes is the most message attributes a raw SQS delivery can
// carry; a message with more is discarded as a client error.
const maxRawAttributes = 10

// delivery is one message bound for one endpoint, built under the topic's
// lock and sent after it is released.
type delivery struct {
	protocol  string
	endpoint  string
	subArn    string
	messageID string
	topic     *Topic // for retries and delivery statuses
	retried   int    // delayed retries of an sqs, lambda or firehose delivery made so far
	attempts  int    // attempts at an sqs, lambda or firehose delivery made so far

	// sqs
	body          string
	sqsAttrs      map[string]queue.MessageAttributeValue
	groupID       string
	dedupID       string
	redriveTarget string
	clientError   string // set when the message cannot be delivered at all

	lambda *LambdaEvent
	out    *OutboxMessage
	http   *httpDelivery
}

// notification is one published message, rendered per subscription.
// What does not depend on the subscription (the timestamp, the SQS
// attributes, the envelope but for its UnsubscribeURL) is rendered once
// per publish and message text, on first use.
type notification struct {
	topic            *Topic
	id               string
	p                *publication
	now              time.Time
	sequenceNumber   string
	dedupID          string
	signatureVersion string

	timestamp   string // n.now in timestampFormat, once rendered
	sqsAttrs    map[string]queue.MessageAttributeValue
	sqsAttrsSet bool
	envelopes   []envelopeParts // by message text
	sigs        []msgSignature  // by message text
	unsubPrefix string          // the UnsubscribeURL but for the subscription ARN
}

// envelopeParts is the envelope of one message text without its
// UnsubscribeURL field: head before it, tail after it.
type envelopeParts struct {
	msg, head, tail string
}

// msgSignature is the Signature of the notification of one message text.
type msgSignature struct {
	msg, sig string
}

// timestampFormat is AWS's notification Timestamp: UTC, milliseconds.
const timestampFormat = "2006-01-02T15:04:05.000Z"

func (s *Service) unsubscribeURL(subArn string) string {
	return s.unsubscribeURLPrefix() + subArn
}

func (s *Service) unsubscribeURLPrefix() string {
	return s.cfg.baseURL() + "/?Action=Unsubscribe&SubscriptionArn="
}

// SigningCertPath is the path, under the endpoint URL, of the certificate
// named by every message's SigningCertURL (see [WithEndpointURL]).
const SigningCertPath = "/SimpleNotificationService-sluice.pem"

func (s *Service) signingCertURL() string {
	return s.cfg.baseURL() + SigningCertPath
}

// ts returns the notification's Timestamp.
func (n *notification) ts() string {
	if n.timestamp == "" {
		n.timestamp = n.now.UTC().Format(timestampFormat)
	}
	return n.timestamp
}

// attrs returns the message attributes deliveries carry: none with
// MessageStructure json.
func (n *notification) attrs() map[string]MessageAttributeValue {
	if n.p.structure != nil {
		return nil
	}
	return n.p.in.MessageAttributes
}

// sqsAttributes returns the attributes for SQS, converted once per publish
// and shared by its deliveries, which only read them.
func (n *notification) sqsAttributes() map[string]queue.MessageAttributeValue {
	if !n.sqsAttrsSet {
		n.sqsAttrs, n.sqsAttrsSet = sqsAttributes(n.attrs()), true
	}
	return n.sqsAttrs
}

// deliveryFor renders the notification for one subscription.
func (n *notification) deliveryFor(sub *Subscription) delivery {
	t := n.topic
	d := delivery{protocol: sub.protocol, endpoint: sub.endpoint, subArn: sub.arn, messageID: n.id, topic: t,
		redriveTarget: sub.settings.redriveTarget}
	msg := n.p.message(sub.protocol)
	attrs := n.attrs()
	raw := sub.settings.raw
	switch sub.protocol {
	case "sqs":
		if raw {
			d.body = msg
			if len(attrs) > maxRawAttributes {
				d.clientError = "too many message attributes for raw delivery"
			} else {
				d.sqsAttrs = n.sqsAttributes()
			}
		} else {
			d.body = n.envelope(msg, sub.arn)
		}
		switch {
		case t.fifo && strings.HasSuffix(sub.endpoint, ".fifo"):
			d.groupID, d.dedupID = n.p.in.MessageGroupId, n.dedupID
		case !t.fifo:
			d.groupID = n.p.in.MessageGroupId
		}
	case "http", "https":
		d.body = msg
		if raw {
			d.sqsAttrs = n.sqsAttributes() // for the dead-letter queue only
		} else {
			d.body = n.envelope(msg, sub.arn)
		}
		hp := sub.httpPolicyLocked()
		d.http = &httpDelivery{topic: t, messageType: "Notification", messageID: n.id, contentType: hp.contentType, raw: raw,
			schedule: hp.schedule, perSecond: hp.maxPerSecond, notBefore: sub.throttleLocked(n.now, hp.maxPerSecond)}
	case "lambda":
		ev := LambdaSNSMsg{
			Type: "Notification", MessageId: n.id, TopicArn: t.arn, Subject: n.p.in.Subject, Message: msg,
			Timestamp: n.ts(), SignatureVersion: n.sigVersion(),
			Signature: n.signature(msg), SigningCertUrl: t.svc.signingCertURL(), UnsubscribeUrl: t.svc.unsubscribeURL(sub.arn),
			MessageAttributes: map[string]LambdaAttribute{},
		}
		for k, a := range attrs {
			ev.MessageAttributes[k] = LambdaAttribute{Type: a.DataType, Value: attrValue(a)}
		}
		d.lambda = &LambdaEvent{Records: []LambdaRecord{{EventSource: "aws:sns", EventVersion: "1.0", EventSubscriptionArn: sub.arn, Sns: ev}}}
		if d.redriveTarget != "" {
			d.body = n.envelope(msg, sub.arn) // for the dead-letter queue only
		}
	default:
		subject := "AWS Notification Message"
		if n.p.in.Subject != nil {
			subject = *n.p.in.Subject
		}
		body := msg
		if sub.protocol == "email-json" || sub.protocol == "firehose" && !raw {
			body = n.envelope(msg, sub.arn)
		}
		d.out = &OutboxMessage{Time: n.now, Protocol: sub.protocol, Endpoint: sub.endpoint, SubscriptionArn: sub.arn,
			TopicArn: t.arn, Type: "Notification", MessageId: n.id, Subject: subject, Body: body}
	}
	return d
}

// sqsAttributes converts message attributes for SQS (nil for none).
func sqsAttributes(attrs map[string]MessageAttributeValue) map[string]queue.MessageAttributeValue {
	if len(attrs) == 0 {
		return nil
	}
	out := make(map[string]queue.MessageAttributeValue, len(attrs))
	for k, a := range attrs {
		out[k] = queue.MessageAttributeValue{DataType: a.DataType, StringValue: a.StringValue, BinaryValue: a.BinaryValue}
	}
	return out
}

func (n *notification) sigVersion() string {
	if n.signatureVersion != "" {
		return n.signatureVersion
	}
	return "1"
}

// signature returns the Signature of the notification of msg: AWS's
// string to sign, signed with the Service's key, computed once per publish
// and message text.
func (n *notification) signature(msg string) string {
	for _, s := range n.sigs {
		if s.msg == msg {
			return s.sig
		}
	}
	kvs := []string{"Message", msg, "MessageId", n.id}
	if n.p.in.Subject != nil {
		kvs = append(kvs, "Subject", *n.p.in.Subject)
	}
	kvs = append(kvs, "Timestamp", n.ts(), "TopicArn", n.topic.arn, "Type", "Notification")
	sig := n.topic.svc.sign(n.sigVersion(), stringToSign(kvs...))
	n.sigs = append(n.sigs, msgSignature{msg: msg, sig: sig})
	return sig
}

// attrValue is an attribute's value as the JSON formats carry it: Binary
// base64-encoded, everything else as its string.
func attrValue(a MessageAttributeValue) string {
	if strings.HasPrefix(a.DataType, "Binary") {
		return base64.StdEncoding.EncodeToString(a.BinaryValue)
	}
	return a.StringValue
}

// jsonDoc writes a JSON object in AWS's layout: one "Key" : "Value" pair
// per line, indented by two spaces.
type jsonDoc struct {
	b     bytes.Buffer
	first bool
}

func newJSONDoc() *jsonDoc {
	d := &jsonDoc{first: true}
	d.b.WriteString("{\n")
	return d
}

func (d *jsonDoc) key(k string) {
	if !d.first {
		d.b.WriteString(",\n")
	}
	d.first = false
	d.b.WriteString("  ")
	writeJSONString(&d.b, k)
	d.b.WriteString(" : ")
}

func (d *jsonDoc) field(k, v string) {
	d.key(k)
	writeJSONString(&d.b, v)
}

func (d *jsonDoc) String() string {
	d.b.WriteString("\n}")
	return d.b.String()
}

// unsubscribeKey is what goes between an envelope's head and its
// UnsubscribeURL value.
const unsubscribeKey = ",\n  \"UnsubscribeURL\" : "

// envelope renders the JSON notification SNS sends to SQS (non-raw),
// http/https (non-raw), email-json and firehose endpoints, with AWS's key
// order and layout. All but the UnsubscribeURL is rendered once per
// message text.
func (n *notification) envelope(msg, subArn string) string {
	e := n.envelopeParts(msg)
	if n.unsubPrefix == "" {
		n.unsubPrefix = n.topic.svc.unsubscribeURLPrefix()
	}
	prefix := n.unsubPrefix
	var b strings.Builder
	if jsonSafe(prefix) && jsonSafe(subArn) {
		b.Grow(len(e.head) + len(unsubscribeKey) + len(prefix) + len(subArn) + 2 + len(e.tail))
		b.WriteString(e.head)
		b.WriteString(unsubscribeKey)
		b.WriteByte('"')
		b.WriteString(prefix)
		b.WriteString(subArn)
		b.WriteByte('"')
	} else {
		var v bytes.Buffer
		writeJSONString(&v, prefix+subArn)
		b.Grow(len(e.head) + len(unsubscribeKey) + v.Len() + len(e.tail))
		b.WriteString(e.head)
		b.WriteString(unsubscribeKey)
		b.Write(v.Bytes())
	}
	b.WriteString(e.tail)
	return b.String()
}

// envelopeParts returns the envelope of msg but for its UnsubscribeURL,
// rendering it on first use.
func (n *notification) envelopeParts(msg string) *envelopeParts {
	for i := range n.envelopes {
		if n.envelopes[i].msg == msg {
			return &n.envelopes[i]
		}
	}
	t := n.topic
	doc := newJSONDoc()
	doc.b.Grow(len(msg) + 512) // the fields around it take about 450 bytes
	doc.field("Type", "Notification")
	doc.field("MessageId", n.id)
	if t.fifo {
		doc.field("SequenceNumber", n.sequenceNumber)
	}
	doc.field("TopicArn", t.arn)
	if n.p.in.Subject != nil {
		doc.field("Subject", *n.p.in.Subject)
	}
	doc.field("Message", msg)
	doc.field("Timestamp", n.ts())
	if !t.fifo {
		doc.field("SignatureVersion", n.sigVersion())
		doc.field("Signature", n.signature(msg))
		doc.field("SigningCertURL", t.svc.signingCertURL())
	}
	head := doc.b.String()
	doc.b.Reset()
	if attrs := n.attrs(); len(attrs) > 0 {
		b := &doc.b
		b.WriteString(",\n  ")
		writeJSONString(b, "MessageAttributes")
		b.WriteString(" : {")
		for i, k := range slices.Sorted(maps.Keys(attrs)) {
			if i > 0 {
				b.WriteString(",")
			}
			b.WriteString("\n    ")
			writeJSONString(b, k)
			b.WriteString(` : {"Type":`)
			writeJSONString(b, attrs[k].DataType)
			b.WriteString(`,"Value":`)
			writeJSONString(b, attrValue(attrs[k]))
			b.WriteString("}")
		}
		b.WriteString("\n  }")
	}
	doc.b.WriteString("\n}")
	n.envelopes = append(n.envelopes, envelopeParts{msg: msg, head: head, tail: doc.b.String()})
	return &n.envelopes[len(n.envelopes)-1]
}

// jsonSafe reports whether encoding/json writes s as itself between
// quotes: printable ASCII without quote or backslash.
func jsonSafe(s string) bool {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < 0x20 || c > 0x7e || c == '"' || c == '\\' {
			return false
		}
	}
	return true
}

// writeJSONString writes s as a JSON string without HTML escaping, as
// AWS's encoder does.
func writeJSONString(b *bytes.Buffer, s string) {
	if jsonSafe(s) {
		b.Grow(len(s) + 2)
		b.WriteByte('"')
		b.WriteString(s)
		b.WriteByte('"')
		return
	}
	enc := json.NewEncoder(b)
	enc.SetEscapeHTML(false)
	_ = enc.Encode(s)
	b.Truncate(b.Len() - 1) // Encode's newline
}

// confirmationLocked builds the SubscriptionConfirmation an http, https,
// email or email-json endpoint gets, or nil for other protocols. t.mu must
// be held.
func (t *Topic) confirmationLocked(sub *Subscription) *delivery {
	msg := "You have chosen to subscribe to the topic " + t.arn +
		".\nTo confirm the subscription, visit the SubscribeURL included in this message."
	return t.controlMessageLocked(sub, "SubscriptionConfirmation", msg)
}

// unsubscribeConfirmationLocked builds the UnsubscribeConfirmation an http
// or https endpoint gets when its subscription is deleted, or nil for other
// protocols. t.mu must be held.
func (t *Topic) unsubscribeConfirmationLocked(sub *Subscription) *delivery {
	if sub.protocol != "http" && sub.protocol != "https" {
		return nil
	}
	msg := "You have chosen to deactivate subscription " + sub.arn +
		".\nTo cancel this operation and restore the subscription, visit the SubscribeURL included in this message."
	return t.controlMessageLocked(sub, "UnsubscribeConfirmation", msg)
}

// controlMessageLocked builds a SubscriptionConfirmation or
// UnsubscribeConfirmation: the signed JSON document for http, https and
// email-json endpoints, a plain-text email with the SubscribeURL for email
// ones. t.mu must be held.
func (t *Topic) controlMessageLocked(sub *Subscription, typ, msg string) *delivery {
	now := t.nowLocked()
	id := newUUID(t.rng)
	subscribeURL := t.svc.subscribeURL(t.arn, sub.token)
	switch sub.protocol {
	case "email", "email-json":
		body := t.controlDocLocked(typ, id, msg, subscribeURL, sub.token, now)
		if sub.protocol == "email" {
			body = "You have chosen to subscribe to the topic: \n" + t.arn +
				"\n\nTo confirm this subscription, click or visit the link below (If this was in error no action is necessary):\n" +
				subscribeURL + "\n"
		}
		return &delivery{protocol: sub.protocol, endpoint: sub.endpoint, out: &OutboxMessage{
			Time: now, Protocol: sub.protocol, Endpoint: sub.endpoint, TopicArn: t.arn,
			Type: typ, MessageId: id,
			Subject: "AWS Notification - Subscription Confirmation", Token: sub.token, Body: body,
		}}
	case "http", "https":
		// Confirmations are retried by the subscription's delivery policy
		// and count against its throttle, as notifications do.
		body := t.controlDocLocked(typ, id, msg, subscribeURL, sub.token, now)
		hp := sub.httpPolicyLocked()
		return &delivery{protocol: sub.protocol, endpoint: sub.endpoint, subArn: sub.arn, topic: t, body: body, http: &httpDelivery{
			topic: t, messageType: typ, messageID: id, contentType: defaultContentType,
			schedule: hp.schedule, perSecond: hp.maxPerSecond, notBefore: sub.throttleLocked(now, hp.maxPerSecond),
		}}
	}
	return nil
}

// controlDocLocked renders and signs the JSON document of a confirmation
// message, in AWS's key order. t.mu must be held.
func (t *Topic) controlDocLocked(typ, id, msg, subscribeURL, token string, now time.Time) string {
	ts := now.UTC().Format(timestampFormat)
	version := t.settings.attrs[AttrSignatureVersion]
	if version == "" {
		version = "1"
	}
	sig := t.svc.sign(version, stringToSign("Message", msg, "MessageId", id, "SubscribeURL", subscribeURL,
		"Timestamp", ts, "Token", token, "TopicArn", t.arn, "Type", typ))
	doc := newJSONDoc()
	doc.field("Type", typ)
	doc.field("MessageId", id)
	doc.field("Token", token)
	doc.field("TopicArn", t.arn)
	doc.field("Message", msg)
	doc.field("SubscribeURL", subscribeURL)
	doc.field("Timestamp", ts)
	doc.field("SignatureVersion", version)
	doc.field("Signature", sig)
	doc.field("SigningCertURL", t.svc.signingCertURL())
	return doc.String()
}

// deliver sends one delivery. It runs with no topic lock held (a FIFO
// topic's deliverMu at most).
func (s *Service) deliver(ctx context.Context, d delivery) {
	switch {
	case d.http != nil && d.http.notBefore.After(s.cfg.clock.Now()):
		d.topic.mu.Lock()
		d.topic.scheduleAtLocked(d, d.http.notBefore)
		d.topic.mu.Unlock()
	case d.http != nil:
		s.goDeliverHTTP(d)
	case d.out != nil && d.protocol == "firehose" && s.firehoseByARN(d.endpoint) != nil:
		d.body = d.out.Body // for the dead-letter queue
		s.deliverManaged(ctx, d, true)
	case d.out != nil:
		s.regMu.Lock()
		s.outbox = append(s.outbox, *d.out)
		s.regMu.Unlock()
	case d.lambda != nil || d.protocol == "sqs":
		s.deliverManaged(ctx, d, true)
	}
}

// sendToQueue sends a delivery's SQS message to the queue with the given
// ARN.
func (s *Service) sendToQueue(ctx context.Context, arn string, d delivery) error {
	in := queue.SendMessageInput{MessageBody: d.body, MessageAttributes: d.sqsAttrs}
	if strings.HasSuffix(arn, ".fifo") {
		in.MessageGroupId, in.MessageDeduplicationId = d.groupID, d.dedupID
	} else {
		in.MessageGroupId = d.groupID
	}
	q, cached := s.cachedQueue(arn)
	if q == nil {
		return queue.ErrQueueDoesNotExist
	}
	_, err := q.SendMessage(ctx, in)
	if err == nil || !cached {
		return err
	}
	// The queue may have been deleted, and another made with its name,
	// since it was cached: look it up again, as an uncached send would.
	s.regMu.Lock()
	if s.queueCache[arn] == q {
		delete(s.queueCache, arn)
	}
	s.regMu.Unlock()
	fresh := s.queueByARN(arn)
	switch {
	case fresh == nil:
		return queue.ErrQueueDoesNotExist
	case fresh == q:
		return err
	}
	_, err = fresh.SendMessage(ctx, in)
	return err
}

// cachedQueue is queueByARN without parsing the ARN or looking the queue
// up in the queue.Service each time: a registered queue comes first, as
// there, then one cached by an earlier call. cached reports that q came
// from WithQueues' Service, which may have deleted it since.
func (s *Service) cachedQueue(arn string) (q *queue.Queue, cached bool) {
	s.regMu.Lock()
	if q = s.queues[arn]; q == nil {
		q, cached = s.queueCache[arn], true
	}
	s.regMu.Unlock()
	if q != nil {
		return q, cached
	}
	q = s.queueByARN(arn)
	if q == nil {
		return nil, false
	}
	s.regMu.Lock()
	defer s.regMu.Unlock()
	if s.queues[arn] == q {
		return q, false
	}
	if s.queueCache == nil {
		s.queueCache = map[string]*queue.Queue{}
	}
	s.queueCache[arn] = q
	return q, true
}
