package pubsub_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math/rand/v2"
	"slices"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"pgregory.net/rapid"

	"github.com/sluicehq/sluice/internal/clock"
	"github.com/sluicehq/sluice/pubsub"
	"github.com/sluicehq/sluice/queue"
)

// TestTopicModel runs random sequences of topic creation and deletion,
// SQS subscriptions (raw or envelope, with attribute-scope filter
// policies), unsubscribes, filter-policy changes, publishes with message
// attributes and queue drains on standard topics, and checks against
// tmModel: every publish reaches exactly the live subscriptions whose
// policy it passes at publish time, once each, with the publish's
// MessageId; raw queues get the body and attributes, envelope queues the
// notification with the right Message, MessageId, TopicArn and attributes;
// and ListSubscriptionsByTopic lists the model's subscriptions.
func TestTopicModel(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		m := newTMMachine(t)
		defer m.svc.Close()
		defer m.queues.Close()
		t.Repeat(map[string]func(*rapid.T){
			"createTopic": m.createTopic,
			"subscribe":   m.subscribe,
			"unsubscribe": m.unsubscribe,
			"setFilter":   m.setFilter,
			"publish":     m.publish,
			"deleteTopic": m.deleteTopic,
			"drain":       m.drain,
			"":            m.check,
		})
		m.drain(t)
	})
}

// tmAttr is one message attribute: its data type and string value.
type tmAttr struct{ typ, val string }

// tmPolicy is a filter policy and the model's evaluation of it on a
// message's attributes.
type tmPolicy struct {
	json  string
	match func(a map[string]tmAttr) bool
}

func tmNum(a map[string]tmAttr, name string) (float64, bool) {
	v, ok := a[name]
	if !ok || v.typ != "Number" {
		return 0, false
	}
	f, err := strconv.ParseFloat(v.val, 64)
	return f, err == nil
}

func tmStr(a map[string]tmAttr, name string) (string, bool) {
	v, ok := a[name]
	if !ok || v.typ != "String" {
		return "", false
	}
	return v.val, true
}

var tmPolicies = []tmPolicy{
	{`{"region":["us-east-1"]}`, func(a map[string]tmAttr) bool {
		s, ok := tmStr(a, "region")
		return ok && s == "us-east-1"
	}},
	{`{"region":[{"prefix":"eu-"}]}`, func(a map[string]tmAttr) bool {
		s, ok := tmStr(a, "region")
		return ok && strings.HasPrefix(s, "eu-")
	}},
	{`{"amount":[{"numeric":[">=",10,"<",100]}]}`, func(a map[string]tmAttr) bool {
		f, ok := tmNum(a, "amount")
		return ok && f >= 10 && f < 100
	}},
	{`{"kind":[{"exists":true}]}`, func(a map[string]tmAttr) bool {
		_, ok := a["kind"]
		return ok
	}},
	// exists false never holds on a message without attributes (filter.go).
	{`{"kind":[{"exists":false}]}`, func(a map[string]tmAttr) bool {
		_, ok := a["kind"]
		return len(a) > 0 && !ok
	}},
	{`{"region":[{"anything-but":["us-east-1","us-west-2"]}]}`, func(a map[string]tmAttr) bool {
		s, ok := tmStr(a, "region")
		return ok && s != "us-east-1" && s != "us-west-2"
	}},
	{`{"region":[{"prefix":"us-"}],"amount":[{"numeric":[">",0]}]}`, func(a map[string]tmAttr) bool {
		s, ok := tmStr(a, "region")
		f, ok2 := tmNum(a, "amount")
		return ok && ok2 && strings.HasPrefix(s, "us-") && f > 0
	}},
	{`{"kind":["order","refund"],"amount":[{"numeric":["<=",5]}]}`, func(a map[string]tmAttr) bool {
		s, ok := tmStr(a, "kind")
		f, ok2 := tmNum(a, "amount")
		return ok && ok2 && (s == "order" || s == "refund") && f <= 5
	}},
}

var (
	tmRegions = []string{"us-east-1", "us-west-2", "eu-west-1", "ap-south-1"}
	tmAmounts = []string{"0", "5", "10", "99.5", "100", "-3", "1e1"}
	tmKinds   = []string{"order", "refund", "other"}
	tmQueues  = []string{"q1", "q2", "q3"}
	tmTopics  = []string{"t1", "t2", "t3"}
)

type tmSub struct {
	arn, topic, queue string
	raw               bool
	policy            int // index in tmPolicies, -1 for none
}

type tmTopic struct {
	h    *pubsub.Topic
	subs []*tmSub // in creation order
}

