package pubsub

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

// Publish limits.
const (
	// MaxMessageSize is the most bytes a message may hold, body and
	// attribute names, types and values together.
	MaxMessageSize        = 262144
	MaxSubjectLength      = 99
	MaxBatchEntries       = 10
	maxBatchEntryIDLength = 80
	maxGroupIDLength      = 128
)

// PublishInput is the input of [Topic.Publish].
type PublishInput struct {
	// Message: at least one byte; with the attributes at most 262,144 bytes.
	// With MessageStructure "json", a JSON object of strings keyed by
	// protocol, with a "default" entry.
	Message string
	// Subject, if not nil, must be 1..99 characters with no line breaks or
	// control characters. nil publishes no Subject.
	Subject *string
	// MessageStructure is "" or "json".
	MessageStructure  string
	MessageAttributes map[string]MessageAttributeValue
	// MessageGroupId is required on FIFO topics; on a standard topic it is
	// passed to standard SQS queues (fair queues).
	MessageGroupId string
	// MessageDeduplicationId is for FIFO topics only.
	MessageDeduplicationId string
}

// PublishOutput is the output of [Topic.Publish].
type PublishOutput struct {
	MessageId      string
	SequenceNumber string // FIFO topics only
}

// publication is a validated publish.
type publication struct {
	in        PublishInput
	structure map[string]string // per-protocol messages when MessageStructure is json
	size      int
}

// message returns the message a protocol gets.
func (p *publication) message(protocol string) string {
	if p.structure == nil {
		return p.in.Message
	}
	if m, ok := p.structure[protocol]; ok {
		return m
	}
	return p.structure["default"]
}

// Publish sends a message to every subscription whose filter policy it
// passes, with one MessageId for all. Deliveries happen before Publish
// returns, after the topic is unlocked; a delivery that fails is logged
// (and sent to the subscription's dead-letter queue if it has one), never
// returned.
func (t *Topic) Publish(ctx context.Context, in PublishInput) (PublishOutput, error) {
	p, err := preparePublish(in)
	if err != nil {
		return PublishOutput{}, err
	}
	if err := t.checkFifoInput(in); err != nil {
		return PublishOutput{}, err
	}
	t.mu.Lock()
	if err := t.checkLocked(); err != nil {
		t.mu.Unlock()
		return PublishOutput{}, err
	}
	if err := t.checkDedupLocked(in); err != nil {
		t.mu.Unlock()
		return PublishOutput{}, err
	}
	out, ds := t.publishLocked(p)
	t.deliverUnlock(ctx, ds)
	return out, nil
}

// deliverUnlock releases t.mu and delivers ds. A FIFO topic's deliveries
// are serialised by deliverMu, taken before t.mu is released, so every
// queue receives the topic's messages in publish order.
func (t *Topic) deliverUnlock(ctx context.Context, ds []delivery) {
	if t.fifo {
		t.deliverMu.Lock()
		t.mu.Unlock()
		defer t.deliverMu.Unlock()
	} else {
		t.mu.Unlock()
	}
	for _, d := range ds {
		t.svc.deliver(ctx, d)
	}
}

// checkFifoInput applies the MessageGroupId and MessageDeduplicationId
// rules of the topic's type.
func (t *Topic) checkFifoInput(in PublishInput) error {
	if !t.fifo {
		if in.MessageDeduplicationId != "" {
			return errParam("MessageDeduplicationId Reason: The request includes MessageDeduplicationId parameter that is not valid for this topic type")
		}
		if in.MessageGroupId != "" {
			return validateGroupID("MessageGroupId", in.MessageGroupId)
		}
		return nil
	}
	if in.MessageGroupId == "" {
		return errParam("The MessageGroupId parameter is required for FIFO topics")
	}
	if err := validateGroupID("MessageGroupId", in.MessageGroupId); err != nil {
		return err
	}
	if in.MessageDeduplicationId != "" {
		return validateGroupID("MessageDeduplicationId", in.MessageDeduplicationId)
	}
	return nil
}

// checkDedupLocked requires a deduplication id or ContentBasedDeduplication
// on a FIFO topic. t.mu must be held.
func (t *Topic) checkDedupLocked(in PublishInput) error {
	if t.fifo && in.MessageDeduplicationId == "" && !t.settings.cbd {
		return errParam("The topic should either have ContentBasedDeduplication enabled or MessageDeduplicationId provided explicitly")
	}
	return nil
}

