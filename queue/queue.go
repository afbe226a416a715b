package queue

import (
	"math/rand/v2"
	"sync"
	"sync/atomic"
	"time"

	"github.com/google/btree"

	"github.com/sluicehq/sluice/internal/clock"
)

// Queue is a handle on one queue. Its methods are the data-plane operations
// of SQS. A Queue is safe for concurrent use; after DeleteQueue every method
// returns ErrQueueDoesNotExist.
type Queue struct {
	svc  *Service
	name string
	url  string
	arn  string

	mu       sync.Mutex
	deleted  bool
	mono     clock.Monotonic
	rng      *rand.Rand
	handles  handleKey // signs receipt handles
	settings settings
	created  time.Time
	modified time.Time
	tags     map[string]string
	purgedAt time.Time // zero until the first PurgeQueue

	nextSeq uint64
	// all holds every live message by (enqueuedAt, seq): retention expires
	// from its front, and receipt handles find their message in it.
	all *btree.BTreeG[*message]
	// pending holds delayed and in-flight messages by (visibleAt, seq): the
	// front is the next message to turn visible.
	pending *btree.BTreeG[*message]
	ready   readySet
	counts  [numStates]int
	fifo    *fifoState // nil for a standard queue
	// redriveTarget mirrors settings.redrive's dead-letter queue ARN, so a
	// receive can look that queue up before taking q.mu.
	redriveTarget atomic.Pointer[string]
	probe         message // search key of lookupLocked

	// sleepers are the long polls waiting for a message, oldest first;
	// waiters counts them.
	sleepers waiterList
	waiters  int
}

const btreeDegree = 32

func byEnqueued(a, b *message) bool {
	return a.enqueuedAt < b.enqueuedAt || a.enqueuedAt == b.enqueuedAt && a.seq < b.seq
}

func byVisibleAt(a, b *message) bool {
	return a.visibleAt < b.visibleAt || a.visibleAt == b.visibleAt && a.seq < b.seq
}

func bySeq(a, b *message) bool { return a.seq < b.seq }

func newQueue(svc *Service, name string, st settings, now time.Time, seed1, seed2 uint64) *Queue {
	q := &Queue{
		svc:      svc,
		name:     name,
		url:      svc.queueURL(name),
		arn:      svc.queueARN(name),
		rng:      rand.New(rand.NewPCG(seed1, seed2)),
		settings: st,
		created:  now,
		modified: now,
		tags:     map[string]string{},
		all:      btree.NewG(btreeDegree, byEnqueued),
		pending:  btree.NewG(btreeDegree, byVisibleAt),
	}
	q.handles = newHandleKey(q.rng)
	if st.fifo {
		q.fifo = newFifoState()
	}
	q.ready = q.newReadySet()
	q.setSettingsLocked(st)
	return q
}

func (q *Queue) newReadySet() readySet {
	if q.fifo != nil {
		return newFifoReady()
	}
	return newStandardReady()
}

// setSettingsLocked makes st the queue's attributes. q.mu must be held.
func (q *Queue) setSettingsLocked(st settings) {
	q.settings = st
	if st.redrive != nil {
		q.redriveTarget.Store(&st.redrive.DeadLetterTargetArn)
	} else {
		q.redriveTarget.Store(nil)
	}
}

// Name returns the queue's name.
func (q *Queue) Name() string { return q.name }

// URL returns the queue's URL, as CreateQueue and GetQueueUrl return it.
func (q *Queue) URL() string { return q.url }

// ARN returns the queue's ARN.
func (q *Queue) ARN() string { return q.arn }

// lock locks q for an operation, first bringing any running move task up to
// the clock if one has work due, so that the operation sees the messages the
// task moved by now.
func (q *Queue) lock() {
	if tasks := &q.svc.tasks; tasks.running.Load() > 0 && q.svc.cfg.clock.Now().UnixNano() >= tasks.nextDue.Load() {
		q.svc.advanceTasks()
	}
	q.mu.Lock()
}

// checkLocked returns the error for a deleted queue or closed service.
// q.mu must be held.
func (q *Queue) checkLocked() error {
	if q.deleted {
		return errQueueDoesNotExist()
	}
	if q.svc.isClosed() {
		return errClosed()
	}
	return nil
}

// check returns the error for a deleted queue or closed service.
func (q *Queue) check() error {
	q.mu.Lock()
	defer q.mu.Unlock()
	return q.checkLocked()
}

// nowLocked reads the clock, never going backwards. q.mu must be held.
func (q *Queue) nowLocked() time.Time { return q.mono.Now(q.svc.cfg.clock) }

// catchUpLocked applies every time rule due by now, in deadline order:
// delays and visibility timeouts that ended make messages visible; messages
// past the retention period are removed. q.mu must be held.
func (q *Queue) catchUpLocked(now time.Time) {
	t := now.UnixNano()
	for {
		m, ok := q.pending.Min()
		if !ok || m.visibleAt > t {
			break
		}
		q.moveLocked(m, stateVisible, 0)
	}
	if q.fifo != nil {
		q.fifo.expire(t)
	}
	oldest := t - int64(q.settings.retention)
	for {
		m, ok := q.all.Min()
		if !ok || m.enqueuedAt > oldest {
			break
		}
		q.removeLocked(m)
	}
}

