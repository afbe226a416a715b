// Package awsapi speaks the AWS wire protocols over sluice's services, so
// unmodified AWS SDKs and CLIs talk to sluice: [New] returns an
// http.Handler, and [HTTPClient] an in-memory client for the AWS SDK for Go
// v2 that needs no socket.
//
//	queues := queue.New()
//	topics := pubsub.New(pubsub.WithQueues(queues))
//	h := awsapi.New(awsapi.WithQueues(queues), awsapi.WithPubSub(topics))
//	client := sqs.NewFromConfig(cfg, func(o *sqs.Options) {
//		o.BaseEndpoint = aws.String("http://sluice.local")
//		o.HTTPClient = awsapi.HTTPClient(h)
//	})
//
// The handler only translates: it decodes a request, calls the one native
// operation it names, and encodes the answer or the error in the protocol's
// shape. Every behaviour lives in the native packages.
//
// # Protocols
//
//   - SQS: AWS JSON 1.0 (X-Amz-Target: AmazonSQS.<Op>), what current SDKs
//     send, and the query protocol (Action=<Op>, XML answers) of older ones.
//     Errors carry AWS's __type and the x-amzn-query-error header with the
//     legacy code, which the SDKs report as the error code. Queue URLs are
//     accepted on any host and returned on the host the request reached.
//   - SNS: the query protocol, including GET requests such as the
//     SubscribeURL and UnsubscribeURL of SNS messages, and the signing
//     certificate at /SimpleNotificationService-sluice.pem.
//   - Kinesis Data Streams: AWS JSON 1.1 (X-Amz-Target:
//     Kinesis_20131202.<Op>), blobs in base64, timestamps in epoch seconds,
//     and SubscribeToShard as an application/vnd.amazon.eventstream response;
//     also CBOR (application/x-amz-cbor-1.1), what the Java SDKs send.
//   - Data Firehose: AWS JSON 1.1 (X-Amz-Target: Firehose_20150804.<Op>).
//   - Kinesis Data Analytics for SQL (v1): AWS JSON 1.1 (X-Amz-Target:
//     KinesisAnalytics_20150814.<Op>), with [WithAnalytics]. Outputs
//     naming a Kinesis stream or Firehose delivery stream by ARN reach the
//     services of [WithStreams] and [WithFirehose]; partial updates
//     (UpdateApplication's ...Update members) are merged with the current
//     configuration here.
//
// Authorization headers are read for their region (logged) and never
// verified. Bodies are limited to [DefaultMaxBodyBytes]; a malformed request
// gets the protocol's SerializationException or MalformedQueryString answer,
// never a 500.
//
// # Differences from AWS
//
//   - Kinesis Data Analytics: UpdateApplication with
//     CloudWatchLoggingOptionUpdates or KinesisFirehoseInputUpdate answers
//     UnsupportedOperationException (delete and add again instead); Lambda
//     pre-processing and outputs need a Go function registered on the
//     analytics Service (analytics.Service.RegisterFunction).
//   - SQS and SNS AddPermission and RemovePermission succeed for a queue or
//     topic that exists and change nothing: the native packages keep no
//     permissions.
//   - Signatures are not verified and credentials select nothing: one
//     handler is one account in one region, those of its services.
//   - A request whose client goes away before the answer gets an
//     InternalFailure nobody reads.
//
// # Concurrency
//
// The handler is safe for concurrent use; it holds no state of its own but
// request ids. Each request calls its native operation on the request's
// goroutine, with the request's context.
//
// # Files
//
//   - handler.go: New, the options, dispatch by X-Amz-Target or Action.
//   - transport.go: HTTPClient, the in-memory transport.
//   - errors.go: the errors of the wire layer, the JSON and XML error shapes.
//   - query.go: query protocol parameters (flattened lists and maps).
//   - xml.go: the XML writer, with AWS's escaping.
//   - sqs.go: SQS requests and responses, and the call of each native operation.
//   - sqs_json.go: the SQS JSON 1.0 codec.
//   - sqs_query.go: the SQS query codec.
//   - sns_query.go: the SNS query codec.
//   - kinesis_json.go: the Kinesis JSON 1.1 codec.
//   - kinesis_cbor.go: Kinesis over CBOR, through the JSON codec.
//   - eventstream.go: event-stream framing and SubscribeToShard.
//   - firehose_json.go: the Firehose JSON 1.1 codec.
//   - analytics_json.go: the Kinesis Data Analytics JSON 1.1 codec, and the
//     resolution of output stream ARNs.
package awsapi