type tmMachine struct {
	ctx     context.Context
	queues  *queue.Service
	svc     *pubsub.Service
	qs      map[string]*queue.Queue
	topics  map[string]*tmTopic
	deleted []*pubsub.Topic     // handles of deleted topics
	dead    []string            // ARNs of deleted subscriptions
	want    map[string][]string // queue -> delivery keys expected
	next    int
}

func newTMMachine(t *rapid.T) *tmMachine {
	ctx := context.Background()
	mock := clock.NewMock()
	mock.Set(psEpoch)
	qsvc := queue.New(queue.WithClock(mock))
	svc := pubsub.New(pubsub.WithClock(mock), pubsub.WithQueues(qsvc), pubsub.WithRand(rand.NewPCG(1, 2)), pubsub.WithDigestSignatures())
	m := &tmMachine{ctx: ctx, queues: qsvc, svc: svc, qs: map[string]*queue.Queue{},
		topics: map[string]*tmTopic{}, want: map[string][]string{}}
	for _, name := range tmQueues {
		q, err := qsvc.CreateQueue(ctx, queue.CreateQueueInput{QueueName: name})
		if err != nil {
			t.Fatal(err)
		}
		m.qs[name] = q
	}
	return m
}

func (m *tmMachine) topicNames() []string {
	var ns []string
	for n := range m.topics {
		ns = append(ns, n)
	}
	sort.Strings(ns)
	return ns
}

func (m *tmMachine) allSubs() []*tmSub {
	var ss []*tmSub
	for _, n := range m.topicNames() {
		ss = append(ss, m.topics[n].subs...)
	}
	return ss
}

func (m *tmMachine) createTopic(t *rapid.T) {
	name := rapid.SampledFrom(tmTopics).Draw(t, "topic")
	h, err := m.svc.CreateTopic(m.ctx, pubsub.CreateTopicInput{Name: name})
	if err != nil {
		t.Fatal(err)
	}
	if mt, ok := m.topics[name]; ok {
		if h.ARN() != mt.h.ARN() {
			t.Fatalf("CreateTopic(%s) again: ARN %s, want %s", name, h.ARN(), mt.h.ARN())
		}
		return
	}
	m.topics[name] = &tmTopic{h: h}
}

func (m *tmMachine) drawPolicy(t *rapid.T) int {
	return rapid.IntRange(-1, len(tmPolicies)-1).Draw(t, "policy")
}

func (m *tmMachine) subscribe(t *rapid.T) {
	if len(m.topics) == 0 {
		return // not applicable: no topic
	}
	name := rapid.SampledFrom(m.topicNames()).Draw(t, "topic")
	qn := rapid.SampledFrom(tmQueues).Draw(t, "queue")
	raw := rapid.Bool().Draw(t, "raw")
	pol := m.drawPolicy(t)
	attrs := map[string]string{pubsub.AttrRawMessageDelivery: strconv.FormatBool(raw)}
	if pol >= 0 {
		attrs[pubsub.AttrFilterPolicy] = tmPolicies[pol].json
	}
	mt := m.topics[name]
	out, err := mt.h.Subscribe(m.ctx, pubsub.SubscribeInput{Protocol: "sqs", Endpoint: m.qs[qn].ARN(), Attributes: attrs})
	for _, s := range mt.subs {
		if s.queue != qn {
			continue
		}
		// Subscribe compares only the attributes it is given: no
		// FilterPolicy matches any.
		if s.raw == raw && (pol < 0 || s.policy == pol) {
			if err != nil || out.SubscriptionArn != s.arn {
				t.Fatalf("Subscribe again with the same attributes = %q, %v; want %s", out.SubscriptionArn, err, s.arn)
			}
		} else if !errors.Is(err, pubsub.ErrInvalidParameter) {
			t.Fatalf("Subscribe again with other attributes: err %v, want InvalidParameter", err)
		}
		return
	}
	if err != nil {
		t.Fatal(err)
	}
	mt.subs = append(mt.subs, &tmSub{arn: out.SubscriptionArn, topic: name, queue: qn, raw: raw, policy: pol})
}

