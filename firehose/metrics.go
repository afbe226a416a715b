package firehose

import (
	"context"
	"sync/atomic"
	"time"
)

// metric indexes the counters of a delivery stream.
type metric int

const (
	mIncomingBytes metric = iota
	mIncomingRecords
	mIncomingPutRequests
	mPutRecordBytes
	mPutRecordRequests
	mPutRecordBatchBytes
	mPutRecordBatchRecords
	mPutRecordBatchRequests
	mThrottledRecords
	mDataReadFromKinesisBytes
	mDataReadFromKinesisRecords
	mKinesisMillisBehindLatest
	mDeliveryToS3Bytes
	mDeliveryToS3Records
	mDeliveryToS3Success
	mDeliveryToS3ObjectCount
	mDeliveryToS3DataFreshness
	mBackupToS3Bytes
	mBackupToS3Records
	mBackupToS3Success
	mBackupToS3DataFreshness
	mDeliveryToHTTPBytes
	mDeliveryToHTTPRecords
	mDeliveryToHTTPSuccess
	mDeliveryToHTTPDataFreshness
	mDeliveryToOSBytes
	mDeliveryToOSRecords
	mDeliveryToOSSuccess
	mDeliveryToOSDataFreshness
	mDeliveryToSplunkBytes
	mDeliveryToSplunkRecords
	mDeliveryToSplunkSuccess
	mDeliveryToSplunkDataFreshness
	mExecuteProcessingSuccess
	mSucceedProcessingRecords
	mSucceedProcessingBytes
	mPartitionCountExceeded
	mSucceedConversionRecords
	mSucceedConversionBytes
	mFailedConversionRecords
	mFailedConversionBytes
	mFailedRecords
	mDroppedRecords
	numMetrics
)

// metricNames are the CloudWatch names (namespace AWS/Firehose).
var metricNames = [numMetrics]string{
	mIncomingBytes:                 "IncomingBytes",
	mIncomingRecords:               "IncomingRecords",
	mIncomingPutRequests:           "IncomingPutRequests",
	mPutRecordBytes:                "PutRecord.Bytes",
	mPutRecordRequests:             "PutRecord.Requests",
	mPutRecordBatchBytes:           "PutRecordBatch.Bytes",
	mPutRecordBatchRecords:         "PutRecordBatch.Records",
	mPutRecordBatchRequests:        "PutRecordBatch.Requests",
	mThrottledRecords:              "ThrottledRecords",
	mDataReadFromKinesisBytes:      "DataReadFromKinesisStream.Bytes",
	mDataReadFromKinesisRecords:    "DataReadFromKinesisStream.Records",
	mKinesisMillisBehindLatest:     "KinesisMillisBehindLatest",
	mDeliveryToS3Bytes:             "DeliveryToS3.Bytes",
	mDeliveryToS3Records:           "DeliveryToS3.Records",
	mDeliveryToS3Success:           "DeliveryToS3.Success",
	mDeliveryToS3ObjectCount:       "DeliveryToS3.ObjectCount",
	mDeliveryToS3DataFreshness:     "DeliveryToS3.DataFreshness",
	mBackupToS3Bytes:               "BackupToS3.Bytes",
	mBackupToS3Records:             "BackupToS3.Records",
	mBackupToS3Success:             "BackupToS3.Success",
	mBackupToS3DataFreshness:       "BackupToS3.DataFreshness",
	mDeliveryToHTTPBytes:           "DeliveryToHttpEndpoint.Bytes",
	mDeliveryToHTTPRecords:         "DeliveryToHttpEndpoint.Records",
	mDeliveryToHTTPSuccess:         "DeliveryToHttpEndpoint.Success",
	mDeliveryToHTTPDataFreshness:   "DeliveryToHttpEndpoint.DataFreshness",
	mDeliveryToOSBytes:             "DeliveryToAmazonOpenSearchService.Bytes",
	mDeliveryToOSRecords:           "DeliveryToAmazonOpenSearchService.Records",
	mDeliveryToOSSuccess:           "DeliveryToAmazonOpenSearchService.Success",
	mDeliveryToOSDataFreshness:     "DeliveryToAmazonOpenSearchService.DataFreshness",
	mDeliveryToSplunkBytes:         "DeliveryToSplunk.Bytes",
	mDeliveryToSplunkRecords:       "DeliveryToSplunk.Records",
	mDeliveryToSplunkSuccess:       "DeliveryToSplunk.Success",
	mDeliveryToSplunkDataFreshness: "DeliveryToSplunk.DataFreshness",
	mExecuteProcessingSuccess:      "ExecuteProcessing.Success",
	mSucceedProcessingRecords:      "SucceedProcessing.Records",
	mSucceedProcessingBytes:        "SucceedProcessing.Bytes",
	mPartitionCountExceeded:        "PartitionCountExceeded",
	mSucceedConversionRecords:      "SucceedConversion.Records",
	mSucceedConversionBytes:        "SucceedConversion.Bytes",
	mFailedConversionRecords:       "FailedConversion.Records",
	mFailedConversionBytes:         "FailedConversion.Bytes",
	mFailedRecords:                 "sluice.ErrorOutputRecords",
	mDroppedRecords:                "sluice.DroppedRecords",
}

