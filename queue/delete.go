package queue

import "context"

// DeleteMessageInput is the input of [Queue.DeleteMessage].
type DeleteMessageInput struct {
	ReceiptHandle string
}

// DeleteMessageOutput is empty, as in AWS.
type DeleteMessageOutput struct{}

// DeleteMessage deletes the message a receipt handle names.
//
// On a standard queue, as on AWS, deleting succeeds with any handle the
// message was received with, after its visibility lapsed too, and again
// after the message is gone. sluice always deletes the message, also when
// the handle is older than the message's latest receive (AWS: "the message
// might not be deleted").
func (q *Queue) DeleteMessage(ctx context.Context, in DeleteMessageInput) (DeleteMessageOutput, error) {
	r, ok := q.handles.decode(in.ReceiptHandle)
	if !ok {
		return DeleteMessageOutput{}, errInvalidHandle(in.ReceiptHandle)
	}
	q.lock()
	defer q.mu.Unlock()
	if err := q.checkLocked(); err != nil {
		return DeleteMessageOutput{}, err
	}
	return DeleteMessageOutput{}, q.deleteLocked(r, in.ReceiptHandle)
}

// deleteLocked deletes the message r names, if it is still there. On a FIFO
// queue the handle must be the one of the current receive, still in flight.
// q.mu must be held.
func (q *Queue) deleteLocked(r receipt, handle string) error {
	var m *message
	if q.fifo != nil {
		if m = q.lookupLocked(r); m == nil {
			return nil
		}
		if !q.currentReceive(m, r, q.nowLocked().UnixNano()) {
			return errParam("ReceiptHandle", handle, "The receipt handle has expired.")
		}
		q.all.Delete(m)
	} else {
		// A standard queue deletes whatever the handle names: the tree's
		// Delete finds it, one descent instead of a Get and a Delete.
		q.probe.seq, q.probe.enqueuedAt = r.seq, r.enqueuedAt
		var ok bool
		if m, ok = q.all.Delete(&q.probe); !ok {
			return nil
		}
	}
	atLimit := q.counts[stateInFlight] >= MaxInFlight
	q.dropLocked(m)
	if atLimit {
		q.wakeLocked() // long polls blocked by the in-flight limit may go on
	}
	return nil
}

// currentReceive reports whether r is the handle of m's latest receive and
// m is still in flight under it at now: its visibility timeout has not
// ended and retention has not expired it. These are the rules a catch-up
// would apply to m, checked on m alone: a FIFO delete need not catch up
// the whole queue first (the next operation that needs it does).
// q.mu must be held.
func (q *Queue) currentReceive(m *message, r receipt, now int64) bool {
	return m.state == stateInFlight && m.receiveCount == r.receiveCount &&
		m.visibleAt > now && m.enqueuedAt > now-int64(q.settings.retention)
}

// PurgeQueueInput is the input of [Queue.PurgeQueue].
type PurgeQueueInput struct{}

// PurgeQueueOutput is empty, as in AWS.
type PurgeQueueOutput struct{}

// PurgeQueue deletes every message: visible, in flight and delayed, at once.
// A queue can be purged once every 60 seconds.
func (q *Queue) PurgeQueue(ctx context.Context, in PurgeQueueInput) (PurgeQueueOutput, error) {
	q.lock()
	defer q.mu.Unlock()
	if err := q.checkLocked(); err != nil {
		return PurgeQueueOutput{}, err
	}
	now := q.nowLocked()
	if !q.purgedAt.IsZero() && now.Sub(q.purgedAt) < PurgeCooldown {
		return PurgeQueueOutput{}, errorf(ErrPurgeQueueInProgress,
			"Only one PurgeQueue operation on %s is allowed every 60 seconds.", q.name)
	}
	q.purgedAt = now
	q.clearLocked()
	return PurgeQueueOutput{}, nil
}

// clearLocked drops every message by replacing the indexes: O(1) rather than
// a delete per message. Handles of dropped messages find nothing, as for
// deleted ones. q.mu must be held.
func (q *Queue) clearLocked() {
	q.all.Clear(false)
	q.pending.Clear(false)
	q.ready = q.newReadySet()
	if q.fifo != nil {
		q.fifo.clear()
	}
	q.counts = [numStates]int{}
	q.wakeLocked()
}