func (m *tmMachine) unsubscribe(t *rapid.T) {
	live := m.allSubs()
	if len(live) == 0 && len(m.dead) == 0 {
		return // not applicable: no subscription
	}
	if len(live) == 0 || (len(m.dead) > 0 && rapid.IntRange(0, 4).Draw(t, "deadPick") == 0) {
		arn := rapid.SampledFrom(m.dead).Draw(t, "dead")
		if _, err := m.svc.Unsubscribe(m.ctx, pubsub.UnsubscribeInput{SubscriptionArn: arn}); err != nil {
			t.Fatalf("Unsubscribe(deleted): %v", err)
		}
		return
	}
	s := rapid.SampledFrom(live).Draw(t, "sub")
	if _, err := m.svc.Unsubscribe(m.ctx, pubsub.UnsubscribeInput{SubscriptionArn: s.arn}); err != nil {
		t.Fatal(err)
	}
	mt := m.topics[s.topic]
	mt.subs = slices.DeleteFunc(mt.subs, func(x *tmSub) bool { return x == s })
	m.dead = append(m.dead, s.arn)
}

func (m *tmMachine) setFilter(t *rapid.T) {
	live := m.allSubs()
	if len(live) == 0 {
		return // not applicable: no subscription
	}
	s := rapid.SampledFrom(live).Draw(t, "sub")
	pol := m.drawPolicy(t)
	h, err := m.svc.SubscriptionFromARN(s.arn)
	if err != nil {
		t.Fatal(err)
	}
	v := ""
	if pol >= 0 {
		v = tmPolicies[pol].json
	}
	if _, err := h.SetSubscriptionAttributes(m.ctx, pubsub.SetSubscriptionAttributesInput{AttributeName: pubsub.AttrFilterPolicy, AttributeValue: v}); err != nil {
		t.Fatal(err)
	}
	s.policy = pol
	got, err := h.GetSubscriptionAttributes(m.ctx)
	if err != nil {
		t.Fatal(err)
	}
	if got.Attributes[pubsub.AttrFilterPolicy] != v {
		t.Fatalf("FilterPolicy = %q, want %q", got.Attributes[pubsub.AttrFilterPolicy], v)
	}
}

// tmAttrKey is the canonical text of a set of attributes.
func tmAttrKey(a map[string]tmAttr) string {
	var parts []string
	for n, v := range a {
		parts = append(parts, n+"="+v.typ+":"+v.val)
	}
	sort.Strings(parts)
	return strings.Join(parts, ";")
}

func (m *tmMachine) publish(t *rapid.T) {
	if len(m.deleted) > 0 && rapid.IntRange(0, 9).Draw(t, "toDeleted") == 0 {
		h := rapid.SampledFrom(m.deleted).Draw(t, "deletedTopic")
		if _, err := h.Publish(m.ctx, pubsub.PublishInput{Message: "lost"}); !errors.Is(err, pubsub.ErrNotFound) {
			t.Fatalf("Publish to deleted topic: err %v, want NotFound", err)
		}
		return
	}
	if len(m.topics) == 0 {
		return // not applicable: no topic
	}
	name := rapid.SampledFrom(m.topicNames()).Draw(t, "topic")
	mt := m.topics[name]
	attrs := map[string]tmAttr{}
	if rapid.Bool().Draw(t, "hasRegion") {
		attrs["region"] = tmAttr{"String", rapid.SampledFrom(tmRegions).Draw(t, "region")}
	}
	if rapid.Bool().Draw(t, "hasAmount") {
		attrs["amount"] = tmAttr{"Number", rapid.SampledFrom(tmAmounts).Draw(t, "amount")}
	}
	if rapid.Bool().Draw(t, "hasKind") {
		attrs["kind"] = tmAttr{"String", rapid.SampledFrom(tmKinds).Draw(t, "kind")}
	}
	var in map[string]pubsub.MessageAttributeValue
	if len(attrs) > 0 {
		in = map[string]pubsub.MessageAttributeValue{}
		for n, v := range attrs {
			in[n] = pubsub.MessageAttributeValue{DataType: v.typ, StringValue: v.val}
		}
	}
	m.next++
	body := fmt.Sprint("m", m.next)
	out, err := mt.h.Publish(m.ctx, pubsub.PublishInput{Message: body, MessageAttributes: in})
	if err != nil {
		t.Fatal(err)
	}
	if out.MessageId == "" {
		t.Fatal("empty MessageId")
	}
	ak := tmAttrKey(attrs)
	for _, s := range mt.subs {
		if s.policy >= 0 && !tmPolicies[s.policy].match(attrs) {
			continue
		}
		var key string
		if s.raw {
			key = "raw|" + body + "|" + ak
		} else {
			key = "env|" + body + "|" + out.MessageId + "|" + mt.h.ARN() + "|" + ak
		}
		m.want[s.queue] = append(m.want[s.queue], key)
	}
}

