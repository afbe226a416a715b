package stream

import (
	"context"
	"io"
	"iter"
	"time"
)

// Enhanced fan-out timing.
const (
	// SubscriptionLifetime is how long a SubscribeToShard subscription
	// lasts; then the consumer subscribes again from its
	// ContinuationSequenceNumber.
	SubscriptionLifetime = 5 * time.Minute
	// SubscriptionTakeover is how long after a successful SubscribeToShard
	// another call for the same consumer and shard is refused; after it, a
	// new call takes the shard over and the old subscription ends.
	SubscriptionTakeover = 5 * time.Second
	// SubscriptionHeartbeat is the longest a subscription goes without an
	// event: with no records, an empty one advances the continuation.
	SubscriptionHeartbeat = 5 * time.Second
	// maxEventBytes bounds the records of one event: a consumer's 2 MiB/s
	// per shard.
	maxEventBytes = 2 << 20
)

// StartingPosition is where a subscription starts: an iterator type with
// its sequence number or timestamp.
type StartingPosition struct {
	Type           ShardIteratorType
	SequenceNumber string
	Timestamp      *time.Time
}

// SubscribeToShardInput is the input of [Service.SubscribeToShard].
type SubscribeToShardInput struct {
	ConsumerARN      string
	ShardId          string
	StartingPosition StartingPosition
}

// SubscribeToShardEvent is one event of a subscription.
type SubscribeToShardEvent struct {
	Records []Record
	// ContinuationSequenceNumber is where a new subscription continues, with
	// AFTER_SEQUENCE_NUMBER. It is empty in the last event of a closed
	// shard, which lists the ChildShards instead.
	ContinuationSequenceNumber string
	MillisBehindLatest         int64
	ChildShards                []ChildShard
}

// Subscription is one SubscribeToShard call's event stream: records are
// pushed to it as they are written. Read it with [Subscription.Next] or
// [Subscription.Events]. It ends after [SubscriptionLifetime] on the clock
// (Next returns io.EOF), after the closed shard's last event (io.EOF), when
// another subscription takes the shard over (ErrResourceInUseException) or
// the consumer is deregistered (ErrResourceNotFoundException).
type Subscription struct {
	s       *Stream
	c       *consumer
	sh      *shard
	started time.Time
	ends    time.Time

	// Guarded by the stream's mutex.
	pos  uint64
	last time.Time // when the latest event was returned; zero before the first
	done bool
	err  error
}

