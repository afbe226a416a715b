package stream_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"testing"
	"testing/synctest"
	"time"

	"github.com/sluicehq/sluice/stream"
)

func register(t *testing.T, e *env, s *stream.Stream, name string) stream.Consumer {
	t.Helper()
	out, err := e.svc.RegisterStreamConsumer(e.ctx, stream.RegisterStreamConsumerInput{StreamARN: s.ARN(), ConsumerName: name})
	if err != nil {
		t.Fatalf("RegisterStreamConsumer(%s): %v", name, err)
	}
	return out.Consumer
}

func TestConsumerLifecycle(t *testing.T) {
	e := newEnv(t, stream.WithTransitionDelay(10*time.Second), stream.WithThrottling(false))
	s := e.create("efo", 1)
	e.clock.Add(10 * time.Second)
	c := register(t, e, s, "app")
	if want := fmt.Sprintf("%s/consumer/app:%d", s.ARN(), e.clock.Now().Unix()); c.ConsumerARN != want || c.ConsumerStatus != stream.ConsumerStatusCreating {
		t.Fatalf("consumer = %+v, want ARN %s", c, want)
	}
	_, err := e.svc.RegisterStreamConsumer(e.ctx, stream.RegisterStreamConsumerInput{StreamARN: s.ARN(), ConsumerName: "app"})
	wantErr(t, err, stream.ErrResourceInUseException, "")
	_, err = e.svc.SubscribeToShard(e.ctx, stream.SubscribeToShardInput{ConsumerARN: c.ConsumerARN, ShardId: shardID(0), StartingPosition: stream.StartingPosition{Type: stream.Latest}})
	wantErr(t, err, stream.ErrResourceInUseException, "")
	e.clock.Add(10 * time.Second)
	d, err := e.svc.DescribeStreamConsumer(e.ctx, stream.StreamConsumerInput{ConsumerARN: c.ConsumerARN})
	if err != nil || d.ConsumerDescription.ConsumerStatus != stream.ConsumerStatusActive || d.ConsumerDescription.StreamARN != s.ARN() {
		t.Fatalf("describe = %+v, %v", d, err)
	}
	if _, err := e.svc.DescribeStreamConsumer(e.ctx, stream.StreamConsumerInput{StreamARN: s.ARN(), ConsumerName: "app"}); err != nil {
		t.Fatal(err)
	}
	wantErr(t, e.svc.DeleteStream(e.ctx, stream.DeleteStreamInput{StreamName: "efo"}), stream.ErrResourceInUseException, "")
	if err := e.svc.DeregisterStreamConsumer(e.ctx, stream.StreamConsumerInput{ConsumerARN: c.ConsumerARN}); err != nil {
		t.Fatal(err)
	}
	d, _ = e.svc.DescribeStreamConsumer(e.ctx, stream.StreamConsumerInput{ConsumerARN: c.ConsumerARN})
	if d.ConsumerDescription.ConsumerStatus != stream.ConsumerStatusDeleting {
		t.Fatalf("after deregister: %+v", d)
	}
	e.clock.Add(10 * time.Second)
	_, err = e.svc.DescribeStreamConsumer(e.ctx, stream.StreamConsumerInput{ConsumerARN: c.ConsumerARN})
	wantErr(t, err, stream.ErrResourceNotFoundException, "")
	// Registering the name again gives a new ARN.
	e.clock.Add(time.Second)
	if c2 := register(t, e, s, "app"); c2.ConsumerARN == c.ConsumerARN {
		t.Fatalf("same ARN after re-registering: %s", c2.ConsumerARN)
	}
	if err := e.svc.DeleteStream(e.ctx, stream.DeleteStreamInput{StreamName: "efo", EnforceConsumerDeletion: true}); err != nil {
		t.Fatal(err)
	}
}

