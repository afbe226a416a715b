// Package queue is Amazon SQS in process: standard queues with visibility
// timeouts, delays, long polling, retention, batches and purge, with AWS's
// names, limits, defaults and error texts, and every time rule read from an
// injected clock.
//
//	svc := queue.New(queue.WithClock(mock))
//	q, err := svc.CreateQueue(ctx, queue.CreateQueueInput{QueueName: "jobs"})
//	_, err = q.SendMessage(ctx, queue.SendMessageInput{MessageBody: "hello"})
//	out, err := q.ReceiveMessage(ctx, queue.ReceiveMessageInput{WaitTimeSeconds: new(20 * time.Second)})
//	_, err = q.DeleteMessage(ctx, queue.DeleteMessageInput{ReceiptHandle: out.Messages[0].ReceiptHandle})
//
// A [Service] is one AWS account in one region. Control-plane operations
// (CreateQueue, GetQueueUrl, ListQueues, DeleteQueue) are its methods;
// everything that works on one queue is a method of the [Queue] handle.
// Inputs and outputs are named <Operation>Input and <Operation>Output, with
// AWS's field names and Go types: durations are time.Duration (whole
// seconds, as AWS counts them), and a pointer marks a field whose absence
// AWS tells from its zero value.
//
// # Errors
//
// A rejected request changes nothing and returns an [*Error] whose Code is
// AWS's; errors.Is matches it against the exported sentinels
// (ErrQueueDoesNotExist, ErrInvalidParameterValue, ...). Batch operations
// report failed entries in their output and return an error only when the
// whole request is at fault.
//
// # Time
//
// Every rule that depends on time (delays, visibility timeouts, retention,
// long-poll waits, the 60-second cooldowns of PurgeQueue and DeleteQueue) is
// evaluated from the clock when an operation runs. Nothing happens between
// calls and no goroutine sweeps the queues: advancing a mock clock by a day
// costs nothing until the next call, which then sees the queue as AWS would.
// A long poll waits on a clock timer for the earliest moment its answer
// could change, and on a channel that senders close.
//
// # Differences from Amazon SQS
//
//   - Counts are exact: the Approximate* attributes and ApproximateReceiveCount
//     are the true values at the moment of the call.
//   - A short poll returns every available message up to the maximum; AWS
//     samples a subset of its servers and may return fewer, even none.
//   - Attribute changes apply at once; AWS may take up to a minute (15 for
//     retention).
//   - Deleting with a receipt handle older than the message's latest receive
//     always deletes it; AWS says the message "might not be deleted".
//   - Standard queues serve visible messages oldest first. Messages with a
//     MessageGroupId (fair queues) are served tenant by tenant, the tenant
//     with the fewest messages in flight first.
//   - Policy and the KMS attributes are stored and returned, not enforced.
//
// # Concurrency
//
// Service and Queue are safe for concurrent use. Each queue has one mutex;
// the Service has one for its registry. Locks are taken in the order
// Service, then Queue, and never two queues at once.
package queue
