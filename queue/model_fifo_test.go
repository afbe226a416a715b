package queue_test

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"math/rand/v2"
	"slices"
	"strconv"
	"strings"
	"testing"
	"testing/synctest"
	"time"

	"pgregory.net/rapid"

	"github.com/sluicehq/sluice/internal/clock"
	"github.com/sluicehq/sluice/queue"
)

// This file checks FIFO queues, dead-letter queues and message move tasks
// against plain models (pfFifo, pfRedrive) that know nothing of the
// library's internals: each keeps its messages in slices and applies SQS's
// rules as the reference and the package docs state them. Every check runs
// in a synctest bubble: the mock clock's Add pauses a millisecond per timer,
// which costs no real time there, and a move task's timer callbacks (run on
// goroutines by the mock) have finished before Add returns.

// pfEpoch is where every model's mock clock starts.
var pfEpoch = time.Date(2025, 6, 1, 9, 0, 0, 0, time.UTC)

func pfService() (*clock.Mock, *queue.Service) {
	mock := clock.NewMock()
	mock.Set(pfEpoch)
	return mock, queue.New(queue.WithClock(mock), queue.WithRand(rand.NewPCG(1, 2)))
}

func pfCreate(t *rapid.T, svc *queue.Service, name string, a queue.Attributes) *queue.Queue {
	t.Helper()
	q, err := svc.CreateQueue(context.Background(), queue.CreateQueueInput{QueueName: name, Attributes: a})
	if err != nil {
		t.Fatalf("CreateQueue(%s): %v", name, err)
	}
	return q
}

// pfWant fails unless err is nil (want nil) or matches want's code and,
// when given, contains text.
func pfWant(t *rapid.T, op string, err error, want *queue.Error, text string) {
	t.Helper()
	if want == nil {
		if err != nil {
			t.Fatalf("%s: unexpected error %v", op, err)
		}
		return
	}
	if !errors.Is(err, want) {
		t.Fatalf("%s: error = %v, want %s", op, err, want.Code)
	}
	if text != "" && !strings.Contains(err.Error(), text) {
		t.Fatalf("%s: error = %v, want it to contain %q", op, err, text)
	}
}

// pfCounts reads a queue's three message counts.
func pfCounts(t *rapid.T, q *queue.Queue) (visible, inFlight, delayed int) {
	t.Helper()
	out, err := q.GetQueueAttributes(context.Background(), queue.GetQueueAttributesInput{AttributeNames: []queue.AttributeName{
		queue.AttributeApproximateNumberOfMessages, queue.AttributeApproximateNumberOfMessagesNotVisible,
		queue.AttributeApproximateNumberOfMessagesDelayed,
	}})
	if err != nil {
		t.Fatalf("GetQueueAttributes(%s): %v", q.Name(), err)
	}
	n := func(name queue.AttributeName) int {
		v, err := strconv.Atoi(out.Attributes[name])
		if err != nil {
			t.Fatalf("%s of %s = %q", name, q.Name(), out.Attributes[name])
		}
		return v
	}
	return n(queue.AttributeApproximateNumberOfMessages), n(queue.AttributeApproximateNumberOfMessagesNotVisible),
		n(queue.AttributeApproximateNumberOfMessagesDelayed)
}

// pfTamper turns a receipt handle into one the queue never issued: a
// character in the middle changes, so the check word no longer matches.
// (The last character is left alone: it partly encodes padding bits.)
func pfTamper(h string) string {
	b := []byte(h)
	i := len(b) / 2
	if b[i] == 'A' {
		b[i] = 'B'
	} else {
		b[i] = 'A'
	}
	return string(b)
}

func pfSHA256(s string) string {
	sum := sha256.Sum256([]byte(s))
	return hex.EncodeToString(sum[:])
}

// pfSeqLess compares two SequenceNumbers, decimal strings.
func pfSeqLess(a, b string) bool {
	if len(a) != len(b) {
		return len(a) < len(b)
	}
	return a < b
}

var pfSystemAttrs = []queue.MessageSystemAttributeName{
	queue.SystemAttributeApproximateReceiveCount, queue.SystemAttributeMessageGroupId,
	queue.SystemAttributeSequenceNumber, queue.SystemAttributeMessageDeduplicationId,
}

// pfMsg is one message as a model sees it.
type pfMsg struct {
	id         string // MessageId; "" until seen again after a move task gave it a new one
	oldIDs     []string
	body       string
	group      string
	seq        int // arrival order in the queue that holds it
	inFlight   bool
	until      time.Time // end of the visibility timeout, while inFlight
	rc         int       // ApproximateReceiveCount
	receivedAt time.Time // latest receive: the 12 h cap counts from it

	// FIFO model only.
	dedupID string
	seqNum  string // SequenceNumber
	changes int    // successful ChangeMessageVisibility calls
	gone    string // "", "deleted" or "purged"

	// Redrive model only.
	loc    string // "src", "dlq" or "deleted"
	handle pfHandle
}

// visible reports whether m can be received at now.
func (m *pfMsg) visible(now time.Time) bool { return !m.inFlight || !m.until.After(now) }

// current reports whether m is in flight under the receive that counted rc.
func (m *pfMsg) current(now time.Time, rc int) bool { return !m.visible(now) && m.rc == rc }

// pfHandle is a receipt handle a receive returned.
type pfHandle struct {
	handle string
	msg    *pfMsg
	rc     int    // the receive count it was issued at
	queue  string // redrive model: "src" or "dlq"
	seq    int    // redrive model: the message's seq in that queue then
}

// pfQueue holds the live messages of one queue in arrival order.
type pfQueue struct {
	fifo    bool
	msgs    []*pfMsg
	nextSeq int
}

func (q *pfQueue) add(m *pfMsg) {
	m.seq = q.nextSeq
	q.nextSeq++
	m.inFlight = false
	q.msgs = append(q.msgs, m)
}

func (q *pfQueue) remove(m *pfMsg) {
	i := slices.Index(q.msgs, m)
	q.msgs = slices.Delete(q.msgs, i, i+1)
}

func (q *pfQueue) counts(now time.Time) (visible, inFlight int) {
	for _, m := range q.msgs {
		if m.visible(now) {
			visible++
		} else {
			inFlight++
		}
	}
	return visible, inFlight
}

// next is the message a receive reaches after prev (nil at its start);
// taken holds what the receive already took. A standard queue serves the
// oldest visible message. A FIFO queue serves a group's messages in order
// and none while an earlier one is in flight: it continues prev's group
// while its next message is visible, and otherwise takes the group whose
// first message is oldest (fifo.go's documented rule).
func (q *pfQueue) next(now time.Time, prev *pfMsg, taken map[*pfMsg]bool) *pfMsg {
	ok := func(m *pfMsg) bool { return m.visible(now) && !taken[m] }
	if !q.fifo {
		for _, m := range q.msgs {
			if ok(m) {
				return m
			}
		}
		return nil
	}
	if prev != nil {
		for _, m := range q.msgs {
			if m.group == prev.group && m.seq > prev.seq {
				if ok(m) {
					return m
				}
				break
			}
		}
	}
	first := map[string]bool{}
	for _, m := range q.msgs {
		if first[m.group] {
			continue
		}
		first[m.group] = true
		if ok(m) {
			return m
		}
	}
	return nil
}