// validateGroupID applies the rules of MessageGroupId and
// MessageDeduplicationId: 1..128 alphanumeric or punctuation characters.
func validateGroupID(param, v string) error {
	if len(v) > maxGroupIDLength {
		return errParam("%s Reason: %s must be at most %d characters long", param, param, maxGroupIDLength)
	}
	for i := 0; i < len(v); i++ {
		c := v[i]
		if c < '!' || c > '~' {
			return errParam("%s Reason: %s can only include alphanumeric and punctuation characters", param, param)
		}
	}
	return nil
}

// publishLocked assigns the MessageId (and, on a FIFO topic, the sequence
// number), applies deduplication and builds the deliveries. t.mu must be
// held.
func (t *Topic) publishLocked(p *publication) (PublishOutput, []delivery) {
	now := t.nowLocked()
	id := newUUID(t.rng)
	out := PublishOutput{MessageId: id}
	var dedupID string
	if t.fifo {
		dedupID = p.in.MessageDeduplicationId
		if dedupID == "" {
			sum := sha256.Sum256([]byte(p.in.Message))
			dedupID = hex.EncodeToString(sum[:])
		}
		key := dedupID
		if t.settings.groupScope {
			key = p.in.MessageGroupId + "\x00" + dedupID
		}
		if prev, dup := t.dedup.seen(key, now, id); dup {
			return PublishOutput{MessageId: prev.messageID, SequenceNumber: prev.sequenceNumber}, nil
		}
		t.lastSequenceNum++
		out.SequenceNumber = formatSequenceNumber(t.lastSequenceNum)
		t.dedup.setSequenceNumber(key, out.SequenceNumber)
	}
	n := notification{
		topic: t, id: id, p: p, now: now, sequenceNumber: out.SequenceNumber, dedupID: dedupID,
		signatureVersion: t.settings.attrs[AttrSignatureVersion],
	}
	t.archiveLocked(n)
	ds := make([]delivery, 0, t.subs.Len())
	var fms filterMessages
	t.subs.Ascend(func(sub *Subscription) bool {
		if sub.pending || sub.replaySkipsLocked(now) {
			return true
		}
		if f := sub.settings.filter; f != nil && !f.match(fms.get(p.in.MessageAttributes, p.message(sub.protocol))) {
			return true
		}
		ds = append(ds, n.deliveryFor(sub))
		return true
	})
	return out, ds
}

// filterMessages are a publish's messages as filter policies see them, one
// per distinct message text, so that a body is parsed once per publish
// however many subscriptions filter on it.
type filterMessages []*filterMessage

// get returns the filterMessage of body, made on first use.
func (fms *filterMessages) get(attrs map[string]MessageAttributeValue, body string) *filterMessage {
	for _, m := range *fms {
		if m.body == body {
			return m
		}
	}
	m := &filterMessage{attrs: attrs, body: body}
	*fms = append(*fms, m)
	return m
}

// formatSequenceNumber renders a FIFO topic's sequence number as AWS does:
// 20 decimal digits.
func formatSequenceNumber(n uint64) string {
	s := strconv.FormatUint(n, 10)
	return "1" + strings.Repeat("0", 19-len(s)) + s
}

// nowLocked returns the clock's time, never earlier than the last it
// returned. t.mu must be held.
func (t *Topic) nowLocked() time.Time {
	now := t.now()
	if now.Before(t.lastNow) {
		return t.lastNow
	}
	t.lastNow = now
	return now
}

// preparePublish validates what a publish can be checked for on its own.
func preparePublish(in PublishInput) (*publication, error) {
	if in.Message == "" {
		return nil, errParam("Empty message")
	}
	if in.Subject != nil {
		if err := validateSubject(*in.Subject); err != nil {
			return nil, err
		}
	}
	size := len(in.Message)
	for name, a := range in.MessageAttributes {
		size += len(name) + len(a.DataType) + len(a.StringValue) + len(a.BinaryValue)
	}
	if size > MaxMessageSize {
		return nil, errParam("Message too long")
	}
	p := &publication{in: in, size: size}
	switch in.MessageStructure {
	case "":
	case "json":
		var raw map[string]any
		if err := json.Unmarshal([]byte(in.Message), &raw); err != nil {
			return nil, errParam("Message Structure - JSON message body failed to parse")
		}
		p.structure = map[string]string{}
		for k, v := range raw {
			if s, ok := v.(string); ok {
				p.structure[k] = s
			}
		}
		if _, ok := p.structure["default"]; !ok {
			return nil, errParam("Message Structure - No default entry in JSON message body")
		}
	default:
		return nil, errParam("Invalid value for MessageStructure")
	}
	if err := validateMessageAttributes(in.MessageAttributes); err != nil {
		return nil, err
	}
	return p, nil
}

