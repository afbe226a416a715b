package stream_test

// Throughput and memory benchmarks. Run them with
//
//	go test -run '^$' -bench . -benchmem ./stream/
//
// Every throughput benchmark reports records/s: records that completed
// their trip (put and read back; for PutRecord, put) inside the timed loop,
// divided by b.Elapsed(). BenchmarkChannelBaseline is the yardstick: a
// buffered Go channel moving the same 100-byte records between two
// goroutines, measured in the same run. Throttling is off: on AWS a shard
// takes 1,000 records a second.

import (
	"context"
	"fmt"
	"runtime"
	"strconv"
	"testing"

	"github.com/sluicehq/sluice/stream"
)

// benchRecordSize is the size of every record's data.
const benchRecordSize = 100

// benchBatch returns a PutRecords batch of 500 100-byte records with
// partition keys spread over the key space.
func benchBatch() stream.PutRecordsInput {
	var in stream.PutRecordsInput
	for i := range stream.MaxPutRecordsEntries {
		d := make([]byte, benchRecordSize)
		copy(d, strconv.Itoa(i))
		in.Records = append(in.Records, stream.PutRecordsRequestEntry{PartitionKey: "user-" + strconv.Itoa(i), Data: d})
	}
	return in
}

// benchStreams hands out fresh streams, so the records of a long run do
// not pile up: every stream takes at most benchStreamRecords.
type benchStreams struct {
	b      *testing.B
	svc    *stream.Service
	s      *stream.Stream
	n      int
	shards int
	put    int
	its    []string
}

const benchStreamRecords = 1_000_000

func newBenchStreams(b *testing.B, shards int) *benchStreams {
	svc := stream.New(stream.WithThrottling(false))
	b.Cleanup(func() { svc.Close() })
	bs := &benchStreams{b: b, svc: svc, shards: shards}
	bs.next()
	return bs
}

// next replaces the stream with a new one and LATEST iterators on it.
func (bs *benchStreams) next() {
	ctx := context.Background()
	if bs.s != nil {
		bs.svc.DeleteStream(ctx, stream.DeleteStreamInput{StreamName: bs.s.Name()})
	}
	bs.n++
	s, err := bs.svc.CreateStream(ctx, stream.CreateStreamInput{StreamName: fmt.Sprint("bench-", bs.n), ShardCount: new(bs.shards)})
	if err != nil {
		bs.b.Fatal(err)
	}
	bs.s, bs.put, bs.its = s, 0, bs.its[:0]
	for i := range bs.shards {
		it, err := s.GetShardIterator(ctx, stream.GetShardIteratorInput{ShardId: shardID(i), ShardIteratorType: stream.Latest})
		if err != nil {
			bs.b.Fatal(err)
		}
		bs.its = append(bs.its, it.ShardIterator)
	}
}

func reportRate(b *testing.B, n int64) {
	if s := b.Elapsed().Seconds(); s > 0 {
		b.ReportMetric(float64(n)/s, "records/s")
	}
}

// BenchmarkPutGetRecords puts batches of 500 100-byte records and reads
// them back with GetRecords from every shard.
func BenchmarkPutGetRecords(b *testing.B) {
	for _, shards := range []int{1, 4} {
		b.Run(fmt.Sprintf("shards=%d", shards), func(b *testing.B) {
			ctx := context.Background()
			bs := newBenchStreams(b, shards)
			in := benchBatch()
			var moved int64
			for b.Loop() {
				if bs.put >= benchStreamRecords {
					bs.next()
				}
				out, err := bs.s.PutRecords(ctx, in)
				if err != nil || out.FailedRecordCount != 0 {
					b.Fatalf("PutRecords: %v", err)
				}
				bs.put += len(in.Records)
				got := 0
				for i, it := range bs.its {
					res, err := bs.s.GetRecords(ctx, stream.GetRecordsInput{ShardIterator: it})
					if err != nil {
						b.Fatalf("GetRecords: %v", err)
					}
					got += len(res.Records)
					bs.its[i] = res.NextShardIterator
				}
				if got != len(in.Records) {
					b.Fatalf("read %d of %d", got, len(in.Records))
				}
				moved += int64(got)
			}
			reportRate(b, moved)
		})
	}
}

// BenchmarkPutRecord puts 100-byte records one call at a time.
func BenchmarkPutRecord(b *testing.B) {
	ctx := context.Background()
	bs := newBenchStreams(b, 1)
	in := stream.PutRecordInput{PartitionKey: "user-42", Data: make([]byte, benchRecordSize)}
	var n int64
	for b.Loop() {
		if bs.put >= benchStreamRecords {
			bs.next()
		}
		if _, err := bs.s.PutRecord(ctx, in); err != nil {
			b.Fatal(err)
		}
		bs.put++
		n++
	}
	reportRate(b, n)
}

// BenchmarkChannelBaseline moves 100-byte records through a buffered
// channel from one goroutine to another.
func BenchmarkChannelBaseline(b *testing.B) {
	ch := make(chan []byte, 1024)
	done := make(chan int64)
	go func() {
		var n int64
		for range ch {
			n++
		}
		done <- n
	}()
	rec := make([]byte, benchRecordSize)
	for b.Loop() {
		for range stream.MaxPutRecordsEntries {
			ch <- rec
		}
	}
	close(ch)
	reportRate(b, <-done)
}

// BenchmarkHeapPerRecord writes 10^6 100-byte records and reports the heap
// they cost beyond their data (partition keys are shared by the batch and
// so not counted).
func BenchmarkHeapPerRecord(b *testing.B) {
	ctx := context.Background()
	in := benchBatch()
	const total = 1_000_000
	for b.Loop() {
		svc := stream.New(stream.WithThrottling(false))
		s, err := svc.CreateStream(ctx, stream.CreateStreamInput{StreamName: "heap", ShardCount: new(4)})
		if err != nil {
			b.Fatal(err)
		}
		var before, after runtime.MemStats
		runtime.GC()
		runtime.ReadMemStats(&before)
		for range total / len(in.Records) {
			if _, err := s.PutRecords(ctx, in); err != nil {
				b.Fatal(err)
			}
		}
		runtime.GC()
		runtime.ReadMemStats(&after)
		b.ReportMetric(float64(after.HeapAlloc-before.HeapAlloc)/total-benchRecordSize, "heap-B/record")
		runtime.KeepAlive(s)
		svc.Close()
	}
}
