package queue

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"math"
	"sync/atomic"
	"time"

	"github.com/sluicehq/sluice/internal/clock"
)

// Message move task statuses.
const (
	MoveTaskRunning    = "RUNNING"
	MoveTaskCompleted  = "COMPLETED"
	MoveTaskCancelling = "CANCELLING"
	MoveTaskCancelled  = "CANCELLED"
	MoveTaskFailed     = "FAILED"
)

// Move task limits.
const (
	MaxMoveTaskRate        = 500 // MaxNumberOfMessagesPerSecond
	maxListMoveTaskResults = 10
)

// moveTask redrives messages from a dead-letter queue. It is advanced from
// the clock: by time t it has moved min(ToMove, 1 + rate × elapsed seconds)
// messages, whenever anyone looks. s.mu guards it.
type moveTask struct {
	handle      string
	sourceArn   string
	destArn     string // "" sends each message back to the queue it came from
	rate        int    // messages per second; 0 moves all at once
	startedAt   time.Time
	status      string
	moved       int64
	toMove      int64
	failure     string
	cancelledAt time.Time
}

// moveTasks is the Service's record of move tasks and the timer that
// pushes the running ones forward when nobody calls.
type moveTasks struct {
	all     []*moveTask  // oldest first
	running atomic.Int32 // read without s.mu by queue operations
	// nextDue is when a running task next has work (unix ns): queue
	// operations before it need not catch the tasks up.
	nextDue atomic.Int64
	timer   *clock.Timer
	timerAt time.Time // when timer fires
}

// StartMessageMoveTaskInput is the input of [Service.StartMessageMoveTask].
type StartMessageMoveTaskInput struct {
	// SourceArn is a dead-letter queue: a queue that some queue's redrive
	// policy names.
	SourceArn string
	// DestinationArn receives the messages; empty sends each back to the
	// queue it was dead-lettered from.
	DestinationArn string
	// MaxNumberOfMessagesPerSecond (1..500); nil moves as fast as it can:
	// everything at once.
	MaxNumberOfMessagesPerSecond *int
}

// StartMessageMoveTaskOutput is the output of [Service.StartMessageMoveTask].
type StartMessageMoveTaskOutput struct {
	TaskHandle string
}

// ErrResourceNotFoundException is returned for a move task's missing queue or
// task.
var ErrResourceNotFoundException = &Error{Code: "ResourceNotFoundException", HTTPStatus: 404, Sender: true}

