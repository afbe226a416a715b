package stream_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/sluicehq/sluice/stream"
)

func TestWriteThrottlingRecords(t *testing.T) {
	e := newEnv(t)
	s := e.create("wr", 1)
	batch := make([]stream.PutRecordsRequestEntry, 500)
	for i := range batch {
		batch[i] = stream.PutRecordsRequestEntry{PartitionKey: fmt.Sprint(i), Data: []byte("x")}
	}
	for i := range 2 {
		out, err := s.PutRecords(e.ctx, stream.PutRecordsInput{Records: batch})
		if err != nil || out.FailedRecordCount != 0 {
			t.Fatalf("batch %d: %d failed, %v", i, out.FailedRecordCount, err)
		}
	}
	// The 1,001st record in one second fails.
	_, err := s.PutRecord(e.ctx, stream.PutRecordInput{PartitionKey: "k", Data: []byte("x")})
	wantErr(t, err, stream.ErrProvisionedThroughputExceededException,
		"Rate exceeded for shard shardId-000000000000 in stream wr under account 123456789012.")
	out, err := s.PutRecords(e.ctx, stream.PutRecordsInput{Records: batch[:3]})
	if err != nil || out.FailedRecordCount != 3 || out.Records[0].ErrorCode != "ProvisionedThroughputExceededException" ||
		out.Records[0].SequenceNumber != "" || out.Records[0].ShardId != "" {
		t.Fatalf("throttled batch = %+v, %v", out, err)
	}
	// Capacity refills with the clock: 100 ms gives 100 records.
	e.clock.Add(100 * time.Millisecond)
	out, err = s.PutRecords(e.ctx, stream.PutRecordsInput{Records: batch[:101]})
	if err != nil || out.FailedRecordCount != 1 || out.Records[100].ErrorCode == "" || out.Records[99].ErrorCode != "" {
		t.Fatalf("after 100 ms: %d failed, %v", out.FailedRecordCount, err)
	}
}

func TestWriteThrottlingBytes(t *testing.T) {
	e := newEnv(t)
	s := e.create("wb", 2)
	kb2 := make([]byte, 2047) // with a 1-byte key: 2 KiB a record
	var in stream.PutRecordsInput
	for range 500 {
		in.Records = append(in.Records, stream.PutRecordsRequestEntry{PartitionKey: "a", Data: kb2})
	}
	out, _ := s.PutRecords(e.ctx, in)
	if out.FailedRecordCount != 0 {
		t.Fatalf("first 1,000 KiB: %d failed", out.FailedRecordCount)
	}
	in.Records = in.Records[:13]
	in.Records = append(in.Records, stream.PutRecordsRequestEntry{PartitionKey: "b", Data: kb2})
	out, _ = s.PutRecords(e.ctx, in)
	// "a" lives on shard 0: 1,024 KiB fit in its second, the 1,026th KiB
	// does not; "b" on shard 1 is unaffected.
	if out.FailedRecordCount != 1 || out.Records[12].ErrorCode == "" || out.Records[11].ErrorCode != "" || out.Records[13].ErrorCode != "" {
		t.Fatalf("second batch: %d failed", out.FailedRecordCount)
	}
}

func TestReadThrottling(t *testing.T) {
	e := newEnv(t)
	s := e.create("rd", 1)
	it := e.iterator(s, shardID(0), stream.TrimHorizon, "")
	for range 5 {
		e.get(s, it)
	}
	_, err := s.GetRecords(e.ctx, stream.GetRecordsInput{ShardIterator: it})
	wantErr(t, err, stream.ErrProvisionedThroughputExceededException,
		"Rate exceeded for Shard - shardId-000000000000 in stream rd under account 123456789012.")
	e.clock.Add(200 * time.Millisecond)
	e.get(s, it)
}

