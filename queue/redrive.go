package queue

import (
	"context"
	"encoding/json"
	"slices"
	"strconv"
	"strings"
)

// RedrivePolicy sends a message to a dead-letter queue when a receive would
// take it more than MaxReceiveCount times. Set the zero RedrivePolicy to
// remove a queue's policy.
type RedrivePolicy struct {
	// DeadLetterTargetArn is the ARN of the dead-letter queue: a queue of
	// this Service, of the same type (standard or FIFO) as the source.
	DeadLetterTargetArn string
	// MaxReceiveCount is 1..1000.
	MaxReceiveCount int
}

// Redrive permissions of a [RedriveAllowPolicy].
const (
	RedrivePermissionAllowAll = "allowAll"
	RedrivePermissionDenyAll  = "denyAll"
	RedrivePermissionByQueue  = "byQueue"
)

// RedriveAllowPolicy says which source queues may use a queue as their
// dead-letter queue. Set the zero RedriveAllowPolicy to remove it (which
// allows all).
type RedriveAllowPolicy struct {
	// RedrivePermission is allowAll, denyAll or byQueue.
	RedrivePermission string
	// SourceQueueArns lists 1..10 allowed sources, with byQueue only.
	SourceQueueArns []string
}

// Redrive limits.
const (
	MaxMaxReceiveCount     = 1000
	MaxRedriveAllowSources = 10
)

// redriveJSON renders a policy as GetQueueAttributes shows it.
func (p RedrivePolicy) redriveJSON() string {
	arn, _ := json.Marshal(p.DeadLetterTargetArn) // AWS's key order, compact
	return `{"deadLetterTargetArn":` + string(arn) + `,"maxReceiveCount":` + strconv.Itoa(p.MaxReceiveCount) + `}`
}

func (p RedriveAllowPolicy) allowJSON() string {
	b, _ := json.Marshal(struct {
		RedrivePermission string   `json:"redrivePermission"`
		SourceQueueArns   []string `json:"sourceQueueArns,omitempty"`
	}{p.RedrivePermission, p.SourceQueueArns})
	return string(b)
}

func errRedrive(p RedrivePolicy, reason string) *Error {
	return errParam("RedrivePolicy", p.redriveJSON(), reason)
}

// validateRedrivePolicy checks what a policy says on its own.
func validateRedrivePolicy(p RedrivePolicy) error {
	if p == (RedrivePolicy{}) {
		return nil
	}
	// AWS checks maxReceiveCount first; the native API has no "missing"
	// but zero.
	if p.MaxReceiveCount == 0 {
		return errRedrive(p, "Redrive policy does not contain mandatory attribute: maxReceiveCount.")
	}
	if p.DeadLetterTargetArn == "" {
		return errRedrive(p, "Redrive policy does not contain mandatory attribute: deadLetterTargetArn.")
	}
	if !strings.HasPrefix(p.DeadLetterTargetArn, "arn:aws:sqs:") || strings.Count(p.DeadLetterTargetArn, ":") != 5 {
		return errRedrive(p, "Invalid value for deadLetterTargetArn.")
	}
	if p.MaxReceiveCount < 1 || p.MaxReceiveCount > MaxMaxReceiveCount {
		return errRedrive(p, "Invalid value for maxReceiveCount: "+strconv.Itoa(p.MaxReceiveCount)+
			", valid values are from 1 to 1000 both inclusive.")
	}
	return nil
}

func validateRedriveAllowPolicy(p RedriveAllowPolicy) error {
	if p.RedrivePermission == "" && len(p.SourceQueueArns) == 0 {
		return nil
	}
	bad := func(reason string) error {
		return errParam("RedriveAllowPolicy", p.allowJSON(), reason)
	}
	switch p.RedrivePermission {
	case RedrivePermissionAllowAll, RedrivePermissionDenyAll:
		if len(p.SourceQueueArns) > 0 {
			return bad("Amazon SQS can't create the redrive allow policy. " +
				"To specify one or more source queue ARNs, you must set redrivePermission to byQueue.")
		}
	case RedrivePermissionByQueue:
		if len(p.SourceQueueArns) == 0 {
			return bad("Amazon SQS can't create the redrive allow policy. " +
				"When you specify the byQueue permission type, you must also specify one or more sourceQueueArns values.")
		}
		if len(p.SourceQueueArns) > MaxRedriveAllowSources {
			return bad("Amazon SQS can't create the redrive allow policy. The maximum number of source queue ARNs you can specify is 10.")
		}
	default:
		return errorf(ErrInvalidAttributeValue, "Invalid value for the parameter RedriveAllowPolicy. "+
			"Reason: Amazon SQS can't create the redrive allow policy, as it’s in an unsupported format.")
	}
	return nil
}

// allows reports whether a dead-letter queue with this policy accepts the
// source queue.
func (p *RedriveAllowPolicy) allows(sourceArn string) bool {
	if p == nil {
		return true
	}
	switch p.RedrivePermission {
	case RedrivePermissionDenyAll:
		return false
	case RedrivePermissionByQueue:
		return slices.Contains(p.SourceQueueArns, sourceArn)
	}
	return true
}

// queueByARNLocked returns the queue an ARN of this Service names. s.mu must be
// held.
func (s *Service) queueByARNLocked(arn string) (*Queue, bool) {
	prefix := "arn:aws:sqs:" + s.cfg.region + ":" + s.cfg.account + ":"
	name, ok := strings.CutPrefix(arn, prefix)
	if !ok {
		return nil, false
	}
	return s.queues.Get(&Queue{name: name})
}

