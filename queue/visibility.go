package queue

import (
	"context"
	"time"
)

// ChangeMessageVisibilityInput is the input of [Queue.ChangeMessageVisibility].
type ChangeMessageVisibilityInput struct {
	ReceiptHandle string
	// VisibilityTimeout counts from the call (0..12 h); 0 makes the message
	// visible at once. The total since the receive may not exceed 12 h.
	VisibilityTimeout time.Duration
}

// ChangeMessageVisibilityOutput is empty, as in AWS.
type ChangeMessageVisibilityOutput struct{}

// ChangeMessageVisibility sets how long a received message stays invisible,
// counted from now. The new timeout applies to this receive only.
//
// On a standard queue any handle the message was ever received with works,
// as on AWS: an older handle changes the visibility of the current receive,
// and a message whose visibility already lapsed is made invisible again.
func (q *Queue) ChangeMessageVisibility(ctx context.Context, in ChangeMessageVisibilityInput) (ChangeMessageVisibilityOutput, error) {
	r, err := q.checkVisibilityInput(in.ReceiptHandle, in.VisibilityTimeout)
	if err != nil {
		return ChangeMessageVisibilityOutput{}, err
	}
	q.lock()
	defer q.mu.Unlock()
	if err := q.checkLocked(); err != nil {
		return ChangeMessageVisibilityOutput{}, err
	}
	now := q.nowLocked()
	q.catchUpLocked(now)
	return ChangeMessageVisibilityOutput{}, q.changeVisibilityLocked(now, r, in.ReceiptHandle, in.VisibilityTimeout)
}

// checkVisibilityInput decodes the handle and checks the timeout's range.
func (q *Queue) checkVisibilityInput(handle string, vis time.Duration) (receipt, error) {
	r, ok := q.handles.decode(handle)
	if !ok {
		return r, errInvalidHandle(handle)
	}
	if vis < 0 || vis > MaxVisibilityTimeout || vis%time.Second != 0 {
		return r, errVisibilityBeyondLimit(vis)
	}
	return r, nil
}

func errVisibilityBeyondLimit(vis time.Duration) *Error {
	return errParam("VisibilityTimeout", int64(vis/time.Second),
		"Total VisibilityTimeout for the message is beyond the limit [43200 seconds].")
}

// changeVisibilityLocked applies a validated change. q.mu must be held.
func (q *Queue) changeVisibilityLocked(now time.Time, r receipt, handle string, vis time.Duration) error {
	m := q.lookupLocked(r)
	if m == nil || m.state == stateDelayed || m.receiveCount == 0 {
		return errParam("ReceiptHandle", handle,
			"Message does not exist or is not available for visibility timeout change.")
	}
	t := now.UnixNano()
	if q.fifo != nil {
		if !q.currentReceive(m, r, t) {
			return errParam("ReceiptHandle", handle, "The receipt handle has expired.")
		}
	}
	if t+int64(vis)-m.receivedAt > int64(MaxVisibilityTimeout) {
		return errVisibilityBeyondLimit(vis)
	}
	if q.fifo != nil {
		m.meta.changes++ // ends a receive attempt that returned m
	}
	if vis == 0 {
		if m.state == stateInFlight {
			q.moveLocked(m, stateVisible, 0)
			q.wakeLocked()
		}
		return nil
	}
	q.moveLocked(m, stateInFlight, t+int64(vis))
	q.wakeIfFirstDueLocked(m)
	return nil
}