func TestReadPenaltyAfterTenMiB(t *testing.T) {
	e := newEnv(t)
	s := e.create("pen", 1)
	chunk := string(make([]byte, 1<<20-1))
	for i := range 10 {
		e.put(s, "k", chunk)
		e.clock.Add(time.Second) // stay under the write rate
		_ = i
	}
	out := e.get(s, e.iterator(s, shardID(0), stream.TrimHorizon, ""))
	if len(out.Records) != 10 {
		t.Fatalf("read %d MiB", len(out.Records))
	}
	e.clock.Add(4999 * time.Millisecond)
	_, err := s.GetRecords(e.ctx, stream.GetRecordsInput{ShardIterator: out.NextShardIterator})
	wantErr(t, err, stream.ErrProvisionedThroughputExceededException, "")
	e.clock.Add(time.Millisecond)
	e.get(s, out.NextShardIterator)
}

func TestGetShardIteratorRate(t *testing.T) {
	e := newEnv(t)
	s := e.create("gsi", 1)
	for range 5 {
		e.iterator(s, shardID(0), stream.Latest, "")
	}
	_, err := s.GetShardIterator(e.ctx, stream.GetShardIteratorInput{ShardId: shardID(0), ShardIteratorType: stream.Latest})
	wantErr(t, err, stream.ErrProvisionedThroughputExceededException, "")
	e.clock.Add(time.Second)
	e.iterator(s, shardID(0), stream.Latest, "")
}

func TestThrottlingOff(t *testing.T) {
	e := newEnv(t, stream.WithThrottling(false))
	s := e.create("off", 1)
	for range 2000 {
		e.put(s, "k", "x")
	}
	it := e.iterator(s, shardID(0), stream.TrimHorizon, "")
	for range 20 {
		e.get(s, it)
	}
}

// TestPerStreamRates checks the operations AWS limits per stream rather
// than per account: a second stream is unaffected by the first's calls.
func TestPerStreamRates(t *testing.T) {
	e := newEnv(t)
	a, b := e.create("a", 1), e.create("b", 1)
	ca, err := e.svc.RegisterStreamConsumer(e.ctx, stream.RegisterStreamConsumerInput{StreamARN: a.ARN(), ConsumerName: "c"})
	if err != nil {
		t.Fatal(err)
	}
	cb, err := e.svc.RegisterStreamConsumer(e.ctx, stream.RegisterStreamConsumerInput{StreamARN: b.ARN(), ConsumerName: "c"})
	if err != nil {
		t.Fatal(err)
	}
	for range 20 {
		if _, err := e.svc.DescribeStreamConsumer(e.ctx, stream.StreamConsumerInput{ConsumerARN: ca.Consumer.ConsumerARN}); err != nil {
			t.Fatal(err)
		}
	}
	_, err = e.svc.DescribeStreamConsumer(e.ctx, stream.StreamConsumerInput{ConsumerARN: ca.Consumer.ConsumerARN})
	wantErr(t, err, stream.ErrLimitExceededException, "Rate exceeded for stream a under account 123456789012.")
	if _, err := e.svc.DescribeStreamConsumer(e.ctx, stream.StreamConsumerInput{ConsumerARN: cb.Consumer.ConsumerARN}); err != nil {
		t.Fatalf("the other stream: %v", err)
	}
	for range 5 {
		if _, err := e.svc.ListStreamConsumers(e.ctx, stream.ListStreamConsumersInput{StreamARN: a.ARN()}); err != nil {
			t.Fatal(err)
		}
	}
	_, err = e.svc.ListStreamConsumers(e.ctx, stream.ListStreamConsumersInput{StreamARN: a.ARN()})
	wantErr(t, err, stream.ErrLimitExceededException, "")
	e.clock.Add(time.Second)
	if _, err := e.svc.ListStreamConsumers(e.ctx, stream.ListStreamConsumersInput{StreamARN: a.ARN()}); err != nil {
		t.Fatalf("a second later: %v", err)
	}
}