// receive takes up to max messages as a receive does and puts them in
// flight for vis. dead, if set, says which messages go to the dead-letter
// queue instead when reached: they are removed and returned in the order
// reached.
func (q *pfQueue) receive(now time.Time, max int, vis time.Duration, dead func(*pfMsg) bool) (got, gone []*pfMsg) {
	taken := map[*pfMsg]bool{}
	var prev *pfMsg
	for len(got) < max {
		m := q.next(now, prev, taken)
		if m == nil {
			break
		}
		if dead != nil && dead(m) {
			q.remove(m)
			gone = append(gone, m)
			continue
		}
		taken[m] = true
		m.inFlight, m.until, m.receivedAt = true, now.Add(vis), now
		m.rc++
		got = append(got, m)
		prev = m
	}
	return got, gone
}

func pfBodies(msgs []*pfMsg) []string {
	out := make([]string, len(msgs))
	for i, m := range msgs {
		out[i] = m.body
	}
	return out
}

func pfGotBodies(msgs []queue.Message) []string {
	out := make([]string, len(msgs))
	for i, m := range msgs {
		out[i] = m.Body
	}
	return out
}

// ---------------------------------------------------------------------------
// TestFifoModel

// TestFifoModel runs random operations on one FIFO queue and checks every
// answer against pfFifo: sends and batch sends over 1..4 groups with
// deduplication ids (or bodies, with ContentBasedDeduplication) from small
// pools, so duplicates happen; receives with and without a
// ReceiveRequestAttemptId; deletes and visibility changes with current,
// expired and garbage handles; purges; and clock moves that outlast the
// 5-minute deduplication window.
//
// Every answer must be the model's exactly. Besides, the invariant action
// checks, from the library's answers alone, that a group's messages are
// delivered in send order (a message whose visibility lapsed comes again
// before later ones, and nothing later comes while it is in flight), that a
// deduplication id is accepted at most once per 5 minutes in its scope, and
// that the counts hold: accepted = visible + in flight + deleted + purged.
// At the end every message left is received and deleted.
func TestFifoModel(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		rapid.SyncTest(t, func(t *rapid.T) {
			f := newPFFifo(t)
			defer f.svc.Close()
			t.Repeat(map[string]func(*rapid.T){
				"send":                  f.send,
				"sendBatch":             f.sendBatch,
				"receive":               f.receive,
				"retryReceive":          f.retryReceive,
				"delete":                f.delete,
				"deleteBatch":           f.deleteBatch,
				"changeVisibility":      f.changeVisibility,
				"changeVisibilityBatch": f.changeVisibilityBatch,
				"purge":                 f.purge,
				"advance":               f.advance,
				"":                      f.check,
			})
			f.drain(t)
		})
	})
}

// pfDedup is a remembered deduplication id.
type pfDedup struct {
	msg     *pfMsg
	expires time.Time
}

// pfAttempt is what a receive with a ReceiveRequestAttemptId returned.
type pfAttempt struct {
	recs    []pfAttemptRec
	expires time.Time
}

type pfAttemptRec struct {
	h       pfHandle
	changes int
}

// pfFifo is one FIFO queue and its model.
type pfFifo struct {
	ctx   context.Context
	mock  *clock.Mock
	svc   *queue.Service
	q     *queue.Queue
	cbd   bool
	scope string
	// groups is how many message groups sends use.
	groups int

	model    pfQueue
	byID     map[string]*pfMsg
	handles  map[string]pfHandle
	issued   []string // every handle, in issue order
	dedup    map[string]pfDedup
	attempts map[string]pfAttempt
	purgedAt time.Time // zero before the first purge

	accepted, deleted, purged int
	lastSeqNum                string
	// accepts remembers every accepted send by deduplication key, for the
	// at-most-once check; a purge empties it.
	accepts map[string][]time.Time
	// violations found by the actions, reported by check.
	violations  []string
	lastAttempt *pfRetry
}

func newPFFifo(t *rapid.T) *pfFifo {
	mock, svc := pfService()
	f := &pfFifo{
		ctx:      context.Background(),
		mock:     mock,
		svc:      svc,
		cbd:      rapid.Bool().Draw(t, "contentBasedDeduplication"),
		scope:    rapid.SampledFrom([]string{"queue", "messageGroup"}).Draw(t, "deduplicationScope"),
		groups:   rapid.IntRange(1, 4).Draw(t, "groups"),
		model:    pfQueue{fifo: true},
		byID:     map[string]*pfMsg{},
		handles:  map[string]pfHandle{},
		dedup:    map[string]pfDedup{},
		attempts: map[string]pfAttempt{},
		accepts:  map[string][]time.Time{},
	}
	a := queue.Attributes{FifoQueue: new(true), ContentBasedDeduplication: new(f.cbd), DeduplicationScope: new(f.scope)}
	if f.scope == "messageGroup" && rapid.Bool().Draw(t, "perMessageGroupId") {
		a.FifoThroughputLimit = new("perMessageGroupId")
	}
	f.q = pfCreate(t, svc, "model.fifo", a)
	return f
}

func (f *pfFifo) dedupKey(group, id string) string {
	if f.scope == "messageGroup" {
		return group + "\x00" + id
	}
	return id
}

// pfFifoEntry is one drawn send.
type pfFifoEntry struct{ body, group, dedupID string }

func (f *pfFifo) drawEntry(t *rapid.T, label string) pfFifoEntry {
	e := pfFifoEntry{
		body:  rapid.SampledFrom([]string{"alpha", "beta", "gamma", "delta", "eps"}).Draw(t, label+"body"),
		group: "g" + strconv.Itoa(rapid.IntRange(1, f.groups).Draw(t, label+"group")),
	}
	ids := []string{"d1", "d2", "d3", "d4"}
	if f.cbd || rapid.IntRange(0, 9).Draw(t, label+"omitDedup") == 0 {
		ids = append(ids, "", "")
	}
	e.dedupID = rapid.SampledFrom(ids).Draw(t, label+"dedup")
	return e
}

