package queue_test

// Throughput and memory benchmarks. Run them with
//
//	go test -run '^$' -bench . -benchmem ./queue/
//
// Every benchmark reports msgs/s: messages that completed their trip
// (sent, received and deleted; for the channel baseline, sent and taken)
// inside the timed loop, divided by b.Elapsed(). BenchmarkChannelBaseline is
// the yardstick: a buffered Go channel moving the same 100-byte bodies
// between two goroutines, measured in the same run.
//
// The benchmarks use the real clock: they measure wall time, and the
// consumers' long polls need a clock that moves by itself.

import (
	"context"
	"fmt"
	"runtime"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/sluicehq/sluice/queue"
)

// benchBodySize is the size of every message body the benchmarks move.
const benchBodySize = 100

// benchBody returns a distinct 100-byte body for i.
func benchBody(i int) string {
	var b [benchBodySize]byte
	for j := range b {
		b[j] = 'a' + byte(j%26)
	}
	copy(b[:], strconv.Itoa(i))
	return string(b[:])
}

// benchQueue returns a standard queue on a Service with the real clock.
func benchQueue(b *testing.B) *queue.Queue {
	b.Helper()
	svc := queue.New()
	b.Cleanup(func() { svc.Close() })
	q, err := svc.CreateQueue(context.Background(), queue.CreateQueueInput{QueueName: "bench"})
	if err != nil {
		b.Fatalf("CreateQueue: %v", err)
	}
	return q
}

// benchReportRate reports moved messages per second of timed loop. It must
// be called after the b.Loop loop.
func benchReportRate(b *testing.B, moved int64) {
	b.Helper()
	if s := b.Elapsed().Seconds(); s > 0 {
		b.ReportMetric(float64(moved)/s, "msgs/s")
	}
}

// Back-pressure between a producer and its consumers: the producer takes a
// slot of its gate channel for every benchGateUnit messages it sends, and
// each consumer gives one back for every benchGateUnit messages it deletes. So the
// queue never holds more than about benchGateSlots*benchGateUnit messages,
// at the cost of one channel operation per benchGateUnit messages on each
// side. Consumers never block on the gate: they return only slots the
// producer took. benchGateSlots must exceed the number of consumers plus one,
// or slots held back by consumers' partial counts could starve the producer.
const (
	benchGateUnit  = 16
	benchGateSlots = 64
)

// benchProducer is the sending side of the gate.
type benchProducer struct {
	gate     chan struct{}
	sent     int64 // messages sent
	acquired int64 // slots taken
}

// admit blocks until n more messages may be sent.
func (p *benchProducer) admit(n int) {
	p.sent += int64(n)
	for p.acquired*benchGateUnit < p.sent {
		p.gate <- struct{}{}
		p.acquired++
	}
}

