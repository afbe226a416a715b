package queue

import (
	"context"
	"errors"
	"time"
)

// MaxBatchEntries is the most entries a batch request may hold.
const MaxBatchEntries = 10

// BatchResultErrorEntry reports one failed entry of a batch request.
type BatchResultErrorEntry struct {
	Id          string
	SenderFault bool
	Code        string
	Message     string
}

func failedEntry(id string, err error) BatchResultErrorEntry {
	var e *Error
	if errors.As(err, &e) {
		return BatchResultErrorEntry{Id: id, SenderFault: e.Sender, Code: e.Code, Message: e.Message}
	}
	return BatchResultErrorEntry{Id: id, Code: "InternalError", Message: err.Error()}
}

// validateBatch applies the whole-request checks of every batch operation,
// in AWS's order: empty, too many, malformed ids, repeated ids.
func validateBatch(entryType string, n int, id func(i int) string) error {
	if n == 0 {
		return errorf(ErrEmptyBatchRequest, "There should be at least one %s in the request.", entryType)
	}
	if n > MaxBatchEntries {
		return errorf(ErrTooManyEntriesInBatchRequest,
			"Maximum number of entries per request are %d. You have sent %d.", MaxBatchEntries, n)
	}
	// Fetch each id once: the pairwise check below compares 45 pairs.
	var ids [MaxBatchEntries]string
	for i := range n {
		ids[i] = id(i)
		if !validBatchEntryID(ids[i]) {
			return errorf(ErrInvalidBatchEntryId, "A batch entry id can only contain alphanumeric characters, "+
				"hyphens and underscores. It can be at most 80 letters long.")
		}
	}
	for i := range n {
		for j := range i {
			if ids[i] == ids[j] {
				return errorf(ErrBatchEntryIdsNotDistinct, "Id %s repeated.", ids[i])
			}
		}
	}
	return nil
}

func validBatchEntryID(id string) bool {
	if id == "" || len(id) > 80 {
		return false
	}
	for i := 0; i < len(id); i++ {
		c := id[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_') {
			return false
		}
	}
	return true
}

// SendMessageBatchRequestEntry is one message of a SendMessageBatch.
type SendMessageBatchRequestEntry struct {
	// Id identifies the entry in the result: up to 80 characters of
	// [A-Za-z0-9_-], unique within the request.
	Id                      string
	MessageBody             string
	DelaySeconds            *time.Duration
	MessageAttributes       map[string]MessageAttributeValue
	MessageSystemAttributes map[string]MessageAttributeValue
	MessageGroupId          string
	MessageDeduplicationId  string
}

// SendMessageBatchInput is the input of [Queue.SendMessageBatch].
type SendMessageBatchInput struct {
	Entries []SendMessageBatchRequestEntry
}

// SendMessageBatchResultEntry reports one sent entry.
type SendMessageBatchResultEntry struct {
	Id string
	SendMessageOutput
}

// SendMessageBatchOutput is the output of [Queue.SendMessageBatch].
type SendMessageBatchOutput struct {
	Successful []SendMessageBatchResultEntry
	Failed     []BatchResultErrorEntry
}

