package queue

import (
	"bytes"
	"context"
	"encoding/hex"
	"strconv"
	"strings"
	"time"
)

// MaxInFlight is how many messages a queue may have in flight. A short poll
// at the limit fails with ErrOverLimit on a standard queue and returns
// nothing on a FIFO queue; a long poll waits.
const MaxInFlight = 120_000

// ReceiveMessageInput is the input of [Queue.ReceiveMessage].
type ReceiveMessageInput struct {
	// MaxNumberOfMessages (1..10); nil means 1.
	MaxNumberOfMessages *int
	// VisibilityTimeout for the received messages (0..12 h); nil uses the
	// queue's.
	VisibilityTimeout *time.Duration
	// WaitTimeSeconds to long-poll for (0..20 s); nil uses the queue's
	// ReceiveMessageWaitTimeSeconds.
	WaitTimeSeconds *time.Duration
	// MessageAttributeNames selects message attributes: names, "All", ".*"
	// or a prefix such as "bar.*".
	MessageAttributeNames []string
	// MessageSystemAttributeNames selects system attributes.
	MessageSystemAttributeNames []MessageSystemAttributeName
	// ReceiveRequestAttemptId lets a FIFO receive be retried.
	ReceiveRequestAttemptId string
}

// ReceiveMessageOutput is the output of [Queue.ReceiveMessage]. Messages is
// nil when nothing was received.
type ReceiveMessageOutput struct {
	Messages []Message
}

// receiveRequest is a validated ReceiveMessageInput.
type receiveRequest struct {
	max        int
	visibility time.Duration
	hasVis     bool
	attrs      []string
	system     []MessageSystemAttributeName
	attemptID  string // FIFO queues only
	// deadLetterQueueExists is whether the redrive policy's queue existed
	// just before the receive. Without it a message over maxReceiveCount
	// stays and is delivered: taken out, it could only come back behind
	// later messages of its FIFO group that the receive handed out.
	deadLetterQueueExists bool
}

// ReceiveMessage receives up to MaxNumberOfMessages visible messages and
// makes them invisible for the visibility timeout. With a wait time it
// returns as soon as at least one message is available (including one whose
// delay or visibility timeout ends during the wait), or empty when the wait
// ends. Cancelling ctx returns ctx.Err() at once.
func (q *Queue) ReceiveMessage(ctx context.Context, in ReceiveMessageInput) (ReceiveMessageOutput, error) {
	req, wait, err := validateReceive(in)
	if err != nil {
		return ReceiveMessageOutput{}, err
	}
	var deadline time.Time
	// w is the poll's place among the sleepers, made at its first sleep.
	// (Not pooled: testing/synctest forbids sharing channels across tests.)
	var w *waiter
	for first := true; ; first = false {
		req.deadLetterQueueExists = q.deadLetterQueueExists()
		q.lock()
		if w != nil {
			q.awakeLocked(w)
		}
		if err := q.checkLocked(); err != nil {
			q.mu.Unlock()
			return ReceiveMessageOutput{}, err
		}
		now := q.nowLocked()
		q.catchUpLocked(now)
		if first {
			waitFor := q.settings.waitTime
			if wait != nil {
				waitFor = *wait
			}
			deadline = now.Add(waitFor)
			// At the limit a standard queue's short poll fails; a FIFO
			// queue returns nothing and no error (quotas-fifo.html).
			if q.fifo == nil && !deadline.After(now) && q.counts[stateInFlight] >= MaxInFlight {
				q.mu.Unlock()
				return ReceiveMessageOutput{}, ErrOverLimit.WithMessage("Too many messages have been received without being deleted.\n" +
					"Please delete your received messages or let them timeout before receiving more.")
			}
		}
		var iss [maxReceive]issued
		msgs, dead := q.receiveLocked(now, req, &iss)
		done := len(msgs) > 0 || !now.Before(deadline)
		wakeAt := deadline
		if !done {
			if next, ok := q.nextDeadlineLocked(); ok && next.Before(wakeAt) {
				wakeAt = next
			}
			if w == nil {
				w = &waiter{wake: make(chan struct{}, 1), max: req.max}
			}
			q.sleepLocked(w)
		}
		q.mu.Unlock()
		q.finishRender(msgs, &iss)
		if len(dead.msgs) > 0 {
			q.sendToDeadLetterQueue(dead)
		}
		if done {
			return ReceiveMessageOutput{Messages: msgs}, nil
		}
		if err := q.sleep(ctx, w.wake, wakeAt.Sub(now)); err != nil {
			q.mu.Lock()
			if q.awakeLocked(w) {
				// Woken for messages this poll will not take: wake
				// another in its place, or they could sit unnoticed.
				q.wakeForLocked(w.max)
			}
			q.mu.Unlock()
			return ReceiveMessageOutput{}, err
		}
	}
}

