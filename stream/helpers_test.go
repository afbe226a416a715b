package stream_test

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/sluicehq/sluice/internal/clock"
	"github.com/sluicehq/sluice/stream"
)

// epoch is where every test's mock clock starts.
var epoch = time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)

// env is one test's Service on a mock clock.
type env struct {
	t     testing.TB
	ctx   context.Context
	clock *clock.Mock
	svc   *stream.Service
}

// newEnv returns a Service on a mock clock set to epoch. Throttling stays
// on, as it is by default, unless opts switch it off.
func newEnv(t testing.TB, opts ...stream.Option) *env {
	t.Helper()
	mock := clock.NewMock()
	mock.Set(epoch)
	svc := stream.New(append([]stream.Option{stream.WithClock(mock)}, opts...)...)
	t.Cleanup(func() { svc.Close() })
	return &env{t: t, ctx: context.Background(), clock: mock, svc: svc}
}

// create makes a provisioned stream of n shards or fails the test.
func (e *env) create(name string, n int) *stream.Stream {
	e.t.Helper()
	s, err := e.svc.CreateStream(e.ctx, stream.CreateStreamInput{StreamName: name, ShardCount: new(n)})
	if err != nil {
		e.t.Fatalf("CreateStream(%q, %d): %v", name, n, err)
	}
	return s
}

// put writes one record or fails the test.
func (e *env) put(s *stream.Stream, key, data string) stream.PutRecordOutput {
	e.t.Helper()
	out, err := s.PutRecord(e.ctx, stream.PutRecordInput{PartitionKey: key, Data: []byte(data)})
	if err != nil {
		e.t.Fatalf("PutRecord(%q): %v", key, err)
	}
	return out
}

// iterator returns a shard iterator or fails the test.
func (e *env) iterator(s *stream.Stream, shard string, typ stream.ShardIteratorType, seq string) string {
	e.t.Helper()
	out, err := s.GetShardIterator(e.ctx, stream.GetShardIteratorInput{ShardId: shard, ShardIteratorType: typ, StartingSequenceNumber: seq})
	if err != nil {
		e.t.Fatalf("GetShardIterator(%s, %s): %v", shard, typ, err)
	}
	return out.ShardIterator
}

// get reads once from an iterator or fails the test.
func (e *env) get(s *stream.Stream, it string) stream.GetRecordsOutput {
	e.t.Helper()
	out, err := s.GetRecords(e.ctx, stream.GetRecordsInput{ShardIterator: it})
	if err != nil {
		e.t.Fatalf("GetRecords: %v", err)
	}
	return out
}

// shards lists every unexpired shard or fails the test.
func (e *env) shards(s *stream.Stream) []stream.Shard {
	e.t.Helper()
	out, err := e.svc.ListShards(e.ctx, stream.ListShardsInput{StreamName: s.Name()})
	if err != nil {
		e.t.Fatalf("ListShards: %v", err)
	}
	return out.Shards
}

// summary describes a stream or fails the test.
func (e *env) summary(s *stream.Stream) stream.StreamDescriptionSummary {
	e.t.Helper()
	out, err := e.svc.DescribeStreamSummary(e.ctx, stream.DescribeStreamSummaryInput{StreamName: s.Name()})
	if err != nil {
		e.t.Fatalf("DescribeStreamSummary: %v", err)
	}
	return out.StreamDescriptionSummary
}

// data returns the records' data as strings.
func data(recs []stream.Record) []string {
	out := make([]string, len(recs))
	for i, r := range recs {
		out[i] = string(r.Data)
	}
	return out
}

// wantErr fails the test unless err matches the sentinel and, if msg is not
// empty, carries exactly that message.
func wantErr(t testing.TB, err error, sentinel *stream.Error, msg string) {
	t.Helper()
	if !errors.Is(err, sentinel) {
		t.Fatalf("error = %v, want %s", err, sentinel.Code)
	}
	var se *stream.Error
	if msg != "" && (!errors.As(err, &se) || se.Message != msg) {
		t.Fatalf("message = %q, want %q", se.Message, msg)
	}
}

// shardID formats a shard id as AWS does.
func shardID(i int) string { return fmt.Sprintf("shardId-%012d", i) }