// SendMessageBatch sends up to 10 messages, enqueued in entry order. An
// entry that fails validation is reported in Failed and the others are sent;
// only a fault of the whole request (empty, too many entries, bad or
// repeated ids, more than 1 MiB in all) returns an error.
func (q *Queue) SendMessageBatch(ctx context.Context, in SendMessageBatchInput) (SendMessageBatchOutput, error) {
	if err := validateBatch("SendMessageBatchRequestEntry", len(in.Entries), func(i int) string { return in.Entries[i].Id }); err != nil {
		return SendMessageBatchOutput{}, err
	}
	// At most MaxBatchEntries: per-entry state lives on the stack.
	var msgsBuf [MaxBatchEntries]*message
	var sizesBuf [MaxBatchEntries]int
	var errsBuf [MaxBatchEntries]error
	var sentBuf [MaxBatchEntries]sent
	n := len(in.Entries)
	msgs, sizes, errs, results := msgsBuf[:n], sizesBuf[:n], errsBuf[:n], sentBuf[:0]
	total := 0
	for i := range in.Entries {
		e := &in.Entries[i] // entries are large: no copies
		total += len(e.MessageBody)
		for name, v := range e.MessageAttributes {
			total += len(name) + len(v.DataType) + len(v.StringValue) + len(v.BinaryValue)
		}
		if e.MessageBody == "" {
			errs[i] = &Error{Code: "EmptyValue", Message: "The request must contain the parameter MessageBody.", Sender: true}
			continue
		}
		msgs[i], sizes[i], errs[i] = prepareMessage(e.sendInput())
		if errs[i] == nil {
			q.prepareFifoMessage(msgs[i], e.sendInput())
		}
	}
	if total > MaxMessageSize {
		return SendMessageBatchOutput{}, errorf(ErrBatchRequestTooLong,
			"Batch requests cannot be longer than %d bytes. You have sent %d bytes.", MaxMessageSize, total)
	}
	q.lock()
	if err := q.checkLocked(); err != nil {
		q.mu.Unlock()
		return SendMessageBatchOutput{}, err
	}
	now := q.nowLocked()
	q.catchUpLocked(now)
	out := SendMessageBatchOutput{Successful: make([]SendMessageBatchResultEntry, 0, len(in.Entries))}
	visible := 0
	for i := range in.Entries {
		e := &in.Entries[i]
		err := errs[i]
		if err == nil && sizes[i] > q.settings.maxMessageSize {
			err = errorf(ErrInvalidParameterValue,
				"One or more parameters cannot be validated. Reason: Message must be shorter than %d bytes.", q.settings.maxMessageSize)
		}
		if err == nil {
			err = q.checkSendLocked(msgs[i], e.sendInput())
		}
		if err != nil {
			msgs[i] = nil
			out.Failed = append(out.Failed, failedEntry(e.Id, err))
			continue
		}
		res, vis := q.enqueueLocked(msgs[i], e.DelaySeconds, now)
		if vis {
			visible++
		}
		results = append(results, res)
		out.Successful = append(out.Successful, SendMessageBatchResultEntry{Id: e.Id})
	}
	q.wakeForLocked(visible)
	q.mu.Unlock()
	// As in SendMessage, render outside q.mu; the ids, MD5s and sequence
	// numbers are cut from one string, one allocation per request.
	var buf [MaxBatchEntries * sendRenderLen]byte
	var ends [MaxBatchEntries]int
	rendered := buf[:0]
	j := 0
	for _, m := range msgs {
		if m != nil {
			rendered = renderSent(rendered, m, results[j])
			ends[j] = len(rendered)
			j++
		}
	}
	s := string(rendered)
	j = 0
	for _, m := range msgs {
		if m != nil {
			start := 0
			if j > 0 {
				start = ends[j-1]
			}
			out.Successful[j].SendMessageOutput = sendOutput(m, s[start:ends[j]])
			j++
		}
	}
	return out, nil
}

func (e *SendMessageBatchRequestEntry) sendInput() SendMessageInput {
	return SendMessageInput{
		MessageBody:             e.MessageBody,
		DelaySeconds:            e.DelaySeconds,
		MessageAttributes:       e.MessageAttributes,
		MessageSystemAttributes: e.MessageSystemAttributes,
		MessageGroupId:          e.MessageGroupId,
		MessageDeduplicationId:  e.MessageDeduplicationId,
	}
}

// DeleteMessageBatchRequestEntry is one handle of a DeleteMessageBatch.
type DeleteMessageBatchRequestEntry struct {
	Id            string
	ReceiptHandle string
}

// DeleteMessageBatchInput is the input of [Queue.DeleteMessageBatch].
type DeleteMessageBatchInput struct {
	Entries []DeleteMessageBatchRequestEntry
}

// DeleteMessageBatchResultEntry reports one deleted entry.
type DeleteMessageBatchResultEntry struct {
	Id string
}

// DeleteMessageBatchOutput is the output of [Queue.DeleteMessageBatch].
type DeleteMessageBatchOutput struct {
	Successful []DeleteMessageBatchResultEntry
	Failed     []BatchResultErrorEntry
}