func TestConsumerLimits(t *testing.T) {
	e := newEnv(t, stream.WithTransitionDelay(time.Minute), stream.WithThrottling(false))
	s := e.create("lim", 1)
	e.clock.Add(time.Minute)
	for i := range 5 {
		register(t, e, s, fmt.Sprint("c", i))
	}
	_, err := e.svc.RegisterStreamConsumer(e.ctx, stream.RegisterStreamConsumerInput{StreamARN: s.ARN(), ConsumerName: "c5"})
	wantErr(t, err, stream.ErrLimitExceededException, "")
	for i := 5; i < 20; i++ {
		if i%5 == 0 {
			e.clock.Add(time.Minute)
		}
		register(t, e, s, fmt.Sprint("c", i))
	}
	e.clock.Add(time.Minute)
	_, err = e.svc.RegisterStreamConsumer(e.ctx, stream.RegisterStreamConsumerInput{StreamARN: s.ARN(), ConsumerName: "c20"})
	wantErr(t, err, stream.ErrLimitExceededException, "")
	// Pages of 3 over consumers registered five at a time: every one
	// listed once.
	listed := map[string]bool{}
	tok := ""
	for page := 0; ; page++ {
		out, err := e.svc.ListStreamConsumers(e.ctx, stream.ListStreamConsumersInput{StreamARN: s.ARN(), MaxResults: new(3), NextToken: tok})
		if err != nil || len(out.Consumers) > 3 {
			t.Fatalf("page %d: %d, %v", page, len(out.Consumers), err)
		}
		for _, c := range out.Consumers {
			if listed[c.ConsumerName] {
				t.Fatalf("%s listed twice", c.ConsumerName)
			}
			listed[c.ConsumerName] = true
		}
		if tok = out.NextToken; tok == "" {
			break
		}
	}
	if len(listed) != 20 {
		t.Fatalf("listed %d consumers, want 20", len(listed))
	}
	out, err := e.svc.ListStreamConsumers(e.ctx, stream.ListStreamConsumersInput{StreamARN: s.ARN(), MaxResults: new(5)})
	if err != nil || out.NextToken == "" {
		t.Fatal(err)
	}
	e.clock.Add(300*time.Second + time.Millisecond)
	_, err = e.svc.ListStreamConsumers(e.ctx, stream.ListStreamConsumersInput{StreamARN: s.ARN(), NextToken: out.NextToken})
	wantErr(t, err, stream.ErrExpiredNextTokenException, "")
	_, err = e.svc.ListStreamConsumers(e.ctx, stream.ListStreamConsumersInput{StreamARN: s.ARN(), NextToken: "bogus"})
	wantErr(t, err, stream.ErrInvalidArgumentException, "")
	if sum := e.summary(s); sum.ConsumerCount != 20 {
		t.Fatalf("ConsumerCount = %d", sum.ConsumerCount)
	}
	_, err = e.svc.RegisterStreamConsumer(e.ctx, stream.RegisterStreamConsumerInput{StreamARN: s.ARN(), ConsumerName: "bad name"})
	wantErr(t, err, stream.ErrValidationException, "")
}

func TestConsumerLimitWithAdvantage(t *testing.T) {
	e := newEnv(t, stream.WithThrottling(false))
	s := e.create("adv", 1)
	if _, err := e.svc.UpdateAccountSettings(e.ctx, stream.UpdateAccountSettingsInput{
		MinimumThroughputBillingCommitment: stream.MinimumThroughputBillingCommitmentInput{Status: stream.CommitmentEnabled}}); err != nil {
		t.Fatal(err)
	}
	for i := range stream.MaxConsumersAdvantage {
		register(t, e, s, fmt.Sprint("c", i))
	}
	_, err := e.svc.RegisterStreamConsumer(e.ctx, stream.RegisterStreamConsumerInput{StreamARN: s.ARN(), ConsumerName: "one-more"})
	wantErr(t, err, stream.ErrLimitExceededException, "")
}

// efo is a stream with one ACTIVE consumer, inside a synctest bubble.
func efo(t *testing.T) (*env, *stream.Stream, stream.Consumer) {
	e := newEnv(t, stream.WithThrottling(false))
	s := e.create("efo", 1)
	return e, s, register(t, e, s, "app")
}

