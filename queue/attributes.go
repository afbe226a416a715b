package queue

import (
	"context"
	"encoding/json"
	"slices"
	"strconv"
	"time"
)

// AttributeName names a queue attribute, as GetQueueAttributes and
// SetQueueAttributes spell it.
type AttributeName string

// Queue attribute names (reference: the SQS API's QueueAttributeName).
const (
	AttributeAll                                   AttributeName = "All"
	AttributePolicy                                AttributeName = "Policy"
	AttributeVisibilityTimeout                     AttributeName = "VisibilityTimeout"
	AttributeMaximumMessageSize                    AttributeName = "MaximumMessageSize"
	AttributeMessageRetentionPeriod                AttributeName = "MessageRetentionPeriod"
	AttributeApproximateNumberOfMessages           AttributeName = "ApproximateNumberOfMessages"
	AttributeApproximateNumberOfMessagesNotVisible AttributeName = "ApproximateNumberOfMessagesNotVisible"
	AttributeCreatedTimestamp                      AttributeName = "CreatedTimestamp"
	AttributeLastModifiedTimestamp                 AttributeName = "LastModifiedTimestamp"
	AttributeQueueArn                              AttributeName = "QueueArn"
	AttributeApproximateNumberOfMessagesDelayed    AttributeName = "ApproximateNumberOfMessagesDelayed"
	AttributeDelaySeconds                          AttributeName = "DelaySeconds"
	AttributeReceiveMessageWaitTimeSeconds         AttributeName = "ReceiveMessageWaitTimeSeconds"
	AttributeRedrivePolicy                         AttributeName = "RedrivePolicy"
	AttributeFifoQueue                             AttributeName = "FifoQueue"
	AttributeContentBasedDeduplication             AttributeName = "ContentBasedDeduplication"
	AttributeKmsMasterKeyId                        AttributeName = "KmsMasterKeyId"
	AttributeKmsDataKeyReusePeriodSeconds          AttributeName = "KmsDataKeyReusePeriodSeconds"
	AttributeDeduplicationScope                    AttributeName = "DeduplicationScope"
	AttributeFifoThroughputLimit                   AttributeName = "FifoThroughputLimit"
	AttributeRedriveAllowPolicy                    AttributeName = "RedriveAllowPolicy"
	AttributeSqsManagedSseEnabled                  AttributeName = "SqsManagedSseEnabled"
)

// Limits and defaults of queue attributes.
const (
	DefaultVisibilityTimeout      = 30 * time.Second
	MaxVisibilityTimeout          = 12 * time.Hour
	DefaultMessageRetentionPeriod = 4 * 24 * time.Hour
	MinMessageRetentionPeriod     = time.Minute
	MaxMessageRetentionPeriod     = 14 * 24 * time.Hour
	MaxDelay                      = 15 * time.Minute
	MaxWaitTime                   = 20 * time.Second
	MinMaximumMessageSize         = 1024
	MaxMessageSize                = 1 << 20 // 1 MiB, also the default
	DefaultKmsDataKeyReusePeriod  = 5 * time.Minute
)

// Attributes are the settable attributes of a queue, as CreateQueue and
// SetQueueAttributes take them. A nil field is not specified: CreateQueue
// uses AWS's default, SetQueueAttributes leaves it unchanged. Durations must
// be whole seconds.
type Attributes struct {
	// DelaySeconds delays every new message (0..15 min, default 0).
	DelaySeconds *time.Duration
	// MaximumMessageSize in bytes (1,024..1,048,576, default 1,048,576).
	MaximumMessageSize *int
	// MessageRetentionPeriod (1 min..14 days, default 4 days).
	MessageRetentionPeriod *time.Duration
	// ReceiveMessageWaitTimeSeconds is the default long-poll wait
	// (0..20 s, default 0).
	ReceiveMessageWaitTimeSeconds *time.Duration
	// VisibilityTimeout is the default visibility timeout (0..12 h, default 30 s).
	VisibilityTimeout *time.Duration
	// Policy is the queue's access policy, a JSON document. It is stored, not
	// enforced.
	Policy *string
	// FifoQueue makes a FIFO queue; only at creation, name ending ".fifo".
	FifoQueue *bool
	// ContentBasedDeduplication (FIFO only).
	ContentBasedDeduplication *bool
	// DeduplicationScope is "queue" or "messageGroup" (FIFO only).
	DeduplicationScope *string
	// FifoThroughputLimit is "perQueue" or "perMessageGroupId" (FIFO only).
	FifoThroughputLimit *string
	// KmsMasterKeyId turns on SSE-KMS (stored; nothing is encrypted).
	KmsMasterKeyId *string
	// KmsDataKeyReusePeriodSeconds (1 min..24 h, default 5 min).
	KmsDataKeyReusePeriodSeconds *time.Duration
	// SqsManagedSseEnabled turns on SSE-SQS (default true; stored).
	SqsManagedSseEnabled *bool
	// RedrivePolicy names the dead-letter queue; the zero value removes it.
	RedrivePolicy *RedrivePolicy
	// RedriveAllowPolicy limits which queues may use this one as their
	// dead-letter queue; the zero value removes it.
	RedriveAllowPolicy *RedriveAllowPolicy
}

