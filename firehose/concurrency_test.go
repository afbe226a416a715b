package firehose_test

import (
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/sluicehq/sluice/firehose"
)

// TestConcurrentPuts has four producers put batches while the clock moves
// and the size limit flushes: every record arrives exactly once, and each
// producer's records keep their order within an object.
func TestConcurrentPuts(t *testing.T) {
	run(t, func(e *env) {
		d := e.createS3("s", s3(1, 10))
		const producers, batches, per = 4, 50, 20
		var wg sync.WaitGroup
		for p := range producers {
			wg.Go(func() {
				for b := range batches {
					recs := make([]firehose.Record, per)
					for i := range recs {
						recs[i] = firehose.Record{Data: fmt.Appendf(nil, "<%d:%d>%s", p, b*per+i, strings.Repeat(".", 2000))}
					}
					if _, err := d.PutRecordBatch(e.ctx, firehose.PutRecordBatchInput{Records: recs}); err != nil {
						t.Error(err)
						return
					}
				}
			})
		}
		for range 20 {
			e.advance(time.Second)
		}
		wg.Wait()
		e.advance(time.Minute)
		seen := map[string]int{}
		for _, o := range e.bucket().Objects("") {
			last := map[string]int{}
			for _, part := range strings.Split(string(o.Body), "<")[1:] {
				id := part[:strings.IndexByte(part, '>')]
				seen[id]++
				p, n, _ := strings.Cut(id, ":")
				i, _ := strconv.Atoi(n)
				if prev, ok := last[p]; ok && i <= prev {
					t.Fatalf("producer %s: record %d after %d in one object", p, i, prev)
				}
				last[p] = i
			}
		}
		if len(seen) != producers*batches*per {
			t.Fatalf("%d distinct records delivered, want %d", len(seen), producers*batches*per)
		}
		for id, n := range seen {
			if n != 1 {
				t.Fatalf("record %s delivered %d times", id, n)
			}
		}
	})
}

// TestPutsRacingUpdates switches the destination between an S3 one with a
// Lambda processor and source backup and an HTTP endpoint while producers
// put: nothing panics and every put succeeds.
func TestPutsRacingUpdates(t *testing.T) {
	ep := &endpoint{}
	run(t, func(e *env) {
		arn := e.svc.FunctionARN("upper")
		e.svc.RegisterFunction(arn, upper)
		withLambda := func() *firehose.ExtendedS3DestinationConfiguration {
			c := s3(1, 60)
			c.ProcessingConfiguration = lambdaConf(arn)
			c.S3BackupMode = firehose.S3BackupEnabled
			c.S3BackupConfiguration = &firehose.S3DestinationConfiguration{RoleARN: roleARN, BucketARN: "arn:aws:s3:::backup"}
			return c
		}
		d := e.createS3("s", withLambda())
		var wg sync.WaitGroup
		for range 3 {
			wg.Go(func() {
				for i := range 100 {
					if _, err := d.PutRecordBatch(e.ctx, firehose.PutRecordBatchInput{Records: []firehose.Record{{Data: []byte(strconv.Itoa(i))}}}); err != nil {
						t.Error(err)
						return
					}
				}
			})
		}
		for v := 1; v <= 6; v++ {
			up := firehose.UpdateDestinationInput{DeliveryStreamName: "s", CurrentDeliveryStreamVersionId: strconv.Itoa(v), DestinationId: firehose.DestinationID}
			if v%2 == 1 {
				up.HttpEndpointDestinationUpdate = httpConf(60)
			} else {
				up.ExtendedS3DestinationUpdate = withLambda()
			}
			if err := e.svc.UpdateDestination(e.ctx, up); err != nil {
				t.Fatal(err)
			}
			e.advance(10 * time.Second)
		}
		wg.Wait()
		e.advance(10 * time.Minute)
	}, firehose.WithHTTPClient(&http.Client{Transport: ep}))
}
