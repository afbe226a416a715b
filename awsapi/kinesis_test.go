package awsapi_test

import (
	"bytes"
	"fmt"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/kinesis"
	"github.com/aws/aws-sdk-go-v2/service/kinesis/types"
)

func TestKinesisEveryOperation(t *testing.T) {
	transports(t, func(t *testing.T, e *env) {
		c := e.kinesis
		name := aws.String("events")
		must(c.CreateStream(ctx, &kinesis.CreateStreamInput{StreamName: name, ShardCount: aws.Int32(2)}))(t)
		e.clock.Add(time.Minute) // CREATING → ACTIVE
		sum := must(c.DescribeStreamSummary(ctx, &kinesis.DescribeStreamSummaryInput{StreamName: name}))(t).StreamDescriptionSummary
		if sum.StreamStatus != types.StreamStatusActive || *sum.OpenShardCount != 2 || sum.StreamCreationTimestamp == nil {
			t.Fatalf("summary = %+v", sum)
		}
		arn := sum.StreamARN
		desc := must(c.DescribeStream(ctx, &kinesis.DescribeStreamInput{StreamName: name}))(t).StreamDescription
		if len(desc.Shards) != 2 || desc.Shards[0].ParentShardId != nil || desc.Shards[0].SequenceNumberRange.EndingSequenceNumber != nil {
			t.Fatalf("description = %+v", desc.Shards)
		}
		if got := must(c.ListStreams(ctx, &kinesis.ListStreamsInput{}))(t).StreamNames; len(got) != 1 || got[0] != "events" {
			t.Fatalf("ListStreams = %v", got)
		}

		start := e.clock.Now()
		put := must(c.PutRecord(ctx, &kinesis.PutRecordInput{StreamName: name, PartitionKey: aws.String("pk"), Data: []byte("hello")}))(t)
		var entries []types.PutRecordsRequestEntry
		for i := range 10 {
			entries = append(entries, types.PutRecordsRequestEntry{PartitionKey: aws.String(fmt.Sprint("k", i)), Data: []byte{byte(i)}})
		}
		entries = append(entries, types.PutRecordsRequestEntry{PartitionKey: aws.String("x"), Data: []byte("x"), ExplicitHashKey: aws.String("not a number")})
		_, err := c.PutRecords(ctx, &kinesis.PutRecordsInput{StreamARN: arn, Records: entries})
		wantAPIError(t, err, "ValidationException")
		puts := must(c.PutRecords(ctx, &kinesis.PutRecordsInput{StreamARN: arn, Records: entries[:10]}))(t)
		if *puts.FailedRecordCount != 0 || len(puts.Records) != 10 {
			t.Fatalf("PutRecords = %+v", puts)
		}

		total := 0
		for _, s := range desc.Shards {
			it := must(c.GetShardIterator(ctx, &kinesis.GetShardIteratorInput{StreamName: name, ShardId: s.ShardId,
				ShardIteratorType: types.ShardIteratorTypeAtTimestamp, Timestamp: aws.Time(start)}))(t).ShardIterator
			out := must(c.GetRecords(ctx, &kinesis.GetRecordsInput{ShardIterator: it}))(t)
			for _, r := range out.Records {
				if r.ApproximateArrivalTimestamp == nil || !r.ApproximateArrivalTimestamp.Equal(start) {
					t.Fatalf("arrival = %v, want %v", r.ApproximateArrivalTimestamp, start)
				}
				if *r.SequenceNumber == *put.SequenceNumber && !bytes.Equal(r.Data, []byte("hello")) {
					t.Fatalf("record = %+v", r)
				}
			}
			total += len(out.Records)
			if out.NextShardIterator == nil || out.MillisBehindLatest == nil {
				t.Fatalf("GetRecords = %+v", out)
			}
		}
		if total != 11 {
			t.Fatalf("read %d records, want 11", total)
		}

		must(c.AddTagsToStream(ctx, &kinesis.AddTagsToStreamInput{StreamName: name, Tags: map[string]string{"a": "1", "b": ""}}))(t)
		must(c.RemoveTagsFromStream(ctx, &kinesis.RemoveTagsFromStreamInput{StreamName: name, TagKeys: []string{"a"}}))(t)
		tags := must(c.ListTagsForStream(ctx, &kinesis.ListTagsForStreamInput{StreamName: name}))(t).Tags
		if len(tags) != 1 || *tags[0].Key != "b" {
			t.Fatalf("tags = %+v", tags)
		}
		must(c.TagResource(ctx, &kinesis.TagResourceInput{ResourceARN: arn, Tags: map[string]string{"c": "3"}}))(t)
		must(c.UntagResource(ctx, &kinesis.UntagResourceInput{ResourceARN: arn, TagKeys: []string{"c"}}))(t)
		if got := must(c.ListTagsForResource(ctx, &kinesis.ListTagsForResourceInput{ResourceARN: arn}))(t).Tags; len(got) != 1 {
			t.Fatalf("ListTagsForResource = %+v", got)
		}
		must(c.IncreaseStreamRetentionPeriod(ctx, &kinesis.IncreaseStreamRetentionPeriodInput{StreamName: name, RetentionPeriodHours: aws.Int32(48)}))(t)
		must(c.DecreaseStreamRetentionPeriod(ctx, &kinesis.DecreaseStreamRetentionPeriodInput{StreamName: name, RetentionPeriodHours: aws.Int32(24)}))(t)
		must(c.EnableEnhancedMonitoring(ctx, &kinesis.EnableEnhancedMonitoringInput{StreamName: name, ShardLevelMetrics: []types.MetricsName{types.MetricsNameAll}}))(t)
		must(c.DisableEnhancedMonitoring(ctx, &kinesis.DisableEnhancedMonitoringInput{StreamName: name, ShardLevelMetrics: []types.MetricsName{types.MetricsNameAll}}))(t)
		must(c.PutResourcePolicy(ctx, &kinesis.PutResourcePolicyInput{ResourceARN: arn, Policy: aws.String(`{"Version":"2012-10-17","Statement":[]}`)}))(t)
		must(c.GetResourcePolicy(ctx, &kinesis.GetResourcePolicyInput{ResourceARN: arn}))(t)
		must(c.DeleteResourcePolicy(ctx, &kinesis.DeleteResourcePolicyInput{ResourceARN: arn}))(t)
		must(c.DescribeLimits(ctx, &kinesis.DescribeLimitsInput{}))(t)
		must(c.DescribeAccountSettings(ctx, &kinesis.DescribeAccountSettingsInput{}))(t)

		shards := must(c.ListShards(ctx, &kinesis.ListShardsInput{StreamName: name, MaxResults: aws.Int32(1)}))(t)
		if len(shards.Shards) != 1 || shards.NextToken == nil {
			t.Fatalf("ListShards = %+v", shards)
		}
		more := must(c.ListShards(ctx, &kinesis.ListShardsInput{NextToken: shards.NextToken}))(t)
		if len(more.Shards) != 1 {
			t.Fatalf("ListShards page 2 = %+v", more)
		}
		must(c.StartStreamEncryption(ctx, &kinesis.StartStreamEncryptionInput{StreamName: name, EncryptionType: types.EncryptionTypeKms, KeyId: aws.String("alias/aws/kinesis")}))(t)
		e.clock.Add(time.Minute)
		must(c.StopStreamEncryption(ctx, &kinesis.StopStreamEncryptionInput{StreamName: name, EncryptionType: types.EncryptionTypeKms, KeyId: aws.String("alias/aws/kinesis")}))(t)
		e.clock.Add(time.Minute)

		must(c.SplitShard(ctx, &kinesis.SplitShardInput{StreamName: name, ShardToSplit: desc.Shards[0].ShardId,
			NewStartingHashKey: aws.String("1000")}))(t)
		e.clock.Add(time.Minute)
		must(c.UpdateShardCount(ctx, &kinesis.UpdateShardCountInput{StreamName: name, TargetShardCount: aws.Int32(4), ScalingType: types.ScalingTypeUniformScaling}))(t)
		e.clock.Add(time.Minute)
		open := must(c.ListShards(ctx, &kinesis.ListShardsInput{StreamName: name, ShardFilter: &types.ShardFilter{Type: types.ShardFilterTypeAtLatest}}))(t).Shards
		if len(open) != 4 {
			t.Fatalf("open shards = %d, want 4", len(open))
		}
		must(c.MergeShards(ctx, &kinesis.MergeShardsInput{StreamName: name, ShardToMerge: open[0].ShardId, AdjacentShardToMerge: open[1].ShardId}))(t)
		e.clock.Add(time.Minute)
		must(c.UpdateMaxRecordSize(ctx, &kinesis.UpdateMaxRecordSizeInput{StreamARN: arn, MaxRecordSizeInKiB: aws.Int32(2048)}))(t)
		e.clock.Add(time.Minute)
		must(c.UpdateStreamMode(ctx, &kinesis.UpdateStreamModeInput{StreamARN: arn, StreamModeDetails: &types.StreamModeDetails{StreamMode: types.StreamModeOnDemand}}))(t)
		e.clock.Add(time.Minute)
		must(c.UpdateAccountSettings(ctx, &kinesis.UpdateAccountSettingsInput{MinimumThroughputBillingCommitment: &types.MinimumThroughputBillingCommitmentInput{Status: types.MinimumThroughputBillingCommitmentInputStatusEnabled}}))(t)
		must(c.UpdateStreamWarmThroughput(ctx, &kinesis.UpdateStreamWarmThroughputInput{StreamName: name, WarmThroughputMiBps: aws.Int32(10)}))(t)
		if sum := must(c.DescribeStreamSummary(ctx, &kinesis.DescribeStreamSummaryInput{StreamName: name}))(t).StreamDescriptionSummary; sum.StreamModeDetails.StreamMode != types.StreamModeOnDemand || *sum.MaxRecordSizeInKiB != 2048 {
			t.Fatalf("summary after updates = %+v", sum)
		}

		must(c.DeleteStream(ctx, &kinesis.DeleteStreamInput{StreamName: name}))(t)
		e.clock.Add(time.Minute)
		_, err = c.DescribeStreamSummary(ctx, &kinesis.DescribeStreamSummaryInput{StreamName: name})
		wantAPIError(t, err, "ResourceNotFoundException")
		var rnf *types.ResourceNotFoundException
		if !asError(err, &rnf) {
			t.Fatalf("err = %T, want *types.ResourceNotFoundException", err)
		}
	})
}

