package pubsub

import (
	"context"
	"errors"
	"time"

	"github.com/sluicehq/sluice/queue"
)

// AWS's managed delivery policy for sqs and lambda endpoints: 3 immediate
// retries, 2 retries 1 s apart, 10 backoff retries from 1 s to 20 s, then
// 100,000 retries 20 s apart (100,015 retries, about 23 days).
const (
	managedImmediateRetries = 3
	managedPostBackoffRetry = 20 * time.Second
	managedPostBackoffCount = 100_000
)

// managedBackoff is the delays of the pre-backoff and backoff phases of
// the managed policy: 1, 1, then the exponential curve of http policies
// from 1 s to 20 s over 10 retries (1, 1, 1, 2, 2, 3, 4, 7, 11, 20 s).
var managedBackoff = retryPolicy{MinDelayTarget: 1, MaxDelayTarget: 20, NumRetries: 12,
	NumMinDelayRetries: 2, BackoffFunction: "exponential"}.schedule()

// managedDelay returns the delay before delayed retry n (0-based) of the
// managed policy, and false when the policy is exhausted.
func managedDelay(n int) (time.Duration, bool) {
	switch {
	case n < len(managedBackoff):
		return managedBackoff[n], true
	case n < len(managedBackoff)+managedPostBackoffCount:
		return managedPostBackoffRetry, true
	}
	return 0, false
}

// deliverManaged delivers to an sqs, lambda or registered firehose endpoint
// under AWS's managed policy. The first call (first) makes the attempt and the immediate
// retries; a server-side failure is then retried on the topic's retry
// timer. A client-side failure (the queue or function does not exist, or
// the message cannot be delivered at all), or a server-side one once the
// policy is exhausted, goes to the subscription's dead-letter queue.
func (s *Service) deliverManaged(ctx context.Context, d delivery, first bool) {
	attempts := 1
	if first {
		attempts += managedImmediateRetries
	}
	var client bool
	var st DeliveryStatus
	for range attempts {
		d.attempts++
		st = s.statusOf(d, d.attempts)
		var err error
		client, err = s.attemptManaged(ctx, &d)
		if err == nil {
			s.report(st)
			return
		}
		st.Status, st.Err = StatusFailure, err
		s.cfg.logger.Warn("pubsub: delivery failed", "protocol", d.protocol, "endpoint", d.endpoint,
			"subscription", d.subArn, "client_error", client, "error", err)
		if client {
			break
		}
		if d.attempts <= managedImmediateRetries {
			s.report(st) // an immediate retry follows
		}
	}
	if !client && d.topic != nil {
		if delay, ok := managedDelay(d.retried); ok {
			d.retried++
			st.NextAttempt = d.topic.scheduleRetry(d, delay)
			s.report(st)
			return
		}
	}
	if d.redriveTarget != "" {
		st.DeadLettered = true
		if e := s.sendToQueue(ctx, d.redriveTarget, d); e != nil {
			s.cfg.logger.Warn("pubsub: delivery to dead-letter queue failed", "endpoint", d.redriveTarget, "error", e)
		}
	}
	s.report(st)
}

// errNoFunction is the failure of a lambda delivery to an ARN no function
// is registered under.
var errNoFunction = errors.New("no function registered for lambda subscription")

// errNoFirehose is the failure of a firehose delivery to an ARN no
// deliverer is registered under.
var errNoFirehose = errors.New("no deliverer registered for firehose subscription")

// attemptManaged makes one attempt of an sqs, lambda or firehose delivery
// and reports whether a failure is client-side (not retried).
func (s *Service) attemptManaged(ctx context.Context, d *delivery) (client bool, err error) {
	if d.clientError != "" {
		return true, errors.New(d.clientError)
	}
	if d.protocol == "firehose" {
		fh := s.firehoseByARN(d.endpoint)
		if fh == nil {
			return true, errNoFirehose
		}
		return false, fh.PutRecord(ctx, []byte(d.out.Body))
	}
	if d.lambda != nil {
		s.regMu.Lock()
		fn := s.functions[d.endpoint]
		s.regMu.Unlock()
		if fn == nil {
			return true, errNoFunction
		}
		return false, fn(ctx, *d.lambda)
	}
	err = s.sendToQueue(ctx, d.endpoint, *d)
	return errors.Is(err, queue.ErrQueueDoesNotExist), err
}
