package queue

import (
	"crypto/sha256"
	"encoding/hex"
	"time"

	"github.com/google/btree"
)

// FIFO windows.
const (
	// DeduplicationInterval is how long a FIFO queue remembers a
	// MessageDeduplicationId, also after the message was deleted.
	DeduplicationInterval = 5 * time.Minute
	// ReceiveAttemptInterval is how long a ReceiveRequestAttemptId can be
	// retried.
	ReceiveAttemptInterval = 5 * time.Minute
)

// fifoState is what a FIFO queue keeps beyond a standard one.
type fifoState struct {
	dedup    *window[sent] // the original send of each id
	attempts *window[[]attemptRecord]
	// lastSequenceNumber is the last SequenceNumber less 2^64 (see
	// nextSequenceNumber).
	lastSequenceNumber uint64
}

// attemptRecord is one message a receive attempt returned, as its handle
// named it.
type attemptRecord struct {
	seq          uint64
	enqueuedAt   int64
	receiveCount uint32
	changes      uint32
}

func newFifoState() *fifoState {
	return &fifoState{
		dedup:    newWindow[sent](),
		attempts: newWindow[[]attemptRecord](),
	}
}

// nextSequenceNumber returns the next SequenceNumber, less 2^64 (see
// putSequenceNumber): kept as a number under q.mu, rendered only on the way
// out. Never 0, which stands for "none" in messageMeta.
func (f *fifoState) nextSequenceNumber(now int64) uint64 {
	x := max(f.lastSequenceNumber+1, uint64(now/int64(time.Millisecond))*256000)
	f.lastSequenceNumber = x
	return x
}

// sequenceNumberLen is the length of a rendered SequenceNumber.
const sequenceNumberLen = 20

// putSequenceNumber renders the SequenceNumber 2^64 + x into
// b[:sequenceNumberLen], shaped like AWS's: every one seen on AWS is
// 2^64 + SentTimestamp_ms × 256000 + a small counter, a 20-digit number.
func putSequenceNumber(b []byte, x uint64) {
	_ = b[sequenceNumberLen-1]
	// 2^64 = 18×10^18 + 446744073709551616, and 2^64 + x < 2^65 < 37×10^18:
	// two digits of hi, eighteen of lo.
	const e18 = 1_000_000_000_000_000_000
	lo := 446_744_073_709_551_616 + x%e18
	hi := 18 + x/e18 + lo/e18
	lo %= e18
	b[0], b[1] = '0'+byte(hi/10), '0'+byte(hi%10)
	for i := sequenceNumberLen - 1; i >= 2; i-- {
		b[i] = '0' + byte(lo%10)
		lo /= 10
	}
}

func (f *fifoState) expire(now int64) {
	f.dedup.expire(now)
	f.attempts.expire(now)
}

func (f *fifoState) clear() {
	f.dedup.clear()
	f.attempts.clear()
}

// checkFifoSendLocked applies the send rules of a FIFO queue and settles the
// message's deduplication id. q.mu must be held.
func (q *Queue) checkFifoSendLocked(m *message, in SendMessageInput) error {
	if in.MessageGroupId == "" {
		return errorf(ErrMissingParameter, "The request must contain the parameter MessageGroupId.")
	}
	if d := in.DelaySeconds; d != nil && *d != 0 {
		return errParam("DelaySeconds", int64(*d/time.Second), "The request include parameter that is not valid for this queue type.")
	}
	if in.MessageDeduplicationId == "" {
		if !q.settings.contentBasedDedup {
			return errorf(ErrInvalidParameterValue,
				"The queue should either have ContentBasedDeduplication enabled or MessageDeduplicationId provided explicitly")
		}
		return nil // prepareFifoMessage set the content's id
	}
	m.meta.dedupID = in.MessageDeduplicationId
	return nil
}

// prepareFifoMessage computes, before q.mu is taken, the content-based
// deduplication id a send to a FIFO queue may need: hashing the body is the
// slowest part of a send, and needs only the body. The queue's setting is
// read under q.mu, by checkFifoSendLocked; if it turns out to be off, the
// send fails and the hash was for nothing. (q.fifo is fixed at creation:
// reading it needs no lock.)
func (q *Queue) prepareFifoMessage(m *message, in SendMessageInput) {
	if q.fifo != nil && in.MessageDeduplicationId == "" && m.meta != nil {
		sum := sha256.Sum256([]byte(in.MessageBody))
		m.meta.dedupID = hex.EncodeToString(sum[:])
	}
}

// dedupKey is the key of m in the deduplication window: the id alone, or
// group and id when the scope is the message group.
func (q *Queue) dedupKey(m *message) string {
	if q.settings.dedupScope == "messageGroup" {
		return m.meta.groupID + "\x00" + m.meta.dedupID
	}
	return m.meta.dedupID
}

// redelayLocked applies a new queue delay to the delayed messages of a FIFO
// queue, where DelaySeconds is retroactive. q.mu must be held.
func (q *Queue) redelayLocked(now int64) {
	var delayed []*message
	q.pending.Ascend(func(m *message) bool {
		if m.state == stateDelayed {
			delayed = append(delayed, m)
		}
		return true
	})
	for _, m := range delayed {
		at := m.sentAt + int64(q.settings.delay)
		if at <= now {
			q.moveLocked(m, stateVisible, 0)
		} else {
			q.moveLocked(m, stateDelayed, at)
		}
	}
	q.wakeLocked()
}

