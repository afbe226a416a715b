// Package queue is Amazon SQS in process: standard and FIFO queues with
// visibility timeouts, delays, long polling, retention, batches, purge,
// dead-letter queues and message move tasks, with AWS's names, limits,
// defaults and error texts, and every time rule read from an injected clock.
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
// # FIFO queues
//
// A queue created with FifoQueue and a name ending in ".fifo" keeps each
// MessageGroupId in send order: while a message of a group is in flight (or
// delayed), later messages of that group wait, and other groups are served.
// One receive takes as many messages of one group as it can, then moves on
// to the group whose next message is oldest. A MessageDeduplicationId (or,
// with ContentBasedDeduplication, the SHA-256 of the body) is remembered for
// 5 minutes, per queue or per group (DeduplicationScope), also after the
// message is deleted; a duplicate send succeeds with the original MessageId
// and SequenceNumber and adds nothing. A ReceiveRequestAttemptId retried
// within 5 minutes returns the same messages and receipt handles. A receipt
// handle expires with its receive.
//
// # Dead-letter queues
//
// A queue's RedrivePolicy names a dead-letter queue of the same type and a
// MaxReceiveCount. As on AWS, the move is lazy: it happens inside the
// ReceiveMessage that would receive the message once more than
// MaxReceiveCount, never on a timer. The moved message keeps its MessageId,
// body, attributes, SentTimestamp and receive count, and gains
// DeadLetterQueueSourceArn. [Service.StartMessageMoveTask] redrives a
// dead-letter queue's messages, at most MaxNumberOfMessagesPerSecond per
// second of the clock: by time t a task has moved
// min(ToMove, 1 + rate × elapsed seconds) messages, whenever anyone looks.
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
// long-poll waits, the 60-second cooldowns of PurgeQueue and DeleteQueue, the
// 5-minute FIFO windows, move-task progress) is evaluated from the clock when
// an operation runs. No goroutine sweeps the queues: advancing a mock clock
// by a day costs nothing until the next call, which then sees the queue as
// AWS would. A long poll waits on a clock timer for the earliest moment its
// answer could change, and on a channel that senders close. The one timer
// that acts on its own is a running move task's, which pushes messages to
// their destination so a long poll there wakes; Close stops it.
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
//   - A FIFO queue has no throughput limit: FifoThroughputLimit is stored.
//   - Changing DeduplicationScope applies at once: ids remembered under the
//     old scope are looked up under the new one.
//   - A receive that meets a message over its redrive policy's
//     maxReceiveCount while the dead-letter queue does not exist delivers
//     it, rather than hold it back or take it out of its FIFO group's order.
//   - A move task without MaxNumberOfMessagesPerSecond moves everything at
//     once; AWS picks a rate "based on the queue message backlog size".
//     ListMessageMoveTasks and CancelMessageMoveTask report exact counts
//     where AWS's lag.
//
// # Concurrency
//
// Service and Queue are safe for concurrent use. Each queue has one mutex;
// the Service has one for its registry and move tasks. Locks are taken in
// the order Service, then Queue, and never two queues at once: a message
// that moves between queues (to a dead-letter queue, by a move task) is
// taken out under its source's lock and added under its destination's, and
// goes back to its source if the destination is gone, so none is lost.
package queue