// sendOne applies one send (single or a batch entry) to the model and
// checks the answer: err from the library, out if it succeeded.
func (f *pfFifo) sendOne(t *rapid.T, now time.Time, e pfFifoEntry, out queue.SendMessageOutput, err error, failedCode string) {
	t.Helper()
	op := fmt.Sprintf("send %+v", e)
	if e.dedupID == "" && !f.cbd {
		if err != nil {
			pfWant(t, op, err, queue.ErrInvalidParameterValue, "ContentBasedDeduplication")
		} else if failedCode != queue.ErrInvalidParameterValue.Code {
			t.Fatalf("%s: failed code %q, want %s", op, failedCode, queue.ErrInvalidParameterValue.Code)
		}
		return
	}
	if err != nil || failedCode != "" {
		t.Fatalf("%s: unexpected failure %v %s", op, err, failedCode)
	}
	id := e.dedupID
	if id == "" {
		id = pfSHA256(e.body)
	}
	key := f.dedupKey(e.group, id)
	_, seen := f.byID[out.MessageId]
	// The at-most-once property, from the library's answer alone: a new
	// MessageId is an accepted message.
	if !seen {
		for _, at := range f.accepts[key] {
			if now.Sub(at) < queue.DeduplicationInterval {
				f.violations = append(f.violations, fmt.Sprintf(
					"%s: deduplication id %q (scope %s) accepted at %v and again %v later",
					op, id, f.scope, at.Sub(pfEpoch), now.Sub(at)))
			}
		}
		f.accepts[key] = append(f.accepts[key], now)
	}
	if d, ok := f.dedup[key]; ok && now.Before(d.expires) {
		if out.MessageId != d.msg.id || out.SequenceNumber != d.msg.seqNum {
			t.Fatalf("%s: duplicate of %s answered MessageId %s SequenceNumber %s, want %s %s",
				op, d.msg.body, out.MessageId, out.SequenceNumber, d.msg.id, d.msg.seqNum)
		}
		return
	}
	if seen {
		t.Fatalf("%s: new message got the MessageId %s of an earlier one", op, out.MessageId)
	}
	if f.lastSeqNum != "" && !pfSeqLess(f.lastSeqNum, out.SequenceNumber) {
		t.Fatalf("%s: SequenceNumber %s not after %s", op, out.SequenceNumber, f.lastSeqNum)
	}
	f.lastSeqNum = out.SequenceNumber
	m := &pfMsg{id: out.MessageId, body: e.body, group: e.group, dedupID: id, seqNum: out.SequenceNumber}
	f.model.add(m)
	f.byID[m.id] = m
	f.dedup[key] = pfDedup{msg: m, expires: now.Add(queue.DeduplicationInterval)}
	f.accepted++
}

func (e pfFifoEntry) input() queue.SendMessageInput {
	return queue.SendMessageInput{MessageBody: e.body, MessageGroupId: e.group, MessageDeduplicationId: e.dedupID}
}

func (f *pfFifo) send(t *rapid.T) {
	e := f.drawEntry(t, "")
	out, err := f.q.SendMessage(f.ctx, e.input())
	f.sendOne(t, f.mock.Now(), e, out, err, "")
}

func (f *pfFifo) sendBatch(t *rapid.T) {
	n := rapid.IntRange(1, 4).Draw(t, "entries")
	entries := make([]pfFifoEntry, n)
	in := queue.SendMessageBatchInput{}
	for i := range entries {
		entries[i] = f.drawEntry(t, "entry"+strconv.Itoa(i))
		e := entries[i].input()
		in.Entries = append(in.Entries, queue.SendMessageBatchRequestEntry{Id: "e" + strconv.Itoa(i),
			MessageBody: e.MessageBody, MessageGroupId: e.MessageGroupId, MessageDeduplicationId: e.MessageDeduplicationId})
	}
	out, err := f.q.SendMessageBatch(f.ctx, in)
	if err != nil {
		t.Fatalf("SendMessageBatch: %v", err)
	}
	if len(out.Successful)+len(out.Failed) != n {
		t.Fatalf("SendMessageBatch: %d successful + %d failed for %d entries", len(out.Successful), len(out.Failed), n)
	}
	now := f.mock.Now()
	for i, e := range entries {
		id := "e" + strconv.Itoa(i)
		var res queue.SendMessageOutput
		code, found := "", false
		for _, s := range out.Successful {
			if s.Id == id {
				res, found = s.SendMessageOutput, true
			}
		}
		for _, x := range out.Failed {
			if x.Id == id {
				code, found = x.Code, true
			}
		}
		if !found {
			t.Fatalf("SendMessageBatch: entry %s missing from the output", id)
		}
		f.sendOne(t, now, e, res, nil, code)
	}
}

func (f *pfFifo) drawVisibility(t *rapid.T) *time.Duration {
	if rapid.IntRange(0, 3).Draw(t, "queueVisibility") == 0 {
		return nil
	}
	return new(time.Duration(rapid.IntRange(0, 5).Draw(t, "visibility")) * time.Second)
}

func (f *pfFifo) receive(t *rapid.T) {
	max := rapid.IntRange(1, 10).Draw(t, "max")
	vis := f.drawVisibility(t)
	attempt := rapid.SampledFrom([]string{"", "", "r1", "r2"}).Draw(t, "attempt")
	f.doReceive(t, max, vis, attempt)
	if attempt != "" {
		f.lastAttempt = &pfRetry{max: max, vis: vis, attempt: attempt}
	}
}

// pfRetry is a receive with a ReceiveRequestAttemptId, to be retried.
type pfRetry struct {
	max     int
	vis     *time.Duration
	attempt string
}

// retryReceive repeats the latest receive that had an attempt id, as a
// client does whose answer was lost.
func (f *pfFifo) retryReceive(t *rapid.T) {
	if f.lastAttempt == nil {
		return // not applicable: no attempt to retry
	}
	r := *f.lastAttempt
	f.doReceive(t, r.max, r.vis, r.attempt)
}

// orderViolations checks a receive's answer against the state before it:
// a message may be delivered only if every earlier live message of its
// group is delivered before it in the same answer.
func (f *pfFifo) orderViolations(now time.Time, got []queue.Message) {
	before := map[*pfMsg]bool{}
	for _, g := range got {
		m := f.byID[g.MessageId]
		if m == nil || m.gone != "" {
			f.violations = append(f.violations, fmt.Sprintf("receive at %v returned %s (%q), not a live message",
				now.Sub(pfEpoch), g.MessageId, g.Body))
			continue
		}
		for _, e := range f.model.msgs {
			if e.group == m.group && e.seq < m.seq && !before[e] {
				state := "visible, not yet redelivered"
				if !e.visible(now) {
					state = "in flight"
				}
				f.violations = append(f.violations, fmt.Sprintf(
					"receive at %v: group %s delivered %s (sent #%d) while earlier %s (sent #%d) is %s",
					now.Sub(pfEpoch), m.group, m.body, m.seq, e.body, e.seq, state))
			}
		}
		before[m] = true
	}
}

