package analytics

import (
	"context"
	"errors"
	"io"
	"time"

	"github.com/sluicehq/sluice/stream"
)

// WithStreams sets the Kinesis Data Streams service whose streams
// KinesisStreamsInput inputs name by ARN.
func WithStreams(s *stream.Service) Option { return func(cfg *config) { cfg.streams = s } }

// kinesisReader reads a Kinesis stream input while the application runs:
// an enhanced fan-out consumer with one SubscribeToShard reader per open
// shard, woken by the stream when records are written.
type kinesisReader struct {
	cancel context.CancelFunc
}

// startKinesisLocked starts reading ai's stream from its starting
// position. a.mu must be held; the readers run on their own goroutines.
func (a *Application) startKinesisLocked(ai *appInput) {
	if ai.reader != nil {
		ai.reader.cancel()
	}
	ctx, cancel := context.WithCancel(context.Background())
	kr := &kinesisReader{cancel: cancel}
	ai.reader = kr
	if ai.last == nil {
		ai.last = map[string]string{}
	}
	pos := StartingPositionNow
	if ai.start != nil {
		pos = ai.start.InputStartingPosition
	}
	last := map[string]string{}
	for k, v := range ai.last {
		last[k] = v
	}
	a.bg.Add(1)
	go func() {
		defer a.bg.Done()
		a.runKinesis(ctx, kr, ai, pos, last)
	}()
}

func (a *Application) stopKinesisLocked() {
	for _, ai := range a.inputs {
		if ai.reader != nil {
			ai.reader.cancel()
			ai.reader = nil
		}
	}
}

func (a *Application) runKinesis(ctx context.Context, kr *kinesisReader, ai *appInput, pos InputStartingPosition, last map[string]string) {
	ks := a.svc.cfg.streams
	arn := ai.cfg.KinesisStreamsInput.ResourceARN
	reg, err := ks.RegisterStreamConsumer(ctx, stream.RegisterStreamConsumerInput{StreamARN: arn,
		ConsumerName: "analytics-" + a.name + "-" + ai.id})
	if err != nil {
		a.svc.cfg.logger.Warn("analytics: reading the Kinesis input failed", "application", a.name, "error", err)
		return
	}
	consumer := reg.Consumer.ConsumerARN
	a.bg.Add(1)
	go func() {
		defer a.bg.Done()
		<-ctx.Done()
		_ = ks.DeregisterStreamConsumer(context.Background(), stream.StreamConsumerInput{ConsumerARN: consumer})
	}()
	shards, err := ks.ListShards(ctx, stream.ListShardsInput{StreamARN: arn})
	if err != nil {
		return
	}
	for _, sh := range shards.Shards {
		if sh.SequenceNumberRange.EndingSequenceNumber != "" && last[sh.ShardId] == "" && pos != StartingPositionTrimHorizon {
			continue
		}
		sp := stream.StartingPosition{Type: stream.Latest}
		switch {
		case pos == StartingPositionTrimHorizon:
			sp = stream.StartingPosition{Type: stream.TrimHorizon}
		case pos == StartingPositionLastStoppedPoint && last[sh.ShardId] != "":
			sp = stream.StartingPosition{Type: stream.AfterSequenceNumber, SequenceNumber: last[sh.ShardId]}
		}
		a.bg.Add(1)
		go func() {
			defer a.bg.Done()
			a.readShard(ctx, kr, ai, consumer, sh.ShardId, sp)
		}()
	}
}

// readShard delivers one shard's records until ctx ends, then goes on
// with the shard's children after a reshard.
func (a *Application) readShard(ctx context.Context, kr *kinesisReader, ai *appInput, consumer, shard string, sp stream.StartingPosition) {
	ks := a.svc.cfg.streams
	subscribe := func(sp stream.StartingPosition) (*stream.Subscription, error) {
		for {
			sub, err := ks.SubscribeToShard(ctx, stream.SubscribeToShardInput{ConsumerARN: consumer, ShardId: shard, StartingPosition: sp})
			if err == nil {
				return sub, nil
			}
			if !errors.Is(err, stream.ErrResourceInUseException) {
				return nil, err
			}
			t := a.svc.cfg.clock.Timer(time.Second)
			select {
			case <-ctx.Done():
				t.Stop()
				return nil, ctx.Err()
			case <-t.C:
			}
		}
	}
	sub, err := subscribe(sp)
	if err != nil {
		return
	}
	cont := ""
	for {
		ev, err := sub.Next(ctx)
		if errors.Is(err, io.EOF) && cont != "" {
			if sub, err = subscribe(stream.StartingPosition{Type: stream.AfterSequenceNumber, SequenceNumber: cont}); err != nil {
				return
			}
			continue
		}
		if err != nil {
			return
		}
		if len(ev.Records) > 0 {
			if !a.appendKinesis(kr, ai, shard, ev.Records) {
				return
			}
			_ = a.step(ctx)
		}
		for _, child := range ev.ChildShards {
			a.bg.Add(1)
			go func() {
				defer a.bg.Done()
				a.readShard(ctx, kr, ai, consumer, child.ShardId, stream.StartingPosition{Type: stream.TrimHorizon})
			}()
		}
		if len(ev.ChildShards) > 0 {
			return
		}
		cont = ev.ContinuationSequenceNumber
	}
}

// appendKinesis queues records read from a shard; false when the reader
// is stale (the application stopped or restarted).
func (a *Application) appendKinesis(kr *kinesisReader, ai *appInput, shard string, recs []stream.Record) bool {
	a.mu.Lock()
	defer a.mu.Unlock()
	if ai.reader != kr {
		return false
	}
	for _, r := range recs {
		ai.log = append(ai.log, inputRecord{seq: ai.nextSeq, data: append([]byte(nil), r.Data...),
			arrival: r.ApproximateArrivalTimestamp.UnixMilli(), shard: shard, partitionKey: r.PartitionKey,
			sequenceNumber: r.SequenceNumber})
		ai.nextSeq++
		ai.last[shard] = r.SequenceNumber
	}
	return true
}