// benchConsumer receives and deletes until ctx is done, adding every deleted
// message to deleted and returning gate slots as it goes. Consumers
// long-poll, so an idle consumer sleeps instead of spinning.
func benchConsumer(ctx context.Context, b *testing.B, q *queue.Queue, batch int, gate chan struct{}, deleted *atomic.Int64) {
	in := queue.ReceiveMessageInput{MaxNumberOfMessages: new(batch), WaitTimeSeconds: new(time.Second)}
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
		if batch == 1 {
			for _, m := range out.Messages {
				if _, err := q.DeleteMessage(ctx, queue.DeleteMessageInput{ReceiptHandle: m.ReceiptHandle}); err != nil && ctx.Err() == nil {
					b.Errorf("DeleteMessage: %v", err)
					return
				}
			}
		} else {
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
		}
		deleted.Add(int64(len(out.Messages)))
		for done += len(out.Messages); done >= benchGateUnit; done -= benchGateUnit {
			<-gate
		}
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

// benchPipeline runs one producer (the benchmark loop, sending batch
// messages per iteration) against the given number of consumer goroutines,
// each receiving and deleting batch messages at a time, and reports the
// rate of messages deleted while the loop ran.
func benchPipeline(b *testing.B, consumers, batch int) {
	benchPipelineOn(b, benchQueue(b), &benchSource{body: benchBody(0)}, consumers, batch)
}

// benchPipelineOn is benchPipeline on q, sending the messages src gives.
func benchPipelineOn(b *testing.B, q *queue.Queue, src *benchSource, consumers, batch int) {
	ctx, cancel := context.WithCancel(context.Background())
	p := &benchProducer{gate: make(chan struct{}, benchGateSlots)}
	var deleted atomic.Int64
	var wg sync.WaitGroup
	for range consumers {
		wg.Go(func() { benchConsumer(ctx, b, q, batch, p.gate, &deleted) })
	}
	// Stops the consumers before the Service closes, also after a Fatal.
	b.Cleanup(func() { cancel(); wg.Wait() })
	var send queue.SendMessageInput
	var sendBatch queue.SendMessageBatchInput
	for i := range batch {
		sendBatch.Entries = append(sendBatch.Entries, queue.SendMessageBatchRequestEntry{Id: benchEntryIDs[i]})
	}

	b.ReportAllocs()
	for b.Loop() {
		p.admit(batch)
		if batch == 1 {
			send.MessageBody, send.MessageGroupId, send.MessageDeduplicationId = src.next()
			if _, err := q.SendMessage(ctx, send); err != nil {
				b.Fatalf("SendMessage: %v", err)
			}
			continue
		}
		for i := range sendBatch.Entries {
			e := &sendBatch.Entries[i]
			e.MessageBody, e.MessageGroupId, e.MessageDeduplicationId = src.next()
		}
		out, err := q.SendMessageBatch(ctx, sendBatch)
		if err != nil || len(out.Failed) > 0 {
			b.Fatalf("SendMessageBatch: %v, %d failed", err, len(out.Failed))
		}
	}
	moved := deleted.Load()
	cancel()
	wg.Wait()
	benchReportRate(b, moved)
}

// benchSource gives the messages a benchmark sends. For a standard queue
// (no groups) every message is body. For a FIFO queue the messages take the
// groups in turn, and each is new to the 5-minute deduplication window:
// with content-based deduplication its body is body with a 12-digit counter
// written over its start, otherwise it carries the counter as MessageDeduplicationId.
// Either way a FIFO message costs the producer one allocation, as it would
// a real client.
type benchSource struct {
	body    string
	groups  []string
	content bool
	n       int
	buf     [benchBodySize]byte
}

// next returns the next message's body, MessageGroupId and
// MessageDeduplicationId.
func (s *benchSource) next() (body, group, dedupID string) {
	if len(s.groups) == 0 {
		return s.body, "", ""
	}
	s.n++
	group = s.groups[s.n%len(s.groups)]
	if s.content {
		// A fixed-width counter: a shorter one would leave part of the
		// body behind, and "1"+"bc..." would equal "1b"+"c...".
		copy(s.buf[:], s.body)
		for i, v := 11, s.n; i >= 0; i, v = i-1, v/10 {
			s.buf[i] = '0' + byte(v%10)
		}
		return string(s.buf[:]), group, ""
	}
	return s.body, group, strconv.Itoa(s.n)
}

// benchGroups returns n MessageGroupIds.
func benchGroups(n int) []string {
	groups := make([]string, n)
	for i := range groups {
		groups[i] = "g" + strconv.Itoa(i)
	}
	return groups
}

// benchFifoQueue returns a FIFO queue on a Service with the real clock, with
// ContentBasedDeduplication as given.
func benchFifoQueue(b *testing.B, contentDedup bool) *queue.Queue {
	b.Helper()
	svc := queue.New()
	b.Cleanup(func() { svc.Close() })
	q, err := svc.CreateQueue(context.Background(), queue.CreateQueueInput{
		QueueName:  "bench.fifo",
		Attributes: queue.Attributes{FifoQueue: new(true), ContentBasedDeduplication: new(contentDedup)},
	})
	if err != nil {
		b.Fatalf("CreateQueue: %v", err)
	}
	return q
}

// BenchmarkChannelBaseline moves 100-byte strings through a buffered channel
// from the benchmark loop to one consumer goroutine: the ceiling the queue
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
	body := benchBody(0)

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
	benchReportRate(b, moved)
}

// BenchmarkSendReceiveDelete moves one message per request.
//
//   - pipelined: one producer sends, one consumer long-polls and deletes.
//   - serial: one goroutine sends, short-polls and deletes, for the cost of
//     the three operations without any hand-off.
func BenchmarkSendReceiveDelete(b *testing.B) {
	b.Run("pipelined", func(b *testing.B) { benchPipeline(b, 1, 1) })
	b.Run("serial", func(b *testing.B) {
		benchSerial(b, benchQueue(b), 1, 0)
	})
}

// benchSerial sends, receives and deletes batch messages per iteration on q
// from one goroutine, with one request per operation; q holds depth messages
// beforehand, and depth stays constant.
func benchSerial(b *testing.B, q *queue.Queue, batch int, depth int64) {
	benchSerialOn(b, q, &benchSource{body: benchBody(0)}, batch, depth)
}