// metrics are a delivery stream's counters. They are atomic: processing
// counts without the stream's lock.
type metrics struct {
	v [numMetrics]atomic.Int64
}

func (m *metrics) add(k metric, n int) { m.v[k].Add(int64(n)) }

func (m *metrics) delivered(records, bytes, success metric, n, size int) {
	m.add(records, n)
	m.add(bytes, size)
	m.add(success, 1)
}

// freshness records the age of the oldest record of the last delivery,
// in milliseconds.
func (m *metrics) freshness(k metric, age time.Duration) { m.v[k].Store(age.Milliseconds()) }

// Metrics returns the delivery stream's CloudWatch metrics (namespace
// AWS/Firehose, dimension DeliveryStreamName) as totals since creation:
// counts and byte counts are sums, .Success counts successful deliveries
// and .DataFreshness is, in seconds, the age of the oldest record not yet
// delivered (or, with nothing pending, of the oldest record of the last
// delivery). sluice.ErrorOutputRecords and sluice.DroppedRecords are
// sluice's own: records written to the error output, and records dropped
// after 24 hours of failed retries.
func (d *DeliveryStream) Metrics(ctx context.Context) (map[string]float64, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	d.mu.Lock()
	now := d.mono.Now(d.svc.cfg.clock)
	if d.stopped {
		d.mu.Unlock()
		return nil, d.svc.errNotFound(d.name)
	}
	jobs := d.catchUpLocked(now)
	d.armLocked(now)
	var oldest time.Time
	for _, b := range d.buffers {
		if (b.key.lane == laneMain || b.key.lane == laneLambda) && (oldest.IsZero() || b.first.Before(oldest)) {
			oldest = b.first
		}
	}
	d.deadlines.Ascend(func(e deadline) bool {
		if e.job != nil && (e.job.lane == laneMain || e.job.lane == laneLambda) && (oldest.IsZero() || e.job.first.Before(oldest)) {
			oldest = e.job.first
		}
		return true
	})
	out := make(map[string]float64, numMetrics+8)
	for i := range numMetrics {
		out[metricNames[i]] = float64(d.metrics.v[i].Load())
	}
	// Gauges: the open partitions, the Direct PUT quotas, and latencies,
	// which in process are nil.
	out["PartitionCount"] = float64(d.partitions)
	records, requests, bytes := d.svc.cfg.limits()
	out["RecordsPerSecondLimit"], out["PutRequestsPerSecondLimit"], out["BytesPerSecondLimit"] = float64(records), float64(requests), float64(bytes)
	for _, k := range []string{"PutRecord.Latency", "PutRecordBatch.Latency", "ExecuteProcessing.Duration", "JQProcessing.Duration"} {
		out[k] = 0
	}
	for _, k := range []metric{mDeliveryToS3DataFreshness, mBackupToS3DataFreshness, mDeliveryToHTTPDataFreshness,
		mDeliveryToOSDataFreshness, mDeliveryToSplunkDataFreshness} {
		out[metricNames[k]] /= 1000
	}
	if !oldest.IsZero() {
		k := mDeliveryToS3DataFreshness
		switch d.dest.kind {
		case kindHTTP:
			k = mDeliveryToHTTPDataFreshness
		case kindElasticsearch, kindOpenSearch, kindOpenSearchServerless:
			k = mDeliveryToOSDataFreshness
		case kindSplunk:
			k = mDeliveryToSplunkDataFreshness
		}
		out[metricNames[k]] = max(out[metricNames[k]], now.Sub(oldest).Seconds())
	}
	d.mu.Unlock()
	d.run(jobs)
	return out, nil
}