// DeleteMessageBatch deletes up to 10 messages, with the rules of
// [Queue.DeleteMessage] for each entry.
func (q *Queue) DeleteMessageBatch(ctx context.Context, in DeleteMessageBatchInput) (DeleteMessageBatchOutput, error) {
	if err := validateBatch("DeleteMessageBatchRequestEntry", len(in.Entries), func(i int) string { return in.Entries[i].Id }); err != nil {
		return DeleteMessageBatchOutput{}, err
	}
	// Decoding needs no lock: do it before q.mu, which receivers wait on.
	var receipts [MaxBatchEntries]receipt
	var valid [MaxBatchEntries]bool
	for i, e := range in.Entries {
		receipts[i], valid[i] = q.handles.decode(e.ReceiptHandle)
	}
	q.lock()
	defer q.mu.Unlock()
	if err := q.checkLocked(); err != nil {
		return DeleteMessageBatchOutput{}, err
	}
	out := DeleteMessageBatchOutput{Successful: make([]DeleteMessageBatchResultEntry, 0, len(in.Entries))}
	for i, e := range in.Entries {
		r, ok := receipts[i], valid[i]
		if !ok {
			out.Failed = append(out.Failed, failedEntry(e.Id, errInvalidHandle(e.ReceiptHandle)))
			continue
		}
		if err := q.deleteLocked(r, e.ReceiptHandle); err != nil {
			out.Failed = append(out.Failed, failedEntry(e.Id, err))
			continue
		}
		out.Successful = append(out.Successful, DeleteMessageBatchResultEntry{Id: e.Id})
	}
	return out, nil
}

// ChangeMessageVisibilityBatchRequestEntry is one change of a
// ChangeMessageVisibilityBatch.
type ChangeMessageVisibilityBatchRequestEntry struct {
	Id                string
	ReceiptHandle     string
	VisibilityTimeout time.Duration
}

// ChangeMessageVisibilityBatchInput is the input of
// [Queue.ChangeMessageVisibilityBatch].
type ChangeMessageVisibilityBatchInput struct {
	Entries []ChangeMessageVisibilityBatchRequestEntry
}

// ChangeMessageVisibilityBatchResultEntry reports one changed entry.
type ChangeMessageVisibilityBatchResultEntry struct {
	Id string
}

// ChangeMessageVisibilityBatchOutput is the output of
// [Queue.ChangeMessageVisibilityBatch].
type ChangeMessageVisibilityBatchOutput struct {
	Successful []ChangeMessageVisibilityBatchResultEntry
	Failed     []BatchResultErrorEntry
}

// ChangeMessageVisibilityBatch changes the visibility of up to 10 messages,
// with the rules of [Queue.ChangeMessageVisibility] for each entry.
func (q *Queue) ChangeMessageVisibilityBatch(ctx context.Context, in ChangeMessageVisibilityBatchInput) (ChangeMessageVisibilityBatchOutput, error) {
	if err := validateBatch("ChangeMessageVisibilityBatchRequestEntry", len(in.Entries), func(i int) string { return in.Entries[i].Id }); err != nil {
		return ChangeMessageVisibilityBatchOutput{}, err
	}
	q.lock()
	defer q.mu.Unlock()
	if err := q.checkLocked(); err != nil {
		return ChangeMessageVisibilityBatchOutput{}, err
	}
	now := q.nowLocked()
	q.catchUpLocked(now)
	out := ChangeMessageVisibilityBatchOutput{Successful: make([]ChangeMessageVisibilityBatchResultEntry, 0, len(in.Entries))}
	for _, e := range in.Entries {
		r, err := q.checkVisibilityInput(e.ReceiptHandle, e.VisibilityTimeout)
		if err == nil {
			err = q.changeVisibilityLocked(now, r, e.ReceiptHandle, e.VisibilityTimeout)
		}
		if err != nil {
			out.Failed = append(out.Failed, failedEntry(e.Id, err))
			continue
		}
		out.Successful = append(out.Successful, ChangeMessageVisibilityBatchResultEntry{Id: e.Id})
	}
	return out, nil
}