// benchSerialOn is benchSerial sending the messages src gives.
func benchSerialOn(b *testing.B, q *queue.Queue, src *benchSource, batch int, depth int64) {
	ctx := context.Background()
	var send queue.SendMessageInput
	var sendBatch queue.SendMessageBatchInput
	for i := range batch {
		sendBatch.Entries = append(sendBatch.Entries, queue.SendMessageBatchRequestEntry{Id: benchEntryIDs[i]})
	}
	recv := queue.ReceiveMessageInput{MaxNumberOfMessages: new(batch), WaitTimeSeconds: new(time.Duration(0))}
	del := queue.DeleteMessageBatchInput{Entries: make([]queue.DeleteMessageBatchRequestEntry, batch)}

	b.ReportAllocs()
	var moved int64
	for b.Loop() {
		if batch == 1 {
			send.MessageBody, send.MessageGroupId, send.MessageDeduplicationId = src.next()
			if _, err := q.SendMessage(ctx, send); err != nil {
				b.Fatalf("SendMessage: %v", err)
			}
		} else {
			for i := range sendBatch.Entries {
				e := &sendBatch.Entries[i]
				e.MessageBody, e.MessageGroupId, e.MessageDeduplicationId = src.next()
			}
			if out, err := q.SendMessageBatch(ctx, sendBatch); err != nil || len(out.Failed) > 0 {
				b.Fatalf("SendMessageBatch: %v, %d failed", err, len(out.Failed))
			}
		}
		out, err := q.ReceiveMessage(ctx, recv)
		if err != nil || len(out.Messages) != batch {
			b.Fatalf("ReceiveMessage: %d messages, want %d, %v", len(out.Messages), batch, err)
		}
		if batch == 1 {
			if _, err := q.DeleteMessage(ctx, queue.DeleteMessageInput{ReceiptHandle: out.Messages[0].ReceiptHandle}); err != nil {
				b.Fatalf("DeleteMessage: %v", err)
			}
		} else {
			for i, m := range out.Messages {
				del.Entries[i] = queue.DeleteMessageBatchRequestEntry{Id: benchEntryIDs[i], ReceiptHandle: m.ReceiptHandle}
			}
			if res, err := q.DeleteMessageBatch(ctx, del); err != nil || len(res.Failed) > 0 {
				b.Fatalf("DeleteMessageBatch: %v, %d failed", err, len(res.Failed))
			}
		}
		moved += int64(batch)
	}
	benchReportRate(b, moved)
	if got := benchVisible(b, q); got != depth {
		b.Fatalf("queue holds %d messages after the run, want %d", got, depth)
	}
}

// benchVisible returns ApproximateNumberOfMessages, which sluice counts
// exactly.
func benchVisible(b *testing.B, q *queue.Queue) int64 {
	b.Helper()
	name := queue.AttributeApproximateNumberOfMessages
	out, err := q.GetQueueAttributes(context.Background(), queue.GetQueueAttributesInput{AttributeNames: []queue.AttributeName{name}})
	if err != nil {
		b.Fatalf("GetQueueAttributes: %v", err)
	}
	n, err := strconv.ParseInt(out.Attributes[name], 10, 64)
	if err != nil {
		b.Fatalf("ApproximateNumberOfMessages %q: %v", out.Attributes[name], err)
	}
	return n
}

// BenchmarkSendReceiveDeleteBatch10 moves ten messages per request:
// SendMessageBatch, ReceiveMessage of up to 10, DeleteMessageBatch, with one
// producer and one consumer (pipelined) and from one goroutine (serial).
func BenchmarkSendReceiveDeleteBatch10(b *testing.B) {
	b.Run("pipelined", func(b *testing.B) { benchPipeline(b, 1, queue.MaxBatchEntries) })
	b.Run("serial", func(b *testing.B) { benchSerial(b, benchQueue(b), queue.MaxBatchEntries, 0) })
}

// BenchmarkCompetingConsumers runs one producer against one and four
// long-polling consumers, moving single messages and batches of ten; four
// consumers must not be slower than one.
func BenchmarkCompetingConsumers(b *testing.B) {
	for _, batch := range []int{1, queue.MaxBatchEntries} {
		for _, n := range []int{1, 4} {
			b.Run("batch="+strconv.Itoa(batch)+"/consumers="+strconv.Itoa(n), func(b *testing.B) { benchPipeline(b, n, batch) })
		}
	}
}

