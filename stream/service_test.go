package stream_test

import (
	"math/big"
	"strings"
	"testing"
	"time"

	"github.com/sluicehq/sluice/stream"
)

func TestCreateStreamRanges(t *testing.T) {
	e := newEnv(t)
	s := e.create("orders", 3)
	if s.ARN() != "arn:aws:kinesis:us-east-1:123456789012:stream/orders" {
		t.Fatalf("ARN = %s", s.ARN())
	}
	shards := e.shards(s)
	ends := []string{"113427455640312821154458202477256070484", "226854911280625642308916404954512140969", "340282366920938463463374607431768211455"}
	if len(shards) != 3 {
		t.Fatalf("%d shards, want 3", len(shards))
	}
	prevEnd := big.NewInt(-1)
	for i, sh := range shards {
		if sh.ShardId != shardID(i) || sh.ParentShardId != "" || sh.SequenceNumberRange.EndingSequenceNumber != "" {
			t.Errorf("shard %d = %+v", i, sh)
		}
		if sh.HashKeyRange.EndingHashKey != ends[i] {
			t.Errorf("shard %d ends at %s, want %s", i, sh.HashKeyRange.EndingHashKey, ends[i])
		}
		start, _ := new(big.Int).SetString(sh.HashKeyRange.StartingHashKey, 10)
		if start.Cmp(new(big.Int).Add(prevEnd, big.NewInt(1))) != 0 {
			t.Errorf("shard %d starts at %s, not right after %s", i, start, prevEnd)
		}
		prevEnd, _ = new(big.Int).SetString(sh.HashKeyRange.EndingHashKey, 10)
		if n := len(sh.SequenceNumberRange.StartingSequenceNumber); n != 56 {
			t.Errorf("StartingSequenceNumber has %d digits", n)
		}
	}
}

func TestCreateStreamValidation(t *testing.T) {
	e := newEnv(t, stream.WithThrottling(false))
	e.create("dup", 1)
	long := strings.Repeat("a", 129)
	for _, tc := range []struct {
		name     string
		in       stream.CreateStreamInput
		sentinel *stream.Error
		msg      string
	}{
		{"empty name", stream.CreateStreamInput{ShardCount: new(1)}, stream.ErrValidationException,
			"1 validation error detected: Value '' at 'streamName' failed to satisfy constraint: Member must have length between 1 and 128"},
		{"long name", stream.CreateStreamInput{StreamName: long, ShardCount: new(1)}, stream.ErrValidationException, ""},
		{"bad char", stream.CreateStreamInput{StreamName: "a b", ShardCount: new(1)}, stream.ErrValidationException,
			"1 validation error detected: Value 'a b' at 'streamName' failed to satisfy constraint: Member must satisfy regular expression pattern: [a-zA-Z0-9_.-]+"},
		{"zero shards", stream.CreateStreamInput{StreamName: "z", ShardCount: new(0)}, stream.ErrValidationException,
			"1 validation error detected: Value '0' at 'shardCount' failed to satisfy constraint: Member must have value greater than or equal to 1"},
		{"no shard count", stream.CreateStreamInput{StreamName: "z"}, stream.ErrInvalidArgumentException, ""},
		{"record size low", stream.CreateStreamInput{StreamName: "z", ShardCount: new(1), MaxRecordSizeInKiB: new(1023)}, stream.ErrValidationException, ""},
		{"record size high", stream.CreateStreamInput{StreamName: "z", ShardCount: new(1), MaxRecordSizeInKiB: new(10241)}, stream.ErrValidationException, ""},
		{"duplicate", stream.CreateStreamInput{StreamName: "dup", ShardCount: new(1)}, stream.ErrResourceInUseException,
			"Stream dup under account 123456789012 already exists."},
		{"bad mode", stream.CreateStreamInput{StreamName: "z", StreamModeDetails: &stream.StreamModeDetails{StreamMode: "X"}}, stream.ErrValidationException, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := e.svc.CreateStream(e.ctx, tc.in)
			wantErr(t, err, tc.sentinel, tc.msg)
		})
	}
}