// StartMessageMoveTask starts moving the messages of a dead-letter queue to
// a destination, at most MaxNumberOfMessagesPerSecond per second of the
// clock. One task may run per source queue.
func (s *Service) StartMessageMoveTask(ctx context.Context, in StartMessageMoveTaskInput) (StartMessageMoveTaskOutput, error) {
	rate := 0
	if r := in.MaxNumberOfMessagesPerSecond; r != nil {
		if *r < 1 || *r > MaxMoveTaskRate {
			return StartMessageMoveTaskOutput{}, errParam("MaxNumberOfMessagesPerSecond", *r,
				"Must be between 1 and 500, if provided.")
		}
		rate = *r
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.isClosed() {
		return StartMessageMoveTaskOutput{}, errClosed()
	}
	now := s.cfg.clock.Now()
	s.advanceTasksLocked(now)
	src, ok := s.queueByARNLocked(in.SourceArn)
	if !ok {
		return StartMessageMoveTaskOutput{}, ErrResourceNotFoundException.WithMessage(
			"The resource that you specified for the SourceArn parameter doesn't exist.")
	}
	if in.DestinationArn != "" {
		dest, ok := s.queueByARNLocked(in.DestinationArn)
		if !ok {
			return StartMessageMoveTaskOutput{}, ErrResourceNotFoundException.WithMessage(
				"The resource that you specified for the DestinationArn parameter doesn't exist.")
		}
		if (dest.fifo == nil) != (src.fifo == nil) {
			return StartMessageMoveTaskOutput{}, errorf(ErrInvalidParameterValue,
				"The source queue and the destination queue must be of the same queue type.")
		}
	}
	if !s.isDeadLetterQueueLocked(in.SourceArn) {
		return StartMessageMoveTaskOutput{}, errorf(ErrInvalidParameterValue, "Source queue must be configured as a Dead Letter Queue.")
	}
	for _, t := range s.tasks.all {
		if t.sourceArn == in.SourceArn && (t.status == MoveTaskRunning || t.status == MoveTaskCancelling) {
			return StartMessageMoveTaskOutput{}, errorf(ErrInvalidParameterValue,
				"There is already a task running. Only one active task is allowed for a source queue arn at a given time.")
		}
	}
	src.mu.Lock()
	toMove := int64(src.counts[stateVisible] + src.counts[stateInFlight] + src.counts[stateDelayed])
	src.mu.Unlock()
	t := &moveTask{
		handle:    s.newTaskHandle(in.SourceArn),
		sourceArn: in.SourceArn,
		destArn:   in.DestinationArn,
		rate:      rate,
		startedAt: now,
		status:    MoveTaskRunning,
		toMove:    toMove,
	}
	s.tasks.all = append(s.tasks.all, t)
	s.tasks.running.Add(1)
	s.advanceTasksLocked(now)
	return StartMessageMoveTaskOutput{TaskHandle: t.handle}, nil
}

// taskHandle is what a TaskHandle encodes, as AWS's do: base64 of JSON.
type taskHandle struct {
	TaskID    string `json:"taskId"`
	SourceArn string `json:"sourceArn"`
}

func (s *Service) newTaskHandle(sourceArn string) string {
	id := messageID(newMessageID(s.cfg.rand.Uint64(), s.cfg.rand.Uint64()))
	b, _ := json.Marshal(taskHandle{TaskID: id, SourceArn: sourceArn})
	return base64.StdEncoding.EncodeToString(b)
}

// isDeadLetterQueueLocked reports whether some queue's redrive policy names
// arn. s.mu must be held.
func (s *Service) isDeadLetterQueueLocked(arn string) bool {
	found := false
	s.queues.Ascend(func(q *Queue) bool {
		q.mu.Lock()
		found = q.settings.redrive != nil && q.settings.redrive.DeadLetterTargetArn == arn
		q.mu.Unlock()
		return !found
	})
	return found
}

// advanceTasks brings every running task up to the clock. It runs at the
// start of queue operations while a task runs (see [Queue.lock]), and from
// the task timer.
func (s *Service) advanceTasks() {
	s.mu.Lock()
	defer s.mu.Unlock()
	if !s.isClosed() {
		s.advanceTasksLocked(s.cfg.clock.Now())
	}
}

// advanceTasksLocked moves what each running task owes by now, finishes
// cancellations, and arms the timer for the next message due. s.mu must be
// held.
func (s *Service) advanceTasksLocked(now time.Time) {
	if len(s.tasks.all) == 0 {
		return
	}
	next := time.Time{}
	// checkAt is when queue operations must next catch the tasks up: the
	// next rate step, or at once while a task waits for its DLQ, whose
	// messages may turn visible by any operation (a visibility change, a
	// new dead letter), not only as the clock passes.
	checkAt := int64(math.MaxInt64)
	for _, t := range s.tasks.all {
		switch t.status {
		case MoveTaskCancelling:
			if now.After(t.cancelledAt) {
				t.status = MoveTaskCancelled
			}
		case MoveTaskRunning:
			visibleAt := s.advanceTaskLocked(t, now)
			if t.status == MoveTaskRunning {
				// The next message is due at the rate, and no sooner than the
				// DLQ has one visible again if it ran out.
				due := visibleAt
				if t.rate > 0 {
					// Rounded up: a nanosecond early finds nothing due and
					// would sleep a whole second more.
					due = later(due, t.startedAt.Add(time.Duration((t.moved*int64(time.Second)+int64(t.rate)-1)/int64(t.rate))))
				}
				if !due.After(now) {
					due = now.Add(time.Second) // cannot happen; never spin
				}
				if next.IsZero() || due.Before(next) {
					next = due
				}
				if !visibleAt.IsZero() {
					checkAt = 0
				}
				checkAt = min(checkAt, due.UnixNano())
			}
		}
	}
	s.tasks.nextDue.Store(checkAt)
	if s.tasks.timer != nil && s.tasks.timerAt.Equal(next) {
		return // already armed for it
	}
	if s.tasks.timer != nil {
		s.tasks.timer.Stop()
		s.tasks.timer = nil
	}
	if !next.IsZero() {
		s.tasks.timer, s.tasks.timerAt = s.cfg.clock.AfterFunc(next.Sub(now), s.advanceTasks), next
	}
}

func later(a, b time.Time) time.Time {
	if a.After(b) {
		return a
	}
	return b
}

// advanceTaskLocked moves the messages t owes by now. If the DLQ ran out of
// visible messages first, it returns when the next one turns visible (zero
// otherwise). s.mu must be held.
func (s *Service) advanceTaskLocked(t *moveTask, now time.Time) (visibleAt time.Time) {
	due := t.toMove
	if t.rate > 0 {
		// The first message moves at the start, then rate per second (AWS:
		// 4 messages at 1/s take 3 s).
		due = min(due, 1+owedAtRate(now.Sub(t.startedAt), t.rate))
	}
	src, ok := s.queueByARNLocked(t.sourceArn)
	if !ok {
		s.finishTaskLocked(t, MoveTaskFailed, "AWS.SimpleQueueService.NonExistentQueue")
		return time.Time{}
	}
	for t.moved < due {
		msgs, empty, next := src.takeForMove(int(due - t.moved))
		if len(msgs) == 0 {
			if empty {
				s.finishTaskLocked(t, MoveTaskCompleted, "")
			}
			return next
		}
		if err := s.deliverMovedLocked(t, src, msgs); err != nil {
			s.finishTaskLocked(t, MoveTaskFailed, "AWS.SimpleQueueService.NonExistentQueue")
			return time.Time{}
		}
		t.moved += int64(len(msgs))
	}
	if t.moved >= t.toMove {
		s.finishTaskLocked(t, MoveTaskCompleted, "")
	}
	return time.Time{}
}

// owedAtRate is how many messages rate per second owes after elapsed,
// without overflow however long nobody looked.
func owedAtRate(elapsed time.Duration, rate int) int64 {
	if elapsed <= 0 {
		return 0
	}
	r := int64(rate)
	return int64(elapsed/time.Second)*r + int64(elapsed%time.Second)*r/int64(time.Second)
}

func (s *Service) finishTaskLocked(t *moveTask, status, reason string) {
	t.status, t.failure = status, reason
	s.tasks.running.Add(-1)
}

// takeForMove takes up to n visible messages, oldest first, out of a
// dead-letter queue for a move task. empty reports that the queue holds no
// message at all, so the task has nothing left to wait for; next is when
// the next delayed or in-flight message turns visible.
func (q *Queue) takeForMove(n int) (msgs []*message, empty bool, next time.Time) {
	q.mu.Lock()
	defer q.mu.Unlock()
	if q.checkLocked() != nil {
		return nil, true, time.Time{}
	}
	q.catchUpLocked(q.nowLocked())
	for len(msgs) < n {
		// The head of the ready set each time: taking a message out makes
		// the next one the head, also within a FIFO group.
		m := q.ready.next(nil)
		if m == nil {
			break
		}
		q.removeLocked(m)
		msgs = append(msgs, m)
	}
	next, _ = q.nextDeadlineLocked()
	return msgs, q.all.Len() == 0, next
}

// deliverMovedLocked puts moved messages in their destination: the task's,
// or each message's source queue. If a destination is gone, every message
// not yet delivered goes back to the dead-letter queue and the task fails.
// s.mu must be held.
func (s *Service) deliverMovedLocked(t *moveTask, src *Queue, msgs []*message) error {
	for i, m := range msgs {
		dest := t.destArn
		if dest == "" && m.meta != nil {
			dest = m.meta.deadLetterSourceArn
		}
		dq, ok := s.queueByARNLocked(dest)
		if ok && dq.acceptMoved(m) == nil {
			continue
		}
		t.moved += int64(i) // those before this one were delivered
		src.mu.Lock()
		for _, back := range msgs[i:] {
			src.insertLocked(back, stateVisible, 0)
		}
		src.wakeLocked()
		src.mu.Unlock()
		return errQueueDoesNotExist()
	}
	return nil
}

// acceptMoved adds a message a move task redrove: as AWS documents, a new
// message with a new MessageId and enqueue time (so a new retention period),
// the old body and attributes, and a fresh receive count.
func (q *Queue) acceptMoved(m *message) error {
	q.mu.Lock() // s.mu may be held: no q.lock()
	defer q.mu.Unlock()
	if err := q.checkLocked(); err != nil {
		return err
	}
	now := q.nowLocked()
	q.catchUpLocked(now)
	t := now.UnixNano()
	q.adoptLocked(m, t)
	m.id = newMessageID(q.rng.Uint64(), q.rng.Uint64())
	m.sentAt, m.enqueuedAt = t, t
	m.meta.deadLetterSourceArn = ""
	m.receiveCount, m.firstReceiveAt, m.receivedAt = 0, 0, 0
	q.insertLocked(m, stateVisible, 0)
	q.wakeLocked()
	return nil
}

// ListMessageMoveTasksInput is the input of [Service.ListMessageMoveTasks].
type ListMessageMoveTasksInput struct {
	SourceArn string
	// MaxResults (1..10); 0 means 1.
	MaxResults int
}

// ListMessageMoveTasksResultEntry describes one task.
type ListMessageMoveTasksResultEntry struct {
	TaskHandle                        string // RUNNING tasks only
	Status                            string
	SourceArn                         string
	DestinationArn                    string
	MaxNumberOfMessagesPerSecond      int // 0 when not given
	ApproximateNumberOfMessagesMoved  int64
	ApproximateNumberOfMessagesToMove int64
	FailureReason                     string
	StartedTimestamp                  int64 // epoch milliseconds
}

// ListMessageMoveTasksOutput lists tasks, most recent first.
type ListMessageMoveTasksOutput struct {
	Results []ListMessageMoveTasksResultEntry
}

// ListMessageMoveTasks lists the most recent move tasks of a source queue,
// as of now on the clock.
func (s *Service) ListMessageMoveTasks(ctx context.Context, in ListMessageMoveTasksInput) (ListMessageMoveTasksOutput, error) {
	limit := in.MaxResults
	if limit == 0 {
		limit = 1
	}
	if limit < 1 || limit > maxListMoveTaskResults {
		return ListMessageMoveTasksOutput{}, errParam("MaxResults", in.MaxResults, "Must be between 1 and 10, if provided.")
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.isClosed() {
		return ListMessageMoveTasksOutput{}, errClosed()
	}
	s.advanceTasksLocked(s.cfg.clock.Now())
	if _, ok := s.queueByARNLocked(in.SourceArn); !ok {
		return ListMessageMoveTasksOutput{}, ErrResourceNotFoundException.WithMessage(
			"The resource that you specified for the SourceArn parameter doesn't exist.")
	}
	var out ListMessageMoveTasksOutput
	for i := len(s.tasks.all) - 1; i >= 0 && len(out.Results) < limit; i-- {
		t := s.tasks.all[i]
		if t.sourceArn != in.SourceArn {
			continue
		}
		e := ListMessageMoveTasksResultEntry{
			Status:                            t.status,
			SourceArn:                         t.sourceArn,
			DestinationArn:                    t.destArn,
			MaxNumberOfMessagesPerSecond:      t.rate,
			ApproximateNumberOfMessagesMoved:  t.moved,
			ApproximateNumberOfMessagesToMove: t.toMove,
			FailureReason:                     t.failure,
			StartedTimestamp:                  t.startedAt.UnixMilli(),
		}
		if t.status == MoveTaskRunning {
			e.TaskHandle = t.handle
		}
		out.Results = append(out.Results, e)
	}
	return out, nil
}

// CancelMessageMoveTaskInput is the input of [Service.CancelMessageMoveTask].
type CancelMessageMoveTaskInput struct {
	TaskHandle string
}

// CancelMessageMoveTaskOutput is the output of [Service.CancelMessageMoveTask].
type CancelMessageMoveTaskOutput struct {
	ApproximateNumberOfMessagesMoved int64
}

// CancelMessageMoveTask stops a running task. Messages it moved stay moved.
// The task is CANCELLING until the clock moves on, then CANCELLED.
func (s *Service) CancelMessageMoveTask(ctx context.Context, in CancelMessageMoveTaskInput) (CancelMessageMoveTaskOutput, error) {
	raw, err := base64.StdEncoding.DecodeString(in.TaskHandle)
	var h taskHandle
	if err != nil || json.Unmarshal(raw, &h) != nil || h.TaskID == "" {
		return CancelMessageMoveTaskOutput{}, errorf(ErrInvalidParameterValue, "Value for parameter TaskHandle is invalid.")
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.isClosed() {
		return CancelMessageMoveTaskOutput{}, errClosed()
	}
	now := s.cfg.clock.Now()
	s.advanceTasksLocked(now)
	if _, ok := s.queueByARNLocked(h.SourceArn); !ok {
		return CancelMessageMoveTaskOutput{}, ErrResourceNotFoundException.WithMessage(
			"The resource that you specified for the SourceArn parameter doesn't exist.")
	}
	for _, t := range s.tasks.all {
		if t.handle == in.TaskHandle && t.status == MoveTaskRunning {
			s.finishTaskLocked(t, MoveTaskCancelling, "")
			t.cancelledAt = now
			return CancelMessageMoveTaskOutput{ApproximateNumberOfMessagesMoved: t.moved}, nil
		}
	}
	return CancelMessageMoveTaskOutput{}, ErrResourceNotFoundException.WithMessage("Task does not exist.")
}