// BenchmarkFifoSendReceiveDelete moves one message per request through a
// FIFO queue, next to the standard queue (standard/...) for the ratio;
// target: FIFO at least half the standard queue's rate.
//
//   - groups=N: the producer sends to N message groups in turn, each message
//     with its own MessageDeduplicationId; content-dedup: the queue has
//     ContentBasedDeduplication and every body is distinct instead.
//   - pipelined: one producer sends, one consumer long-polls and deletes.
//     The consumer deletes each message before its next receive, which is
//     what lets groups=1 run at all: a FIFO queue hands out no message of
//     a group while an earlier one of it is in flight, so with one group
//     at most one message (MaxNumberOfMessages 1) is ever in flight.
//   - serial: one goroutine sends, short-polls and deletes; the queue holds
//     one message at a time, so the group count matters little here.
//   - batch10: SendMessageBatch, ReceiveMessage of up to 10 (on one group,
//     up to 10 of it in order), DeleteMessageBatch, pipelined.
func BenchmarkFifoSendReceiveDelete(b *testing.B) {
	b.Run("standard/pipelined", func(b *testing.B) { benchPipeline(b, 1, 1) })
	b.Run("standard/serial", func(b *testing.B) { benchSerial(b, benchQueue(b), 1, 0) })
	b.Run("standard/batch10", func(b *testing.B) { benchPipeline(b, 1, queue.MaxBatchEntries) })
	for _, n := range []int{1, 1000} {
		groups := benchGroups(n)
		name := "groups=" + strconv.Itoa(n)
		b.Run(name+"/pipelined", func(b *testing.B) {
			benchPipelineOn(b, benchFifoQueue(b, false), &benchSource{body: benchBody(0), groups: groups}, 1, 1)
		})
		b.Run(name+"/serial", func(b *testing.B) {
			benchSerialOn(b, benchFifoQueue(b, false), &benchSource{body: benchBody(0), groups: groups}, 1, 0)
		})
		b.Run(name+"/serial/content-dedup", func(b *testing.B) {
			benchSerialOn(b, benchFifoQueue(b, true), &benchSource{body: benchBody(0), groups: groups, content: true}, 1, 0)
		})
		b.Run(name+"/batch10", func(b *testing.B) {
			benchPipelineOn(b, benchFifoQueue(b, false), &benchSource{body: benchBody(0), groups: groups}, 1, queue.MaxBatchEntries)
		})
	}
}

// BenchmarkFifoManyGroupsBlocked runs on a FIFO queue holding one message in
// each of N groups, plus a group whose first message is in flight (for an
// hour) and whose second, the oldest visible message of the queue, is so
// blocked. Each op receives one message (the head of the group with the
// oldest head, never the blocked one), deletes it and sends a new one to
// the same group, keeping the depth. Choosing the group and the updates
// are O(log N): the rates for 10^3 and 10^5 groups should stay close.
func BenchmarkFifoManyGroupsBlocked(b *testing.B) {
	for _, c := range []struct {
		name   string
		groups int
	}{{"groups=1e3", 1_000}, {"groups=1e5", 100_000}} {
		b.Run(c.name, func(b *testing.B) {
			ctx := context.Background()
			q := benchFifoQueue(b, false)
			body := benchBody(0)
			n := 0 // deduplication ids sent so far
			sendTo := func(group string) {
				n++
				if _, err := q.SendMessage(ctx, queue.SendMessageInput{MessageBody: body, MessageGroupId: group, MessageDeduplicationId: strconv.Itoa(n)}); err != nil {
					b.Fatalf("SendMessage: %v", err)
				}
			}
			sendTo("blocked")
			sendTo("blocked")
			first, err := q.ReceiveMessage(ctx, queue.ReceiveMessageInput{VisibilityTimeout: new(time.Hour), WaitTimeSeconds: new(time.Duration(0))})
			if err != nil || len(first.Messages) != 1 {
				b.Fatalf("ReceiveMessage: %d messages, %v", len(first.Messages), err)
			}
			groups := benchGroups(c.groups)
			fill := queue.SendMessageBatchInput{Entries: make([]queue.SendMessageBatchRequestEntry, queue.MaxBatchEntries)}
			for i := 0; i < len(groups); i += queue.MaxBatchEntries {
				fill.Entries = fill.Entries[:min(queue.MaxBatchEntries, len(groups)-i)]
				for j := range fill.Entries {
					n++
					fill.Entries[j] = queue.SendMessageBatchRequestEntry{Id: benchEntryIDs[j], MessageBody: body,
						MessageGroupId: groups[i+j], MessageDeduplicationId: strconv.Itoa(n)}
				}
				if out, err := q.SendMessageBatch(ctx, fill); err != nil || len(out.Failed) > 0 {
					b.Fatalf("SendMessageBatch: %v, %d failed", err, len(out.Failed))
				}
			}
			recv := queue.ReceiveMessageInput{WaitTimeSeconds: new(time.Duration(0)),
				MessageSystemAttributeNames: []queue.MessageSystemAttributeName{queue.SystemAttributeMessageGroupId}}

			b.ReportAllocs()
			var moved int64
			for b.Loop() {
				out, err := q.ReceiveMessage(ctx, recv)
				if err != nil || len(out.Messages) != 1 {
					b.Fatalf("ReceiveMessage: %d messages, %v", len(out.Messages), err)
				}
				m := out.Messages[0]
				group := m.Attributes[queue.SystemAttributeMessageGroupId]
				if group == "blocked" {
					b.Fatalf("received a message of the blocked group")
				}
				if _, err := q.DeleteMessage(ctx, queue.DeleteMessageInput{ReceiptHandle: m.ReceiptHandle}); err != nil {
					b.Fatalf("DeleteMessage: %v", err)
				}
				sendTo(group)
				moved++
			}
			benchReportRate(b, moved)
			if got, want := benchVisible(b, q), int64(c.groups+1); got != want {
				b.Fatalf("queue holds %d visible messages after the run, want %d", got, want)
			}
		})
	}
}

