package firehose

import (
	"context"
	"errors"
	"io"
	"slices"
	"time"

	"github.com/sluicehq/sluice/stream"
)

// WithStreams sets the Kinesis Data Streams service whose streams
// KinesisStreamAsSource delivery streams name by ARN.
func WithStreams(s *stream.Service) Option { return func(cfg *config) { cfg.streams = s } }

// AggregateKPL returns one record in the Kinesis Producer Library's
// aggregated format holding data, all under partitionKey: what the KPL
// writes to a Kinesis stream. A KinesisStreamAsSource delivery stream
// de-aggregates it.
func AggregateKPL(partitionKey string, data ...[]byte) []byte {
	recs := make([]kplRecord, len(data))
	for i, b := range data {
		recs[i] = kplRecord{partitionKey: partitionKey, data: b}
	}
	return aggregate(recs)
}

// startSource begins reading the Kinesis source of a KinesisStreamAsSource
// delivery stream from LATEST: one reader per open shard, pushed records by
// the stream when they are written (stream.Service.ReadShard: no consumer
// is registered, as AWS's Firehose reads with GetRecords).
func (d *DeliveryStream) startSource(now time.Time) error {
	ks := d.svc.cfg.streams
	arn := d.source.KinesisStreamARN
	if ks == nil {
		return errArg("Kinesis stream %s cannot be read: the firehose Service has no stream Service (WithStreams).", arn)
	}
	if _, err := ks.Stream(arn); err != nil {
		return errArg("Kinesis stream %s not found.", arn)
	}
	ctx, cancel := context.WithCancel(context.Background())
	shards, err := ks.ListShards(ctx, stream.ListShardsInput{StreamARN: arn})
	if err != nil {
		cancel()
		return errArg("Kinesis stream %s cannot be read: %v", arn, err)
	}
	var subs []*shardReader
	for _, sh := range shards.Shards {
		if sh.SequenceNumberRange.EndingSequenceNumber != "" {
			continue
		}
		r := &shardReader{d: d, ks: ks, streamARN: arn, shard: sh.ShardId}
		if err := r.subscribe(ctx, stream.StartingPosition{Type: stream.Latest}); err != nil {
			cancel()
			return errArg("Kinesis stream %s cannot be read: %v", arn, err)
		}
		subs = append(subs, r)
	}
	d.mu.Lock()
	d.sourceAt = now
	d.stopSource = cancel
	for _, r := range subs {
		d.readers.Go(func() { r.run(ctx) })
	}
	d.mu.Unlock()
	return nil
}

// shardReader reads one shard of the source stream.
type shardReader struct {
	d         *DeliveryStream
	ks        *stream.Service
	streamARN string
	shard     string
	sub       *stream.Subscription
}

// subscribe starts reading the shard from pos.
func (r *shardReader) subscribe(ctx context.Context, pos stream.StartingPosition) error {
	sub, err := r.ks.ReadShard(ctx, stream.ReadShardInput{StreamARN: r.streamARN, ShardId: r.shard, StartingPosition: pos})
	if err != nil {
		return err
	}
	r.sub = sub
	return nil
}

// run delivers the shard's records until ctx ends or the shard is read to
// its end, then goes on with its children.
func (r *shardReader) run(ctx context.Context) {
	for {
		ev, err := r.sub.Next(ctx)
		if err != nil {
			if ctx.Err() == nil && !errors.Is(err, io.EOF) {
				r.d.svc.cfg.logger.Warn("firehose: reading the Kinesis source failed", "stream", r.d.name, "shard", r.shard, "error", err)
			}
			return
		}
		r.d.metrics.v[mKinesisMillisBehindLatest].Store(ev.MillisBehindLatest)
		if len(ev.Records) > 0 {
			r.d.ingestKinesis(ctx, r.shard, ev.Records)
		}
		if len(ev.ChildShards) > 0 {
			for _, child := range r.d.finishShard(r.shard, ev.ChildShards) {
				c := &shardReader{d: r.d, ks: r.ks, streamARN: r.streamARN, shard: child}
				if err := c.subscribe(ctx, stream.StartingPosition{Type: stream.TrimHorizon}); err == nil {
					r.d.readers.Go(func() { c.run(ctx) })
				}
			}
			return
		}
	}
}

// finishShard records that a shard was read to its end and returns the
// children to read now: those whose parents are all finished, once each.
// A merged shard has two parents, and its records come after both, so it
// waits for the second (per-key order is kept across resharding).
func (d *DeliveryStream) finishShard(shard string, children []stream.ChildShard) []string {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.sourceFinished == nil {
		d.sourceFinished = map[string]bool{}
	}
	d.sourceFinished[shard] = true
	var ready []string
	for _, c := range children {
		if d.sourceFinished[c.ShardId] || d.sourceStarted[c.ShardId] {
			continue
		}
		all := true
		for _, p := range c.ParentShards {
			all = all && d.sourceFinished[p]
		}
		if all {
			if d.sourceStarted == nil {
				d.sourceStarted = map[string]bool{}
			}
			d.sourceStarted[c.ShardId] = true
			ready = append(ready, c.ShardId)
		}
	}
	return ready
}

// ingestKinesis de-aggregates and processes records read from a shard.
func (d *DeliveryStream) ingestKinesis(ctx context.Context, shard string, recs []stream.Record) {
	d.mu.Lock()
	if d.stopped {
		d.mu.Unlock()
		return
	}
	dest := d.dest
	taps := d.tapsLocked()
	now := d.mono.Now(d.svc.cfg.clock)
	d.mu.Unlock()
	// The records reached Firehose when they were written: the reader
	// wakes then. Buffers open at that time even if the clock moved on
	// before this goroutine ran.
	if first := recs[0].ApproximateArrivalTimestamp; first.Before(now) {
		now = first
	}
	in := make([]inRecord, 0, len(recs))
	size := 0
	for _, rec := range recs {
		size += len(rec.Data)
		meta := func(key string, sub int) *KinesisRecordMetadata {
			return &KinesisRecordMetadata{ShardID: shard, PartitionKey: key, SequenceNumber: rec.SequenceNumber,
				ApproximateArrivalTimestamp: rec.ApproximateArrivalTimestamp.UnixMilli(), SubsequenceNumber: int64(sub)}
		}
		if users, ok := deaggregate(rec.Data); ok {
			for i, u := range users {
				in = append(in, inRecord{data: append([]byte(nil), u.data...), arrival: rec.ApproximateArrivalTimestamp, meta: meta(u.partitionKey, i)})
			}
			continue
		}
		in = append(in, inRecord{data: append([]byte(nil), rec.Data...), arrival: rec.ApproximateArrivalTimestamp, meta: meta(rec.PartitionKey, 0)})
	}
	d.metrics.add(mDataReadFromKinesisRecords, len(recs))
	d.metrics.add(mDataReadFromKinesisBytes, size)
	d.metrics.add(mIncomingRecords, len(in))
	d.metrics.add(mIncomingBytes, size)
	d.ingest(ctx, dest, in, now)
	if taps != nil {
		t := make([]TapRecord, len(in))
		for i, r := range in {
			t[i] = TapRecord{Data: slices.Clone(r.data), Arrival: r.arrival}
		}
		feedTaps(ctx, taps, t)
	}
}