// replayLocked answers a retried ReceiveRequestAttemptId: the same messages
// with the same receipt handles, their visibility reset, provided none of
// them was deleted, received again or had its visibility changed.
// q.mu must be held.
func (q *Queue) replayLocked(id string, now int64, vis time.Duration, req receiveRequest, iss *[maxReceive]issued) ([]Message, bool) {
	recs, ok := q.fifo.attempts.get(id, now)
	if !ok {
		return nil, false
	}
	msgs := make([]*message, len(recs))
	for i, r := range recs {
		m := q.lookupLocked(receipt{seq: r.seq, enqueuedAt: r.enqueuedAt})
		if m == nil || m.receiveCount != r.receiveCount || m.meta.changes != r.changes ||
			(m.state != stateInFlight && m.state != stateVisible) {
			return nil, false
		}
		msgs[i] = m
	}
	out := make([]Message, len(msgs))
	for i, m := range msgs {
		q.moveLocked(m, stateInFlight, now+int64(vis))
		m.receivedAt = now
		iss[i] = issuedFor(m, req)
		out[i] = q.render(m, req)
	}
	return out, true
}

// recordAttemptLocked remembers what a receive attempt returned.
// q.mu must be held.
func (q *Queue) recordAttemptLocked(id string, taken []*message, now int64) {
	recs := make([]attemptRecord, len(taken))
	for i, m := range taken {
		recs[i] = attemptRecord{seq: m.seq, enqueuedAt: m.enqueuedAt, receiveCount: m.receiveCount, changes: m.meta.changes}
	}
	q.fifo.attempts.put(id, recs, now+int64(ReceiveAttemptInterval))
}

// fifoReady serves a FIFO queue: messages of a group strictly in order, and
// no message of a group while an earlier one of it is in flight (or
// delayed). A receive takes as many messages of one group as it can, then
// moves to the group whose first message is oldest.
type fifoReady struct {
	groups map[string]*fifoGroup
	// available holds the groups whose first message is visible, by the
	// sequence of that message.
	available *btree.BTreeG[*fifoGroup]
	// nodes is the node free list the groups' trees share: a group comes
	// and goes with its messages, and a tree of its own would allocate a
	// free list every time.
	nodes *btree.FreeListG[*message]
	// spare holds up to maxSpareGroups emptied groups for reuse: with few
	// messages per group (one group, or many groups at low depth) a group
	// empties and returns at nearly every message, and a new one would
	// allocate the group, its tree and the tree's root node each time.
	spare []*fifoGroup
	probe message // search key of next, a field so it does not escape
}

// maxSpareGroups bounds fifoReady.spare: enough to absorb the churn, little
// memory kept after a burst of groups.
const maxSpareGroups = 64

// fifoGroup is one MessageGroupId of a FIFO queue.
type fifoGroup struct {
	name    string
	msgs    *btree.BTreeG[*message] // every message of the group in the queue, by seq
	headSeq uint64                  // the key in available, while listed
	listed  bool
}

func newFifoReady() *fifoReady {
	return &fifoReady{
		groups: map[string]*fifoGroup{},
		nodes:  btree.NewFreeListG[*message](btree.DefaultFreeListSize),
		available: btree.NewG(btreeDegree, func(a, b *fifoGroup) bool {
			return a.headSeq < b.headSeq || a.headSeq == b.headSeq && a.name < b.name
		}),
	}
}

// enter puts m, which just entered the queue, in its group, and caches the
// group in m.meta: every later change of m's state finds it there rather
// than by a map lookup on the group id.
func (r *fifoReady) enter(m *message) *fifoGroup {
	g := r.groups[m.meta.groupID]
	if g == nil {
		if n := len(r.spare); n > 0 {
			g = r.spare[n-1]
			r.spare[n-1] = nil
			r.spare = r.spare[:n-1]
		} else {
			g = &fifoGroup{msgs: btree.NewWithFreeListG(btreeDegree, bySeq, r.nodes)}
		}
		g.name = m.meta.groupID
		r.groups[g.name] = g
	}
	g.msgs.ReplaceOrInsert(m)
	m.meta.group = g
	return g
}

// placed lists or unlists m's group as m's new state requires. m stays in
// its group's tree, keyed by seq alone, from when it enters the queue
// (m.meta.group is nil until then) until it leaves.
func (r *fifoReady) placed(m *message) {
	g := m.meta.group
	if g == nil {
		g = r.enter(m)
	}
	r.refresh(g)
}

// unplaced needs no work: placed or gone follows at once and refreshes.
func (r *fifoReady) unplaced(m *message) {}

func (r *fifoReady) gone(m *message) {
	g := m.meta.group
	m.meta.group = nil
	g.msgs.Delete(m)
	r.refresh(g)
	if g.msgs.Len() == 0 {
		delete(r.groups, g.name)
		if len(r.spare) < maxSpareGroups {
			g.name = ""
			r.spare = append(r.spare, g)
		}
	}
}

// refresh lists g in available exactly when its first message is visible.
func (r *fifoReady) refresh(g *fifoGroup) {
	head, ok := g.msgs.Min()
	want := ok && head.state == stateVisible
	if g.listed && (!want || g.headSeq != head.seq) {
		r.available.Delete(g)
		g.listed = false
	}
	if want && !g.listed {
		g.headSeq = head.seq
		r.available.ReplaceOrInsert(g)
		g.listed = true
	}
}

// next continues prev's group while its next message is visible, then takes
// the group with the oldest first message.
func (r *fifoReady) next(prev *message) *message {
	if prev != nil {
		var after *message
		r.probe.seq = prev.seq + 1
		prev.meta.group.msgs.AscendGreaterOrEqual(&r.probe, func(m *message) bool {
			after = m
			return false
		})
		if after != nil && after.state == stateVisible {
			return after
		}
	}
	g, ok := r.available.Min()
	if !ok {
		return nil
	}
	head, _ := g.msgs.Min()
	return head
}