// sleep blocks until a wake arrives on notify, d passes on the clock, the service
// closes, or ctx is done.
func (q *Queue) sleep(ctx context.Context, notify <-chan struct{}, d time.Duration) error {
	t := q.svc.cfg.clock.Timer(d)
	defer t.Stop()
	select {
	case <-notify:
	case <-t.C:
	case <-q.svc.closed:
	case <-ctx.Done():
		return ctx.Err()
	}
	return nil
}

func validateReceive(in ReceiveMessageInput) (receiveRequest, *time.Duration, error) {
	req := receiveRequest{max: 1, attrs: in.MessageAttributeNames, system: in.MessageSystemAttributeNames,
		attemptID: in.ReceiveRequestAttemptId}
	if n := in.MaxNumberOfMessages; n != nil {
		if *n < 1 || *n > 10 {
			return req, nil, errParam("MaxNumberOfMessages", *n, "Must be between 1 and 10, if provided.")
		}
		req.max = *n
	}
	if w := in.WaitTimeSeconds; w != nil && (*w < 0 || *w > MaxWaitTime || *w%time.Second != 0) {
		return req, nil, errParam("WaitTimeSeconds", int64(*w/time.Second), "Must be >= 0 and <= 20, if provided.")
	}
	if v := in.VisibilityTimeout; v != nil {
		if *v < 0 || *v > MaxVisibilityTimeout || *v%time.Second != 0 {
			return req, nil, errParam("VisibilityTimeout", int64(*v/time.Second), "Must be >= 0 and <= 43200, if provided.")
		}
		req.visibility, req.hasVis = *v, true
	}
	if id := in.ReceiveRequestAttemptId; id != "" {
		if !validToken(id) {
			return req, nil, errParam("ReceiveRequestAttemptId", id,
				"ReceiveRequestAttemptId can only include alphanumeric and punctuation characters. 1 to 128 in length.")
		}
	}
	return req, in.WaitTimeSeconds, nil
}

// receiveLocked takes up to req.max visible messages, in the order the ready
// set gives them, and puts them in flight. A message that has been received
// MaxReceiveCount times is taken out for the dead-letter queue instead, to
// be moved there once q.mu is released. q.mu must be held.
func (q *Queue) receiveLocked(now time.Time, req receiveRequest, iss *[maxReceive]issued) ([]Message, deadLetter) {
	vis := q.settings.visibilityTimeout
	if req.hasVis {
		vis = req.visibility
	}
	t := now.UnixNano()
	fifoAttempt := q.fifo != nil && req.attemptID != ""
	if fifoAttempt {
		if out, ok := q.replayLocked(req.attemptID, t, vis, req, iss); ok {
			return out, deadLetter{}
		}
	}
	var dead deadLetter
	if p := q.settings.redrive; p != nil {
		dead.target = p.DeadLetterTargetArn
	}
	var out []Message
	var taken []*message
	var prev *message
	for len(out) < req.max && q.counts[stateInFlight] < MaxInFlight {
		m := q.ready.next(prev)
		if m == nil {
			break
		}
		if p := q.settings.redrive; p != nil && req.deadLetterQueueExists && m.receiveCount >= uint32(p.MaxReceiveCount) {
			q.removeLocked(m)
			dead.msgs = append(dead.msgs, m)
			continue
		}
		prev = m
		q.moveLocked(m, stateInFlight, t+int64(vis))
		m.receiveCount++
		m.receivedAt = t
		if m.firstReceiveAt == 0 {
			m.firstReceiveAt = t
		}
		if out == nil {
			out = make([]Message, 0, min(req.max, q.counts[stateVisible]+1))
		}
		iss[len(out)] = issuedFor(m, req)
		out = append(out, q.render(m, req))
		if fifoAttempt {
			taken = append(taken, m)
		}
	}
	if len(taken) > 0 {
		q.recordAttemptLocked(req.attemptID, taken, t)
	}
	return out, dead
}

// maxReceive is the most messages one receive returns.
const maxReceive = 10

// issued is what identifies the i-th message of a receive: fixed at the
// receive, so its MessageId and ReceiptHandle are rendered after q.mu is
// released (see finishRender), and so is its SequenceNumber attribute.
type issued struct {
	id             [16]byte
	md5OfBody      [16]byte
	r              receipt
	sequenceNumber uint64 // less 2^64; 0 unless the receive asked for it
}

func issuedFor(m *message, req receiveRequest) issued {
	iss := issued{id: m.id, md5OfBody: m.md5OfBody, r: receipt{seq: m.seq, enqueuedAt: m.enqueuedAt, receiveCount: m.receiveCount}}
	if m.meta != nil && m.meta.sequenceNumber != 0 && wantSystem(req.system, SystemAttributeSequenceNumber) {
		iss.sequenceNumber = m.meta.sequenceNumber
	}
	return iss
}

