// Package pubsub is Amazon SNS in process: standard and FIFO topics,
// subscriptions with filter policies, Publish and PublishBatch fanning out
// to SQS queues of package queue, to Go functions standing in for Lambda,
// to http and https endpoints, to registered firehose deliverers, and to
// an in-memory outbox for email, email-json, sms, application and
// unregistered firehose endpoints, with AWS's names,
// limits, formats and error texts, and every time rule read from an
// injected clock.
//
//	queues := queue.New(queue.WithClock(mock))
//	svc := pubsub.New(pubsub.WithClock(mock), pubsub.WithQueues(queues))
//	t, err := svc.CreateTopic(ctx, pubsub.CreateTopicInput{Name: "orders"})
//	q, err := queues.CreateQueue(ctx, queue.CreateQueueInput{QueueName: "billing"})
//	_, err = t.Subscribe(ctx, pubsub.SubscribeInput{Protocol: "sqs", Endpoint: q.ARN()})
//	out, err := t.Publish(ctx, pubsub.PublishInput{Message: "hello"})
//
// A [Service] is one AWS account in one region. Control-plane operations
// (CreateTopic, DeleteTopic, ListTopics, ListSubscriptions, Unsubscribe,
// the tagging operations) are its methods; publishing, subscribing and a
// topic's attributes are methods of the [Topic] handle, and a
// subscription's attributes of the [Subscription] handle
// ([Service.SubscriptionFromARN]). Inputs and outputs are named
// <Operation>Input and <Operation>Output with AWS's field names; topic and
// subscription attributes are maps keyed by AWS's attribute names, as
// their values are AWS's strings and JSON documents.
//
// # Endpoints
//
//   - sqs: Endpoint is a queue ARN. It is resolved when a message is
//     delivered, through [Service.RegisterQueue] or else the queue.Service
//     given to [WithQueues]; [Service.QueueEndpoint] registers a queue of
//     any queue.Service and returns its ARN. A well-formed ARN of a queue that does not
//     exist is accepted, as on AWS, and deliveries to it are dropped (or
//     sent to the subscription's dead-letter queue).
//   - lambda: Endpoint is a function ARN ([Service.FunctionARN]) under which
//     a Go function was registered with [Service.RegisterFunction], or the
//     ARN [Service.FuncEndpoint] returns. It is called with the
//     [LambdaEvent] Lambda would get.
//   - firehose: Endpoint is a delivery stream ARN. A [FirehoseDeliverer]
//     registered under it with [Service.RegisterFirehose] gets one
//     PutRecord per notification: the JSON notification, or the message
//     itself with RawMessageDelivery. With none registered the delivery
//     goes to the outbox.
//   - sqs, lambda and registered firehose deliveries follow AWS's managed
//     retry policy, on the clock (see Retries of sqs and lambda
//     deliveries).
//   - http, https: Endpoint is a URL, called with the client given to
//     [WithHTTPClient], after Publish returns, on a goroutine per attempt
//     that [Service.Close] cancels and waits for. The endpoint is first
//     sent a SubscriptionConfirmation whose SubscribeURL names the topic and
//     the Token (valid for 2 days of the clock) that
//     [Service.ConfirmSubscription] takes; until then it gets no
//     notifications. Notifications carry AWS's x-amz-sns-* headers. An
//     attempt that fails with a 5xx, a connection error or no answer in
//     15 s is retried by the delivery policy (by default 3 retries 20 s
//     apart, on the clock); a 4xx is not retried. Confirmations are
//     retried the same way. A throttlePolicy spaces the attempts to the
//     endpoint, retries included, 1/maxReceivesPerSecond apart. A message
//     that is not delivered goes to the subscription's dead-letter queue if
//     it has one.
//   - email, email-json, sms, application and unregistered firehose: what
//     AWS would send is appended to [Service.Outbox]. email and email-json subscriptions wait
//     for confirmation: the outbox gets a SubscriptionConfirmation with a
//     Token for [Service.ConfirmSubscription], valid for 2 days of the
//     clock: the signed JSON document for email-json, a text with the
//     SubscribeURL for email.
//   - [Service.Publish] also sends to one platform endpoint (TargetArn) or
//     phone number (PhoneNumber), which go to the outbox.
//
// The URLs messages carry (SubscribeURL, UnsubscribeURL, SigningCertURL)
// are AWS's unless [WithEndpointURL] points them at a server that speaks
// the SNS query protocol, such as cmd/sluice, where they work when
// followed. [WithDeliveryStatus] reports every attempt, as AWS's delivery
// status logging does.
//
// # Delivery
//
// Publish delivers to every confirmed subscription whose filter policy the
// message passes, with the same MessageId everywhere: to queues, functions,
// firehose deliverers and the outbox before it returns, to http and https
// endpoints on goroutines of their own. An
// SQS delivery is AWS's JSON notification, byte for byte in AWS's key order
// and layout, or with RawMessageDelivery the message itself with its
// attributes as SQS message attributes (a message with more than 10
// attributes is not delivered raw: it goes to the subscription's
// dead-letter queue if it has one). With MessageStructure "json" each
// protocol gets its own entry or "default", and message attributes are not
// sent. A delivery that fails is logged, never returned to the publisher.
//
// # FIFO topics
//
// A FIFO topic (FifoTopic "true", name ending in ".fifo") requires a
// MessageGroupId and a MessageDeduplicationId or ContentBasedDeduplication
// (the SHA-256 of the message). An id seen in the last 5 minutes, per topic
// or per group (FifoThroughputScope), makes Publish succeed with the
// original MessageId and SequenceNumber and deliver nothing. FIFO queues get
// the MessageGroupId and deduplication id; standard queues get neither.
// Deliveries of a FIFO topic are serialised so every queue sees the
// topic's publish order. Only sqs subscriptions are allowed, and a FIFO
// queue cannot subscribe to a standard topic.
//
// # Archive and replay
//
// A FIFO topic with an ArchivePolicy ({"MessageRetentionPeriod":"<days>"},
// 1 to 365; "" or {} removes it and drops the archive) keeps every message
// it publishes, in publish order, until it is older than the retention
// period by the clock; BeginningArchiveTime is the later of when archiving
// began and the retention period ago. Standard topics reject the policy.
// A subscription's ReplayPolicy ({"PointType":"Timestamp",
// "StartingPoint":"<RFC 3339>"[,"EndingPoint":"<RFC 3339>"]}, on Subscribe
// or SetSubscriptionAttributes) delivers at once the archived messages
// published in that window, both ends included, in publish order, through
// the subscription's filter policy and in its format, with their original
// MessageId, Timestamp and SequenceNumber, and marked Replayed: a last
// "Replayed" : true field in a JSON notification, a Replayed String
// attribute "true" on a raw SQS message. From then on the subscription
// gets only live messages inside the window: with an EndingPoint it is
// paused after it until a new policy; a new policy replaces the old one
// and "" removes it. ReplayStatus is read from the clock: Pending before
// the StartingPoint, "In progress" before the EndingPoint, then Completed.
//
// # Errors
//
// A rejected request changes nothing and returns an [*Error] whose Code is
// AWS's; errors.Is matches it against the exported sentinels
// (ErrInvalidParameter, ErrNotFound, ...). PublishBatch reports failed
// entries in its output and returns an error only when the whole request
// is at fault.
//
// # Differences from Amazon SNS
//
//   - Signatures are real RSA signatures of AWS's string to sign (SHA1withRSA
//     for SignatureVersion 1, SHA256withRSA for 2), but by a key each
//     Service generates on first need, from crypto/rand (not WithRand), with
//     a self-signed certificate valid from the clock's Now: verify with
//     [Service.SigningCertificate], served at SigningCertURL by cmd/sluice.
//     An RSA signature costs about 1 ms per published message that some
//     subscription gets as a JSON notification (raw deliveries need none);
//     [WithDigestSignatures] replaces them by digests for throughput.
//   - Attribute and filter-policy changes apply at once; AWS may take up to
//     15 minutes.
//   - The first attempt of an sqs, lambda or firehose delivery happens
//     inside Publish, and so do its 3 immediate retries, so a queue has the
//     message when Publish returns (AWS gives no such promise, and no
//     program can tell the difference). Later retries run on one timer per
//     topic; DeleteTopic and Close drop them, and a retry whose
//     subscription was deleted is dropped when due. AWS applies jitter;
//     sluice does not, so that schedules are exact on a mock clock. A FIFO
//     topic delivers only to queues; the one retried failure there is a
//     queue that rejects a message (smaller MaximumMessageSize), and such
//     a retry is not ordered with the publishes after it.
//   - AWS publishes the http backoff curves only as a graph. For retry i
//     of the n in the backoff phase, x = i/n, sluice waits min+(max-min)·x
//     (linear), min+(max-min)·x² (arithmetic), min·(max/min)^x (geometric)
//     or min·(max/min)^(x²) (exponential) seconds, rounded, with no
//     jitter. throttlePolicy spaces attempts evenly (AWS documents only the
//     maximum rate).
//   - AuthenticateOnUnsubscribe is accepted and not enforced.
//   - Policy, KmsMasterKeyId, TracingConfig, DataProtectionPolicy and the
//     delivery-status attributes are stored and returned, not enforced.
//   - A replay is delivered inside the call that sets the ReplayPolicy, so
//     a replay that starts in the past is Completed at once, and SQS FIFO
//     queues deduplicate replayed messages like any resend within 5
//     minutes. AWS documents a Replayed attribute but not its place or
//     form; sluice's is a guess.
//   - Lists are in a stable order: topics by name, subscriptions by topic
//     name and then creation.
//
// # Retries of sqs and lambda deliveries
//
// Firehose deliveries to a registered [FirehoseDeliverer] are retried the
// same way when PutRecord returns an error (server-side), and their
// dead-letter message is the record. An sqs or lambda delivery fails when the queue does not exist (or was
// deleted), the queue rejects the message (for example as larger than its
// MaximumMessageSize), no function is registered under the ARN, the
// function returns an error, or the message cannot be delivered at all (a
// raw SQS message with more than 10 attributes). Client-side failures are
// not retried and go to the subscription's dead-letter queue at once, if
// it has one: a queue or function that does not exist, and a message that
// cannot be delivered. Every other failure is server-side and retried by
// AWS's managed policy, as delays after the failed attempt:
//
//   - immediate: 3 retries with no delay, inside Publish;
//   - pre-backoff: 2 retries 1 s apart;
//   - backoff: 10 retries from 1 s to 20 s on the exponential curve of
//     http policies, 1, 1, 1, 2, 2, 3, 4, 7, 11 and 20 s;
//   - post-backoff: 100,000 retries 20 s apart.
//
// That is 100,016 attempts, the last 2,000,054 s (about 23 days) after
// the first, at +0, 0, 0, 0, 1, 2, 3, 4, 5, 7, 9, 12, 16, 23, 34, 54, 74,
// 94 s and so on every 20 s. A message still not delivered then goes to
// the subscription's dead-letter queue, if it has one (for lambda, as the
// JSON notification), and is otherwise dropped. Retries after the
// immediate ones call the function with a context without deadline rather
// than Publish's.
//
// # Time
//
// The 5-minute deduplication window, the 2-day confirmation tokens,
// notification Timestamps, archive retention, ReplayStatus and delivery
// retries all read the clock given to [WithClock]. Deduplication ids, and
// archived messages past their retention, are dropped in deadline order
// from a B-tree when an operation looks; the only timer is a topic's
// retry timer, armed for its earliest retry, which pushes the retry when
// it fires, and throttled http attempts wait there too. Advancing a mock
// clock costs work only for the retries that fall due. Tests of http
// endpoints run in a testing/synctest bubble and call synctest.Wait after
// Publish, as attempts run on their own goroutines.
//
// # Concurrency
//
// Service, Topic and Subscription are safe for concurrent use. The Service
// has one mutex for its topic registry and a leaf mutex for registered
// endpoints and the outbox; each topic has one mutex guarding it and its
// subscriptions. Locks are taken Service, then Topic, never two topics at
// once. Deliveries are built under the topic's lock and made after it is
// released; a FIFO topic holds a delivery lock, taken before its mutex is
// released, while it delivers.
package pubsub
