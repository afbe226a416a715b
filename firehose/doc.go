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
//	mock.Add(300 * time.Second) // the default interval: the stream's timer delivers
//	synctest.Wait()             // (in a synctest bubble) let the timer's goroutine finish
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
// # Processing
//
// A ProcessingConfiguration runs, in this order: Decompression (GZIP),
// CloudWatchLogProcessing (DataMessageExtraction), RecordDeAggregation
// (JSON or DELIMITED sub-records; KPL aggregates are always split for a
// Kinesis source) as records are put; then Lambda, whose records wait in
// a buffer of their own (BufferSizeInMBs, default 1, and
// BufferIntervalInSeconds, default 60, on the clock) and which calls a
// [TransformFunc] registered under the
// LambdaArn, with AWS's event and response: Ok, Dropped, ProcessingFailed,
// missing and duplicated record ids, NumberOfRetries), MetadataExtraction
// (a jq query through github.com/itchyny/gojq giving the keys of
// !{partitionKeyFromQuery:k}), then AppendDelimiterToRecord. Records that
// fail are written under the ErrorOutputPrefix as AWS's JSON lines
// (attemptsMade, arrivalTimestamp, errorCode, errorMessage,
// attemptEndingTimestamp, rawData, lambdaArn), in buffers of their own per
// !{firehose:error-output-type}. With dynamic partitioning every distinct
// set of partition keys has its own buffer (500 at most at once).
//
// After buffering an object is converted (JSON to Parquet) and compressed
// (GZIP, ZIP, Snappy framing, HADOOP_SNAPPY block format).
//
// # Destinations
//
//   - S3 and ExtendedS3: objects to the bucket of BucketARN, a [Bucket] by
//     default or any [Destination] given to [Service.RegisterBucket]
//     ([Dir] writes files). S3BackupMode Enabled also writes the source
//     records, before processing, to the S3BackupConfiguration bucket.
//   - HttpEndpoint: the Firehose HTTP endpoint delivery protocol v1.0
//     through the client of [WithHTTPClient]: POST with
//     X-Amz-Firehose-Protocol-Version, -Request-Id, -Source-Arn,
//     -Access-Key and -Common-Attributes, a JSON body of base64 records
//     (GZIP with ContentEncoding GZIP); only a 200 with a JSON body echoing
//     the requestId succeeds; 413 is permanent and dropped; anything else
//     is retried with the same request id, 1 s·2^n ±15 % apart (at most
//     120 s), on the clock, until RetryOptions.DurationInSeconds, then
//     written under http-endpoint-failed.
//   - OpenSearch (Amazonopensearchservice, Elasticsearch, Serverless):
//     the _bulk API of ClusterEndpoint (CollectionEndpoint), one index
//     action per record, the index name rotated by IndexRotationPeriod;
//     documents the response reports failed are sent again, with their
//     ids, until RetryOptions runs out, then written under
//     AmazonOpenSearchService-failed.
//   - Splunk: the HEC event or raw endpoint with "Authorization: Splunk
//     <token>", then its /services/collector/ack endpoint until the events
//     are acknowledged; past HECAcknowledgmentTimeoutInSeconds the events
//     are sent again (the wait does not count against RetryOptions), then
//     written under splunk-failed.
//   - Redshift, Snowflake, Iceberg: validated and accepted; their records
//     are delivered as the S3 objects of their S3Configuration (Redshift's
//     intermediate objects), with no COPY, table or catalog.
//
// Delivery is at least once: a failed write is retried on the clock, an
// S3 write for 24 hours ([MaxRetryAge]), after which it is dropped and
// counted.
//
// # Kinesis source
//
// A KinesisStreamAsSource delivery stream reads the stream named by
// KinesisStreamARN in the stream.Service given to [WithStreams], from
// LATEST at creation, with stream.Service.ReadShard on every open shard
// (then on their children, a merged child once both parents are read),
// waking when records are written; like AWS's GetRecords reader it
// registers no consumer on the stream. KPL
// aggregated records are de-aggregated ([AggregateKPL] builds them) and
// transforms get kinesisRecordMetadata. PutRecord and PutRecordBatch answer
// InvalidArgumentException on such a stream.
//
// Puts from other services go through [DataWriter] (for instance the
// firehose subscriptions of package pubsub).
//
// # Metrics
//
// [DeliveryStream.Metrics] returns the CloudWatch metrics (IncomingBytes,
// IncomingRecords, PutRecordBatch.Records, DeliveryToS3.Records,
// DeliveryToS3.DataFreshness, ...) as totals.
//
// # Files
//
//   - service.go, options.go, errors.go: the Service, its options, the errors.
//   - configuration.go: the destination configuration types.
//   - validate.go: per-destination validation, defaults and buffering-hint ranges.
//   - deliverystream.go: Create/Describe/List/DeleteDeliveryStream and statuses.
//   - update.go: UpdateDestination (VersionId, merge or replace).
//   - encryption.go, tags.go: server-side encryption and tags.
//   - put.go, throughput.go: PutRecord and PutRecordBatch, the throughput quotas.
//   - tap.go: Tap, the records a Kinesis Data Analytics input reads.
//   - buffer.go: buffers, deadlines, the timer, the error output.
//   - delivery.go: flushed buffers as deliveries, retries, object names.
//   - prefix.go, timestamp.go: prefix expressions and the DateTimeFormatter.
//   - transform.go: processors (Lambda, MetadataExtraction, de-aggregation, ...).
//   - compression.go, conversion.go: compression and JSON to Parquet.
//   - destination.go: the Destination interface, Bucket, Dir, DestinationFunc.
//   - source.go, kpl.go: the Kinesis source and KPL de-aggregation.
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
//     [TransformFunc]s (an unregistered LambdaArn fails every invocation),
//     HTTP endpoints are called with the client of [WithHTTPClient] and
//     may be http:// (AWS requires https on port 443).
//   - Describe returns the configuration types as descriptions, with
//     defaults filled in; UpdateDestination takes the configuration types
//     (fields left zero are kept on a same-type update).
//   - Failed Lambda invocations are retried 1 s·2^n apart on the clock (AWS
//     does not document the delay). Lambda's 6 MB payload limit and
//     5-minute timeout are not applied.
//   - UpdateDestination delivers what is buffered with the old
//     configuration before switching.
//   - Record format conversion has no Glue Data Catalog: the table's
//     columns are listed in SchemaConfiguration.Columns. ORC (OrcSerDe) is
//     rejected with InvalidArgumentException; only Parquet is written.
//   - Records that fail format conversion are buffered again for the error
//     output, so they arrive one buffer interval after the object.
//   - The Splunk HEC is asked for its indexer acknowledgement every 10 s
//     ([SplunkAckPollInterval], AWS does not document the pace); an HEC
//     answering without an ackId (acknowledgement off) is taken as
//     success, where AWS requires acknowledgement to be on.
//   - A Kinesis source's reads are pushed by the stream (ReadShard) and do
//     not count against the shard's GetRecords limits, which AWS's
//     Firehose shares with other readers.
//   - sluice has no CloudWatch Logs: a put made with a context from
//     [FromCloudWatchLogs] stands for a subscription filter's delivery, the
//     only put a stream with a Decompression processor accepts.
//   - The Direct PUT throughput quotas are enforced only with
//     [WithThrottling](true), counted per second of the clock.
//   - Evaluated prefixes longer than 512 characters are not rejected.
//   - MSKAsSource and DatabaseAsSource are rejected.
//   - Delete drops buffered records at once (AWS makes no delivery
//     guarantee for them).
package firehose