func (s *Service) queueByARN(arn string) (*Queue, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.queueByARNLocked(arn)
}

// checkRedriveTarget checks a redrive policy against its dead-letter queue:
// it exists, has the source's type and allows the source.
func (s *Service) checkRedriveTarget(p *RedrivePolicy, sourceArn string, sourceFifo bool) error {
	if p == nil || *p == (RedrivePolicy{}) {
		return nil
	}
	if err := validateRedrivePolicy(*p); err != nil {
		return err // the policy's own faults come first, as on AWS
	}
	dlq, ok := s.queueByARN(p.DeadLetterTargetArn)
	if !ok {
		return errRedrive(*p, "Dead letter target does not exist.")
	}
	dlq.mu.Lock()
	fifo, allow := dlq.settings.fifo, dlq.settings.redriveAllow
	dlq.mu.Unlock()
	if fifo != sourceFifo {
		return errRedrive(*p, "Dead-letter queue must be same type of queue as the source..") // sic: AWS's two periods
	}
	if !allow.allows(sourceArn) {
		return errRedrive(*p, "Queue "+sourceArn+" does not have permission to use "+p.DeadLetterTargetArn+
			" as a dead-letter queue.")
	}
	return nil
}

// deadLetterQueueExists looks up the queue q's redrive policy names, before
// q.mu is taken (the Service's lock comes first). q.mu must not be held.
func (q *Queue) deadLetterQueueExists() bool {
	target := q.redriveTarget.Load()
	if target == nil {
		return false
	}
	_, ok := q.svc.queueByARN(*target)
	return ok
}

// deadLetter is a batch of messages a receive took out of a queue for its
// dead-letter queue.
type deadLetter struct {
	target string
	msgs   []*message
}

// sendToDeadLetterQueue moves messages a receive took out of q into the
// dead-letter queue. If that queue is gone they go back to q: no message is
// lost. q.mu must not be held.
func (q *Queue) sendToDeadLetterQueue(dl deadLetter) {
	if dlq, ok := q.svc.queueByARN(dl.target); ok && dlq.acceptDeadLetters(dl.msgs, q.arn) == nil {
		return
	}
	q.mu.Lock()
	defer q.mu.Unlock()
	// Wake long polls only if the policy changed meanwhile and a message
	// may be receivable: waking for messages still bound for the missing
	// queue would make the receive that put them back spin.
	p, wake := q.settings.redrive, false
	for _, m := range dl.msgs {
		q.insertLocked(m, stateVisible, 0)
		wake = wake || p == nil || p.DeadLetterTargetArn != dl.target || m.receiveCount < uint32(p.MaxReceiveCount)
	}
	if wake {
		q.wakeLocked()
	}
}

// acceptDeadLetters adds messages moved from a source queue. They keep
// MessageId, body, attributes, SentTimestamp and receive count; a standard
// queue keeps their enqueue time for retention, a FIFO queue restarts it.
func (q *Queue) acceptDeadLetters(msgs []*message, sourceArn string) error {
	q.mu.Lock()
	defer q.mu.Unlock()
	if err := q.checkLocked(); err != nil {
		return err
	}
	now := q.nowLocked()
	q.catchUpLocked(now)
	for _, m := range msgs {
		q.adoptLocked(m, now.UnixNano())
		m.meta.deadLetterSourceArn = sourceArn
		if q.fifo != nil {
			// AWS replaces the deduplication id with the MessageId, so two
			// messages that shared an id can both land in the DLQ.
			m.meta.dedupID = messageID(m.id)
		}
		q.insertLocked(m, stateVisible, 0)
	}
	// A queue that is its own dead-letter queue gets back messages that a
	// receive would only move again: waking would make that receive spin.
	if sourceArn != q.arn {
		q.wakeLocked()
	}
	return nil
}

// adoptLocked makes a message from another queue one of q's: a new place in
// q's order, and for FIFO a new sequence number and enqueue time.
// q.mu must be held.
func (q *Queue) adoptLocked(m *message, now int64) {
	m.seq = q.nextSeq
	q.nextSeq++
	if m.meta == nil {
		m.meta = &messageMeta{}
	}
	m.meta.tenant, m.meta.group = nil, nil
	if q.fifo != nil {
		m.enqueuedAt = now
		m.meta.sequenceNumber = q.fifo.nextSequenceNumber(now)
	}
}

// ListDeadLetterSourceQueuesInput is the input of
// [Queue.ListDeadLetterSourceQueues].
type ListDeadLetterSourceQueuesInput struct {
	// MaxResults (1..1000) turns on paging; 0 returns up to 1,000.
	MaxResults int
	NextToken  string
}

// ListDeadLetterSourceQueuesOutput lists the URLs of the source queues, in
// name order.
type ListDeadLetterSourceQueuesOutput struct {
	QueueUrls []string
	NextToken string
}

// ListDeadLetterSourceQueues lists the queues whose redrive policy names q
// as their dead-letter queue.
func (q *Queue) ListDeadLetterSourceQueues(ctx context.Context, in ListDeadLetterSourceQueuesInput) (ListDeadLetterSourceQueuesOutput, error) {
	if err := q.check(); err != nil {
		return ListDeadLetterSourceQueuesOutput{}, err
	}
	page, err := q.svc.listQueues("", in.MaxResults, in.NextToken, func(src *Queue) bool {
		src.mu.Lock()
		defer src.mu.Unlock()
		return src.settings.redrive != nil && src.settings.redrive.DeadLetterTargetArn == q.arn
	})
	return ListDeadLetterSourceQueuesOutput(page), err
}
