// Package firehose is Amazon Data Firehose in process: delivery streams
// that buffer records by size and interval on an injected clock and
// deliver one object per flush, with AWS's object names, processors,
// compression, backups and destinations.
//
//	svc := firehose.New(firehose.WithClock(mock))
//	out, err := svc.CreateDeliveryStream(ctx, firehose.CreateDeliveryStreamInput{
//		DeliveryStreamName: "clicks",
//		ExtendedS3DestinationConfiguration: &firehose.ExtendedS3DestinationConfiguration{
//			RoleARN: role, BucketARN: "arn:aws:s3:::clicks"},
//	})
//	_, err = out.DeliveryStream.PutRecordBatch(ctx, firehose.PutRecordBatchInput{Records: recs})
//	mock.Add(300 * time.Second)                       // the default interval
//	keys := svc.Bucket("arn:aws:s3:::clicks").Keys() // 2026/11/25/11/clicks-1-2026-11-25-11-04-05-<uuid>
//
// A [Service] is one AWS account in one region. The control-plane
// operations (CreateDeliveryStream, DescribeDeliveryStream,
// ListDeliveryStreams, DeleteDeliveryStream, UpdateDestination,
// Start/StopDeliveryStreamEncryption and the tagging operations) are its
// methods; PutRecord and PutRecordBatch are methods of the
// [DeliveryStream] handle. Inputs and outputs are named <Operation>Input
// and <Operation>Output with AWS's field names.
//
// # Buffering
//
// Each delivery stream has one buffer (one per partition with dynamic
// partitioning, plus one per error-output type and one for the source
// backup). A buffer opens with its first record and is delivered as one
// object when its size reaches SizeInMBs (measured before compression) or
// IntervalInSeconds after it opened, whichever comes first; with
// IntervalInSeconds 0 it is delivered by the operation that filled it.
// Flushes on the interval are pushed by one clock timer per delivery
// stream armed for its earliest deadline; every operation also catches up
// on what is due.
//
// # Object names
//
// An object's key is <evaluated prefix><name>-<version>-<yyyy-MM-dd-HH-mm-ss>-<uuid><extension>,
// the time being the arrival of the oldest record of the object in UTC or
// CustomTimeZone. A Prefix without a !{timestamp:...} expression gets
// yyyy/MM/dd/HH/ appended, literally (Prefix "p" gives "p2026/..."). The
// expressions !{timestamp:<Java DateTimeFormatter pattern>},
// !{firehose:random-string}, !{firehose:error-output-type},
// !{partitionKeyFromQuery:k} and !{partitionKeyFromLambda:k} are
// evaluated and validated with AWS's rules.
//
// # Files
//
//   - service.go, options.go, errors.go: the Service, its options, the errors.
//   - configuration.go: the destination configuration types.
//   - validate.go: per-destination validation, defaults and buffering-hint ranges.
//   - deliverystream.go: Create/Describe/List/DeleteDeliveryStream and statuses.
//   - update.go: UpdateDestination (VersionId, merge or replace).
//   - encryption.go, tags.go: server-side encryption and tags.
//   - put.go: PutRecord and PutRecordBatch.
//   - buffer.go: buffers, deadlines, the timer, the error output.
//   - delivery.go: flushed buffers as deliveries, retries, object names.
//   - prefix.go, timestamp.go: prefix expressions and the DateTimeFormatter.
//   - transform.go: processors (Lambda, MetadataExtraction, de-aggregation, ...).
//   - compression.go, conversion.go: compression and JSON to Parquet.
//   - destination.go: the Destination interface, Bucket and Dir.
//   - httpendpoint.go: HTTP endpoint, OpenSearch and Splunk requests.
//   - metrics.go: CloudWatch metrics as counters.
//
// # Concurrency
//
// Lock order is Service.mu, then one DeliveryStream.mu. Transforms and
// deliveries (Destination.PutObject, HTTP requests) run with no lock
// held: from the operation that filled a buffer, or from the stream's
// timer.
//
// # Differences from Amazon Data Firehose
//
//   - Destinations are Go values: S3 buckets are [Bucket]s (or any
//     registered [Destination]), Lambda functions are registered
//     [TransformFunc]s, HTTP endpoints are called with the client of
//     [WithHTTPClient].
//   - Describe returns the configuration types as descriptions, with
//     defaults filled in; UpdateDestination takes the configuration types.
//   - Lambda processors run when records are put, in invocations of at
//     most the processor's BufferSizeInMBs; BufferIntervalInSeconds is
//     validated, not waited for, and failed invocations are retried at
//     once rather than after a delay.
//   - UpdateDestination delivers what is buffered with the old
//     configuration before switching.
//   - MSKAsSource and DatabaseAsSource are rejected.
package firehose
