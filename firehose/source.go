package firehose

import (
	"context"
	"errors"
	"io"
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
// delivery stream from LATEST: one SubscribeToShard reader per open
// shard, woken by the stream when records are written.
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
	reg, err := ks.RegisterStreamConsumer(ctx, stream.RegisterStreamConsumerInput{StreamARN: arn, ConsumerName: "firehose-" + d.name})
	if err != nil {
		cancel()
		return errArg("Kinesis stream %s cannot be read: %v", arn, err)
	}
	consumer := reg.Consumer.ConsumerARN
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
		r := &shardReader{d: d, ks: ks, consumer: consumer, shard: sh.ShardId}
		if err := r.subscribe(ctx, stream.StartingPosition{Type: stream.Latest}); err != nil {
			cancel()
			_ = ks.DeregisterStreamConsumer(context.Background(), stream.StreamConsumerInput{ConsumerARN: consumer})
			return errArg("Kinesis stream %s cannot be read: %v", arn, err)
		}
		subs = append(subs, r)
	}
	d.mu.Lock()
	d.sourceAt = now
	d.stopSource = func() {
		cancel()
		d.readers.Go(func() {
			_ = ks.DeregisterStreamConsumer(context.Background(), stream.StreamConsumerInput{ConsumerARN: consumer})
		})
	}
	for _, r := range subs {
		d.readers.Go(func() { r.run(ctx) })
	}
	d.mu.Unlock()
	return nil
}

// shardReader reads one shard of the source stream.
type shardReader struct {
	d        *DeliveryStream
	ks       *stream.Service
	consumer string
	shard    string
	sub      *stream.Subscription
}

// subscribe (re)subscribes to the shard, waiting on the clock while the
// consumer is still being registered.
func (r *shardReader) subscribe(ctx context.Context, pos stream.StartingPosition) error {
	for {
		sub, err := r.ks.SubscribeToShard(ctx, stream.SubscribeToShardInput{ConsumerARN: r.consumer, ShardId: r.shard, StartingPosition: pos})
		if err == nil {
			r.sub = sub
			return nil
		}
		if !errors.Is(err, stream.ErrResourceInUseException) {
			return err
		}
		t := r.d.svc.cfg.clock.Timer(time.Second)
		select {
		case <-ctx.Done():
			t.Stop()
			return ctx.Err()
		case <-t.C:
		}
	}
}

// run delivers the shard's records until ctx ends or the shard is read to
// its end, then goes on with its children.
func (r *shardReader) run(ctx context.Context) {
	last := ""
	for {
		ev, err := r.sub.Next(ctx)
		if errors.Is(err, io.EOF) && last != "" {
			if err := r.subscribe(ctx, stream.StartingPosition{Type: stream.AfterSequenceNumber, SequenceNumber: last}); err != nil {
				return
			}
			continue
		}
		if err != nil {
			if ctx.Err() == nil {
				r.d.svc.cfg.logger.Warn("firehose: reading the Kinesis source failed", "stream", r.d.name, "shard", r.shard, "error", err)
			}
			return
		}
		r.d.metrics.v[mKinesisMillisBehindLatest].Store(ev.MillisBehindLatest)
		if len(ev.Records) > 0 {
			r.d.ingestKinesis(ctx, r.shard, ev.Records)
		}
		for _, child := range ev.ChildShards {
			c := &shardReader{d: r.d, ks: r.ks, consumer: r.consumer, shard: child.ShardId}
			if err := c.subscribe(ctx, stream.StartingPosition{Type: stream.TrimHorizon}); err == nil {
				r.d.readers.Go(func() { c.run(ctx) })
			}
		}
		if len(ev.ChildShards) > 0 {
			return
		}
		last = ev.ContinuationSequenceNumber
	}
}

// ingestKinesis de-aggregates and processes records read from a shard.
func (d *DeliveryStream) ingestKinesis(ctx context.Context, shard string, recs []stream.Record) {
	d.mu.Lock()
	if d.stopped {
		d.mu.Unlock()
		return
	}
	dest := d.dest
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
}