// settings are a queue's current attribute values. q.mu guards them.
type settings struct {
	delay             time.Duration
	maxMessageSize    int
	retention         time.Duration
	waitTime          time.Duration
	visibilityTimeout time.Duration
	policy            string
	fifo              bool
	contentBasedDedup bool
	dedupScope        string
	throughputLimit   string
	kmsKeyID          string
	kmsReuse          time.Duration
	sqsManagedSSE     bool
	redrive           *RedrivePolicy      // nil: no dead-letter queue
	redriveAllow      *RedriveAllowPolicy // nil: any source may use this queue
}

func defaultSettings(fifo bool) settings {
	s := settings{
		maxMessageSize:    MaxMessageSize,
		retention:         DefaultMessageRetentionPeriod,
		visibilityTimeout: DefaultVisibilityTimeout,
		kmsReuse:          DefaultKmsDataKeyReusePeriod,
		sqsManagedSSE:     true,
		fifo:              fifo,
	}
	if fifo {
		s.dedupScope, s.throughputLimit = "queue", "perQueue"
	}
	return s
}

// apply validates a and returns s with a applied; s itself is not changed, so
// a rejected request changes nothing.
func (s settings) apply(a Attributes, creating bool) (settings, error) {
	if err := checkFifoOnly(a, s.fifo, creating); err != nil {
		return s, err
	}
	var err error
	setDuration := func(name AttributeName, v *time.Duration, lo, hi time.Duration, dst *time.Duration) {
		if v == nil || err != nil {
			return
		}
		if *v < lo || *v > hi || *v%time.Second != 0 {
			err = errInvalidAttributeValue(name)
			return
		}
		*dst = *v
	}
	setDuration(AttributeDelaySeconds, a.DelaySeconds, 0, MaxDelay, &s.delay)
	setDuration(AttributeMessageRetentionPeriod, a.MessageRetentionPeriod, MinMessageRetentionPeriod, MaxMessageRetentionPeriod, &s.retention)
	setDuration(AttributeReceiveMessageWaitTimeSeconds, a.ReceiveMessageWaitTimeSeconds, 0, MaxWaitTime, &s.waitTime)
	setDuration(AttributeVisibilityTimeout, a.VisibilityTimeout, 0, MaxVisibilityTimeout, &s.visibilityTimeout)
	setDuration(AttributeKmsDataKeyReusePeriodSeconds, a.KmsDataKeyReusePeriodSeconds, time.Minute, 24*time.Hour, &s.kmsReuse)
	if err != nil {
		return s, err
	}
	if v := a.MaximumMessageSize; v != nil {
		if *v < MinMaximumMessageSize || *v > MaxMessageSize {
			return s, errInvalidAttributeValue(AttributeMaximumMessageSize)
		}
		s.maxMessageSize = *v
	}
	if v := a.Policy; v != nil {
		if *v != "" && !isJSONObject(*v) {
			return s, errInvalidAttributeValue(AttributePolicy)
		}
		s.policy = *v
	}
	if err := s.applySSE(a); err != nil {
		return s, err
	}
	if err := s.applyRedrive(a); err != nil {
		return s, err
	}
	return s.applyFifo(a)
}

// checkFifoOnly rejects FIFO attributes on a standard queue and any attempt
// to change the queue type, with AWS's texts.
func checkFifoOnly(a Attributes, fifo, creating bool) error {
	if a.FifoQueue != nil && !fifo {
		// A standard queue knows no FifoQueue attribute, whatever its value:
		// CreateQueue with FifoQueue=false and SetQueueAttributes with either
		// value are rejected alike.
		return errorf(ErrInvalidAttributeName, "Unknown Attribute %s.", AttributeFifoQueue)
	}
	if a.FifoQueue != nil && !*a.FifoQueue {
		return errorf(ErrInvalidAttributeValue,
			"Invalid value for the parameter FifoQueue. Reason: Modifying queue type is not supported.")
	}
	if fifo {
		return nil
	}
	if a.ContentBasedDeduplication != nil {
		return errorf(ErrInvalidAttributeName, "Unknown Attribute %s.", AttributeContentBasedDeduplication)
	}
	if a.DeduplicationScope != nil {
		return errorf(ErrInvalidAttributeName, "You can specify the %s only when FifoQueue is set to true.", AttributeDeduplicationScope)
	}
	if a.FifoThroughputLimit != nil {
		return errorf(ErrInvalidAttributeName, "You can specify the %s only when FifoQueue is set to true.", AttributeFifoThroughputLimit)
	}
	return nil
}

