package stream_test

import (
	"context"
	"errors"
	"io"
	"math/big"
	"strconv"
	"testing"
	"testing/synctest"
	"time"

	"pgregory.net/rapid"

	"github.com/sluicehq/sluice/internal/clock"
	"github.com/sluicehq/sluice/stream"
)

// TestSubscriptionModel drives one consumer's subscription to a one-shard
// stream with random puts (all with one partition key), clock advances,
// reads and one split, resubscribing from the ContinuationSequenceNumber
// whenever a subscription ends and moving to the child that takes the key
// once the parent's last event names its ChildShards. It checks against a
// model that every record is delivered exactly once and in put order across
// the split, that events come when (and only when) the model says one is
// due (records waiting, the parent's end, the 5-second heartbeat, the
// 5-minute end), and that a resubscription within 5 seconds is refused.
//
// Next is only called when the model says it will not wait; if it waits,
// the test fails.
func TestSubscriptionModel(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		rapid.SyncTest(t, func(t *rapid.T) {
			m := newSubModel(t)
			defer m.svc.Close()
			t.Repeat(map[string]func(*rapid.T){
				"put":         m.write,
				"advance":     m.advance,
				"next":        m.next,
				"resubscribe": m.resubscribe,
				"split":       m.split,
				"":            func(*rapid.T) {},
			})
		})
	})
}

type subModel struct {
	ctx      context.Context
	clock    *clock.Mock
	svc      *stream.Service
	s        *stream.Stream
	consumer string
	sub      *stream.Subscription
	started  time.Time // of the current subscription
	last     time.Time // latest event; zero before the first
	ended    bool      // Next returned io.EOF
	put      []string  // data of every record, in put order
	read     int       // records delivered
	cont     string    // latest ContinuationSequenceNumber
	shard    string    // the shard subscribed to
	closed   bool      // it was split
	inParent int       // records put before the split
	child    string    // the child that takes the key
}

func newSubModel(t *rapid.T) *subModel {
	mock := clock.NewMock()
	mock.Set(epoch)
	svc := stream.New(stream.WithClock(mock), stream.WithThrottling(false))
	m := &subModel{ctx: context.Background(), clock: mock, svc: svc, shard: shardID(0)}
	s, err := svc.CreateStream(m.ctx, stream.CreateStreamInput{StreamName: "sub", ShardCount: new(1)})
	if err != nil {
		t.Fatal(err)
	}
	c, err := svc.RegisterStreamConsumer(m.ctx, stream.RegisterStreamConsumerInput{StreamARN: s.ARN(), ConsumerName: "c"})
	if err != nil {
		t.Fatal(err)
	}
	m.s, m.consumer = s, c.Consumer.ConsumerARN
	m.subscribe(t, stream.StartingPosition{Type: stream.TrimHorizon})
	return m
}

func (m *subModel) subscribe(t *rapid.T, pos stream.StartingPosition) {
	sub, err := m.svc.SubscribeToShard(m.ctx, stream.SubscribeToShardInput{ConsumerARN: m.consumer, ShardId: m.shard, StartingPosition: pos})
	if err != nil {
		t.Fatalf("SubscribeToShard(%+v): %v", pos, err)
	}
	m.sub, m.started, m.last, m.ended = sub, m.clock.Now(), time.Time{}, false
}

func (m *subModel) write(t *rapid.T) {
	n := rapid.IntRange(1, 5).Draw(t, "n")
	for range n {
		d := strconv.Itoa(len(m.put))
		if _, err := m.s.PutRecord(m.ctx, stream.PutRecordInput{PartitionKey: "k", Data: []byte(d)}); err != nil {
			t.Fatalf("PutRecord: %v", err)
		}
		m.put = append(m.put, d)
	}
}

func (m *subModel) advance(t *rapid.T) {
	m.clock.Add(time.Duration(rapid.IntRange(0, 90_000).Draw(t, "ms")) * time.Millisecond)
}