func (f *pfFifo) doReceive(t *rapid.T, max int, vis *time.Duration, attempt string) []queue.Message {
	t.Helper()
	out, err := f.q.ReceiveMessage(f.ctx, queue.ReceiveMessageInput{
		MaxNumberOfMessages: new(max), VisibilityTimeout: vis, WaitTimeSeconds: new(time.Duration(0)),
		MessageSystemAttributeNames: pfSystemAttrs, ReceiveRequestAttemptId: attempt,
	})
	if err != nil {
		t.Fatalf("ReceiveMessage: %v", err)
	}
	now := f.mock.Now()
	f.orderViolations(now, out.Messages)
	v := queue.DefaultVisibilityTimeout
	if vis != nil {
		v = *vis
	}
	// The model's answer: a replay of the attempt, or what a fresh receive
	// takes.
	var want []pfHandle
	replayed := false
	if a, ok := f.attempts[attempt]; attempt != "" && ok && now.Before(a.expires) {
		replayed = true
		for _, r := range a.recs {
			if r.h.msg.gone != "" || r.h.msg.rc != r.h.rc || r.h.msg.changes != r.changes {
				replayed = false
			}
		}
		if replayed {
			for _, r := range a.recs {
				m := r.h.msg
				m.inFlight, m.until, m.receivedAt = true, now.Add(v), now
				want = append(want, r.h)
			}
		}
	}
	if !replayed {
		got, _ := f.model.receive(now, max, v, nil)
		for _, m := range got {
			want = append(want, pfHandle{msg: m, rc: m.rc})
		}
	}
	if len(out.Messages) != len(want) {
		t.Fatalf("receive(max %d, attempt %q, replay %v) at %v = %v, want %v",
			max, attempt, replayed, now.Sub(pfEpoch), pfGotBodies(out.Messages), pfHandleBodies(want))
	}
	for i, g := range out.Messages {
		w := want[i]
		m := w.msg
		if g.MessageId != m.id || g.Body != m.body {
			t.Fatalf("receive(max %d, attempt %q, replay %v) at %v = %v, want %v",
				max, attempt, replayed, now.Sub(pfEpoch), pfGotBodies(out.Messages), pfHandleBodies(want))
		}
		attrs := map[queue.MessageSystemAttributeName]string{
			queue.SystemAttributeApproximateReceiveCount: strconv.Itoa(m.rc),
			queue.SystemAttributeMessageGroupId:          m.group,
			queue.SystemAttributeSequenceNumber:          m.seqNum,
			queue.SystemAttributeMessageDeduplicationId:  m.dedupID,
		}
		for k, x := range attrs {
			if g.Attributes[k] != x {
				t.Fatalf("received %s: %s = %q, want %q", m.body, k, g.Attributes[k], x)
			}
		}
		if replayed {
			if g.ReceiptHandle != w.handle {
				t.Fatalf("replayed attempt %q returned handle %q for %s, want %q", attempt, g.ReceiptHandle, m.body, w.handle)
			}
			continue
		}
		if _, dup := f.handles[g.ReceiptHandle]; dup {
			t.Fatalf("receive returned the old handle %q for %s", g.ReceiptHandle, m.body)
		}
		h := pfHandle{handle: g.ReceiptHandle, msg: m, rc: m.rc}
		f.handles[h.handle] = h
		f.issued = append(f.issued, h.handle)
		want[i] = h
	}
	if !replayed && attempt != "" && len(want) > 0 {
		a := pfAttempt{expires: now.Add(queue.ReceiveAttemptInterval)}
		for _, h := range want {
			a.recs = append(a.recs, pfAttemptRec{h: h, changes: h.msg.changes})
		}
		f.attempts[attempt] = a
	}
	return out.Messages
}

func pfHandleBodies(hs []pfHandle) []string {
	out := make([]string, len(hs))
	for i, h := range hs {
		out[i] = h.msg.body
	}
	return out
}

// drawHandle picks a handle: the latest of a message in flight, any handle
// ever issued (most are expired), or garbage.
func (f *pfFifo) drawHandle(t *rapid.T, label string) string {
	now := f.mock.Now()
	var current []string
	for _, h := range f.issued {
		if f.handles[h].msg.current(now, f.handles[h].rc) {
			current = append(current, h)
		}
	}
	switch k := rapid.IntRange(0, 9).Draw(t, label+"kind"); {
	case k < 6 && len(current) > 0:
		return rapid.SampledFrom(current).Draw(t, label+"current")
	case k < 9 && len(f.issued) > 0:
		return rapid.SampledFrom(f.issued).Draw(t, label+"issued")
	case len(f.issued) > 0 && rapid.Bool().Draw(t, label+"tampered"):
		return pfTamper(rapid.SampledFrom(f.issued).Draw(t, label+"tamper"))
	default:
		return "garbage"
	}
}

// deleteOutcome applies a delete to the model and returns the error SQS
// gives: a FIFO queue deletes only with the handle of the current receive,
// still in flight; a handle of a message already gone succeeds.
func (f *pfFifo) deleteOutcome(now time.Time, handle string) (*queue.Error, string) {
	h, ok := f.handles[handle]
	switch {
	case !ok:
		return queue.ErrReceiptHandleIsInvalid, "is not a valid receipt handle"
	case h.msg.gone != "":
		return nil, ""
	case !h.msg.current(now, h.rc):
		return queue.ErrInvalidParameterValue, "The receipt handle has expired."
	}
	f.model.remove(h.msg)
	h.msg.gone = "deleted"
	f.deleted++
	return nil, ""
}

func (f *pfFifo) delete(t *rapid.T) {
	handle := f.drawHandle(t, "")
	_, err := f.q.DeleteMessage(f.ctx, queue.DeleteMessageInput{ReceiptHandle: handle})
	want, text := f.deleteOutcome(f.mock.Now(), handle)
	pfWant(t, "DeleteMessage", err, want, text)
}

func (f *pfFifo) deleteBatch(t *rapid.T) {
	n := rapid.IntRange(1, 3).Draw(t, "entries")
	in := queue.DeleteMessageBatchInput{}
	for i := range n {
		in.Entries = append(in.Entries, queue.DeleteMessageBatchRequestEntry{Id: "d" + strconv.Itoa(i),
			ReceiptHandle: f.drawHandle(t, "entry"+strconv.Itoa(i))})
	}
	out, err := f.q.DeleteMessageBatch(f.ctx, in)
	if err != nil {
		t.Fatalf("DeleteMessageBatch: %v", err)
	}
	now := f.mock.Now()
	for _, e := range in.Entries {
		want, _ := f.deleteOutcome(now, e.ReceiptHandle)
		pfBatchResult(t, "DeleteMessageBatch", e.Id, want, slices.ContainsFunc(out.Successful,
			func(s queue.DeleteMessageBatchResultEntry) bool { return s.Id == e.Id }), out.Failed)
	}
}

// pfBatchResult checks one batch entry's fate.
func pfBatchResult(t *rapid.T, op, id string, want *queue.Error, ok bool, failed []queue.BatchResultErrorEntry) {
	t.Helper()
	i := slices.IndexFunc(failed, func(e queue.BatchResultErrorEntry) bool { return e.Id == id })
	switch {
	case want == nil && (!ok || i >= 0):
		t.Fatalf("%s entry %s: failed %v, want success", op, id, failed)
	case want != nil && (ok || i < 0 || failed[i].Code != want.Code):
		t.Fatalf("%s entry %s: succeeded %v, failed %v, want %s", op, id, ok, failed, want.Code)
	}
}