func (s *settings) applySSE(a Attributes) error {
	if a.KmsMasterKeyId != nil && a.SqsManagedSseEnabled != nil && *a.KmsMasterKeyId != "" && *a.SqsManagedSseEnabled {
		return errorf(ErrInvalidAttributeName,
			"You can use one type of server-side encryption (SSE) at one time. You can either enable KMS SSE or SQS SSE.")
	}
	if v := a.KmsMasterKeyId; v != nil {
		s.kmsKeyID = *v
		if *v != "" {
			s.sqsManagedSSE = false
		}
	}
	if v := a.SqsManagedSseEnabled; v != nil {
		s.sqsManagedSSE = *v
		if *v {
			s.kmsKeyID = ""
		}
	}
	return nil
}

// applyRedrive checks and applies the redrive policies on their own; the
// Service checks the dead-letter queue itself before.
func (s *settings) applyRedrive(a Attributes) error {
	if p := a.RedrivePolicy; p != nil {
		if err := validateRedrivePolicy(*p); err != nil {
			return err
		}
		s.redrive = nil
		if *p != (RedrivePolicy{}) {
			c := *p
			s.redrive = &c
		}
	}
	if p := a.RedriveAllowPolicy; p != nil {
		if err := validateRedriveAllowPolicy(*p); err != nil {
			return err
		}
		s.redriveAllow = nil
		if p.RedrivePermission != "" {
			c := RedriveAllowPolicy{RedrivePermission: p.RedrivePermission, SourceQueueArns: slices.Clone(p.SourceQueueArns)}
			s.redriveAllow = &c
		}
	}
	return nil
}

func (s settings) applyFifo(a Attributes) (settings, error) {
	if v := a.ContentBasedDeduplication; v != nil {
		s.contentBasedDedup = *v
	}
	if v := a.DeduplicationScope; v != nil {
		if *v != "queue" && *v != "messageGroup" {
			return s, errInvalidAttributeValue(AttributeDeduplicationScope)
		}
		s.dedupScope = *v
	}
	if v := a.FifoThroughputLimit; v != nil {
		if *v != "perQueue" && *v != "perMessageGroupId" {
			return s, errInvalidAttributeValue(AttributeFifoThroughputLimit)
		}
		s.throughputLimit = *v
	}
	if s.fifo && s.throughputLimit == "perMessageGroupId" && s.dedupScope != "messageGroup" {
		return s, errorf(ErrInvalidAttributeValue,
			"Invalid value for the parameter FifoThroughputLimit. Reason: To set FifoThroughputLimit to perMessageGroupId, the DeduplicationScope must be messageGroup.")
	}
	return s, nil
}

// isJSONObject reports whether s is a JSON object, as a policy must be.
func isJSONObject(s string) bool {
	var obj map[string]json.RawMessage
	return json.Unmarshal([]byte(s), &obj) == nil && obj != nil
}

func errInvalidAttributeValue(name AttributeName) *Error {
	return errorf(ErrInvalidAttributeValue, "Invalid value for the parameter %s.", name)
}

// settableNames lists the attributes a caller may set, in AWS's order.
var settableNames = []AttributeName{
	AttributeDelaySeconds, AttributeMaximumMessageSize, AttributeMessageRetentionPeriod,
	AttributeReceiveMessageWaitTimeSeconds, AttributeVisibilityTimeout, AttributePolicy,
	AttributeFifoQueue, AttributeContentBasedDeduplication, AttributeDeduplicationScope,
	AttributeFifoThroughputLimit, AttributeKmsMasterKeyId, AttributeKmsDataKeyReusePeriodSeconds,
	AttributeSqsManagedSseEnabled, AttributeRedrivePolicy, AttributeRedriveAllowPolicy,
}

