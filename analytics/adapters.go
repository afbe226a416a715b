package analytics

import (
	"context"
	"strconv"

	"github.com/sluicehq/sluice/firehose"
	"github.com/sluicehq/sluice/stream"
)

// StreamDestination adapts a sluice Kinesis stream as an output
// [Destination]: records go out with PutRecords, 500 at a time, each with
// a partition key from a counter (spreading rows over the shards). Entries
// the stream rejects are retried once at once, then the batch is reported
// failed and sluice retries it after the retry interval.
func StreamDestination(s *stream.Stream) Destination {
	var seq int64
	return DestinationFunc(func(ctx context.Context, recs [][]byte) error {
		for len(recs) > 0 {
			n := min(len(recs), 500)
			entries := make([]stream.PutRecordsRequestEntry, n)
			for i, r := range recs[:n] {
				seq++
				entries[i] = stream.PutRecordsRequestEntry{Data: r, PartitionKey: strconv.FormatInt(seq, 10)}
			}
			for attempt := 0; ; attempt++ {
				out, err := s.PutRecords(ctx, stream.PutRecordsInput{Records: entries})
				if err != nil {
					return err
				}
				if out.FailedRecordCount == 0 {
					break
				}
				var again []stream.PutRecordsRequestEntry
				for i, res := range out.Records {
					if res.ErrorCode != "" {
						again = append(again, entries[i])
					}
				}
				if attempt == 1 {
					return errorf(ErrServiceUnavailableException, "%d records were not accepted by stream %s", len(again), s.Name())
				}
				entries = again
			}
			recs = recs[n:]
		}
		return nil
	})
}

// FirehoseDestination adapts a sluice Firehose delivery stream as an output
// [Destination]: records go out with PutRecordBatch, 500 at a time.
func FirehoseDestination(d *firehose.DeliveryStream) Destination {
	return DestinationFunc(func(ctx context.Context, recs [][]byte) error {
		for len(recs) > 0 {
			n := min(len(recs), 500)
			batch := make([]firehose.Record, n)
			for i, r := range recs[:n] {
				batch[i] = firehose.Record{Data: r}
			}
			out, err := d.PutRecordBatch(ctx, firehose.PutRecordBatchInput{Records: batch})
			if err != nil {
				return err
			}
			if out.FailedPutCount > 0 {
				return errorf(ErrServiceUnavailableException, "%d records were not accepted by delivery stream %s", out.FailedPutCount, d.Name())
			}
			recs = recs[n:]
		}
		return nil
	})
}

// RegisterStream registers s as the destination of KinesisStreamsOutput
// outputs naming its ARN.
func (s *Service) RegisterStream(st *stream.Stream) {
	s.RegisterDestination(st.ARN(), StreamDestination(st))
}

// RegisterDeliveryStream registers d as the destination of
// KinesisFirehoseOutput outputs naming its ARN.
func (s *Service) RegisterDeliveryStream(d *firehose.DeliveryStream) {
	s.RegisterDestination(d.ARN(), FirehoseDestination(d))
}

// FirehoseObjects reads reference data from the in-memory S3 buckets of a
// sluice Firehose service (the buckets its delivery streams write to).
func FirehoseObjects(svc *firehose.Service) ObjectStore { return firehoseObjects{svc} }

type firehoseObjects struct{ svc *firehose.Service }

func (f firehoseObjects) GetObject(_ context.Context, bucketARN, key string) ([]byte, error) {
	b := f.svc.Bucket(bucketARN)
	if b == nil {
		return nil, errorf(ErrResourceNotFoundException, "bucket %s is not an S3 bucket", bucketARN)
	}
	data, ok := b.Object(key)
	if !ok {
		return nil, errorf(ErrResourceNotFoundException, "object %s/%s not found", bucketARN, key)
	}
	return data, nil
}