// insertLocked adds a new message in state st (delayed or visible).
// q.mu must be held.
func (q *Queue) insertLocked(m *message, st messageState, visibleAt int64) {
	q.all.ReplaceOrInsert(m)
	m.state = stateGone
	q.place(m, st, visibleAt)
}

// moveLocked moves a live message to state st; visibleAt is the deadline of
// a delayed or in-flight state. q.mu must be held.
func (q *Queue) moveLocked(m *message, st messageState, visibleAt int64) {
	q.unplace(m)
	q.place(m, st, visibleAt)
}

// removeLocked deletes a live message from every index. q.mu must be held.
func (q *Queue) removeLocked(m *message) {
	q.all.Delete(m)
	q.dropLocked(m)
}

// dropLocked deletes a live message, already out of q.all, from every other
// index. q.mu must be held.
func (q *Queue) dropLocked(m *message) {
	heldGroup := q.fifo != nil && (m.state == stateInFlight || m.state == stateDelayed)
	q.unplace(m)
	q.ready.gone(m)
	m.state = stateGone
	if heldGroup {
		// The next message of m's group may be receivable now: let a long
		// poll look (it sleeps again if not).
		q.wakeForLocked(1)
	}
}

func (q *Queue) unplace(m *message) {
	switch m.state {
	case stateDelayed, stateInFlight:
		q.pending.Delete(m)
	case stateGone:
		return
	}
	q.ready.unplaced(m)
	q.counts[m.state]--
}

func (q *Queue) place(m *message, st messageState, visibleAt int64) {
	m.state = st
	q.counts[st]++
	m.visibleAt = 0
	if st == stateDelayed || st == stateInFlight {
		m.visibleAt = visibleAt
		q.pending.ReplaceOrInsert(m)
	}
	q.ready.placed(m)
}

// nextDeadlineLocked returns when the next delayed or in-flight message turns
// visible, if any. q.mu must be held.
func (q *Queue) nextDeadlineLocked() (time.Time, bool) {
	m, ok := q.pending.Min()
	if !ok {
		return time.Time{}, false
	}
	return time.Unix(0, m.visibleAt), true
}

// wakeLocked wakes every long poll so it looks again. q.mu must be held.
func (q *Queue) wakeLocked() {
	for q.sleepers.first != nil {
		q.wakeFirstLocked()
	}
}

// wakeForLocked wakes long polls, oldest first, until they could take n
// messages between them: for n messages just sent, waking more would only
// have the others find nothing and sleep again, all contending for q.mu.
// This wakes enough: a woken poll looks under q.mu and takes what it can,
// or passes its wake on if it gives up (see ReceiveMessage). q.mu must be
// held.
func (q *Queue) wakeForLocked(n int) {
	for n > 0 && q.sleepers.first != nil {
		n -= q.wakeFirstLocked()
	}
}

// wakeFirstLocked wakes the oldest long poll and returns how many messages
// it takes. q.mu must be held.
func (q *Queue) wakeFirstLocked() int {
	w := q.sleepers.first
	q.sleepers.remove(w)
	q.waiters--
	w.wake <- struct{}{} // cannot block: listed, its buffer is empty
	return w.max
}

// waiter is one long poll asleep on a queue. It is listed in q.sleepers
// while it sleeps; whoever wakes it unlists it, under q.mu.
type waiter struct {
	wake       chan struct{} // buffered, so that waking never blocks
	max        int           // the poll's MaxNumberOfMessages
	listed     bool
	prev, next *waiter
}

// waiterList is a doubly linked list of waiters, oldest first.
type waiterList struct{ first, last *waiter }

func (l *waiterList) push(w *waiter) {
	w.prev, w.next, w.listed = l.last, nil, true
	if l.last != nil {
		l.last.next = w
	} else {
		l.first = w
	}
	l.last = w
}

func (l *waiterList) remove(w *waiter) {
	if w.prev != nil {
		w.prev.next = w.next
	} else {
		l.first = w.next
	}
	if w.next != nil {
		w.next.prev = w.prev
	} else {
		l.last = w.prev
	}
	w.prev, w.next, w.listed = nil, nil, false
}

// sleepLocked lists w as asleep. q.mu must be held.
func (q *Queue) sleepLocked(w *waiter) {
	q.sleepers.push(w)
	q.waiters++
}

// awakeLocked unlists w after it slept and reports whether it was woken
// for a message (rather than by its timer, the service's close or its
// context); its channel is left empty for the next sleep. q.mu must be held.
func (q *Queue) awakeLocked(w *waiter) (woken bool) {
	if w.listed {
		q.sleepers.remove(w)
		q.waiters--
		return false
	}
	// Whoever unlisted w sent on its channel under q.mu, which we hold:
	// the wake is in the buffer unless the sleep already took it.
	select {
	case <-w.wake:
	default:
	}
	return true
}

// wakeIfFirstDueLocked wakes every long poll when m, just made delayed or in
// flight, is now the first pending message to turn visible: a long poll
// sleeps until the earliest deadline it saw, which may be later than m's.
// q.mu must be held.
func (q *Queue) wakeIfFirstDueLocked(m *message) {
	if q.waiters == 0 {
		return
	}
	if first, ok := q.pending.Min(); ok && first == m {
		q.wakeLocked()
	}
}