// finishRender fills in the MessageId, ReceiptHandle, MD5OfBody and
// SequenceNumber attribute of received messages. It needs no lock: they are
// the costly part of rendering, kept out of the section senders and
// receivers contend for. All of them are cut from one string, one
// allocation per receive.
func (q *Queue) finishRender(msgs []Message, iss *[maxReceive]issued) {
	const each = messageIDLen + handleStrLen + md5HexLen
	var buf [maxReceive * (each + sequenceNumberLen)]byte
	var ends [maxReceive]int
	n := 0
	for i := range msgs {
		b := buf[n:]
		putMessageID(b, iss[i].id)
		q.handles.put(b[messageIDLen:], iss[i].r)
		hex.Encode(b[messageIDLen+handleStrLen:], iss[i].md5OfBody[:])
		n += each
		if iss[i].sequenceNumber != 0 {
			putSequenceNumber(buf[n:], iss[i].sequenceNumber)
			n += sequenceNumberLen
		}
		ends[i] = n
	}
	s := string(buf[:n])
	start := 0
	for i := range msgs {
		r := s[start:ends[i]]
		start = ends[i]
		msgs[i].MessageId = r[:messageIDLen]
		msgs[i].ReceiptHandle = r[messageIDLen : messageIDLen+handleStrLen]
		msgs[i].MD5OfBody = r[messageIDLen+handleStrLen : each]
		if len(r) > each {
			msgs[i].Attributes[SystemAttributeSequenceNumber] = r[each:]
		}
	}
}

// render builds the Message a receive returns, but for the MessageId,
// ReceiptHandle and MD5OfBody (see finishRender). q.mu must be held.
func (q *Queue) render(m *message, req receiveRequest) Message {
	out := Message{Body: m.body}
	if m.meta != nil && len(req.attrs) > 0 && len(m.meta.attrs) > 0 {
		out.MessageAttributes, out.MD5OfMessageAttributes = selectAttributes(m.meta, req.attrs)
	}
	if len(req.system) > 0 {
		out.Attributes = q.systemAttributes(m, req.system)
	}
	return out
}

// selectAttributes returns the attributes the names select, and the MD5 of
// exactly those, which is what SDKs check.
func selectAttributes(meta *messageMeta, names []string) (map[string]MessageAttributeValue, string) {
	var picked []attribute
	for _, a := range meta.attrs {
		if attributeSelected(a.name, names) {
			picked = append(picked, a)
		}
	}
	if len(picked) == 0 {
		return nil, ""
	}
	out := make(map[string]MessageAttributeValue, len(picked))
	for _, a := range picked {
		v := a.value
		v.BinaryValue = bytes.Clone(v.BinaryValue) // the receiver may write to its copy
		out[a.name] = v
	}
	if len(picked) == len(meta.attrs) {
		return out, meta.md5OfAttrs
	}
	return out, md5OfAttributes(picked)
}

func attributeSelected(name string, names []string) bool {
	for _, n := range names {
		if n == "All" || n == ".*" || n == name {
			return true
		}
		if prefix, ok := strings.CutSuffix(n, ".*"); ok && strings.HasPrefix(name, prefix+".") {
			return true
		}
	}
	return false
}

// systemAttributes renders the requested system attributes of m.
func (q *Queue) systemAttributes(m *message, names []MessageSystemAttributeName) map[MessageSystemAttributeName]string {
	want := func(n MessageSystemAttributeName) bool { return wantSystem(names, n) }
	out := map[MessageSystemAttributeName]string{}
	ms := func(ns int64) string { return strconv.FormatInt(ns/int64(time.Millisecond), 10) }
	if want(SystemAttributeSenderId) {
		out[SystemAttributeSenderId] = q.svc.cfg.account
	}
	if want(SystemAttributeSentTimestamp) {
		out[SystemAttributeSentTimestamp] = ms(m.sentAt)
	}
	if want(SystemAttributeApproximateReceiveCount) {
		out[SystemAttributeApproximateReceiveCount] = strconv.FormatUint(uint64(m.receiveCount), 10)
	}
	if want(SystemAttributeApproximateFirstReceiveTimestamp) {
		out[SystemAttributeApproximateFirstReceiveTimestamp] = ms(m.firstReceiveAt)
	}
	if meta := m.meta; meta != nil {
		put := func(n MessageSystemAttributeName, v string) {
			if v != "" && want(n) {
				out[n] = v
			}
		}
		put(SystemAttributeAWSTraceHeader, meta.traceHeader)
		put(SystemAttributeMessageGroupId, meta.groupID)
		put(SystemAttributeMessageDeduplicationId, meta.dedupID)
		// SequenceNumber is rendered outside q.mu, by finishRender.
		put(SystemAttributeDeadLetterQueueSourceArn, meta.deadLetterSourceArn)
	}
	return out
}

// wantSystem reports whether names select the system attribute n.
func wantSystem(names []MessageSystemAttributeName, n MessageSystemAttributeName) bool {
	for _, x := range names {
		if x == n || x == SystemAttributeAll {
			return true
		}
	}
	return false
}