func subscribe(t *testing.T, e *env, c stream.Consumer, pos stream.StartingPosition) *stream.Subscription {
	t.Helper()
	sub, err := e.svc.SubscribeToShard(e.ctx, stream.SubscribeToShardInput{ConsumerARN: c.ConsumerARN, ShardId: shardID(0), StartingPosition: pos})
	if err != nil {
		t.Fatalf("SubscribeToShard: %v", err)
	}
	return sub
}

type nextResult struct {
	ev  stream.SubscribeToShardEvent
	err error
}

// goNext calls Next in a goroutine and returns where its result arrives.
func goNext(ctx context.Context, sub *stream.Subscription) <-chan nextResult {
	ch := make(chan nextResult, 1)
	go func() {
		ev, err := sub.Next(ctx)
		ch <- nextResult{ev, err}
	}()
	return ch
}

// pending reports whether a result has arrived, after everything in the
// bubble has settled.
func pending(ch <-chan nextResult) bool {
	synctest.Wait()
	return len(ch) == 0
}

func TestSubscribeToShardPushes(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		e, s, c := efo(t)
		e.put(s, "k", "old")
		sub := subscribe(t, e, c, stream.StartingPosition{Type: stream.TrimHorizon})
		ev, err := sub.Next(e.ctx)
		if err != nil || strings.Join(data(ev.Records), ",") != "old" || ev.ContinuationSequenceNumber != ev.Records[0].SequenceNumber {
			t.Fatalf("first event = %+v, %v", ev, err)
		}
		ch := goNext(e.ctx, sub)
		if !pending(ch) {
			t.Fatal("Next returned with nothing to deliver")
		}
		e.put(s, "k", "new")
		r := <-ch
		if r.err != nil || strings.Join(data(r.ev.Records), ",") != "new" || r.ev.MillisBehindLatest != 0 {
			t.Fatalf("pushed event = %+v, %v", r.ev, r.err)
		}
		// With no records, a heartbeat event comes after 5 s and carries a
		// continuation that resumes where the subscription is.
		ch = goNext(e.ctx, sub)
		if !pending(ch) {
			t.Fatal("heartbeat before 5 s")
		}
		e.clock.Add(5 * time.Second)
		r = <-ch
		if r.err != nil || len(r.ev.Records) != 0 || r.ev.ContinuationSequenceNumber == "" {
			t.Fatalf("heartbeat = %+v, %v", r.ev, r.err)
		}
		e.put(s, "k", "later")
		resumed := e.get(s, e.iterator(s, shardID(0), stream.AfterSequenceNumber, r.ev.ContinuationSequenceNumber))
		if strings.Join(data(resumed.Records), ",") != "later" {
			t.Fatalf("resuming after the continuation reads %v", data(resumed.Records))
		}
	})
}

func TestSubscribeToShardLifetimeAndCancel(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		e, s, c := efo(t)
		sub := subscribe(t, e, c, stream.StartingPosition{Type: stream.Latest})
		if _, err := sub.Next(e.ctx); err != nil {
			t.Fatal(err)
		}
		ctx, cancel := context.WithCancel(e.ctx)
		ch := goNext(ctx, sub)
		if !pending(ch) {
			t.Fatal("returned early")
		}
		cancel()
		if r := <-ch; !errors.Is(r.err, context.Canceled) {
			t.Fatalf("after cancel: %v", r.err)
		}
		done := make(chan int)
		go func() {
			events := 0
			for range sub.Events(e.ctx) {
				events++
			}
			done <- events
		}()
		for range 61 {
			synctest.Wait()
			e.clock.Add(5 * time.Second)
		}
		events := <-done
		if _, err := sub.Next(e.ctx); err != io.EOF {
			t.Fatalf("after 5 minutes: %v", err)
		}
		if events < 55 || events > 61 {
			t.Fatalf("%d heartbeat events in 5 minutes", events)
		}
		_ = s
	})
}

