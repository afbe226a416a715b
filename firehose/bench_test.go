package firehose_test

// Throughput benchmarks. Run them with
//
//	go test -run '^$' -bench . -benchmem ./firehose/
//
// BenchmarkPutRecordBatch puts batches of 500 records of 100 bytes into a
// delivery stream with a 5 MiB buffer (flushed by size into an in-memory
// bucket, compressed or not) and reports records/s and heap bytes per
// buffered record. BenchmarkChannelBaseline is the yardstick: a buffered
// Go channel moving the same 100-byte records to one goroutine, measured
// in the same run.

import (
	"context"
	"runtime"
	"sync"
	"testing"

	"github.com/sluicehq/sluice/firehose"
	"github.com/sluicehq/sluice/internal/clock"
)

const benchRecordSize = 100

func benchBatch() []firehose.Record {
	recs := make([]firehose.Record, 500)
	for i := range recs {
		b := make([]byte, benchRecordSize)
		for j := range b {
			b[j] = 'a' + byte((i+j)%26)
		}
		recs[i] = firehose.Record{Data: b}
	}
	return recs
}

func benchReportRate(b *testing.B, moved int64, unit string) {
	b.Helper()
	if s := b.Elapsed().Seconds(); s > 0 {
		b.ReportMetric(float64(moved)/s, unit)
	}
}

func BenchmarkPutRecordBatch(b *testing.B) {
	for _, format := range []firehose.CompressionFormat{firehose.Uncompressed, firehose.GZIP} {
		b.Run(string(format), func(b *testing.B) {
			ctx := context.Background()
			mock := clock.NewMock()
			svc := firehose.New(firehose.WithClock(mock))
			defer svc.Close()
			c := s3(5, 900)
			c.CompressionFormat = format
			out, err := svc.CreateDeliveryStream(ctx, firehose.CreateDeliveryStreamInput{DeliveryStreamName: "bench", ExtendedS3DestinationConfiguration: c})
			if err != nil {
				b.Fatal(err)
			}
			d := out.DeliveryStream
			in := firehose.PutRecordBatchInput{Records: benchBatch()}
			b.ReportAllocs()
			var n int64
			for b.Loop() {
				if _, err := d.PutRecordBatch(ctx, in); err != nil {
					b.Fatal(err)
				}
				n += 500
			}
			benchReportRate(b, n, "records/s")
		})
	}
}

// BenchmarkBufferedHeap measures heap bytes per buffered record: 10,000
// batches of 500 records of 100 bytes in a 128 MiB buffer that never
// flushes during the run.
func BenchmarkBufferedHeap(b *testing.B) {
	ctx := context.Background()
	in := firehose.PutRecordBatchInput{Records: benchBatch()}
	for b.Loop() {
		svc := firehose.New(firehose.WithClock(clock.NewMock()))
		out, err := svc.CreateDeliveryStream(ctx, firehose.CreateDeliveryStreamInput{DeliveryStreamName: "heap", ExtendedS3DestinationConfiguration: s3(128, 900)})
		if err != nil {
			b.Fatal(err)
		}
		var before, after runtime.MemStats
		runtime.GC()
		runtime.ReadMemStats(&before)
		const batches = 2000
		for range batches {
			if _, err := out.DeliveryStream.PutRecordBatch(ctx, in); err != nil {
				b.Fatal(err)
			}
		}
		runtime.GC()
		runtime.ReadMemStats(&after)
		b.ReportMetric(float64(int64(after.HeapAlloc)-int64(before.HeapAlloc))/(batches*500), "heap-B/record")
		runtime.KeepAlive(out)
		svc.Close()
	}
}

// BenchmarkChannelBaseline moves 100-byte records through a buffered
// channel from the benchmark loop to one consumer goroutine.
func BenchmarkChannelBaseline(b *testing.B) {
	ch := make(chan []byte, 1024)
	var wg sync.WaitGroup
	var total int
	wg.Go(func() {
		for r := range ch {
			total += len(r)
		}
	})
	rec := benchBatch()[0].Data
	b.ReportAllocs()
	var sent int64
	for b.Loop() {
		ch <- rec
		sent++
	}
	moved := sent - int64(len(ch))
	close(ch)
	wg.Wait()
	benchReportRate(b, moved, "records/s")
}