// visibilityOutcome applies a visibility change to the model and returns
// the error SQS gives.
func (f *pfFifo) visibilityOutcome(now time.Time, handle string, vis time.Duration) (*queue.Error, string) {
	h, ok := f.handles[handle]
	switch {
	case !ok:
		return queue.ErrReceiptHandleIsInvalid, "is not a valid receipt handle"
	case h.msg.gone != "":
		return queue.ErrInvalidParameterValue, "Message does not exist or is not available for visibility timeout change."
	case !h.msg.current(now, h.rc):
		return queue.ErrInvalidParameterValue, "The receipt handle has expired."
	case now.Add(vis).Sub(h.msg.receivedAt) > queue.MaxVisibilityTimeout:
		return queue.ErrInvalidParameterValue, "Total VisibilityTimeout for the message is beyond the limit"
	}
	h.msg.changes++
	h.msg.until = now.Add(vis)
	return nil, ""
}

func (f *pfFifo) drawChange(t *rapid.T, label string) time.Duration {
	if rapid.IntRange(0, 19).Draw(t, label+"long") == 0 {
		return queue.MaxVisibilityTimeout
	}
	return time.Duration(rapid.IntRange(0, 5).Draw(t, label+"vis")) * time.Second
}

func (f *pfFifo) changeVisibility(t *rapid.T) {
	handle := f.drawHandle(t, "")
	vis := f.drawChange(t, "")
	_, err := f.q.ChangeMessageVisibility(f.ctx, queue.ChangeMessageVisibilityInput{ReceiptHandle: handle, VisibilityTimeout: vis})
	want, text := f.visibilityOutcome(f.mock.Now(), handle, vis)
	pfWant(t, fmt.Sprintf("ChangeMessageVisibility(%v)", vis), err, want, text)
}

func (f *pfFifo) changeVisibilityBatch(t *rapid.T) {
	n := rapid.IntRange(1, 3).Draw(t, "entries")
	in := queue.ChangeMessageVisibilityBatchInput{}
	for i := range n {
		label := "entry" + strconv.Itoa(i)
		in.Entries = append(in.Entries, queue.ChangeMessageVisibilityBatchRequestEntry{Id: "c" + strconv.Itoa(i),
			ReceiptHandle: f.drawHandle(t, label), VisibilityTimeout: f.drawChange(t, label)})
	}
	out, err := f.q.ChangeMessageVisibilityBatch(f.ctx, in)
	if err != nil {
		t.Fatalf("ChangeMessageVisibilityBatch: %v", err)
	}
	now := f.mock.Now()
	for _, e := range in.Entries {
		want, _ := f.visibilityOutcome(now, e.ReceiptHandle, e.VisibilityTimeout)
		pfBatchResult(t, "ChangeMessageVisibilityBatch", e.Id, want, slices.ContainsFunc(out.Successful,
			func(s queue.ChangeMessageVisibilityBatchResultEntry) bool { return s.Id == e.Id }), out.Failed)
	}
}

func (f *pfFifo) purge(t *rapid.T) {
	_, err := f.q.PurgeQueue(f.ctx, queue.PurgeQueueInput{})
	now := f.mock.Now()
	if !f.purgedAt.IsZero() && now.Sub(f.purgedAt) < queue.PurgeCooldown {
		pfWant(t, "PurgeQueue", err, queue.ErrPurgeQueueInProgress, "Only one PurgeQueue operation")
		return
	}
	pfWant(t, "PurgeQueue", err, nil, "")
	f.purgedAt = now
	for _, m := range f.model.msgs {
		m.gone = "purged"
	}
	f.purged += len(f.model.msgs)
	f.model.msgs = nil
	// A purge clears the deduplication cache (AWS-recorded) and with the
	// messages every receive attempt.
	clear(f.dedup)
	clear(f.attempts)
	clear(f.accepts)
}

func (f *pfFifo) advance(t *rapid.T) {
	f.mock.Add(time.Duration(rapid.IntRange(0, 400).Draw(t, "seconds")) * time.Second)
}

func (f *pfFifo) check(t *rapid.T) {
	if len(f.violations) > 0 {
		t.Fatalf("%d violations:\n%s", len(f.violations), strings.Join(f.violations, "\n"))
	}
	now := f.mock.Now()
	visible, inFlight, delayed := pfCounts(t, f.q)
	wv, wf := f.model.counts(now)
	if visible != wv || inFlight != wf || delayed != 0 {
		t.Fatalf("counts at %v: visible %d, in flight %d, delayed %d; want %d, %d, 0",
			now.Sub(pfEpoch), visible, inFlight, delayed, wv, wf)
	}
	if visible+inFlight+f.deleted+f.purged != f.accepted {
		t.Fatalf("%d visible + %d in flight + %d deleted + %d purged != %d accepted",
			visible, inFlight, f.deleted, f.purged, f.accepted)
	}
}

// drain receives and deletes every message left, after every visibility
// timeout has ended, and checks that each accepted message was delivered
// and deleted or purged exactly once.
func (f *pfFifo) drain(t *rapid.T) {
	f.mock.Add(queue.MaxVisibilityTimeout + time.Hour)
	for {
		got := f.doReceive(t, 10, new(time.Hour), "")
		if len(got) == 0 {
			break
		}
		for _, g := range got {
			_, err := f.q.DeleteMessage(f.ctx, queue.DeleteMessageInput{ReceiptHandle: g.ReceiptHandle})
			want, text := f.deleteOutcome(f.mock.Now(), g.ReceiptHandle)
			pfWant(t, "drain: DeleteMessage", err, want, text)
		}
	}
	f.check(t)
	for _, m := range f.byID {
		if m.gone == "" {
			t.Fatalf("drain: %s (%s) is still live in the model", m.body, m.id)
		}
	}
	if f.deleted+f.purged != f.accepted || len(f.byID) != f.accepted {
		t.Fatalf("drain: %d deleted + %d purged, %d ids, %d accepted", f.deleted, f.purged, len(f.byID), f.accepted)
	}
}

// ---------------------------------------------------------------------------
// TestRedriveModel

// TestRedriveModel runs random operations on a source queue whose
// RedrivePolicy names a dead-letter queue of the same type (standard or
// FIFO, drawn per run), with message move tasks from the DLQ back to its
// source, and checks every answer against pfRedrive. A message goes to the
// DLQ only when a receive reaches it after maxReceiveCount receives, never
// comes from the source with ApproximateReceiveCount above that, and comes
// from the DLQ with its count carried over; the queues' counts and
// ListMessageMoveTasks (Moved never above ToMove, never going down) match
// the model; nothing is lost: at the end every body sent has been deleted
// exactly once.
//
// To keep the model exact, a move task runs only while no DLQ message is in
// flight: it starts only then, and while it runs the DLQ is received with a
// visibility timeout of 0. Otherwise which messages a task has moved by a
// given time would depend on the moments it looked at the DLQ (its timer
// retries every second while it waits for messages in flight), which the
// model leaves to the library.
func TestRedriveModel(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		rapid.SyncTest(t, func(t *rapid.T) {
			r := newPFRedrive(t)
			defer r.svc.Close()
			t.Repeat(map[string]func(*rapid.T){
				"send":          r.send,
				"receiveSource": r.receiveSource,
				"receiveDLQ":    r.receiveDLQ,
				"delete":        r.delete,
				"advance":       r.advance,
				"startTask":     r.startTask,
				"cancelTask":    r.cancelTask,
				"":              r.check,
			})
			r.drain(t)
		})
	})
}

