package firehose_test

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"github.com/sluicehq/sluice/firehose"
)

func TestPutRecordBatchLimits(t *testing.T) {
	big := bytes.Repeat([]byte("x"), firehose.MaxRecordSize+1)
	max := bytes.Repeat([]byte("x"), firehose.MaxRecordSize)
	tests := []struct {
		name string
		recs []firehose.Record
		want *firehose.Error
	}{
		{"empty", nil, firehose.ErrValidationException},
		{"501", make([]firehose.Record, 501), firehose.ErrValidationException},
		{"record too big", []firehose.Record{{Data: []byte("a")}, {Data: big}}, firehose.ErrValidationException},
		{"over 4 MiB", []firehose.Record{{Data: max}, {Data: max}, {Data: max}, {Data: max}, {Data: max}}, firehose.ErrInvalidArgumentException},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			run(t, func(e *env) {
				d := e.createS3("s", s3(1, 0))
				_, err := d.PutRecordBatch(e.ctx, firehose.PutRecordBatchInput{Records: tt.recs})
				wantErr(t, err, tt.want, "")
				e.advance(time.Hour)
				if n := e.bucket().Len(); n != 0 {
					t.Errorf("a rejected batch delivered %d objects", n)
				}
			})
		})
	}
}

func TestPutRecordBatchResponses(t *testing.T) {
	run(t, func(e *env) {
		d := e.createS3("s", s3(5, 60))
		recs := make([]string, 500)
		for i := range recs {
			recs[i] = "r"
		}
		out := e.put(d, recs...)
		if len(out.RequestResponses) != 500 || out.FailedPutCount != 0 || out.Encrypted {
			t.Fatalf("output = %d entries, FailedPutCount %d, Encrypted %v", len(out.RequestResponses), out.FailedPutCount, out.Encrypted)
		}
		seen := map[string]bool{}
		for _, r := range out.RequestResponses {
			if r.RecordId == "" || seen[r.RecordId] || r.ErrorCode != "" {
				t.Fatalf("entry %+v is empty, duplicated or failed", r)
			}
			seen[r.RecordId] = true
		}
		one, err := d.PutRecord(e.ctx, firehose.PutRecordInput{Record: firehose.Record{Data: []byte("x")}})
		if err != nil || one.RecordId == "" || seen[one.RecordId] {
			t.Fatalf("PutRecord = %+v, %v", one, err)
		}
	})
}

func TestIntervalFlush(t *testing.T) {
	run(t, func(e *env) {
		d := e.createS3("clicks", s3(5, 60))
		e.put(d, "a", "b")
		e.advance(30 * time.Second)
		e.put(d, "c")
		e.advance(29 * time.Second)
		if n := e.bucket().Len(); n != 0 {
			t.Fatalf("%d objects before the interval, want 0", n)
		}
		e.advance(time.Second)
		objs := e.objects(bucketARN)
		if len(objs) != 1 {
			t.Fatalf("objects = %v, want 1", objs)
		}
		for k, body := range objs {
			if body != "abc" {
				t.Errorf("body = %q, want abc", body)
			}
			if !strings.HasPrefix(k, "2026/11/25/11/clicks-1-2026-11-25-11-04-05-") || len(k) != len("2026/11/25/11/clicks-1-2026-11-25-11-04-05-")+36 {
				t.Errorf("key = %s", k)
			}
		}
		// The next record opens a new buffer with its own interval.
		e.put(d, "d")
		e.advance(59 * time.Second)
		if n := e.bucket().Len(); n != 1 {
			t.Fatalf("%d objects, want 1", n)
		}
		e.advance(time.Second)
		if n := e.bucket().Len(); n != 2 {
			t.Fatalf("%d objects, want 2", n)
		}
	})
}

func TestSizeFlush(t *testing.T) {
	run(t, func(e *env) {
		d := e.createS3("s", s3(1, 900))
		rec := strings.Repeat("x", 100_000)
		for range 10 {
			e.put(d, rec)
		}
		if n := e.bucket().Len(); n != 0 {
			t.Fatalf("%d objects under 1 MiB", n)
		}
		e.put(d, rec) // 1,100,000 bytes >= 1 MiB
		objs := e.bucket().Objects("")
		if len(objs) != 1 || len(objs[0].Body) != 1_100_000 {
			t.Fatalf("objects = %d (first %d bytes), want one of 1,100,000", len(objs), len(objs[0].Body))
		}
		e.put(d, "tail")
		e.advance(900 * time.Second)
		if n := e.bucket().Len(); n != 2 {
			t.Fatalf("%d objects, want 2", n)
		}
	})
}

func TestZeroBuffering(t *testing.T) {
	run(t, func(e *env) {
		d := e.createS3("s", s3(1, 0))
		e.put(d, "a", "b")
		if n := e.bucket().Len(); n != 1 {
			t.Fatalf("%d objects after a put with IntervalInSeconds=0, want 1", n)
		}
	})
}

