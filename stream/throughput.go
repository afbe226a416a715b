package stream

import (
	"context"
	"time"
)

// Throughput limits of one shard, as AWS enforces them (on-demand shards
// have the same).
const (
	ShardWriteBytesPerSecond   = 1 << 20 // 1 MiB/s, partition keys included
	ShardWriteRecordsPerSecond = 1000
	ShardReadBytesPerSecond    = 2 << 20 // 2 MiB/s, shared by all GetRecords callers
	ShardReadCallsPerSecond    = 5
	// GetRecordsPenalty is how long a shard refuses GetRecords after a call
	// that returned MaxGetRecordsBytes.
	GetRecordsPenalty = 5 * time.Second
	// ShardIteratorsPerSecond is the GetShardIterator rate per shard.
	ShardIteratorsPerSecond = 5
)

// bucket is a token bucket on the clock. Its level is kept in
// token-nanoseconds, so refills are exact integers and a run on the mock
// clock is deterministic. The zero value is full.
type bucket struct {
	used  int64 // token-nanoseconds spent and not yet refilled
	since int64 // unix nanoseconds of the last refill
}

// refill returns the bucket's state at now for rate tokens per second.
func (b *bucket) refill(now int64, rate int64) {
	if b.used > 0 {
		// Cap the elapsed time so elapsed*rate cannot overflow: the bucket
		// is never more than 10 s of the rate in debt.
		el := min(now-b.since, int64(10*time.Second))
		b.used = max(0, b.used-el*rate)
	}
	b.since = now
}

// take spends n tokens if the bucket (burst tokens deep, refilled at rate
// per second) holds them.
func (b *bucket) take(now, rate, burst, n int64) bool {
	b.refill(now, rate)
	if b.used+n*1e9 > burst*1e9 {
		return false
	}
	b.used += n * 1e9
	return true
}

// writeLimiter is a shard's write allowance: 1 MiB and 1,000 records a
// second.
type writeLimiter struct{ records, bytes bucket }

// take admits a record of size bytes, or reports that the shard is over its
// rate.
func (w *writeLimiter) take(now int64, size int) bool {
	w.records.refill(now, ShardWriteRecordsPerSecond)
	w.bytes.refill(now, ShardWriteBytesPerSecond)
	if w.records.used+1e9 > ShardWriteRecordsPerSecond*1e9 ||
		w.bytes.used+int64(size)*1e9 > ShardWriteBytesPerSecond*1e9 && w.bytes.used > 0 {
		// A record larger than a second's bytes (up to 10 MiB) is taken by
		// an idle shard and paid off over the following seconds, the burst
		// AWS allows large records.
		return false
	}
	w.records.used += 1e9
	w.bytes.used += int64(size) * 1e9
	return true
}

// readLimiter is a shard's GetRecords allowance: 5 calls and 2 MiB a
// second, and nothing for 5 s after a 10 MiB response.
type readLimiter struct {
	calls   bucket
	bytes   bucket
	penalty int64 // unix nanoseconds until which calls are refused
}

// admit reports whether a GetRecords call may run now, and takes a call.
func (r *readLimiter) admit(now int64) bool {
	if now < r.penalty {
		return false
	}
	r.bytes.refill(now, ShardReadBytesPerSecond)
	if r.bytes.used >= ShardReadBytesPerSecond*1e9 {
		return false
	}
	return r.calls.take(now, ShardReadCallsPerSecond, ShardReadCallsPerSecond, 1)
}

// spend charges a response of n bytes.
func (r *readLimiter) spend(now int64, n int) {
	r.bytes.used += int64(n) * 1e9
	if n >= MaxGetRecordsBytes {
		r.penalty = now + int64(GetRecordsPenalty)
	}
}

// operation names a control-plane operation with its own rate.
type operation uint8

const (
	opCreateStream operation = iota
	opDeleteStream
	opDescribeStream
	opDescribeStreamSummary
	opListStreams
	opListShards
	opDescribeLimits
	opSplitShard
	opMergeShards
	opUpdateShardCount
	opTags
	opRegisterConsumer
	opDescribeConsumer
	opListConsumers
	opDeregisterConsumer
	opUpdateStreamMode
	opEncryption
	numOperations
)

// operationRates are AWS's control-plane rates in calls per second: per
// account, except the perStream ones.
var operationRates = [numOperations]int64{
	opCreateStream:          5,
	opDeleteStream:          5,
	opDescribeStream:        10,
	opDescribeStreamSummary: 20,
	opListStreams:           5,
	opListShards:            1000,
	opDescribeLimits:        1,
	opSplitShard:            5,
	opMergeShards:           5,
	opUpdateShardCount:      10,
	opTags:                  5,
	opRegisterConsumer:      5,
	opDescribeConsumer:      20,
	opListConsumers:         5,
	opDeregisterConsumer:    5,
	opUpdateStreamMode:      5,
	opEncryption:            5,
}

// perStream marks the operations whose rate AWS counts per stream rather
// than per account.
var perStream = [numOperations]bool{opListShards: true, opListConsumers: true, opDescribeConsumer: true, opDeregisterConsumer: true}

// rateLimits is a stream's own control-plane allowance, for the perStream
// operations.
type rateLimits [numOperations]bucket

// rateLocked admits one call of a per-stream operation. s.mu must be held.
func (s *Stream) rateLocked(op operation, now time.Time) error {
	if !s.svc.cfg.throttling {
		return nil
	}
	r := operationRates[op]
	if !s.rates[op].take(now.UnixNano(), r, r, 1) {
		return errorf(ErrLimitExceededException, "Rate exceeded for stream %s under account %s.", s.name, s.svc.cfg.account)
	}
	return nil
}

// rate admits one call of op, or returns LimitExceededException when the
// account (or, for ListShards, the stream) is over AWS's rate for it.
func (svc *Service) rate(ctx context.Context, op operation, s *Stream) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	if !svc.cfg.throttling {
		return nil
	}
	r := operationRates[op]
	if perStream[op] && s != nil {
		s.mu.Lock()
		defer s.mu.Unlock()
		return s.rateLocked(op, s.mono.Now(svc.cfg.clock))
	}
	svc.mu.Lock()
	defer svc.mu.Unlock()
	b := svc.rates[op]
	if b == nil {
		b = &bucket{}
		svc.rates[op] = b
	}
	if !b.take(svc.cfg.clock.Now().UnixNano(), r, r, 1) {
		return errorf(ErrLimitExceededException, "Rate exceeded for account %s.", svc.cfg.account)
	}
	return nil
}