// pfTask is a message move task as the model sees it.
type pfTask struct {
	handle      string
	status      string
	rate        int // 0: no MaxNumberOfMessagesPerSecond
	startedAt   time.Time
	cancelledAt time.Time
	moved       int
	toMove      int
	lastMoved   int64 // as ListMessageMoveTasks last showed it
}

// pfRedrive is a source queue, its dead-letter queue and the model of both.
type pfRedrive struct {
	ctx    context.Context
	mock   *clock.Mock
	svc    *queue.Service
	fifo   bool
	maxRC  int
	groups int
	src    *queue.Queue
	dlq    *queue.Queue

	srcM, dlqM pfQueue
	msgs       []*pfMsg // every message sent, by body "m<i>"
	tasks      []*pfTask
	deleted    map[string]int // deletions by body
}

func newPFRedrive(t *rapid.T) *pfRedrive {
	mock, svc := pfService()
	r := &pfRedrive{
		ctx:     context.Background(),
		mock:    mock,
		svc:     svc,
		fifo:    rapid.Bool().Draw(t, "fifo"),
		maxRC:   rapid.IntRange(1, 3).Draw(t, "maxReceiveCount"),
		groups:  1,
		deleted: map[string]int{},
	}
	r.srcM.fifo, r.dlqM.fifo = r.fifo, r.fifo
	srcName, dlqName := "source", "dead"
	var a queue.Attributes
	if r.fifo {
		r.groups = rapid.IntRange(1, 3).Draw(t, "groups")
		srcName, dlqName = "source.fifo", "dead.fifo"
		a = queue.Attributes{FifoQueue: new(true), ContentBasedDeduplication: new(true)}
	}
	r.dlq = pfCreate(t, svc, dlqName, a)
	a.RedrivePolicy = &queue.RedrivePolicy{DeadLetterTargetArn: r.dlq.ARN(), MaxReceiveCount: r.maxRC}
	r.src = pfCreate(t, svc, srcName, a)
	return r
}

func (r *pfRedrive) queueModel(name string) *pfQueue {
	if name == "src" {
		return &r.srcM
	}
	return &r.dlqM
}

func (r *pfRedrive) running() *pfTask {
	for _, tk := range r.tasks {
		if tk.status == queue.MoveTaskRunning {
			return tk
		}
	}
	return nil
}

// sync brings the model's move tasks up to now, as every queue operation
// does first.
func (r *pfRedrive) sync(t *rapid.T, now time.Time) {
	for _, tk := range r.tasks {
		switch tk.status {
		case queue.MoveTaskCancelling:
			if now.After(tk.cancelledAt) {
				tk.status = queue.MoveTaskCancelled
			}
		case queue.MoveTaskRunning:
			r.runTask(t, tk, now)
		}
	}
}

// runTask moves what tk owes by now: all of ToMove at once without a rate;
// with one, the first message at the start and then rate a second. Each
// message moved is the oldest the DLQ would serve: the one a receive of one
// message would get. A task whose DLQ is empty when it owes a message is
// complete, as is one that moved ToMove.
func (r *pfRedrive) runTask(t *rapid.T, tk *pfTask, now time.Time) {
	t.Helper()
	for _, m := range r.dlqM.msgs {
		if !m.visible(now) {
			t.Fatalf("model: DLQ message %s in flight while a task runs", m.body)
		}
	}
	due := tk.toMove
	if tk.rate > 0 {
		due = min(due, 1+int(now.Sub(tk.startedAt)*time.Duration(tk.rate)/time.Second))
	}
	for tk.moved < due {
		m := r.dlqM.next(now, nil, nil)
		if m == nil {
			if len(r.dlqM.msgs) == 0 {
				tk.status = queue.MoveTaskCompleted
			}
			return
		}
		// Back to the source as a new message: new MessageId, receive
		// count 0.
		r.dlqM.remove(m)
		m.oldIDs = append(m.oldIDs, m.id)
		m.id, m.rc, m.loc, m.seqNum = "", 0, "src", ""
		r.srcM.add(m)
		tk.moved++
	}
	if tk.moved >= tk.toMove {
		tk.status = queue.MoveTaskCompleted
	}
}

// send sends 1..3 messages with unique bodies.
func (r *pfRedrive) send(t *rapid.T) {
	for range rapid.IntRange(1, 3).Draw(t, "messages") {
		m := &pfMsg{body: "m" + strconv.Itoa(len(r.msgs)), loc: "src"}
		in := queue.SendMessageInput{MessageBody: m.body}
		if r.fifo {
			m.group = "g" + strconv.Itoa(rapid.IntRange(1, r.groups).Draw(t, "group"))
			in.MessageGroupId = m.group
		}
		now := r.mock.Now()
		r.sync(t, now)
		out, err := r.src.SendMessage(r.ctx, in)
		pfWant(t, "SendMessage", err, nil, "")
		m.id = out.MessageId
		r.srcM.add(m)
		r.msgs = append(r.msgs, m)
	}
}

// compare checks a receive's answer against the model's and records the
// new handles.
func (r *pfRedrive) compare(t *rapid.T, from string, now time.Time, got []queue.Message, want []*pfMsg) {
	t.Helper()
	if !slices.Equal(pfGotBodies(got), pfBodies(want)) {
		t.Fatalf("receive from %s at %v = %v, want %v", from, now.Sub(pfEpoch), pfGotBodies(got), pfBodies(want))
	}
	for i, g := range got {
		m := want[i]
		arc, err := strconv.Atoi(g.Attributes[queue.SystemAttributeApproximateReceiveCount])
		if err != nil || arc != m.rc {
			t.Fatalf("receive from %s: %s has ApproximateReceiveCount %q, want %d",
				from, m.body, g.Attributes[queue.SystemAttributeApproximateReceiveCount], m.rc)
		}
		if from == "src" && arc > r.maxRC {
			t.Fatalf("source delivered %s with ApproximateReceiveCount %d > maxReceiveCount %d", m.body, arc, r.maxRC)
		}
		if from == "dlq" && arc <= r.maxRC {
			t.Fatalf("DLQ delivered %s with ApproximateReceiveCount %d: it left the source before %d receives",
				m.body, arc, r.maxRC)
		}
		switch {
		case m.id == "" && slices.Contains(m.oldIDs, g.MessageId):
			t.Fatalf("%s kept MessageId %s through a move task", m.body, g.MessageId)
		case m.id == "":
			m.id = g.MessageId
		case m.id != g.MessageId:
			t.Fatalf("receive from %s: %s has MessageId %s, want %s", from, m.body, g.MessageId, m.id)
		}
		m.handle = pfHandle{handle: g.ReceiptHandle, msg: m, rc: m.rc, queue: from, seq: m.seq}
		if r.fifo {
			r.checkSequenceNumber(t, from, m, g.Attributes[queue.SystemAttributeSequenceNumber])
		}
	}
}

