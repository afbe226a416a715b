package firehose_test

import (
	"context"
	"errors"
	"math/rand/v2"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"testing/synctest"
	"time"

	"pgregory.net/rapid"

	"github.com/sluicehq/sluice/firehose"
	"github.com/sluicehq/sluice/internal/clock"
)

// TestAtLeastOnceModel breaks and mends the bucket between random puts
// and clock steps (each outage under 24 hours): once the bucket is mended
// and the retries have run, every record is in exactly one object.
func TestAtLeastOnceModel(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		rapid.SyncTest(t, func(t *rapid.T) {
			mock := clock.NewMock()
			mock.Set(epoch)
			svc := firehose.New(firehose.WithClock(mock), firehose.WithRand(rand.NewPCG(9, 10)))
			defer svc.Close()
			bucket := firehose.NewBucket()
			var broken atomic.Bool
			svc.RegisterBucket(bucketARN, firehose.DestinationFunc(func(ctx context.Context, key string, body []byte) error {
				if broken.Load() {
					return errors.New("503 Slow Down")
				}
				return bucket.PutObject(ctx, key, body)
			}))
			out, err := svc.CreateDeliveryStream(context.Background(), firehose.CreateDeliveryStreamInput{DeliveryStreamName: "a",
				ExtendedS3DestinationConfiguration: s3(1, rapid.SampledFrom([]int{0, 10, 60}).Draw(t, "interval"))})
			if err != nil {
				t.Fatal(err)
			}
			d := out.DeliveryStream
			next := 0
			t.Repeat(map[string]func(*rapid.T){
				"put": func(t *rapid.T) {
					recs := make([]firehose.Record, rapid.IntRange(1, 10).Draw(t, "n"))
					for i := range recs {
						recs[i] = firehose.Record{Data: []byte("<" + strconv.Itoa(next) + ">")}
						next++
					}
					if _, err := d.PutRecordBatch(context.Background(), firehose.PutRecordBatchInput{Records: recs}); err != nil {
						t.Fatal(err)
					}
				},
				"advance": func(t *rapid.T) {
					synctest.Wait()
					mock.Add(time.Duration(rapid.IntRange(1, 600).Draw(t, "seconds")) * time.Second)
					synctest.Wait()
				},
				"break": func(t *rapid.T) { broken.Store(true) },
				"mend":  func(t *rapid.T) { broken.Store(false) },
				"":      func(t *rapid.T) {},
			})
			broken.Store(false)
			for range 20 {
				synctest.Wait()
				mock.Add(time.Minute)
			}
			synctest.Wait()
			seen := map[string]int{}
			for _, o := range bucket.Objects("") {
				for _, part := range strings.Split(string(o.Body), "<")[1:] {
					seen[part[:strings.IndexByte(part, '>')]]++
				}
			}
			for id := range next {
				if n := seen[strconv.Itoa(id)]; n != 1 {
					t.Fatalf("record %d is in %d objects, want 1", id, n)
				}
			}
			if len(seen) != next {
				t.Fatalf("%d records delivered, %d put", len(seen), next)
			}
		})
	})
}