func TestPrefixes(t *testing.T) {
	tests := []struct {
		name, prefix, errPrefix, zone string
		want                          string
	}{
		{"static with slash", "p/", "", "", "p/2026/11/25/11/s-1-2026-11-25-11-04-05-"},
		{"static without slash", "p", "", "", "p2026/11/25/11/s-1-2026-11-25-11-04-05-"},
		{"timestamp", "y=!{timestamp:yyyy}/m=!{timestamp:MM}/", "e/!{firehose:error-output-type}/", "", "y=2026/m=11/s-1-2026-11-25-11-04-05-"},
		{"quoted", "!{timestamp:'year='yyyy'/day='dd}/", "e/!{firehose:error-output-type}", "", "year=2026/day=25/s-1-2026-11-25-11-04-05-"},
		{"time zone", "", "", "Asia/Tokyo", "2026/11/25/20/s-1-2026-11-25-20-04-05-"},
		{"text fields", "!{timestamp:EEE-MMM-a-D}/", "e/!{firehose:error-output-type}", "", "Wed-Nov-AM-329/s-1-2026-11-25-11-04-05-"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			run(t, func(e *env) {
				c := s3(1, 60)
				c.Prefix, c.ErrorOutputPrefix, c.CustomTimeZone = tt.prefix, tt.errPrefix, tt.zone
				d := e.createS3("s", c)
				e.put(d, "x")
				e.advance(time.Minute)
				keys := e.bucket().Keys()
				if len(keys) != 1 || !strings.HasPrefix(keys[0], tt.want) {
					t.Fatalf("keys = %v, want one starting %s", keys, tt.want)
				}
			})
		})
	}
}

func TestRandomString(t *testing.T) {
	run(t, func(e *env) {
		c := s3(1, 60)
		c.Prefix, c.ErrorOutputPrefix = "!{firehose:random-string}/!{firehose:random-string}/", "e/!{firehose:error-output-type}/"
		d := e.createS3("s", c)
		e.put(d, "x")
		e.advance(time.Minute)
		keys := e.bucket().Keys()
		parts := strings.Split(keys[0], "/")
		if len(parts[0]) != 11 || len(parts[1]) != 11 || parts[0] == parts[1] {
			t.Fatalf("key = %s: want two different 11-character random strings", keys[0])
		}
	})
}

// TestGoldenKeys pins whole object names with a seeded random source.
func TestGoldenKeys(t *testing.T) {
	run(t, func(e *env) {
		c := s3(1, 60)
		c.Prefix = "r=!{firehose:random-string}/!{timestamp:yyyy-MM-dd}/"
		c.ErrorOutputPrefix = "err/!{firehose:error-output-type}/"
		c.CompressionFormat = firehose.GZIP
		d := e.createS3("golden", c)
		e.put(d, "x")
		e.advance(time.Minute)
		want := []string{"r=3d0473d6a34/2026-11-25/golden-1-2026-11-25-11-04-05-36fee0c4-2f41-4d14-bd83-4a25fa885f82.gz"}
		if got := e.bucket().Keys(); len(got) != 1 || got[0] != want[0] {
			t.Fatalf("keys = %q, want %q", got, want)
		}
	})
}

func TestThrottling(t *testing.T) {
	run(t, func(e *env) {
		d := e.createS3("s", s3(128, 900))
		big := strings.Repeat("x", 1_000_000)
		var failed int
		for range 6 {
			out := e.put(d, big)
			failed += out.FailedPutCount
		}
		if failed != 1 {
			t.Fatalf("FailedPutCount over 6 MB in one second = %d, want 1", failed)
		}
		out := e.put(d, "small", big)
		if out.FailedPutCount != 1 || out.RequestResponses[0].RecordId == "" ||
			out.RequestResponses[1] != (firehose.PutRecordBatchResponseEntry{ErrorCode: "ServiceUnavailableException", ErrorMessage: "Slow down."}) {
			t.Fatalf("responses = %+v", out.RequestResponses)
		}
		e.advance(time.Second)
		if out := e.put(d, big); out.FailedPutCount != 0 {
			t.Fatalf("the next second is throttled: %+v", out)
		}
		m, _ := d.Metrics(e.ctx)
		if m["ThrottledRecords"] != 2 {
			t.Errorf("ThrottledRecords = %v", m["ThrottledRecords"])
		}
		for range firehose.RequestsPerSecondLimit {
			_, _ = d.PutRecord(e.ctx, firehose.PutRecordInput{Record: firehose.Record{Data: []byte("x")}})
		}
		_, err := d.PutRecord(e.ctx, firehose.PutRecordInput{Record: firehose.Record{Data: []byte("x")}})
		wantErr(t, err, firehose.ErrServiceUnavailableException, "Slow down.")
	}, firehose.WithThrottling(true))
}