// SubscribeToShard subscribes an ACTIVE consumer to a shard from
// StartingPosition. A second call for the same consumer and shard within 5
// seconds of a successful one fails with ErrResourceInUseException; a later
// one takes over, and the earlier subscription ends with that error.
func (svc *Service) SubscribeToShard(ctx context.Context, in SubscribeToShardInput) (*Subscription, error) {
	p := in.StartingPosition
	if err := checkPosition(p.Type, p.SequenceNumber, p.Timestamp); err != nil {
		return nil, err
	}
	if err := validateShardIDText("shardId", in.ShardId); err != nil {
		return nil, err
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	s, c, now, err := svc.findConsumer(StreamConsumerInput{ConsumerARN: in.ConsumerARN})
	if err != nil {
		return nil, err
	}
	defer s.mu.Unlock()
	if st := c.statusAt(now); st != ConsumerStatusActive {
		return nil, errorf(ErrResourceInUseException, "Consumer %s is not in ACTIVE state, instead in state %s.", c.arn, st)
	}
	sh, err := s.shardLocked(in.ShardId, now)
	if err != nil {
		return nil, err
	}
	prev := c.subscribed[sh.index]
	if prev != nil && now.Sub(prev.started) < SubscriptionTakeover {
		return nil, errorf(ErrResourceInUseException,
			"Another active subscription exists for consumer %s on shard %s. Retry after %s.", c.arn, sh.id, prev.started.Add(SubscriptionTakeover).UTC().Format(time.RFC3339Nano))
	}
	pos, err := s.positionLocked(sh, p.Type, p.SequenceNumber, p.Timestamp, now)
	if err != nil {
		return nil, err
	}
	if prev != nil && !prev.done && prev.err == nil {
		prev.err = errorf(ErrResourceInUseException, "Subscription for consumer %s on shard %s was taken over by a newer subscription.", c.arn, sh.id)
		sh.wakeLocked()
	}
	sub := &Subscription{s: s, c: c, sh: sh, started: now, ends: now.Add(SubscriptionLifetime), pos: pos}
	c.subscribed[sh.index] = sub
	return sub, nil
}

// endSubscriptionsLocked ends c's subscriptions with err. The stream's
// mutex must be held.
func (c *consumer) endSubscriptionsLocked(err error) {
	for _, sub := range c.subscribed {
		if !sub.done && sub.err == nil {
			sub.err = err
			sub.sh.wakeLocked()
		}
	}
}

// Next returns the subscription's next event, waiting for records to be
// written (or for the heartbeat) if there are none. The first event comes
// at once, with whatever records are there.
func (sub *Subscription) Next(ctx context.Context) (SubscribeToShardEvent, error) {
	s := sub.s
	clk := s.svc.cfg.clock
	for {
		if err := ctx.Err(); err != nil {
			return SubscribeToShardEvent{}, err
		}
		s.mu.Lock()
		now := s.mono.Now(clk)
		s.catchUpLocked(now)
		s.consumersLocked(now)
		switch {
		case sub.err != nil:
			err := sub.err
			s.mu.Unlock()
			return SubscribeToShardEvent{}, err
		case s.gone:
			s.mu.Unlock()
			return SubscribeToShardEvent{}, s.errNotFound()
		case s.svc.isClosed():
			s.mu.Unlock()
			return SubscribeToShardEvent{}, errClosed()
		case sub.done || !now.Before(sub.ends):
			sub.done = true
			s.mu.Unlock()
			return SubscribeToShardEvent{}, io.EOF
		}
		sh := sub.sh
		out, next, _ := s.readLocked(sh, sub.pos, MaxGetRecordsLimit, maxEventBytes, now)
		end := !sh.isOpen() && next >= sh.next
		if len(out.Records) > 0 || end || sub.last.IsZero() || !now.Before(sub.last.Add(SubscriptionHeartbeat)) {
			ev := SubscribeToShardEvent{Records: out.Records, MillisBehindLatest: out.MillisBehindLatest}
			sub.pos, sub.last = next, now
			switch {
			case end:
				ev.ChildShards = s.childShardsLocked(sh)
				sub.done = true
			case len(out.Records) > 0:
				ev.ContinuationSequenceNumber = out.Records[len(out.Records)-1].SequenceNumber
			default:
				p := seqParts{shardEpoch: sh.epoch, shardIndex: sh.index, counter: next - 1, recordSec: now.Unix()}
				if p.counter == 0 {
					p.recordSec = sh.epoch
				}
				ev.ContinuationSequenceNumber = p.String()
			}
			s.mu.Unlock()
			return ev, nil
		}
		wake := sh.waitLocked()
		deadline := min(sub.ends.Sub(now), sub.last.Add(SubscriptionHeartbeat).Sub(now))
		s.mu.Unlock()
		t := clk.Timer(max(deadline, 0)) // a mock clock moves backwards on a negative duration
		select {
		case <-ctx.Done():
		case <-wake:
		case <-t.C:
		case <-s.svc.closed:
		}
		t.Stop()
	}
}

// Events returns the subscription's events as an iterator. It stops after
// the last event; an error other than the normal end (io.EOF) is yielded
// once, then it stops.
func (sub *Subscription) Events(ctx context.Context) iter.Seq2[SubscribeToShardEvent, error] {
	return func(yield func(SubscribeToShardEvent, error) bool) {
		for {
			ev, err := sub.Next(ctx)
			if err == io.EOF {
				return
			}
			if !yield(ev, err) || err != nil {
				return
			}
		}
	}
}

// Close ends the subscription: Next returns io.EOF.
func (sub *Subscription) Close() error {
	sub.s.mu.Lock()
	defer sub.s.mu.Unlock()
	sub.done = true
	sub.sh.wakeLocked()
	return nil
}
