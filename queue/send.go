package queue

import (
	"context"
	"crypto/md5"
	"encoding/hex"
	"time"
)

// SendMessageInput is the input of [Queue.SendMessage].
type SendMessageInput struct {
	// MessageBody: at least one character, at most the queue's
	// MaximumMessageSize in UTF-8 bytes together with the attributes.
	MessageBody string
	// DelaySeconds delays this message (0..15 min); nil uses the queue's
	// DelaySeconds.
	DelaySeconds *time.Duration
	// MessageAttributes: at most 10.
	MessageAttributes map[string]MessageAttributeValue
	// MessageSystemAttributes: only "AWSTraceHeader", of type String. It does
	// not count toward the size limit.
	MessageSystemAttributes map[string]MessageAttributeValue
	// MessageGroupId is required on FIFO queues; on standard queues it names
	// the tenant of a fair queue.
	MessageGroupId string
	// MessageDeduplicationId is for FIFO queues only.
	MessageDeduplicationId string
}

// SendMessageOutput is the output of [Queue.SendMessage].
type SendMessageOutput struct {
	MessageId                    string
	MD5OfMessageBody             string
	MD5OfMessageAttributes       string // empty without attributes
	MD5OfMessageSystemAttributes string // empty without AWSTraceHeader
	SequenceNumber               string // FIFO queues only
}

// SendMessage adds a message to the queue.
func (q *Queue) SendMessage(ctx context.Context, in SendMessageInput) (SendMessageOutput, error) {
	m, size, err := prepareMessage(in)
	if err != nil {
		return SendMessageOutput{}, err
	}
	q.prepareFifoMessage(m, in)
	res, err := q.send(m, size, in)
	if err != nil {
		return SendMessageOutput{}, err
	}
	// Rendering needs no lock: the result is fixed once enqueued, and q.mu
	// is what receivers wait on. MessageId, MD5 and SequenceNumber share
	// one allocation.
	var buf [sendRenderLen]byte
	return sendOutput(m, string(renderSent(buf[:0], m, res))), nil
}

// sendRenderLen is the most bytes renderSent appends.
const sendRenderLen = messageIDLen + md5HexLen + sequenceNumberLen

// renderSent appends the MessageId, MD5OfMessageBody and, on a FIFO queue,
// the SequenceNumber of a send to b.
func renderSent(b []byte, m *message, res sent) []byte {
	n := len(b)
	b = b[:n+messageIDLen+md5HexLen]
	putMessageID(b[n:], res.id)
	hex.Encode(b[n+messageIDLen:], m.md5OfBody[:])
	if res.sequenceNumber != 0 {
		b = b[:len(b)+sequenceNumberLen]
		putSequenceNumber(b[len(b)-sequenceNumberLen:], res.sequenceNumber)
	}
	return b
}

// send checks a prepared message against the queue and enqueues it.
func (q *Queue) send(m *message, size int, in SendMessageInput) (sent, error) {
	q.lock()
	defer q.mu.Unlock()
	if err := q.checkLocked(); err != nil {
		return sent{}, err
	}
	if size > q.settings.maxMessageSize {
		return sent{}, errorf(ErrInvalidParameterValue,
			"One or more parameters are invalid. Reason: Message must be shorter than %d bytes.", q.settings.maxMessageSize)
	}
	if err := q.checkSendLocked(m, in); err != nil {
		return sent{}, err
	}
	now := q.nowLocked()
	q.catchUpLocked(now)
	res, visible := q.enqueueLocked(m, in.DelaySeconds, now)
	if visible {
		q.wakeForLocked(1)
	}
	return res, nil
}

// sent is what a send answers with beyond the message's own checksums: the
// MessageId and SequenceNumber, those of the original for a FIFO duplicate.
type sent struct {
	id             [16]byte
	sequenceNumber uint64 // less 2^64, as in messageMeta; 0 on a standard queue
}

// prepareMessage validates what can be checked without the queue and builds
// the message, returning its size as SQS counts it.
func prepareMessage(in SendMessageInput) (*message, int, error) {
	if in.MessageBody == "" {
		return nil, 0, errorf(ErrMissingParameter, "The request must contain the parameter MessageBody.")
	}
	if r, bad := invalidChar(in.MessageBody); bad {
		return nil, 0, errInvalidContents(r)
	}
	if d := in.DelaySeconds; d != nil && (*d < 0 || *d > MaxDelay || *d%time.Second != 0) {
		return nil, 0, errParam("DelaySeconds", int64(*d/time.Second), "DelaySeconds must be >= 0 and <= 900.")
	}
	attrs, attrSize, err := sortedAttributes(in.MessageAttributes)
	if err != nil {
		return nil, 0, err
	}
	trace, err := traceHeader(in.MessageSystemAttributes)
	if err != nil {
		return nil, 0, err
	}
	if err := validateGroupID(in.MessageGroupId); err != nil {
		return nil, 0, err
	}
	if id := in.MessageDeduplicationId; id != "" && !validToken(id) {
		return nil, 0, errParam("MessageDeduplicationId", id,
			"MessageDeduplicationId can only include alphanumeric and punctuation characters. 1 to 128 in length.")
	}
	var m *message
	if len(attrs) > 0 || trace != "" || in.MessageGroupId != "" {
		// One allocation for both: every FIFO message has a meta.
		mm := &messageWithMeta{meta: messageMeta{attrs: attrs, traceHeader: trace, groupID: in.MessageGroupId}}
		m = &mm.message
		m.meta = &mm.meta
		if len(attrs) > 0 {
			m.meta.md5OfAttrs = md5OfAttributes(attrs)
		}
		if trace != "" {
			m.meta.md5OfSysAttrs = md5OfAttributes([]attribute{{
				name: string(SystemAttributeAWSTraceHeader), value: MessageAttributeValue{DataType: "String", StringValue: trace}}})
		}
	} else {
		m = &message{}
	}
	m.body, m.md5OfBody = in.MessageBody, md5.Sum([]byte(in.MessageBody))
	return m, len(in.MessageBody) + attrSize, nil
}

