package analytics

import (
	"context"
	"sync"

	"github.com/sluicehq/sluice/stream"
)

// WithStreams sets the Kinesis Data Streams service whose streams
// KinesisStreamsInput inputs name by ARN.
func WithStreams(s *stream.Service) Option { return func(cfg *config) { cfg.streams = s } }

// kinesisReader reads a Kinesis stream input while the application runs:
// one stream.Service.ReadShard reader per open shard, woken by the stream
// when records are written. Like AWS's own reader it registers no
// consumer on the stream.
type kinesisReader struct {
	cancel context.CancelFunc

	mu       sync.Mutex
	finished map[string]bool // shards read to their end
	started  map[string]bool // children whose reading has started
}

// finish records that a shard was read to its end and returns the
// children to read now: those whose parents are all finished, once each
// (a merged shard waits for both parents, keeping per-key order).
func (kr *kinesisReader) finish(shard string, children []stream.ChildShard) []string {
	kr.mu.Lock()
	defer kr.mu.Unlock()
	if kr.finished == nil {
		kr.finished, kr.started = map[string]bool{}, map[string]bool{}
	}
	kr.finished[shard] = true
	var ready []string
	for _, c := range children {
		if kr.finished[c.ShardId] || kr.started[c.ShardId] {
			continue
		}
		all := true
		for _, p := range c.ParentShards {
			all = all && kr.finished[p]
		}
		if all {
			kr.started[c.ShardId] = true
			ready = append(ready, c.ShardId)
		}
	}
	return ready
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

// stopInputsLocked stops reading Kinesis and Firehose inputs. a.mu must
// be held.
func (a *Application) stopInputsLocked() {
	for _, ai := range a.inputs {
		if ai.reader != nil {
			ai.reader.cancel()
			ai.reader = nil
		}
		if ai.untap != nil {
			ai.untap()
			ai.untap = nil
		}
	}
}

func (a *Application) runKinesis(ctx context.Context, kr *kinesisReader, ai *appInput, pos InputStartingPosition, last map[string]string) {
	ks := a.svc.cfg.streams
	arn := ai.cfg.KinesisStreamsInput.ResourceARN
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
			a.readShard(ctx, kr, ai, arn, sh.ShardId, sp)
		}()
	}
}

// readShard delivers one shard's records until ctx ends, then goes on
// with the shard's children after a reshard.
func (a *Application) readShard(ctx context.Context, kr *kinesisReader, ai *appInput, arn, shard string, sp stream.StartingPosition) {
	ks := a.svc.cfg.streams
	sub, err := ks.ReadShard(ctx, stream.ReadShardInput{StreamARN: arn, ShardId: shard, StartingPosition: sp})
	if err != nil {
		a.svc.cfg.logger.Warn("analytics: reading the Kinesis input failed", "application", a.name, "shard", shard, "error", err)
		return
	}
	for {
		ev, err := sub.Next(ctx)
		if err != nil {
			return
		}
		if len(ev.Records) > 0 {
			if !a.appendKinesis(kr, ai, shard, ev.Records) {
				return
			}
			_ = a.step(ctx)
		}
		if len(ev.ChildShards) > 0 {
			for _, child := range kr.finish(shard, ev.ChildShards) {
				a.bg.Add(1)
				go func() {
					defer a.bg.Done()
					a.readShard(ctx, kr, ai, arn, child, stream.StartingPosition{Type: stream.TrimHorizon})
				}()
			}
			return
		}
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
