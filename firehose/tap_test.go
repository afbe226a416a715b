package firehose_test

import (
	"context"
	"strings"
	"sync"
	"testing"

	"github.com/sluicehq/sluice/firehose"
)

func TestTap(t *testing.T) {
	for _, tc := range []struct {
		name string
		dest *firehose.ExtendedS3DestinationConfiguration
	}{
		{"buffered as is", s3(1, 60)},
		{"with processing", func() *firehose.ExtendedS3DestinationConfiguration {
			c := s3(1, 60)
			c.ProcessingConfiguration = &firehose.ProcessingConfiguration{Enabled: true,
				Processors: []firehose.Processor{{Type: firehose.ProcessorAppendDelimiterToRecord}}}
			return c
		}()},
	} {
		t.Run(tc.name, func(t *testing.T) {
			run(t, func(e *env) {
				d := e.createS3("tapped", tc.dest)
				var mu sync.Mutex
				var got []string
				untap := d.Tap(func(ctx context.Context, recs []firehose.TapRecord) {
					mu.Lock()
					defer mu.Unlock()
					for _, r := range recs {
						if !r.Arrival.Equal(e.clock.Now()) {
							t.Errorf("record %q arrived at %v, want %v", r.Data, r.Arrival, e.clock.Now())
						}
						got = append(got, string(r.Data))
					}
				})
				e.put(d, "a", "b")
				if _, err := d.PutRecord(e.ctx, firehose.PutRecordInput{Record: firehose.Record{Data: []byte("c")}}); err != nil {
					t.Fatal(err)
				}
				untap()
				e.put(d, "after")
				mu.Lock()
				defer mu.Unlock()
				if strings.Join(got, ",") != "a,b,c" {
					t.Fatalf("tap got %q, want [a b c]", got)
				}
			})
		})
	}
}