func TestKinesisSubscribeToShard(t *testing.T) {
	transports(t, func(t *testing.T, e *env) {
		c := e.kinesis
		name := aws.String("fanout")
		must(c.CreateStream(ctx, &kinesis.CreateStreamInput{StreamName: name, ShardCount: aws.Int32(1)}))(t)
		e.clock.Add(time.Minute)
		sum := must(c.DescribeStreamSummary(ctx, &kinesis.DescribeStreamSummaryInput{StreamName: name}))(t).StreamDescriptionSummary
		cons := must(c.RegisterStreamConsumer(ctx, &kinesis.RegisterStreamConsumerInput{StreamARN: sum.StreamARN, ConsumerName: aws.String("app")}))(t).Consumer
		e.clock.Add(time.Minute)
		d := must(c.DescribeStreamConsumer(ctx, &kinesis.DescribeStreamConsumerInput{ConsumerARN: cons.ConsumerARN}))(t).ConsumerDescription
		if d.ConsumerStatus != types.ConsumerStatusActive {
			t.Fatalf("consumer = %+v", d)
		}
		if got := must(c.ListStreamConsumers(ctx, &kinesis.ListStreamConsumersInput{StreamARN: sum.StreamARN}))(t).Consumers; len(got) != 1 {
			t.Fatalf("ListStreamConsumers = %+v", got)
		}
		for i := range 3 {
			must(c.PutRecord(ctx, &kinesis.PutRecordInput{StreamName: name, PartitionKey: aws.String("p"), Data: []byte{byte(i)}}))(t)
		}
		shard := must(c.ListShards(ctx, &kinesis.ListShardsInput{StreamName: name}))(t).Shards[0].ShardId
		out := must(c.SubscribeToShard(ctx, &kinesis.SubscribeToShardInput{ConsumerARN: cons.ConsumerARN, ShardId: shard,
			StartingPosition: &types.StartingPosition{Type: types.ShardIteratorTypeTrimHorizon}}))(t)
		es := out.GetStream()
		ev, ok := <-es.Events()
		if !ok {
			t.Fatalf("no event: %v", es.Err())
		}
		got := ev.(*types.SubscribeToShardEventStreamMemberSubscribeToShardEvent).Value
		if len(got.Records) != 3 || got.Records[2].Data[0] != 2 || got.ContinuationSequenceNumber == nil {
			t.Fatalf("event = %+v", got)
		}
		if err := es.Close(); err != nil {
			t.Fatal(err)
		}

		// A second subscription within 5 s is refused before the stream starts.
		_, err := c.SubscribeToShard(ctx, &kinesis.SubscribeToShardInput{ConsumerARN: cons.ConsumerARN, ShardId: shard,
			StartingPosition: &types.StartingPosition{Type: types.ShardIteratorTypeLatest}})
		wantAPIError(t, err, "ResourceInUseException")
		must(c.DeregisterStreamConsumer(ctx, &kinesis.DeregisterStreamConsumerInput{ConsumerARN: cons.ConsumerARN}))(t)
	})
}