// checkSequenceNumber checks that a FIFO queue's SequenceNumbers follow
// the order messages arrived in it, by send, dead-lettering or move task,
// as the model has it. A message keeps its number while it stays.
func (r *pfRedrive) checkSequenceNumber(t *rapid.T, from string, m *pfMsg, sn string) {
	t.Helper()
	if m.seqNum != "" && m.seqNum != sn {
		t.Fatalf("%s: SequenceNumber changed from %s to %s in the same queue", m.body, m.seqNum, sn)
	}
	m.seqNum = sn
	for _, o := range r.queueModel(from).msgs {
		if o != m && o.seqNum != "" && (o.seq < m.seq) != pfSeqLess(o.seqNum, m.seqNum) {
			t.Fatalf("%s: %s arrived before %s but their SequenceNumbers are %s and %s",
				from, pfFirst(o, m), pfSecond(o, m), o.seqNum, m.seqNum)
		}
	}
}

func pfFirst(a, b *pfMsg) string {
	if a.seq < b.seq {
		return a.body
	}
	return b.body
}

func pfSecond(a, b *pfMsg) string {
	if a.seq < b.seq {
		return b.body
	}
	return a.body
}

func (r *pfRedrive) receiveFrom(t *rapid.T, from string, max int, vis time.Duration) []queue.Message {
	t.Helper()
	q := r.src
	if from == "dlq" {
		q = r.dlq
	}
	now := r.mock.Now()
	r.sync(t, now)
	out, err := q.ReceiveMessage(r.ctx, queue.ReceiveMessageInput{
		MaxNumberOfMessages: new(max), VisibilityTimeout: new(vis), WaitTimeSeconds: new(time.Duration(0)),
		MessageSystemAttributeNames: []queue.MessageSystemAttributeName{
			queue.SystemAttributeApproximateReceiveCount, queue.SystemAttributeSequenceNumber},
	})
	if err != nil {
		t.Fatalf("ReceiveMessage(%s): %v", from, err)
	}
	var want []*pfMsg
	if from == "src" {
		// A message received maxReceiveCount times goes to the DLQ when a
		// receive reaches it, and only then.
		var dead []*pfMsg
		want, dead = r.srcM.receive(now, max, vis, func(m *pfMsg) bool { return m.rc >= r.maxRC })
		for _, m := range dead {
			m.loc, m.seqNum = "dlq", ""
			r.dlqM.add(m)
		}
	} else {
		want, _ = r.dlqM.receive(now, max, vis, nil)
	}
	r.compare(t, from, now, out.Messages, want)
	return out.Messages
}

func (r *pfRedrive) receiveSource(t *rapid.T) {
	max := rapid.IntRange(1, 10).Draw(t, "max")
	vis := time.Duration(rapid.IntRange(0, 3).Draw(t, "visibility")) * time.Second
	r.receiveFrom(t, "src", max, vis)
}

func (r *pfRedrive) receiveDLQ(t *rapid.T) {
	max := rapid.IntRange(1, 10).Draw(t, "max")
	r.sync(t, r.mock.Now())
	vis := time.Duration(0)
	if r.running() == nil {
		vis = time.Duration(rapid.IntRange(0, 3).Draw(t, "visibility")) * time.Second
	}
	r.receiveFrom(t, "dlq", max, vis)
}

// deleteHandle deletes with h and applies the outcome to the model: a
// handle of a message still in the queue that issued it deletes it (on a
// FIFO queue only while that receive is current); any other valid handle
// succeeds and deletes nothing.
func (r *pfRedrive) deleteHandle(t *rapid.T, h pfHandle) {
	t.Helper()
	q := r.src
	if h.queue == "dlq" {
		q = r.dlq
	}
	now := r.mock.Now()
	r.sync(t, now)
	_, err := q.DeleteMessage(r.ctx, queue.DeleteMessageInput{ReceiptHandle: h.handle})
	m := h.msg
	op := fmt.Sprintf("DeleteMessage(%s from %s)", m.body, h.queue)
	switch {
	case m.loc != h.queue || m.seq != h.seq:
		pfWant(t, op, err, nil, "")
	case r.fifo && !m.current(now, h.rc):
		pfWant(t, op, err, queue.ErrInvalidParameterValue, "The receipt handle has expired.")
	default:
		pfWant(t, op, err, nil, "")
		r.queueModel(h.queue).remove(m)
		m.loc = "deleted"
		r.deleted[m.body]++
	}
}

func (r *pfRedrive) delete(t *rapid.T) {
	var hs []pfHandle
	for _, m := range r.msgs {
		if m.handle.handle != "" {
			hs = append(hs, m.handle)
		}
	}
	if len(hs) == 0 {
		return // not applicable: no handle yet
	}
	r.deleteHandle(t, rapid.SampledFrom(hs).Draw(t, "handle"))
}

func (r *pfRedrive) advance(t *rapid.T) {
	s := rapid.IntRange(0, 12).Draw(t, "seconds")
	if s == 12 {
		s = 90
	}
	r.mock.Add(time.Duration(s) * time.Second)
}

func (r *pfRedrive) startTask(t *rapid.T) {
	now := r.mock.Now()
	r.sync(t, now)
	for _, m := range r.dlqM.msgs {
		if !m.visible(now) {
			return // not applicable: a DLQ message is in flight
		}
	}
	if len(r.dlqM.msgs) == 0 && rapid.IntRange(0, 3).Draw(t, "startEmpty") > 0 {
		return // not applicable: the DLQ is empty
	}
	var rate *int
	if rapid.Bool().Draw(t, "withRate") {
		rate = new(rapid.IntRange(1, 5).Draw(t, "rate"))
	}
	out, err := r.svc.StartMessageMoveTask(r.ctx, queue.StartMessageMoveTaskInput{SourceArn: r.dlq.ARN(), MaxNumberOfMessagesPerSecond: rate})
	for _, tk := range r.tasks {
		if tk.status == queue.MoveTaskRunning || tk.status == queue.MoveTaskCancelling {
			pfWant(t, "StartMessageMoveTask", err, queue.ErrInvalidParameterValue, "There is already a task running")
			return
		}
	}
	pfWant(t, "StartMessageMoveTask", err, nil, "")
	tk := &pfTask{handle: out.TaskHandle, status: queue.MoveTaskRunning, startedAt: now, toMove: len(r.dlqM.msgs)}
	if rate != nil {
		tk.rate = *rate
	}
	r.tasks = append(r.tasks, tk)
	r.runTask(t, tk, now)
}

func (r *pfRedrive) cancelTask(t *rapid.T) {
	if len(r.tasks) == 0 {
		return // not applicable: no task yet
	}
	tk := rapid.SampledFrom(r.tasks).Draw(t, "task")
	now := r.mock.Now()
	r.sync(t, now)
	out, err := r.svc.CancelMessageMoveTask(r.ctx, queue.CancelMessageMoveTaskInput{TaskHandle: tk.handle})
	if tk.status != queue.MoveTaskRunning {
		pfWant(t, "CancelMessageMoveTask("+tk.status+")", err, queue.ErrResourceNotFoundException, "Task does not exist.")
		return
	}
	pfWant(t, "CancelMessageMoveTask", err, nil, "")
	if out.ApproximateNumberOfMessagesMoved != int64(tk.moved) {
		t.Fatalf("CancelMessageMoveTask: moved %d, want %d", out.ApproximateNumberOfMessagesMoved, tk.moved)
	}
	tk.status, tk.cancelledAt = queue.MoveTaskCancelling, now
}