// traceHeader validates the system attributes of a send; only AWSTraceHeader
// may be sent.
func traceHeader(sys map[string]MessageAttributeValue) (string, error) {
	var trace string
	for name, v := range sys {
		if name != string(SystemAttributeAWSTraceHeader) {
			return "", errorf(ErrInvalidParameterValue, "Message system attribute name '%s' is invalid.", name)
		}
		if v.DataType != "String" || v.StringValue == "" {
			return "", errorf(ErrInvalidParameterValue,
				"Message system attribute '%s' must contain a non-empty value of type 'String'.", name)
		}
		trace = v.StringValue
	}
	return trace, nil
}

// validateGroupID applies the rules for MessageGroupId: up to 128
// characters, alphanumeric or punctuation.
func validateGroupID(id string) error {
	if !validToken(id) {
		return errParam("MessageGroupId", id,
			"MessageGroupId can only include alphanumeric and punctuation characters. 1 to 128 in length.")
	}
	return nil
}

// validToken reports whether a group, deduplication or receive-attempt id
// is at most 128 characters of alphanumerics and punctuation.
func validToken(id string) bool {
	if len(id) > 128 {
		return false
	}
	for i := 0; i < len(id); i++ {
		if c := id[i]; c < '!' || c > '~' {
			return false
		}
	}
	return true
}

// checkSendLocked applies the rules that depend on the queue type.
// q.mu must be held.
func (q *Queue) checkSendLocked(m *message, in SendMessageInput) error {
	if q.fifo != nil {
		return q.checkFifoSendLocked(m, in)
	}
	if in.MessageDeduplicationId != "" {
		return errParam("MessageDeduplicationId", in.MessageDeduplicationId,
			"The request include parameter that is not valid for this queue type.")
	}
	return nil
}

// enqueueLocked gives m its identity and puts it in the queue, delayed by
// delay or the queue's default; on a FIFO queue a duplicate is answered and
// dropped. visible reports that m is receivable now: the caller wakes long
// polls for it (wakeForLocked), once for all the messages of a batch.
// q.mu must be held.
func (q *Queue) enqueueLocked(m *message, delay *time.Duration, now time.Time) (res sent, visible bool) {
	t := now.UnixNano()
	d := q.settings.delay
	var dedupKey string
	if q.fifo != nil {
		dedupKey = q.dedupKey(m)
		if original, dup := q.fifo.dedup.get(dedupKey, t); dup {
			return original, false // AWS answers with the original MessageId and SequenceNumber
		}
	} else if delay != nil {
		d = *delay
	}
	m.seq = q.nextSeq
	q.nextSeq++
	m.id = newMessageID(q.rng.Uint64(), q.rng.Uint64())
	m.sentAt, m.enqueuedAt = t, t
	if q.fifo != nil {
		m.meta.sequenceNumber = q.fifo.nextSequenceNumber(t)
		q.fifo.dedup.put(dedupKey, sent{id: m.id, sequenceNumber: m.meta.sequenceNumber}, t+int64(DeduplicationInterval))
	}
	if d > 0 {
		q.insertLocked(m, stateDelayed, t+int64(d))
		q.wakeIfFirstDueLocked(m) // a long poll may sleep past m's end of delay
	} else {
		q.insertLocked(m, stateVisible, 0)
		visible = true
	}
	var seqNum uint64
	if m.meta != nil {
		seqNum = m.meta.sequenceNumber
	}
	return sent{id: m.id, sequenceNumber: seqNum}, visible
}

// sendOutput is the answer to sending m, given what renderSent rendered.
func sendOutput(m *message, rendered string) SendMessageOutput {
	out := SendMessageOutput{
		MessageId:        rendered[:messageIDLen],
		MD5OfMessageBody: rendered[messageIDLen : messageIDLen+md5HexLen],
		SequenceNumber:   rendered[messageIDLen+md5HexLen:],
	}
	if m.meta != nil {
		out.MD5OfMessageAttributes = m.meta.md5OfAttrs
		out.MD5OfMessageSystemAttributes = m.meta.md5OfSysAttrs
	}
	return out
}
