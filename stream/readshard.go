package stream

import (
	"context"
	"time"
)

// ReadShardInput is the input of [Service.ReadShard].
type ReadShardInput struct {
	StreamName       string
	StreamARN        string
	ShardId          string
	StartingPosition StartingPosition
}

// never is the end of a ReadShard subscription: it has no lifetime.
var never = time.Unix(1<<62, 0)

// ReadShard is a sluice extension, not a Kinesis operation: a pushed read
// of one shard for readers inside the process, such as the Firehose and
// Analytics services reading their source stream (on AWS they use
// GetRecords). Its events are SubscribeToShard's, from StartingPosition,
// woken by every write; but no consumer is registered (nothing shows in
// ListStreamConsumers or counts against the consumer limits), there is no
// takeover rule, and it does not end after 5 minutes: only at the closed
// shard's last event (io.EOF after ChildShards), when the stream is
// deleted, when the Service closes or when ctx ends.
func (svc *Service) ReadShard(ctx context.Context, in ReadShardInput) (*Subscription, error) {
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
	s, err := svc.resolve(in.StreamName, in.StreamARN)
	if err != nil {
		return nil, err
	}
	now, err := s.lock()
	if err != nil {
		return nil, err
	}
	defer s.mu.Unlock()
	sh, err := s.shardLocked(in.ShardId, now)
	if err != nil {
		return nil, err
	}
	pos, err := s.positionLocked(sh, p.Type, p.SequenceNumber, p.Timestamp, now)
	if err != nil {
		return nil, err
	}
	return &Subscription{s: s, sh: sh, started: now, ends: never, pos: pos}, nil
}