func (r *pfRedrive) check(t *rapid.T) {
	now := r.mock.Now()
	r.sync(t, now)
	total := 0
	for _, x := range []struct {
		name string
		q    *queue.Queue
		m    *pfQueue
	}{{"source", r.src, &r.srcM}, {"DLQ", r.dlq, &r.dlqM}} {
		visible, inFlight, delayed := pfCounts(t, x.q)
		wv, wf := x.m.counts(now)
		if visible != wv || inFlight != wf || delayed != 0 {
			t.Fatalf("%s counts at %v: visible %d, in flight %d, delayed %d; want %d, %d, 0 (%v)",
				x.name, now.Sub(pfEpoch), visible, inFlight, delayed, wv, wf, pfBodies(x.m.msgs))
		}
		total += visible + inFlight
	}
	deleted := 0
	for _, n := range r.deleted {
		deleted += n
	}
	if total+deleted != len(r.msgs) {
		t.Fatalf("%d in the queues + %d deleted != %d sent", total, deleted, len(r.msgs))
	}
	out, err := r.svc.ListMessageMoveTasks(r.ctx, queue.ListMessageMoveTasksInput{SourceArn: r.dlq.ARN(), MaxResults: 10})
	if err != nil {
		t.Fatalf("ListMessageMoveTasks: %v", err)
	}
	if want := min(len(r.tasks), 10); len(out.Results) != want {
		t.Fatalf("ListMessageMoveTasks: %d results, want %d", len(out.Results), want)
	}
	for i, e := range out.Results {
		tk := r.tasks[len(r.tasks)-1-i]
		if e.ApproximateNumberOfMessagesMoved > e.ApproximateNumberOfMessagesToMove {
			t.Fatalf("task %d: moved %d > to move %d", i, e.ApproximateNumberOfMessagesMoved, e.ApproximateNumberOfMessagesToMove)
		}
		if e.ApproximateNumberOfMessagesMoved < tk.lastMoved {
			t.Fatalf("task %d: moved went down from %d to %d", i, tk.lastMoved, e.ApproximateNumberOfMessagesMoved)
		}
		tk.lastMoved = e.ApproximateNumberOfMessagesMoved
		handle := ""
		if tk.status == queue.MoveTaskRunning {
			handle = tk.handle
		}
		if e.Status != tk.status || e.ApproximateNumberOfMessagesMoved != int64(tk.moved) ||
			e.ApproximateNumberOfMessagesToMove != int64(tk.toMove) || e.MaxNumberOfMessagesPerSecond != tk.rate ||
			e.TaskHandle != handle || e.SourceArn != r.dlq.ARN() || e.DestinationArn != "" ||
			e.StartedTimestamp != tk.startedAt.UnixMilli() {
			t.Fatalf("task %d at %v: %+v; want status %s, moved %d of %d, rate %d, started %v",
				i, now.Sub(pfEpoch), e, tk.status, tk.moved, tk.toMove, tk.rate, tk.startedAt.Sub(pfEpoch))
		}
	}
}

// drain lets every task finish and every visibility timeout end, then
// receives and deletes everything from the source and the DLQ, and checks
// by body that each message sent was deleted exactly once.
func (r *pfRedrive) drain(t *rapid.T) {
	r.mock.Add(time.Hour)
	r.sync(t, r.mock.Now())
	if tk := r.running(); tk != nil {
		t.Fatalf("task still running an hour on: %+v", *tk)
	}
	for _, from := range []string{"src", "dlq"} {
		for {
			got := r.receiveFrom(t, from, 10, time.Hour)
			if len(got) == 0 {
				break
			}
			for _, g := range got {
				m := r.msgs[slices.IndexFunc(r.msgs, func(m *pfMsg) bool { return m.body == g.Body })]
				r.deleteHandle(t, m.handle)
			}
		}
	}
	r.check(t)
	for _, m := range r.msgs {
		if r.deleted[m.body] != 1 {
			t.Fatalf("%s deleted %d times", m.body, r.deleted[m.body])
		}
	}
}

// TestMessageMoveTaskUnevenRateWakesLongPoll is a regression test: at a rate
// that does not divide a second into whole nanoseconds (3 a second), the
// task's timer was armed a nanosecond before the next message was due, found
// nothing to move, and slept a whole second more, so a long poll on the
// destination got the second message at 1.33 s instead of 0.33 s.
func TestMessageMoveTaskUnevenRateWakesLongPoll(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		ctx := context.Background()
		mock := clock.NewMock()
		mock.Set(pfEpoch)
		svc := queue.New(queue.WithClock(mock))
		defer svc.Close()
		dlq, err := svc.CreateQueue(ctx, queue.CreateQueueInput{QueueName: "dead"})
		if err != nil {
			t.Fatal(err)
		}
		src, err := svc.CreateQueue(ctx, queue.CreateQueueInput{QueueName: "source", Attributes: queue.Attributes{
			RedrivePolicy: &queue.RedrivePolicy{DeadLetterTargetArn: dlq.ARN(), MaxReceiveCount: 1}}})
		if err != nil {
			t.Fatal(err)
		}
		receive := func(wait time.Duration) []queue.Message {
			out, err := src.ReceiveMessage(ctx, queue.ReceiveMessageInput{MaxNumberOfMessages: new(10),
				VisibilityTimeout: new(time.Duration(0)), WaitTimeSeconds: new(wait)})
			if err != nil {
				t.Error(err)
			}
			return out.Messages
		}
		for _, b := range []string{"a", "b", "c"} {
			if _, err := src.SendMessage(ctx, queue.SendMessageInput{MessageBody: b}); err != nil {
				t.Fatal(err)
			}
		}
		receive(0)
		receive(0) // all three to the DLQ
		if _, err := svc.StartMessageMoveTask(ctx, queue.StartMessageMoveTaskInput{
			SourceArn: dlq.ARN(), MaxNumberOfMessagesPerSecond: new(3)}); err != nil {
			t.Fatal(err)
		}
		if got := receive(0); len(got) != 1 { // the first moves at the start
			t.Fatalf("at the start: %d messages, want 1", len(got))
		}
		var at time.Duration
		var n int
		done := make(chan struct{})
		go func() {
			defer close(done)
			n = len(receive(20 * time.Second))
			at = mock.Now().Sub(pfEpoch)
		}()
		for range 30 {
			synctest.Wait()
			mock.Add(100 * time.Millisecond)
		}
		<-done
		if n != 1 || at > 334*time.Millisecond {
			t.Fatalf("long poll got %d messages at %v, want 1 at 333.33ms", n, at)
		}
	})
}
