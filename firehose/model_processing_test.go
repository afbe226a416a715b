package firehose_test

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"math/rand/v2"
	"strconv"
	"strings"
	"testing"
	"testing/synctest"
	"time"

	"pgregory.net/rapid"

	"github.com/sluicehq/sluice/firehose"
	"github.com/sluicehq/sluice/internal/clock"
)

// TestProcessingModel puts records through a Lambda processor that keeps,
// drops or fails them by id, with clock steps in between: no record is
// ever delivered twice or to the wrong place, kept ones reach the bucket
// uppercased and failed ones the processing-failed output, and once the
// clock has passed every buffer all of them are there.
func TestProcessingModel(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		rapid.SyncTest(t, func(t *rapid.T) {
			mock := clock.NewMock()
			mock.Set(epoch)
			svc := firehose.New(firehose.WithClock(mock), firehose.WithRand(rand.NewPCG(7, 8)))
			defer svc.Close()
			arn := svc.FunctionARN("f")
			svc.RegisterFunction(arn, func(_ context.Context, ev firehose.TransformEvent) (firehose.TransformResponse, error) {
				var out firehose.TransformResponse
				for _, r := range ev.Records {
					id, _ := strconv.Atoi(strings.Trim(string(r.Data), "<>"))
					res := firehose.TransformResponseRecord{RecordID: r.RecordID, Result: firehose.ResultOk, Data: []byte(strings.ToUpper("<k" + strconv.Itoa(id) + ">"))}
					switch {
					case id%5 == 0:
						res.Result = firehose.ResultDropped
					case id%7 == 0:
						res.Result = firehose.ResultProcessingFailed
					}
					out.Records = append(out.Records, res)
				}
				return out, nil
			})
			c := s3(1, rapid.SampledFrom([]int{0, 30, 60}).Draw(t, "interval"))
			c.ErrorOutputPrefix = "errors/"
			c.Prefix = "ok/"
			c.ProcessingConfiguration = lambdaConf(arn)
			out, err := svc.CreateDeliveryStream(context.Background(), firehose.CreateDeliveryStreamInput{DeliveryStreamName: "p", ExtendedS3DestinationConfiguration: c})
			if err != nil {
				t.Fatal(err)
			}
			d := out.DeliveryStream
			next := 0
			check := func(t *rapid.T, complete bool) {
				b := svc.Bucket(bucketARN)
				seen := map[int]string{}
				for _, o := range b.Objects("") {
					var ids []int
					where := "ok"
					if strings.HasPrefix(o.Key, "errors/") {
						where = "error"
						for _, line := range strings.Split(strings.TrimSpace(string(o.Body)), "\n") {
							var r struct{ RawData string }
							_ = json.Unmarshal([]byte(line), &r)
							raw, _ := base64.StdEncoding.DecodeString(r.RawData)
							id, _ := strconv.Atoi(strings.Trim(string(raw), "<>"))
							ids = append(ids, id)
						}
					} else {
						for _, part := range strings.Split(string(o.Body), "<K")[1:] {
							id, _ := strconv.Atoi(part[:strings.IndexByte(part, '>')])
							ids = append(ids, id)
						}
					}
					for _, id := range ids {
						if prev, dup := seen[id]; dup {
							t.Fatalf("record %d delivered twice (%s and %s)", id, prev, where)
						}
						seen[id] = where
						want := "ok"
						switch {
						case id%5 == 0:
							t.Fatalf("dropped record %d delivered to %s", id, where)
						case id%7 == 0:
							want = "error"
						}
						if where != want {
							t.Fatalf("record %d delivered to %s, want %s", id, where, want)
						}
					}
				}
				if complete {
					for id := range next {
						if _, ok := seen[id]; !ok && id%5 != 0 {
							t.Fatalf("record %d never delivered", id)
						}
					}
				}
			}
			t.Repeat(map[string]func(*rapid.T){
				"put": func(t *rapid.T) {
					n := rapid.IntRange(1, 20).Draw(t, "n")
					recs := make([]firehose.Record, n)
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
					mock.Add(time.Duration(rapid.IntRange(1, 90).Draw(t, "seconds")) * time.Second)
					synctest.Wait()
				},
				"": func(t *rapid.T) { check(t, false) },
			})
			for range 4 {
				synctest.Wait()
				mock.Add(time.Minute)
			}
			synctest.Wait()
			check(t, true)
		})
	})
}