func TestStreamLifecycleWithTransitionDelay(t *testing.T) {
	e := newEnv(t, stream.WithTransitionDelay(10*time.Second))
	s := e.create("slow", 2)
	if st := e.summary(s).StreamStatus; st != stream.StreamStatusCreating {
		t.Fatalf("status = %s, want CREATING", st)
	}
	if d, err := e.svc.DescribeStream(e.ctx, stream.DescribeStreamInput{StreamName: "slow"}); err != nil || len(d.StreamDescription.Shards) != 0 || d.StreamDescription.HasMoreShards {
		t.Fatalf("DescribeStream while CREATING = %+v, %v", d.StreamDescription, err)
	}
	_, err := s.PutRecord(e.ctx, stream.PutRecordInput{PartitionKey: "k", Data: []byte("x")})
	wantErr(t, err, stream.ErrResourceNotFoundException, "Stream slow under account 123456789012 not found.")
	err = e.svc.SplitShard(e.ctx, stream.SplitShardInput{StreamName: "slow", ShardToSplit: shardID(0), NewStartingHashKey: "1000"})
	wantErr(t, err, stream.ErrResourceInUseException, "Stream slow under account 123456789012 not ACTIVE, instead in state CREATING")
	e.clock.Add(10 * time.Second)
	if st := e.summary(s).StreamStatus; st != stream.StreamStatusActive {
		t.Fatalf("status = %s, want ACTIVE", st)
	}
	e.put(s, "k", "x")
	if err := e.svc.DeleteStream(e.ctx, stream.DeleteStreamInput{StreamARN: s.ARN()}); err != nil {
		t.Fatal(err)
	}
	if st := e.summary(s).StreamStatus; st != stream.StreamStatusDeleting {
		t.Fatalf("status = %s, want DELETING", st)
	}
	e.put(s, "k", "still writable while DELETING")
	e.clock.Add(10 * time.Second)
	_, err = e.svc.DescribeStreamSummary(e.ctx, stream.DescribeStreamSummaryInput{StreamName: "slow"})
	wantErr(t, err, stream.ErrResourceNotFoundException, "Stream slow under account 123456789012 not found.")
	_, err = s.PutRecord(e.ctx, stream.PutRecordInput{PartitionKey: "k", Data: []byte("x")})
	wantErr(t, err, stream.ErrResourceNotFoundException, "")
	// The name is free again.
	e.create("slow", 1)
}

func TestStreamsByNameOrARN(t *testing.T) {
	e := newEnv(t)
	s := e.create("named", 1)
	for _, tc := range []struct {
		name, arn string
		sentinel  *stream.Error
	}{
		{"named", "", nil},
		{"", s.ARN(), nil},
		{"named", s.ARN(), nil},
		{"other", s.ARN(), stream.ErrInvalidArgumentException},
		{"", "", stream.ErrInvalidArgumentException},
		{"", "arn:aws:sqs:us-east-1:123456789012:named", stream.ErrValidationException},
		{"", "arn:aws:kinesis:us-east-1:123456789012:stream/missing", stream.ErrResourceNotFoundException},
		{"", "arn:aws:kinesis:eu-west-1:123456789012:stream/named", stream.ErrResourceNotFoundException},
		{"a b", "", stream.ErrValidationException},
	} {
		_, err := e.svc.DescribeStreamSummary(e.ctx, stream.DescribeStreamSummaryInput{StreamName: tc.name, StreamARN: tc.arn})
		if tc.sentinel == nil {
			if err != nil {
				t.Errorf("(%q, %q): %v", tc.name, tc.arn, err)
			}
			continue
		}
		wantErr(t, err, tc.sentinel, "")
	}
	if got, err := e.svc.Stream(s.ARN()); err != nil || got != s {
		t.Fatalf("Stream(ARN) = %v, %v", got, err)
	}
}

func TestDescribeStream(t *testing.T) {
	e := newEnv(t)
	s := e.create("desc", 5)
	out, err := e.svc.DescribeStream(e.ctx, stream.DescribeStreamInput{StreamName: "desc", Limit: new(2)})
	if err != nil {
		t.Fatal(err)
	}
	d := out.StreamDescription
	if d.StreamStatus != stream.StreamStatusActive || d.RetentionPeriodHours != 24 || d.StreamARN != s.ARN() ||
		!d.StreamCreationTimestamp.Equal(epoch) || d.EncryptionType != stream.EncryptionTypeNone ||
		d.StreamModeDetails.StreamMode != stream.StreamModeProvisioned || len(d.Shards) != 2 || !d.HasMoreShards {
		t.Fatalf("description = %+v", d)
	}
	out, err = e.svc.DescribeStream(e.ctx, stream.DescribeStreamInput{StreamName: "desc", ExclusiveStartShardId: d.Shards[1].ShardId})
	if err != nil || len(out.StreamDescription.Shards) != 3 || out.StreamDescription.HasMoreShards || out.StreamDescription.Shards[0].ShardId != shardID(2) {
		t.Fatalf("second page = %+v, %v", out.StreamDescription.Shards, err)
	}
	_, err = e.svc.DescribeStream(e.ctx, stream.DescribeStreamInput{StreamName: "desc", Limit: new(0)})
	wantErr(t, err, stream.ErrValidationException, "")
	many := e.create("many", 150)
	out, err = e.svc.DescribeStream(e.ctx, stream.DescribeStreamInput{StreamARN: many.ARN(), Limit: new(10000)})
	if err != nil || len(out.StreamDescription.Shards) != 100 || !out.StreamDescription.HasMoreShards {
		t.Fatalf("Limit 10000 on 150 shards: %d shards, more %v, %v", len(out.StreamDescription.Shards), out.StreamDescription.HasMoreShards, err)
	}
	sum := e.summary(s)
	if sum.OpenShardCount != 5 || sum.MaxRecordSizeInKiB != 1024 || sum.ConsumerCount != 0 {
		t.Fatalf("summary = %+v", sum)
	}
}