// validateSubject applies the Subject rules: 1..99 characters, no line
// breaks or control characters, valid UTF-8.
func validateSubject(s string) error {
	if s == "" || !utf8.ValidString(s) || utf8.RuneCountInString(s) > MaxSubjectLength {
		return errParam("Subject")
	}
	for _, r := range s {
		if unicode.IsControl(r) {
			return errParam("Subject")
		}
	}
	return nil
}

// validateMessageAttributes applies the message attribute rules, with
// AWS's ParameterValueInvalid texts.
func validateMessageAttributes(attrs map[string]MessageAttributeValue) error {
	for name, a := range attrs {
		if err := validateAttributeName(name); err != nil {
			return err
		}
		if a.DataType == "" {
			return errorf(ErrValidationError, "The message attribute '%s' must contain a DataType.", name)
		}
		base, custom, hasCustom := strings.Cut(a.DataType, ".")
		if base != "String" && base != "Number" && base != "Binary" || hasCustom && custom == "" {
			return errorf(ErrParameterValueInvalid,
				"The message attribute '%s' has an invalid message attribute type, the set of supported type prefixes is Binary, Number, and String.", name)
		}
		field, value := "String", a.StringValue
		if base == "Binary" {
			field, value = "Binary", string(a.BinaryValue)
			if a.BinaryValue == nil && a.StringValue != "" {
				return errorf(ErrParameterValueInvalid, "The message attribute '%s' with type '%s' must use field '%s'.", name, a.DataType, field)
			}
		} else if a.StringValue == "" && a.BinaryValue != nil {
			return errorf(ErrParameterValueInvalid, "The message attribute '%s' with type '%s' must use field '%s'.", name, a.DataType, field)
		}
		if value == "" {
			return errorf(ErrParameterValueInvalid,
				"The message attribute '%s' must contain non-empty message attribute value for message attribute type '%s'.", name, a.DataType)
		}
		switch {
		case base == "Number":
			if _, err := strconv.ParseFloat(strings.TrimSpace(value), 64); err != nil {
				return errorf(ErrParameterValueInvalid, "Could not cast message attribute '%s' value to number.", name)
			}
		case a.DataType == "String.Array":
			var arr []any
			if err := json.Unmarshal([]byte(value), &arr); err != nil {
				return errorf(ErrParameterValueInvalid,
					"The message attribute '%s' with type 'String.Array' has an invalid value: the value must be a JSON array.", name)
			}
		}
	}
	return nil
}

// validateAttributeName applies AWS's attribute name rules.
func validateAttributeName(name string) error {
	if len(name) >= 256 {
		return errorf(ErrParameterValueInvalid, "Length of message attribute name must be less than 256 bytes.")
	}
	if name == "" {
		return errorf(ErrParameterValueInvalid, "The message attribute name must not be empty.")
	}
	if name[0] == '.' {
		return errorf(ErrParameterValueInvalid, "Invalid message attribute name starting with character '.' was found.")
	}
	if name[len(name)-1] == '.' {
		return errorf(ErrParameterValueInvalid, "Invalid message attribute name ending with character '.' was found.")
	}
	for i, r := range name {
		ok := r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '_' || r == '-' || r == '.'
		if !ok {
			return errorf(ErrParameterValueInvalid,
				"Invalid non-alphanumeric character '#x%X' was found in the message attribute name. Can only include alphanumeric characters, hyphens, underscores, or dots.", r)
		}
		if r == '.' && name[i-1] == '.' {
			return errorf(ErrParameterValueInvalid, "Message attribute name can not have successive '.' character.")
		}
	}
	return nil
}

// PublishBatchRequestEntry is one message of a [Topic.PublishBatch].
type PublishBatchRequestEntry struct {
	// Id: 1..80 characters of [A-Za-z0-9_-], distinct within the batch.
	Id                     string
	Message                string
	Subject                *string
	MessageStructure       string
	MessageAttributes      map[string]MessageAttributeValue
	MessageGroupId         string
	MessageDeduplicationId string
}

// PublishBatchInput is the input of [Topic.PublishBatch].
type PublishBatchInput struct {
	PublishBatchRequestEntries []PublishBatchRequestEntry
}

// PublishBatchResultEntry is a published entry of a batch.
type PublishBatchResultEntry struct {
	Id             string
	MessageId      string
	SequenceNumber string
}

