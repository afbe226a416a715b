package firehose_test

import (
	"context"
	"strconv"
	"strings"
	"sync"
	"testing"
	"testing/synctest"
	"time"

	"github.com/sluicehq/sluice/firehose"
	"github.com/sluicehq/sluice/stream"
)

func TestKinesisStreamAsSource(t *testing.T) {
	var mu sync.Mutex
	var metas []firehose.KinesisRecordMetadata
	var sources []string
	runKinesis(t, func(e *env, ks *stream.Service) {
		src, err := ks.CreateStream(e.ctx, stream.CreateStreamInput{StreamName: "clicks", ShardCount: new(2)})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := src.PutRecord(e.ctx, stream.PutRecordInput{PartitionKey: "k0", Data: []byte("before\n")}); err != nil {
			t.Fatal(err)
		}
		arn := e.svc.FunctionARN("meta")
		e.svc.RegisterFunction(arn, func(_ context.Context, ev firehose.TransformEvent) (firehose.TransformResponse, error) {
			var out firehose.TransformResponse
			mu.Lock()
			for _, r := range ev.Records {
				metas = append(metas, *r.KinesisRecordMetadata)
				sources = append(sources, ev.SourceKinesisStreamArn)
				out.Records = append(out.Records, firehose.TransformResponseRecord{RecordID: r.RecordID, Result: firehose.ResultOk, Data: r.Data})
			}
			mu.Unlock()
			return out, nil
		})
		c := s3(1, 60)
		c.ProcessingConfiguration = lambdaConf(arn)
		d := e.create(firehose.CreateDeliveryStreamInput{DeliveryStreamName: "from-kinesis", DeliveryStreamType: firehose.KinesisStreamAsSource,
			KinesisStreamSourceConfiguration:   &firehose.KinesisStreamSourceConfiguration{KinesisStreamARN: src.ARN(), RoleARN: roleARN},
			ExtendedS3DestinationConfiguration: c})
		_, err = d.PutRecord(e.ctx, firehose.PutRecordInput{Record: firehose.Record{Data: []byte("x")}})
		wantErr(t, err, firehose.ErrInvalidArgumentException, "This operation is not permitted on KinesisStreamAsSource delivery stream type.")
		err = e.svc.StartDeliveryStreamEncryption(e.ctx, firehose.StartDeliveryStreamEncryptionInput{DeliveryStreamName: "from-kinesis"})
		wantErr(t, err, firehose.ErrInvalidArgumentException, "")

		for _, s := range []string{"a\n", "b\n"} {
			if _, err := src.PutRecord(e.ctx, stream.PutRecordInput{PartitionKey: "k-" + s[:1], Data: []byte(s)}); err != nil {
				t.Fatal(err)
			}
		}
		agg := firehose.AggregateKPL("kpl", []byte("c\n"), []byte("d\n"))
		if _, err := src.PutRecord(e.ctx, stream.PutRecordInput{PartitionKey: "kpl", Data: agg}); err != nil {
			t.Fatal(err)
		}
		e.advanceKinesis(time.Minute) // the Lambda processor's buffer
		e.advanceKinesis(time.Minute)
		objs := e.bucket().Objects("")
		var all string
		for _, o := range objs {
			all += string(o.Body)
		}
		for _, want := range []string{"a\n", "b\n", "c\n", "d\n"} {
			if strings.Count(all, want) != 1 {
				t.Errorf("delivered %q: want %q once", all, want)
			}
		}
		if strings.Contains(all, "before") {
			t.Errorf("a record put before creation was delivered (LATEST): %q", all)
		}
		mu.Lock()
		if len(metas) != 4 {
			t.Fatalf("metadata = %+v", metas)
		}
		subs := map[int64]bool{}
		for i, m := range metas {
			if m.ShardID == "" || m.SequenceNumber == "" || m.ApproximateArrivalTimestamp != epoch.UnixMilli() || sources[i] != src.ARN() {
				t.Errorf("metadata %d = %+v (source %s)", i, m, sources[i])
			}
			if m.PartitionKey == "kpl" {
				subs[m.SubsequenceNumber] = true
			}
		}
		if !subs[0] || !subs[1] {
			t.Errorf("KPL sub-records' subsequence numbers = %v, want 0 and 1", subs)
		}
		mu.Unlock()
		out, _ := e.svc.DescribeDeliveryStream(e.ctx, firehose.DescribeDeliveryStreamInput{DeliveryStreamName: "from-kinesis"})
		src2 := out.DeliveryStreamDescription.Source
		if src2 == nil || src2.KinesisStreamSourceDescription.KinesisStreamARN != src.ARN() ||
			!src2.KinesisStreamSourceDescription.DeliveryStartTimestamp.Equal(epoch) {
			t.Errorf("source = %+v", src2)
		}
		// The subscriptions last 5 minutes; records keep coming after that.
		e.advanceKinesis(10 * time.Minute)
		if _, err := src.PutRecord(e.ctx, stream.PutRecordInput{PartitionKey: "late", Data: []byte("late\n")}); err != nil {
			t.Fatal(err)
		}
		e.advanceKinesis(2 * time.Minute)
		found := false
		for _, o := range e.bucket().Objects("") {
			found = found || strings.Contains(string(o.Body), "late\n")
		}
		if !found {
			t.Errorf("a record put after 11 minutes was not delivered")
		}
	})
}