func (m *tmMachine) deleteTopic(t *rapid.T) {
	if len(m.topics) == 0 {
		return // not applicable: no topic
	}
	name := rapid.SampledFrom(m.topicNames()).Draw(t, "topic")
	mt := m.topics[name]
	if _, err := m.svc.DeleteTopic(m.ctx, pubsub.DeleteTopicInput{TopicArn: mt.h.ARN()}); err != nil {
		t.Fatal(err)
	}
	for _, s := range mt.subs {
		m.dead = append(m.dead, s.arn)
		if _, err := m.svc.SubscriptionFromARN(s.arn); err == nil {
			t.Fatalf("subscription %s of deleted topic still found", s.arn)
		}
	}
	m.deleted = append(m.deleted, mt.h)
	delete(m.topics, name)
}

// tmNotification is the part of an SNS JSON notification the model checks.
type tmNotification struct {
	Type              string
	MessageId         string
	TopicArn          string
	Message           string
	MessageAttributes map[string]struct{ Type, Value string }
}

// drain receives and deletes every message of every queue and compares
// them, as a multiset, with what the model expects.
func (m *tmMachine) drain(t *rapid.T) {
	for _, name := range tmQueues {
		q := m.qs[name]
		var got []string
		for {
			out, err := q.ReceiveMessage(m.ctx, queue.ReceiveMessageInput{MaxNumberOfMessages: new(10), WaitTimeSeconds: new(time.Duration(0)),
				MessageAttributeNames: []string{"All"}})
			if err != nil {
				t.Fatal(err)
			}
			if len(out.Messages) == 0 {
				break
			}
			for _, msg := range out.Messages {
				got = append(got, tmKey(t, msg))
				if _, err := q.DeleteMessage(m.ctx, queue.DeleteMessageInput{ReceiptHandle: msg.ReceiptHandle}); err != nil {
					t.Fatal(err)
				}
			}
		}
		want := m.want[name]
		sort.Strings(got)
		sort.Strings(want)
		if !slices.Equal(got, want) {
			t.Fatalf("queue %s:\n got %q\nwant %q", name, got, want)
		}
		m.want[name] = nil
	}
}

// tmKey reads a received SQS message as the model's delivery key: a
// notification if its body is one, else a raw message.
func tmKey(t *rapid.T, msg queue.Message) string {
	if strings.HasPrefix(msg.Body, "{") {
		var n tmNotification
		if err := json.Unmarshal([]byte(msg.Body), &n); err != nil {
			t.Fatalf("notification %q: %v", msg.Body, err)
		}
		if n.Type != "Notification" {
			t.Fatalf("notification Type %q", n.Type)
		}
		if len(msg.MessageAttributes) != 0 {
			t.Fatalf("envelope delivery with SQS attributes %v", msg.MessageAttributes)
		}
		a := map[string]tmAttr{}
		for k, v := range n.MessageAttributes {
			a[k] = tmAttr{v.Type, v.Value}
		}
		return "env|" + n.Message + "|" + n.MessageId + "|" + n.TopicArn + "|" + tmAttrKey(a)
	}
	a := map[string]tmAttr{}
	for k, v := range msg.MessageAttributes {
		a[k] = tmAttr{v.DataType, v.StringValue}
	}
	return "raw|" + msg.Body + "|" + tmAttrKey(a)
}

// check compares ListSubscriptionsByTopic of every live topic with the
// model, and ListTopics with the model's topics.
func (m *tmMachine) check(t *rapid.T) {
	for _, name := range m.topicNames() {
		mt := m.topics[name]
		out, err := mt.h.ListSubscriptionsByTopic(m.ctx, pubsub.ListSubscriptionsByTopicInput{})
		if err != nil {
			t.Fatal(err)
		}
		var got, want []string
		for _, s := range out.Subscriptions {
			got = append(got, s.SubscriptionArn+" "+s.Protocol+" "+s.Endpoint+" "+s.TopicArn)
		}
		for _, s := range mt.subs {
			want = append(want, s.arn+" sqs "+m.qs[s.queue].ARN()+" "+mt.h.ARN())
		}
		if !slices.Equal(got, want) || out.NextToken != "" {
			t.Fatalf("ListSubscriptionsByTopic(%s):\n got %q (next %q)\nwant %q", name, got, out.NextToken, want)
		}
	}
	lt, err := m.svc.ListTopics(m.ctx, pubsub.ListTopicsInput{})
	if err != nil {
		t.Fatal(err)
	}
	got, want := lt.Topics, []string(nil)
	for _, name := range m.topicNames() {
		want = append(want, m.topics[name].h.ARN())
	}
	if !slices.Equal(got, want) {
		t.Fatalf("ListTopics: got %q, want %q", got, want)
	}
}