// BatchResultErrorEntry is a failed entry of a batch.
type BatchResultErrorEntry struct {
	Id          string
	Code        string
	Message     string
	SenderFault bool
}

// PublishBatchOutput is the output of [Topic.PublishBatch].
type PublishBatchOutput struct {
	Successful []PublishBatchResultEntry
	Failed     []BatchResultErrorEntry
}

// PublishBatch publishes up to 10 messages, in entry order. An entry that
// fails validation is reported in Failed; a fault of the whole request (no
// entries, too many, duplicate or invalid ids, more than 262,144 bytes in
// all, a FIFO entry without MessageGroupId) is returned as the error.
func (t *Topic) PublishBatch(ctx context.Context, in PublishBatchInput) (PublishBatchOutput, error) {
	entries := in.PublishBatchRequestEntries
	switch {
	case len(entries) == 0:
		return PublishBatchOutput{}, ErrEmptyBatchRequest.WithMessage("The batch request doesn't contain any entries.")
	case len(entries) > MaxBatchEntries:
		return PublishBatchOutput{}, ErrTooManyEntriesInBatchRequest.WithMessage("The batch request contains more entries than permissible.")
	}
	seen := map[string]bool{}
	total := 0
	for _, e := range entries {
		if err := validateBatchEntryID(e.Id); err != nil {
			return PublishBatchOutput{}, err
		}
		if seen[e.Id] {
			return PublishBatchOutput{}, ErrBatchEntryIdsNotDistinct.WithMessage("Two or more batch entries in the request have the same Id.")
		}
		seen[e.Id] = true
		total += len(e.Message)
		for name, a := range e.MessageAttributes {
			total += len(name) + len(a.DataType) + len(a.StringValue) + len(a.BinaryValue)
		}
		if t.fifo && e.MessageGroupId == "" {
			return PublishBatchOutput{}, errParam("The MessageGroupId parameter is required for FIFO topics")
		}
	}
	if total > MaxMessageSize {
		return PublishBatchOutput{}, ErrBatchRequestTooLong.WithMessage("The length of all the messages put together is more than the limit.")
	}
	type prepared struct {
		id string
		p  *publication
	}
	var ok []prepared
	var out PublishBatchOutput
	for _, e := range entries {
		pin := PublishInput{Message: e.Message, Subject: e.Subject, MessageStructure: e.MessageStructure,
			MessageAttributes: e.MessageAttributes, MessageGroupId: e.MessageGroupId, MessageDeduplicationId: e.MessageDeduplicationId}
		p, err := preparePublish(pin)
		if err == nil {
			err = t.checkFifoInput(pin)
		}
		if err != nil {
			out.Failed = append(out.Failed, batchFailure(e.Id, err))
			continue
		}
		ok = append(ok, prepared{e.Id, p})
	}
	t.mu.Lock()
	if err := t.checkLocked(); err != nil {
		t.mu.Unlock()
		return PublishBatchOutput{}, err
	}
	var ds []delivery
	for _, e := range ok {
		if err := t.checkDedupLocked(e.p.in); err != nil {
			out.Failed = append(out.Failed, batchFailure(e.id, err))
			continue
		}
		res, d := t.publishLocked(e.p)
		ds = append(ds, d...)
		out.Successful = append(out.Successful, PublishBatchResultEntry{Id: e.id, MessageId: res.MessageId, SequenceNumber: res.SequenceNumber})
	}
	t.deliverUnlock(ctx, ds)
	return out, nil
}

func batchFailure(id string, err error) BatchResultErrorEntry {
	var e *Error
	if errors.As(err, &e) {
		return BatchResultErrorEntry{Id: id, Code: e.Code, Message: e.Message, SenderFault: e.Sender}
	}
	return BatchResultErrorEntry{Id: id, Code: "InternalError", Message: err.Error()}
}

func validateBatchEntryID(id string) error {
	if len(id) > maxBatchEntryIDLength {
		return errorf(ErrInvalidBatchEntryId, "The Id of a batch entry in a batch request is too long: %s", id)
	}
	if id == "" {
		return errorf(ErrInvalidBatchEntryId, "The Id of a batch entry in a batch request must not be empty.")
	}
	for i := 0; i < len(id); i++ {
		c := id[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_') {
			return errorf(ErrInvalidBatchEntryId, "The Id of a batch entry in a batch request contains an impermissible character: %s", id)
		}
	}
	return nil
}
