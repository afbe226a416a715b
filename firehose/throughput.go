package firehose

import "time"

// Direct PUT throughput quotas per delivery stream: in us-east-1,
// us-west-2 and eu-west-1, and in every other region.
const (
	RecordsPerSecondLimit       = 500_000
	RequestsPerSecondLimit      = 2_000
	BytesPerSecondLimit         = 5 << 20
	OtherRecordsPerSecondLimit  = 100_000
	OtherRequestsPerSecondLimit = 1_000
	OtherBytesPerSecondLimit    = 1 << 20
)

// throttled marks a throttled entry among the record ids of a put.
const throttled = "throttled"

// throughput counts a stream's puts in the current second of the clock.
type throughput struct {
	second   time.Time
	records  int
	requests int
	bytes    int
}

// limits returns the quotas of the Service's region.
func (c *config) limits() (records, requests, bytes int) {
	switch c.region {
	case "us-east-1", "us-west-2", "eu-west-1":
		return RecordsPerSecondLimit, RequestsPerSecondLimit, BytesPerSecondLimit
	}
	return OtherRecordsPerSecondLimit, OtherRequestsPerSecondLimit, OtherBytesPerSecondLimit
}

// throttleLocked applies the quotas to a put: it reports false when the
// request itself is over the requests-per-second quota, and otherwise
// returns the records within the quotas, marking the others throttled in
// ids. d.mu must be held.
func (d *DeliveryStream) throttleLocked(now time.Time, recs []Record, ids []string) ([]Record, bool) {
	maxRecords, maxRequests, maxBytes := d.svc.cfg.limits()
	t := &d.throughput
	if sec := now.Truncate(time.Second); !sec.Equal(t.second) {
		*t = throughput{second: sec}
	}
	if t.requests >= maxRequests {
		d.metrics.add(mThrottledRecords, len(recs))
		return nil, false
	}
	t.requests++
	kept := recs[:0:0]
	for i, r := range recs {
		if t.records+1 > maxRecords || t.bytes+len(r.Data) > maxBytes {
			ids[i] = throttled
			d.metrics.add(mThrottledRecords, 1)
			continue
		}
		t.records++
		t.bytes += len(r.Data)
		kept = append(kept, r)
	}
	return kept, true
}
