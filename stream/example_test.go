package stream_test

import (
	"context"
	"fmt"
	"time"

	"github.com/sluicehq/sluice/internal/clock"
	"github.com/sluicehq/sluice/stream"
)

func ExampleService_CreateStream() {
	ctx := context.Background()
	mock := clock.NewMock()
	svc := stream.New(stream.WithClock(mock))
	defer svc.Close()

	s, _ := svc.CreateStream(ctx, stream.CreateStreamInput{StreamName: "clicks", ShardCount: new(2)})
	out, _ := svc.ListShards(ctx, stream.ListShardsInput{StreamARN: s.ARN()})
	for _, sh := range out.Shards {
		fmt.Println(sh.ShardId, sh.HashKeyRange.StartingHashKey, sh.HashKeyRange.EndingHashKey)
	}
	// Output:
	// shardId-000000000000 0 170141183460469231731687303715884105727
	// shardId-000000000001 170141183460469231731687303715884105728 340282366920938463463374607431768211455
}

func ExampleStream_PutRecord() {
	ctx := context.Background()
	svc := stream.New(stream.WithClock(clock.NewMock()))
	defer svc.Close()
	s, _ := svc.CreateStream(ctx, stream.CreateStreamInput{StreamName: "clicks", ShardCount: new(4)})

	// The partition key's MD5 picks the shard: the same key, the same shard.
	for _, key := range []string{"user-42", "a", "e", "user-42"} {
		out, _ := s.PutRecord(ctx, stream.PutRecordInput{PartitionKey: key, Data: []byte("click")})
		fmt.Println(key, "->", out.ShardId)
	}
	// Output:
	// user-42 -> shardId-000000000001
	// a -> shardId-000000000000
	// e -> shardId-000000000003
	// user-42 -> shardId-000000000001
}

func ExampleStream_GetRecords() {
	ctx := context.Background()
	svc := stream.New(stream.WithClock(clock.NewMock()))
	defer svc.Close()
	s, _ := svc.CreateStream(ctx, stream.CreateStreamInput{StreamName: "clicks", ShardCount: new(1)})
	for _, page := range []string{"/home", "/cart", "/checkout"} {
		s.PutRecord(ctx, stream.PutRecordInput{PartitionKey: "user-42", Data: []byte(page)})
	}

	it, _ := s.GetShardIterator(ctx, stream.GetShardIteratorInput{ShardId: "shardId-000000000000", ShardIteratorType: stream.TrimHorizon})
	out, _ := s.GetRecords(ctx, stream.GetRecordsInput{ShardIterator: it.ShardIterator, Limit: new(2)})
	for _, r := range out.Records {
		fmt.Println(string(r.Data))
	}
	out, _ = s.GetRecords(ctx, stream.GetRecordsInput{ShardIterator: out.NextShardIterator})
	fmt.Println(string(out.Records[0].Data), "behind:", out.MillisBehindLatest)
	// Output:
	// /home
	// /cart
	// /checkout behind: 0
}

func ExampleService_SplitShard() {
	ctx := context.Background()
	svc := stream.New(stream.WithClock(clock.NewMock()))
	defer svc.Close()
	s, _ := svc.CreateStream(ctx, stream.CreateStreamInput{StreamName: "clicks", ShardCount: new(1)})
	s.PutRecord(ctx, stream.PutRecordInput{PartitionKey: "user-42", Data: []byte("before")})

	svc.SplitShard(ctx, stream.SplitShardInput{StreamName: "clicks", ShardToSplit: "shardId-000000000000",
		NewStartingHashKey: "170141183460469231731687303715884105728"})

	// The parent is closed but still readable; reading it to its end names
	// the children, where new records go.
	it, _ := s.GetShardIterator(ctx, stream.GetShardIteratorInput{ShardId: "shardId-000000000000", ShardIteratorType: stream.TrimHorizon})
	out, _ := s.GetRecords(ctx, stream.GetRecordsInput{ShardIterator: it.ShardIterator})
	fmt.Println(string(out.Records[0].Data), "next iterator:", out.NextShardIterator == "")
	for _, c := range out.ChildShards {
		fmt.Println(c.ShardId, "parents", c.ParentShards)
	}
	// Output:
	// before next iterator: true
	// shardId-000000000001 parents [shardId-000000000000]
	// shardId-000000000002 parents [shardId-000000000000]
}