// BenchmarkDepth runs the serial send, receive, delete loop on a queue
// holding 10^3 and 10^6 messages: receive and delete are O(log n), so the
// rates should stay close.
func BenchmarkDepth(b *testing.B) {
	for _, c := range []struct {
		name  string
		depth int
	}{{"depth=1e3", 1_000}, {"depth=1e6", 1_000_000}} {
		b.Run(c.name, func(b *testing.B) {
			q := benchQueue(b)
			body := benchBody(0)
			benchFill(b, q, c.depth, func(int) string { return body })
			benchSerial(b, q, 1, int64(c.depth))
		})
	}
}

// benchFill sends n messages to q in batches of ten; body(i) is the i-th
// body.
func benchFill(b *testing.B, q *queue.Queue, n int, body func(i int) string) {
	b.Helper()
	ctx := context.Background()
	in := queue.SendMessageBatchInput{Entries: make([]queue.SendMessageBatchRequestEntry, queue.MaxBatchEntries)}
	for i := 0; i < n; i += queue.MaxBatchEntries {
		in.Entries = in.Entries[:min(queue.MaxBatchEntries, n-i)]
		for j := range in.Entries {
			in.Entries[j] = queue.SendMessageBatchRequestEntry{Id: benchEntryIDs[j], MessageBody: body(i + j)}
		}
		out, err := q.SendMessageBatch(ctx, in)
		if err != nil || len(out.Failed) > 0 {
			b.Fatalf("SendMessageBatch: %v, %d failed", err, len(out.Failed))
		}
	}
}

// benchMemoryMessages is how many messages BenchmarkMemoryPerMessage stores.
const benchMemoryMessages = 1_000_000

// BenchmarkMemoryPerMessage fills a new queue with 10^6 distinct 100-byte
// messages per iteration and reports the live heap the queue holds per
// message beyond its body (heapB/msg; budget 200), measured after a GC
// before and after the fill. The bodies are allocated before the first
// measurement and outlive the queue, so they count on both sides. msgs/s is
// the rate of the fill, sending in batches of ten into an ever deeper queue.
func BenchmarkMemoryPerMessage(b *testing.B) {
	bodies := make([]string, benchMemoryMessages)
	for i := range bodies {
		bodies[i] = benchBody(i)
	}
	var heap int64
	var ms runtime.MemStats

	b.ReportAllocs()
	for b.Loop() {
		b.StopTimer()
		runtime.GC()
		runtime.ReadMemStats(&ms)
		before := ms.HeapAlloc
		b.StartTimer()

		svc := queue.New()
		q, err := svc.CreateQueue(context.Background(), queue.CreateQueueInput{QueueName: "bench"})
		if err != nil {
			b.Fatalf("CreateQueue: %v", err)
		}
		benchFill(b, q, len(bodies), func(i int) string { return bodies[i] })

		b.StopTimer()
		runtime.GC()
		runtime.ReadMemStats(&ms)
		heap += int64(ms.HeapAlloc) - int64(before)
		runtime.KeepAlive(q)
		svc.Close()
		b.StartTimer()
	}
	runtime.KeepAlive(bodies)
	perMsg := float64(heap) / float64(b.N) / benchMemoryMessages
	b.ReportMetric(perMsg, "heapB/msg")
	benchReportRate(b, int64(b.N)*benchMemoryMessages)
	if perMsg > 200 {
		b.Errorf("queue holds %.0f heap bytes per message beyond the body, budget 200", perMsg)
	}
}