// next reads one event, if the model says one is due.
func (m *subModel) next(t *rapid.T) {
	now := m.clock.Now()
	expired := !now.Before(m.started.Add(stream.SubscriptionLifetime))
	bound := len(m.put)
	if m.closed {
		bound = m.inParent
	}
	waiting := m.read < bound
	final := m.closed && !waiting
	heartbeat := m.last.IsZero() || !now.Before(m.last.Add(stream.SubscriptionHeartbeat))
	if !m.ended && !expired && !waiting && !final && !heartbeat {
		return // Next would wait
	}
	ev, err := m.nextNow(t)
	switch {
	case m.ended || expired:
		if !errors.Is(err, io.EOF) {
			t.Fatalf("after the subscription's end: %+v, %v; want io.EOF", ev, err)
		}
		m.ended = true
		return
	case err != nil:
		t.Fatalf("Next: %v", err)
	}
	if waiting && len(ev.Records) == 0 {
		t.Fatalf("an empty event while %d records wait", len(m.put)-m.read)
	}
	for _, r := range ev.Records {
		if m.read >= bound || string(r.Data) != m.put[m.read] {
			t.Fatalf("%s delivered %q, want record %d of %d", m.shard, r.Data, m.read, bound)
		}
		m.read++
	}
	if len(ev.ChildShards) > 0 {
		// The parent's last event: every parent record delivered, no
		// continuation, and the children listed.
		if !m.closed || m.read != m.inParent || ev.ContinuationSequenceNumber != "" || len(ev.ChildShards) != 2 {
			t.Fatalf("ChildShards event %+v with %d of %d parent records read (closed %v)", ev, m.read, m.inParent, m.closed)
		}
		if _, err := m.nextNow(t); !errors.Is(err, io.EOF) {
			t.Fatalf("after the parent's last event: %v, want io.EOF", err)
		}
		m.shard, m.closed, m.cont = m.child, false, ""
		m.subscribe(t, stream.StartingPosition{Type: stream.TrimHorizon})
		return
	}
	if final && len(ev.Records) == 0 {
		t.Fatalf("the closed parent's end came without ChildShards: %+v", ev)
	}
	if ev.ContinuationSequenceNumber == "" {
		t.Fatal("no ContinuationSequenceNumber on an open shard")
	}
	m.cont, m.last = ev.ContinuationSequenceNumber, now
}

// split splits the first shard once, at the middle of the key space.
func (m *subModel) split(t *rapid.T) {
	if m.shard != shardID(0) || m.closed {
		return
	}
	if err := m.svc.SplitShard(m.ctx, stream.SplitShardInput{StreamName: "sub", ShardToSplit: shardID(0), NewStartingHashKey: half}); err != nil {
		t.Fatalf("SplitShard: %v", err)
	}
	k, _ := new(big.Int).SetString(stream.PartitionKeyHash("k"), 10)
	h, _ := new(big.Int).SetString(half, 10)
	m.child = shardID(1)
	if k.Cmp(h) >= 0 {
		m.child = shardID(2)
	}
	m.closed, m.inParent = true, len(m.put)
}

// nextNow calls Next, failing the test if it waits: everything in the
// bubble settles first, and a Next still waiting then is cancelled.
func (m *subModel) nextNow(t *rapid.T) (stream.SubscribeToShardEvent, error) {
	ctx, cancel := context.WithCancel(m.ctx)
	defer cancel()
	done := make(chan nextResult, 1)
	go func() {
		ev, err := m.sub.Next(ctx)
		done <- nextResult{ev, err}
	}()
	synctest.Wait()
	select {
	case r := <-done:
		return r.ev, r.err
	default:
		cancel()
		<-done
		t.Fatalf("Next waited although an event was due (now %v, subscribed %v, last event %v, %d of %d read)",
			m.clock.Now(), m.started, m.last, m.read, len(m.put))
		return stream.SubscribeToShardEvent{}, nil
	}
}

// resubscribe starts a new subscription after the continuation, as a
// consumer does when one ends (or to take over one still running).
func (m *subModel) resubscribe(t *rapid.T) {
	if m.cont == "" {
		return
	}
	now := m.clock.Now()
	sub, err := m.svc.SubscribeToShard(m.ctx, stream.SubscribeToShardInput{ConsumerARN: m.consumer, ShardId: m.shard,
		StartingPosition: stream.StartingPosition{Type: stream.AfterSequenceNumber, SequenceNumber: m.cont}})
	if now.Before(m.started.Add(stream.SubscriptionTakeover)) {
		if !errors.Is(err, stream.ErrResourceInUseException) {
			t.Fatalf("resubscribing %v after the last: %v, want ResourceInUseException", now.Sub(m.started), err)
		}
		return
	}
	if err != nil {
		t.Fatalf("resubscribe: %v", err)
	}
	// The new subscription takes the shard over: the old one, unless it
	// had already ended, fails with ResourceInUseException.
	if !m.ended {
		if _, err := m.nextNow(t); !errors.Is(err, stream.ErrResourceInUseException) {
			t.Fatalf("the taken-over subscription's Next: %v, want ResourceInUseException", err)
		}
	}
	m.sub, m.started, m.last, m.ended = sub, now, time.Time{}, false
}