// TestKinesisSourceResharding follows the source through a split: records
// written to the child shards are delivered too, each once.
func TestKinesisSourceResharding(t *testing.T) {
	runKinesis(t, func(e *env, ks *stream.Service) {
		src, err := ks.CreateStream(e.ctx, stream.CreateStreamInput{StreamName: "s", ShardCount: new(1)})
		if err != nil {
			t.Fatal(err)
		}
		d := e.create(firehose.CreateDeliveryStreamInput{DeliveryStreamName: "f", DeliveryStreamType: firehose.KinesisStreamAsSource,
			KinesisStreamSourceConfiguration:   &firehose.KinesisStreamSourceConfiguration{KinesisStreamARN: src.ARN(), RoleARN: roleARN},
			ExtendedS3DestinationConfiguration: s3(1, 60)})
		put := func(n int, tag string) {
			for i := range n {
				if _, err := src.PutRecord(e.ctx, stream.PutRecordInput{PartitionKey: tag + strconv.Itoa(i), Data: []byte(tag + strconv.Itoa(i) + ";")}); err != nil {
					t.Fatal(err)
				}
			}
		}
		put(5, "before")
		synctest.Wait()
		if _, err := ks.UpdateShardCount(e.ctx, stream.UpdateShardCountInput{StreamARN: src.ARN(), TargetShardCount: 2, ScalingType: stream.UniformScaling}); err != nil {
			t.Fatal(err)
		}
		e.advanceKinesis(time.Second)
		put(20, "after")
		e.advanceKinesis(2 * time.Minute)
		var all string
		for _, o := range e.bucket().Objects("") {
			all += string(o.Body)
		}
		for _, tag := range []string{"before", "after"} {
			n := map[string]int{"before": 5, "after": 20}[tag]
			for i := range n {
				if c := strings.Count(all, tag+strconv.Itoa(i)+";"); c != 1 {
					t.Errorf("%s%d delivered %d times", tag, i, c)
				}
			}
		}
		m, _ := d.Metrics(e.ctx)
		if m["DataReadFromKinesisStream.Records"] != 25 {
			t.Errorf("DataReadFromKinesisStream.Records = %v", m["DataReadFromKinesisStream.Records"])
		}
	})
}

// After a merge the child has two parents: it is read once, after both,
// and the source registers no consumer on the stream.
func TestKinesisSourceMerge(t *testing.T) {
	runKinesis(t, func(e *env, ks *stream.Service) {
		src, err := ks.CreateStream(e.ctx, stream.CreateStreamInput{StreamName: "s", ShardCount: new(2)})
		if err != nil {
			t.Fatal(err)
		}
		e.create(firehose.CreateDeliveryStreamInput{DeliveryStreamName: "f", DeliveryStreamType: firehose.KinesisStreamAsSource,
			KinesisStreamSourceConfiguration:   &firehose.KinesisStreamSourceConfiguration{KinesisStreamARN: src.ARN(), RoleARN: roleARN},
			ExtendedS3DestinationConfiguration: s3(1, 60)})
		consumers, err := ks.ListStreamConsumers(e.ctx, stream.ListStreamConsumersInput{StreamARN: src.ARN()})
		if err != nil || len(consumers.Consumers) != 0 {
			t.Fatalf("ListStreamConsumers = %+v, %v; want none", consumers, err)
		}
		put := func(n int, tag string) {
			for i := range n {
				if _, err := src.PutRecord(e.ctx, stream.PutRecordInput{PartitionKey: tag + strconv.Itoa(i), Data: []byte(tag + strconv.Itoa(i) + ";")}); err != nil {
					t.Fatal(err)
				}
			}
		}
		put(10, "before")
		synctest.Wait()
		if err := ks.MergeShards(e.ctx, stream.MergeShardsInput{StreamName: "s", ShardToMerge: "shardId-000000000000",
			AdjacentShardToMerge: "shardId-000000000001"}); err != nil {
			t.Fatal(err)
		}
		e.advanceKinesis(time.Second)
		put(10, "after")
		e.advanceKinesis(2 * time.Minute)
		var all string
		for _, o := range e.bucket().Objects("") {
			all += string(o.Body)
		}
		for _, tag := range []string{"before", "after"} {
			for i := range 10 {
				if c := strings.Count(all, tag+strconv.Itoa(i)+";"); c != 1 {
					t.Errorf("%s%d delivered %d times", tag, i, c)
				}
			}
		}
	})
}