// specified returns the attributes a sets, rendered as AWS strings.
func (a Attributes) specified() map[AttributeName]string {
	m := map[AttributeName]string{}
	put := func(name AttributeName, ok bool, v string) {
		if ok {
			m[name] = v
		}
	}
	put(AttributeDelaySeconds, a.DelaySeconds != nil, seconds(deref(a.DelaySeconds)))
	put(AttributeMaximumMessageSize, a.MaximumMessageSize != nil, strconv.Itoa(deref(a.MaximumMessageSize)))
	put(AttributeMessageRetentionPeriod, a.MessageRetentionPeriod != nil, seconds(deref(a.MessageRetentionPeriod)))
	put(AttributeReceiveMessageWaitTimeSeconds, a.ReceiveMessageWaitTimeSeconds != nil, seconds(deref(a.ReceiveMessageWaitTimeSeconds)))
	put(AttributeVisibilityTimeout, a.VisibilityTimeout != nil, seconds(deref(a.VisibilityTimeout)))
	put(AttributePolicy, a.Policy != nil, deref(a.Policy))
	put(AttributeFifoQueue, a.FifoQueue != nil, strconv.FormatBool(deref(a.FifoQueue)))
	put(AttributeContentBasedDeduplication, a.ContentBasedDeduplication != nil, strconv.FormatBool(deref(a.ContentBasedDeduplication)))
	put(AttributeDeduplicationScope, a.DeduplicationScope != nil, deref(a.DeduplicationScope))
	put(AttributeFifoThroughputLimit, a.FifoThroughputLimit != nil, deref(a.FifoThroughputLimit))
	put(AttributeKmsMasterKeyId, a.KmsMasterKeyId != nil, deref(a.KmsMasterKeyId))
	put(AttributeKmsDataKeyReusePeriodSeconds, a.KmsDataKeyReusePeriodSeconds != nil, seconds(deref(a.KmsDataKeyReusePeriodSeconds)))
	put(AttributeSqsManagedSseEnabled, a.SqsManagedSseEnabled != nil, strconv.FormatBool(deref(a.SqsManagedSseEnabled)))
	if p := a.RedrivePolicy; p != nil {
		m[AttributeRedrivePolicy] = ""
		if *p != (RedrivePolicy{}) {
			m[AttributeRedrivePolicy] = p.redriveJSON()
		}
	}
	if p := a.RedriveAllowPolicy; p != nil {
		m[AttributeRedriveAllowPolicy] = ""
		if p.RedrivePermission != "" {
			m[AttributeRedriveAllowPolicy] = p.allowJSON()
		}
	}
	return m
}

// value renders one settable attribute as AWS shows it; ok is false where
// AWS omits the attribute (a FIFO attribute of a standard queue, an unset
// policy or key).
func (s settings) value(name AttributeName) (v string, ok bool) {
	switch name {
	case AttributeDelaySeconds:
		return seconds(s.delay), true
	case AttributeMaximumMessageSize:
		return strconv.Itoa(s.maxMessageSize), true
	case AttributeMessageRetentionPeriod:
		return seconds(s.retention), true
	case AttributeReceiveMessageWaitTimeSeconds:
		return seconds(s.waitTime), true
	case AttributeVisibilityTimeout:
		return seconds(s.visibilityTimeout), true
	case AttributePolicy:
		return s.policy, s.policy != ""
	case AttributeFifoQueue:
		return "true", s.fifo
	case AttributeContentBasedDeduplication:
		return strconv.FormatBool(s.contentBasedDedup), s.fifo
	case AttributeDeduplicationScope:
		return s.dedupScope, s.fifo
	case AttributeFifoThroughputLimit:
		return s.throughputLimit, s.fifo
	case AttributeKmsMasterKeyId:
		return s.kmsKeyID, s.kmsKeyID != ""
	case AttributeKmsDataKeyReusePeriodSeconds:
		return seconds(s.kmsReuse), s.kmsKeyID != ""
	case AttributeSqsManagedSseEnabled:
		return strconv.FormatBool(s.sqsManagedSSE), true
	case AttributeRedrivePolicy:
		if s.redrive == nil {
			return "", false
		}
		return s.redrive.redriveJSON(), true
	case AttributeRedriveAllowPolicy:
		if s.redriveAllow == nil {
			return "", false
		}
		return s.redriveAllow.allowJSON(), true
	}
	return "", false
}

// differsAt reports the first attribute in want whose value differs from s, for
// CreateQueue on an existing name.
func (s settings) differsAt(want map[AttributeName]string) (AttributeName, bool) {
	for _, name := range settableNames {
		w, ok := want[name]
		if !ok {
			continue
		}
		if v, _ := s.value(name); v != w {
			return name, true
		}
	}
	return "", false
}

func seconds(d time.Duration) string { return strconv.FormatInt(int64(d/time.Second), 10) }

