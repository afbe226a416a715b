package pubsub_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"pgregory.net/rapid"

	"github.com/sluicehq/sluice/internal/clock"
	"github.com/sluicehq/sluice/pubsub"
	"github.com/sluicehq/sluice/queue"
)

// TestModelFifoTopic runs random sequences of publishes, subscription
// changes and clock moves on a FIFO topic with a FIFO queue, a standard
// queue and a queue that subscribes and unsubscribes, and checks what each
// queue receives against psModel: no message lost, none duplicated, the 5-
// minute deduplication window, and each group's order. It runs in a
// synctest bubble because the mock clock's Add pauses for a millisecond.
func TestModelFifoTopic(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		rapid.SyncTest(t, func(t *rapid.T) {
			m := newPSMachine(t)
			defer m.svc.Close()
			defer m.queues.Close()
			t.Repeat(map[string]func(*rapid.T){
				"publish":      m.publish,
				"publishBatch": m.publishBatch,
				"toggle":       m.toggle,
				"advance":      m.advance,
				"":             m.check,
			})
		})
	})
}

// psModel is the plain model: the deduplication ids seen and when they
// expire, and the bodies each queue should hold, by group.
type psModel struct {
	now     time.Time
	seen    map[string]time.Time // dedup id -> expiry
	want    map[string]map[string][]string
	toggled bool // the third queue is subscribed
	next    int
}

type psMachine struct {
	ctx    context.Context
	clock  *clock.Mock
	queues *queue.Service
	svc    *pubsub.Service
	topic  *pubsub.Topic
	qs     map[string]*queue.Queue
	togSub string
	model  psModel
}

func newPSMachine(t *rapid.T) *psMachine {
	ctx := context.Background()
	mock := clock.NewMock()
	mock.Set(psEpoch)
	qsvc := queue.New(queue.WithClock(mock))
	svc := pubsub.New(pubsub.WithClock(mock), pubsub.WithQueues(qsvc))
	tp, err := svc.CreateTopic(ctx, pubsub.CreateTopicInput{Name: "t.fifo", Attributes: map[string]string{"FifoTopic": "true"}})
	if err != nil {
		t.Fatal(err)
	}
	m := &psMachine{ctx: ctx, clock: mock, queues: qsvc, svc: svc, topic: tp, qs: map[string]*queue.Queue{},
		model: psModel{now: psEpoch, seen: map[string]time.Time{}, want: map[string]map[string][]string{}}}
	for _, name := range []string{"f.fifo", "std", "tog"} {
		var attrs queue.Attributes
		if name == "f.fifo" {
			attrs.FifoQueue = new(true)
		}
		q, err := qsvc.CreateQueue(ctx, queue.CreateQueueInput{QueueName: name, Attributes: attrs})
		if err != nil {
			t.Fatal(err)
		}
		m.qs[name] = q
		m.model.want[name] = map[string][]string{}
		if name != "tog" {
			m.subscribe(t, name)
		}
	}
	return m
}

func (m *psMachine) subscribe(t *rapid.T, name string) string {
	out, err := m.topic.Subscribe(m.ctx, pubsub.SubscribeInput{Protocol: "sqs", Endpoint: m.qs[name].ARN(),
		Attributes: map[string]string{"RawMessageDelivery": "true"}})
	if err != nil {
		t.Fatal(err)
	}
	return out.SubscriptionArn
}

// expect records in the model what one publish should deliver.
func (m *psMachine) expect(group, dedup, body string) {
	md := &m.model
	if exp, ok := md.seen[dedup]; ok && exp.After(md.now) {
		return
	}
	md.seen[dedup] = md.now.Add(5 * time.Minute)
	for name := range m.qs {
		if name == "tog" && !md.toggled {
			continue
		}
		g := group
		if name != "f.fifo" {
			g = ""
		}
		md.want[name][g] = append(md.want[name][g], body)
	}
}

func (m *psMachine) drawEntry(t *rapid.T) (group, dedup, body string) {
	m.model.next++
	return rapid.SampledFrom([]string{"g1", "g2"}).Draw(t, "group"),
		rapid.SampledFrom([]string{"d1", "d2", "d3", "d4", "d5"}).Draw(t, "dedup"),
		fmt.Sprint("m", m.model.next)
}

func (m *psMachine) publish(t *rapid.T) {
	group, dedup, body := m.drawEntry(t)
	if _, err := m.topic.Publish(m.ctx, pubsub.PublishInput{Message: body, MessageGroupId: group, MessageDeduplicationId: dedup}); err != nil {
		t.Fatal(err)
	}
	m.expect(group, dedup, body)
}

func (m *psMachine) publishBatch(t *rapid.T) {
	n := rapid.IntRange(1, 10).Draw(t, "n")
	var es []pubsub.PublishBatchRequestEntry
	for i := range n {
		group, dedup, body := m.drawEntry(t)
		es = append(es, pubsub.PublishBatchRequestEntry{Id: fmt.Sprint("e", i), Message: body, MessageGroupId: group, MessageDeduplicationId: dedup})
	}
	out, err := m.topic.PublishBatch(m.ctx, pubsub.PublishBatchInput{PublishBatchRequestEntries: es})
	if err != nil || len(out.Successful) != n {
		t.Fatalf("PublishBatch = %+v, %v", out, err)
	}
	for _, e := range es {
		m.expect(e.MessageGroupId, e.MessageDeduplicationId, e.Message)
	}
}

func (m *psMachine) toggle(t *rapid.T) {
	if m.model.toggled {
		if _, err := m.svc.Unsubscribe(m.ctx, pubsub.UnsubscribeInput{SubscriptionArn: m.togSub}); err != nil {
			t.Fatal(err)
		}
	} else {
		m.togSub = m.subscribe(t, "tog")
	}
	m.model.toggled = !m.model.toggled
}

func (m *psMachine) advance(t *rapid.T) {
	d := time.Duration(rapid.IntRange(0, 400).Draw(t, "seconds")) * time.Second
	m.clock.Add(d)
	m.model.now = m.model.now.Add(d)
}

// check drains every queue and compares it with the model.
func (m *psMachine) check(t *rapid.T) {
	for name, q := range m.qs {
		got := map[string][]string{}
		for {
			out, err := q.ReceiveMessage(m.ctx, queue.ReceiveMessageInput{MaxNumberOfMessages: new(10), WaitTimeSeconds: new(time.Duration(0)),
				MessageSystemAttributeNames: []queue.MessageSystemAttributeName{queue.SystemAttributeAll}})
			if err != nil {
				t.Fatal(err)
			}
			if len(out.Messages) == 0 {
				break
			}
			for _, msg := range out.Messages {
				g := msg.Attributes[queue.SystemAttributeMessageGroupId]
				got[g] = append(got[g], msg.Body)
				if _, err := q.DeleteMessage(m.ctx, queue.DeleteMessageInput{ReceiptHandle: msg.ReceiptHandle}); err != nil {
					t.Fatal(err)
				}
			}
		}
		want := m.model.want[name]
		for g := range want {
			if fmt.Sprint(got[g]) != fmt.Sprint(want[g]) {
				t.Fatalf("%s group %q: got %v, want %v", name, g, got[g], want[g])
			}
		}
		for g := range got {
			if _, ok := want[g]; !ok && len(got[g]) > 0 {
				t.Fatalf("%s group %q: unexpected %v", name, g, got[g])
			}
		}
		m.model.want[name] = map[string][]string{}
	}
}
