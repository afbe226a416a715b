package pubsub_test

// Throughput benchmarks. Run them with
//
//	go test -run '^$' -bench . -benchmem ./pubsub/
//
// BenchmarkPublishFanout reports deliveries/s: messages that reached a
// subscribed queue and were received and deleted by its consumer inside the
// timed loop, divided by b.Elapsed(). BenchmarkChannelBaseline is the
// yardstick: a buffered Go channel moving the same 100-byte bodies from the
// benchmark loop to one goroutine, measured in the same run.
//
// The fan-out benchmarks use the real clock: the consumers' long polls need
// a clock that moves by itself.

import (
	"context"
	"fmt"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/sluicehq/sluice/internal/clock"
	"github.com/sluicehq/sluice/pubsub"
	"github.com/sluicehq/sluice/queue"
)

// benchBodySize is the size of every message body the benchmarks publish.
const benchBodySize = 100

// benchBody returns a 100-byte body.
func benchBody() string {
	var b [benchBodySize]byte
	for j := range b {
		b[j] = 'a' + byte(j%26)
	}
	return string(b[:])
}

// benchReportRate reports moved messages per second of timed loop, as unit.
// It must be called after the b.Loop loop.
func benchReportRate(b *testing.B, moved int64, unit string) {
	b.Helper()
	if s := b.Elapsed().Seconds(); s > 0 {
		b.ReportMetric(float64(moved)/s, unit)
	}
}

// BenchmarkChannelBaseline moves 100-byte strings through a buffered channel
// from the benchmark loop to one consumer goroutine: the ceiling the fan-out
// benchmarks are compared with.
func BenchmarkChannelBaseline(b *testing.B) {
	ch := make(chan string, 1024)
	var wg sync.WaitGroup
	var total int
	wg.Go(func() {
		for s := range ch {
			total += len(s)
		}
	})
	body := benchBody()

	b.ReportAllocs()
	var sent int64
	for b.Loop() {
		ch <- body
		sent++
	}
	moved := sent - int64(len(ch)) // messages the consumer took
	close(ch)
	wg.Wait()
	if total != int(sent)*benchBodySize {
		b.Fatalf("consumer took %d bytes, want %d", total, sent*benchBodySize)
	}
	benchReportRate(b, moved, "msgs/s")
}

// Back-pressure between the publisher and the consumers: the publisher
// takes a slot of the gate for every benchGateUnit deliveries it makes (one
// per subscriber and publish), and each consumer gives one back for every
// benchGateUnit messages it deletes. So the queues never hold more than
// about benchGateSlots*benchGateUnit messages together. Consumers never
// block on the gate: they return only slots the publisher took.
// benchGateSlots must exceed the number of consumers plus one, or slots held
// back by consumers' partial counts could starve the publisher.
const (
	benchGateUnit  = 16
	benchGateSlots = 256
)

// benchGate is the publishing side of the gate.
type benchGate struct {
	gate     chan struct{}
	sent     int64 // deliveries made
	acquired int64 // slots taken
}

// admit blocks until n more deliveries may be made.
func (p *benchGate) admit(n int) {
	p.sent += int64(n)
	for p.acquired*benchGateUnit < p.sent {
		p.gate <- struct{}{}
		p.acquired++
	}
}

// benchEntryIDs are the batch entry ids "0".."9".
var benchEntryIDs = func() []string {
	ids := make([]string, queue.MaxBatchEntries)
	for i := range ids {
		ids[i] = strconv.Itoa(i)
	}
	return ids
}()

// benchConsumer long-polls q for up to 10 messages at a time and deletes
// them in one batch, until ctx is done, adding every deleted message to
// deleted and returning gate slots as it goes.
func benchConsumer(ctx context.Context, b *testing.B, q *queue.Queue, gate chan struct{}, deleted *atomic.Int64) {
	in := queue.ReceiveMessageInput{MaxNumberOfMessages: new(queue.MaxBatchEntries), WaitTimeSeconds: new(time.Second)}
	entries := make([]queue.DeleteMessageBatchRequestEntry, 0, queue.MaxBatchEntries)
	done := 0 // deleted, not yet returned to the gate
	for {
		out, err := q.ReceiveMessage(ctx, in)
		if ctx.Err() != nil {
			return
		}
		if err != nil {
			b.Errorf("ReceiveMessage: %v", err)
			return
		}
		if len(out.Messages) == 0 {
			continue
		}
		entries = entries[:0]
		for i, m := range out.Messages {
			entries = append(entries, queue.DeleteMessageBatchRequestEntry{Id: benchEntryIDs[i], ReceiptHandle: m.ReceiptHandle})
		}
		res, err := q.DeleteMessageBatch(ctx, queue.DeleteMessageBatchInput{Entries: entries})
		if err == nil && len(res.Failed) > 0 {
			err = fmt.Errorf("%d failed, first %s: %s", len(res.Failed), res.Failed[0].Code, res.Failed[0].Message)
		}
		if err != nil && ctx.Err() == nil {
			b.Errorf("DeleteMessageBatch: %v", err)
			return
		}
		deleted.Add(int64(len(out.Messages)))
		for done += len(out.Messages); done >= benchGateUnit; done -= benchGateUnit {
			<-gate
		}
	}
}