func TestSubscribeToShardTakeover(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		e, _, c := efo(t)
		old := subscribe(t, e, c, stream.StartingPosition{Type: stream.Latest})
		e.clock.Add(4 * time.Second)
		_, err := e.svc.SubscribeToShard(e.ctx, stream.SubscribeToShardInput{ConsumerARN: c.ConsumerARN, ShardId: shardID(0), StartingPosition: stream.StartingPosition{Type: stream.Latest}})
		wantErr(t, err, stream.ErrResourceInUseException, "")
		if _, err := old.Next(e.ctx); err != nil {
			t.Fatal(err)
		}
		ch := goNext(e.ctx, old)
		if !pending(ch) {
			t.Fatal("returned early")
		}
		e.clock.Add(time.Second)
		synctest.Wait()
		subscribe(t, e, c, stream.StartingPosition{Type: stream.Latest})
		r := <-ch
		wantErr(t, r.err, stream.ErrResourceInUseException, "")
	})
}

func TestSubscribeToShardEndsAtChildShards(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		e, s, c := efo(t)
		e.put(s, "k", "parent")
		sub := subscribe(t, e, c, stream.StartingPosition{Type: stream.TrimHorizon})
		if ev, err := sub.Next(e.ctx); err != nil || len(ev.Records) != 1 {
			t.Fatalf("first = %+v, %v", ev, err)
		}
		ch := goNext(e.ctx, sub)
		if !pending(ch) {
			t.Fatal("returned early")
		}
		if err := e.svc.SplitShard(e.ctx, stream.SplitShardInput{StreamName: "efo", ShardToSplit: shardID(0), NewStartingHashKey: half}); err != nil {
			t.Fatal(err)
		}
		r := <-ch
		if r.err != nil || len(r.ev.ChildShards) != 2 || r.ev.ContinuationSequenceNumber != "" {
			t.Fatalf("last event = %+v, %v", r.ev, r.err)
		}
		if _, err := sub.Next(e.ctx); err != io.EOF {
			t.Fatalf("after the last event: %v", err)
		}
	})
}

func TestSubscribeDeliversLargeRecords(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		e, s, c := efo(t)
		if err := e.svc.UpdateMaxRecordSize(e.ctx, stream.UpdateMaxRecordSizeInput{StreamARN: s.ARN(), MaxRecordSizeInKiB: 10240}); err != nil {
			t.Fatal(err)
		}
		e.put(s, "k", string(make([]byte, 3<<20)))
		e.put(s, "k", "small")
		sub := subscribe(t, e, c, stream.StartingPosition{Type: stream.TrimHorizon})
		for _, want := range []int{3 << 20, 5} {
			ev, err := sub.Next(e.ctx)
			if err != nil || len(ev.Records) != 1 || len(ev.Records[0].Data) != want {
				t.Fatalf("event = %d records, %v; want one of %d bytes", len(ev.Records), err, want)
			}
		}
	})
}

func TestSubscribeEndsOnDeregister(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		e, _, c := efo(t)
		sub := subscribe(t, e, c, stream.StartingPosition{Type: stream.Latest})
		sub.Next(e.ctx)
		ch := goNext(e.ctx, sub)
		if !pending(ch) {
			t.Fatal("returned early")
		}
		if err := e.svc.DeregisterStreamConsumer(e.ctx, stream.StreamConsumerInput{ConsumerARN: c.ConsumerARN}); err != nil {
			t.Fatal(err)
		}
		wantErr(t, (<-ch).err, stream.ErrResourceNotFoundException, "")
	})
}

func TestCloseEndsSubscriptions(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		e, _, c := efo(t)
		sub := subscribe(t, e, c, stream.StartingPosition{Type: stream.Latest})
		sub.Next(e.ctx)
		ch := goNext(e.ctx, sub)
		if !pending(ch) {
			t.Fatal("returned early")
		}
		e.svc.Close()
		wantErr(t, (<-ch).err, stream.ErrInternalFailure, "")
	})
}
