// Package stream is Amazon Kinesis Data Streams in process: streams of
// shards over the 128-bit hash-key space, AWS-shaped sequence numbers, every
// shard-iterator type, retention, resharding with lineage, capacity modes,
// per-shard throttling and enhanced fan-out, with AWS's names, limits and
// error texts, and every time rule read from an injected clock.
//
//	svc := stream.New(stream.WithClock(mock))
//	s, err := svc.CreateStream(ctx, stream.CreateStreamInput{StreamName: "clicks", ShardCount: new(2)})
//	put, err := s.PutRecord(ctx, stream.PutRecordInput{PartitionKey: "user-42", Data: []byte("hello")})
//	it, err := s.GetShardIterator(ctx, stream.GetShardIteratorInput{ShardId: put.ShardId, ShardIteratorType: stream.TrimHorizon})
//	out, err := s.GetRecords(ctx, stream.GetRecordsInput{ShardIterator: it.ShardIterator})
//
// A [Service] is one AWS account in one region. Control-plane operations
// (CreateStream, ListShards, SplitShard, RegisterStreamConsumer, ...) are
// its methods and name their stream by StreamName or StreamARN, as AWS's
// do; the data-plane operations are methods of the [Stream] handle, except
// GetRecords and SubscribeToShard, which the Service also offers because
// their input (an iterator, a consumer ARN) names the stream. Inputs and
// outputs are named <Operation>Input and <Operation>Output with AWS's field
// names and Go types; a pointer marks a field whose absence AWS tells from
// its zero value.
//
// # Files
//
//   - service.go: the Service, CreateStream, DeleteStream, ListStreams, DescribeLimits.
//   - stream.go: the Stream handle, stream states, DescribeStream(Summary).
//   - hashkey.go: the hash-key space, MD5 routing, ExplicitHashKey, initial ranges.
//   - shard.go: shards, their ranges, lineage and record logs; listshards.go: ListShards.
//   - sequence.go: the sequence-number layout and comparison.
//   - put.go: PutRecord, PutRecords. iterator.go: GetShardIterator and iterator tokens.
//     get.go: GetRecords.
//   - retention.go: Increase/DecreaseStreamRetentionPeriod.
//   - reshard.go: SplitShard, MergeShards, UpdateShardCount.
//   - throughput.go: per-shard and control-plane rates.
//   - mode.go: capacity modes, on-demand scaling, On-demand Advantage, warm throughput.
//   - consumer.go, subscribe.go: enhanced fan-out consumers and SubscribeToShard.
//   - tags.go, encryption.go, monitoring.go, policy.go: stored stream settings.
package stream