func deref[T any](p *T) T {
	if p == nil {
		var zero T
		return zero
	}
	return *p
}

// GetQueueAttributesInput names the attributes to return.
type GetQueueAttributesInput struct {
	// AttributeNames to return; AttributeAll returns every attribute. None
	// returns nothing.
	AttributeNames []AttributeName
}

// GetQueueAttributesOutput holds attribute values as AWS renders them:
// numbers and booleans as strings, timestamps in epoch seconds.
type GetQueueAttributesOutput struct {
	Attributes map[AttributeName]string
}

// readOnlyNames are the attributes GetQueueAttributes computes.
var readOnlyNames = []AttributeName{
	AttributeApproximateNumberOfMessages, AttributeApproximateNumberOfMessagesNotVisible,
	AttributeApproximateNumberOfMessagesDelayed, AttributeCreatedTimestamp,
	AttributeLastModifiedTimestamp, AttributeQueueArn,
}

func isKnownAttribute(name AttributeName) bool {
	for _, list := range [][]AttributeName{settableNames, readOnlyNames, {AttributeAll}} {
		for _, n := range list {
			if n == name {
				return true
			}
		}
	}
	return false
}

// GetQueueAttributes returns the named attributes. Counts are exact at the
// moment of the call.
func (q *Queue) GetQueueAttributes(ctx context.Context, in GetQueueAttributesInput) (GetQueueAttributesOutput, error) {
	for _, name := range in.AttributeNames {
		if !isKnownAttribute(name) {
			return GetQueueAttributesOutput{}, errorf(ErrInvalidAttributeName, "Unknown Attribute %s.", name)
		}
	}
	q.lock()
	defer q.mu.Unlock()
	if err := q.checkLocked(); err != nil {
		return GetQueueAttributesOutput{}, err
	}
	q.catchUpLocked(q.nowLocked())
	out := map[AttributeName]string{}
	for _, name := range in.AttributeNames {
		if name == AttributeAll {
			for _, n := range settableNames {
				q.putAttributeLocked(out, n)
			}
			for _, n := range readOnlyNames {
				q.putAttributeLocked(out, n)
			}
			continue
		}
		q.putAttributeLocked(out, name)
	}
	return GetQueueAttributesOutput{Attributes: out}, nil
}

// q.mu must be held.
func (q *Queue) putAttributeLocked(out map[AttributeName]string, name AttributeName) {
	switch name {
	case AttributeApproximateNumberOfMessages:
		out[name] = strconv.Itoa(q.counts[stateVisible])
	case AttributeApproximateNumberOfMessagesNotVisible:
		out[name] = strconv.Itoa(q.counts[stateInFlight])
	case AttributeApproximateNumberOfMessagesDelayed:
		out[name] = strconv.Itoa(q.counts[stateDelayed])
	case AttributeCreatedTimestamp:
		out[name] = strconv.FormatInt(q.created.Unix(), 10)
	case AttributeLastModifiedTimestamp:
		out[name] = strconv.FormatInt(q.modified.Unix(), 10)
	case AttributeQueueArn:
		out[name] = q.arn
	default:
		if v, ok := q.settings.value(name); ok {
			out[name] = v
		}
	}
}

// SetQueueAttributesInput holds the attributes to change; nil fields stay.
type SetQueueAttributesInput struct {
	Attributes Attributes
}

// SetQueueAttributesOutput is empty, as in AWS.
type SetQueueAttributesOutput struct{}

// SetQueueAttributes changes the given attributes at once (AWS may take up to
// a minute to propagate; sluice has nothing to propagate). Lowering the
// retention period expires old messages at the next operation.
func (q *Queue) SetQueueAttributes(ctx context.Context, in SetQueueAttributesInput) (SetQueueAttributesOutput, error) {
	if err := q.svc.checkRedriveTarget(in.Attributes.RedrivePolicy, q.arn, q.fifo != nil); err != nil {
		return SetQueueAttributesOutput{}, err
	}
	q.lock()
	defer q.mu.Unlock()
	if err := q.checkLocked(); err != nil {
		return SetQueueAttributesOutput{}, err
	}
	next, err := q.settings.apply(in.Attributes, false)
	if err != nil {
		return SetQueueAttributesOutput{}, err
	}
	now := q.nowLocked()
	delayChanged := next.delay != q.settings.delay
	q.setSettingsLocked(next)
	q.modified = now
	q.catchUpLocked(now)
	if q.fifo != nil && delayChanged {
		q.redelayLocked(now.UnixNano())
	}
	q.wakeLocked()
	return SetQueueAttributesOutput{}, nil
}