func ExampleService_SubscribeToShard() {
	ctx := context.Background()
	mock := clock.NewMock()
	svc := stream.New(stream.WithClock(mock))
	defer svc.Close()
	s, _ := svc.CreateStream(ctx, stream.CreateStreamInput{StreamName: "clicks", ShardCount: new(1)})
	c, _ := svc.RegisterStreamConsumer(ctx, stream.RegisterStreamConsumerInput{StreamARN: s.ARN(), ConsumerName: "dashboard"})

	sub, _ := svc.SubscribeToShard(ctx, stream.SubscribeToShardInput{ConsumerARN: c.Consumer.ConsumerARN,
		ShardId: "shardId-000000000000", StartingPosition: stream.StartingPosition{Type: stream.Latest}})
	first, _ := sub.Next(ctx) // the first event comes at once
	fmt.Println("records in the first event:", len(first.Records))

	go s.PutRecord(ctx, stream.PutRecordInput{PartitionKey: "user-42", Data: []byte("/home")})
	ev, _ := sub.Next(ctx) // waits for the write, without polling
	fmt.Println(string(ev.Records[0].Data), ev.ContinuationSequenceNumber == ev.Records[0].SequenceNumber)
	// Output:
	// records in the first event: 0
	// /home true
}

func ExampleService_UpdateShardCount() {
	ctx := context.Background()
	svc := stream.New(stream.WithClock(clock.NewMock()))
	defer svc.Close()
	s, _ := svc.CreateStream(ctx, stream.CreateStreamInput{StreamName: "clicks", ShardCount: new(2)})

	out, _ := svc.UpdateShardCount(ctx, stream.UpdateShardCountInput{StreamARN: s.ARN(), TargetShardCount: 3, ScalingType: stream.UniformScaling})
	fmt.Println("from", out.CurrentShardCount, "to", out.TargetShardCount)
	// Splits at 1/3 and 2/3 of the key space (shards 2 to 5), then a merge
	// of the two middle pieces (shard 6); 3 and 4 were short-lived.
	open, _ := svc.ListShards(ctx, stream.ListShardsInput{StreamARN: s.ARN(), ShardFilter: &stream.ShardFilter{Type: stream.AtLatest}})
	for _, sh := range open.Shards {
		fmt.Println(sh.ShardId, sh.HashKeyRange.StartingHashKey)
	}
	// Output:
	// from 2 to 3
	// shardId-000000000002 0
	// shardId-000000000005 226854911280625642308916404954512140970
	// shardId-000000000006 113427455640312821154458202477256070485
}

func ExampleWithThrottling() {
	ctx := context.Background()
	mock := clock.NewMock()
	svc := stream.New(stream.WithClock(mock)) // throttling is on by default
	defer svc.Close()
	s, _ := svc.CreateStream(ctx, stream.CreateStreamInput{StreamName: "clicks", ShardCount: new(1)})

	// A shard takes 1,000 records a second.
	var in stream.PutRecordsInput
	for range 500 {
		in.Records = append(in.Records, stream.PutRecordsRequestEntry{PartitionKey: "k", Data: []byte("x")})
	}
	for i := range 3 {
		out, _ := s.PutRecords(ctx, in)
		fmt.Println("batch", i, "failed:", out.FailedRecordCount)
	}
	mock.Add(time.Second)
	out, _ := s.PutRecords(ctx, in)
	fmt.Println("a second later, failed:", out.FailedRecordCount)
	// Output:
	// batch 0 failed: 0
	// batch 1 failed: 0
	// batch 2 failed: 500
	// a second later, failed: 0
}