func TestListStreams(t *testing.T) {
	e := newEnv(t, stream.WithThrottling(false))
	for _, n := range []string{"c", "a", "b", "d"} {
		e.create(n, 1)
	}
	out, err := e.svc.ListStreams(e.ctx, stream.ListStreamsInput{Limit: new(3)})
	if err != nil || strings.Join(out.StreamNames, ",") != "a,b,c" || !out.HasMoreStreams || out.NextToken == "" {
		t.Fatalf("page 1 = %+v, %v", out, err)
	}
	if out.StreamSummaries[0].StreamARN != "arn:aws:kinesis:us-east-1:123456789012:stream/a" || out.StreamSummaries[0].StreamStatus != stream.StreamStatusActive {
		t.Fatalf("summary = %+v", out.StreamSummaries[0])
	}
	out, err = e.svc.ListStreams(e.ctx, stream.ListStreamsInput{NextToken: out.NextToken})
	if err != nil || strings.Join(out.StreamNames, ",") != "d" || out.HasMoreStreams {
		t.Fatalf("page 2 = %+v, %v", out, err)
	}
	out, err = e.svc.ListStreams(e.ctx, stream.ListStreamsInput{ExclusiveStartStreamName: "b"})
	if err != nil || strings.Join(out.StreamNames, ",") != "c,d" {
		t.Fatalf("after b = %+v, %v", out, err)
	}
	_, err = e.svc.ListStreams(e.ctx, stream.ListStreamsInput{NextToken: "garbage!"})
	wantErr(t, err, stream.ErrInvalidArgumentException, "")
}

func TestDescribeLimitsAndShardLimit(t *testing.T) {
	e := newEnv(t, stream.WithShardLimit(10), stream.WithThrottling(false))
	e.create("a", 6)
	_, err := e.svc.CreateStream(e.ctx, stream.CreateStreamInput{StreamName: "b", ShardCount: new(5)})
	wantErr(t, err, stream.ErrLimitExceededException, "")
	if _, err := e.svc.CreateStream(e.ctx, stream.CreateStreamInput{StreamName: "od", StreamModeDetails: &stream.StreamModeDetails{StreamMode: stream.StreamModeOnDemand}}); err != nil {
		t.Fatal(err)
	}
	out, err := e.svc.DescribeLimits(e.ctx)
	if err != nil || out != (stream.DescribeLimitsOutput{ShardLimit: 10, OpenShardCount: 6, OnDemandStreamCount: 1, OnDemandStreamCountLimit: 50}) {
		t.Fatalf("DescribeLimits = %+v, %v", out, err)
	}
}

func TestCreatingLimit(t *testing.T) {
	e := newEnv(t, stream.WithTransitionDelay(time.Minute), stream.WithThrottling(false))
	for i := range 5 {
		e.create(string(rune('a'+i)), 1)
	}
	_, err := e.svc.CreateStream(e.ctx, stream.CreateStreamInput{StreamName: "f", ShardCount: new(1)})
	wantErr(t, err, stream.ErrLimitExceededException, "")
	e.clock.Add(time.Minute)
	e.create("f", 1)
}

func TestControlPlaneRate(t *testing.T) {
	e := newEnv(t)
	for i := range 5 {
		e.create(string(rune('a'+i)), 1)
	}
	_, err := e.svc.CreateStream(e.ctx, stream.CreateStreamInput{StreamName: "f", ShardCount: new(1)})
	wantErr(t, err, stream.ErrLimitExceededException, "Rate exceeded for account 123456789012.")
	e.clock.Add(time.Second)
	e.create("f", 1)
}

func TestClosedService(t *testing.T) {
	e := newEnv(t)
	s := e.create("x", 1)
	e.svc.Close()
	_, err := s.PutRecord(e.ctx, stream.PutRecordInput{PartitionKey: "k"})
	wantErr(t, err, stream.ErrInternalFailure, "")
	_, err = e.svc.ListStreams(e.ctx, stream.ListStreamsInput{})
	wantErr(t, err, stream.ErrInternalFailure, "")
}
