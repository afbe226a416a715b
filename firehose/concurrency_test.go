package firehose_test

import (
	"fmt"
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
