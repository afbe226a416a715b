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
// # Keys, shards and sequence numbers
//
// A record's partition key (1..256 characters) is hashed with MD5 and read
// as a big-endian unsigned 128-bit integer; the record goes to the open
// shard whose [StartingHashKey, EndingHashKey] holds that hash key, or the
// one holding its ExplicitHashKey. CreateStream(N) gives shard i the range
// starting at i*floor(2^128/N); the last shard absorbs the remainder. Shard
// ids are shardId-%012d, counted on across resharding; AWS reads the digits
// after the first '-', so "shardId-7" and "x-7" name shard 7 too.
//
// Sequence numbers are 56-digit decimals in the layout AWS's numbers have (see
// sequence.go): the shard's creation second, the shard's index, a counter
// and the record's arrival second. They strictly increase within a shard,
// and a child shard's are above all of its parents'. Compare them with
// [CompareSequenceNumbers], as numbers, never as strings.
//
// # Reading
//
// GetShardIterator takes the five iterator types. An iterator is an opaque,
// signed token naming the stream, the shard and a position; it is valid for
// 300 seconds of the clock, is not used up by reading, and is refused if
// changed. GetRecords returns up to Limit records and at most 10 MiB, with
// MillisBehindLatest; once a closed shard is read to its end it returns no
// NextShardIterator and lists the ChildShards. Records are kept for the
// retention period (24 hours by default, up to 8,760): a record that
// arrived at or before now minus the retention period is gone, whenever
// anyone looks; the trim horizon only moves forward, so raising the
// retention period brings nothing back. A closed shard whose records have
// all expired leaves ListShards and DescribeStream.
//
// # Resharding
//
// SplitShard, MergeShards and UpdateShardCount make the stream UPDATING for
// the transition delay; when it ends, the parents are closed (they keep
// their records, readable until they expire, and get an
// EndingSequenceNumber) and the children open and take new writes. To keep
// each partition key's records in order, read a parent to its end before
// its children. UpdateShardCount reaches equal-size open shards by splits
// and merges; the short-lived shards in between are closed at once, hold no
// records and appear in ListShards like any closed shard.
//
// # Throughput
//
// With throttling on (the default; [WithThrottling] switches it off), each
// shard takes 1 MiB and 1,000 records a second (a whole PutRecord fails, or
// single PutRecords entries, with ProvisionedThroughputExceededException),
// 5 GetRecords calls and 2 MiB a second, nothing for 5 seconds after a
// GetRecords that returned 10 MiB, and 5 GetShardIterator calls a second.
// Control-plane operations have AWS's rates, per account or (ListShards and
// the consumer operations) per stream: LimitExceededException.
// Rates are token buckets on the clock, so a mock clock makes them exact.
//
// # Capacity modes
//
// A provisioned stream has the shards it is given. An ON_DEMAND stream
// starts with 4 shards and scales by this rule, sluice's reading of AWS's
// "splits a shard when it exceeds 500 KB/s over 15 minutes": time is cut
// into 15-minute windows from the stream's creation, and when a window ends
// every open shard that took more than 500,000 bytes a second on average
// over it is split at the middle of its range. UpdateStreamMode switches
// modes (twice per 24 hours). UpdateAccountSettings enables On-demand
// Advantage: warm throughput on on-demand streams (stored) and 50 consumers
// per stream instead of 20.
//
// # Enhanced fan-out
//
// RegisterStreamConsumer registers a consumer; SubscribeToShard returns a
// [Subscription] whose events carry records as they are written: Next
// waits on the shard's notify channel, which every write closes, and on a
// clock timer for the 5-second heartbeat and the 5-minute lifetime. A new
// subscription of the same consumer and shard within 5 seconds is refused;
// a later one takes over and ends the earlier with ResourceInUseException.
//
// [Service.ReadShard], a sluice extension, gives the same pushed events to
// readers inside the process (the firehose and analytics packages) without
// registering a consumer and without the 5-minute lifetime: AWS's own
// services read a source stream with GetRecords, invisible to
// ListStreamConsumers.
//
// # Errors
//
// A rejected request changes nothing and returns an [*Error] whose Code is
// AWS's; errors.Is matches it against the exported sentinels
// (ErrResourceNotFoundException, ErrInvalidArgumentException, ...).
// PutRecords reports failed entries in its output and returns an error only
// when the whole request is at fault. Messages are AWS's where known, and
// follow AWS's wording where sluice had to guess them.
//
// # Time
//
// Every rule that depends on time (status transitions, retention, iterator
// and NextToken expiry, AT_TIMESTAMP, MillisBehindLatest, throughput
// buckets, the 24-hour quotas, on-demand scaling windows, consumer states,
// subscription lifetimes) is evaluated from the clock when an operation
// runs. No goroutine sweeps the streams, and advancing a mock clock by a
// year costs nothing until the next call. The only timers wake a blocked
// Subscription.Next.
//
// A shard's records are an append-only log in blocks of 1,024 (log.go),
// not a B-tree: they arrive in sequence order, are found by their counter
// in constant time, and expire from the front, so trimming is a binary
// search over arrival times and dropping whole blocks. A record costs about
// 120 bytes beyond its data: 64 for its slot, and its sequence number's
// text, kept so reads need not print it again.
//
// # Differences from Amazon Kinesis Data Streams
//
//   - Transitions take exactly the transition delay (default 0); AWS takes
//     seconds to minutes.
//   - A record's ApproximateArrivalTimestamp is the clock's time at the put,
//     and never goes backwards within a shard.
//   - KMS is not called: KeyId is stored, records report EncryptionType.
//     Resource policies and enhanced-monitoring settings are stored, not
//     enforced or published. Warm throughput is stored.
//   - Enhanced fan-out subscriptions are not rate-limited (AWS gives each
//     2 MiB/s per shard); an event carries at most 2 MiB, or one larger
//     record.
//   - ListShards lists a CREATING stream's shards; DescribeStream, as AWS's
//     does, lists none.
//   - On-demand scaling follows the rule above; AWS's is not published.
//   - GetRecords data shares memory with the stream: treat it as
//     read-only.
//
// # Concurrency
//
// Service, Stream and Subscription are safe for concurrent use. Each stream
// has one mutex guarding its shards, records, consumers and settings; the
// Service has one for its registry, control-plane rates and account
// settings. Locks are taken in the order Service, then Stream, and never
// two streams at once.
//
// # Files
//
//   - service.go: the Service, CreateStream, DeleteStream, ListStreams, DescribeLimits.
//   - stream.go: the Stream handle, stream states, DescribeStream(Summary).
//   - hashkey.go: the hash-key space, MD5 routing, ExplicitHashKey, initial ranges.
//   - shard.go: shards, their ranges and lineage; log.go: a shard's records; listshards.go: ListShards.
//   - sequence.go: the sequence-number layout and comparison.
//   - put.go: PutRecord, PutRecords. iterator.go: GetShardIterator and iterator tokens.
//     get.go: GetRecords.
//   - retention.go: Increase/DecreaseStreamRetentionPeriod.
//   - reshard.go: SplitShard, MergeShards, UpdateShardCount.
//   - throughput.go: per-shard and control-plane rates.
//   - mode.go: capacity modes, on-demand scaling, On-demand Advantage, warm throughput.
//   - consumer.go, subscribe.go: enhanced fan-out consumers and SubscribeToShard.
//   - readshard.go: ReadShard, pushed reads for in-process readers.
//   - tags.go, encryption.go, monitoring.go, policy.go: stored stream settings.
package stream