// BenchmarkPublishFanout publishes 100-byte messages with one attribute to
// a standard topic with N standard SQS queues subscribed (WithQueues), each
// drained by its own consumer goroutine that long-polls for up to 10
// messages and deletes them in a batch. envelope subscriptions get the JSON
// notification, raw ones the message itself (RawMessageDelivery);
// raw-filtered ones have a MessageBody filter policy the message passes.
// envelope signs each message with RSA, as AWS does (about 1 ms a publish);
// envelope-digest runs WithDigestSignatures. deliveries/s counts the
// messages all consumers deleted; msgs/s the publishes. Target:
// subscribers=10 at least 500,000 deliveries/s.
func BenchmarkPublishFanout(b *testing.B) {
	for _, n := range []int{1, 10} {
		for _, v := range []struct {
			name  string
			attrs map[string]string
			opts  []pubsub.Option
		}{
			{"envelope", nil, nil},
			{"envelope-digest", nil, []pubsub.Option{pubsub.WithDigestSignatures()}},
			{"raw", map[string]string{"RawMessageDelivery": "true"}, nil},
			{"raw-filtered", map[string]string{"RawMessageDelivery": "true",
				"FilterPolicyScope": "MessageBody", "FilterPolicy": `{"order":{"kind":["retail"]}}`}, nil},
		} {
			b.Run("subscribers="+strconv.Itoa(n)+"/"+v.name, func(b *testing.B) { benchFanout(b, n, v.attrs, v.opts...) })
		}
	}
}

// benchFilteredBody is a 100-byte JSON body the body-filter subscriptions
// match.
const benchFilteredBody = `{"order":{"kind":"retail","id":4242,"items":["apple","pear"]},"note":"abcdefghijklmnopqrstuvwxyz1234"}`

func benchFanout(b *testing.B, subscribers int, attrs map[string]string, opts ...pubsub.Option) {
	ctx, cancel := context.WithCancel(context.Background())
	qs := queue.New()
	svc := pubsub.New(append([]pubsub.Option{pubsub.WithQueues(qs)}, opts...)...)
	tp, err := svc.CreateTopic(ctx, pubsub.CreateTopicInput{Name: "bench"})
	if err != nil {
		b.Fatalf("CreateTopic: %v", err)
	}
	p := &benchGate{gate: make(chan struct{}, benchGateSlots)}
	var deleted atomic.Int64
	var wg sync.WaitGroup
	for i := range subscribers {
		q, err := qs.CreateQueue(ctx, queue.CreateQueueInput{QueueName: "q" + strconv.Itoa(i)})
		if err != nil {
			b.Fatalf("CreateQueue: %v", err)
		}
		if _, err := tp.Subscribe(ctx, pubsub.SubscribeInput{Protocol: "sqs", Endpoint: q.ARN(), Attributes: attrs}); err != nil {
			b.Fatalf("Subscribe: %v", err)
		}
		wg.Go(func() { benchConsumer(ctx, b, q, p.gate, &deleted) })
	}
	// Stops the consumers before the Services close, also after a Fatal.
	b.Cleanup(func() { cancel(); wg.Wait(); svc.Close(); qs.Close() })
	in := pubsub.PublishInput{Message: benchBody(),
		MessageAttributes: map[string]pubsub.MessageAttributeValue{"kind": {DataType: "String", StringValue: "order"}}}
	if attrs["FilterPolicyScope"] == "MessageBody" {
		in.Message = benchFilteredBody
	}

	b.ReportAllocs()
	var published int64
	for b.Loop() {
		p.admit(subscribers)
		if _, err := tp.Publish(ctx, in); err != nil {
			b.Fatalf("Publish: %v", err)
		}
		published++
	}
	moved := deleted.Load()
	benchReportRate(b, moved, "deliveries/s")
	benchReportRate(b, published, "msgs/s")
}

// BenchmarkPublish_FanOut publishes to a topic with one enveloped and one
// raw SQS subscription and one filtered-out subscription, on a mock clock
// with nobody receiving: the cost of Publish alone.
func BenchmarkPublish_FanOut(b *testing.B) {
	mock := clock.NewMock()
	qs := queue.New(queue.WithClock(mock))
	svc := pubsub.New(pubsub.WithClock(mock), pubsub.WithQueues(qs))
	ctx := b.Context()
	tp, _ := svc.CreateTopic(ctx, pubsub.CreateTopicInput{Name: "t"})
	for i, attrs := range []map[string]string{nil, {"RawMessageDelivery": "true"}, {"FilterPolicy": `{"k":["nope"]}`}} {
		q, _ := qs.CreateQueue(ctx, queue.CreateQueueInput{QueueName: string(rune('a' + i))})
		if _, err := tp.Subscribe(ctx, pubsub.SubscribeInput{Protocol: "sqs", Endpoint: q.ARN(), Attributes: attrs}); err != nil {
			b.Fatal(err)
		}
	}
	in := pubsub.PublishInput{Message: `{"order":42,"items":["a","b"]}`,
		MessageAttributes: map[string]pubsub.MessageAttributeValue{"k": {DataType: "String", StringValue: "v"}}}
	b.ReportAllocs()
	n := 0
	for b.Loop() {
		if _, err := tp.Publish(ctx, in); err != nil {
			b.Fatal(err)
		}
		n++
	}
	b.ReportMetric(float64(n)/b.Elapsed().Seconds(), "msgs/s")
}
